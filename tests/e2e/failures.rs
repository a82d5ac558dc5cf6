//! Broken connections, truncated bodies, slow answers, oversized bodies and unreachable
//! hosts: each gives its own error kind, with what the caller needs to act on it, and never
//! a panic.

use std::time::Duration;

use avarda_client::{Customer, TokenProvider};
use http::Method;
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
    P4P_ACCOUNT_ID, P4P_KEY, PAYEX_LEDGER, PAYEX_TOKEN,
};
use mypages_sandbox::{FaultKind, Provider};
use mypages_transport::TimeoutKind;
use p4p_client::models::{AccountId, Items, OrderCreatable, Payment, PaymentType};
use payex_client::{PayexClient, RetryPolicy, SecretString};

use crate::support::{self, RequestCounter, dec, fault};

const MAIN: &str = "5000001";
const MAIN_PATH: &str = "/ledger/account/v1/1000/accounts/5000001";
const TRANSACTIONS_PATH: &str = "/ledger/account/v1/1000/accounts/5000001/transactions";

fn demo_customer() -> Customer {
    Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own)
}

fn demo_account() -> AccountId {
    AccountId::new(P4P_ACCOUNT_ID).unwrap()
}

/// A PayEx client with a short attempt timeout.
fn payex_timing_out(sandbox: &mypages_sandbox::RunningSandbox, retry: RetryPolicy) -> PayexClient {
    PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(PAYEX_LEDGER)
        .token(SecretString::from(PAYEX_TOKEN))
        .transport(|t| t.retry(retry))
        .transport(|t| t.attempt_timeout(Duration::from_millis(500)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_dropped_connection_on_a_read_is_retried_away() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);
    sandbox.add_fault(fault(Provider::Payex, Method::GET, MAIN_PATH, FaultKind::Drop).next(1));
    let account = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(account.account_no, MAIN);
    assert_eq!(seen.count().await, 2);
}

#[tokio::test]
async fn connections_dropped_on_every_attempt_are_transport_errors() {
    let sandbox = support::sandbox().await;
    for provider in [Provider::Payex, Provider::Avarda, Provider::P4p] {
        sandbox.add_fault(
            mypages_sandbox::FaultRule::new(FaultKind::Drop)
                .provider(provider)
                .method(Method::GET),
        );
    }

    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);
    let error = support::payex(&sandbox)
        .accounts()
        .get(MAIN)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), payex_client::ErrorKind::Transient);
    assert_eq!(error.status(), None, "the connection broke: no answer");
    assert!(error.may_have_reached_server());
    assert!(error.is_transient());
    assert!(error.to_string().contains("may have reached"), "{error}");
    assert_eq!(
        seen.count().await,
        3,
        "a read is retried up to max attempts"
    );

    let error = support::avarda(&sandbox)
        .invoices()
        .list(&demo_customer(), AVARDA_PURCHASE_ID)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), avarda_client::ErrorKind::Transient);
    assert!(error.may_have_reached_server());
    assert!(error.is_transient());

    let error = support::p4p(&sandbox)
        .accounts()
        .get(&demo_account())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), p4p_client::ErrorKind::Transient);
    assert!(error.may_have_reached_server());
}

#[tokio::test]
async fn truncated_bodies_are_decode_errors_with_the_json_path() {
    let sandbox = support::sandbox().await;
    for provider in [Provider::Payex, Provider::Avarda, Provider::P4p] {
        sandbox.add_fault(
            mypages_sandbox::FaultRule::new(FaultKind::Truncate)
                .provider(provider)
                .method(Method::GET),
        );
    }

    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, TRANSACTIONS_PATH);
    let error = support::payex(&sandbox)
        .transactions(MAIN)
        .list()
        .all()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), payex_client::ErrorKind::Decode);
    let path = error.json_path().expect("a decode error names where");
    assert!(path.starts_with("items"), "{path}");
    assert!(error.to_string().contains(path), "{error}");
    assert_eq!(seen.count().await, 1, "a decode error is not retried");

    let error = support::avarda(&sandbox)
        .invoices()
        .list(&demo_customer(), AVARDA_PURCHASE_ID)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), avarda_client::ErrorKind::Decode);
    let path = error.json_path().expect("a decode error names where");
    assert!(path.starts_with('['), "{path}");
    assert!(error.body().is_some_and(|body| !body.is_empty()));

    let error = support::p4p(&sandbox)
        .accounts()
        .get(&demo_account())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), p4p_client::ErrorKind::Decode);
    assert!(error.json_path().is_some());
}

#[tokio::test]
async fn an_answer_slower_than_the_attempt_timeout_is_a_timeout() {
    let sandbox = support::sandbox().await;
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);
    sandbox.add_fault(
        fault(
            Provider::Payex,
            Method::GET,
            MAIN_PATH,
            FaultKind::Latency(Duration::from_secs(3)),
        )
        .next(1),
    );
    let error = payex_timing_out(&sandbox, RetryPolicy::never())
        .accounts()
        .get(MAIN)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), payex_client::ErrorKind::Timeout);
    assert_eq!(error.timeout_kind(), Some(TimeoutKind::Attempt));
    assert!(error.may_have_reached_server());
    assert!(error.to_string().contains("attempt_timeout"), "{error}");
    assert_eq!(seen.count().await, 1);
}

#[tokio::test]
async fn a_read_that_timed_out_is_retried() {
    let sandbox = support::sandbox().await;
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);
    sandbox.add_fault(
        fault(
            Provider::Payex,
            Method::GET,
            MAIN_PATH,
            FaultKind::Latency(Duration::from_secs(3)),
        )
        .next(1),
    );
    let account = payex_timing_out(&sandbox, support::fast_retries())
        .accounts()
        .get(MAIN)
        .await
        .unwrap();
    assert_eq!(account.account_no, MAIN);
    assert_eq!(seen.count().await, 2);
}

#[tokio::test]
async fn an_order_that_timed_out_is_not_retried() {
    let sandbox = support::sandbox().await;
    let p4p = p4p_client::P4pClient::builder()
        .base_url(sandbox.p4p_url())
        .key(P4P_KEY)
        .transport(|t| t.retry(support::fast_retries()))
        .transport(|t| t.attempt_timeout(Duration::from_millis(500)))
        .build()
        .unwrap();
    let seen = RequestCounter::start(&sandbox, Provider::P4p, Method::POST, "/order");
    sandbox.add_fault(
        fault(
            Provider::P4p,
            Method::POST,
            "/order",
            FaultKind::Latency(Duration::from_secs(3)),
        )
        .next(1),
    );
    let order = OrderCreatable::new(
        Items::Amount(dec("10.00")),
        mypages_models::Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(demo_account()),
    );
    let error = p4p.orders().create(&order).await.unwrap_err();
    assert_eq!(error.kind(), p4p_client::ErrorKind::Timeout);
    assert!(error.may_have_reached_server());
    assert_eq!(seen.count().await, 1);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let sandbox = support::sandbox().await;
    let payex = PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(PAYEX_LEDGER)
        .token(SecretString::from(PAYEX_TOKEN))
        .transport(|t| t.body_limit(256))
        .build()
        .unwrap();
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);
    let error = payex.accounts().get(MAIN).await.unwrap_err();
    assert_eq!(error.kind(), payex_client::ErrorKind::BodyTooLarge);
    assert!(error.to_string().contains("256"), "{error}");
    assert_eq!(seen.count().await, 1, "too large is not transient");

    let p4p = p4p_client::P4pClient::builder()
        .base_url(sandbox.p4p_url())
        .key(P4P_KEY)
        .transport(|t| t.body_limit(64))
        .build()
        .unwrap();
    let error = p4p.accounts().get(&demo_account()).await.unwrap_err();
    assert_eq!(error.kind(), p4p_client::ErrorKind::BodyTooLarge);

    let avarda = avarda_client::AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .transport(|t| t.body_limit(64))
        .build()
        .unwrap();
    let error = avarda
        .invoices()
        .list(&demo_customer(), AVARDA_PURCHASE_ID)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), avarda_client::ErrorKind::BodyTooLarge);
    assert!(!error.is_transient());

    // The bill PDF streams, whatever the limit.
    let mut pdf = Vec::new();
    let bytes = payex
        .bills(MAIN)
        .document("bill-2003")
        .download_to(&mut pdf)
        .await
        .unwrap();
    assert!(bytes > 256, "{bytes} bytes");
    assert!(pdf.starts_with(b"%PDF"));
}

#[tokio::test]
async fn an_unreachable_host_is_a_connect_error_and_nothing_was_sent() {
    // A port that was free a moment ago: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let payex = PayexClient::builder()
        .base_url(format!("http://{addr}/payex"))
        .ledger(PAYEX_LEDGER)
        .token(SecretString::from(PAYEX_TOKEN))
        .transport(|t| t.retry(support::fast_retries()))
        .build()
        .unwrap();
    let error = payex.accounts().get(MAIN).await.unwrap_err();
    assert_eq!(error.kind(), payex_client::ErrorKind::Connect);
    assert!(!error.may_have_reached_server());
    assert!(error.to_string().contains(&addr.to_string()), "{error}");
}

#[tokio::test]
async fn errors_under_faults_never_show_credentials() {
    let sandbox = support::sandbox().await;
    let secrets = [
        PAYEX_TOKEN,
        P4P_KEY,
        mypages_sandbox::credentials::AVARDA_CLIENT_SECRET,
        AVARDA_CUSTOMER_TOKEN,
    ];
    let mut shown = Vec::new();
    for kind in [
        FaultKind::Status(503),
        FaultKind::Status(401),
        FaultKind::Drop,
        FaultKind::Truncate,
    ] {
        let id = sandbox.add_fault(mypages_sandbox::FaultRule::new(kind).method(Method::GET));
        let error = support::payex(&sandbox)
            .accounts()
            .get(MAIN)
            .await
            .unwrap_err();
        shown.push(format!("{error} {error:?}"));
        let error = support::avarda(&sandbox)
            .invoices()
            .list(&demo_customer(), AVARDA_PURCHASE_ID)
            .await
            .unwrap_err();
        shown.push(format!("{error} {error:?}"));
        let error = support::p4p(&sandbox)
            .accounts()
            .get(&demo_account())
            .await
            .unwrap_err();
        shown.push(format!("{error} {error:?}"));
        assert!(sandbox.remove_fault(id));
    }
    assert_eq!(shown.len(), 12);
    for text in &shown {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} shown in {text}");
        }
    }
}
