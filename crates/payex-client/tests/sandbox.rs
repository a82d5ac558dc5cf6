//! The client against the stateful PayEx simulator of `mypages-sandbox` on 127.0.0.1
//! (base URL `http://127.0.0.1:PORT/payex`): every endpoint in a flow that changes state,
//! and every problem type the simulator produces.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions panic like tests do

use futures_util::TryStreamExt;
use mypages_sandbox::{RunningSandbox, Sandbox, credentials};
use payex_client::models::*;
use payex_client::{Category, ErrorKind, PayexClient, ProblemKind, SecretString};
use time::macros::date;

const ACCOUNT: &str = "5000001";

async fn start() -> (RunningSandbox, PayexClient) {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let payex = PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(credentials::PAYEX_LEDGER)
        .token(SecretString::from(credentials::PAYEX_TOKEN))
        .build()
        .unwrap();
    (sandbox, payex)
}

fn problem(error: &payex_client::Error) -> ProblemKind {
    assert_eq!(error.kind(), ErrorKind::Refused, "{error:?}");
    ProblemKind::of(error).unwrap_or_else(|| panic!("not a problem: {error:?}"))
}

fn new_card(token: &str, national_id: &str) -> CardRegistration {
    CardRegistration::new(Sensitive::new(token.to_owned()))
        .with_pan_trunc("547912******7777".to_owned())
        .with_deleted(false)
        .with_main_card(false)
        .with_card_holder(
            CardHolder::new()
                .with_name("Test Testsson".to_owned())
                .with_national_consumer_identifier(
                    NationalConsumerIdentifier::new(Sensitive::new(national_id.to_owned()))
                        .with_country_code("SE".to_owned()),
                ),
        )
}

#[tokio::test]
async fn accounts_pages_links_and_updates() {
    let (_sandbox, payex) = start().await;

    let mut pages = payex.accounts().list().pages();
    let mut all = Vec::new();
    let mut count = 0;
    while let Some(page) = pages.try_next().await.unwrap() {
        count += 1;
        all.extend(page.items);
    }
    assert!(count > 1, "the ledger's accounts come in several pages");
    assert_eq!(
        all.len(),
        payex.accounts().list().all().await.unwrap().len()
    );

    let mine = payex
        .accounts()
        .list()
        .customer_no(credentials::PAYEX_CUSTOMER_NO)
        .all()
        .await
        .unwrap();
    assert!(
        mine.iter()
            .all(|a| a.customer_no.as_deref() == Some(credentials::PAYEX_CUSTOMER_NO))
    );
    let account = payex.accounts().get(ACCOUNT).await.unwrap();
    let one = payex
        .accounts()
        .list()
        .account_no(ACCOUNT)
        .all()
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].account_no, ACCOUNT);

    let bill: Bill = payex
        .follow(account.open_bill.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(bill.status, Some(BillStatus::Open));
    let customer: Customer = payex
        .follow(account.customer.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(
        customer.customer_no.as_deref(),
        Some(credentials::PAYEX_CUSTOMER_NO)
    );
    assert_eq!(
        payex
            .customer(credentials::PAYEX_CUSTOMER_NO)
            .await
            .unwrap(),
        customer
    );
    let cards = payex
        .follow_list::<CardList>(account.cards.as_deref().unwrap())
        .all()
        .await
        .unwrap();
    assert!(!cards.is_empty());

    payex
        .accounts()
        .set_charity_donation(ACCOUNT, false)
        .await
        .unwrap();
    let before = payex
        .accounts()
        .lower_credit_limit(ACCOUNT, account.credit_limit.unwrap() - Decimal::ONE)
        .await
        .unwrap();
    assert_eq!(before, account.credit_limit);
    let after = payex.accounts().get(ACCOUNT).await.unwrap();
    assert_eq!(
        after.credit_limit,
        Some(account.credit_limit.unwrap() - Decimal::ONE)
    );
    assert_eq!(after.charity_donation, Some(false));

    // Raising through `update` is left to PayEx, which refuses it.
    let raise = AccountUpdate::new().with_credit_limit(account.credit_limit.unwrap());
    let error = payex.accounts().update(ACCOUNT, &raise).await.unwrap_err();
    assert_eq!(problem(&error), ProblemKind::Validation);
    assert!(!error.problem().unwrap().problems.is_empty());
}

#[tokio::test]
async fn payments_move_the_balance_once() {
    let (_sandbox, payex) = start().await;
    let account = payex.accounts().get(ACCOUNT).await.unwrap();
    let payment = PspPayment::new(
        Decimal::new(10050, 2),
        date!(2026 - 11 - 20),
        "sandbox-tx-1".to_owned(),
    );
    payex
        .accounts()
        .register_psp_payment(ACCOUNT, &payment)
        .await
        .unwrap();
    let after = payex.accounts().get(ACCOUNT).await.unwrap();
    assert_eq!(
        after.total_balance,
        Some(account.total_balance.unwrap() - Decimal::new(10050, 2))
    );

    let too_much = PspPayment::new(
        after.max_payment_amount.unwrap() + Decimal::ONE,
        date!(2026 - 11 - 20),
        "sandbox-tx-2".to_owned(),
    );
    let error = payex
        .accounts()
        .register_psp_payment(ACCOUNT, &too_much)
        .await
        .unwrap_err();
    assert_eq!(problem(&error), ProblemKind::Validation);
    assert_eq!(error.status().unwrap().as_u16(), 400);
    assert!(error.problem().unwrap().instance.is_some());
}

#[tokio::test]
async fn bills_documents_transactions_and_reservations() {
    let (_sandbox, payex) = start().await;
    let bills = payex.bills(ACCOUNT).list().all().await.unwrap();
    assert!(bills.len() > 2, "more than one page of bills");
    let id = bills[0].id.as_deref().unwrap().rsplit('/').next().unwrap();
    let bill = payex.bills(ACCOUNT).get(id).await.unwrap();
    assert_eq!(bill.bill_no, bills[0].bill_no);

    let mut pdf = Vec::new();
    let bytes = payex
        .bills(ACCOUNT)
        .document(id)
        .download_to(&mut pdf)
        .await
        .unwrap();
    assert_eq!(bytes as usize, pdf.len());
    assert!(pdf.starts_with(b"%PDF-"));
    let mut again = Vec::new();
    payex
        .follow_document(bill.document.as_deref().unwrap())
        .download_to(&mut again)
        .await
        .unwrap();
    assert!(again == pdf);

    let month = payex
        .transactions(ACCOUNT)
        .list()
        .month("2026-10".parse().unwrap())
        .all()
        .await
        .unwrap();
    assert!(!month.is_empty());
    let range = payex
        .transactions(ACCOUNT)
        .list()
        .between(date!(2026 - 10 - 01), date!(2026 - 10 - 31))
        .all()
        .await
        .unwrap();
    assert_eq!(range, month);
    assert!(
        month
            .iter()
            .all(|t| t.date.is_some_and(|d| d.month() == time::Month::October))
    );
    payex.transactions(ACCOUNT).list().all().await.unwrap();
    let reservations = payex.reservations(ACCOUNT).all().await.unwrap();
    assert!(!reservations.is_empty());
}

#[tokio::test]
async fn cards_and_their_problems() {
    let (_sandbox, payex) = start().await;
    let cards = payex.cards(ACCOUNT);
    let before = cards.list().all().await.unwrap();

    cards
        .add(&new_card(
            "7c0f0c1e-1111-4111-8111-000000000001",
            "19101010-1010",
        ))
        .await
        .unwrap();
    let error = cards
        .add(&new_card(
            "7c0f0c1e-1111-4111-8111-000000000001",
            "19101010-1010",
        ))
        .await
        .unwrap_err();
    assert_eq!(problem(&error), ProblemKind::DuplicateCardToken);
    let error = cards
        .add(&new_card(
            "7c0f0c1e-1111-4111-8111-000000000002",
            "19101010-1011",
        ))
        .await
        .unwrap_err();
    assert_eq!(problem(&error), ProblemKind::InvalidRegNo);

    cards
        .add_replacement(
            "7c0f0c1e-1111-4111-8111-000000000001",
            &new_card("7c0f0c1e-1111-4111-8111-000000000003", "19101010-1010"),
        )
        .await
        .unwrap();
    let added = cards
        .get("7c0f0c1e-1111-4111-8111-000000000003")
        .await
        .unwrap();
    assert_eq!(added.pan_trunc.as_deref(), Some("547912******7777"));
    assert!(cards.list().all().await.unwrap().len() > before.len());

    cards
        .update(
            "7c0f0c1e-1111-4111-8111-000000000003",
            &CardUpdate::new().with_deleted(true),
        )
        .await
        .unwrap();
    let error = cards
        .update(
            "7c0f0c1e-1111-4111-8111-000000000003",
            &CardUpdate::new().with_main_card(true),
        )
        .await
        .unwrap_err();
    assert_eq!(problem(&error), ProblemKind::CardUpdateFailed);
    let error = cards.get("no-such-card").await.unwrap_err();
    assert_eq!(problem(&error), ProblemKind::CardNotFound);

    let error = payex.accounts().get("9999999").await.unwrap_err();
    assert_eq!(problem(&error), ProblemKind::AccountNotFound);
    let error = payex
        .accounts()
        .list()
        .customer_no("no-such-customer")
        .all()
        .await
        .unwrap_err();
    assert_eq!(problem(&error), ProblemKind::CustomerDoesNotExist);
}

#[tokio::test]
async fn recurring_payments_and_payment_orders() {
    let (_sandbox, payex) = start().await;
    let recurring = payex.recurring_payments(ACCOUNT);
    recurring.get().await.unwrap();
    recurring.delete().await.unwrap();
    let error = recurring.get().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused, "{error:?}");
    assert!(ProblemKind::of(&error).is_some(), "{error:?}");
    assert_eq!(error.category(), Category::NotFound, "{error:?}");
    assert_eq!(error.status().unwrap().as_u16(), 404);

    let create = RecurringPaymentConfigurationCreate::new(
        PaymentMethod::Autogiro,
        PaymentScope::FixedRecurring,
    )
    .with_fixed_amount(Decimal::new(123450, 2));
    recurring.create(&create).await.unwrap();
    let config = recurring.get().await.unwrap();
    assert_eq!(config.fixed_amount.unwrap().to_string(), "1234.50");
    let update =
        RecurringPaymentConfigurationUpdate::new().with_payment_scope(PaymentScope::TotalDebt);
    recurring.update(&update).await.unwrap();
    assert_eq!(
        recurring.get().await.unwrap().payment_scope,
        Some(PaymentScope::TotalDebt)
    );

    let orders = payex.active_payment_orders(ACCOUNT).all().await.unwrap();
    assert!(
        orders
            .iter()
            .all(|o| o.payment_method == Some(PaymentMethod::Autogiro))
    );
}

#[tokio::test]
async fn a_wrong_token_is_a_401_problem_and_never_printed() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let payex = PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(credentials::PAYEX_LEDGER)
        .token(SecretString::from("not-the-sandbox-token"))
        .build()
        .unwrap();
    let error = payex.accounts().get(ACCOUNT).await.unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 401);
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::Unauthorized);
    assert!(!format!("{error} {error:?}").contains("not-the-sandbox-token"));
}

#[tokio::test]
async fn request_close_makes_the_account_pending_close() {
    let (_sandbox, payex) = start().await;
    let account = payex.accounts().get(ACCOUNT).await.unwrap();
    assert!(
        account.find_operation("request-close-account").is_some(),
        "the account advertises the operation: {:?}",
        account.operation
    );
    assert_ne!(account.status, Some(AccountStatus::PendingClose));
    payex.accounts().request_close(ACCOUNT).await.unwrap();
    let account = payex.accounts().get(ACCOUNT).await.unwrap();
    assert_eq!(account.status, Some(AccountStatus::PendingClose));

    let error = payex.accounts().request_close("9999999").await.unwrap_err();
    assert_eq!(problem(&error), ProblemKind::AccountNotFound);
    assert_eq!(error.category(), Category::NotFound);
}
