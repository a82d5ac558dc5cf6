//! Property-based conformance of the sandbox against `specs/`: schemathesis generates valid
//! and invalid requests from each provider's OpenAPI document and checks every answer's
//! status, content type, headers and body against it.
//!
//! Needs schemathesis (`python3 -m pip install 'schemathesis==4.32.5'`). Without it the tests
//! print a notice and pass, unless `MYPAGES_REQUIRE_TOOLS=1` (CI), where they fail.
//!
//! The phases are examples, coverage, fuzzing and stateful (links inferred).
//! `positive_data_acceptance` is left out on purpose: the sandbox enforces the providers'
//! business rules beyond the schemas' types (a payment amount above zero, a non-empty card
//! token, a fixed amount for `fixedRecurring`), so some schema-valid requests get a 400.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use mypages_sandbox::Sandbox;
use mypages_sandbox::credentials::*;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether schemathesis can run; fails the test when it cannot and tools are required.
fn schemathesis_available() -> bool {
    let found = Command::new("python3")
        .args(["-m", "schemathesis.cli", "--version"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        if std::env::var("MYPAGES_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!(
                "schemathesis is required (MYPAGES_REQUIRE_TOOLS=1) but `python3 -m schemathesis.cli` does not run; \
                 install it with: python3 -m pip install 'schemathesis==4.32.5'"
            );
        }
        eprintln!(
            "NOTICE: schemathesis not installed; conformance test skipped (pip install 'schemathesis==4.32.5')"
        );
    }
    found
}

/// Runs schemathesis for one provider against a fresh sandbox and asserts it finds nothing.
async fn conforms(
    exclude: &'static str,
    provider: &str,
    spec: &str,
    env: Vec<(String, String)>,
    base: String,
    max_examples: u32,
) {
    let spec: PathBuf = manifest_dir().join("../../specs").join(spec);
    let config = manifest_dir()
        .join("tests/conformance")
        .join(format!("{provider}.toml"));
    let url = format!("{base}/{provider}");
    let work_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("schemathesis-{provider}"));
    std::fs::create_dir_all(&work_dir).unwrap();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .args(["-m", "schemathesis.cli", "--no-color", "--config-file"])
            .arg(&config)
            .arg("run")
            .arg(&spec)
            .args(["--url", &url])
            .args(["--checks", "all", "--exclude-checks", exclude])
            .args(["--phases", "examples,coverage,fuzzing,stateful"])
            .args(["--max-examples", &max_examples.to_string()])
            .args([
                "--seed",
                "20261121",
                "--workers",
                "1",
                "--request-timeout",
                "10",
            ])
            .envs(env)
            .current_dir(work_dir)
            .output()
    })
    .await
    .unwrap()
    .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schemathesis found {provider} answers that do not match its spec:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("generated"),
        "schemathesis ran no test case:\n{stdout}"
    );
    eprintln!("{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payex_conforms_to_its_spec() {
    if !schemathesis_available() {
        return;
    }
    let sandbox = Sandbox::builder().start().await.unwrap();
    conforms(
        "positive_data_acceptance",
        "payex",
        "payex-ledger-account.yaml",
        Vec::new(),
        sandbox.base_url(),
        25,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p4p_conforms_to_its_spec() {
    if !schemathesis_available() {
        return;
    }
    let sandbox = Sandbox::builder().start().await.unwrap();
    conforms(
        // `DELETE /account/{id}/subscription/{sub}` ends a subscription (sets `end`, drops
        // `due`) and keeps it, as the document says; `use_after_free` expects it gone.
        "positive_data_acceptance,use_after_free",
        "p4p",
        "p4p-account.yaml",
        Vec::new(),
        sandbox.base_url(),
        15,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avarda_conforms_to_its_spec() {
    if !schemathesis_available() {
        return;
    }
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let token = common::partner_token(addr).await;
    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("customerAuthToken", AVARDA_CUSTOMER_TOKEN),
        ("customerTokenProvider", "Self"),
        (
            "customerAuthenticationReturnUrl",
            "https://shop.example/return",
        ),
    ];
    let first_id = |path: String| async move {
        common::send(addr, "GET", &path, &headers, None)
            .await
            .unwrap()
            .json()[0]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let invoice = first_id(format!("/avarda/Invoices?purchaseId={AVARDA_PURCHASE_ID}")).await;
    let account = first_id(format!("/avarda/Accounts?purchaseId={AVARDA_PURCHASE_ID}")).await;
    let env = vec![
        ("AVARDA_TOKEN".to_owned(), token),
        ("AVARDA_INVOICE_ID".to_owned(), invoice),
        ("AVARDA_ACCOUNT_ID".to_owned(), account),
    ];
    conforms(
        // The stateful phase infers a link from the accounts' `purchaseId` array to
        // `POST /Pay/Status` (where the Pay session's purchase id belongs), then reports the
        // 404 for that made-up pair as "created resource not found".
        "positive_data_acceptance,ensure_resource_availability",
        "avarda",
        "avarda-mypages.yaml",
        env,
        sandbox.base_url(),
        25,
    )
    .await;
}
