//! A small Avarda-like server on 127.0.0.1 for the behaviours the sandbox cannot show (how
//! many tokens were fetched, what exactly was sent, shapes the sandbox never answers).

#![allow(dead_code)] // Each test binary uses a part of this module.
#![allow(clippy::unwrap_used)] // Test support: a failure here should fail the test loudly.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use time::format_description::well_known::Rfc3339;

/// One API request the server received (token requests are only counted).
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Seen {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

type Respond = dyn Fn(&Seen, usize) -> (u16, String) + Send + Sync;

pub(crate) struct Config {
    /// Lifetime of issued tokens, in `tokenExpirationUtc`.
    pub(crate) token_lifetime: Duration,
    /// Answer 401 to API calls carrying the first token issued (as if Avarda revoked it).
    pub(crate) reject_first_token: bool,
    /// Wait this long before answering API requests.
    pub(crate) delay: Duration,
    /// Answer 503 to this many token requests first.
    pub(crate) token_failures: usize,
    /// Leave `tokenExpirationUtc` out: the expiry is only in the JWT's `exp` claim.
    pub(crate) expiry_in_jwt_only: bool,
    /// How far the server's clock (its `Date` header and token expiries) is from ours.
    pub(crate) clock_skew: time::Duration,
    /// With `expiry_in_jwt_only`: answer the JWT alone as `text/plain`.
    pub(crate) token_as_text: bool,
    /// The answer to the n-th (from 1) API request: status and body.
    pub(crate) respond: Box<Respond>,
}

impl Config {
    pub(crate) fn answering(
        respond: impl Fn(&Seen, usize) -> (u16, String) + Send + Sync + 'static,
    ) -> Self {
        Self {
            token_lifetime: Duration::from_secs(3600),
            reject_first_token: false,
            expiry_in_jwt_only: false,
            clock_skew: time::Duration::ZERO,
            token_as_text: false,
            token_failures: 0,
            delay: Duration::ZERO,
            respond: Box::new(respond),
        }
    }
}

struct Shared {
    config: Config,
    token_fetches: AtomicUsize,
    api_requests: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
    token_seen: Mutex<Vec<Seen>>,
}

pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    shared: Arc<Shared>,
}

pub(crate) const CLIENT_ID: &str = "merchant";
pub(crate) const CLIENT_SECRET: &str = "s3cret-value";

impl Server {
    pub(crate) async fn start(config: Config) -> Server {
        let shared = Arc::new(Shared {
            config,
            token_fetches: AtomicUsize::new(0),
            api_requests: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
            token_seen: Mutex::new(Vec::new()),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server { addr, shared }
    }

    /// The API root, with a path prefix to show that it is kept.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/avarda", self.addr)
    }

    pub(crate) fn token_fetches(&self) -> usize {
        self.shared.token_fetches.load(Ordering::SeqCst)
    }

    pub(crate) fn api_requests(&self) -> usize {
        self.shared.api_requests.load(Ordering::SeqCst)
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    /// The token requests received (their bodies hold the client secret).
    pub(crate) fn token_seen(&self) -> Vec<Seen> {
        self.shared.token_seen.lock().unwrap().clone()
    }
}

fn json(status: u16, body: String) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        body,
    )
        .into_response()
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri
        .path()
        .strip_prefix("/avarda")
        .unwrap_or(uri.path())
        .to_owned();
    let body = String::from_utf8_lossy(&body).into_owned();
    if path == "/auth/token" {
        let n = shared.token_fetches.fetch_add(1, Ordering::SeqCst) + 1;
        shared.token_seen.lock().unwrap().push(Seen {
            method: method.clone(),
            path: path.clone(),
            query: uri.query().map(str::to_owned),
            headers: headers.clone(),
            body: body.clone(),
        });
        if n <= shared.config.token_failures {
            return json(503, r#"{"message":"token service unavailable"}"#.to_owned());
        }
        let request: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if request["clientId"] != CLIENT_ID || request["clientSecret"] != CLIENT_SECRET {
            return json(
                401,
                r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#
                    .to_owned(),
            );
        }
        let server_now = time::OffsetDateTime::now_utc() + shared.config.clock_skew;
        let expires = server_now + shared.config.token_lifetime;
        if shared.config.expiry_in_jwt_only {
            let claims = format!(
                r#"{{"sub":"{CLIENT_ID}","exp":{}}}"#,
                expires.unix_timestamp()
            );
            let jwt = format!(
                "eyJhbGciOiJIUzI1NiJ9.{}.tok-{n}",
                base64url(claims.as_bytes())
            );
            if shared.config.token_as_text {
                return (StatusCode::OK, [("content-type", "text/plain")], jwt).into_response();
            }
            return json(200, format!(r#"{{"token":"{jwt}"}}"#));
        }
        let expires = expires.format(&Rfc3339).unwrap();
        let mut response = json(
            200,
            format!(r#"{{"token":"tok-{n}","tokenExpirationUtc":"{expires}"}}"#),
        );
        let date = httpdate::fmt_http_date(server_now.into());
        response.headers_mut().insert("date", date.parse().unwrap());
        return response;
    }
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|v| v.rsplit('.').next())
        .unwrap_or_default()
        .to_owned();
    let n = shared.api_requests.fetch_add(1, Ordering::SeqCst) + 1;
    let seen = Seen {
        method,
        path,
        query: uri.query().map(str::to_owned),
        headers,
        body,
    };
    shared.seen.lock().unwrap().push(seen.clone());
    if bearer.is_empty() || (shared.config.reject_first_token && bearer == "tok-1") {
        return json(401, r#"{"message":"Unauthorized"}"#.to_owned());
    }
    tokio::time::sleep(shared.config.delay).await;
    let (status, body) = (shared.config.respond)(&seen, n);
    json(status, body)
}

/// One account as Avarda documents it, with exact amounts.
pub(crate) fn account(id: &str, balance: &str) -> String {
    format!(
        r#"{{"id":"{id}","currency":"SEK","balance":{balance},"type":"Loan","dueDate":"2026-12-27T00:00:00Z","accountDate":"2026-11-27T00:00:00Z","state":"Unpaid","minimumAmountToPay":250.50,"originalAmount":10000.00}}"#
    )
}

/// Unpadded base64url, for the test server's JWTs.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}
