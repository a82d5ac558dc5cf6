//! Error answers: PayFunc's `{status, type, content}` body parsed into the error and mapped
//! to a kind; any other body kept as it came; undecodable success bodies named by path.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ACCOUNT_ID, Reply, Server};
use http::StatusCode;
use p4p_client::models::*;
use p4p_client::{Category, ErrorKind};

fn account_id() -> AccountId {
    AccountId::new(ACCOUNT_ID).unwrap()
}

async fn error_for(reply: Reply) -> p4p_client::Error {
    let server = Server::start().await;
    server.reply(reply);
    // Account creation is never retried, so each reply is seen once.
    let creatable = AccountCreatable::new(Vec::new());
    server
        .client()
        .accounts()
        .create(&creatable)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn the_documented_error_body_is_parsed() {
    let error = error_for(Reply::json(
        400,
        r#"{"status":400,"type":"invalid content","content":{"type":"model.Account.Creatable","description":"A valid account to be created."}}"#,
    ))
    .await;
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::InvalidInput);
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(
        error.problem().and_then(|p| p.r#type.as_deref()),
        Some("invalid content")
    );
    let body = p4p_client::api_error(&error).unwrap();
    let content = body.content.as_ref().unwrap();
    assert_eq!(content.r#type.as_deref(), Some("model.Account.Creatable"));
    assert_eq!(
        content.description.as_deref(),
        Some("A valid account to be created.")
    );
    let text = error.to_string();
    assert!(text.contains("400"), "{text}");
    assert!(text.contains("invalid content"), "{text}");
    assert!(text.contains("model.Account.Creatable"), "{text}");
    assert!(text.contains("A valid account to be created."), "{text}");
}

#[tokio::test]
async fn kinds_follow_the_type_then_the_status() {
    // The old per-provider kinds are now one kind (Refused, or Transient for a 5xx) and a
    // cross-provider category taken from PayFunc's type, then from the status.
    let cases = [
        (
            401,
            r#"{"status":401,"type":"not authorized"}"#,
            ErrorKind::Refused,
            Category::Unauthorized,
        ),
        (
            403,
            r#"{"status":403,"type":"forbidden","content":{"type":"authorization"}}"#,
            ErrorKind::Refused,
            Category::Unauthorized,
        ),
        (
            404,
            r#"{"status":404,"type":"not found"}"#,
            ErrorKind::Refused,
            Category::NotFound,
        ),
        (
            400,
            r#"{"status":400,"type":"malformed content"}"#,
            ErrorKind::Refused,
            Category::InvalidInput,
        ),
        (
            402,
            r#"{"status":402,"type":"payment failed","error":"insufficient funds"}"#,
            ErrorKind::Refused,
            Category::Rejected,
        ),
        (
            400,
            r#"{"status":400,"type":"payment","error":"card declined"}"#,
            ErrorKind::Refused,
            Category::Rejected,
        ),
        (
            409,
            r#"{"status":409,"type":"invalid event"}"#,
            ErrorKind::Refused,
            Category::Rejected,
        ),
        (
            500,
            r#"{"status":500,"type":"backend failure"}"#,
            ErrorKind::Transient,
            Category::Transient,
        ),
        (
            418,
            r#"{"status":418,"type":"teapot"}"#,
            ErrorKind::Refused,
            Category::Rejected,
        ),
    ];
    for (status, body, kind, category) in cases {
        let error = error_for(Reply::json(status, body)).await;
        assert_eq!(error.kind(), kind, "{status} {body}: {error}");
        assert_eq!(error.category(), category, "{status} {body}: {error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(p4p_client::api_error(&error).is_some());
    }
}

#[tokio::test]
async fn any_other_body_is_kept_as_it_came() {
    let error = error_for(Reply::text(502, "text/html", "<html>Bad gateway</html>")).await;
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    assert!(p4p_client::api_error(&error).is_none());
    assert!(error.problem().is_none());
    assert_eq!(
        error.body().map(|b| &b[..]),
        Some(&b"<html>Bad gateway</html>"[..])
    );
    assert!(error.to_string().contains("502"), "{error}");

    let error = error_for(Reply::json(400, r#"{"message":"nope"}"#)).await;
    assert!(p4p_client::api_error(&error).is_none());
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::InvalidInput);
    assert_eq!(
        error.body().map(|b| &b[..]),
        Some(&br#"{"message":"nope"}"#[..])
    );
}

#[tokio::test]
async fn an_undecodable_answer_names_the_place() {
    let server = Server::start().await;
    server.reply(Reply::json(
        200,
        r#"{"id":"1234567890abcdef","limit":"lots"}"#,
    ));
    server.reply(Reply::json(200, r#"{"id":"short"}"#));
    server.reply(Reply::json(200, r#"{"id":"1234567890abcdef","total":12"#));
    let client = server.client();
    let error = client.accounts().get(&account_id()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.json_path(), Some("limit"));
    // Errors name the spec's operationId.
    assert!(error.to_string().contains("getAccount"), "{error}");
    let error = client.accounts().get(&account_id()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.json_path(), Some("id"));
    let error = client.accounts().get(&account_id()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn idempotent_calls_are_retried_on_a_5xx_answer() {
    let server = Server::start().await;
    server.reply(Reply::json(
        503,
        r#"{"status":503,"type":"service unavailable"}"#,
    ));
    server.reply(Reply::json(200, common::account_json(ACCOUNT_ID)));
    let update = AccountUpdate::new().with_limit("10".parse().unwrap());
    server
        .client()
        .accounts()
        .update(&account_id(), &update)
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn settling_is_sent_once_under_a_5xx_answer() {
    // Settling charges the customer's card (spec `x-retry: never`): a 503 is answered to
    // the caller, never retried, even though a second attempt would succeed.
    let server = Server::start().await;
    server.reply(Reply::json(
        503,
        r#"{"status":503,"type":"service unavailable"}"#,
    ));
    server.reply(Reply::json(200, r#"{"updated":1,"errors":0}"#));
    let error = server
        .client()
        .balance()
        .settle(&account_id())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.may_have_reached_server());
    let request = server.only_request();
    assert_eq!(request.method, http::Method::DELETE);
    assert_eq!(request.path, format!("/account/{ACCOUNT_ID}/balance"));
}
