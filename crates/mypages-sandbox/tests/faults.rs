//! Faults on demand: set at start, from Rust and over the admin routes.

mod common;

use std::time::{Duration, Instant};

use common::{call, send};
use mypages_sandbox::{FaultKind, FaultRule, Provider, Sandbox, credentials::*};

const ACCOUNTS: &str = "/payex/ledger/account/v1/1000/accounts";

#[tokio::test]
async fn next_n_requests_fail_in_the_providers_format_then_recover() {
    let rule = FaultRule::new(FaultKind::Status(503))
        .provider(Provider::Payex)
        .next(2);
    let sandbox = Sandbox::builder().fault(rule).start().await.unwrap();
    let addr = sandbox.addr();
    for _ in 0..2 {
        let reply = call(addr, "GET", ACCOUNTS, PAYEX_TOKEN, None).await;
        assert_eq!(reply.status, 503);
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("application/problem+json")
        );
        assert_eq!(reply.json()["Status"], 503);
    }
    assert_eq!(
        call(addr, "GET", ACCOUNTS, PAYEX_TOKEN, None).await.status,
        200
    );
    // Other providers were never affected.
    assert_eq!(
        call(addr, "GET", "/p4p/account", P4P_KEY, None)
            .await
            .status,
        200
    );

    sandbox.add_fault(
        FaultRule::new(FaultKind::Status(500))
            .provider(Provider::P4p)
            .next(1),
    );
    let reply = call(addr, "GET", "/p4p/account", P4P_KEY, None).await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json()["status"], 500);
    assert!(reply.json()["type"].is_string());
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let rule: FaultRule = "avarda POST /auth/token retry-after=7 next=1"
        .parse()
        .unwrap();
    sandbox.add_fault(rule);
    let reply = common::request_partner_token(addr).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("7"));
    let reply = common::request_partner_token(addr).await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn method_and_path_narrow_a_rule() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let id = sandbox.add_fault(
        FaultRule::new(FaultKind::Status(500))
            .provider(Provider::Payex)
            .method(http::Method::GET)
            .path("/ledger/account/v1/*/accounts/*/cards"),
    );
    let cards = format!("{ACCOUNTS}/5000001/cards");
    assert_eq!(
        call(addr, "GET", &cards, PAYEX_TOKEN, None).await.status,
        500
    );
    assert_eq!(
        call(addr, "GET", &cards, PAYEX_TOKEN, None).await.status,
        500,
        "always, without a count"
    );
    assert_eq!(
        call(
            addr,
            "GET",
            &format!("{ACCOUNTS}/5000001"),
            PAYEX_TOKEN,
            None
        )
        .await
        .status,
        200
    );
    assert!(sandbox.remove_fault(id));
    assert_eq!(
        call(addr, "GET", &cards, PAYEX_TOKEN, None).await.status,
        200
    );
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    sandbox.add_fault(
        FaultRule::new(FaultKind::Latency(Duration::from_millis(150)))
            .provider(Provider::P4p)
            .next(1),
    );
    let started = Instant::now();
    let reply = call(
        addr,
        "GET",
        &format!("/p4p/account/{P4P_ACCOUNT_ID}"),
        P4P_KEY,
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "the answer waited for the latency"
    );
}

#[tokio::test]
async fn dropped_connections_send_nothing() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    sandbox.add_fault(
        FaultRule::new(FaultKind::Drop)
            .provider(Provider::Payex)
            .next(1),
    );
    let result = send(
        addr,
        "GET",
        ACCOUNTS,
        &[("Authorization", "Bearer sandbox-token")],
        None,
    )
    .await;
    assert!(
        result.is_err(),
        "the connection closed without an answer: {result:?}"
    );
    assert_eq!(
        call(addr, "GET", ACCOUNTS, PAYEX_TOKEN, None).await.status,
        200,
        "the next connection works"
    );
}

#[tokio::test]
async fn truncated_bodies_no_longer_parse() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let whole = call(addr, "GET", ACCOUNTS, PAYEX_TOKEN, None).await;
    sandbox.add_fault(
        FaultRule::new(FaultKind::Truncate)
            .provider(Provider::Payex)
            .next(1),
    );
    let cut = call(addr, "GET", ACCOUNTS, PAYEX_TOKEN, None).await;
    assert_eq!(cut.status, 200);
    assert_eq!(cut.body.len(), whole.body.len() / 2);
    assert_eq!(
        cut.header("content-length").unwrap(),
        cut.body.len().to_string()
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&cut.body).is_err());
}

#[tokio::test]
async fn admin_routes_add_list_and_remove_rules() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let rule = r#"{"provider":"p4p","method":"GET","path":"/account","fault":"status","status":502,"next":3}"#;
    let added = send(addr, "POST", "/_admin/faults", &[], Some(rule.as_bytes()))
        .await
        .unwrap();
    assert_eq!(added.status, 201, "{}", added.text());
    let id = added.json()["id"].as_u64().unwrap();
    assert_eq!(
        call(addr, "GET", "/p4p/account", P4P_KEY, None)
            .await
            .status,
        502
    );
    let listed = send(addr, "GET", "/_admin/faults", &[], None)
        .await
        .unwrap()
        .json();
    assert_eq!(listed[0]["next"], 2, "{listed}");
    assert_eq!(listed[0]["fault"], "status");

    let removed = send(addr, "DELETE", &format!("/_admin/faults/{id}"), &[], None)
        .await
        .unwrap();
    assert_eq!(removed.status, 204);
    assert_eq!(
        call(addr, "GET", "/p4p/account", P4P_KEY, None)
            .await
            .status,
        200
    );
    assert_eq!(
        send(addr, "DELETE", &format!("/_admin/faults/{id}"), &[], None)
            .await
            .unwrap()
            .status,
        404
    );

    let rate = r#"{"fault":"too-many-requests","retryAfter":1,"rate":1}"#;
    assert_eq!(
        send(addr, "POST", "/_admin/faults", &[], Some(rate.as_bytes()))
            .await
            .unwrap()
            .status,
        201
    );
    assert_eq!(
        call(addr, "GET", "/p4p/account", P4P_KEY, None)
            .await
            .status,
        429
    );
    assert_eq!(
        send(addr, "DELETE", "/_admin/faults", &[], None)
            .await
            .unwrap()
            .status,
        204
    );
    assert_eq!(
        call(addr, "GET", "/p4p/account", P4P_KEY, None)
            .await
            .status,
        200
    );

    for bad in [
        r#"{"fault":"explode"}"#,
        r#"{"fault":"status","status":200}"#,
        "nope",
        r#"{"fault":"latency"}"#,
    ] {
        let reply = send(addr, "POST", "/_admin/faults", &[], Some(bad.as_bytes()))
            .await
            .unwrap();
        assert_eq!(reply.status, 400, "{bad}");
        assert!(reply.json()["error"].is_string());
    }
}
