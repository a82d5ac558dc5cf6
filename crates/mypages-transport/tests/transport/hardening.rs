//! The defects of issue 14, each with the test that failed before its fix.

use std::future::pending;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use mypages_transport::{
    CachedToken, ErrorKind, ExpiringToken, RetryPolicy, SecretString, TimeoutKind,
};
use serde_json::{Value, json};

use crate::support::{
    Call, Logs, Server, builder, closed_port, respond, silent_server, trickle_server,
};

// Defect 1: the connect timeout covers the TLS handshake.

#[tokio::test]
async fn a_stalled_tls_handshake_is_a_connect_timeout() {
    let (addr, _) = silent_server().await;
    let client = builder(&format!("https://{addr}"))
        .connect_timeout(Duration::from_millis(150))
        .attempt_timeout(Duration::from_secs(5))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{error}");
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Connect), "{error}");
    assert!(!error.may_have_reached_server());
    assert!(error.is_transient());
}

// Defect 1 and 14: a POST whose handshake stalls sent nothing, so it is retried.

/// A POST to a server that never completes the TLS handshake, with a connect timeout of
/// 100 ms: its error, which must say nothing was sent, and the connections made.
async fn post_to_a_stalled_handshake(
    attempt_timeout: Duration,
) -> (mypages_transport::Error, usize) {
    let (addr, connections) = silent_server().await;
    let client = builder(&format!("https://{addr}"))
        .connect_timeout(Duration::from_millis(100))
        .attempt_timeout(attempt_timeout)
        .build()
        .unwrap();
    let error = client
        .execute(&Call::post("/orders", json!({})))
        .await
        .unwrap_err();
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Connect), "{error}");
    assert!(!error.may_have_reached_server());
    (error, connections.load(Ordering::SeqCst))
}

#[tokio::test]
async fn a_post_whose_tls_handshake_stalls_is_retried() {
    let (_, connections) = post_to_a_stalled_handshake(Duration::from_secs(5)).await;
    assert_eq!(connections, 3);
}

// Connects are retried within the attempt, but none is started that the attempt timeout
// could cut short: the call ends in a connect timeout (nothing sent), not an attempt
// timeout (maybe sent).

#[tokio::test]
async fn connects_are_not_retried_past_the_attempt_timeout() {
    let (_, connections) = post_to_a_stalled_handshake(Duration::from_millis(290)).await;
    // A try of 100 ms, a wait of at most 2 ms, a try of 100 ms: a third try would end
    // past 290 ms (the second starts if the first ends by 188 ms).
    assert_eq!(connections, 2);
}

// Defect 14: connect errors mean nothing was sent: retried whatever the method.

#[tokio::test]
async fn a_post_meeting_a_connect_error_is_retried() {
    let addr = closed_port().await;
    let client = builder(&format!("http://{addr}")).build().unwrap();
    let (logs, _guard) = Logs::capture();
    let error = client
        .execute(&Call::post("/x", json!({})))
        .await
        .unwrap_err();
    assert!(!error.may_have_reached_server());
    assert!(error.is_transient());
    // Connected three times, in the one attempt the request waited through.
    assert_eq!(logs.last_attempts(), Some(1));
    assert_eq!(logs.text().matches("connecting again").count(), 2);
}

// Defect 2: the token fetch is outside the attempt timeout and never "maybe sent".

fn slow_token(delay: Duration) -> CachedToken {
    CachedToken::new(move || async move {
        tokio::time::sleep(delay).await;
        Ok(ExpiringToken::new(
            SecretString::from("slow-token"),
            Duration::from_secs(600),
        ))
    })
}

#[tokio::test]
async fn a_slow_token_fetch_does_not_count_against_the_attempt_timeout() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url())
        .token_source(slow_token(Duration::from_millis(300)))
        .attempt_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    client
        .execute(&Call::post("/pay", json!({})))
        .await
        .unwrap();
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_hanging_token_fetch_fails_before_anything_is_sent() {
    let server = Server::fixed(200, "{}").await;
    let source = CachedToken::new(pending).load_timeout(Duration::from_millis(200));
    let client = builder(&server.url())
        .token_source(source)
        .attempt_timeout(Duration::from_millis(100))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client
        .execute(&Call::post("/pay", json!({})))
        .await
        .unwrap_err();
    assert!(!error.may_have_reached_server(), "{error}");
    assert!(error.is_token_source_failure(), "{error}");
    assert_eq!(
        error.timeout_kind(),
        Some(TimeoutKind::TokenFetch),
        "{error}"
    );
    assert_eq!(server.hits(), 0);
}

// Defect 5: provider text is bounded and escaped in Display and Debug.

#[tokio::test]
async fn provider_text_is_bounded_and_escaped_in_messages() {
    let title = format!("Bad\nline\r\u{1b}[31m{}", "t".repeat(20_000));
    let detail = format!("{}\nforged: log line", "d".repeat(20_000));
    let body = json!({
        "type": "x\ny",
        "title": title,
        "detail": detail,
        "problems": [{"name": "amount\n", "message": "m".repeat(10_000)}]
    })
    .to_string();
    let server = Server::start(move |_| {
        let body = body.clone();
        async move { respond(400, body) }
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    for text in [
        error.to_string(),
        format!("{error:?}"),
        error.summary().to_owned(),
    ] {
        assert!(text.len() < 2_048, "{} bytes", text.len());
        assert!(
            !text.contains(['\n', '\r', '\u{1b}']),
            "control characters in {text:?}"
        );
    }
    assert!(error.to_string().contains("Bad\\nline"), "{error}");
    // The full text stays available through the explicit accessors.
    assert_eq!(error.problem().unwrap().title.as_deref(), Some(&*title));
    assert!(error.body().unwrap().len() > 40_000);
}

// Defect 6: a decode error of an answer holding a secret never keeps the body.

#[tokio::test]
async fn decode_errors_of_secret_answers_drop_the_body() {
    let server = Server::fixed(200, r#"{"token": "partner-secret-123", "expires": tru"#).await;
    let client = builder(&server.url()).build().unwrap();
    let mut call = Call::post("/auth/token", json!({}));
    call.secret = true;
    let error = client.execute(&call).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.body().is_none());
    assert!(!error.to_string().contains("partner-secret"), "{error}");
    assert!(!format!("{error:?}").contains("partner-secret"));
    assert!(!error.to_string().contains("Error::body"), "{error}");

    // An ordinary answer keeps it, for diagnosis.
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert!(error.body().is_some());
}

// Defect 8: the retry budget, term by term.

/// A server whose odd-numbered requests (1st, 3rd, ...) fail with 503.
async fn every_other_fails() -> Server {
    Server::start(|seen| async move {
        if seen.index % 2 == 0 {
            respond(503, "{}")
        } else {
            respond(200, "{}")
        }
    })
    .await
}

#[tokio::test]
async fn a_success_after_retries_gives_its_cost_back() {
    let server = every_other_fails().await;
    let client = builder(&server.url())
        .retry(crate::support::fast_retries().budget(5))
        .build()
        .unwrap();
    for _ in 0..4 {
        client.execute(&Call::get("/x")).await.unwrap();
    }
    assert_eq!(server.hits(), 8);
}

#[tokio::test]
async fn a_first_try_success_adds_one_token() {
    let failing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let switch = failing.clone();
    let server = Server::start(move |_| {
        let failing = switch.load(Ordering::SeqCst);
        async move { respond(if failing { 503 } else { 200 }, "{}") }
    })
    .await;
    let client = builder(&server.url())
        .retry(crate::support::fast_retries().budget(10))
        .build()
        .unwrap();
    // Two retries (5 each) empty the budget.
    client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 3);
    failing.store(false, Ordering::SeqCst);
    for _ in 0..4 {
        client.execute(&Call::get("/x")).await.unwrap();
    }
    failing.store(true, Ordering::SeqCst);
    // 4 tokens: not enough for a retry.
    client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 3 + 4 + 1);
    failing.store(false, Ordering::SeqCst);
    client.execute(&Call::get("/x")).await.unwrap();
    failing.store(true, Ordering::SeqCst);
    // The fifth success makes 5: one retry.
    client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 3 + 4 + 1 + 1 + 2);
}

#[tokio::test]
async fn a_retry_costs_five_tokens() {
    let server = Server::fixed(503, "{}").await;
    let client = builder(&server.url())
        .retry(crate::support::fast_retries().max_attempts(10).budget(14))
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(server.hits(), 3, "14 tokens pay for two retries of 5");
}

#[tokio::test]
async fn a_retry_after_a_timeout_costs_ten_tokens() {
    let server = Server::start(|_| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        respond(200, "{}")
    })
    .await;
    let client = builder(&server.url())
        .attempt_timeout(Duration::from_millis(50))
        .retry(crate::support::fast_retries().max_attempts(10).budget(29))
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Attempt));
    assert_eq!(server.hits(), 3, "29 tokens pay for two retries of 10");
}

// Defect 9: a repeated paging link ends the stream with an error naming it.

#[tokio::test]
async fn a_cycling_next_link_ends_the_stream_with_a_decode_error() {
    let server = Server::start(|seen| async move {
        let next = if seen.uri.path() == "/p1" {
            "/p2"
        } else {
            "/p1?x=1"
        };
        respond(200, json!({ "next": next }).to_string())
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    let pages = client.link_pages(Call::get("/p1"), |page: &Value| {
        page["next"].as_str().map(str::to_owned)
    });
    let results: Vec<_> = tokio::time::timeout(Duration::from_secs(5), pages.take(50).collect())
        .await
        .expect("the stream ends");
    let results: Vec<Result<Value, _>> = results;
    assert_eq!(results.len(), 4, "p1, p2, p1?x=1, then the repeat of p2");
    let error = results[3].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("/p2"), "{error}");
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn a_repeated_page_request_ends_the_stream() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url()).build().unwrap();
    let pages = client.pages(Call::get("/list"), |_| Some(Call::get("/list")));
    let results: Vec<_> = tokio::time::timeout(Duration::from_secs(5), pages.take(50).collect())
        .await
        .expect("the stream ends");
    let results: Vec<Result<Value, _>> = results;
    assert_eq!(results.len(), 2);
    assert_eq!(results[1].as_ref().unwrap_err().kind(), ErrorKind::Decode);
    assert_eq!(server.hits(), 1);
}

// Defect 10: huge durations saturate instead of panicking.

#[tokio::test]
async fn huge_timeouts_do_not_panic() {
    let server = Server::fixed(200, r#"{"ok":true}"#).await;
    let client = builder(&server.url())
        .operation_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    let mut file = Vec::new();
    client
        .download_to(&Call::get("/x"), &mut file)
        .await
        .unwrap();
    assert_eq!(file, br#"{"ok":true}"#);
}

#[tokio::test]
async fn a_retry_after_of_u64_max_does_not_panic() {
    let server = Server::start(|_| async {
        http::Response::builder()
            .status(429)
            .header("retry-after", "18446744073709551615")
            .body(http_body_util::Full::new(Bytes::from_static(b"{}")))
            .unwrap()
    })
    .await;
    let client = builder(&server.url())
        .retry(crate::support::fast_retries().max_retry_after(Duration::MAX))
        .operation_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429), "{error}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

// Defect 12: the token never travels in clear, and plain http stays on loopback.

#[tokio::test]
async fn the_token_is_not_sent_when_a_layer_downgrades_the_scheme() {
    let server = Server::fixed(200, "{}").await;
    let downgrade = tower::util::MapRequestLayer::new(|mut request: http::Request<Bytes>| {
        let mut parts = request.uri().clone().into_parts();
        parts.scheme = Some(http::uri::Scheme::HTTP);
        *request.uri_mut() = http::Uri::from_parts(parts).unwrap();
        request
    });
    let client = builder(&format!("https://{}", server.addr))
        .token(SecretString::from("bearer-secret"))
        .layer(downgrade)
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(server.seen()[0].headers.get("authorization"), None);
}

#[tokio::test]
async fn plain_http_to_a_non_loopback_host_is_refused() {
    let redirect = tower::util::MapRequestLayer::new(|mut request: http::Request<Bytes>| {
        *request.uri_mut() = http::Uri::from_static("http://192.0.2.1:9/x");
        request
    });
    let client = builder("http://127.0.0.1:9")
        .connect_timeout(Duration::from_secs(2))
        .retry(RetryPolicy::never())
        .layer(redirect)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1), "{error}");
    assert!(!error.is_transient(), "{error}");
    assert!(!error.may_have_reached_server());
    assert!(error.to_string().contains("http"), "{error}");
}

// Also delivered: a minimum throughput on bodies and downloads, and a pool idle timeout.

const TRICKLE_HEAD: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n";

#[tokio::test]
async fn a_trickling_download_fails_the_minimum_throughput() {
    let addr = trickle_server(TRICKLE_HEAD, vec![b' '; 40], Duration::from_millis(50)).await;
    let client = builder(&format!("http://{addr}"))
        .attempt_timeout(Duration::from_secs(5))
        .min_throughput(100, Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut file = Vec::new();
    let error = client
        .download_to(&Call::get("/bill.pdf"), &mut file)
        .await
        .unwrap_err();
    assert_eq!(
        error.timeout_kind(),
        Some(TimeoutKind::Throughput),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_millis(1_500));
    assert!(!file.is_empty(), "the bytes that came were passed on");
}

#[tokio::test]
async fn a_trickling_buffered_body_fails_the_minimum_throughput() {
    let addr = trickle_server(TRICKLE_HEAD, vec![b' '; 40], Duration::from_millis(50)).await;
    let client = builder(&format!("http://{addr}"))
        .attempt_timeout(Duration::from_secs(5))
        .min_throughput(100, Duration::from_millis(300))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(
        error.timeout_kind(),
        Some(TimeoutKind::Throughput),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_millis(1_500));
}

#[tokio::test]
async fn a_fast_enough_body_passes_the_minimum_throughput() {
    let addr = trickle_server(TRICKLE_HEAD, vec![b' '; 40], Duration::from_millis(5)).await;
    let client = builder(&format!("http://{addr}"))
        .min_throughput(4, Duration::from_millis(300))
        .build()
        .unwrap();
    let mut file = Vec::new();
    client
        .download_to(&Call::get("/bill.pdf"), &mut file)
        .await
        .unwrap();
    assert_eq!(file.len(), 40);
}

#[tokio::test]
async fn idle_pooled_connections_are_closed_after_the_pool_idle_timeout() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url())
        .pool_idle_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(server.connections(), 1, "a busy connection is reused");
    tokio::time::sleep(Duration::from_millis(700)).await;
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn collecting_all_items_stops_at_the_cap() {
    let server = Server::start(|seen| async move {
        let page: usize = seen.uri.path().trim_start_matches("/p").parse().unwrap();
        respond(
            200,
            json!({ "items": [page, page], "next": format!("/p{}", page + 1) }).to_string(),
        )
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    let items = |client: &mypages_transport::Client| {
        client
            .link_pages(Call::get("/p1"), |page: &Value| {
                page["next"].as_str().map(str::to_owned)
            })
            .items(|page: Value| page["items"].as_array().cloned().unwrap_or_default())
    };
    let error = items(&client).all(5).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error}");
    assert!(error.to_string().contains("more than 5 items"), "{error}");
    assert_eq!(server.hits(), 3, "no page is read past the cap");
}
