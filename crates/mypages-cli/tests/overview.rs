//! `mypages overview --config FILE` against the sandbox: every configured provider in one
//! view, a failing provider in its own row while the others still show, and the exit code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use mypages_sandbox::{RunningSandbox, Sandbox, credentials};
use serde_json::Value;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Writes `config` to a temporary file and runs `mypages [global] overview --config FILE`
/// with the sandbox credentials in the environment variables the configs name.
async fn overview(global: &[&str], config: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mypages.toml");
    std::fs::write(&path, config).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_mypages"));
    command
        .args(global)
        .arg("overview")
        .arg("--config")
        .arg(&path)
        .env_remove("RUST_LOG")
        .env("SANDBOX_AVARDA_ID", credentials::AVARDA_CLIENT_ID)
        .env("SANDBOX_AVARDA_SECRET", credentials::AVARDA_CLIENT_SECRET)
        .env("SANDBOX_CUSTOMER", credentials::AVARDA_CUSTOMER_TOKEN)
        .env("SANDBOX_NEW_SHOPPER", "a-shopper-not-yet-authenticated")
        .env("SANDBOX_PAYEX_TOKEN", credentials::PAYEX_TOKEN)
        .env("SANDBOX_P4P_KEY", credentials::P4P_KEY)
        .env("WRONG_P4P_KEY", "not-the-key");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
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

#[tokio::test(flavor = "multi_thread")]
async fn every_provider_answers_in_one_json_document() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let run = overview(
        &[],
        &config(&sandbox, "SANDBOX_CUSTOMER", "SANDBOX_P4P_KEY"),
    )
    .await;
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    for provider in ["avarda", "payex", "p4p"] {
        let accounts = entry(&json, provider)["accounts"].as_array().unwrap();
        assert!(!accounts.is_empty(), "{provider}: {json}");
        assert!(entry(&json, provider).get("error").is_none());
    }
    let payex = entry(&json, "payex")["accounts"].as_array().unwrap();
    assert!(
        payex
            .iter()
            .any(|a| a["id"] == "5000001" && a["currency"] == "SEK"),
        "{json}"
    );
    // Amounts are printed with every digit the provider sent: `2000.00`, not `2000.0`.
    assert!(run.stdout.contains("2000.00"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("2000.0,") && !run.stdout.contains("2000.0\n"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_provider_shows_in_its_own_row_and_sets_the_exit_code() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let config = config(&sandbox, "SANDBOX_CUSTOMER", "WRONG_P4P_KEY");

    let run = overview(&[], &config).await;
    assert_eq!(run.code, Some(4), "{}\n{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(entry(&json, "p4p")["error"]["exitCode"], 4, "{json}");
    assert!(entry(&json, "p4p").get("accounts").is_none());
    assert!(
        !entry(&json, "payex")["accounts"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !entry(&json, "avarda")["accounts"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The key never reaches the output.
    assert!(!run.stdout.contains("not-the-key") && !run.stderr.contains("not-the-key"));

    let table = overview(&["--output", "table"], &config).await;
    assert_eq!(table.code, Some(4), "{}\n{}", table.stdout, table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("payex") && l.contains("5000001")),
        "{}",
        table.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("p4p:") && l.contains("(exit 4)")),
        "{}",
        table.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_who_must_authenticate_gets_the_redirect_and_exit_3() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let run = overview(
        &[],
        &config(&sandbox, "SANDBOX_NEW_SHOPPER", "SANDBOX_P4P_KEY"),
    )
    .await;
    assert_eq!(run.code, Some(3), "{}\n{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let avarda = entry(&json, "avarda");
    let redirect = avarda["redirectUrl"].as_str().unwrap();
    assert!(redirect.starts_with(&sandbox.avarda_url()), "{redirect}");
    assert!(
        !entry(&json, "payex")["accounts"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_config_naming_an_unset_variable_is_a_usage_error() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let config = config(&sandbox, "SANDBOX_CUSTOMER", "P4P_KEY_THAT_IS_NOT_SET");
    let run = overview(&[], &config).await;
    assert_eq!(run.code, Some(2), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("--config"), "{}", run.stderr);
    assert!(
        run.stderr.contains("P4P_KEY_THAT_IS_NOT_SET"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());

    let bad = overview(&[], "[payex]\nledger = 1000\n").await;
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
}
