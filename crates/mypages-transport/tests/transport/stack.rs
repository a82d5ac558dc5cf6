//! The stack is open: user layers wrap it, and the inner HTTP service can be swapped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioExecutor;
use mypages_transport::{ErrorKind, RetryPolicy};

use crate::support::{Call, Server, builder, closed_port, respond};

/// A server that records the most requests it ever had in flight at once.
async fn concurrency_server() -> (Server, Arc<AtomicUsize>) {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (now, max) = (in_flight.clone(), peak.clone());
    let server = Server::start(move |_| {
        let (now, max) = (now.clone(), max.clone());
        async move {
            let current = now.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(current, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(30)).await;
            now.fetch_sub(1, Ordering::SeqCst);
            respond(200, "{}")
        }
    })
    .await;
    (server, peak)
}

async fn run_five(client: &mypages_transport::Client) {
    let calls = (0..5).map(|_| {
        let client = client.clone();
        async move { client.execute(&Call::get("/x")).await }
    });
    for result in futures_util::future::join_all(calls).await {
        result.unwrap();
    }
}

#[tokio::test]
async fn a_concurrency_limit_layer_can_be_added() {
    let (server, peak) = concurrency_server().await;
    let unlimited = builder(&server.url()).build().unwrap();
    run_five(&unlimited).await;
    assert!(
        peak.load(Ordering::SeqCst) > 1,
        "without the layer calls overlap"
    );

    let (server, peak) = concurrency_server().await;
    let limited = builder(&server.url())
        .layer(tower::limit::ConcurrencyLimitLayer::new(1))
        .build()
        .unwrap();
    run_five(&limited).await;
    assert_eq!(peak.load(Ordering::SeqCst), 1);
    assert_eq!(server.hits(), 5);
}

#[tokio::test]
async fn the_inner_http_service_can_be_swapped() {
    let server = Server::fixed(200, "{}").await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let hyper = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let inner = tower::service_fn(move |mut request: http::Request<Full<Bytes>>| {
        counter.fetch_add(1, Ordering::SeqCst);
        request
            .headers_mut()
            .insert("x-inner", http::HeaderValue::from_static("custom"));
        hyper.request(request)
    });
    let client = builder(&server.url())
        .token(mypages_transport::SecretString::from("t"))
        .http_service(inner.clone())
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let seen = &server.seen()[0];
    assert_eq!(seen.headers["x-inner"], "custom");
    assert_eq!(
        seen.headers["authorization"], "Bearer t",
        "auth runs above the inner service"
    );

    // Its connect errors are still classified (and retried for GET).
    let client = builder(&format!("http://{}", closed_port().await))
        .http_service(inner)
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 1 + 3);
}

#[test]
fn a_swapped_service_cannot_silently_drop_tls_settings() {
    let hyper = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let error = mypages_transport::Client::builder()
        .provider("p")
        .base_url("https://localhost")
        .identity(
            mypages_transport::Identity::from_pem(
                include_bytes!("../fixtures/tls/client.pem"),
                include_bytes!("../fixtures/tls/client.key"),
            )
            .unwrap(),
        )
        .http_service(hyper)
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("http_service"));
}
