//! The operation deadline and attempt timeout layers.

use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use tower::{Service, ServiceExt};

use super::{HttpService, ResponseBody};
use crate::error::{Error, TimeoutKind};
use crate::token::BoxFuture;

/// The deadline of the whole operation, as a request extension, so the retry layer does not
/// start a wait it cannot finish.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline(pub(crate) Instant);

/// Bounds the whole operation (all attempts and waits) when configured.
#[derive(Clone)]
pub(crate) struct OperationDeadline {
    pub(crate) inner: HttpService,
    pub(crate) timeout: Option<Duration>,
}

impl Service<http::Request<Bytes>> for OperationDeadline {
    type Response = http::Response<ResponseBody>;
    type Error = Error;
    type Future = BoxFuture<'static, Result<Self::Response, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: http::Request<Bytes>) -> Self::Future {
        let inner = self.inner.clone();
        let timeout = self.timeout;
        Box::pin(async move {
            let Some(timeout) = timeout else {
                return inner.oneshot(request).await;
            };
            let deadline = Instant::now() + timeout;
            request.extensions_mut().insert(Deadline(deadline));
            match tokio::time::timeout_at(deadline, inner.oneshot(request)).await {
                Ok(result) => result,
                Err(_) => Err(Error::timeout(TimeoutKind::Operation, timeout)),
            }
        })
    }
}

/// Bounds one attempt: sending the request, and reading a buffered response body.
#[derive(Clone)]
pub(crate) struct AttemptTimeout {
    pub(crate) inner: HttpService,
    pub(crate) timeout: Duration,
}

impl Service<http::Request<Bytes>> for AttemptTimeout {
    type Response = http::Response<ResponseBody>;
    type Error = Error;
    type Future = BoxFuture<'static, Result<Self::Response, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let inner = self.inner.clone();
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, inner.oneshot(request)).await {
                Ok(result) => result,
                Err(_) => Err(Error::timeout(TimeoutKind::Attempt, timeout)),
            }
        })
    }
}
