//! PayEx journeys: writes through `payex-client` that later reads through it see, with
//! amounts compared as exact decimals and as the JSON text they re-serialize to.

use http::Method;
use mypages_models::Sensitive;
use mypages_sandbox::Provider;
use payex_client::models::{
    AccountUpdate, CardRegistration, PaymentMethod, PaymentScope, PspPayment,
    RecurringPaymentConfigurationCreate, RecurringPaymentConfigurationUpdate, TransactionType,
};
use payex_client::{ErrorKind, ProblemKind};

use crate::support::{self, RequestCounter, TODAY, dec};

/// The demo customer's main account: balance 4821.35, credit limit 20000.00.
const MAIN: &str = "5000001";
/// The demo customer's food account: no recurring-payment configuration.
const FOOD: &str = "5000002";

#[tokio::test]
async fn a_registered_payment_lowers_the_balance_and_adds_a_transaction() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);

    let before = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(before.total_balance.unwrap().to_string(), "4821.35");

    let payment = PspPayment::new(dec("250.00"), TODAY, "e2e-psp-0001".to_owned());
    payex
        .accounts()
        .register_psp_payment(MAIN, &payment)
        .await
        .unwrap();

    let after = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(after.total_balance, Some(dec("4571.35")));
    assert_eq!(after.total_balance.unwrap().to_string(), "4571.35");
    let json = serde_json::to_string(&after).unwrap();
    assert!(json.contains(r#""totalBalance":4571.35"#), "{json}");
    assert!(json.contains(r#""creditLimit":20000.00"#), "{json}");

    let today = payex
        .transactions(MAIN)
        .list()
        .between(TODAY, TODAY)
        .all()
        .await
        .unwrap();
    assert_eq!(
        today.len(),
        1,
        "only the payment is booked today: {today:?}"
    );
    let booked = &today[0];
    assert_eq!(booked.r#type, Some(TransactionType::Payment));
    assert_eq!(booked.amount.unwrap().to_string(), "-250.00");
    assert_eq!(booked.date, Some(TODAY));
    let json = serde_json::to_string(booked).unwrap();
    assert!(json.contains(r#""amount":-250.00"#), "{json}");
}

#[tokio::test]
async fn a_lowered_credit_limit_is_read_back_and_raising_it_sends_nothing() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let patches = RequestCounter::start(
        &sandbox,
        Provider::Payex,
        Method::PATCH,
        "/ledger/account/v1/1000/accounts/5000001",
    );

    let previous = payex
        .accounts()
        .lower_credit_limit(MAIN, dec("15000.00"))
        .await
        .unwrap();
    assert_eq!(previous.unwrap().to_string(), "20000.00");
    assert_eq!(patches.count().await, 1);

    let account = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(account.credit_limit.unwrap().to_string(), "15000.00");
    let json = serde_json::to_string(&account).unwrap();
    assert!(json.contains(r#""creditLimit":15000.00"#), "{json}");

    // Raising it is refused before anything is sent, naming the argument.
    let error = payex
        .accounts()
        .lower_credit_limit(MAIN, dec("15000.01"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("credit_limit"));
    assert!(!error.may_have_reached_server());
    assert_eq!(patches.count().await, 1, "no PATCH was sent");

    // Sent as it is (unchecked), PayEx itself refuses it and the limit stays.
    let error = payex
        .accounts()
        .update(
            MAIN,
            &AccountUpdate::new().with_credit_limit(dec("99999.00")),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(ProblemKind::of(&error), Some(ProblemKind::Validation));
    assert_eq!(patches.count().await, 2);
    let account = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(account.credit_limit.unwrap().to_string(), "15000.00");
}

#[tokio::test]
async fn a_card_is_added_then_replaced() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let cards = payex.cards(FOOD);
    let first_token = "e2e-card-0001";
    let second_token = "e2e-card-0002";

    let before = cards.list().all().await.unwrap();
    assert_eq!(before.len(), 1);

    let added = CardRegistration::new(Sensitive::from(first_token.to_owned()))
        .with_pan_trunc("454871******7777".to_owned())
        .with_main_card(true);
    cards.add(&added).await.unwrap();
    let card = cards.get(first_token).await.unwrap();
    assert_eq!(card.pan_trunc.as_deref(), Some("454871******7777"));
    assert_eq!(card.main_card, Some(true));
    assert_eq!(card.deleted, Some(false));
    let listed = cards.list().all().await.unwrap();
    assert_eq!(listed.len(), 2);
    let mains: Vec<_> = listed
        .iter()
        .filter(|c| c.main_card == Some(true))
        .collect();
    assert_eq!(mains.len(), 1, "one main card: the new one");
    assert_eq!(mains[0].token.as_ref().unwrap().expose(), first_token);

    // The same token again is PayEx's duplicate-card-token problem.
    let error = cards.add(&added).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(
        ProblemKind::of(&error),
        Some(ProblemKind::DuplicateCardToken)
    );
    assert!(
        !format!("{error} {error:?}").contains(first_token),
        "card tokens never reach an error"
    );

    let replacement = CardRegistration::new(Sensitive::from(second_token.to_owned()))
        .with_pan_trunc("454871******8888".to_owned());
    cards
        .add_replacement(first_token, &replacement)
        .await
        .unwrap();
    let old = cards.get(first_token).await.unwrap();
    assert_eq!(old.deleted, Some(true));
    assert_eq!(old.main_card, Some(false));
    let new = cards.get(second_token).await.unwrap();
    assert_eq!(new.deleted, Some(false));
    assert_eq!(
        new.main_card,
        Some(true),
        "the replacement inherits the main card"
    );
    assert_eq!(cards.list().all().await.unwrap().len(), 3);

    // A deleted card cannot be replaced again.
    let third = CardRegistration::new(Sensitive::from("e2e-card-0003".to_owned()));
    let error = cards
        .add_replacement(first_token, &third)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(ProblemKind::of(&error), Some(ProblemKind::CardUpdateFailed));
}

#[tokio::test]
async fn a_recurring_payment_configuration_is_created_updated_and_deleted() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let recurring = payex.recurring_payments(FOOD);

    let error = recurring.get().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));

    let create = RecurringPaymentConfigurationCreate::new(
        PaymentMethod::Autogiro,
        PaymentScope::FixedRecurring,
    )
    .with_fixed_amount(dec("750.00"));
    let created = recurring.create(&create).await.unwrap();
    if let Some(created) = created {
        assert_eq!(
            created.fixed_amount.map(|a| a.to_string()).as_deref(),
            Some("750.00")
        );
    }
    let read = recurring.get().await.unwrap();
    assert_eq!(read.payment_scope, Some(PaymentScope::FixedRecurring));
    assert_eq!(read.payment_method, Some(PaymentMethod::Autogiro));
    assert_eq!(read.fixed_amount.unwrap().to_string(), "750.00");
    let json = serde_json::to_string(&read).unwrap();
    assert!(json.contains(r#""fixedAmount":750.00"#), "{json}");

    // Creating it twice is a conflict; the first one stays.
    let error = recurring.create(&create).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409));

    let update = RecurringPaymentConfigurationUpdate::new().with_fixed_amount(dec("1200.50"));
    recurring.update(&update).await.unwrap();
    let read = recurring.get().await.unwrap();
    assert_eq!(read.payment_scope, Some(PaymentScope::FixedRecurring));
    assert_eq!(read.fixed_amount.unwrap().to_string(), "1200.50");

    let update =
        RecurringPaymentConfigurationUpdate::new().with_payment_scope(PaymentScope::TotalDebt);
    recurring.update(&update).await.unwrap();
    let read = recurring.get().await.unwrap();
    assert_eq!(read.payment_scope, Some(PaymentScope::TotalDebt));

    recurring.delete().await.unwrap();
    let error = recurring.get().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let error = recurring.delete().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_28_digit_amount_keeps_every_digit() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);

    let food = payex.accounts().get(FOOD).await.unwrap();
    let max = food
        .max_payment_amount
        .expect("the food account has a payment cap");
    assert_eq!(max.to_string(), "99999999999999999999999999.99");
    let json = serde_json::to_string(&food).unwrap();
    assert!(
        json.contains(r#""maxPaymentAmount":99999999999999999999999999.99"#),
        "{json}"
    );

    // The largest payment PayEx allows is booked to the cent: -120.00 - cap.
    let payment = PspPayment::new(max, TODAY, "e2e-psp-huge".to_owned());
    payex
        .accounts()
        .register_psp_payment(FOOD, &payment)
        .await
        .unwrap();
    let after = payex.accounts().get(FOOD).await.unwrap();
    assert_eq!(
        after.total_balance.unwrap().to_string(),
        "-100000000000000000000000119.99"
    );
    let json = serde_json::to_string(&after).unwrap();
    assert!(
        json.contains(r#""totalBalance":-100000000000000000000000119.99"#),
        "{json}"
    );
}

#[tokio::test]
async fn an_account_asked_to_close_becomes_pending_close_once() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let path = "/ledger/account/v1/1000/accounts/5000002/request-close-account";
    let seen = RequestCounter::start(&sandbox, Provider::Payex, Method::POST, path);
    payex.accounts().request_close(FOOD).await.unwrap();
    let account = payex.accounts().get(FOOD).await.unwrap();
    assert_eq!(
        serde_json::to_value(&account.status).unwrap(),
        serde_json::json!("PendingClose")
    );
    assert_eq!(seen.count().await, 1);
}

#[tokio::test]
async fn an_advertised_operation_is_invoked_as_the_account_lists_it() {
    let sandbox = support::sandbox().await;
    let payex = support::payex(&sandbox);
    let account = payex.accounts().get(MAIN).await.unwrap();
    let close = account
        .operation
        .iter()
        .flatten()
        .find(|link| link.rel.as_deref() == Some("request-close-account"))
        .expect("the account advertises request-close-account")
        .clone();
    let seen = RequestCounter::start(
        &sandbox,
        Provider::Payex,
        Method::POST,
        "/ledger/account/v1/1000/accounts/5000001/request-close-account",
    );
    assert_eq!(payex.invoke(&close, None).await.unwrap(), None);
    assert_eq!(seen.count().await, 1);
    let account = payex.accounts().get(MAIN).await.unwrap();
    assert_eq!(
        serde_json::to_value(&account.status).unwrap(),
        serde_json::json!("PendingClose")
    );

    // A link to another host is refused before anything is sent: the token stays here.
    let mut elsewhere = close.clone();
    elsewhere.href = Some(
        "https://evil.example/ledger/account/v1/1000/accounts/5000001/request-close-account"
            .to_owned(),
    );
    let error = payex.invoke(&elsewhere, None).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(!error.may_have_reached_server());
    // A GET link is read with `follow`, not invoked.
    let mut read = close;
    read.method = Some("get".to_owned());
    let error = payex.invoke(&read, None).await.unwrap_err();
    assert_eq!(error.argument(), Some("operation.method"));
    assert_eq!(seen.count().await, 1);
}
