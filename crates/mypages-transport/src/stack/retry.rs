//! The retry layer.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use tower::{Service, ServiceExt};
use tracing::Instrument;

use super::timeout::Deadline;
use super::{HttpService, ResponseBody, meta_of};
use crate::error::{Error, ErrorKind, Phase, is_retryable_status};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::token::BoxFuture;

/// Retries failed attempts according to the [`RetryPolicy`], drawing from a shared budget.
#[derive(Clone)]
pub(crate) struct Retry {
    pub(crate) inner: HttpService,
    pub(crate) policy: Arc<RetryPolicy>,
    pub(crate) budget: Arc<RetryBudget>,
    pub(crate) rng: Arc<Mutex<fastrand::Rng>>,
}

type Outcome = Result<http::Response<ResponseBody>, Error>;

/// Why an attempt is worth retrying, with the wait the provider asked for.
struct Retryable {
    reason: &'static str,
    retry_after: Option<Duration>,
    timeout: bool,
}

fn classify(outcome: &Outcome, idempotent: bool, policy: &RetryPolicy) -> Option<Retryable> {
    match outcome {
        Ok(response) => (idempotent && is_retryable_status(response.status())).then(|| Retryable {
            reason: "status",
            retry_after: policy.retry_after(response.headers()),
            timeout: false,
        }),
        Err(error) => {
            let timeout = error.kind() == ErrorKind::Timeout;
            let retry = |reason| {
                Some(Retryable {
                    reason,
                    retry_after: None,
                    timeout,
                })
            };
            if error.phase() == Phase::BeforeSend {
                // Nothing left the client: safe to retry whatever the method, if transient.
                return if error.is_transient() {
                    retry("failed before sending")
                } else {
                    None
                };
            }
            match error.kind() {
                ErrorKind::Connect if idempotent => retry("connect error"),
                ErrorKind::Timeout if idempotent => retry("timeout"),
                ErrorKind::Transient if idempotent => retry("connection failed"),
                _ => None,
            }
        }
    }
}

impl Service<http::Request<Bytes>> for Retry {
    type Response = http::Response<ResponseBody>;
    type Error = Error;
    type Future = BoxFuture<'static, Outcome>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let (outcome, attempts) = this.run(request).await;
            tracing::Span::current().record("attempts", attempts);
            outcome
        })
    }
}

impl Retry {
    /// Runs the attempts; returns the final outcome and how many attempts were made.
    async fn run(&self, request: http::Request<Bytes>) -> (Outcome, u32) {
        let meta = meta_of(&request);
        let deadline = request.extensions().get::<Deadline>().map(|d| d.0);
        let mut attempt: u32 = 1;
        loop {
            let outcome = self.attempt(&request, attempt).await;
            let Some(retryable) = classify(&outcome, meta.idempotent, &self.policy) else {
                if outcome.as_ref().is_ok_and(|r| r.status().is_success()) {
                    self.budget.deposit(RetryPolicy::SUCCESS_REFUND);
                }
                return (outcome, attempt);
            };
            if attempt >= self.policy.max_attempts {
                return (outcome, attempt);
            }
            let delay = retryable
                .retry_after
                .unwrap_or_else(|| self.policy.backoff(attempt, &mut self.rng()));
            if deadline.is_some_and(|deadline| Instant::now() + delay >= deadline) {
                tracing::debug!(
                    attempt,
                    "no time left before the operation deadline; not retrying"
                );
                return (outcome, attempt);
            }
            let cost = if retryable.timeout {
                RetryPolicy::TIMEOUT_RETRY_COST
            } else {
                RetryPolicy::RETRY_COST
            };
            if !self.budget.withdraw(cost) {
                tracing::warn!(attempt, "retry budget exhausted; not retrying");
                return (outcome, attempt);
            }
            tracing::debug!(
                attempt,
                reason = retryable.reason,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            drop(outcome);
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt, in its own span.
    async fn attempt(&self, request: &http::Request<Bytes>, attempt: u32) -> Outcome {
        let span = tracing::debug_span!(
            "attempt",
            attempt,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let outcome = self
            .inner
            .clone()
            .oneshot(request.clone())
            .instrument(span.clone())
            .await;
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        match &outcome {
            Ok(response) => span.record("status", response.status().as_u16()),
            Err(error) => span.record("status", tracing::field::debug(error.kind())),
        };
        outcome
    }

    fn rng(&self) -> std::sync::MutexGuard<'_, fastrand::Rng> {
        // A poisoned lock only means a panic elsewhere mid-draw; the generator is still usable.
        self.rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
