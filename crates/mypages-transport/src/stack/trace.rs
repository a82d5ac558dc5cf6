//! The trace layer: one span per operation.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use pin_project_lite::pin_project;
use tokio::time::Instant;
use tower::{Layer, Service};
use tracing::Span;

use super::into_error;
use super::meta::meta_of;
use crate::error::{BoxError, Error};

/// Opens an `operation` span per request with the provider, operation name, method, final
/// status, attempt count and elapsed time. Paths, queries, headers and bodies are never
/// recorded: they may hold tokens or identity numbers. The outermost layer of the client.
#[derive(Clone, Debug)]
pub struct TraceLayer {
    provider: Arc<str>,
}

impl TraceLayer {
    /// Spans naming `provider`, e.g. `payex`.
    pub fn new(provider: impl Into<Arc<str>>) -> TraceLayer {
        TraceLayer {
            provider: provider.into(),
        }
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Trace<S> {
        Trace {
            inner,
            provider: self.provider.clone(),
        }
    }
}

/// The service of [`TraceLayer`].
#[derive(Clone, Debug)]
pub struct Trace<S> {
    inner: S,
    provider: Arc<str>,
}

impl<S, B> Service<http::Request<Bytes>> for Trace<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<B>;
    type Error = Error;
    type Future = TraceFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let meta = meta_of(&request);
        let span = tracing::info_span!(
            "operation",
            provider = &*self.provider,
            operation = meta.operation,
            method = %request.method(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        // No clock reading for a span nobody listens to.
        let started = (!span.is_disabled()).then(Instant::now);
        TraceFuture {
            inner: span.in_scope(|| self.inner.call(request)),
            span,
            started,
        }
    }
}

pin_project! {
    /// The future of [`Trace`]: the inner future, polled in the operation's span.
    pub struct TraceFuture<F> {
        #[pin]
        inner: F,
        span: Span,
        started: Option<Instant>,
    }
}

impl<F, B, E> Future for TraceFuture<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<http::Response<B>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let span = &*this.span;
        let outcome = ready!(span.in_scope(|| this.inner.poll(cx))).map_err(into_error);
        if let Some(started) = this.started {
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        }
        match &outcome {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                span.in_scope(|| tracing::debug!(status = response.status().as_u16(), "answered"));
            }
            Err(error) => {
                span.record("status", tracing::field::debug(error.kind()));
                span.in_scope(|| tracing::debug!(error_kind = ?error.kind(), "failed"));
            }
        }
        Poll::Ready(outcome)
    }
}
