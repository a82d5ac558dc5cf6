//! The body limit layer: buffers response bodies within the configured limit.

use std::task::{Context, Poll};

use bytes::Bytes;
use tower::{Service, ServiceExt};

use super::{HttpService, ResponseBody, meta_of};
use crate::error::Error;
use crate::token::BoxFuture;

/// Error bodies are kept up to this many bytes (cut, not refused).
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Buffers 2xx bodies up to `limit` (refusing larger ones) unless the request streams, and
/// always buffers non-2xx bodies, cut at [`ERROR_BODY_LIMIT`], so the retry layer and the
/// API error can use them.
#[derive(Clone)]
pub(crate) struct BodyLimit {
    pub(crate) inner: HttpService,
    pub(crate) limit: usize,
}

impl Service<http::Request<Bytes>> for BodyLimit {
    type Response = http::Response<ResponseBody>;
    type Error = Error;
    type Future = BoxFuture<'static, Result<Self::Response, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let inner = self.inner.clone();
        let limit = self.limit;
        let streaming = meta_of(&request).streaming;
        Box::pin(async move {
            let response = inner.oneshot(request).await?;
            let success = response.status().is_success();
            if success && streaming {
                return Ok(response);
            }
            let (parts, body) = response.into_parts();
            if success {
                let declared = parts
                    .headers
                    .get(http::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                if declared.is_some_and(|len| len > limit as u64) {
                    return Err(Error::body_too_large(limit));
                }
            }
            let bytes = if success {
                body.collect_limited(limit, false).await?
            } else {
                body.collect_limited(ERROR_BODY_LIMIT.min(limit), true)
                    .await?
            };
            Ok(http::Response::from_parts(
                parts,
                ResponseBody::buffered(bytes),
            ))
        })
    }
}
