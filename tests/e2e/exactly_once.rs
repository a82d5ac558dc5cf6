//! Every call that moves money or creates something (the spec's `x-retry: never`) is sent
//! exactly once when the provider answers 503, at every provider, although the clients'
//! retry policy allows three attempts: a retry would reach the sandbox's real handler (the
//! 503 fault fires once) and succeed, so the call returning the 503 proves it was not retried.

use std::fmt::Debug;
use std::future::Future;

use avarda_client::models::PayRequest;
use http::Method;
use mypages_models::{Currency, Sensitive};
use mypages_sandbox::credentials::P4P_ACCOUNT_ID;
use mypages_sandbox::{FaultKind, Provider, RunningSandbox};
use p4p_client::models::{
    AccountCreatable, AccountId, Frequency, Items, OrderCreatable, OrderId, Payment, PaymentType,
    Schedule, SubscriptionCreatable,
};
use payex_client::models::{
    CardRegistration, PaymentMethod, PaymentScope, PspPayment, RecurringPaymentConfigurationCreate,
};
use payex_client::{ErrorKind, SecretString};

use crate::support::{self, RequestCounter, TODAY, dec, fault};

const ACCOUNT: &str = "/ledger/account/v1/1000/accounts/5000001";

/// Runs `call` while `method path` answers one 503, and checks that it failed with that
/// 503 after exactly one request.
async fn sent_once<T: Debug>(
    sandbox: &RunningSandbox,
    provider: Provider,
    method: Method,
    path: &str,
    call: impl Future<Output = Result<T, payex_client::Error>>,
) {
    let seen = RequestCounter::start(sandbox, provider, method.clone(), path);
    sandbox.add_fault(fault(provider, method.clone(), path, FaultKind::Status(503)).next(1));
    let error = call.await.expect_err(path);
    assert_eq!(
        error.kind(),
        ErrorKind::Transient,
        "{method} {path}: {error}"
    );
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(503),
        "{method} {path}"
    );
    assert!(error.may_have_reached_server(), "{method} {path}");
    assert_eq!(
        seen.count().await,
        1,
        "{method} {path} was sent more than once"
    );
}

#[tokio::test]
async fn payex_calls_that_move_money_or_create_are_sent_once_under_a_503() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let payment = PspPayment::new(dec("10.00"), TODAY, "once-psp".to_owned());
    sent_once(
        &sandbox,
        Provider::Payex,
        Method::POST,
        &format!("{ACCOUNT}/register-psp-payment"),
        payex.accounts().register_psp_payment("5000001", &payment),
    )
    .await;
    sent_once(
        &sandbox,
        Provider::Payex,
        Method::POST,
        &format!("{ACCOUNT}/request-close-account"),
        payex.accounts().request_close("5000001"),
    )
    .await;
    let card = CardRegistration::new(Sensitive::from("once-card-1".to_owned()));
    sent_once(
        &sandbox,
        Provider::Payex,
        Method::POST,
        &format!("{ACCOUNT}/cards"),
        payex.cards("5000001").add(&card),
    )
    .await;
    sent_once(
        &sandbox,
        Provider::Payex,
        Method::POST,
        &format!("{ACCOUNT}/cards/*/add-replacement-card"),
        payex.cards("5000001").add_replacement("any-card", &card),
    )
    .await;
    let recurring =
        RecurringPaymentConfigurationCreate::new(PaymentMethod::Autogiro, PaymentScope::TotalDebt);
    sent_once(
        &sandbox,
        Provider::Payex,
        Method::POST,
        &format!("{ACCOUNT}/recurring-payment-configuration"),
        payex.recurring_payments("5000001").create(&recurring),
    )
    .await;
}

#[tokio::test]
async fn payfunc_calls_that_move_money_or_create_are_sent_once_under_a_503() {
    let sandbox = support::sandbox().await;
    let p4p = support::p4p(&sandbox);
    let id = AccountId::new(P4P_ACCOUNT_ID).unwrap();
    let account = format!("/account/{P4P_ACCOUNT_ID}");
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::POST,
        "/account",
        p4p.accounts().create(&AccountCreatable::new(Vec::new())),
    )
    .await;
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::POST,
        &account,
        p4p.accounts().create_key(&id),
    )
    .await;
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::POST,
        &format!("{account}/link"),
        p4p.accounts().create_login_link(id.clone()),
    )
    .await;
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::POST,
        &format!("{account}/method"),
        p4p.accounts()
            .add_card(&id, &SecretString::from("tok_once")),
    )
    .await;
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::POST,
        &format!("{account}/balance"),
        p4p.balance().add(id.clone(), &Items::Amount(dec("5.00"))),
    )
    .await;
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::DELETE,
        &format!("{account}/balance"),
        p4p.balance().settle(&id),
    )
    .await;
    let subscription = SubscriptionCreatable::new(
        Items::Amount(dec("9.00")),
        Currency::Sek,
        Schedule::Frequency(Frequency::Monthly),
    );
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::POST,
        &format!("{account}/subscription"),
        p4p.subscriptions().create(&id, &subscription),
    )
    .await;
    let order = OrderCreatable::new(
        Items::Amount(dec("10.00")),
        Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(id.clone()),
    );
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::POST,
        "/order",
        p4p.orders().create(&order),
    )
    .await;
    let order_id = OrderId::new("onceorder0000001").unwrap();
    sent_once(
        &sandbox,
        Provider::P4p,
        Method::PATCH,
        "/order/",
        p4p.orders().cancel(&order_id),
    )
    .await;
}

#[tokio::test]
async fn avarda_pay_is_sent_once_under_a_503() {
    let sandbox = support::sandbox().await;
    let avarda = support::avarda(&sandbox);
    sent_once(
        &sandbox,
        Provider::Avarda,
        Method::POST,
        "/Pay",
        avarda
            .pay()
            .start(&PayRequest::new("any-invoice".to_owned())),
    )
    .await;
}
