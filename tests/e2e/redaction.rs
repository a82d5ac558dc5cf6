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
    let bad_id = Bytes::from_static(br#""19121212-1212""#);
    assert_hidden(
        decode_json::<AccountId>("get", StatusCode::OK, &bad_id),
        "account id",
    );
}
