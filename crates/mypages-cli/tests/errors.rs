//! How failures read on the command line: exit 4 for a provider's refusal with every field
//! it sent, exit 5 for a passing failure on its side or on the way, with advice that names
//! the CLI's own flags.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use mypages_sandbox::{FaultKind, FaultRule, Provider, credentials};
use support::{Mypages, sandbox};

fn payex(base_url: &str) -> Mypages {
    Mypages::new()
        .provider_at("payex", base_url)
        .env("PAYEX_TOKEN", credentials::PAYEX_TOKEN)
        .env("PAYEX_LEDGER", credentials::PAYEX_LEDGER)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_5xx_left_after_the_retries_exits_5_with_the_providers_answer() {
    let sandbox = sandbox().await;
    sandbox.add_fault(FaultRule::new(FaultKind::Status(503)).provider(Provider::Payex));
    let run = payex(&sandbox.payex_url())
        .args(["accounts", "get", "5000001"])
        .run()
        .await
        .exits(5)
        .stderr_has("status: 503")
        .stderr_has("try again later");
    assert!(run.stdout.is_empty());

    // A refusal is still exit 4.
    sandbox.clear_faults();
    payex(&sandbox.payex_url())
        .args(["accounts", "get", "9999999"])
        .run()
        .await
        .exits(4)
        .stderr_has("status: 404")
        .stderr_has("account-not-found");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_names_the_cli_flag_not_the_rust_builder() {
    let sandbox = sandbox().await;
    sandbox.add_fault(
        FaultRule::new(FaultKind::Latency(std::time::Duration::from_millis(2500)))
            .provider(Provider::Payex),
    );
    let run = Mypages::new()
        .args(["payex", "--base-url", &sandbox.payex_url()])
        .args(["--timeout", "1", "--retries", "0"])
        .env("PAYEX_TOKEN", credentials::PAYEX_TOKEN)
        .env("PAYEX_LEDGER", credentials::PAYEX_LEDGER)
        .args(["accounts", "get", "5000001"])
        .run()
        .await
        .exits(5)
        .stderr_has("timed out")
        .stderr_has("--timeout");
    assert!(!run.stderr.contains("ClientBuilder"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_answer_exits_5_naming_the_place_without_rust_advice() {
    let sandbox = sandbox().await;
    sandbox.add_fault(FaultRule::new(FaultKind::Truncate).provider(Provider::Payex));
    let run = payex(&sandbox.payex_url())
        .args(["accounts", "get", "5000001"])
        .run()
        .await
        .exits(5)
        .stderr_has("could not decode");
    assert!(!run.stderr.contains("Error::body"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_avarda_error_shows_each_field_it_sent() {
    let sandbox = sandbox().await;
    Mypages::new()
        .provider_at("avarda", &sandbox.avarda_url())
        .env("AVARDA_CLIENT_ID", credentials::AVARDA_CLIENT_ID)
        .env("AVARDA_CLIENT_SECRET", credentials::AVARDA_CLIENT_SECRET)
        .env("AVARDA_CUSTOMER_TOKEN", credentials::AVARDA_CUSTOMER_TOKEN)
        .args(["invoices", "get", "no-such-invoice"])
        .args(["--purchase-id", credentials::AVARDA_PURCHASE_ID])
        .run()
        .await
        .exits(4)
        .stderr_has("status: 404")
        .stderr_has("errorCode: ");
}
