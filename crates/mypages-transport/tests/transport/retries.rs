//! Retry rules: which failures are retried, how often, how long between, and the budget.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use http::Method;
use mypages_transport::{ErrorKind, RetryPolicy};
use serde_json::json;

use crate::support::{
    Call, Logs, Server, builder, closed_port, fast_retries, hang_up_server, respond,
};

#[tokio::test]
async fn idempotent_requests_retry_transient_statuses_up_to_max_attempts() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = Server::fixed(status, "{}").await;
        let client = builder(&server.url()).build().unwrap();
        let error = client.execute(&Call::get("/x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transient);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.hits(), 3, "status {status}: default is 3 attempts");
    }
}

#[tokio::test]
async fn max_attempts_is_configurable() {
    let server = Server::fixed(503, "{}").await;
    let client = builder(&server.url())
        .retry(fast_retries().max_attempts(5))
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 5);

    let server = Server::fixed(503, "{}").await;
    let client = builder(&server.url())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    for status in [400, 401, 403, 404, 409, 422, 501] {
        let server = Server::fixed(status, "{}").await;
        let client = builder(&server.url()).build().unwrap();
        let error = client.execute(&Call::get("/x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused);
        assert_eq!(server.hits(), 1, "status {status}");
    }
}

#[tokio::test]
async fn a_retry_that_succeeds_returns_the_success() {
    let server = Server::start(|seen| async move {
        if seen.index < 2 {
            respond(503, "{}")
        } else {
            respond(200, r#"{"ok":true}"#)
        }
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    let value = client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn post_is_not_retried_on_transient_statuses_unless_marked_idempotent() {
    let server = Server::fixed(503, "{}").await;
    let client = builder(&server.url()).build().unwrap();
    client
        .execute(&Call::post("/orders", json!({"n": 1})))
        .await
        .unwrap_err();
    assert_eq!(server.hits(), 1);

    let server = Server::fixed(503, "{}").await;
    let client = builder(&server.url()).build().unwrap();
    let mut call = Call::post("/auth/token", json!({}));
    call.idempotent = Some(true);
    client.execute(&call).await.unwrap_err();
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn post_is_not_retried_after_it_may_have_been_sent() {
    let (addr, count) = hang_up_server().await;
    let client = builder(&format!("http://{addr}")).build().unwrap();
    let error = client
        .execute(&Call::post("/orders", json!({"n": 1})))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient, "{error}");
    assert!(error.may_have_reached_server());
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let (addr, count) = hang_up_server().await;
    let client = builder(&format!("http://{addr}")).build().unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(count.load(Ordering::SeqCst), 3, "GET is retried");
}

#[tokio::test]
async fn connect_errors_are_retried_whatever_the_method() {
    let addr = closed_port().await;
    let client = builder(&format!("http://{addr}")).build().unwrap();
    let (logs, _guard) = Logs::capture();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert!(error.to_string().contains(&addr.to_string()), "{error}");
    assert!(!error.may_have_reached_server());
    // The connector connects three times within one attempt.
    assert_eq!(logs.last_attempts(), Some(1));
    assert_eq!(logs.text().matches("connecting again").count(), 2);

    let error = client
        .execute(&Call::post("/x", json!({})))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect);
    // Nothing was sent (issue 14, defect 14): a POST is retried too.
    assert_eq!(logs.last_attempts(), Some(1));
    assert_eq!(logs.text().matches("connecting again").count(), 4);
}

fn retry_after_once(
    value: String,
) -> impl Fn(
    crate::support::Seen,
) -> std::future::Ready<http::Response<http_body_util::Full<bytes::Bytes>>> {
    move |seen| {
        std::future::ready(if seen.index == 0 {
            let mut response = respond(503, "{}");
            response
                .headers_mut()
                .insert("retry-after", value.parse().unwrap());
            response
        } else {
            respond(200, "{}")
        })
    }
}

#[tokio::test]
async fn retry_after_seconds_is_honoured_and_capped() {
    let server = Server::start(retry_after_once("1".to_owned())).await;
    let client = builder(&server.url())
        .retry(fast_retries().max_retry_after(Duration::from_millis(150)))
        .build()
        .unwrap();
    let started = Instant::now();
    client.execute(&Call::get("/x")).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.hits(), 2);
    // The backoff alone is at most 2 ms: waiting the capped 150 ms proves Retry-After won.
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");

    let server = Server::start(retry_after_once("3600".to_owned())).await;
    let client = builder(&server.url())
        .retry(fast_retries().max_retry_after(Duration::from_millis(20)))
        .build()
        .unwrap();
    let started = Instant::now();
    client.execute(&Call::get("/x")).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the hour is capped"
    );
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
    let server = Server::start(retry_after_once(at)).await;
    let client = builder(&server.url())
        .retry(fast_retries().max_retry_after(Duration::from_millis(150)))
        .build()
        .unwrap();
    let started = Instant::now();
    client.execute(&Call::get("/x")).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn the_retry_budget_is_shared_by_clones() {
    let server = Server::fixed(503, "{}").await;
    let client = builder(&server.url())
        .retry(fast_retries().budget(RetryPolicy::RETRY_COST))
        .build()
        .unwrap();
    let clone = client.clone();
    client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 2, "one retry fits the budget");
    clone.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 3, "the budget is spent: no retry");
}

#[tokio::test]
async fn no_wait_is_started_past_the_operation_deadline() {
    let server = Server::start(retry_after_once("30".to_owned())).await;
    let client = builder(&server.url())
        .retry(fast_retries().max_retry_after(Duration::from_secs(60)))
        .operation_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    // The 503 is returned as it is instead of sleeping into an operation timeout.
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn put_and_delete_are_idempotent_by_default() {
    for method in [Method::PUT, Method::DELETE] {
        let server = Server::fixed(502, "{}").await;
        let client = builder(&server.url()).build().unwrap();
        let mut call = Call::get("/x");
        call.method = method;
        call.idempotent = None;
        client.execute(&Upstream(call)).await.unwrap_err();
        assert_eq!(server.hits(), 3);
    }
}

/// Uses the trait's default idempotency (the test `Call` overrides it for GET only).
struct Upstream(Call);

impl mypages_transport::Endpoint for Upstream {
    type Output = serde_json::Value;
    fn operation(&self) -> &'static str {
        "upstream"
    }
    fn method(&self) -> Method {
        self.0.method.clone()
    }
    fn path(&self) -> Result<String, mypages_transport::Error> {
        Ok(self.0.path.clone())
    }
    fn decode(
        &self,
        response: mypages_transport::Response,
    ) -> Result<serde_json::Value, mypages_transport::Error> {
        response.json()
    }
}

#[tokio::test]
async fn concurrent_failures_share_one_counter() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let server = Server::start(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        async { respond(500, "{}") }
    })
    .await;
    let client = builder(&server.url())
        .retry(fast_retries().budget(4 * RetryPolicy::RETRY_COST))
        .build()
        .unwrap();
    let calls = (0..10).map(|_| {
        let client = client.clone();
        async move { client.execute(&Call::get("/x")).await }
    });
    for result in futures_util::future::join_all(calls).await {
        assert!(result.is_err());
    }
    // 10 first attempts plus exactly the 4 retries the budget allows.
    assert_eq!(hits.load(Ordering::SeqCst), 14);
}

#[tokio::test]
async fn backoff_is_capped_by_max_delay() {
    let server = Server::fixed(503, "{}").await;
    // A 10 s base would wait seconds; the 30 ms cap keeps each wait short.
    let client = builder(&server.url())
        .retry(
            RetryPolicy::default()
                .base_delay(Duration::from_secs(10))
                .max_delay(Duration::from_millis(30)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 3);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
