//! `mypages overview --config FILE` against the sandbox: every configured provider in one
//! view, a failing provider in its own row while the others still show, and the exit code.

#![allow(clippy::unwrap_used)]

mod support;

use mypages_sandbox::{RunningSandbox, credentials};
use serde_json::Value;
use support::{Mypages, Run, sandbox};

/// Writes `config` to a temporary file and runs `mypages [global] overview --config FILE`
/// with the sandbox credentials in the environment variables the configs name.
async fn overview(global: &[&str], config: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mypages.toml");
    std::fs::write(&path, config).unwrap();
    Mypages::new()
        .args(global)
        .args(["overview", "--config"])
        .args([&path])
        .envs(&[
            ("SANDBOX_AVARDA_ID", credentials::AVARDA_CLIENT_ID),
            ("SANDBOX_AVARDA_SECRET", credentials::AVARDA_CLIENT_SECRET),
            ("SANDBOX_CUSTOMER", credentials::AVARDA_CUSTOMER_TOKEN),
            ("SANDBOX_NEW_SHOPPER", "a-shopper-not-yet-authenticated"),
            ("SANDBOX_PAYEX_TOKEN", credentials::PAYEX_TOKEN),
            ("SANDBOX_P4P_KEY", credentials::P4P_KEY),
            ("WRONG_P4P_KEY", "not-the-key"),
        ])
        .run()
        .await
}

fn config(sandbox: &RunningSandbox, customer_env: &str, p4p_key_env: &str) -> String {
    format!(
        r#"
[avarda]
base_url = "{avarda}"
client_id_env = "SANDBOX_AVARDA_ID"
client_secret_env = "SANDBOX_AVARDA_SECRET"
customer_token_env = "{customer_env}"
return_url = "https://shop.example/my-pages"
purchase_id = "{purchase}"

[payex]
base_url = "{payex}"
token_env = "SANDBOX_PAYEX_TOKEN"
ledger = "{ledger}"
customer_no = "{customer_no}"

[p4p]
base_url = "{p4p}"
key_env = "{p4p_key_env}"
account_id = "{account}"
"#,
        avarda = sandbox.avarda_url(),
        payex = sandbox.payex_url(),
        p4p = sandbox.p4p_url(),
        purchase = credentials::AVARDA_PURCHASE_ID,
        ledger = credentials::PAYEX_LEDGER,
        customer_no = credentials::PAYEX_CUSTOMER_NO,
        account = credentials::P4P_ACCOUNT_ID,
    )
}

fn entry<'a>(json: &'a Value, provider: &str) -> &'a Value {
    json.as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["provider"] == provider)
        .unwrap_or_else(|| panic!("no {provider} entry in {json}"))
}

/// The accounts of `provider`'s entry.
fn accounts<'a>(json: &'a Value, provider: &str) -> &'a [Value] {
    entry(json, provider)["accounts"]
        .as_array()
        .unwrap_or_else(|| panic!("no {provider} accounts in {json}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_provider_answers_in_one_json_document() {
    let sandbox = sandbox().await;
    let run = overview(
        &["--output", "json"],
        &config(&sandbox, "SANDBOX_CUSTOMER", "SANDBOX_P4P_KEY"),
    )
    .await
    .ok();
    let json = run.json();
    for provider in ["avarda", "payex", "p4p"] {
        let accounts = accounts(&json, provider);
        assert!(!accounts.is_empty(), "{provider}: {json}");
        assert!(entry(&json, provider).get("error").is_none());
    }
    let payex = accounts(&json, "payex");
    assert!(
        payex
            .iter()
            .any(|a| a["id"] == "5000001" && a["currency"] == "SEK"),
        "{json}"
    );
    // Amounts are printed with every digit the provider sent: `2000.00`, not `2000.0`.
    assert!(run.text().contains("2000.00"), "{}", run.text());
    assert!(
        !run.text().contains("2000.0,") && !run.text().contains("2000.0\n"),
        "{}",
        run.text()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_provider_shows_in_its_own_row_and_sets_the_exit_code() {
    let sandbox = sandbox().await;
    let config = config(&sandbox, "SANDBOX_CUSTOMER", "WRONG_P4P_KEY");

    let run = overview(&["--output", "json"], &config).await.exits(4);
    let json = run.json();
    assert_eq!(entry(&json, "p4p")["error"]["exitCode"], 4, "{json}");
    assert!(entry(&json, "p4p").get("accounts").is_none());
    assert!(!accounts(&json, "payex").is_empty(), "{json}");
    assert!(!accounts(&json, "avarda").is_empty(), "{json}");
    // The key never reaches the output.
    assert!(!run.text().contains("not-the-key") && !run.stderr.contains("not-the-key"));

    // A table is the default for people.
    let table = overview(&[], &config).await.exits(4);
    let lines: Vec<&str> = table.text().lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("payex") && l.contains("5000001")),
        "{}",
        table.text()
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("p4p ") && l.contains("failed (exit 4)")),
        "the failed provider's own row: {}",
        table.text()
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("p4p:") && l.contains("(exit 4)")),
        "{}",
        table.text()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_who_must_authenticate_gets_the_redirect_and_exit_3() {
    let sandbox = sandbox().await;
    let run = overview(
        &["--output", "json"],
        &config(&sandbox, "SANDBOX_NEW_SHOPPER", "SANDBOX_P4P_KEY"),
    )
    .await
    .exits(3);
    let json = run.json();
    let avarda = entry(&json, "avarda");
    let redirect = avarda["redirectUrl"].as_str().unwrap();
    assert!(redirect.starts_with(&sandbox.avarda_url()), "{redirect}");
    assert!(!accounts(&json, "payex").is_empty(), "{json}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_config_naming_an_unset_variable_is_a_usage_error() {
    let sandbox = sandbox().await;
    let config = config(&sandbox, "SANDBOX_CUSTOMER", "P4P_KEY_THAT_IS_NOT_SET");
    let run = overview(&[], &config)
        .await
        .exits(2)
        .stderr_has("--config")
        .stderr_has("P4P_KEY_THAT_IS_NOT_SET");
    assert!(run.stdout.is_empty());

    overview(&[], "[payex]\nledger = 1000\n").await.exits(2);
}
