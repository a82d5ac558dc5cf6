//! The operation deadline and attempt timeout layers.

use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

use crate::error::{BoxError, Error, TimeoutKind};
use crate::token::BoxFuture;

/// The deadline of the whole operation, as a request extension, so the retry layer does not
/// start a wait it cannot finish.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline(pub(crate) Instant);

/// Bounds the whole operation (every attempt and every wait between them) when a timeout
/// is given; without one it only passes requests on. A timeout too large to add to the
/// clock means no deadline.
#[derive(Clone, Copy, Debug)]
pub struct OperationDeadlineLayer {
    timeout: Option<Duration>,
}

impl OperationDeadlineLayer {
    /// A deadline `timeout` after each request starts (none for `None`).
    pub fn new(timeout: Option<Duration>) -> OperationDeadlineLayer {
        OperationDeadlineLayer { timeout }
    }
}

impl<S> Layer<S> for OperationDeadlineLayer {
    type Service = OperationDeadline<S>;

    fn layer(&self, inner: S) -> OperationDeadline<S> {
        OperationDeadline {
            inner,
            timeout: self.timeout,
        }
    }
}

/// The service of [`OperationDeadlineLayer`].
#[derive(Clone, Debug)]
pub struct OperationDeadline<S> {
    inner: S,
    timeout: Option<Duration>,
}

impl<S, B> Service<http::Request<Bytes>> for OperationDeadline<S>
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
        let timeout = self.timeout;
        Box::pin(async move {
            let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
            let (Some(timeout), Some(deadline)) = (timeout, deadline) else {
                return inner.oneshot(request).await.map_err(into_error);
            };
            request.extensions_mut().insert(Deadline(deadline));
            match tokio::time::timeout_at(deadline, inner.oneshot(request)).await {
                Ok(result) => result.map_err(into_error),
                Err(_) => Err(Error::timeout(TimeoutKind::Operation, timeout)),
            }
        })
    }
}

/// Bounds one attempt: sending the request, and reading a buffered response body. It sits
/// inside the auth layer, so fetching a bearer token does not count against it.
#[derive(Clone, Copy, Debug)]
pub struct AttemptTimeoutLayer {
    timeout: Duration,
}

impl AttemptTimeoutLayer {
    /// Attempts of at most `timeout`.
    pub fn new(timeout: Duration) -> AttemptTimeoutLayer {
        AttemptTimeoutLayer { timeout }
    }
}

impl<S> Layer<S> for AttemptTimeoutLayer {
    type Service = AttemptTimeout<S>;

    fn layer(&self, inner: S) -> AttemptTimeout<S> {
        AttemptTimeout {
            inner,
            timeout: self.timeout,
        }
    }
}

/// The service of [`AttemptTimeoutLayer`].
#[derive(Clone, Debug)]
pub struct AttemptTimeout<S> {
    inner: S,
    timeout: Duration,
}

impl<S, B> Service<http::Request<Bytes>> for AttemptTimeout<S>
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

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let inner = self.inner.clone();
        let timeout = self.timeout;
        Box::pin(async move {
            // tokio saturates a timeout too large to add to the clock.
            match tokio::time::timeout(timeout, inner.oneshot(request)).await {
                Ok(result) => result.map_err(into_error),
                Err(_) => Err(Error::timeout(TimeoutKind::Attempt, timeout)),
            }
        })
    }
}

fn into_error(error: impl Into<BoxError>) -> Error {
    Error::from_boxed(error.into())
}
