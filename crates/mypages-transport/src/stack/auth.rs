//! The auth layer: bearer tokens from a [`TokenSource`], sent to the configured origin only,
//! with one refresh-and-replay on 401.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderValue};
use http::uri::{Authority, Scheme};
use pin_project_lite::pin_project;
use secrecy::{ExposeSecret, SecretString};
use tower::{Layer, Service, ServiceExt};

use super::meta::{RequestMeta, handed_down, handing_down};
use super::{PassFuture, into_error};
use crate::base_url::BaseUrl;
use crate::error::{BoxError, Error};
use crate::token::{BoxFuture, TokenSource};

/// Adds `Authorization: Bearer …` to requests for the base URL's origin (same scheme, host
/// and port), unless the request carries its own; strips any `Authorization` from
/// requests to another origin (so a layer that rewrites the scheme to `http` cannot send
/// the token in clear); on 401, tells the source the token was rejected and replays once
/// with a new token.
///
/// It sits outside the attempt timeout: fetching a token does not count against an
/// attempt, and a failed fetch means nothing was sent.
#[derive(Clone)]
pub struct AuthLayer {
    config: Arc<Config>,
}

struct Config {
    source: Option<Arc<dyn TokenSource>>,
    /// The header of a source's [fixed](TokenSource::fixed) token, made once.
    fixed: Option<HeaderValue>,
    scheme: Scheme,
    authority: Authority,
}

impl AuthLayer {
    /// Credentials for `base_url`'s origin; without a token source it only strips
    /// `Authorization` from requests to other origins.
    pub fn new(base_url: &BaseUrl) -> AuthLayer {
        AuthLayer {
            config: Arc::new(Config {
                source: None,
                fixed: None,
                scheme: base_url.scheme().clone(),
                authority: base_url.authority().clone(),
            }),
        }
    }

    /// Where the bearer tokens come from.
    pub fn token_source(self, source: Arc<dyn TokenSource>) -> AuthLayer {
        // A fixed token that cannot be a header value is refused on every call, as the
        // token of any other source would be.
        let fixed = source.fixed().and_then(|token| bearer(token).ok());
        AuthLayer {
            config: Arc::new(Config {
                source: Some(source),
                fixed,
                scheme: self.config.scheme.clone(),
                authority: self.config.authority.clone(),
            }),
        }
    }
}

impl std::fmt::Debug for AuthLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthLayer")
            .field("scheme", &self.config.scheme)
            .field("authority", &self.config.authority)
            .field("token_source", &self.config.source.is_some())
            .finish()
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Auth<S> {
        Auth {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service of [`AuthLayer`].
#[derive(Clone, Debug)]
pub struct Auth<S> {
    inner: S,
    layer: AuthLayer,
}

impl<S, B> Service<http::Request<Bytes>> for Auth<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<B>;
    type Error = Error;
    type Future = AuthFuture<S::Future, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, mut request: http::Request<Bytes>) -> Self::Future {
        let config = &*self.layer.config;
        let same_origin = request.uri().scheme() == Some(&config.scheme)
            && request.uri().authority().is_some_and(|authority| {
                // The same bytes (as the client builds them), or the same ignoring case.
                authority.as_str() == config.authority.as_str() || *authority == config.authority
            });
        if !same_origin {
            // Credentials never travel to another origin, whoever set them.
            request.headers_mut().remove(AUTHORIZATION);
            return AuthFuture::pass(self.inner.call(request));
        }
        // An endpoint that sets its own Authorization (e.g. another key for one call)
        // keeps it; the token source is not consulted.
        if request.headers().contains_key(AUTHORIZATION) {
            return AuthFuture::pass(self.inner.call(request));
        }
        if let Some(header) = &config.fixed {
            request.headers_mut().insert(AUTHORIZATION, header.clone());
            return AuthFuture::pass(self.inner.call(request));
        }
        let Some(source) = config.source.clone() else {
            return AuthFuture::pass(self.inner.call(request));
        };
        // The service made ready goes with this call; this layer keeps a clone.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        // The service below is called once the token has come: what was handed down with
        // the request goes down with it then.
        let meta = handed_down();
        AuthFuture {
            state: AuthState::Refreshing {
                future: Box::pin(with_token(inner, source, request, meta)),
            },
        }
    }
}

pin_project! {
    /// The future of [`Auth`].
    pub struct AuthFuture<F, B> {
        #[pin]
        state: AuthState<F, B>,
    }
}

pin_project! {
    #[project = AuthProj]
    enum AuthState<F, B> {
        /// The request went on as it was, or with a fixed token.
        Pass {
            #[pin]
            inner: PassFuture<F>,
        },
        /// The token is asked for, and a 401 may be replayed with a new one.
        Refreshing {
            future: BoxFuture<'static, Result<http::Response<B>, Error>>,
        },
    }
}

impl<F, B> AuthFuture<F, B> {
    fn pass(inner: F) -> AuthFuture<F, B> {
        AuthFuture {
            state: AuthState::Pass {
                inner: PassFuture::new(inner),
            },
        }
    }
}

impl<F, B, E> Future for AuthFuture<F, B>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<http::Response<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            AuthProj::Pass { inner } => inner.poll(cx),
            AuthProj::Refreshing { future } => future.as_mut().poll(cx),
        }
    }
}

/// Sends `request` with a token from `source`; on 401, tells the source and replays once
/// if it gives a different token.
async fn with_token<S, B>(
    mut inner: S,
    source: Arc<dyn TokenSource>,
    mut request: http::Request<Bytes>,
    meta: Option<RequestMeta>,
) -> Result<http::Response<B>, Error>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    // A failed fetch gives the request back: nothing was sent, so it may be sent again.
    let token = match source.token().await {
        Ok(token) => token,
        Err(error) => return Err(error.token_source_failure().with_unsent(request)),
    };
    request.headers_mut().insert(AUTHORIZATION, bearer(&token)?);
    let response = send(&mut inner, request.clone(), meta.clone()).await?;
    if response.status() != StatusCode::UNAUTHORIZED {
        return Ok(response);
    }
    source.rejected(&token);
    let renewed = match source.token().await {
        Ok(renewed) => renewed,
        Err(error) => {
            // The replay was not sent; it goes back without the rejected token.
            request.headers_mut().remove(AUTHORIZATION);
            return Err(error.token_source_failure().with_unsent(request));
        }
    };
    if renewed.expose_secret() == token.expose_secret() {
        return Ok(response);
    }
    drop(response);
    tracing::debug!("bearer token rejected with 401; replaying once with a new token");
    request
        .headers_mut()
        .insert(AUTHORIZATION, bearer(&renewed)?);
    send(&mut inner, request, meta).await
}

/// Sends `request` through `inner` once it is ready, handing `meta` down with it.
async fn send<S, B>(
    inner: &mut S,
    request: http::Request<Bytes>,
    meta: Option<RequestMeta>,
) -> Result<http::Response<B>, Error>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    let ready = inner.ready().await.map_err(into_error)?;
    handing_down(meta, || ready.call(request))
        .await
        .map_err(into_error)
}

fn bearer(token: &SecretString) -> Result<HeaderValue, Error> {
    let mut value =
        HeaderValue::try_from(format!("Bearer {}", token.expose_secret())).map_err(|_| {
            Error::invalid_argument(
                "token",
                "contains characters that are not allowed in an HTTP header",
            )
        })?;
    value.set_sensitive(true);
    Ok(value)
}
