//! The operation deadline and attempt timeout layers.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use pin_project_lite::pin_project;
use tokio::time::Instant;
use tower::{Layer, Service};

use super::into_error;
use crate::error::{BoxError, Error, TimeoutKind};

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
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<B>;
    type Error = Error;
    type Future = OperationDeadlineFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, mut request: http::Request<Bytes>) -> Self::Future {
        let bounded = self.timeout.and_then(|timeout| {
            Instant::now()
                .checked_add(timeout)
                .map(|deadline| (timeout, deadline))
        });
        let Some((timeout, deadline)) = bounded else {
            return OperationDeadlineFuture {
                state: DeadlineState::Open {
                    inner: self.inner.call(request),
                },
            };
        };
        request.extensions_mut().insert(Deadline(deadline));
        OperationDeadlineFuture {
            state: DeadlineState::Bounded {
                inner: tokio::time::timeout_at(deadline, self.inner.call(request)),
                timeout,
            },
        }
    }
}

pin_project! {
    /// The future of [`OperationDeadline`].
    pub struct OperationDeadlineFuture<F> {
        #[pin]
        state: DeadlineState<F>,
    }
}

pin_project! {
    #[project = OperationDeadlineProj]
    enum DeadlineState<F> {
        /// No deadline.
        Open {
            #[pin]
            inner: F,
        },
        /// Bounded by the deadline.
        Bounded {
            #[pin]
            inner: tokio::time::Timeout<F>,
            timeout: Duration,
        },
    }
}

impl<F, T, E> Future for OperationDeadlineFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            OperationDeadlineProj::Open { inner } => inner.poll(cx).map_err(into_error),
            OperationDeadlineProj::Bounded { inner, timeout } => match ready!(inner.poll(cx)) {
                Ok(result) => Poll::Ready(result.map_err(into_error)),
                Err(_) => Poll::Ready(Err(Error::timeout(TimeoutKind::Operation, *timeout))),
            },
        }
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
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<B>;
    type Error = Error;
    type Future = AttemptTimeoutFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        // tokio saturates a timeout too large to add to the clock.
        AttemptTimeoutFuture {
            inner: tokio::time::timeout(self.timeout, self.inner.call(request)),
            timeout: self.timeout,
        }
    }
}

pin_project! {
    /// The future of [`AttemptTimeout`].
    pub struct AttemptTimeoutFuture<F> {
        #[pin]
        inner: tokio::time::Timeout<F>,
        timeout: Duration,
    }
}

impl<F, T, E> Future for AttemptTimeoutFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match ready!(this.inner.poll(cx)) {
            Ok(result) => Poll::Ready(result.map_err(into_error)),
            Err(_) => Poll::Ready(Err(Error::timeout(TimeoutKind::Attempt, *this.timeout))),
        }
    }
}
