//! The trace layer: one span per operation.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};
use tracing::Instrument;

use super::meta_of;
use crate::error::{BoxError, Error};
use crate::token::BoxFuture;

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
        let inner = self.inner.clone();
        Box::pin(async move {
            let started = Instant::now();
            let outcome = inner
                .oneshot(request)
                .instrument(span.clone())
                .await
                .map_err(|error| Error::from_boxed(error.into()));
            span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            match &outcome {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    span.in_scope(|| {
                        tracing::debug!(status = response.status().as_u16(), "answered")
                    });
                }
                Err(error) => {
                    span.record("status", tracing::field::debug(error.kind()));
                    span.in_scope(|| tracing::debug!(error_kind = ?error.kind(), "failed"));
                }
            }
            outcome
        })
    }
}
