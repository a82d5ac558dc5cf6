//! Every JSON example of the PayEx Ledger Account API document (trailing commas fixed) decodes
//! into the generated types and re-encodes: amounts digit for digit, unknown enum values kept.

#![cfg(feature = "payex")]

mod support;

use mypages_models::Currency;
use mypages_models::payex::*;
use support::{Fixtures, dec};

const PAYEX: Fixtures = Fixtures("payex");

#[test]
fn accounts_list() {
    let (list, json): (AccountList, _) = PAYEX.round_trip("accounts_list_200");
    insta::assert_snapshot!("payex_accounts_list_200", json);
    assert_eq!(list.items.len(), 1);
    let account = &list.items[0];
    assert_eq!(account.account_no, "1234567");
    assert_eq!(account.credit_limit, Some(dec("2000.00")));
    assert_eq!(account.currency, Some(Currency::Sek));
    assert!(json.contains("\"creditLimit\": 2000.00"), "{json}");
    assert!(json.contains("\"totalBalance\": -1900.0"), "{json}");
    // The document's placeholder status is not a known value: it survives verbatim.
    assert!(
        json.contains("\"status\": \"Open | PendingClose | Closed\""),
        "{json}"
    );
    let navigation = list.navigation.as_ref().unwrap();
    assert_eq!(
        navigation.first.as_deref(),
        Some("/ledger/account/v1/XXX/accounts?skip=0")
    );
    assert_eq!(navigation.next, None);
}

#[test]
fn account_get() {
    let (account, json): (Account, _) = PAYEX.round_trip("account_get_200");
    insta::assert_snapshot!("payex_account_get_200", json);
    assert_eq!(account.max_payment_amount, Some(dec("51900.0")));
    assert_eq!(
        account.interest_rate.as_ref().unwrap().debt_interest,
        Some(dec("10.00"))
    );
    assert_eq!(
        account.bank_payment.as_ref().unwrap().bank_account_type,
        Some(BankAccountType::Bgse)
    );
    assert_eq!(
        account.open_bill.as_deref(),
        Some("/ledger/account/v1/XXX/accounts/NNN/bills/reminder-456")
    );
    assert_eq!(account.operation.as_ref().unwrap().len(), 4);
    assert!(json.contains("\"debtInterest\": 10.00"), "{json}");
}

#[test]
fn account_extremes_keep_every_digit_and_unknown_values() {
    let (account, json): (Account, _) = PAYEX.round_trip("account_extremes_200");
    insta::assert_snapshot!("payex_account_extremes_200", json);
    assert_eq!(account.status, Some(AccountStatus::PendingClose));
    assert_eq!(account.currency, Some(Currency::Nok));
    assert!(json.contains("-79228162514264337593543950335"), "{json}");
    assert!(json.contains("0.0000000000000000000000000001"), "{json}");
    assert!(json.contains("1234567890123456789012345.678"), "{json}");
    assert_eq!(account.available_amount, Some(dec("12.50")));
    assert!(json.contains("\"FIKONO\""), "{json}");
    assert_eq!(account.open_bill, None);
}

#[test]
fn account_update_requests() {
    let (update, json): (AccountUpdate, _) =
        PAYEX.round_trip("account_update_charity_donation_request");
    insta::assert_snapshot!("payex_account_update_charity_donation_request", json);
    assert_eq!(update.charity_donation, Some(false));
    assert_eq!(update.credit_limit, None);
    let (update, json): (AccountUpdate, _) =
        PAYEX.round_trip("account_update_credit_limit_request");
    insta::assert_snapshot!("payex_account_update_credit_limit_request", json);
    assert_eq!(update.credit_limit, Some(dec("2000.00")));
    assert!(json.contains("2000.00"));
    assert!(
        !json.contains("charityDonation"),
        "unset fields are left out: {json}"
    );
}

#[test]
fn register_psp_payment_request() {
    let (payment, json): (PspPayment, _) = PAYEX.round_trip("register_psp_payment_request");
    insta::assert_snapshot!("payex_register_psp_payment_request", json);
    assert_eq!(payment.amount, dec("2000.00"));
    assert_eq!(payment.payment_date, time::macros::date!(2021 - 01 - 01));
    assert_eq!(payment.source_psp_payment_transaction_id, "123456789");
    assert!(json.contains("\"Amount\": 2000.00"), "{json}");
    let lower: PspPayment = serde_json::from_str(
        r#"{"amount":1.5,"paymentDate":"2021-01-01","sourcePspPaymentTransactionId":"x"}"#,
    )
    .unwrap();
    assert_eq!(lower.amount, dec("1.5"));
}

#[test]
fn bills() {
    let (list, json): (BillList, _) = PAYEX.round_trip("bills_list_200");
    insta::assert_snapshot!("payex_bills_list_200", json);
    assert_eq!(list.items.len(), 3);
    assert_eq!(list.items[0].bill_type, Some(BillType::Reminder1));
    assert_eq!(list.items[0].status, Some(BillStatus::Open));
    assert_eq!(list.items[1].bill_type, Some(BillType::Bill));
    assert_eq!(list.items[1].active_payment_details, None);
    let details = list.items[0].active_payment_details.as_ref().unwrap();
    assert_eq!(details.minimum_amount_to_be_payed, Some(dec("240.00")));
    assert_eq!(details.payment_orders_exists, Some(true));
    assert!(json.contains("\"billAmount\": 240.00"), "{json}");

    let (bill, json): (Bill, _) = PAYEX.round_trip("bill_get_200");
    insta::assert_snapshot!("payex_bill_get_200", json);
    assert_eq!(bill.bill_no.as_deref(), Some("124645"));
    assert_eq!(
        bill.document.as_deref(),
        Some("/ledger/account/v1/XXX/accounts/NNN/bills/reminder-124645/document")
    );
}

#[test]
fn cards() {
    for name in ["card_add_request", "card_add_replacement_request"] {
        let (card, json): (CardRegistration, _) = PAYEX.round_trip(name);
        insta::assert_snapshot!(format!("payex_{name}"), json);
        assert_eq!(card.pan_trunc.as_deref(), Some("85479*********648"));
        assert_eq!(card.token.expose(), "954c8699-b38f-47a2-b568-668b8837dad8");
        let debug = format!("{card:?}");
        assert!(
            !debug.contains("954c8699"),
            "the card token must not reach Debug: {debug}"
        );
        assert!(
            !debug.contains("19101010-1010"),
            "the identity number must not reach Debug: {debug}"
        );
    }

    let (list, json): (CardList, _) = PAYEX.round_trip("cards_list_200");
    insta::assert_snapshot!("payex_cards_list_200", json);
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.items[1].main_card, Some(false));
    assert_eq!(
        list.view.as_ref().unwrap().next.as_deref(),
        Some("/ledger/account/v1/XXX/accounts/NNN/cards?$top=2&$skip=2")
    );

    let (card, json): (Card, _) = PAYEX.round_trip("card_get_200");
    insta::assert_snapshot!("payex_card_get_200", json);
    assert_eq!(
        card.parent_href.as_deref(),
        Some("/ledger/account/v1/XXX/accounts/NNN")
    );
    assert_eq!(
        card.operation.as_ref().unwrap()[1].rel.as_deref(),
        Some("add-replacement-card")
    );

    let (card, json): (Card, _) = PAYEX.round_trip("card_lowercase_pan_trunc_200");
    insta::assert_snapshot!("payex_card_lowercase_pan_trunc_200", json);
    assert_eq!(card.pan_trunc.as_deref(), Some("78979*********321"));
    assert_eq!(card.deleted, Some(true));
}

#[test]
fn transactions() {
    let (list, json): (TransactionList, _) = PAYEX.round_trip("transactions_list_200");
    insta::assert_snapshot!("payex_transactions_list_200", json);
    assert_eq!(list.items.len(), 3);
    assert_eq!(list.items[0].r#type, Some(TransactionType::Payment));
    assert_eq!(
        list.items[1].description.as_deref(),
        Some("testbutiken, köpref. 12345689")
    );
    assert_eq!(list.items[2].r#type, Some(TransactionType::Credit));
    assert!(json.contains("\"amount\": 200.00"), "{json}");

    let (list, json): (TransactionList, _) = PAYEX.round_trip("transactions_unknown_type_200");
    insta::assert_snapshot!("payex_transactions_unknown_type_200", json);
    assert!(json.contains("\"CashbackBonus\""), "{json}");
    assert_eq!(list.items[1].r#type, Some(TransactionType::MigratedBalance));
    assert_eq!(list.items[0].amount, Some(dec("-0.01")));
}

#[test]
fn reservations() {
    let (list, json): (ReservationList, _) = PAYEX.round_trip("reservations_list_201");
    insta::assert_snapshot!("payex_reservations_list_201", json);
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.items[1].amount, Some(dec("450.00")));
    assert!(json.contains("\"amount\": 450.00"), "{json}");
}

#[test]
fn recurring_payment_configuration() {
    let (config, json): (RecurringPaymentConfiguration, _) =
        PAYEX.round_trip("recurring_payment_configuration_get_200");
    insta::assert_snapshot!("payex_recurring_payment_configuration_get_200", json);
    assert_eq!(config.payment_method, Some(PaymentMethod::Autogiro));
    assert_eq!(config.payment_scope, Some(PaymentScope::FixedRecurring));
    assert_eq!(config.fixed_amount, Some(dec("1500.00")));

    let (create, json): (RecurringPaymentConfigurationCreate, _) =
        PAYEX.round_trip("recurring_payment_configuration_create_request");
    insta::assert_snapshot!("payex_recurring_payment_configuration_create_request", json);
    assert_eq!(create.payment_scope, PaymentScope::BilledAmount);
    assert!(json.contains("\"fixedAmount\": 0.00"), "{json}");

    let (update, json): (RecurringPaymentConfigurationUpdate, _) =
        PAYEX.round_trip("recurring_payment_configuration_update_request");
    insta::assert_snapshot!("payex_recurring_payment_configuration_update_request", json);
    assert_eq!(update.payment_method, None);
    assert_eq!(update.fixed_amount, Some(dec("0.00")));
}

#[test]
fn active_payment_orders() {
    let (list, json): (ActivePaymentOrderList, _) =
        PAYEX.round_trip("active_payment_orders_list_200");
    insta::assert_snapshot!("payex_active_payment_orders_list_200", json);
    assert_eq!(
        list.items[0].execute_date,
        Some(time::macros::date!(2020 - 02 - 15))
    );
    assert_eq!(list.items[0].amount, Some(dec("200.00")));
    assert!(list.view.as_ref().unwrap().next.is_some());
}

#[test]
fn problems() {
    let (problem, json): (Problem, _) = PAYEX.round_trip("problem_validation_400");
    insta::assert_snapshot!("payex_problem_validation_400", json);
    assert_eq!(problem.r#type.as_deref(), Some("ledger.account.validation"));
    assert_eq!(problem.status, Some(400));
    let problems = problem.problems.as_ref().unwrap();
    assert!(problems[0]["amount"].starts_with("Expected value between"));

    let (problem, json): (Problem, _) = PAYEX.round_trip("problem_account_not_found_lowercase_404");
    insta::assert_snapshot!("payex_problem_account_not_found_lowercase_404", json);
    assert_eq!(
        problem.instance.as_deref(),
        Some("9d1c4e55-0b1f-4c1e-a4a4-5b0e7e0d1f00")
    );
}

#[test]
fn unknown_enum_values_survive() {
    let bill: Bill = serde_json::from_str(
        r#"{"billNo":"1","billAmount":1,"billType":"Reminder3","status":"Disputed"}"#,
    )
    .unwrap();
    let json = serde_json::to_string(&bill).unwrap();
    assert!(
        json.contains("\"Reminder3\"") && json.contains("\"Disputed\""),
        "{json}"
    );
    let config: RecurringPaymentConfiguration =
        serde_json::from_str(r#"{"paymentMethod":"AUTOGIRO","paymentScope":"weekly"}"#).unwrap();
    assert_eq!(config.payment_method, Some(PaymentMethod::Autogiro));
    assert!(
        serde_json::to_string(&config)
            .unwrap()
            .contains("\"weekly\"")
    );
}
