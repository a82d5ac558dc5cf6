//! The retry policy: attempts, full-jitter exponential backoff, `Retry-After`, and the
//! client-wide retry budget.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::RETRY_AFTER;

/// When and how often failed attempts are retried.
///
/// Failures before anything was sent (a transient failure of the token source) are retried
/// for every endpoint. Connect errors, timeouts, broken connections and 408, 429, 500, 502,
/// 503 and 504 answers are retried only for idempotent endpoints (see
/// [`Endpoint::idempotent`](crate::Endpoint::idempotent)); anything else is returned at once. Between attempts the client waits a random time between zero and
/// `base_delay * 2^(retry - 1)` (capped at `max_delay`), or what the provider's
/// `Retry-After` asks for (capped at `max_retry_after`). Retries draw from a budget shared
/// by all clones of a client, so a failing provider is not hammered.
///
/// ```
/// use std::time::Duration;
/// use mypages_transport::RetryPolicy;
///
/// let policy = RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(50));
/// # let _ = policy;
/// ```
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) budget: u32,
}

impl Default for RetryPolicy {
    /// 3 attempts, 100 ms base delay, 20 s cap (also for `Retry-After`), a budget of 500.
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(20),
            budget: 500,
        }
    }
}

impl RetryPolicy {
    /// The cost in budget tokens of one retry.
    pub const RETRY_COST: u32 = 5;
    /// The cost in budget tokens of one retry after a timeout.
    pub const TIMEOUT_RETRY_COST: u32 = 10;
    /// The tokens a successful attempt gives back to the budget.
    pub const SUCCESS_REFUND: u32 = 1;

    /// A policy that never retries (one attempt).
    pub fn never() -> RetryPolicy {
        RetryPolicy::default().max_attempts(1)
    }

    /// Attempts per operation, the first included (at least 1; default 3).
    pub fn max_attempts(mut self, attempts: u32) -> RetryPolicy {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The base of the exponential backoff (default 100 ms).
    pub fn base_delay(mut self, delay: Duration) -> RetryPolicy {
        self.base_delay = delay;
        self
    }

    /// The longest backoff between attempts (default 20 s).
    pub fn max_delay(mut self, delay: Duration) -> RetryPolicy {
        self.max_delay = delay;
        self
    }

    /// The longest wait a provider's `Retry-After` can cause (default 20 s).
    pub fn max_retry_after(mut self, delay: Duration) -> RetryPolicy {
        self.max_retry_after = delay;
        self
    }

    /// The retry budget's size in tokens (default 500): a retry costs
    /// [`RetryPolicy::RETRY_COST`] ([`RetryPolicy::TIMEOUT_RETRY_COST`] after a timeout),
    /// a success refunds [`RetryPolicy::SUCCESS_REFUND`]. With an empty budget failures are
    /// returned without retrying.
    pub fn budget(mut self, tokens: u32) -> RetryPolicy {
        self.budget = tokens;
        self
    }

    /// The full-jitter backoff before retry number `retry` (1 for the first retry).
    pub(crate) fn backoff(&self, retry: u32, rng: &mut fastrand::Rng) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rng.u64(..=nanos))
    }

    /// The wait the `Retry-After` header of `headers` asks for (seconds or an HTTP date),
    /// capped at [`RetryPolicy::max_retry_after`]; `None` without a valid header.
    pub fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
        let wait = match value.parse::<u64>() {
            Ok(seconds) => Duration::from_secs(seconds),
            Err(_) => {
                let at = httpdate::parse_http_date(value).ok()?;
                at.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO)
            }
        };
        Some(wait.min(self.max_retry_after))
    }
}

/// A token bucket shared by a client's clones: retries withdraw, successes refund.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    pub(crate) fn new(capacity: u32) -> RetryBudget {
        RetryBudget {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes `cost` tokens if there are that many.
    pub(crate) fn withdraw(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// Gives back `amount` tokens, up to the capacity.
    pub(crate) fn deposit(&self, amount: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                Some(tokens.saturating_add(amount).min(self.capacity))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn backoff_is_full_jitter_under_an_exponential_ceiling() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(1_000));
        let mut rng = fastrand::Rng::with_seed(7);
        for (retry, ceiling) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1_000),
            (40, 1_000),
        ] {
            let samples: Vec<Duration> =
                (0..200).map(|_| policy.backoff(retry, &mut rng)).collect();
            let ceiling = Duration::from_millis(ceiling);
            assert!(samples.iter().all(|d| *d <= ceiling), "retry {retry}");
            // Full jitter spreads over the whole range, not just near the ceiling.
            assert!(samples.iter().any(|d| *d < ceiling / 4), "retry {retry}");
            assert!(
                samples.iter().any(|d| *d > ceiling * 3 / 4),
                "retry {retry}"
            );
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates_and_is_capped() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(30));
        let mut headers = HeaderMap::new();
        assert_eq!(policy.retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(policy.retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3600"));
        assert_eq!(policy.retry_after(&headers), Some(Duration::from_secs(30)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let wait = policy.retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(policy.retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(policy.retry_after(&headers), None);
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts, 3);
        assert_eq!(policy.base_delay, Duration::from_millis(100));
        assert_eq!(policy.max_delay, Duration::from_secs(20));
        assert_eq!(policy.max_retry_after, Duration::from_secs(20));
        assert_eq!(policy.budget, 500);
        assert_eq!(RetryPolicy::never().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
        assert_eq!(
            (
                RetryPolicy::RETRY_COST,
                RetryPolicy::TIMEOUT_RETRY_COST,
                RetryPolicy::SUCCESS_REFUND
            ),
            (5, 10, 1)
        );
    }

    #[test]
    fn each_setter_sets_its_field() {
        let policy = RetryPolicy::default()
            .max_attempts(7)
            .base_delay(Duration::from_millis(7))
            .max_delay(Duration::from_secs(7))
            .max_retry_after(Duration::from_secs(8))
            .budget(9);
        assert_eq!(policy.max_attempts, 7);
        assert_eq!(policy.base_delay, Duration::from_millis(7));
        assert_eq!(policy.max_delay, Duration::from_secs(7));
        assert_eq!(policy.max_retry_after, Duration::from_secs(8));
        assert_eq!(policy.budget, 9);
    }

    #[test]
    fn budget_withdraws_and_refunds_within_capacity() {
        let budget = RetryBudget::new(10);
        assert!(budget.withdraw(5));
        assert!(budget.withdraw(5));
        assert!(!budget.withdraw(5));
        budget.deposit(1);
        assert!(!budget.withdraw(5));
        assert!(budget.withdraw(1));
        for _ in 0..100 {
            budget.deposit(1);
        }
        assert!(budget.withdraw(10));
        assert!(!budget.withdraw(1));
    }
}
