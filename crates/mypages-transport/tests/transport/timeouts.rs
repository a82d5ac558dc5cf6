//! Connect, attempt and operation timeouts.

use std::time::{Duration, Instant};

use mypages_transport::{ErrorKind, RetryPolicy, TimeoutKind};
use serde_json::json;

use crate::support::{Call, Server, builder, respond, stalling_server};

#[tokio::test]
async fn a_slow_attempt_times_out_and_is_retried_when_idempotent() {
    let server = Server::start(|seen| async move {
        if seen.index == 0 {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        respond(200, r#"{"attempt":"second"}"#)
    })
    .await;
    let client = builder(&server.url())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let value = client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(value, json!({"attempt": "second"}));
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_timed_out_post_is_not_retried_and_may_have_reached_the_server() {
    let server = Server::start(|_| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        respond(200, "{}")
    })
    .await;
    let client = builder(&server.url())
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .execute(&Call::post("/orders", json!({})))
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Attempt));
    assert!(error.may_have_reached_server());
    assert_eq!(server.hits(), 1);
    assert!(error.to_string().contains("attempt_timeout"), "{error}");
}

#[tokio::test]
async fn the_operation_timeout_bounds_all_attempts() {
    let server = Server::start(|_| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        respond(200, "{}")
    })
    .await;
    let client = builder(&server.url())
        .attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Operation));
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(5),
        "the server's 5 s were not awaited"
    );
}

#[tokio::test]
async fn the_operation_timeout_cuts_retries_short() {
    let server = Server::start(|_| async {
        tokio::time::sleep(Duration::from_millis(60)).await;
        respond(503, "{}")
    })
    .await;
    let client = builder(&server.url())
        .retry(
            RetryPolicy::default()
                .max_attempts(50)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(1)),
        )
        .operation_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    // Either the deadline struck mid-attempt, or an attempt ended too close to it for
    // another wait: then its 503 is returned as it is.
    assert!(
        error.timeout_kind() == Some(TimeoutKind::Operation)
            || error.status().map(|s| s.as_u16()) == Some(503),
        "{error}"
    );
    assert!(server.hits() < 50, "{} attempts", server.hits());
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so connecting
/// hangs until the client gives up.
async fn unanswered_listener() -> (
    std::net::SocketAddr,
    Vec<tokio::net::TcpStream>,
    tokio::net::TcpListener,
) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    (addr, fillers, listener)
}

#[tokio::test]
async fn connecting_times_out() {
    let (addr, _fillers, _listener) = unanswered_listener().await;
    let client = builder(&format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(100))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Connect));
    assert!(!error.may_have_reached_server());
}

#[tokio::test]
async fn a_stalled_download_times_out_between_chunks() {
    let addr = stalling_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/pdf\r\ncontent-length: 100\r\n\r\n0123456789".to_vec(),
    )
    .await;
    let client = builder(&format!("http://{addr}"))
        .attempt_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let mut file = Vec::new();
    let started = Instant::now();
    let error = client
        .download_to(&Call::get("/bill.pdf"), &mut file)
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Attempt), "{error}");
    assert_eq!(file, b"0123456789");
}

#[test]
fn errors_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<mypages_transport::Error>();
    assert_send_sync::<mypages_transport::Client>();
}

#[tokio::test]
async fn a_stalled_json_body_is_an_attempt_timeout() {
    // The headers arrive at once, the body never finishes: reading it is part of the
    // attempt, so the attempt timeout ends it (not the server closing 10 s later).
    let addr = stalling_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[1,2,"
            .to_vec(),
    )
    .await;
    let client = builder(&format!("http://{addr}"))
        .attempt_timeout(Duration::from_millis(100))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Attempt), "{error}");
}
