//! `mypages p4p ...` end to end: the real binary against the sandbox's PayFunc on
//! 127.0.0.1; stdout JSON, stderr and exit codes, bad input (exit 2, nothing sent) and
//! PayFunc's errors (exit 4).

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use mypages_sandbox::{RunningSandbox, Sandbox, credentials};
use serde_json::Value;

/// An address where nothing listens: a command that reaches it fails with exit 5, so exit 2
/// proves nothing was sent.
const NOWHERE: &str = "http://127.0.0.1:9/p4p";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout))
    }

    fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `mypages p4p --base-url URL ARGS` with `key` in P4P_KEY and `stdin` on standard input.
fn mypages(base_url: &str, key: Option<&str>, args: &[&str], stdin: &str) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mypages"));
    command
        .arg("p4p")
        .args(["--base-url", base_url, "--timeout", "5", "--retries", "0"])
        .args(args)
        .env_remove("P4P_KEY")
        .env_remove("MYPAGES_P4P_BASE_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(key) = key {
        command.env("P4P_KEY", key);
    }
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

async fn sandbox() -> RunningSandbox {
    Sandbox::builder().start().await.unwrap()
}

/// Runs the binary off the async workers, so the in-process sandbox keeps answering.
async fn run(base_url: &str, key: Option<&str>, args: &[&str], stdin: &str) -> Run {
    let (base_url, key) = (base_url.to_owned(), key.map(str::to_owned));
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        mypages(&base_url, key.as_deref(), &args, &stdin)
    })
    .await
    .unwrap()
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
        created.stdout.contains("\"limit\": 2000.00"),
        "{}",
        created.stdout
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
        updated.stdout.contains("\"limit\": 150.50"),
        "{}",
        updated.stdout
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
    assert!(added.stdout.contains("12.50"), "{}", added.stdout);
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
    assert_eq!(sent.stdout, "");

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
    assert!(table.stdout.contains(&id), "{}", table.stdout);
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
    assert!(all.stdout.contains("\"price\": 100.00"), "{}", all.stdout);
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
    assert!(updated.stdout.contains("99.90"), "{}", updated.stdout);
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
        created.stdout.contains("\"items\": 1337.42"),
        "{}",
        created.stdout
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
    let cases: [(&[&str], &str, &str); 9] = [
        (&["accounts", "get", "short"], "", "ID"),
        (&["accounts", "update", "me", "--file", "-"], "{}", "ID"),
        (
            &["balance", "add", "1234567890abcdef", "--file", "-"],
            "0",
            "items",
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
            "account.limit",
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
        let run = mypages(NOWHERE, KEY, args, stdin);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(argument),
            "{args:?} must name {argument}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{args:?}");
    }
    let run = mypages(NOWHERE, None, &["accounts", "list"], "");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--key"), "{}", run.stderr);
    let run = mypages("http://example.com/p4p", KEY, &["accounts", "list"], "");
    assert_eq!(run.code, 2, "plain http only for loopback: {}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payfunc_errors_exit_4_and_failures_exit_5() {
    let sandbox = sandbox().await;
    let url = sandbox.p4p_url();

    let run_404 = run(&url, KEY, &["accounts", "get", "nosuchaccount000"], "").await;
    assert_eq!(run_404.code, 4, "{}", run_404.stderr);
    assert!(run_404.stderr.contains("404"), "{}", run_404.stderr);
    assert!(run_404.stderr.contains("not found"), "{}", run_404.stderr);
    assert_eq!(run_404.stdout, "");

    let secret = "wrong-key-value";
    let denied = run(&url, Some(secret), &["accounts", "list"], "").await;
    assert_eq!(denied.code, 4, "{}", denied.stderr);
    assert!(denied.stderr.contains("401"), "{}", denied.stderr);
    assert!(
        !denied.stderr.contains(secret),
        "the key is never echoed: {}",
        denied.stderr
    );

    let card = "card.token.secret";
    let args = ["methods", "add", "nosuchaccount000", "--card", card];
    let missing = run(&url, KEY, &args, "").await;
    assert_eq!(missing.code, 4, "{}", missing.stderr);
    assert!(
        !missing.stderr.contains(card),
        "the card token is never echoed: {}",
        missing.stderr
    );
    sandbox.shutdown().await.unwrap();

    let unreachable = mypages(NOWHERE, KEY, &["accounts", "list"], "");
    assert_eq!(unreachable.code, 5, "{}", unreachable.stderr);
}
