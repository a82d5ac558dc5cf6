//! The CLI prints the provider's JSON as received (docs/cli.md, Output): members the SDK
//! does not model, the provider's spelling of names and enum values, and its digits. The
//! provider here is a small HTTP server on 127.0.0.1 that answers every request with one
//! fixed body, so the answer holds exactly what the test wrote.

#![allow(clippy::unwrap_used)] // Test code: a failure here fails the test loudly.

mod support;

use serde_json::Value;
use support::{Mypages, answering};

fn payex(base_url: &str, args: &[&str]) -> Mypages {
    Mypages::new()
        .provider_at("payex", base_url)
        .args(args)
        .env("PAYEX_TOKEN", "loopback-token")
        .env("PAYEX_LEDGER", "1000")
}

/// Only `accountNo` is required of a PayEx account; an unknown member, lower-case enum
/// values, the `operations` spelling and trailing zeros all come out as sent.
const ACCOUNT: &str = r#"{"accountNo":"NNN","status":"pendingclose","currency":"sek","totalBalance":2000.00,"availableAmount":"12.50","loyaltyTier":"gold","operations":[{"rel":"partial-update","method":"patch","href":"/x","futureMember":[1.10,null]}],"openBill":null}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_prints_exactly_as_sent() {
    let url = answering("200 OK", ACCOUNT);
    let run = payex(&url, &["accounts", "get", "NNN"]).run().await.ok();
    let sent: Value = serde_json::from_str(ACCOUNT).unwrap();
    assert_eq!(run.json(), sent);
    let text = run.text();
    for exact in [
        r#""loyaltyTier": "gold""#,
        r#""status": "pendingclose""#,
        r#""currency": "sek""#,
        r#""totalBalance": 2000.00"#,
        r#""availableAmount": "12.50""#,
        r#""operations": ["#,
        r#""openBill": null"#,
        "[1.10,null]",
    ] {
        assert!(text.contains(exact), "{exact} missing from {text}");
    }
}

/// A list: one JSON array of the items, each as received (`reminder`, not `Reminder1`).
const BILLS: &str = r#"{"@id":"/bills","items":[{"billNo":"1","billType":"reminder","billAmount":10.0,"status":"open","note":"new"},{"billType":"BILL"}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_prints_its_items_exactly_as_sent() {
    let url = answering("200 OK", BILLS);
    let run = payex(&url, &["bills", "list", "NNN"]).run().await.ok();
    let sent: Value = serde_json::from_str(BILLS).unwrap();
    assert_eq!(run.json(), sent["items"]);
    let text = run.text();
    for exact in [
        r#""billType": "reminder""#,
        r#""billType": "BILL""#,
        r#""billAmount": 10.0"#,
        r#""note": "new""#,
    ] {
        assert!(text.contains(exact), "{exact} missing from {text}");
    }
}
