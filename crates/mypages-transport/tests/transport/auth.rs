//! Bearer auth: static and cached token sources, single-flight refresh, 401 replay, and
//! the header going to the configured host only.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mypages_transport::{CachedToken, Error, ErrorKind, ExpiringToken, SecretString};
use serde_json::json;

use crate::support::{Call, Server, builder, closed_port, respond};

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
    let tokens: Vec<_> = server.seen().iter().map(authorization).collect();
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

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_replays() {
    let server = Server::start(|seen| async move {
        match authorization(&seen).as_deref() {
            Some("Bearer token-2") => respond(200, r#"{"ok":true}"#),
            _ => respond(401, r#"{"title":"Token expired"}"#),
        }
    })
    .await;
    let (source, fetches) = counting_source(Duration::from_secs(3600));
    let client = builder(&server.url()).token_source(source).build().unwrap();
    // Replayed even for a POST: a 401 means the provider did not act on it.
    let value = client
        .execute(&Call::post("/orders", json!({})))
        .await
        .unwrap();
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    let tokens: Vec<_> = server.seen().iter().map(authorization).collect();
    assert_eq!(
        tokens,
        vec![
            Some("Bearer token-1".to_owned()),
            Some("Bearer token-2".to_owned())
        ]
    );
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

#[tokio::test]
async fn a_transient_token_failure_is_retried_even_for_post() {
    let server = Server::fixed(200, "{}").await;
    // The token endpoint is down for the first fetch: a connect error from another client.
    let down = builder(&format!("http://{}", closed_port().await))
        .retry(mypages_transport::RetryPolicy::never())
        .build()
        .unwrap();
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let source = CachedToken::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let down = down.clone();
        async move {
            if n == 0 {
                down.execute(&Call::post("/auth/token", json!({}))).await?;
            }
            Ok::<_, Error>(ExpiringToken::new(
                SecretString::from("fresh"),
                Duration::from_secs(3600),
            ))
        }
    });
    let client = builder(&server.url()).token_source(source).build().unwrap();
    client
        .execute(&Call::post("/orders", json!({})))
        .await
        .unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert_eq!(server.hits(), 1, "the order was sent once");
}

#[tokio::test]
async fn a_replay_whose_token_fetch_fails_is_sent_again_with_a_new_token() {
    let server = Server::start(|seen| async move {
        match authorization(&seen).as_deref() {
            Some("Bearer token-3") => respond(200, r#"{"ok":true}"#),
            _ => respond(401, r#"{"title":"Token expired"}"#),
        }
    })
    .await;
    // The fetch after the 401 fails with a connect error from another client.
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
            if n == 2 {
                down.execute(&Call::post("/auth/token", json!({}))).await?;
            }
            Ok::<_, Error>(ExpiringToken::new(
                SecretString::from(format!("token-{n}")),
                Duration::from_secs(3600),
            ))
        }
    });
    let client = builder(&server.url()).token_source(source).build().unwrap();
    let value = client
        .execute(&Call::post("/orders", json!({})))
        .await
        .unwrap();
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(fetches.load(Ordering::SeqCst), 3);
    // The replay went back without the rejected token, so it was sent with the new one.
    let tokens: Vec<_> = server.seen().iter().map(authorization).collect();
    assert_eq!(
        tokens,
        vec![
            Some("Bearer token-1".to_owned()),
            Some("Bearer token-3".to_owned())
        ]
    );
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
