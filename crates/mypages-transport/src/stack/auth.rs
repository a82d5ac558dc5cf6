//! The auth layer: bearer tokens from a [`TokenSource`], sent to the configured host only,
//! with one refresh-and-replay on 401.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderValue};
use http::uri::Authority;
use secrecy::{ExposeSecret, SecretString};
use tower::{Service, ServiceExt};

use super::{HttpService, ResponseBody};
use crate::error::Error;
use crate::token::{BoxFuture, TokenSource};

/// Adds `Authorization: Bearer …` for requests to `authority` (unless the endpoint set its
/// own), and strips any `Authorization` from requests to other hosts; on 401, tells the
/// source the token was rejected and replays once with a new token.
#[derive(Clone)]
pub(crate) struct Auth {
    pub(crate) inner: HttpService,
    pub(crate) source: Option<Arc<dyn TokenSource>>,
    pub(crate) authority: Authority,
}

impl Service<http::Request<Bytes>> for Auth {
    type Response = http::Response<ResponseBody>;
    type Error = Error;
    type Future = BoxFuture<'static, Result<Self::Response, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: http::Request<Bytes>) -> Self::Future {
        let inner = self.inner.clone();
        let source = self.source.clone();
        let same_host = request.uri().authority() == Some(&self.authority);
        Box::pin(async move {
            if !same_host {
                // Credentials never travel to another host, whoever set them.
                request.headers_mut().remove(AUTHORIZATION);
                return inner.oneshot(request).await;
            }
            // An endpoint that sets its own Authorization (e.g. another key for one call)
            // keeps it; the token source is not consulted.
            let explicit = request.headers().contains_key(AUTHORIZATION);
            let Some(source) = source.filter(|_| !explicit) else {
                return inner.oneshot(request).await;
            };
            let token = source.token().await.map_err(Error::token_source_failure)?;
            request.headers_mut().insert(AUTHORIZATION, bearer(&token)?);
            let response = inner.clone().oneshot(request.clone()).await?;
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
            inner.oneshot(request).await
        })
    }
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
