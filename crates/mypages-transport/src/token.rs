//! Bearer token sources: a static token, and a cached, single-flight source for expiring
//! tokens.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use crate::error::{Error, TimeoutKind};

/// A boxed, sendable future, as returned by [`TokenSource::token`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the client gets its bearer token from.
///
/// The auth layer asks for a token before each attempt and sends it as
/// `Authorization: Bearer …` to the configured host only. When the provider answers 401, it
/// calls [`TokenSource::rejected`] with the token it sent, asks again, and replays the
/// request once if it got a different token. A source whose token never changes says so
/// with [`TokenSource::fixed`].
pub trait TokenSource: Send + Sync + 'static {
    /// Returns the token to send now.
    fn token(&self) -> BoxFuture<'_, Result<SecretString, Error>>;

    /// The token, when it never changes (a [`StaticToken`]): the auth layer then makes its
    /// `Authorization` header once, never calls [`TokenSource::token`] or
    /// [`TokenSource::rejected`], and hands a 401 back without a replay (a token that
    /// cannot change cannot be renewed). The default is `None`: the token is asked for on
    /// every attempt.
    fn fixed(&self) -> Option<&SecretString> {
        None
    }

    /// Tells the source that the provider rejected `token` (answered 401). A caching source
    /// drops it so the next [`TokenSource::token`] fetches a new one. The default does
    /// nothing.
    fn rejected(&self, token: &SecretString) {
        let _ = token;
    }
}

/// A token that never changes, e.g. a PayEx reference token or a PayFunc API key.
#[derive(Clone)]
pub struct StaticToken {
    token: SecretString,
}

impl StaticToken {
    /// Wraps the token.
    pub fn new(token: SecretString) -> StaticToken {
        StaticToken { token }
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken([REDACTED])")
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<SecretString, Error>> {
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }

    fn fixed(&self) -> Option<&SecretString> {
        Some(&self.token)
    }
}

/// A token with its lifetime, as returned by a [`CachedToken`] fetcher.
pub struct ExpiringToken {
    token: SecretString,
    expires_in: Duration,
}

impl ExpiringToken {
    /// A token valid for `expires_in` from now.
    pub fn new(token: SecretString, expires_in: Duration) -> ExpiringToken {
        ExpiringToken { token, expires_in }
    }

    /// A token valid until `expires_at` (a past time counts as already expired).
    pub fn expiring_at(token: SecretString, expires_at: time::OffsetDateTime) -> ExpiringToken {
        let left = expires_at - time::OffsetDateTime::now_utc();
        let expires_in = Duration::try_from(left).unwrap_or(Duration::ZERO);
        ExpiringToken { token, expires_in }
    }
}

impl ExpiringToken {
    /// A token valid until `expires_at` by the clock of the server that issued it, whose
    /// `Date` header said `server_now`: the lifetime is the difference of the two server
    /// times, so a skewed local clock does not shorten (or lengthen) it. Without a server
    /// time it is [`ExpiringToken::expiring_at`].
    pub fn expiring_at_server_time(
        token: SecretString,
        expires_at: time::OffsetDateTime,
        server_now: Option<time::OffsetDateTime>,
    ) -> ExpiringToken {
        let Some(server_now) = server_now else {
            return ExpiringToken::expiring_at(token, expires_at);
        };
        let expires_in = Duration::try_from(expires_at - server_now).unwrap_or(Duration::ZERO);
        ExpiringToken { token, expires_in }
    }
}

impl std::fmt::Debug for ExpiringToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExpiringToken")
            .field("token", &"[REDACTED]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// The longest a failed fetch is remembered before the next one (jittered down to half).
const FAILURE_BACKOFF: Duration = Duration::from_secs(5);

/// How long one fetch may take by default.
const LOAD_TIMEOUT: Duration = Duration::from_secs(10);

type Fetch = dyn Fn() -> BoxFuture<'static, Result<ExpiringToken, Error>> + Send + Sync;

/// A cache over a user-supplied async fetcher of expiring tokens (e.g. Avarda's
/// `POST /auth/token`).
///
/// - The token is refreshed ahead of expiry (60 s by default, at most half its lifetime),
///   in the background: callers keep getting the still-valid token meanwhile.
/// - One fetch at a time: however many calls need a token at once, the fetcher runs once
///   and they all get its result.
/// - A fetch is bounded by [`CachedToken::load_timeout`] (default 10 s).
/// - A failed fetch is remembered for a short, jittered backoff (2.5 to 5 s): meanwhile the
///   still-valid token is used, or, when there is none, calls fail at once with that
///   failure instead of asking the token endpoint again.
/// - When the provider rejects the cached token (401), it is dropped and fetched anew.
///
/// Cloning is cheap and clones share the cache.
#[derive(Clone)]
pub struct CachedToken {
    inner: Arc<CachedInner>,
    load_timeout: Duration,
}

struct CachedInner {
    fetch: Box<Fetch>,
    refresh_ahead: Duration,
    state: Mutex<State>,
    /// Held by the one fetch in flight.
    loading: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    failed: Option<Failed>,
    /// How many fetches have finished, so a caller that waited for one takes its result.
    loads: u64,
}

#[derive(Clone)]
struct Cached {
    token: SecretString,
    /// When to stop using the token.
    expires_at: Instant,
    /// When to start fetching a new one.
    refresh_at: Instant,
}

/// The last failed fetch: no background refresh starts before `until`, and callers that
/// waited for that fetch get its error.
struct Failed {
    until: Instant,
    error: Error,
}

/// `now + after`, saturating at a far future instead of overflowing.
fn later(now: Instant, after: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    now.checked_add(after)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}

impl CachedToken {
    /// A cache over `fetch`, which is called whenever a new token is needed.
    pub fn new<F, Fut>(fetch: F) -> CachedToken
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<ExpiringToken, Error>> + Send + 'static,
    {
        CachedToken::with_refresh_ahead(fetch, Duration::from_secs(60))
    }

    /// Like [`CachedToken::new`], refreshing `refresh_ahead` before expiry (capped at half
    /// of the token's lifetime).
    pub fn with_refresh_ahead<F, Fut>(fetch: F, refresh_ahead: Duration) -> CachedToken
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<ExpiringToken, Error>> + Send + 'static,
    {
        CachedToken {
            inner: Arc::new(CachedInner {
                fetch: Box::new(move || Box::pin(fetch())),
                refresh_ahead,
                state: Mutex::new(State::default()),
                loading: Arc::new(tokio::sync::Mutex::new(())),
            }),
            load_timeout: LOAD_TIMEOUT,
        }
    }

    /// How long one fetch may take before it fails with a
    /// [`TimeoutKind::TokenFetch`](crate::TimeoutKind::TokenFetch) error (default 10 s).
    pub fn load_timeout(mut self, timeout: Duration) -> CachedToken {
        self.load_timeout = timeout;
        self
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means a panic elsewhere while holding it; the state is
        // still whole, so keep using it.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The token to use now, without waiting, if there is one, and whether a background
    /// refresh is due (not while a failed one is remembered).
    fn valid(&self, now: Instant) -> Option<(SecretString, bool)> {
        let state = self.state();
        let cached = state.cached.as_ref().filter(|c| now < c.expires_at)?;
        let backing_off = state.failed.as_ref().is_some_and(|f| now < f.until);
        Some((
            cached.token.clone(),
            now >= cached.refresh_at && !backing_off,
        ))
    }

    async fn get(&self) -> Result<SecretString, Error> {
        if let Some((token, refresh)) = self.valid(Instant::now()) {
            if refresh {
                self.refresh_in_background();
            }
            return Ok(token);
        }
        let loads = self.state().loads;
        let _loading = self.inner.loading.lock().await;
        // Another caller may have fetched while this one waited: take its result.
        if let Some((token, _)) = self.valid(Instant::now()) {
            return Ok(token);
        }
        {
            let state = self.state();
            if state.loads != loads
                && let Some(failed) = &state.failed
            {
                return Err(failed.error.remembered());
            }
        }
        self.load().await
    }

    /// Starts one background fetch, unless one is running (or there is no runtime).
    fn refresh_in_background(&self) {
        let Ok(loading) = self.inner.loading.clone().try_lock_owned() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let this = self.clone();
        runtime.spawn(async move {
            let _loading = loading;
            if let Err(error) = this.load().await {
                tracing::warn!(
                    error_kind = ?error.kind(),
                    "token refresh failed; using the current token until it expires"
                );
            }
        });
    }

    /// Runs the fetcher (bounded by the load timeout) and stores what it gives.
    async fn load(&self) -> Result<SecretString, Error> {
        tracing::debug!("fetching a new bearer token");
        let fetched = tokio::time::timeout(self.load_timeout, (self.inner.fetch)())
            .await
            .unwrap_or_else(|_| Err(Error::timeout(TimeoutKind::TokenFetch, self.load_timeout)));
        let now = Instant::now();
        let mut state = self.state();
        state.loads += 1;
        match fetched {
            Ok(fresh) => {
                let ahead = self.inner.refresh_ahead.min(fresh.expires_in / 2);
                let token = fresh.token.clone();
                state.cached = Some(Cached {
                    token: fresh.token,
                    expires_at: later(now, fresh.expires_in),
                    refresh_at: later(now, fresh.expires_in - ahead),
                });
                state.failed = None;
                Ok(token)
            }
            Err(error) => {
                let backoff = FAILURE_BACKOFF.mul_f64(0.5 + fastrand::f64() / 2.0);
                state.failed = Some(Failed {
                    until: later(now, backoff),
                    error: error.remembered(),
                });
                Err(error)
            }
        }
    }
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("refresh_ahead", &self.inner.refresh_ahead)
            .field("load_timeout", &self.load_timeout)
            .finish_non_exhaustive()
    }
}

impl TokenSource for CachedToken {
    fn token(&self) -> BoxFuture<'_, Result<SecretString, Error>> {
        Box::pin(self.get())
    }

    fn rejected(&self, token: &SecretString) {
        let mut state = self.state();
        if state
            .cached
            .as_ref()
            .is_some_and(|c| c.token.expose_secret() == token.expose_secret())
        {
            state.cached = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn counting(lifetime: Duration) -> (CachedToken, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let source = CachedToken::with_refresh_ahead(
            move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok(ExpiringToken::new(
                        SecretString::from(format!("token-{n}")),
                        lifetime,
                    ))
                }
            },
            Duration::from_secs(10),
        );
        (source, calls)
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_ahead_of_expiry() {
        let (source, calls) = counting(Duration::from_secs(100));
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::time::advance(Duration::from_secs(85)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::time::advance(Duration::from_secs(6)).await;
        // 91 s into a 100 s token with 10 s ahead: refreshed in the background although
        // not yet expired, while the current one is still served.
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn rejected_token_is_dropped_once() {
        let (source, calls) = counting(Duration::from_secs(100));
        let first = source.token().await.unwrap();
        source.rejected(&first);
        let second = source.token().await.unwrap();
        assert_eq!(second.expose_secret(), "token-2");
        // A late rejection of the old token does not drop the new one.
        source.rejected(&first);
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_refresh_keeps_a_still_valid_token() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let source = CachedToken::with_refresh_ahead(
            move || {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        Ok(ExpiringToken::new(
                            SecretString::from("only"),
                            Duration::from_secs(100),
                        ))
                    } else {
                        Err(Error::invalid_argument("token", "refresh failed"))
                    }
                }
            },
            Duration::from_secs(10),
        );
        source.token().await.unwrap();
        tokio::time::advance(Duration::from_secs(95)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "only");
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(source.token().await.is_err());
    }

    /// A source whose first fetch returns `token-1` valid for 100 s (10 s ahead) and whose
    /// later fetches behave as `later` says: hang, or fail.
    fn first_then(later: &'static str) -> (CachedToken, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let source = CachedToken::with_refresh_ahead(
            move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    if n == 1 {
                        return Ok(ExpiringToken::new(
                            SecretString::from("token-1"),
                            Duration::from_secs(100),
                        ));
                    }
                    match later {
                        "hang" => std::future::pending().await,
                        _ => {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            Err(Error::invalid_argument("token", "refresh failed"))
                        }
                    }
                }
            },
            Duration::from_secs(10),
        );
        (source, calls)
    }

    #[tokio::test(start_paused = true)]
    async fn a_stale_token_is_served_while_one_background_refresh_runs() {
        let (source, calls) = first_then("hang");
        source.token().await.unwrap();
        tokio::time::advance(Duration::from_secs(95)).await;
        for _ in 0..10 {
            let token = tokio::time::timeout(Duration::from_millis(1), source.token())
                .await
                .expect("the still-valid token is served at once")
                .unwrap();
            assert_eq!(token.expose_secret(), "token-1");
        }
        tokio::task::yield_now().await;
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one background refresh");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_refresh_is_remembered_for_a_backoff() {
        let (source, calls) = first_then("fail");
        source.token().await.unwrap();
        tokio::time::advance(Duration::from_secs(91)).await;
        for _ in 0..5 {
            assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
            tokio::task::yield_now().await;
        }
        // The refresh fails 100 ms after it started; then it is remembered.
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::task::yield_now().await;
        assert_eq!(calls.load(Ordering::SeqCst), 2, "the failure is remembered");
        tokio::time::advance(FAILURE_BACKOFF).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::task::yield_now().await;
        assert_eq!(
            calls.load(Ordering::SeqCst),
            3,
            "tried again after the backoff"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
        // Expired: callers wait for one fetch, and all get its failure.
        tokio::time::advance(Duration::from_secs(10)).await;
        let waiting = (0..5).map(|_| source.token());
        for result in futures_util::future::join_all(waiting).await {
            assert_eq!(result.unwrap_err().argument(), Some("token"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_fetch_is_bounded_by_the_load_timeout() {
        let source = CachedToken::new(std::future::pending).load_timeout(Duration::from_secs(3));
        let error = tokio::time::timeout(Duration::from_secs(60), source.token())
            .await
            .expect("the fetch gives up")
            .unwrap_err();
        assert_eq!(error.timeout_kind(), Some(crate::TimeoutKind::TokenFetch));
    }

    #[tokio::test(start_paused = true)]
    async fn a_lifetime_of_duration_max_does_not_panic() {
        let source = CachedToken::new(|| async {
            Ok(ExpiringToken::new(
                SecretString::from("forever"),
                Duration::MAX,
            ))
        });
        assert_eq!(source.token().await.unwrap().expose_secret(), "forever");
        assert_eq!(source.token().await.unwrap().expose_secret(), "forever");
    }

    #[test]
    fn expiry_is_judged_against_the_servers_clock() {
        let now = time::OffsetDateTime::now_utc();
        // The server's clock is two hours behind ours; its token lives ten minutes.
        let server_now = now - time::Duration::hours(2);
        let token = ExpiringToken::expiring_at_server_time(
            SecretString::from("t"),
            server_now + time::Duration::minutes(10),
            Some(server_now),
        );
        assert_eq!(token.expires_in, Duration::from_secs(600));
        let token = ExpiringToken::expiring_at_server_time(
            SecretString::from("t"),
            now + time::Duration::minutes(10),
            None,
        );
        assert!(
            token.expires_in > Duration::from_secs(590),
            "{:?}",
            token.expires_in
        );
    }

    #[tokio::test(start_paused = true)]
    async fn refresh_ahead_is_capped_at_half_the_lifetime_and_due_at_that_instant() {
        // A 10 s token with 60 s ahead: due at 5 s, not at once.
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let source = CachedToken::with_refresh_ahead(
            move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    Ok(ExpiringToken::new(
                        SecretString::from(format!("token-{n}")),
                        Duration::from_secs(10),
                    ))
                }
            },
            Duration::from_secs(60),
        );
        source.token().await.unwrap();
        tokio::time::advance(Duration::from_millis(4_999)).await;
        source.token().await.unwrap();
        tokio::task::yield_now().await;
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "not due before half the lifetime"
        );
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::task::yield_now().await;
        assert_eq!(calls.load(Ordering::SeqCst), 2, "due at half the lifetime");
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_is_not_used_at_the_instant_it_expires() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let source = CachedToken::with_refresh_ahead(
            move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    Ok(ExpiringToken::new(
                        SecretString::from(format!("token-{n}")),
                        Duration::from_secs(10),
                    ))
                }
            },
            Duration::ZERO,
        );
        source.token().await.unwrap();
        tokio::time::advance(Duration::from_millis(9_999)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::time::advance(Duration::from_millis(1)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
    }

    #[test]
    fn debug_names_the_source_and_never_shows_the_token() {
        let secret = SecretString::from("s3cret-token");
        assert_eq!(
            format!("{:?}", StaticToken::new(secret.clone())),
            "StaticToken([REDACTED])"
        );
        assert_eq!(
            format!("{:?}", ExpiringToken::new(secret, Duration::from_secs(90))),
            "ExpiringToken { token: \"[REDACTED]\", expires_in: 90s }"
        );
        let cached = CachedToken::with_refresh_ahead(
            || async { Err(Error::invalid_argument("token", "unused")) },
            Duration::from_secs(7),
        )
        .load_timeout(Duration::from_secs(3));
        assert_eq!(
            format!("{cached:?}"),
            "CachedToken { refresh_ahead: 7s, load_timeout: 3s, .. }"
        );
    }

    #[test]
    fn a_remembered_failure_holds_refreshes_back_until_its_end_and_no_longer() {
        let (source, _) = counting(Duration::from_secs(100));
        let now = Instant::now();
        {
            let mut state = source.state();
            state.cached = Some(Cached {
                token: SecretString::from("t"),
                expires_at: now + Duration::from_secs(10),
                refresh_at: now,
            });
            state.failed = Some(Failed {
                until: now + Duration::from_secs(1),
                error: Error::invalid_argument("token", "refresh failed"),
            });
        }
        let due = |at| source.valid(at).map(|(_, due)| due);
        assert_eq!(due(now), Some(false), "backing off");
        assert_eq!(
            due(now + Duration::from_secs(1)),
            Some(true),
            "due again the instant the backoff ends"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_is_remembered_for_half_to_all_of_the_backoff() {
        let source =
            CachedToken::new(|| async { Err(Error::invalid_argument("token", "refused")) });
        // The jitter is random: every draw must land in 2.5 to 5 s.
        for _ in 0..32 {
            let start = Instant::now();
            source.load().await.unwrap_err();
            let until = source.state().failed.as_ref().map(|f| f.until).unwrap();
            let backoff = until - start;
            assert!(
                backoff >= FAILURE_BACKOFF / 2 && backoff <= FAILURE_BACKOFF,
                "{backoff:?}"
            );
        }
    }

    #[test]
    fn later_saturates() {
        let now = Instant::now();
        assert_eq!(
            later(now, Duration::from_secs(1)),
            now + Duration::from_secs(1)
        );
        // A lifetime too long for the clock is decades, not a year.
        const YEAR: u64 = 365 * 24 * 60 * 60;
        assert!(later(now, Duration::MAX) > now + Duration::from_secs(29 * YEAR));
    }
}
