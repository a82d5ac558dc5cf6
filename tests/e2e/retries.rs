//! Which calls are retried, how often, and how long the client waits: the retry rules of
//! `docs/reliability.md` against the sandbox's faults, with every attempt counted at the
//! sandbox.

use std::time::{Duration, Instant};

use avarda_client::models::PayRequest;
use avarda_client::{Customer, TokenProvider};
use http::{Method, StatusCode};
use mypages_sandbox::credentials::{AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID, P4P_ACCOUNT_ID};
use mypages_sandbox::{FaultKind, Provider};
use p4p_client::models::{AccountId, Items, OrderCreatable, Payment, PaymentType};
use payex_client::models::{AccountUpdate, PspPayment};

use crate::support::{self, RequestCounter, TODAY, dec, fast_retries, fault};

const MAIN: &str = "5000001";
const MAIN_PATH: &str = "/ledger/account/v1/1000/accounts/5000001";
const PAYMENT_PATH: &str = "/ledger/account/v1/1000/accounts/5000001/register-psp-payment";

fn demo_customer() -> Customer {
    Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own)
}

fn demo_account() -> AccountId {
    AccountId::new(P4P_ACCOUNT_ID).unwrap()
}

fn order_on_demo_account() -> OrderCreatable {
    OrderCreatable::new(
        Items::Amount(dec("10.00")),
        mypages_models::Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(demo_account()),
    )
}

#[tokio::test]
async fn gets_meeting_two_503s_succeed_on_the_third_attempt_at_every_provider() {
    let sandbox = support::sandbox().await;
    let unavailable = FaultKind::Status(503);

    let payex = support::payex(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);
    sandbox.add_fault(fault(Provider::Payex, Method::GET, MAIN_PATH, unavailable).next(2));
    let account = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(account.total_balance.unwrap().to_string(), "4821.35");
    assert_eq!(seen.count().await, 3);

    let avarda = support::avarda(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::Avarda, Method::GET, "/Invoices");
    sandbox.add_fault(fault(Provider::Avarda, Method::GET, "/Invoices", unavailable).next(2));
    let invoices = avarda
        .invoices()
        .list(&demo_customer(), AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    assert!(!invoices.is_empty());
    assert_eq!(seen.count().await, 3);

    let p4p = support::p4p(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::P4p, Method::GET, "/account/*");
    sandbox.add_fault(fault(Provider::P4p, Method::GET, "/account/*", unavailable).next(2));
    let account = p4p.accounts().get(&demo_account()).await.unwrap();
    assert_eq!(account.id, demo_account());
    assert_eq!(seen.count().await, 3);
}

#[tokio::test]
async fn a_get_failing_every_attempt_stops_at_max_attempts() {
    let sandbox = support::sandbox().await;
    sandbox.add_fault(fault(
        Provider::Payex,
        Method::GET,
        MAIN_PATH,
        FaultKind::Status(502),
    ));
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);

    let error = support::payex(&sandbox)
        .accounts()
        .get(MAIN)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(seen.count().await, 3, "the default is 3 attempts");

    let five = support::payex_with(&sandbox, fast_retries().max_attempts(5));
    five.accounts().get(MAIN).await.unwrap_err();
    assert_eq!(seen.count().await, 3 + 5);

    let once = support::payex_with(&sandbox, payex_client::RetryPolicy::never());
    once.accounts().get(MAIN).await.unwrap_err();
    assert_eq!(seen.count().await, 3 + 5 + 1);
}

#[tokio::test]
async fn statuses_that_are_not_transient_are_not_retried() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);
    for status in [400, 403, 404, 409, 501] {
        sandbox.add_fault(
            fault(
                Provider::Payex,
                Method::GET,
                MAIN_PATH,
                FaultKind::Status(status),
            )
            .next(1),
        );
    }
    for status in [400, 403, 404, 409, 501] {
        let error = payex.accounts().get(MAIN).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
    assert_eq!(seen.count().await, 5, "one attempt each");
}

#[tokio::test]
async fn a_429_is_retried_after_the_wait_retry_after_asks_for() {
    let sandbox = support::sandbox().await;
    let avarda = support::avarda_with(
        &sandbox,
        fast_retries().max_retry_after(Duration::from_secs(5)),
    );
    let me = demo_customer();
    // Fetch the partner token first, so only the invoice reads are timed.
    avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    let seen = RequestCounter::start(&sandbox, Provider::Avarda, Method::GET, "/Invoices");
    sandbox.add_fault(
        fault(
            Provider::Avarda,
            Method::GET,
            "/Invoices",
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
        )
        .next(1),
    );

    let started = Instant::now();
    avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(seen.count().await, 2);
    // The backoff alone is at most 5 ms: only Retry-After explains a wait of a second.
    assert!(waited >= Duration::from_secs(1), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_is_capped_by_max_retry_after() {
    let sandbox = support::sandbox().await;
    // Without the cap the client would wait 30 s, past the 5 s operation deadline, and so
    // would give up at once with the 429.
    let payex = payex_client::PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(mypages_sandbox::credentials::PAYEX_LEDGER)
        .token(payex_client::SecretString::from(
            mypages_sandbox::credentials::PAYEX_TOKEN,
        ))
        .transport(|t| t.retry(fast_retries().max_retry_after(Duration::from_millis(20))))
        .transport(|t| t.operation_timeout(Duration::from_secs(5)))
        .build()
        .unwrap();
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);
    sandbox.add_fault(
        fault(
            Provider::Payex,
            Method::GET,
            MAIN_PATH,
            FaultKind::TooManyRequests {
                retry_after_secs: 30,
            },
        )
        .next(1),
    );
    payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(seen.count().await, 2);
}

#[tokio::test]
async fn a_retry_after_past_the_operation_deadline_gives_up_at_once() {
    let sandbox = support::sandbox().await;
    let p4p = p4p_client::P4pClient::builder()
        .base_url(sandbox.p4p_url())
        .key(mypages_sandbox::credentials::P4P_KEY)
        .transport(|t| t.retry(fast_retries().max_retry_after(Duration::from_secs(60))))
        .transport(|t| t.operation_timeout(Duration::from_secs(2)))
        .build()
        .unwrap();
    let seen = RequestCounter::start(&sandbox, Provider::P4p, Method::GET, "/account/*");
    sandbox.add_fault(
        fault(
            Provider::P4p,
            Method::GET,
            "/account/*",
            FaultKind::TooManyRequests {
                retry_after_secs: 30,
            },
        )
        .next(1),
    );
    let error = p4p.accounts().get(&demo_account()).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(error.is_transient());
    assert_eq!(
        seen.count().await,
        1,
        "no wait is started past the deadline"
    );
}

#[tokio::test]
async fn a_psp_payment_meeting_a_503_is_not_retried_and_not_booked_twice() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::POST, PAYMENT_PATH);
    sandbox.add_fault(
        fault(
            Provider::Payex,
            Method::POST,
            PAYMENT_PATH,
            FaultKind::Status(503),
        )
        .next(1),
    );
    let payment = PspPayment::new(dec("100.00"), TODAY, "e2e-psp-retry".to_owned());

    let error = payex
        .accounts()
        .register_psp_payment(MAIN, &payment)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.may_have_reached_server());
    assert_eq!(
        seen.count().await,
        1,
        "a payment registration is never retried"
    );
    let account = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(account.total_balance.unwrap().to_string(), "4821.35");

    // The caller checked and repeats it: booked once.
    payex
        .accounts()
        .register_psp_payment(MAIN, &payment)
        .await
        .unwrap();
    assert_eq!(seen.count().await, 2);
    let account = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(account.total_balance.unwrap().to_string(), "4721.35");
}

#[tokio::test]
async fn a_psp_payment_whose_connection_drops_is_not_retried() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::POST, PAYMENT_PATH);
    sandbox.add_fault(fault(Provider::Payex, Method::POST, PAYMENT_PATH, FaultKind::Drop).next(1));
    let payment = PspPayment::new(dec("100.00"), TODAY, "e2e-psp-drop".to_owned());

    let error = payex
        .accounts()
        .register_psp_payment(MAIN, &payment)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), payex_client::ErrorKind::Transient);
    assert!(error.may_have_reached_server());
    assert_eq!(seen.count().await, 1);
}

#[tokio::test]
async fn a_payfunc_order_meeting_a_503_is_not_retried() {
    let sandbox = support::sandbox().await;
    let p4p = support::p4p(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::P4p, Method::POST, "/order");
    sandbox.add_fault(
        fault(
            Provider::P4p,
            Method::POST,
            "/order",
            FaultKind::Status(503),
        )
        .next(1),
    );

    let error = p4p
        .orders()
        .create(&order_on_demo_account())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), p4p_client::ErrorKind::Transient);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.may_have_reached_server());
    assert_eq!(seen.count().await, 1);

    let order = p4p.orders().create(&order_on_demo_account()).await.unwrap();
    assert_eq!(order.items, Some(Items::Amount(dec("10.00"))));
    assert_eq!(seen.count().await, 2);
}

#[tokio::test]
async fn avarda_pay_meeting_a_503_is_not_retried_but_pay_status_is() {
    let sandbox = support::sandbox().await;
    let avarda = support::avarda(&sandbox);
    let me = demo_customer();
    let invoices = avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    let open = invoices
        .iter()
        .find(|invoice| !invoice.balance.unwrap().is_zero())
        .unwrap();
    let pays = RequestCounter::start(&sandbox, Provider::Avarda, Method::POST, "/Pay");
    sandbox.add_fault(
        fault(
            Provider::Avarda,
            Method::POST,
            "/Pay",
            FaultKind::Status(503),
        )
        .next(1),
    );

    let request = PayRequest::new(open.id.clone());
    let error = avarda.pay().start(&request).await.unwrap_err();
    assert_eq!(error.kind(), avarda_client::ErrorKind::Transient);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.may_have_reached_server());
    assert_eq!(pays.count().await, 1);

    let session = avarda
        .pay()
        .start(&request)
        .await
        .unwrap()
        .expect("Avarda answered a purchase session");
    assert_eq!(pays.count().await, 2);

    // Pay/Status is a POST too, but a read: the client marks it idempotent.
    let statuses = RequestCounter::start(&sandbox, Provider::Avarda, Method::POST, "/Pay/Status");
    sandbox.add_fault(
        fault(
            Provider::Avarda,
            Method::POST,
            "/Pay/Status",
            FaultKind::Status(503),
        )
        .next(1),
    );
    avarda
        .pay()
        .status(&session.purchase_id, &open.id)
        .await
        .unwrap();
    assert_eq!(statuses.count().await, 2);
}

#[tokio::test]
async fn idempotent_writes_are_retried() {
    let sandbox = support::sandbox().await;

    // PATCH of a PayEx account.
    let payex = support::payex(&sandbox);
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::PATCH, MAIN_PATH);
    sandbox.add_fault(
        fault(
            Provider::Payex,
            Method::PATCH,
            MAIN_PATH,
            FaultKind::Status(503),
        )
        .next(1),
    );
    payex
        .accounts()
        .update(
            MAIN,
            &AccountUpdate::new().with_credit_limit(dec("12000.00")),
        )
        .await
        .unwrap();
    assert_eq!(seen.count().await, 2);
    let account = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(account.credit_limit.unwrap().to_string(), "12000.00");

    // DELETE of a PayFunc balance (settling it) charges the card: a DELETE, but never
    // retried once it may have reached PayFunc (`x-retry: never`).
    let p4p = support::p4p(&sandbox);
    let path = format!("/account/{P4P_ACCOUNT_ID}/balance");
    let seen = RequestCounter::start(&sandbox, Provider::P4p, Method::DELETE, &path);
    sandbox.add_fault(fault(Provider::P4p, Method::DELETE, &path, FaultKind::Drop).next(1));
    let error = p4p.balance().settle(&demo_account()).await.unwrap_err();
    assert!(error.may_have_reached_server());
    assert_eq!(seen.count().await, 1, "settling is sent once");
}

#[tokio::test]
async fn the_retry_budget_stops_retrying_a_failing_provider() {
    let sandbox = support::sandbox().await;
    // Room for two retries (5 tokens each), shared by the client's clones.
    let payex = support::payex_with(&sandbox, fast_retries().budget(10));
    let clone = payex.clone();
    sandbox.add_fault(fault(
        Provider::Payex,
        Method::GET,
        MAIN_PATH,
        FaultKind::Status(503),
    ));
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, MAIN_PATH);

    payex.accounts().get(MAIN).await.unwrap_err();
    assert_eq!(seen.count().await, 3, "two retries drain the budget");
    clone.accounts().get(MAIN).await.unwrap_err();
    assert_eq!(seen.count().await, 4, "the clone shares the empty budget");
    payex.accounts().get(MAIN).await.unwrap_err();
    assert_eq!(seen.count().await, 5);

    // Another client has its own budget.
    support::payex(&sandbox)
        .accounts()
        .get(MAIN)
        .await
        .unwrap_err();
    assert_eq!(seen.count().await, 8);
}

#[tokio::test]
async fn a_401_refreshes_the_partner_token_once_and_replays() {
    let sandbox = support::sandbox().await;
    let avarda = support::avarda(&sandbox);
    let me = demo_customer();
    let tokens = RequestCounter::start(&sandbox, Provider::Avarda, Method::POST, "/auth/token");
    let reads = RequestCounter::start(&sandbox, Provider::Avarda, Method::GET, "/Invoices");

    avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    assert_eq!((tokens.count().await, reads.count().await), (1, 1));
    avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    assert_eq!(
        (tokens.count().await, reads.count().await),
        (1, 2),
        "the token is cached"
    );

    // Avarda no longer accepts the token once: a new one is fetched and the call replayed.
    sandbox.add_fault(
        fault(
            Provider::Avarda,
            Method::GET,
            "/Invoices",
            FaultKind::Status(401),
        )
        .next(1),
    );
    avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    assert_eq!((tokens.count().await, reads.count().await), (2, 4));

    // Refused again with the fresh token: one replay only, then Unauthorized.
    sandbox.add_fault(
        fault(
            Provider::Avarda,
            Method::GET,
            "/Invoices",
            FaultKind::Status(401),
        )
        .next(2),
    );
    let error = avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), avarda_client::ErrorKind::Refused);
    assert_eq!(error.category(), avarda_client::Category::Unauthorized);
    assert_eq!((tokens.count().await, reads.count().await), (3, 6));
}
