//! The stack is open: user layers wrap it, and the inner HTTP service can be swapped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioExecutor;
use mypages_transport::layers::{AuthLayer, OperationDeadlineLayer, RetryLayer};
use mypages_transport::{BaseUrl, ErrorKind, RequestMeta, RetryPolicy, SecretString, StaticToken};
use tower::{Service, ServiceBuilder, ServiceExt};

use crate::support::{Call, Server, builder, closed_port, fast_retries, respond};

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
    let operations = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = operations.clone();
    let inner = tower::service_fn(move |mut request: http::Request<Full<Bytes>>| {
        counter.fetch_add(1, Ordering::SeqCst);
        let meta = request.extensions().get::<RequestMeta>();
        record
            .lock()
            .unwrap()
            .push(meta.map(|meta| (meta.operation, meta.idempotent)));
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
    // It sees what the stack knows about the request.
    assert_eq!(*operations.lock().unwrap(), [Some(("test_call", true))]);

    // Its connect errors are still classified (and retried for GET).
    let client = builder(&format!("http://{}", closed_port().await))
        .http_service(inner)
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 1 + 3);
    // And for a POST: a swapped service does not give a request back, so the retry
    // layer keeps a copy of one that may be sent only once.
    let error = client
        .execute(&Call::post("/x", serde_json::json!({})))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connect, "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 1 + 3 + 3);
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

#[tokio::test]
async fn our_retry_and_auth_layers_work_in_a_merchants_own_stack() {
    // Every other request fails with 503.
    let server = Server::start(|seen| async move {
        if seen.index % 2 == 0 {
            respond(503, "{}")
        } else {
            respond(200, r#"{"ok":true}"#)
        }
    })
    .await;
    let hyper = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let base = BaseUrl::parse(&server.url()).unwrap();
    let token = StaticToken::new(SecretString::from("merchant-token"));
    let mut stack = ServiceBuilder::new()
        .layer(RetryLayer::new(fast_retries()))
        .layer(AuthLayer::new(&base).token_source(Arc::new(token)))
        .service(tower::service_fn(move |request: http::Request<Bytes>| {
            hyper.request(request.map(Full::new))
        }));
    let mut request = http::Request::get(format!("{}/x", server.url()))
        .body(Bytes::new())
        .unwrap();
    request
        .extensions_mut()
        .insert(RequestMeta::new("get_x", true));
    let response = stack.ready().await.unwrap().call(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.hits(), 2, "the 503 was retried");
    for seen in server.seen() {
        assert_eq!(seen.headers["authorization"], "Bearer merchant-token");
    }

    // Without the meta a request is not idempotent: the 503 is returned.
    let request = http::Request::get(format!("{}/x", server.url()))
        .body(Bytes::new())
        .unwrap();
    let response = stack.ready().await.unwrap().call(request).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn an_attempt_layer_sees_every_attempt_and_a_layer_each_operation() {
    let server =
        Server::start(|seen| async move { respond(if seen.index == 0 { 503 } else { 200 }, "{}") })
            .await;
    let operations = Arc::new(AtomicUsize::new(0));
    let attempts = Arc::new(AtomicUsize::new(0));
    let (per_operation, per_attempt) = (operations.clone(), attempts.clone());
    let client = builder(&server.url())
        .token(SecretString::from("t"))
        .layer(tower::util::MapRequestLayer::new(
            move |request: http::Request<Bytes>| {
                per_operation.fetch_add(1, Ordering::SeqCst);
                request
            },
        ))
        .attempt_layer(tower::util::MapRequestLayer::new(
            move |mut request: http::Request<Bytes>| {
                per_attempt.fetch_add(1, Ordering::SeqCst);
                assert!(
                    !request.headers().contains_key("authorization"),
                    "auth runs inside"
                );
                request
                    .headers_mut()
                    .insert("x-shop", http::HeaderValue::from_static("mine"));
                request
            },
        ))
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(operations.load(Ordering::SeqCst), 1);
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    for seen in server.seen() {
        assert_eq!(seen.headers["x-shop"], "mine");
        assert_eq!(seen.headers["authorization"], "Bearer t");
    }
}

#[tokio::test]
async fn a_layer_alone_sees_what_the_stack_knows_about_each_request() {
    let server = Server::fixed(200, "{}").await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let client = builder(&server.url())
        .layer(tower::util::MapRequestLayer::new(
            move |request: http::Request<Bytes>| {
                let meta = request.extensions().get::<RequestMeta>();
                record
                    .lock()
                    .unwrap()
                    .push(meta.map(|meta| (meta.operation, meta.idempotent, meta.streaming)));
                request
            },
        ))
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    client.download(&Call::get("/x")).await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            Some(("test_call", true, false)),
            Some(("test_call", true, true))
        ]
    );
}

/// A service that is ready once, then fails every readiness check, counting them.
#[derive(Clone)]
struct ReadyOnce {
    polls: Arc<AtomicUsize>,
}

impl Service<http::Request<Bytes>> for ReadyOnce {
    type Response = http::Response<mypages_transport::ResponseBody>;
    type Error = std::io::Error;
    type Future = std::future::Ready<Result<Self::Response, std::io::Error>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), std::io::Error>> {
        let earlier = self.polls.fetch_add(1, Ordering::SeqCst);
        std::task::Poll::Ready(if earlier == 0 {
            Ok(())
        } else {
            Err(std::io::Error::other("the connection pool is closed"))
        })
    }

    fn call(&mut self, _: http::Request<Bytes>) -> Self::Future {
        std::future::ready(Err(std::io::Error::other("not ready")))
    }
}

#[tokio::test]
async fn a_service_that_is_not_ready_is_tried_no_more_often_than_the_policy_allows() {
    let polls = Arc::new(AtomicUsize::new(0));
    let mut stack = ServiceBuilder::new()
        .layer(RetryLayer::new(fast_retries().max_attempts(3)))
        .service(ReadyOnce {
            polls: polls.clone(),
        });
    let mut request = http::Request::get("http://127.0.0.1:9/x")
        .body(Bytes::new())
        .unwrap();
    request
        .extensions_mut()
        .insert(RequestMeta::new("get_x", true));
    let error = stack
        .ready()
        .await
        .unwrap()
        .call(request)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    // The layer's own readiness check, then one per attempt.
    assert_eq!(polls.load(Ordering::SeqCst), 1 + 3);
}

#[tokio::test]
async fn a_deadline_without_request_meta_is_not_retried_and_nothing_breaks() {
    let server = Server::fixed(503, "{}").await;
    let hyper = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let mut stack = ServiceBuilder::new()
        .layer(OperationDeadlineLayer::new(Some(Duration::from_secs(5))))
        .layer(RetryLayer::new(fast_retries()))
        .service(tower::service_fn(move |request: http::Request<Bytes>| {
            hyper.request(request.map(Full::new))
        }));
    // No RequestMeta: the request counts as not idempotent, and the 503 comes back as it is.
    let request = http::Request::get(format!("{}/x", server.url()))
        .body(Bytes::new())
        .unwrap();
    let response = stack.ready().await.unwrap().call(request).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(server.hits(), 1);
}

/// A merchant's own request extension.
#[derive(Clone, Debug, PartialEq)]
struct ShopTag(&'static str);

/// What an attempt layer saw of each attempt's extensions: the operation, whether it is
/// idempotent, and the merchant's tag.
type SeenExtensions = Arc<std::sync::Mutex<Vec<(String, bool, Option<ShopTag>)>>>;

/// A client whose server fails the first attempt, with an attempt layer that records each
/// attempt's extensions, and (with `tag`) a layer that adds a merchant's extension.
async fn recording_client(
    tag: Option<ShopTag>,
) -> (Server, mypages_transport::Client, SeenExtensions) {
    let server =
        Server::start(|seen| async move { respond(if seen.index == 0 { 503 } else { 200 }, "{}") })
            .await;
    let seen: SeenExtensions = Arc::default();
    let record = seen.clone();
    let mut builder = builder(&server.url()).attempt_layer(tower::util::MapRequestLayer::new(
        move |request: http::Request<Bytes>| {
            let meta = request.extensions().get::<RequestMeta>();
            record.lock().unwrap().push((
                meta.map_or_else(String::new, |meta| meta.operation.to_owned()),
                meta.is_some_and(|meta| meta.idempotent),
                request.extensions().get::<ShopTag>().cloned(),
            ));
            request
        },
    ));
    if let Some(tag) = tag {
        builder = builder.layer(tower::util::MapRequestLayer::new(
            move |mut request: http::Request<Bytes>| {
                request.extensions_mut().insert(tag.clone());
                request
            },
        ));
    }
    (server, builder.build().unwrap(), seen)
}

#[tokio::test]
async fn a_retried_attempt_carries_the_same_extensions_as_the_first() {
    let (_server, client, seen) = recording_client(None).await;
    client.execute(&Call::get("/x")).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    let first = ("test_call".to_owned(), true, None);
    assert_eq!(seen, vec![first.clone(), first]);

    let tag = ShopTag("shop-7");
    let (_server, client, seen) = recording_client(Some(tag.clone())).await;
    client.execute(&Call::get("/x")).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    let first = ("test_call".to_owned(), true, Some(tag));
    assert_eq!(seen, vec![first.clone(), first]);
}

#[tokio::test]
async fn our_layers_reserve_the_readiness_of_the_service_under_them() {
    // A merchant's stack with a concurrency limit under our layers: tower's contract is
    // that `call` follows the inner service's own `poll_ready`, and `ConcurrencyLimit`
    // refuses (panics on) a call it did not make ready. A fixed token takes auth's
    // shortest path, which calls its inner service directly.
    let server = Server::fixed(200, "{}").await;
    let hyper = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let base = BaseUrl::parse(&server.url()).unwrap();
    let token = StaticToken::new(SecretString::from("merchant-token"));
    let hyper_too = hyper.clone();
    let send = tower::service_fn(move |request: http::Request<Bytes>| {
        hyper.request(request.map(Full::new))
    });
    // What the connector does: hyper's body as a `ResponseBody`.
    let send_for_body_limit = tower::service_fn(move |request: http::Request<Bytes>| {
        let response = hyper_too.request(request.map(Full::new));
        async move {
            response
                .await
                .map(|response| response.map(mypages_transport::ResponseBody::streaming))
        }
    });
    let mut auth = ServiceBuilder::new()
        .layer(AuthLayer::new(&base).token_source(Arc::new(token)))
        .layer(tower::limit::ConcurrencyLimitLayer::new(1))
        .service(send);
    let mut body_limit = ServiceBuilder::new()
        .layer(mypages_transport::layers::TraceLayer::new("merchant"))
        .layer(tower::limit::ConcurrencyLimitLayer::new(1))
        .layer(mypages_transport::layers::OperationDeadlineLayer::new(
            Some(Duration::from_secs(30)),
        ))
        .layer(tower::limit::ConcurrencyLimitLayer::new(1))
        .layer(mypages_transport::layers::AttemptTimeoutLayer::new(
            Duration::from_secs(30),
        ))
        .layer(tower::limit::ConcurrencyLimitLayer::new(1))
        .layer(mypages_transport::layers::BodyLimitLayer::new(1024))
        .layer(tower::limit::ConcurrencyLimitLayer::new(1))
        .service(send_for_body_limit);
    let get = || {
        http::Request::get(format!("{}/x", server.url()))
            .body(Bytes::new())
            .unwrap()
    };
    for _ in 0..2 {
        let response = auth.ready().await.unwrap().call(get()).await.unwrap();
        assert_eq!(response.status(), 200);
        let response = body_limit.ready().await.unwrap().call(get()).await.unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(server.hits(), 4);
}

#[test]
fn auth_layer_debug_names_the_origin_and_whether_a_source_is_set() {
    let base = BaseUrl::parse("https://api.example.com/payex").unwrap();
    let layer = AuthLayer::new(&base);
    assert_eq!(
        format!("{layer:?}"),
        r#"AuthLayer { scheme: "https", authority: api.example.com, token_source: false }"#
    );
    let token = StaticToken::new(SecretString::from("s3cret"));
    let layer = layer.token_source(Arc::new(token));
    let shown = format!("{layer:?}");
    assert!(shown.ends_with("token_source: true }"), "{shown}");
    assert!(!shown.contains("s3cret"), "{shown}");
}

#[test]
fn a_client_and_its_builder_show_their_settings_but_no_secret() {
    assert_eq!(mypages_transport::DEFAULT_BODY_LIMIT, 16 * 1024 * 1024);
    let builder = mypages_transport::Client::builder()
        .provider(" payex ")
        .base_url("https://api.example.com/psp/")
        .token(SecretString::from("s3cret"))
        .body_limit(2048);
    let shown = format!("{builder:?}");
    assert!(
        shown.starts_with(
            r#"ClientBuilder { base_url: Some("https://api.example.com/psp/"), token_source: true, connect_timeout: 5s, attempt_timeout: 30s, operation_timeout: None, "#
        ),
        "{shown}"
    );
    assert!(
        shown.contains("body_limit: 2048, identity: false, provider: Some(\" payex \")"),
        "{shown}"
    );
    assert!(!shown.contains("s3cret"), "{shown}");
    let client = builder.build().unwrap();
    assert_eq!(client.provider(), "payex");
    assert_eq!(client.base_url().to_string(), "https://api.example.com/psp");
    assert_eq!(
        format!("{client:?}"),
        r#"Client { provider: "payex", base_url: BaseUrl(https://api.example.com/psp), .. }"#
    );
}

#[test]
fn a_blank_provider_or_a_root_certificate_with_a_swapped_service_is_refused() {
    let error = mypages_transport::Client::builder()
        .provider("  ")
        .base_url("https://localhost")
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("provider"));
    let hyper = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let error = mypages_transport::Client::builder()
        .provider("p")
        .base_url("https://localhost")
        .add_root_certificate(include_bytes!("../fixtures/tls/ca.pem").to_vec())
        .http_service(hyper)
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("http_service"));
}

#[tokio::test]
async fn a_streaming_body_from_a_users_layer_is_read_to_the_limit_its_status_allows() {
    let server = Server::start(|seen| async move {
        if seen.index == 0 {
            respond(200, "{}")
        } else {
            respond(409, "{}")
        }
    })
    .await;
    // A layer (say, one that decompresses) hands back a streaming body of 100 000 bytes.
    let client = builder(&server.url())
        .retry(RetryPolicy::never())
        .layer(tower::util::MapResponseLayer::new(
            |response: http::Response<mypages_transport::ResponseBody>| {
                let big = if response.status().is_success() {
                    format!("\"{}\"", "a".repeat(99_998))
                } else {
                    "x".repeat(100_000)
                };
                response.map(|_| {
                    mypages_transport::ResponseBody::streaming(Full::new(Bytes::from(big)))
                })
            },
        ))
        .build()
        .unwrap();
    // A success body is read whole, within the body limit (16 MiB by default)...
    let value = client.execute(&Call::get("/ok")).await.unwrap();
    assert_eq!(value.as_str().map(str::len), Some(99_998));
    // ...an error body is cut at 64 KiB.
    let error = client.execute(&Call::get("/conflict")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused, "{error}");
    assert_eq!(error.body().map(Bytes::len), Some(64 * 1024));
}

#[tokio::test]
async fn a_body_in_many_small_chunks_is_held_to_the_limit_as_a_whole() {
    let server = Server::fixed(200, "{}").await;
    // A layer hands back 100 chunks of 1 000 bytes: each fits the 50 000-byte limit, their
    // sum does not.
    let client = builder(&server.url())
        .retry(RetryPolicy::never())
        .body_limit(50_000)
        .layer(tower::util::MapResponseLayer::new(
            |response: http::Response<mypages_transport::ResponseBody>| {
                let chunks = (0..100).map(|_| {
                    Ok::<_, std::convert::Infallible>(http_body::Frame::data(Bytes::from(
                        vec![b' '; 1_000],
                    )))
                });
                response.map(|_| {
                    mypages_transport::ResponseBody::streaming(http_body_util::StreamBody::new(
                        futures_util::stream::iter(chunks),
                    ))
                })
            },
        ))
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/ok")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error}");
}

#[tokio::test]
async fn a_buffered_body_from_a_users_layer_keeps_to_the_same_limits() {
    let server = Server::start(|seen| async move {
        if seen.index == 0 {
            respond(200, "{}")
        } else {
            respond(409, "{}")
        }
    })
    .await;
    // A layer (say, a cache) hands back a whole body of 100 000 bytes at once.
    let client = builder(&server.url())
        .retry(RetryPolicy::never())
        .body_limit(50_000)
        .layer(tower::util::MapResponseLayer::new(
            |response: http::Response<mypages_transport::ResponseBody>| {
                let big = Bytes::from(format!("\"{}\"", "a".repeat(99_998)));
                response.map(|_| mypages_transport::ResponseBody::buffered(big))
            },
        ))
        .build()
        .unwrap();
    // A success body over the body limit is refused, as a streamed one is...
    let error = client.execute(&Call::get("/ok")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error}");
    // ...and an error body is cut at 64 KiB.
    let error = client.execute(&Call::get("/conflict")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused, "{error}");
    assert_eq!(error.body().map(Bytes::len), Some(64 * 1024));
}

#[tokio::test]
async fn a_shared_token_source_signs_the_requests() {
    let server = Server::fixed(200, "{}").await;
    let source: Arc<dyn mypages_transport::TokenSource> =
        Arc::new(StaticToken::new(SecretString::from("shared")));
    let client = builder(&server.url())
        .shared_token_source(source)
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(server.seen()[0].headers["authorization"], "Bearer shared");
}

#[tokio::test]
async fn the_user_agent_and_the_problem_reader_are_the_configured_ones() {
    fn provider_shape(body: &[u8]) -> Option<mypages_transport::Problem> {
        let code = std::str::from_utf8(body).ok()?.strip_prefix("code=")?;
        mypages_transport::Problem::from_json(format!(r#"{{"type":"{code}"}}"#).as_bytes())
    }
    let server = Server::fixed(409, "code=card-declined").await;
    let client = builder(&server.url())
        .user_agent("merchant-shop/1.0")
        .problem_reader(provider_shape)
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.problem().unwrap().type_str(), "card-declined");
    assert_eq!(server.seen()[0].headers["user-agent"], "merchant-shop/1.0");
}
