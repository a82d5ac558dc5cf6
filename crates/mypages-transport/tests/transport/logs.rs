//! Logs and `Debug` output never hold tokens, header secrets, bodies or query values.

use std::time::Duration;

use mypages_transport::{CachedToken, ExpiringToken, SecretString, sensitive_header};
use serde_json::json;

use crate::support::{Call, Logs, Server, builder, respond};

const TOKEN_1: &str = "tok-SECRET-one";
const TOKEN_2: &str = "tok-SECRET-two";
const IDENTITY_NUMBER: &str = "19121212-1212";
const BODY_SECRET: &str = "body-SECRET-card";
const HEADER_SECRET: &str = "customer-SECRET-auth";
const ANSWER_SECRET: &str = "answer-SECRET-pan";

#[tokio::test]
async fn tracing_output_is_free_of_secrets() {
    let server = Server::start(|seen| async move {
        let auth = seen
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned());
        match (seen.index, auth.as_deref()) {
            (_, Some(a)) if a.ends_with(TOKEN_1) => respond(401, "{}"),
            (1, _) => respond(503, format!(r#"{{"detail":"{ANSWER_SECRET}"}}"#)),
            _ => respond(200, format!(r#"{{"pan":"{ANSWER_SECRET}"}}"#)),
        }
    })
    .await;
    let fetches = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = fetches.clone();
    let source = CachedToken::new(move || {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move {
            let token = if n == 0 { TOKEN_1 } else { TOKEN_2 };
            Ok(ExpiringToken::new(
                SecretString::from(token),
                Duration::from_secs(3600),
            ))
        }
    });
    let client = builder(&server.url()).token_source(source).build().unwrap();

    let (logs, guard) = Logs::capture();
    let mut call = Call::post("/accounts", json!({"card": BODY_SECRET}));
    call.idempotent = Some(true);
    call.query = vec![("nationalIdentifier", IDENTITY_NUMBER.to_owned())];
    call.headers.insert(
        "customerAuthToken",
        sensitive_header("customer_auth_token", HEADER_SECRET).unwrap(),
    );
    let value = client.execute(&call).await.unwrap();
    let error = builder(&server.url())
        .retry(mypages_transport::RetryPolicy::never())
        .build()
        .unwrap()
        .execute(&Call::get("/x"))
        .await;
    drop(guard);
    assert_eq!(
        value["pan"], ANSWER_SECRET,
        "the calls really carried the secrets"
    );
    assert!(error.is_ok());

    let text = logs.text();
    // The capture works: the operation and attempt spans are there.
    assert!(text.contains("operation"), "{text}");
    assert!(text.contains("provider=\"test\""), "{text}");
    assert!(
        text.contains("attempt=2"),
        "a 401 replay, then a 503 retry: {text}"
    );
    for secret in [
        TOKEN_1,
        TOKEN_2,
        IDENTITY_NUMBER,
        BODY_SECRET,
        HEADER_SECRET,
        ANSWER_SECRET,
        "Bearer",
    ] {
        assert!(
            !text.contains(secret),
            "`{secret}` leaked into the logs:\n{text}"
        );
    }
}

#[test]
fn debug_output_is_free_of_secrets() {
    let client = mypages_transport::Client::builder()
        .provider("p")
        .base_url("https://example.com")
        .token(SecretString::from(TOKEN_1))
        .build()
        .unwrap();
    let header = sensitive_header("customer_auth_token", HEADER_SECRET).unwrap();
    let source = mypages_transport::StaticToken::new(SecretString::from(TOKEN_2));
    let body = mypages_transport::RequestBody::json(&json!({"card": BODY_SECRET})).unwrap();
    let identity = mypages_transport::Identity::from_pem(
        include_bytes!("../fixtures/tls/client.pem"),
        include_bytes!("../fixtures/tls/client.key"),
    )
    .unwrap();
    let key_line = include_str!("../fixtures/tls/client.key")
        .lines()
        .nth(1)
        .unwrap();
    let texts = [
        format!("{client:?}"),
        format!("{header:?}"),
        format!("{source:?}"),
        format!("{body:?}"),
        format!("{identity:?}"),
    ];
    for text in texts {
        for secret in [TOKEN_1, TOKEN_2, HEADER_SECRET, BODY_SECRET, key_line] {
            assert!(!text.contains(secret), "`{secret}` in {text}");
        }
    }
}

#[tokio::test]
async fn each_attempt_records_its_status_and_duration_when_a_subscriber_listens() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url()).build().unwrap();
    let (logs, guard) = Logs::capture();
    client.execute(&Call::get("/x")).await.unwrap();
    drop(guard);
    let text = logs.text();
    // The line the subscriber writes when the attempt's span closes holds its fields.
    let attempt = text
        .lines()
        .find(|line| line.contains("attempt{") && line.contains(" close "))
        .unwrap_or_else(|| panic!("no closed attempt span in {text}"));
    // The attempt's own fields, not its parent's (the operation's `elapsed_ms` is printed
    // before them when it is recorded first).
    let own = attempt
        .split("attempt{")
        .nth(1)
        .and_then(|fields| fields.split('}').next())
        .unwrap_or_default();
    assert!(own.contains("status=200"), "{attempt}");
    assert!(own.contains("elapsed_ms="), "{attempt}");
    // The attempt's span closes when the attempt ends: before the operation records its
    // own duration, which is then not yet among the operation's fields on the close line.
    let parent = attempt.split("attempt{").next().unwrap_or_default();
    assert!(!parent.contains("elapsed_ms="), "{attempt}");
    // And the operation's span its own duration.
    let operation = text
        .lines()
        .find(|line| {
            line.contains("operation{") && !line.contains("attempt{") && line.contains(" close ")
        })
        .unwrap_or_else(|| panic!("no closed operation span in {text}"));
    assert!(operation.contains("elapsed_ms="), "{operation}");
}
