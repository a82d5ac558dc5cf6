//! A small scripted PayFunc on 127.0.0.1 for the client tests: it records every request
//! (method, path, authorization, body) and answers with the replies a test queued, in order.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use p4p_client::{P4pClient, RetryPolicy};

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    pub body: String,
}

/// One queued answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: body.into(),
        }
    }

    pub fn text(status: u16, content_type: &'static str, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            content_type: "",
            body: String::new(),
        }
    }
}

#[derive(Clone, Default)]
struct Shared {
    requests: Arc<Mutex<Vec<Recorded>>>,
    replies: Arc<Mutex<VecDeque<Reply>>>,
}

/// The running server.
pub struct Server {
    pub url: String,
    shared: Shared,
}

impl Server {
    pub async fn start() -> Server {
        let shared = Shared::default();
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server {
            url: format!("http://{address}"),
            shared,
        }
    }

    /// Queues the next answer.
    pub fn reply(&self, reply: Reply) -> &Self {
        self.shared.replies.lock().unwrap().push_back(reply);
        self
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// The only request received; fails when there were more or none.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:#?}"
        );
        requests.into_iter().next().unwrap()
    }

    /// A client with the key `test-key` and quick retries.
    pub fn client(&self) -> P4pClient {
        P4pClient::builder()
            .key("test-key")
            .base_url(&self.url)
            .transport(|t| {
                t.retry(
                    RetryPolicy::default()
                        .base_delay(Duration::from_millis(1))
                        .max_delay(Duration::from_millis(5)),
                )
            })
            .build()
            .unwrap()
    }
}

async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    shared.requests.lock().unwrap().push(Recorded {
        method,
        path: uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        authorization: header("authorization"),
        content_type: header("content-type"),
        user_agent: header("user-agent"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let reply = shared.replies.lock().unwrap().pop_front();
    let Some(reply) = reply else {
        return (StatusCode::IM_A_TEAPOT, "no reply queued").into_response();
    };
    let status = StatusCode::from_u16(reply.status).unwrap();
    if reply.content_type.is_empty() {
        return status.into_response();
    }
    (status, [("content-type", reply.content_type)], reply.body).into_response()
}

/// A minimal account as PayFunc answers it.
pub fn account_json(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","number":"n-1","method":[],"status":"created","currency":"SEK","schedule":"monthly","limit":2000.00,"total":0,"balance":[]}}"#
    )
}

pub const ACCOUNT_ID: &str = "1234567890abcdef";
pub const ORDER_ID: &str = "BlTmF3S382kFbn5U";
