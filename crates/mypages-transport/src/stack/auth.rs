//! The auth layer: bearer tokens from a [`TokenSource`], sent to the configured origin only,
//! with one refresh-and-replay on 401.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderValue};
use http::uri::{Authority, Scheme};
use secrecy::{ExposeSecret, SecretString};
use tower::{Layer, Service, ServiceExt};

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
    source: Option<Arc<dyn TokenSource>>,
    scheme: Scheme,
    authority: Authority,
}

impl AuthLayer {
    /// Credentials for `base_url`'s origin; without a token source it only strips
    /// `Authorization` from requests to other origins.
    pub fn new(base_url: &BaseUrl) -> AuthLayer {
        AuthLayer {
            source: None,
            scheme: base_url.scheme().clone(),
            authority: base_url.authority().clone(),
        }
    }

    /// Where the bearer tokens come from.
    pub fn token_source(mut self, source: Arc<dyn TokenSource>) -> AuthLayer {
        self.source = Some(source);
        self
    }
}

impl std::fmt::Debug for AuthLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthLayer")
            .field("scheme", &self.scheme)
            .field("authority", &self.authority)
            .field("token_source", &self.source.is_some())
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
    type Future = BoxFuture<'static, Result<Self::Response, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: http::Request<Bytes>) -> Self::Future {
        let inner = self.inner.clone();
        let source = self.layer.source.clone();
        let same_origin = request.uri().scheme() == Some(&self.layer.scheme)
            && request.uri().authority() == Some(&self.layer.authority);
        Box::pin(async move {
            if !same_origin {
                // Credentials never travel to another origin, whoever set them.
                request.headers_mut().remove(AUTHORIZATION);
                return send(inner, request).await;
            }
            // An endpoint that sets its own Authorization (e.g. another key for one call)
            // keeps it; the token source is not consulted.
            let explicit = request.headers().contains_key(AUTHORIZATION);
            let Some(source) = source.filter(|_| !explicit) else {
                return send(inner, request).await;
            };
            let token = source.token().await.map_err(Error::token_source_failure)?;
            request.headers_mut().insert(AUTHORIZATION, bearer(&token)?);
            let response = send(inner.clone(), request.clone()).await?;
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            source.rejected(&token);
            let renewed = source.token().await.map_err(Error::token_source_failure)?;
            if renewed.expose_secret() == token.expose_secret() {
                return Ok(response);
            }
            drop(response);
            tracing::debug!("bearer token rejected with 401; replaying once with a new token");
            request
                .headers_mut()
                .insert(AUTHORIZATION, bearer(&renewed)?);
            send(inner, request).await
        })
    }
}

async fn send<S, B>(inner: S, request: http::Request<Bytes>) -> Result<http::Response<B>, Error>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    inner
        .oneshot(request)
        .await
        .map_err(|error| Error::from_boxed(error.into()))
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
