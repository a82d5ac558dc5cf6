//! The trace layer: one span per operation.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::time::Instant;
use tower::{Service, ServiceExt};
use tracing::Instrument;

use super::{HttpService, ResponseBody, meta_of};
use crate::error::Error;
use crate::token::BoxFuture;

/// Opens an `operation` span with the provider, operation name, method, final status,
/// attempt count and elapsed time. Paths, queries, headers and bodies are never recorded:
/// they may hold tokens or identity numbers.
#[derive(Clone)]
pub(crate) struct Trace {
    pub(crate) inner: HttpService,
    pub(crate) provider: Arc<str>,
}

impl Service<http::Request<Bytes>> for Trace {
    type Response = http::Response<ResponseBody>;
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
            let outcome = inner.oneshot(request).instrument(span.clone()).await;
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
