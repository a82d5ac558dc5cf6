//! Every JSON example of Avarda's MyPages documents (the accounts 200 and 202 examples, the
//! lowercase `"paid"` of `/Pay/Status`) plus the shapes RESEARCH.md says to accept (an accounts
//! array, invoices, token and pay answers) decodes into the avarda types and re-encodes:
//! amounts digit for digit, unknown enum values kept, both accounts shapes.

#![cfg(feature = "avarda")]

mod support;

use mypages_models::Decimal;
use mypages_models::avarda::*;
use support::{Fixtures, dec};

const AVARDA: Fixtures = Fixtures("avarda");

#[test]
fn documented_account_example_decodes_as_a_single_account() {
    let (list, json) = AVARDA.round_trip::<AccountList>("accounts_200_documented");
    let AccountList::One(account) = &list else {
        panic!("the documented example is one object: {list:?}");
    };
    assert_eq!(account.id.as_deref(), Some("string"));
    assert_eq!(account.currency, CurrencyCode::Sek);
    assert_eq!(account.r#type, AccountType::Invoice);
    assert_eq!(account.state, PaymentStatusType::Unpaid);
    assert_eq!(account.balance, Decimal::ZERO);
    let transactions = account.transactions.as_deref().unwrap();
    assert_eq!(transactions.len(), 1);
    assert_eq!(transactions[0].transaction_type.as_deref(), Some("string"));
    assert_eq!(account.apr_data.as_ref().unwrap().months, Some(0));
    assert_eq!(list.len(), 1);
    // The single object re-encodes as a single object, not as an array.
    assert!(json.trim_start().starts_with('{'), "{json}");
    insta::assert_snapshot!("avarda_accounts_200_documented", json);
}

#[test]
fn documented_strong_authentication_answer_decodes() {
    let (redirect, json) = AVARDA.round_trip::<AuthenticationRedirect>("accounts_202_documented");
    assert_eq!(redirect.redirect_url, "string");
    insta::assert_snapshot!("avarda_accounts_202_documented", json);
}

#[test]
fn accounts_array_keeps_amounts_digit_for_digit_and_unknown_values() {
    let (list, json) = AVARDA.round_trip::<AccountList>("accounts_200_array");
    assert!(matches!(list, AccountList::Many(_)), "{list:?}");
    let accounts = list.as_slice();
    assert_eq!(accounts.len(), 2);

    let loan = &accounts[0];
    assert_eq!(loan.r#type, AccountType::Loan);
    assert_eq!(loan.balance.to_string(), "2000.00");
    assert_eq!(loan.minimum_amount_to_pay, dec("250.50"));
    assert_eq!(
        loan.original_amount.to_string(),
        "12345678901234567890.12345678"
    );
    let apr = loan.apr_data.as_ref().unwrap();
    assert_eq!(apr.months, Some(24));
    assert_eq!(apr.percent.map(|p| p.to_string()).as_deref(), Some("14.95"));

    let other = &accounts[1];
    // Case-insensitive enums: `sek` and `paymentscheduled` are known values.
    assert_eq!(other.currency, CurrencyCode::Sek);
    assert_eq!(other.state, PaymentStatusType::PaymentScheduled);
    // A type Avarda adds later survives verbatim.
    assert_eq!(
        other.r#type,
        AccountType::Unknown("RevolvingCredit".to_owned())
    );
    assert_eq!(other.balance.to_string(), "-0.01");
    assert_eq!(
        other.original_amount.to_string(),
        "1234567890123456789012345678"
    );
    assert!(json.contains("\"RevolvingCredit\""), "{json}");
    assert!(json.contains("12345678901234567890.12345678"), "{json}");
    assert!(json.contains("1234567890123456789012345678"), "{json}");
    assert!(json.contains("someNewField"), "unknown members are kept");
    insta::assert_snapshot!("avarda_accounts_200_array", json);

    assert_eq!(list.into_vec().len(), 2);
}

#[test]
fn invoices_list_decodes_with_nulls_and_unknown_states() {
    let (invoices, json) = AVARDA.round_trip::<Vec<InvoiceSummary>>("invoices_200_list");
    assert_eq!(invoices.len(), 2);
    assert_eq!(
        invoices[0].balance.map(|b| b.to_string()).as_deref(),
        Some("499.00")
    );
    assert_eq!(invoices[0].postponed, Some(serde_json::Value::Bool(false)));
    assert_eq!(invoices[0].scheduled_payment_amount, None);
    assert_eq!(invoices[1].currency, Some(CurrencyCode::Eur));
    assert_eq!(
        invoices[1].balance.map(|b| b.to_string()).as_deref(),
        Some("0.10")
    );
    assert_eq!(
        invoices[1].state,
        Some(PaymentStatusType::Unknown("Reminder".to_owned()))
    );
    insta::assert_snapshot!("avarda_invoices_200_list", json);
}

#[test]
fn invoice_details_reads_a_summary_too() {
    let text = AVARDA.text("invoices_200_list");
    let raw: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(&text).unwrap();
    let details: InvoiceDetails = serde_json::from_str(raw[0].get()).unwrap();
    assert_eq!(details.id, "inv-1001");
    assert_eq!(details.transactions, None);
}

#[test]
fn pay_status_is_read_case_insensitively() {
    let (status, json) = AVARDA.round_trip::<PayStatus>("pay_status_lowercase");
    assert_eq!(status.state, PaymentState::Paid);
    insta::assert_snapshot!("avarda_pay_status_lowercase", json);
    for (text, state) in [
        ("Paid", PaymentState::Paid),
        ("UNPAID", PaymentState::Unpaid),
        ("timedout", PaymentState::TimedOut),
        ("cancelled", PaymentState::Cancelled),
    ] {
        let status: PayStatus = serde_json::from_str(&format!(r#"{{"state":"{text}"}}"#)).unwrap();
        assert_eq!(status.state, state, "{text}");
    }
    let status: PayStatus = serde_json::from_str(r#"{"state":"Refunded"}"#).unwrap();
    assert_eq!(status.state, PaymentState::Unknown("Refunded".to_owned()));
    assert_eq!(
        serde_json::to_string(&status).unwrap(),
        r#"{"state":"Refunded"}"#
    );
}

#[test]
fn pay_session_hides_its_jwt_from_debug() {
    let (session, json) = AVARDA.round_trip::<PaySession>("pay_200");
    assert_eq!(session.purchase_id, "b4e3f9e0a1c2");
    assert!(session.jwt.expose().starts_with("eyJ"));
    assert!(!format!("{session:?}").contains("eyJ"));
    insta::assert_snapshot!("avarda_pay_200", json);
}

#[test]
fn partner_token_hides_its_token_from_debug() {
    let (token, json) = AVARDA.round_trip::<PartnerAccessToken>("token_200");
    assert_eq!(
        token.token_expiration_utc.map(|t| t.unix_timestamp()),
        Some(1_795_302_798)
    );
    assert!(!format!("{token:?}").contains("eyJ"));
    insta::assert_snapshot!("avarda_token_200", json);
}

#[test]
fn pay_request_sends_the_language_as_given() {
    let request = PayRequest::new("3f2b6c1e".to_owned()).with_language(PayLanguage::SWEDISH);
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"language":1,"accountId":"3f2b6c1e"}"#
    );
    let request =
        PayRequest::new("3f2b6c1e".to_owned()).with_language(PayLanguage::Name("Swedish".into()));
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"language":"Swedish","accountId":"3f2b6c1e"}"#
    );
    let read: PayRequest = serde_json::from_str(r#"{"language":"sv","accountId":"a"}"#).unwrap();
    assert_eq!(read.language, Some(PayLanguage::Name("sv".to_owned())));
    let read: PayRequest = serde_json::from_str(r#"{"language":3,"accountId":"a"}"#).unwrap();
    assert_eq!(read.language, Some(PayLanguage::NORWEGIAN));
}

#[test]
fn token_request_hides_the_client_secret() {
    let request = TokenRequest::new("merchant".to_owned(), "s3cr3t".to_owned().into());
    assert!(!format!("{request:?}").contains("s3cr3t"));
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"clientId":"merchant","clientSecret":"s3cr3t"}"#
    );
}

#[test]
fn accounts_list_rejects_other_shapes_with_a_clear_message() {
    let err = serde_json::from_str::<AccountList>("\"nope\"").unwrap_err();
    assert!(err.to_string().contains("AccountList"), "{err}");
}
