//! Bearer auth: static and cached token sources, single-flight refresh, 401 replay, and
//! the header going to the configured host only.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mypages_transport::{CachedToken, Error, ErrorKind, ExpiringToken, SecretString};
use serde_json::json;

use crate::support::{Call, Logs, Server, builder, closed_port, respond};

fn authorization(seen: &crate::support::Seen) -> Option<String> {
    seen.headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_static_token_is_sent_as_bearer() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url())
        .token(SecretString::from("static-token"))
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(
        authorization(&server.seen()[0]).as_deref(),
        Some("Bearer static-token")
    );
}

#[tokio::test]
async fn without_a_token_source_no_authorization_is_sent() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url()).build().unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(authorization(&server.seen()[0]), None);
}

#[tokio::test]
async fn an_endpoint_set_authorization_replaces_the_token_source() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url())
        .token(SecretString::from("private-key"))
        .build()
        .unwrap();
    let mut call = Call::get("/account/me");
    call.headers.insert(
        "authorization",
        mypages_transport::sensitive_header("account_key", "Bearer account-key").unwrap(),
    );
    client.execute(&call).await.unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    let tokens = tokens_seen(&server);
    assert_eq!(
        tokens,
        vec![
            Some("Bearer account-key".to_owned()),
            Some("Bearer private-key".to_owned())
        ]
    );
}

/// A cached source whose n-th fetch returns `token-n`, valid for `lifetime`.
fn counting_source(lifetime: Duration) -> (CachedToken, Arc<AtomicUsize>) {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let source = CachedToken::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(ExpiringToken::new(
                SecretString::from(format!("token-{n}")),
                lifetime,
            ))
        }
    });
    (source, fetches)
}

/// A server that answers `{"ok":true}` to `Bearer {token}` and 401 to anything else.
async fn accepting_only(token: &'static str) -> Server {
    Server::start(move |seen| async move {
        if authorization(&seen) == Some(format!("Bearer {token}")) {
            respond(200, r#"{"ok":true}"#)
        } else {
            respond(401, r#"{"title":"Token expired"}"#)
        }
    })
    .await
}

/// The tokens each request carried to `server`.
fn tokens_seen(server: &Server) -> Vec<Option<String>> {
    server.seen().iter().map(authorization).collect()
}

/// `Authorization` headers carrying `tokens`, as [`tokens_seen`] gives them.
fn bearers(tokens: &[&str]) -> Vec<Option<String>> {
    tokens.iter().map(|t| Some(format!("Bearer {t}"))).collect()
}

/// A POST to `server` with tokens from `source`, which must succeed.
async fn post_order(server: &Server, source: CachedToken) -> serde_json::Value {
    let client = builder(&server.url()).token_source(source).build().unwrap();
    client
        .execute(&Call::post("/orders", json!({})))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_replays() {
    let server = accepting_only("token-2").await;
    let (source, fetches) = counting_source(Duration::from_secs(3600));
    // Replayed even for a POST: a 401 means the provider did not act on it.
    let value = post_order(&server, source).await;
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert_eq!(tokens_seen(&server), bearers(&["token-1", "token-2"]));
}

#[tokio::test]
async fn a_401_with_a_new_token_too_is_not_replayed_again() {
    let server = Server::fixed(401, r#"{"title":"Token invalid"}"#).await;
    let (source, fetches) = counting_source(Duration::from_secs(3600));
    let client = builder(&server.url()).token_source(source).build().unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.hits(), 2, "one replay, no loop");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_static_token_rejected_with_401_is_not_replayed() {
    let server = Server::fixed(401, "{}").await;
    let client = builder(&server.url())
        .token(SecretString::from("static"))
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_with_an_expired_token_refresh_once() {
    let server = Server::fixed(200, "{}").await;
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let source = CachedToken::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            // The first token is born expired; the refreshed one lasts.
            let lifetime = if n == 1 {
                Duration::ZERO
            } else {
                Duration::from_secs(3600)
            };
            Ok(ExpiringToken::new(
                SecretString::from(format!("token-{n}")),
                lifetime,
            ))
        }
    });
    let client = builder(&server.url()).token_source(source).build().unwrap();
    client.execute(&Call::get("/prime")).await.unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 1);

    let calls = (0..100).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.execute(&Call::get("/x")).await })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "exactly one refresh for 100 calls"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 101);
    assert!(
        seen[1..]
            .iter()
            .all(|s| authorization(s).as_deref() == Some("Bearer token-2"))
    );
}

#[tokio::test]
async fn a_host_spelled_in_another_case_is_the_same_origin() {
    let server = Server::fixed(200, "{}").await;
    // Host names are case-insensitive (RFC 3986, section 3.2.2): a layer (or a provider's
    // link) writing `LOCALHOST` still addresses the configured host, so the token goes.
    let client = builder(&format!("http://localhost:{}", server.addr.port()))
        .token(SecretString::from("for-localhost"))
        .layer(tower::util::MapRequestLayer::new(
            |mut request: http::Request<bytes::Bytes>| {
                let uri = request.uri().clone();
                let shouted = format!("http://LOCALHOST:{}{}", uri.port_u16().unwrap(), uri.path());
                *request.uri_mut() = shouted.parse().unwrap();
                request
            },
        ))
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(
        authorization(&server.seen()[0]).as_deref(),
        Some("Bearer for-localhost")
    );
}

#[tokio::test]
async fn the_token_goes_only_to_the_configured_host() {
    let server = Server::fixed(200, "{}").await;
    // Configured for `localhost`; an outer layer sends the request to `127.0.0.1` instead,
    // which is another authority: the auth layer must not attach the token there.
    let client = builder(&format!("http://localhost:{}", server.addr.port()))
        .token(SecretString::from("for-localhost-only"))
        .layer(tower::util::MapRequestLayer::new(
            |mut request: http::Request<bytes::Bytes>| {
                let uri = request.uri().clone();
                let moved = format!("http://127.0.0.1:{}{}", uri.port_u16().unwrap(), uri.path());
                *request.uri_mut() = moved.parse().unwrap();
                request
            },
        ))
        .build()
        .unwrap();
    client.execute(&Call::get("/x")).await.unwrap();
    let mut call = Call::get("/y");
    call.headers
        .insert("authorization", "Bearer set-by-endpoint".parse().unwrap());
    client.execute(&call).await.unwrap();
    assert_eq!(server.hits(), 2);
    assert_eq!(authorization(&server.seen()[0]), None);
    assert_eq!(authorization(&server.seen()[1]), None);

    // And links to other hosts are refused before anything is sent.
    let client = builder(&format!("http://localhost:{}", server.addr.port()))
        .token(SecretString::from("for-localhost-only"))
        .build()
        .unwrap();
    let error = client
        .follow::<serde_json::Value>(
            "follow",
            &format!("http://127.0.0.1:{}/x", server.addr.port()),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(server.hits(), 2);
}

/// A cached source whose n-th fetch returns `token-n`, except fetch `failing`, which fails
/// with a connect error (transient) from another client.
async fn failing_once(failing: usize) -> (CachedToken, Arc<AtomicUsize>) {
    let down = builder(&format!("http://{}", closed_port().await))
        .retry(mypages_transport::RetryPolicy::never())
        .build()
        .unwrap();
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let source = CachedToken::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let down = down.clone();
        async move {
            if n == failing {
                down.execute(&Call::post("/auth/token", json!({}))).await?;
            }
            Ok::<_, Error>(ExpiringToken::new(
                SecretString::from(format!("token-{n}")),
                Duration::from_secs(3600),
            ))
        }
    });
    (source, fetches)
}

#[tokio::test]
async fn a_transient_token_failure_is_retried_even_for_post() {
    let server = Server::fixed(200, "{}").await;
    // The token endpoint is down for the first fetch.
    let (source, fetches) = failing_once(1).await;
    post_order(&server, source).await;
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert_eq!(server.hits(), 1, "the order was sent once");
}

#[tokio::test]
async fn a_replay_whose_token_fetch_fails_is_sent_again_with_a_new_token() {
    let server = accepting_only("token-3").await;
    // The fetch after the 401 fails.
    let (source, fetches) = failing_once(2).await;
    let value = post_order(&server, source).await;
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
    // The replay went back without the rejected token, so it was sent with the new one.
    assert_eq!(tokens_seen(&server), bearers(&["token-1", "token-3"]));
}

#[tokio::test]
async fn a_token_source_that_keeps_failing_is_tried_once_per_attempt() {
    let server = Server::fixed(200, "{}").await;
    let down = builder(&format!("http://{}", closed_port().await))
        .retry(mypages_transport::RetryPolicy::never())
        .build()
        .unwrap();
    let source = CachedToken::new(move || {
        let down = down.clone();
        async move {
            down.execute(&Call::post("/auth/token", json!({}))).await?;
            Ok::<_, Error>(ExpiringToken::new(
                SecretString::from("never"),
                Duration::from_secs(3600),
            ))
        }
    });
    let client = builder(&server.url()).token_source(source).build().unwrap();
    let (logs, _guard) = Logs::capture();
    let error = client
        .execute(&Call::post("/orders", json!({})))
        .await
        .unwrap_err();
    assert!(error.is_token_source_failure(), "{error}");
    // The request came back from each failed attempt, and went no further than the last.
    assert_eq!(logs.last_attempts(), Some(3));
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_token_failure_means_nothing_was_sent() {
    let server = Server::fixed(200, "{}").await;
    let source = CachedToken::new(|| async {
        Err::<ExpiringToken, _>(Error::invalid_argument("client_secret", "is wrong"))
    });
    let client = builder(&server.url()).token_source(source).build().unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(error.is_token_source_failure());
    assert!(!error.may_have_reached_server());
    assert!(error.to_string().contains("bearer token"), "{error}");
    assert_eq!(server.hits(), 0);

    let error = client
        .execute(&Call::post("/x", json!({})))
        .await
        .unwrap_err();
    assert!(error.is_token_source_failure());
    let ordinary = builder(&server.url()).build().unwrap();
    let error = ordinary.execute(&Call::get("no-slash")).await.unwrap_err();
    assert!(!error.is_token_source_failure());
}
