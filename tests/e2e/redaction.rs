//! The models' own decode errors (dates, date-times, PayFunc ids) reach the caller through
//! the transport's redaction: the offending value, which may be an identity number, is
//! never in the message (issue 14, defect 4).

use http::StatusCode;
use mypages_models::p4p::AccountId;
use mypages_transport::decode_json;
use mypages_transport::reexports::bytes::Bytes;

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Dated {
    #[serde(with = "mypages_models::date")]
    day: time::Date,
    #[serde(with = "mypages_models::date_time")]
    at: time::OffsetDateTime,
}

fn assert_hidden<T: std::fmt::Debug>(result: Result<T, mypages_transport::Error>, what: &str) {
    let error = result.unwrap_err();
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("19121212"), "{what}: {text}");
    }
}

#[test]
fn model_decode_errors_never_quote_the_value() {
    let bad_day = Bytes::from_static(br#"{"day":"19121212-1212","at":"2021-11-27T16:30:11Z"}"#);
    assert_hidden(
        decode_json::<Dated>("get", StatusCode::OK, &bad_day),
        "date",
    );
    let bad_at = Bytes::from_static(br#"{"day":"2021-11-27","at":"19121212-1212"}"#);
    assert_hidden(
        decode_json::<Dated>("get", StatusCode::OK, &bad_at),
        "date-time",
    );
    // The generated models read dates through their own lossless path.
    let bad_due = Bytes::from_static(br#"[{"id":"i","dueDate":"19121212-1212"}]"#);
    assert_hidden(
        decode_json::<Vec<mypages_models::avarda::InvoiceSummary>>("get", StatusCode::OK, &bad_due),
        "generated date-time",
    );
    let bad_id = Bytes::from_static(br#""19121212-1212""#);
    assert_hidden(
        decode_json::<AccountId>("get", StatusCode::OK, &bad_id),
        "account id",
    );
}

/// Answers that are secrets (the spec's `x-secret-answer`: Avarda's partner token, PayFunc's
/// login link and account key) never reach an error, even when they do not decode
/// (issue 14, defect 6, wired through the operation descriptors).
#[tokio::test]
async fn a_secret_answer_that_does_not_decode_is_not_kept_in_the_error() {
    use http::Method;
    use mypages_sandbox::credentials::{AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID, P4P_ACCOUNT_ID};
    use mypages_sandbox::{FaultKind, Provider};

    let sandbox = crate::support::sandbox().await;
    let p4p = crate::support::p4p(&sandbox);
    let account = format!("/account/{P4P_ACCOUNT_ID}/link");
    sandbox.add_fault(crate::support::fault(
        Provider::P4p,
        Method::POST,
        &account,
        FaultKind::Truncate,
    ));
    let error = p4p
        .accounts()
        .create_login_link(AccountId::new(P4P_ACCOUNT_ID).unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        mypages_transport::ErrorKind::Decode,
        "{error}"
    );
    assert!(
        error.body().is_none(),
        "the login link stays out of the error"
    );

    sandbox.add_fault(crate::support::fault(
        Provider::Avarda,
        Method::POST,
        "/auth/token",
        FaultKind::Truncate,
    ));
    let avarda = crate::support::avarda(&sandbox);
    let me = avarda_client::Customer::new(AVARDA_CUSTOMER_TOKEN, avarda_client::TokenProvider::Own);
    let error = avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        mypages_transport::ErrorKind::Decode,
        "{error}"
    );
    assert!(
        error.body().is_none(),
        "the partner token stays out of the error"
    );
}
