//! The retry layer.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};
use tracing::Instrument;

use super::timeout::Deadline;
use super::{into_error, meta_of};
use crate::error::{BoxError, Error, ErrorKind, Phase, is_retryable_status};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::token::BoxFuture;

/// Retries failed attempts according to a [`RetryPolicy`], drawing from a retry budget
/// shared by every service this layer makes (and their clones).
///
/// It reads the [`RequestMeta`](crate::RequestMeta) extension to know whether a request is
/// idempotent (a request without one is treated as not idempotent), and works over any
/// inner service taking `http::Request<Bytes>`; errors that are not this crate's
/// [`Error`] count as broken connections (the request may have been sent).
#[derive(Clone, Debug)]
pub struct RetryLayer {
    shared: Arc<Shared>,
}

/// What every service of one layer shares: the policy, the budget and the jitter's random
/// numbers.
#[derive(Debug)]
struct Shared {
    policy: RetryPolicy,
    budget: RetryBudget,
    rng: Mutex<fastrand::Rng>,
}

impl RetryLayer {
    /// Retries by `policy`, with a new budget of [`RetryPolicy::budget`] tokens.
    pub fn new(policy: RetryPolicy) -> RetryLayer {
        RetryLayer {
            shared: Arc::new(Shared {
                budget: RetryBudget::new(policy.budget),
                policy,
                rng: Mutex::new(fastrand::Rng::new()),
            }),
        }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service of [`RetryLayer`].
#[derive(Clone, Debug)]
pub struct Retry<S> {
    inner: S,
    shared: Arc<Shared>,
}

type Outcome<B> = Result<http::Response<B>, Error>;

/// Why an attempt is worth retrying, with the wait the provider asked for.
struct Retryable {
    reason: &'static str,
    retry_after: Option<Duration>,
    timeout: bool,
}

fn classify<B>(outcome: &Outcome<B>, idempotent: bool, policy: &RetryPolicy) -> Option<Retryable> {
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
            match error.phase() {
                // Nothing left the client (a token source failure, or no connection was
                // made): safe to retry whatever the method, if transient.
                Phase::BeforeSend | Phase::Connect => {
                    if error.is_transient() {
                        retry("failed before sending")
                    } else {
                        None
                    }
                }
                _ if !idempotent => None,
                _ => match error.kind() {
                    ErrorKind::Timeout => retry("timeout"),
                    ErrorKind::Transient => retry("connection failed"),
                    _ => None,
                },
            }
        }
    }
}

impl<S, B> Service<http::Request<Bytes>> for Retry<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = http::Response<B>;
    type Error = Error;
    type Future = BoxFuture<'static, Outcome<B>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        // The service made ready goes with this call; this layer keeps a clone.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(run(inner, self.shared.clone(), request))
    }
}

/// Runs the attempts; returns the final outcome, and records how many attempts were made
/// in the current (the operation's) span.
///
/// The budget: a retry withdraws [`RetryPolicy::RETRY_COST`] (after a timeout
/// [`RetryPolicy::TIMEOUT_RETRY_COST`]); a call that succeeds after retries gives back
/// what its retries withdrew, and one that succeeds at the first try deposits
/// [`RetryPolicy::SUCCESS_REFUND`].
async fn run<S, B>(mut inner: S, shared: Arc<Shared>, request: http::Request<Bytes>) -> Outcome<B>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    let done = |outcome: Outcome<B>, attempts: u32| {
        tracing::Span::current().record("attempts", attempts);
        outcome
    };
    let policy = &shared.policy;
    let meta = meta_of(&request);
    let deadline = request.extensions().get::<Deadline>().map(|d| d.0);
    let mut attempt: u32 = 1;
    let mut spent: u32 = 0;
    let mut request = request;
    loop {
        // A copy for the next attempt, if there can be one: the last attempt sends the
        // request itself.
        let next = (attempt < policy.max_attempts).then(|| request.clone());
        let outcome = attempt_once(&mut inner, request, attempt).await;
        let Some(retryable) = classify(&outcome, meta.idempotent, policy) else {
            if outcome.as_ref().is_ok_and(|r| r.status().is_success()) {
                shared.budget.deposit(if spent > 0 {
                    spent
                } else {
                    RetryPolicy::SUCCESS_REFUND
                });
            }
            return done(outcome, attempt);
        };
        let Some(next) = next else {
            return done(outcome, attempt);
        };
        let delay = retryable
            .retry_after
            .unwrap_or_else(|| policy.backoff(attempt, &mut shared.rng()));
        if let Some(deadline) = deadline {
            // A wait too long to add to the clock ends past any deadline.
            let wait_ends = Instant::now().checked_add(delay);
            if wait_ends.is_none_or(|end| end >= deadline) {
                tracing::debug!(
                    attempt,
                    "no time left before the operation deadline; not retrying"
                );
                return done(outcome, attempt);
            }
        }
        let cost = if retryable.timeout {
            RetryPolicy::TIMEOUT_RETRY_COST
        } else {
            RetryPolicy::RETRY_COST
        };
        if !shared.budget.withdraw(cost) {
            tracing::warn!(attempt, "retry budget exhausted; not retrying");
            return done(outcome, attempt);
        }
        spent = spent.saturating_add(cost);
        tracing::debug!(
            attempt,
            reason = retryable.reason,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        drop(outcome);
        tokio::time::sleep(delay).await;
        request = next;
        attempt += 1;
    }
}

/// One attempt, in its own span.
async fn attempt_once<S, B>(
    inner: &mut S,
    request: http::Request<Bytes>,
    attempt: u32,
) -> Outcome<B>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    let span = tracing::debug_span!(
        "attempt",
        attempt,
        status = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
    );
    // No clock reading for a span nobody listens to.
    let started = (!span.is_disabled()).then(Instant::now);
    let ready = inner.ready().await.map_err(into_error);
    let outcome = match ready {
        Ok(ready) => ready
            .call(request)
            .instrument(span.clone())
            .await
            .map_err(into_error),
        Err(error) => Err(error),
    };
    if let Some(started) = started {
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
    }
    match &outcome {
        Ok(response) => span.record("status", response.status().as_u16()),
        Err(error) => span.record("status", tracing::field::debug(error.kind())),
    };
    outcome
}

impl Shared {
    fn rng(&self) -> std::sync::MutexGuard<'_, fastrand::Rng> {
        // A poisoned lock only means a panic elsewhere mid-draw; the generator is still usable.
        self.rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
