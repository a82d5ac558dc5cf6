//! Bearer token sources: a static token, and a cached, single-flight source for expiring
//! tokens.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use crate::error::Error;

/// A boxed, sendable future, as returned by [`TokenSource::token`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the client gets its bearer token from.
///
/// The auth layer asks for a token before each attempt and sends it as
/// `Authorization: Bearer …` to the configured host only. When the provider answers 401, it
/// calls [`TokenSource::rejected`] with the token it sent, asks again, and replays the
/// request once if it got a different token.
pub trait TokenSource: Send + Sync + 'static {
    /// Returns the token to send now.
    fn token(&self) -> BoxFuture<'_, Result<SecretString, Error>>;

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

impl std::fmt::Debug for ExpiringToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExpiringToken")
            .field("token", &"[REDACTED]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

type Fetch = dyn Fn() -> BoxFuture<'static, Result<ExpiringToken, Error>> + Send + Sync;

/// A cache over a user-supplied async fetcher of expiring tokens (e.g. Avarda's
/// `POST /auth/token`).
///
/// - The token is refreshed ahead of expiry (60 s by default, at most half its lifetime).
/// - Refreshes are single-flight: however many calls find the token stale at once, the
///   fetcher runs once and they all get its result.
/// - When the provider rejects the cached token (401), it is dropped and fetched anew.
/// - If a refresh fails while the old token has not yet expired, the old token is used.
///
/// Cloning is cheap and clones share the cache.
#[derive(Clone)]
pub struct CachedToken {
    inner: Arc<CachedInner>,
}

struct CachedInner {
    fetch: Box<Fetch>,
    refresh_ahead: Duration,
    cached: RwLock<Option<Cached>>,
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    token: SecretString,
    /// When to stop using the token.
    expires_at: Instant,
    /// When to start fetching a new one.
    refresh_at: Instant,
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
                cached: RwLock::new(None),
                refreshing: tokio::sync::Mutex::new(()),
            }),
        }
    }

    fn current(&self) -> Option<Cached> {
        // A poisoned lock only means a panic elsewhere while holding it; the value is still
        // a whole `Option<Cached>`, so keep using it.
        let guard = self
            .inner
            .cached
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.clone()
    }

    fn store(&self, value: Option<Cached>) {
        let mut guard = self
            .inner
            .cached
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = value;
    }

    async fn get(&self) -> Result<SecretString, Error> {
        if let Some(cached) = self.current().filter(|c| Instant::now() < c.refresh_at) {
            return Ok(cached.token);
        }
        let _flight = self.inner.refreshing.lock().await;
        // Another caller may have refreshed while this one waited.
        let current = self.current();
        if let Some(cached) = current.as_ref().filter(|c| Instant::now() < c.refresh_at) {
            return Ok(cached.token.clone());
        }
        tracing::debug!("fetching a new bearer token");
        match (self.inner.fetch)().await {
            Ok(fresh) => {
                let now = Instant::now();
                let ahead = self.inner.refresh_ahead.min(fresh.expires_in / 2);
                let cached = Cached {
                    token: fresh.token,
                    expires_at: now + fresh.expires_in,
                    refresh_at: now + (fresh.expires_in - ahead),
                };
                let token = cached.token.clone();
                self.store(Some(cached));
                Ok(token)
            }
            Err(error) => match current.filter(|c| Instant::now() < c.expires_at) {
                Some(still_valid) => {
                    tracing::warn!(
                        error_kind = ?error.kind(),
                        "token refresh failed; using the current token until it expires"
                    );
                    Ok(still_valid.token)
                }
                None => Err(error),
            },
        }
    }
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("refresh_ahead", &self.inner.refresh_ahead)
            .finish_non_exhaustive()
    }
}

impl TokenSource for CachedToken {
    fn token(&self) -> BoxFuture<'_, Result<SecretString, Error>> {
        Box::pin(self.get())
    }

    fn rejected(&self, token: &SecretString) {
        let mut guard = self
            .inner
            .cached
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if guard
            .as_ref()
            .is_some_and(|c| c.token.expose_secret() == token.expose_secret())
        {
            *guard = None;
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
        // 91 s into a 100 s token with 10 s ahead: refreshed although not yet expired.
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
}
