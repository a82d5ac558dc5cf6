//! Paging over a volume customer: PayEx pages two items at a time with root-relative links
//! (`/ledger/...`, without the `/payex` prefix of the base URL); the lazy streams follow
//! them under the prefix and deliver every item exactly once, one page per request, even
//! when a page meets a failure on the way.

use std::collections::BTreeSet;

use futures_util::TryStreamExt;
use http::Method;
use mypages_models::Decimal;
use mypages_sandbox::{FaultKind, Provider, RunningSandbox, Sandbox};
use payex_client::models::TransactionType;
use time::Duration;

use crate::support::{self, RequestCounter, TODAY, fault};

/// The first generated customer's account.
const VOLUME: &str = "6000001";
const VOLUME_TRANSACTIONS: &str = "/ledger/account/v1/1000/accounts/6000001/transactions";
const TRANSACTIONS: usize = 101;
const CUSTOMERS: usize = 40;

async fn volume_sandbox() -> RunningSandbox {
    Sandbox::builder()
        .today(TODAY)
        .generated_customers(CUSTOMERS)
        .transactions_per_customer(TRANSACTIONS)
        .start()
        .await
        .unwrap()
}

/// The purchase references the sandbox writes for a generated customer: every transaction
/// but each fifth (a payment) is a purchase `köpref. {1000 + t}`.
fn expected_purchase_refs() -> BTreeSet<String> {
    (0..TRANSACTIONS)
        .filter(|t| t % 5 != 4)
        .map(|t| format!("köpref. {}", 1000 + t))
        .collect()
}

fn purchase_ref(description: &str) -> Option<String> {
    description
        .find("köpref. ")
        .map(|at| description[at..].to_owned())
}

#[tokio::test]
async fn every_transaction_of_a_volume_customer_arrives_exactly_once() {
    let sandbox = volume_sandbox().await;
    let payex = support::payex(&sandbox);
    let pages_seen =
        RequestCounter::start(&sandbox, Provider::Payex, Method::GET, VOLUME_TRANSACTIONS);
    let account = payex.accounts().get(VOLUME).await.unwrap();

    let mut pages = payex
        .transactions(VOLUME)
        .list()
        .between(TODAY - Duration::days(365), TODAY)
        .pages();
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 2, "the sandbox pages two at a time");
    assert_eq!(pages_seen.count().await, 1, "pages are fetched lazily");

    let mut transactions = first.items;
    let mut page_count = 1;
    while let Some(page) = pages.try_next().await.unwrap() {
        page_count += 1;
        if page_count == 10 {
            // One page meets a 503 on the way: retried, nothing lost or repeated.
            sandbox.add_fault(
                fault(
                    Provider::Payex,
                    Method::GET,
                    VOLUME_TRANSACTIONS,
                    FaultKind::Status(503),
                )
                .next(1),
            );
        }
        transactions.extend(page.items);
    }
    assert_eq!(page_count, TRANSACTIONS.div_ceil(2));
    assert_eq!(
        pages_seen.count().await as usize,
        page_count + 1,
        "one request per page, plus the retried one"
    );

    assert_eq!(transactions.len(), TRANSACTIONS);
    let refs: Vec<String> = transactions
        .iter()
        .filter(|t| t.r#type == Some(TransactionType::Purchase))
        .filter_map(|t| t.description.as_deref().and_then(purchase_ref))
        .collect();
    let unique: BTreeSet<String> = refs.iter().cloned().collect();
    assert_eq!(refs.len(), unique.len(), "no purchase twice");
    assert_eq!(unique, expected_purchase_refs(), "every purchase once");
    let payments = transactions
        .iter()
        .filter(|t| t.r#type == Some(TransactionType::Payment))
        .count();
    assert_eq!(payments, TRANSACTIONS / 5);

    // The balance is the exact sum of the transactions.
    let sum: Decimal = transactions.iter().map(|t| t.amount.unwrap()).sum();
    assert_eq!(Some(sum), account.total_balance);
    assert_eq!(sum.to_string(), account.total_balance.unwrap().to_string());
}

#[tokio::test]
async fn every_account_of_the_ledger_arrives_exactly_once_through_the_items_stream() {
    let sandbox = volume_sandbox().await;
    let pages_seen = RequestCounter::start(
        &sandbox,
        Provider::Payex,
        Method::GET,
        "/ledger/account/v1/1000/accounts",
    );
    // A trailing slash on the base URL changes nothing.
    let payex = payex_client::PayexClient::builder()
        .base_url(format!("{}/", sandbox.payex_url()))
        .ledger(mypages_sandbox::credentials::PAYEX_LEDGER)
        .token(payex_client::SecretString::from(
            mypages_sandbox::credentials::PAYEX_TOKEN,
        ))
        .transport(|t| t.retry(support::fast_retries()))
        .build()
        .unwrap();

    let mut items = payex.accounts().list().items();
    let mut numbers = Vec::new();
    while let Some(account) = items.try_next().await.unwrap() {
        numbers.push(account.account_no);
    }
    let expected: Vec<String> = ["5000001", "5000002", "5000003"]
        .into_iter()
        .map(str::to_owned)
        .chain((0..CUSTOMERS).map(|n| (6_000_001 + n).to_string()))
        .collect();
    assert_eq!(
        numbers, expected,
        "every account once, in the ledger's order"
    );
    assert_eq!(
        pages_seen.count().await as usize,
        (CUSTOMERS + 3).div_ceil(2)
    );
}

#[tokio::test]
async fn a_paging_error_ends_the_stream_with_the_error() {
    let sandbox = volume_sandbox().await;
    let payex = support::payex_with(&sandbox, payex_client::RetryPolicy::never());
    let mut pages = payex
        .transactions(VOLUME)
        .list()
        .between(TODAY - Duration::days(365), TODAY)
        .pages();
    pages.try_next().await.unwrap().unwrap();
    sandbox.add_fault(fault(
        Provider::Payex,
        Method::GET,
        VOLUME_TRANSACTIONS,
        FaultKind::Status(503),
    ));
    let error = pages.try_next().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(
        pages.try_next().await.unwrap().is_none(),
        "the stream ends after its error"
    );
}
