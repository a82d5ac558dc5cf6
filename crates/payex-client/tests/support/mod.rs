//! A scripted HTTP server on 127.0.0.1 for the PayEx client tests: it answers each
//! `(method, path and query)` with the response the test registered, and records every
//! request it sees, so a test can assert what was (or was not) sent.

// Each test binary uses a different part of the server; unwrapping is how tests fail.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;

/// One request the server received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: Method,
    /// Path and query exactly as received.
    pub(crate) target: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Seen {
    /// The body as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).expect("request body is UTF-8")
    }
}

#[derive(Clone)]
struct Scripted {
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
}

#[derive(Default)]
struct Inner {
    routes: HashMap<(Method, String), Vec<Scripted>>,
    seen: Vec<Seen>,
}

/// The server; dropping it leaves the task running until the test's runtime ends.
#[derive(Clone)]
pub(crate) struct Server {
    inner: Arc<Mutex<Inner>>,
    root: String,
}

/// The path prefix every base URL of these tests carries.
pub(crate) const PREFIX: &str = "/payex";
/// The ledger of these tests.
pub(crate) const LEDGER: &str = "501";
/// The token of these tests.
pub(crate) const TOKEN: &str = "test-token-do-not-print";

impl Server {
    /// Starts a server on an ephemeral loopback port.
    pub(crate) async fn start() -> Server {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Server {
            inner,
            root: format!("http://{addr}"),
        }
    }

    /// The base URL with the test prefix: `http://127.0.0.1:PORT/payex`.
    pub(crate) fn base_url(&self) -> String {
        format!("{}{PREFIX}", self.root)
    }

    /// The route of the Account API under the prefix: `/payex/ledger/account/v1/501` + `rest`.
    pub(crate) fn route(rest: &str) -> String {
        format!("{PREFIX}/ledger/account/v1/{LEDGER}{rest}")
    }

    fn push(&self, method: Method, target: &str, scripted: Scripted) {
        self.inner
            .lock()
            .unwrap()
            .routes
            .entry((method, target.to_owned()))
            .or_default()
            .push(scripted);
    }

    /// Answers `method target` with JSON text (`target` includes the prefix and any query).
    /// Several answers for one route are given in order; the last one repeats.
    pub(crate) fn json(&self, method: Method, target: &str, status: u16, body: &str) {
        self.push(
            method,
            target,
            Scripted {
                status: StatusCode::from_u16(status).unwrap(),
                content_type: "application/json",
                body: Bytes::from(body.to_owned()),
            },
        );
    }

    /// Answers with a problem document.
    pub(crate) fn problem(&self, method: Method, target: &str, status: u16, body: &str) {
        self.push(
            method,
            target,
            Scripted {
                status: StatusCode::from_u16(status).unwrap(),
                content_type: "application/problem+json",
                body: Bytes::from(body.to_owned()),
            },
        );
    }

    /// Answers 204 No Content.
    pub(crate) fn no_content(&self, method: Method, target: &str) {
        self.push(
            method,
            target,
            Scripted {
                status: StatusCode::NO_CONTENT,
                content_type: "application/json",
                body: Bytes::new(),
            },
        );
    }

    /// Answers with raw bytes of a content type.
    pub(crate) fn bytes(
        &self,
        method: Method,
        target: &str,
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    ) {
        self.push(
            method,
            target,
            Scripted {
                status: StatusCode::from_u16(status).unwrap(),
                content_type,
                body: Bytes::from(body),
            },
        );
    }

    /// Every request seen so far.
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }

    /// The one request seen; panics unless exactly one was.
    pub(crate) fn only(&self) -> Seen {
        let seen = self.seen();
        assert_eq!(seen.len(), 1, "expected exactly one request, saw {seen:?}");
        seen.into_iter().next().unwrap()
    }
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let mut inner = inner.lock().unwrap();
    inner.seen.push(Seen {
        method: method.clone(),
        target: target.clone(),
        headers,
        body,
    });
    let answer = match inner.routes.get_mut(&(method, target.clone())) {
        Some(answers) if answers.len() > 1 => Some(answers.remove(0)),
        Some(answers) => answers.first().cloned(),
        None => None,
    };
    match answer {
        Some(answer) => Response::builder()
            .status(answer.status)
            .header("content-type", answer.content_type)
            .body(Body::from(answer.body))
            .unwrap(),
        None => Response::builder()
            .status(StatusCode::NOT_IMPLEMENTED)
            .header("content-type", "text/plain")
            .body(Body::from(format!("no scripted answer for {target}")))
            .unwrap(),
    }
}
