//! The retry layer.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use pin_project_lite::pin_project;
use tokio::time::Instant;
use tower::{Layer, Service};
use tracing::Span;

use super::meta::{handed_down, handing_down};
use super::timeout::Deadline;
use super::{RequestMeta, into_error};
use crate::error::{BoxError, Error, ErrorKind, Phase, is_retryable_status};
use crate::retry::{RetryBudget, RetryPolicy};

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
    /// Whether every layer below gives a request that failed before it was sent back in
    /// its error (the client's own attempt over the built-in connector), so a request
    /// that may not be sent twice needs no copy.
    unsent_comes_back: bool,
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
            unsent_comes_back: false,
        }
    }

    /// This layer over the client's own attempt and built-in connector (see
    /// `unsent_comes_back`).
    pub(crate) fn over_own_attempt(mut self) -> RetryLayer {
        self.unsent_comes_back = true;
        self
    }

    /// The policy, budget and jitter of this layer, for the built-in connector's connect
    /// retries.
    pub(crate) fn connect_retries(&self) -> ConnectRetries {
        ConnectRetries {
            shared: self.shared.clone(),
        }
    }
}

/// The retry policy as the built-in connector applies it to connecting: the same number of
/// tries, backoff and budget as attempts, so a request waiting for a connection is never
/// copied for a retry.
#[derive(Clone, Debug)]
pub(crate) struct ConnectRetries {
    shared: Arc<Shared>,
}

impl ConnectRetries {
    /// After `tried` failed connects (the last one a timeout if `timed_out`), the wait
    /// before the next and what it withdrew from the budget; none if the policy or the
    /// budget allows no more.
    pub(crate) fn next(&self, tried: u32, timed_out: bool) -> Option<(Duration, u32)> {
        let shared = &*self.shared;
        if tried >= shared.policy.max_attempts {
            return None;
        }
        let cost = if timed_out {
            RetryPolicy::TIMEOUT_RETRY_COST
        } else {
            RetryPolicy::RETRY_COST
        };
        if !shared.budget.withdraw(cost) {
            tracing::warn!(tried, "retry budget exhausted; not connecting again");
            return None;
        }
        Some((shared.policy.backoff(tried, &mut shared.rng()), cost))
    }

    /// Gives back what the retries of a connect that succeeded withdrew.
    pub(crate) fn refund(&self, spent: u32) {
        self.shared.budget.deposit(spent);
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            shared: self.shared.clone(),
            unsent_comes_back: self.unsent_comes_back,
        }
    }
}

/// The service of [`RetryLayer`].
#[derive(Clone, Debug)]
pub struct Retry<S> {
    inner: S,
    shared: Arc<Shared>,
    unsent_comes_back: bool,
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
                // made): safe to retry whatever the method, if transient, unless the
                // built-in connector has retried the connect already.
                Phase::BeforeSend | Phase::Connect => {
                    if error.is_transient() && !error.connects_retried() {
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
    S: Service<http::Request<Bytes>, Response = http::Response<B>> + Clone,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<B>;
    type Error = Error;
    type Future = RetryFuture<S, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        // The service made ready goes with this call; this layer keeps a clone.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let in_extension = request.extensions().get::<RequestMeta>().cloned();
        let meta_in_extension = in_extension.is_some();
        let meta = in_extension.or_else(handed_down);
        let deadline = request.extensions().get::<Deadline>().map(|d| d.0);
        // Extensions that are only ours are left out of the copies and put back when one is
        // sent: a copy that is never sent costs no extension map.
        let ours = usize::from(meta_in_extension) + usize::from(deadline.is_some());
        let lean_copies = request.extensions().len() == ours;
        // A request sent at most once is sent again only if it never left, and then it
        // comes back in the error when the layers below give it back.
        let copies = !self.unsent_comes_back || meta.as_ref().is_some_and(|m| m.idempotent);
        RetryFuture {
            inner,
            shared: self.shared.clone(),
            copies,
            meta,
            meta_in_extension,
            lean_copies,
            deadline,
            attempt: 1,
            spent: 0,
            pending: Some(request),
            state: RetryState::ready(1),
        }
    }
}

pin_project! {
    /// The future of [`Retry`]: the attempts and the waits between them. It records how
    /// many attempts were made in the current (the operation's) span.
    ///
    /// The budget: a retry withdraws [`RetryPolicy::RETRY_COST`] (after a timeout
    /// [`RetryPolicy::TIMEOUT_RETRY_COST`]); a call that succeeds after retries gives back
    /// what its retries withdrew, and one that succeeds at the first try deposits
    /// [`RetryPolicy::SUCCESS_REFUND`].
    pub struct RetryFuture<S, F> {
        inner: S,
        shared: Arc<Shared>,
        // Whether each attempt keeps a copy of its request for the next one.
        copies: bool,
        // The request's metadata (without one it counts as not idempotent), handed down
        // with each attempt.
        meta: Option<RequestMeta>,
        // Whether the metadata came in the request's extensions (rather than handed down).
        meta_in_extension: bool,
        // Whether copies leave out the extensions (all of them ours) until they are sent.
        lean_copies: bool,
        deadline: Option<Instant>,
        attempt: u32,
        spent: u32,
        // The request of the next attempt: before an attempt, the one it sends; during an
        // attempt, the copy for the one after it (none if it is the last); during a wait,
        // the one it waits to send. Kept outside the state, so no change of state moves it.
        pending: Option<http::Request<Bytes>>,
        #[pin]
        state: RetryState<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum RetryState<F> {
        /// Waiting for the inner service to take the attempt.
        Ready {
            span: Span,
            started: Option<Instant>,
        },
        /// An attempt in flight.
        Attempt {
            #[pin]
            future: F,
            span: Span,
            started: Option<Instant>,
        },
        /// The wait before the next attempt.
        Backoff {
            #[pin]
            sleep: tokio::time::Sleep,
        },
    }
}

impl<F> RetryState<F> {
    /// Attempt number `attempt`, in its own span.
    fn ready(attempt: u32) -> RetryState<F> {
        let span = tracing::debug_span!(
            "attempt",
            attempt,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        // No clock reading for a span nobody listens to.
        let started = (!span.is_disabled()).then(Instant::now);
        RetryState::Ready { span, started }
    }
}

impl<S, B> Future for RetryFuture<S, S::Future>
where
    S: Service<http::Request<Bytes>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
{
    type Output = Outcome<B>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<B>> {
        let mut this = self.project();
        loop {
            // The outcome of an attempt.
            let (outcome, span, started) = match this.state.as_mut().project() {
                StateProj::Ready { span, started } => {
                    let ready = ready!(this.inner.poll_ready(cx)).map_err(into_error);
                    let Some(request) = this.pending.take() else {
                        return Poll::Ready(Err(polled_after_completion()));
                    };
                    // Whether another attempt may follow this one.
                    let more = *this.attempt < this.shared.policy.max_attempts;
                    match ready {
                        Ok(()) => {
                            if more && *this.copies {
                                *this.pending = Some(copy_of(&request, *this.lean_copies));
                            }
                            let inner = &mut *this.inner;
                            let future = handing_down(this.meta.clone(), || inner.call(request));
                            let (span, started) = (std::mem::replace(span, Span::none()), *started);
                            this.state.set(RetryState::Attempt {
                                future,
                                span,
                                started,
                            });
                            continue;
                        }
                        // Nothing was sent: the request itself is the next attempt's, if
                        // there can be one.
                        Err(error) => {
                            if more {
                                *this.pending = Some(request);
                            }
                            (Err(error), std::mem::replace(span, Span::none()), *started)
                        }
                    }
                }
                StateProj::Attempt {
                    future,
                    span,
                    started,
                } => {
                    let outcome = {
                        let _entered = span.enter();
                        ready!(future.poll(cx)).map_err(into_error)
                    };
                    // The span leaves the state, so it closes when this attempt's outcome
                    // has been dealt with, not when the whole future is dropped.
                    (outcome, std::mem::replace(span, Span::none()), *started)
                }
                StateProj::Backoff { sleep } => {
                    ready!(sleep.poll(cx));
                    let Some(next) = this.pending.as_mut() else {
                        return Poll::Ready(Err(polled_after_completion()));
                    };
                    if next.extensions().is_empty() {
                        // A lean copy: its extensions, all ours, go back before it is sent.
                        if let Some(meta) = this.meta.clone().filter(|_| *this.meta_in_extension) {
                            next.extensions_mut().insert(meta);
                        }
                        if let Some(deadline) = *this.deadline {
                            next.extensions_mut().insert(Deadline(deadline));
                        }
                    }
                    *this.attempt += 1;
                    this.state.set(RetryState::ready(*this.attempt));
                    continue;
                }
            };
            let mut outcome = outcome;
            if let Err(error) = &mut outcome {
                // A request given back unsent is the next attempt's, if there can be one;
                // it never leaves this layer in an error.
                let unsent = error.take_unsent();
                if this.pending.is_none() && *this.attempt < this.shared.policy.max_attempts {
                    *this.pending = unsent;
                }
            }
            if let Some(started) = started {
                span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            }
            match &outcome {
                Ok(response) => span.record("status", response.status().as_u16()),
                Err(error) => span.record("status", tracing::field::debug(error.kind())),
            };
            let attempt = *this.attempt;
            let shared = &**this.shared;
            let policy = &shared.policy;
            let done = |outcome: Outcome<B>| {
                tracing::Span::current().record("attempts", attempt);
                Poll::Ready(outcome)
            };
            let idempotent = this.meta.as_ref().is_some_and(|meta| meta.idempotent);
            let Some(retryable) = classify(&outcome, idempotent, policy) else {
                if outcome.as_ref().is_ok_and(|r| r.status().is_success()) {
                    shared.budget.deposit(if *this.spent > 0 {
                        *this.spent
                    } else {
                        RetryPolicy::SUCCESS_REFUND
                    });
                }
                return done(outcome);
            };
            if this.pending.is_none() {
                return done(outcome);
            }
            let delay = retryable
                .retry_after
                .unwrap_or_else(|| policy.backoff(attempt, &mut shared.rng()));
            if let Some(deadline) = *this.deadline {
                // A wait too long to add to the clock ends past any deadline.
                let wait_ends = Instant::now().checked_add(delay);
                if wait_ends.is_none_or(|end| end >= deadline) {
                    tracing::debug!(
                        attempt,
                        "no time left before the operation deadline; not retrying"
                    );
                    return done(outcome);
                }
            }
            let cost = if retryable.timeout {
                RetryPolicy::TIMEOUT_RETRY_COST
            } else {
                RetryPolicy::RETRY_COST
            };
            if !shared.budget.withdraw(cost) {
                tracing::warn!(attempt, "retry budget exhausted; not retrying");
                return done(outcome);
            }
            *this.spent = this.spent.saturating_add(cost);
            tracing::debug!(
                attempt,
                reason = retryable.reason,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            drop(outcome);
            this.state.set(RetryState::Backoff {
                sleep: tokio::time::sleep(delay),
            });
        }
    }
}

/// A copy of `request` for another attempt; `lean`, without its extensions.
fn copy_of(request: &http::Request<Bytes>, lean: bool) -> http::Request<Bytes> {
    if !lean {
        return request.clone();
    }
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// The error of a [`RetryFuture`] polled again after it completed (a caller's bug).
fn polled_after_completion() -> Error {
    Error::invalid_argument("request", "was polled after its answer was returned")
}

impl Shared {
    fn rng(&self) -> std::sync::MutexGuard<'_, fastrand::Rng> {
        // A poisoned lock only means a panic elsewhere mid-draw; the generator is still usable.
        self.rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
