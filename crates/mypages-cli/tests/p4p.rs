//! `mypages p4p ...` end to end: the real binary against the sandbox's PayFunc on
//! 127.0.0.1; stdout JSON, stderr and exit codes, bad input (exit 2, nothing sent) and
//! PayFunc's errors (exit 4).

mod support;

use mypages_sandbox::credentials;
use serde_json::Value;
use support::{Mypages, Run, sandbox};

/// An address where nothing listens: a command that reaches it fails with exit 5, so exit 2
/// proves nothing was sent.
const NOWHERE: &str = "http://127.0.0.1:9/p4p";

/// `mypages p4p --base-url URL ARGS` with `key` in P4P_KEY.
fn p4p(base_url: &str, key: Option<&str>, args: &[&str]) -> Mypages {
    let command = Mypages::new().provider_at("p4p", base_url).args(args);
    match key {
        Some(key) => command.env("P4P_KEY", key),
        None => command,
    }
}

/// Runs `mypages p4p ARGS` against `base_url` with `key` in P4P_KEY and `stdin` on standard
/// input.
async fn run(base_url: &str, key: Option<&str>, args: &[&str], stdin: &str) -> Run {
    p4p(base_url, key, args).stdin(stdin).run().await
}

const KEY: Option<&str> = Some(credentials::P4P_KEY);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_keys_balance_links_and_methods() {
    let sandbox = sandbox().await;
    let url = sandbox.p4p_url();

    let list = run(&url, KEY, &["accounts", "list"], "").await.ok().json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert!(ids.contains(&credentials::P4P_ACCOUNT_ID), "{ids:?}");

    // `method` left out of the file: the CLI sends `"method": []` (the sandbox requires it).
    let created = run(
        &url,
        KEY,
        &["accounts", "create", "--file", "-"],
        r#"{"number": "cli-1", "limit": 2000.00, "schedule": "quarterly"}"#,
    )
    .await
    .ok();
    assert!(
        created.text().contains("\"limit\": 2000.00"),
        "{}",
        created.text()
    );
    let created = created.json();
    assert_eq!(created["method"], Value::Array(Vec::new()));
    let id = created["id"].as_str().unwrap().to_owned();

    let null_method = r#"{"number": "cli-2", "method": null}"#;
    let created_too = run(
        &url,
        KEY,
        &["accounts", "create", "--file", "-"],
        null_method,
    )
    .await
    .ok()
    .json();
    assert_eq!(created_too["method"], Value::Array(Vec::new()));
    let got = run(&url, KEY, &["accounts", "get", &id], "")
        .await
        .ok()
        .json();
    assert_eq!(got["number"], "cli-1");

    let dir = tempfile::tempdir().unwrap();
    let update = dir.path().join("update.json");
    std::fs::write(&update, r#"{"limit": 150.50, "currency": "EUR"}"#).unwrap();
    let updated = run(
        &url,
        KEY,
        &[
            "accounts",
            "update",
            &id,
            "--file",
            update.to_str().unwrap(),
        ],
        "",
    )
    .await
    .ok();
    assert!(
        updated.text().contains("\"limit\": 150.50"),
        "{}",
        updated.text()
    );
    assert_eq!(updated.json()["currency"], "EUR");

    let customer = run(
        &url,
        KEY,
        &["accounts", "customer", &id, "--file", "-"],
        r#"{"type": "organization", "name": "Bolaget AB", "email": "info@bolaget.se"}"#,
    )
    .await
    .ok()
    .json();
    assert_eq!(customer["name"], "Bolaget AB");

    let added = run(&url, KEY, &["balance", "add", &id, "--file", "-"], "12.50")
        .await
        .ok();
    assert!(added.text().contains("12.50"), "{}", added.text());
    let items =
        r#"[{"name": "coffee", "price": 20.00, "vat": 5.00}, {"name": "tea", "price": 15}]"#;
    let added = run(&url, KEY, &["balance", "add", &id, "--file", "-"], items)
        .await
        .ok()
        .json();
    assert_eq!(added["balance"].as_array().unwrap().len(), 3);

    let key = run(&url, KEY, &["keys", "create", &id], "")
        .await
        .ok()
        .json();
    let key = key.as_str().unwrap().to_owned();
    let me = run(&url, Some(&key), &["accounts", "get", "me"], "")
        .await
        .ok()
        .json();
    assert_eq!(me["id"], id.as_str());
    let settled = run(&url, Some(&key), &["balance", "settle", "me"], "")
        .await
        .ok()
        .json();
    assert_eq!(settled["updated"], 1);
    let settled = run(&url, KEY, &["balance", "settle", "all"], "")
        .await
        .ok()
        .json();
    assert!(settled["updated"].is_u64());

    let link = run(&url, KEY, &["links", "create", &id], "")
        .await
        .ok()
        .json();
    assert!(link["url"].as_str().unwrap().contains(&id));
    // With the account key PayFunc answers 204: nothing is printed.
    let sent = run(&url, Some(&key), &["links", "create", "me"], "")
        .await
        .ok();
    assert_eq!(sent.text(), "");

    let with_card = run(
        &url,
        KEY,
        &["methods", "add", &id, "--card", "card.token.4111"],
        "",
    )
    .await
    .ok()
    .json();
    assert_eq!(with_card["method"].as_array().unwrap().len(), 1);

    let table = run(
        &url,
        KEY,
        &["--output", "table", "accounts", "get", &id],
        "",
    )
    .await
    .ok();
    assert!(table.text().contains(&id), "{}", table.text());
    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_and_orders() {
    let sandbox = sandbox().await;
    let url = sandbox.p4p_url();
    let id = credentials::P4P_ACCOUNT_ID;

    let subscription = r#"{"number": "cli-sub", "items": [{"name": "Premium", "price": 100.00}],
        "currency": "SEK", "schedule": {"frequency": "quarterly", "offset": [2, -1]}}"#;
    let all = run(
        &url,
        KEY,
        &["subscriptions", "create", id, "--file", "-"],
        subscription,
    )
    .await
    .ok();
    assert!(all.text().contains("\"price\": 100.00"), "{}", all.text());
    let all = all.json();
    let sub = all
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["number"] == "cli-sub")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let updated = run(
        &url,
        KEY,
        &["subscriptions", "update", id, &sub, "--file", "-"],
        r#"{"items": 99.90}"#,
    )
    .await
    .ok();
    assert!(updated.text().contains("99.90"), "{}", updated.text());
    let ended = run(&url, KEY, &["subscriptions", "end", id, &sub], "")
        .await
        .ok()
        .json();
    let ended = ended
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == sub.as_str())
        .unwrap()
        .clone();
    assert!(ended.get("due").is_none(), "{ended}");

    let order = r#"{"number": "cli-order", "items": 1337.42, "currency": "SEK", "payment": {"type": "card"}}"#;
    let created = run(&url, KEY, &["orders", "create", "--file", "-"], order)
        .await
        .ok();
    assert!(
        created.text().contains("\"items\": 1337.42"),
        "{}",
        created.text()
    );
    let order_id = created.json()["id"].as_str().unwrap().to_owned();
    let charged = run(
        &url,
        KEY,
        &["orders", "event", &order_id, "--type", "charge"],
        "",
    )
    .await
    .ok()
    .json();
    let events = charged[0]["event"].as_array().unwrap();
    assert!(events.iter().any(|e| e["type"] == "charge"), "{charged}");
    let refunded = run(
        &url,
        KEY,
        &["orders", "event", &order_id, "--type", "refund"],
        "",
    )
    .await
    .ok()
    .json();
    assert!(
        refunded[0]["event"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "refund")
    );
    sandbox.shutdown().await.unwrap();
}

#[test]
fn bad_input_exits_2_naming_the_argument_and_sends_nothing() {
    const ID: &str = "1234567890abcdef";
    let cases: [(&[&str], &str, &str); 14] = [
        (&["accounts", "get", "short"], "", "ID"),
        (&["accounts", "update", "me", "--file", "-"], "{}", "ID"),
        (&["balance", "add", ID, "--file", "-"], "0", "--file"),
        (
            &["balance", "add", ID, "--file", "-"],
            r#"[{"vat": 25}]"#,
            "--file",
        ),
        (
            &["accounts", "update", ID, "--file", "-"],
            r#"{"limit": -1}"#,
            "--file",
        ),
        (
            &["accounts", "customer", ID, "--file", "-"],
            r#"{"identityNumber": "12"}"#,
            "--file",
        ),
        (
            &["subscriptions", "create", ID, "--file", "-"],
            r#"{"items": 10, "currency": "kronor", "schedule": "monthly"}"#,
            "--file",
        ),
        (
            &["orders", "create", "--file", "-"],
            r#"{"items": [], "currency": "SEK", "payment": {"type": "card"}}"#,
            "--file",
        ),
        (
            &["balance", "add", "1234567890abcdef", "--file", "-"],
            "\"twelve\"",
            "--file",
        ),
        (&["balance", "settle", "everyone"], "", "ID"),
        (
            &["accounts", "create", "--file", "-"],
            r#"{"limit": -5}"#,
            "--file",
        ),
        (&["accounts", "create", "--file", "-"], "[1, 2]", "--file"),
        (
            &["subscriptions", "end", "1234567890abcdef", "toolong"],
            "",
            "SUB",
        ),
        (
            &["orders", "event", "BlTmF3S382kFbn5U", "--type", "created"],
            "",
            "--type",
        ),
    ];
    for (args, stdin, argument) in cases {
        let run = p4p(NOWHERE, KEY, args)
            .stdin(stdin)
            .run_blocking()
            .exits(2)
            .stderr_has(argument);
        assert_eq!(run.text(), "", "{args:?}");
    }
    p4p(NOWHERE, None, &["accounts", "list"])
        .run_blocking()
        .exits(2)
        .stderr_has("--key");
    let bad_key = p4p(NOWHERE, Some("not a\nkey"), &["accounts", "list"])
        .run_blocking()
        .exits(2)
        .stderr_has("--key");
    assert!(!bad_key.stderr.contains("not a"), "{}", bad_key.stderr);
    // Plain http only for loopback.
    p4p("http://example.com/p4p", KEY, &["accounts", "list"])
        .run_blocking()
        .exits(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payfunc_errors_exit_4_and_failures_exit_5() {
    let sandbox = sandbox().await;
    let url = sandbox.p4p_url();

    let run_404 = run(&url, KEY, &["accounts", "get", "nosuchaccount000"], "")
        .await
        .exits(4)
        .stderr_has("404")
        .stderr_has("not found");
    assert_eq!(run_404.text(), "");

    let secret = "wrong-key-value";
    let denied = run(&url, Some(secret), &["accounts", "list"], "")
        .await
        .exits(4)
        .stderr_has("401");
    assert!(
        !denied.stderr.contains(secret),
        "the key is never echoed: {}",
        denied.stderr
    );

    let card = "card.token.secret";
    let args = ["methods", "add", "nosuchaccount000", "--card", card];
    let missing = run(&url, KEY, &args, "").await.exits(4);
    assert!(
        !missing.stderr.contains(card),
        "the card token is never echoed: {}",
        missing.stderr
    );
    sandbox.shutdown().await.unwrap();

    run(NOWHERE, KEY, &["accounts", "list"], "").await.exits(5);
}

/// `mypages p4p --base-url URL --timeout 5 --retries 2 ARGS`: retries on, unlike [`p4p`].
fn p4p_retrying(base_url: &str, args: &[&str]) -> Mypages {
    Mypages::new()
        .args(["p4p", "--base-url", base_url])
        .args(["--timeout", "5", "--retries", "2"])
        .args(args)
        .env("P4P_KEY", credentials::P4P_KEY)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settle_is_sent_once_under_a_503_while_reads_are_retried() {
    use mypages_sandbox::FaultRule;

    let sandbox = sandbox().await;
    let url = sandbox.p4p_url();
    let id = credentials::P4P_ACCOUNT_ID;
    let once = |method: &str, path: &str| -> FaultRule {
        format!("p4p {method} {path} status=503 next=1")
            .parse()
            .unwrap()
    };

    // A read under one 503 is retried to success with --retries 2.
    sandbox.add_fault(once("GET", "/account/*"));
    let account = p4p_retrying(&url, &["accounts", "get", id])
        .run()
        .await
        .ok()
        .json();
    assert_eq!(account["id"], id);

    // Settling charges the card: one 503 is answered, not retried, even with --retries 2
    // (a second attempt would pass), and the balance is left as it was.
    p4p_retrying(&url, &["balance", "add", id, "--file", "-"])
        .stdin("1.00")
        .run()
        .await
        .ok();
    sandbox.add_fault(once("DELETE", "/account/*/balance"));
    let failed = p4p_retrying(&url, &["balance", "settle", id])
        .run()
        .await
        .exits(5)
        .stderr_has("503");
    assert!(failed.stdout.is_empty());
    let account = p4p_retrying(&url, &["accounts", "get", id])
        .run()
        .await
        .ok()
        .json();
    assert!(
        account["balance"].as_array().is_some_and(|b| !b.is_empty()),
        "the 503 settled nothing: {account}"
    );
    let settled = p4p_retrying(&url, &["balance", "settle", id])
        .run()
        .await
        .ok()
        .json();
    assert_eq!(settled["updated"], 1);
    sandbox.shutdown().await.unwrap();
}
