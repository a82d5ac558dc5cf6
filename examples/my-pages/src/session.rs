//! The session cookie and CSRF tokens.
//!
//! A session is a random 256-bit id in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` when
//! the app is served anywhere but loopback), with a little server-side state: the payments
//! the shopper started. Every form carries a CSRF token, the HMAC-SHA256 of the session id
//! under a key made at start-up, checked in constant time before a POST does anything.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::middleware::Next;
use axum::response::Response;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

use crate::AppState;

/// The cookie's name.
pub(crate) const COOKIE_NAME: &str = "mypages_session";
/// At most this many sessions are kept; the oldest goes first.
const MAX_SESSIONS: usize = 10_000;

/// A payment the shopper started in this session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StartedPayment {
    /// Avarda's purchase id of the payment.
    pub(crate) purchase_id: String,
    /// The invoice or account being paid.
    pub(crate) account_id: String,
    /// Avarda's pay page of the payment, when known.
    pub(crate) pay_page: Option<String>,
}

struct Entry {
    created: Instant,
    payments: Vec<StartedPayment>,
}

/// Every session, and the key of the CSRF tokens.
pub(crate) struct Sessions {
    key: hmac::Key,
    random: SystemRandom,
    secure: bool,
    entries: Mutex<HashMap<String, Entry>>,
}

/// The request's session, as an extension for the handlers.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    id: Arc<str>,
    csrf: Arc<str>,
}

impl Session {
    /// The CSRF token for this session's forms.
    pub(crate) fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl Sessions {
    /// A new store with a fresh random key; `secure` sets the cookie's `Secure` attribute.
    pub(crate) fn new(secure: bool) -> Result<Self, String> {
        let random = SystemRandom::new();
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &random)
            .map_err(|_| "cannot make a CSRF key: no system randomness".to_owned())?;
        Ok(Self {
            key,
            random,
            secure,
            entries: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn session(&self, id: &str) -> Session {
        let tag = hmac::sign(&self.key, id.as_bytes());
        Session {
            id: Arc::from(id),
            csrf: Arc::from(hex(tag.as_ref())),
        }
    }

    /// Whether `token` is this session's CSRF token (constant time).
    pub(crate) fn check_csrf(&self, session: &Session, token: &str) -> bool {
        match unhex(token) {
            Some(tag) => hmac::verify(&self.key, session.id.as_bytes(), &tag).is_ok(),
            None => false,
        }
    }

    /// Remembers a payment the session started.
    pub(crate) fn add_payment(&self, session: &Session, payment: StartedPayment) {
        if let Some(entry) = self.lock().get_mut(&*session.id) {
            entry.payments.push(payment);
        }
    }

    /// The payment with this purchase id, if this session started it.
    pub(crate) fn payment(&self, session: &Session, purchase_id: &str) -> Option<StartedPayment> {
        self.lock().get(&*session.id).and_then(|entry| {
            entry
                .payments
                .iter()
                .find(|p| p.purchase_id == purchase_id)
                .cloned()
        })
    }

    /// The session the cookie names, or a new one (and the `Set-Cookie` to send).
    fn resume_or_start(&self, cookie: Option<&str>) -> Option<(Session, Option<HeaderValue>)> {
        let mut entries = self.lock();
        if let Some(id) = cookie {
            if entries.contains_key(id) {
                return Some((self.session(id), None));
            }
        }
        let mut bytes = [0u8; 32];
        self.random.fill(&mut bytes).ok()?;
        let id = hex(&bytes);
        if entries.len() >= MAX_SESSIONS {
            let oldest = entries
                .iter()
                .min_by_key(|(_, entry)| entry.created)
                .map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            id.clone(),
            Entry {
                created: Instant::now(),
                payments: Vec::new(),
            },
        );
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!("{COOKIE_NAME}={id}; Path=/; HttpOnly; SameSite=Lax{secure}");
        let header = HeaderValue::from_str(&cookie).ok()?;
        Some((self.session(&id), Some(header)))
    }
}

/// The value of the session cookie in the request's `Cookie` headers.
fn cookie_value(request: &Request) -> Option<&str> {
    request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value)
}

/// Middleware: gives every request a [`Session`] and sets the cookie of a new one.
pub(crate) async fn layer(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let cookie = cookie_value(&request).map(str::to_owned);
    let Some((session, set_cookie)) = state.sessions.resume_or_start(cookie.as_deref()) else {
        return crate::views::error_page(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "We could not start your session. Please try again.",
        );
    };
    request.extensions_mut().insert(session);
    let mut response = next.run(request).await;
    if let Some(set_cookie) = set_cookie {
        response.headers_mut().append(SET_COOKIE, set_cookie);
    }
    response
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || text.len() > 128 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_other_text() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&bytes), "0001abff");
        assert_eq!(unhex("0001abff"), Some(bytes.to_vec()));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }

    #[test]
    fn a_csrf_token_is_bound_to_its_session() {
        let sessions = Sessions::new(false).expect("randomness");
        let (one, cookie) = sessions.resume_or_start(None).expect("session");
        assert!(cookie.is_some());
        let (two, _) = sessions.resume_or_start(None).expect("session");
        assert!(sessions.check_csrf(&one, one.csrf()));
        assert!(!sessions.check_csrf(&one, two.csrf()));
        assert!(!sessions.check_csrf(&one, ""));
        let (again, cookie) = sessions.resume_or_start(Some(&one.id)).expect("session");
        assert!(cookie.is_none(), "a known session sets no new cookie");
        assert_eq!(again.csrf(), one.csrf());
    }
}
