//! The shared wire forms: exact decimals, open enums, sensitive values, dates.

use std::collections::BTreeMap;

use mypages_models::{Currency, Decimal, Sensitive};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Amount {
    #[serde(with = "mypages_models::decimal")]
    value: Decimal,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Amounts {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "mypages_models::decimal::option"
    )]
    maybe: Option<Decimal>,
    #[serde(with = "mypages_models::decimal::vec")]
    list: Vec<Decimal>,
    #[serde(with = "mypages_models::decimal::map")]
    by_name: BTreeMap<String, Decimal>,
}

fn round_trip_amount(json: &str) -> String {
    let amount: Amount = serde_json::from_str(json).expect("a decimal amount");
    serde_json::to_string(&amount).expect("serializable")
}

#[test]
fn decimals_round_trip_digit_for_digit() {
    for number in [
        "2000.00",
        "79228162514264337593543950335",
        "-79228162514264337593543950335",
        "-12345678901234567.89",
        "0.0000000000000000000000000001",
        "-0.50",
        "0",
        "12",
    ] {
        let json = format!(r#"{{"value":{number}}}"#);
        assert_eq!(
            round_trip_amount(&json),
            json,
            "{number} must keep every digit"
        );
    }
}

#[test]
fn decimals_keep_their_scale_as_values() {
    let amount: Amount = serde_json::from_str(r#"{"value":2000.00}"#).unwrap();
    assert_eq!(amount.value.scale(), 2);
    assert_eq!(amount.value, Decimal::new(200_000, 2));
}

#[test]
fn decimals_accept_scientific_notation_and_strings() {
    assert_eq!(round_trip_amount(r#"{"value":1.5e3}"#), r#"{"value":1500}"#);
    assert_eq!(round_trip_amount(r#"{"value":1E-2}"#), r#"{"value":0.01}"#);
    assert_eq!(
        round_trip_amount(r#"{"value":-2.5E+1}"#),
        r#"{"value":-25}"#
    );
    assert_eq!(
        round_trip_amount(r#"{"value":"12.50"}"#),
        r#"{"value":12.50}"#
    );
    assert_eq!(
        round_trip_amount(r#"{"value":" -7.10 "}"#),
        r#"{"value":-7.10}"#
    );
}

#[test]
fn decimals_reject_what_they_cannot_hold_exactly() {
    for json in [
        r#"{"value":79228162514264337593543950336}"#,
        r#"{"value":0.12345678901234567890123456789}"#,
        r#"{"value":1e400}"#,
        r#"{"value":true}"#,
        r#"{"value":null}"#,
        r#"{"value":"twelve"}"#,
        r#"{"value":""}"#,
        r#"{"value":[1]}"#,
        r#"{"value":{"amount":1}}"#,
    ] {
        let error = serde_json::from_str::<Amount>(json).unwrap_err();
        assert!(!error.to_string().is_empty(), "{json}");
    }
    let error =
        serde_json::from_str::<Amount>(r#"{"value":79228162514264337593543950336}"#).unwrap_err();
    assert!(
        error.to_string().contains("28 significant digits"),
        "{error}"
    );
}

#[test]
fn decimal_lifts_handle_null_missing_lists_and_maps() {
    let json = r#"{"maybe":null,"list":[1.10,-2.200,3e2],"by_name":{"fee":0.50,"total":100.00}}"#;
    let amounts: Amounts = serde_json::from_str(json).unwrap();
    assert_eq!(amounts.maybe, None);
    assert_eq!(
        serde_json::to_string(&amounts).unwrap(),
        r#"{"list":[1.10,-2.200,300],"by_name":{"fee":0.50,"total":100.00}}"#
    );
    let amounts: Amounts =
        serde_json::from_str(r#"{"maybe":"5.00","list":[],"by_name":{}}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&amounts).unwrap(),
        r#"{"maybe":5.00,"list":[],"by_name":{}}"#
    );
    let amounts: Amounts = serde_json::from_str(r#"{"list":[],"by_name":{}}"#).unwrap();
    assert_eq!(amounts.maybe, None);
}

#[test]
fn currency_decodes_case_insensitively_and_writes_the_code() {
    let currency: Currency = serde_json::from_str(r#""sek""#).unwrap();
    assert_eq!(currency, Currency::Sek);
    assert_eq!(serde_json::to_string(&currency).unwrap(), r#""SEK""#);
    assert_eq!(Currency::from("Nok"), Currency::Nok);
    assert_eq!("eur".parse::<Currency>().unwrap(), Currency::Eur);
    assert_eq!(Currency::Dkk.to_string(), "DKK");
    assert_eq!(Currency::Dkk.as_str(), "DKK");
}

#[test]
fn unknown_enum_values_survive_a_round_trip_verbatim() {
    for wire in ["xbt", "XAU", "Kronor", ""] {
        let json = serde_json::to_string(wire).unwrap();
        let currency: Currency = serde_json::from_str(&json).unwrap();
        assert_eq!(currency, Currency::Unknown(wire.to_owned()));
        assert!(currency.is_unknown());
        assert_eq!(serde_json::to_string(&currency).unwrap(), json);
        assert_eq!(currency.to_string(), wire);
    }
    assert!(serde_json::from_str::<Currency>("12").is_err());
    assert!(serde_json::from_str::<Currency>("null").is_err());
}

#[test]
fn sensitive_values_are_redacted_in_debug_and_serialized_as_they_are() {
    #[derive(Debug, Serialize, Deserialize)]
    struct Login {
        user: String,
        token: Sensitive<String>,
    }
    let login: Login = serde_json::from_str(r#"{"user":"ann","token":"s3cr3t-t0ken"}"#).unwrap();
    let debug = format!("{login:?} {login:#?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert_eq!(login.token.expose(), "s3cr3t-t0ken");
    assert_eq!(
        serde_json::to_string(&login).unwrap(),
        r#"{"user":"ann","token":"s3cr3t-t0ken"}"#
    );
    assert_eq!(Sensitive::new(7).into_inner(), 7);
}

#[test]
fn a_sensitive_value_of_the_wrong_type_is_not_quoted_in_the_error() {
    #[derive(Debug, Deserialize)]
    struct Person {
        #[allow(dead_code)] // Only decoded.
        national_id: Sensitive<String>,
    }
    let error = serde_json::from_str::<Person>(r#"{"national_id":198001011234}"#)
        .unwrap_err()
        .to_string();
    assert!(!error.contains("198001011234"), "{error}");
    assert!(error.contains("sensitive value"), "{error}");
}

#[test]
fn a_sensitive_value_is_never_quoted_whatever_is_wrong_with_it() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // Only decoded.
    enum Kind {
        Known,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // Only decoded.
    struct Secrets {
        number: Option<Sensitive<i64>>,
        kind: Option<Sensitive<Kind>>,
        text: Option<Sensitive<String>>,
    }
    for json in [
        r#"{"number":"s3cr3t-value"}"#,
        r#"{"number":12.5e3}"#,
        r#"{"kind":"s3cr3t-value"}"#,
        r#"{"kind":{"s3cr3t-value":1}}"#,
        r#"{"text":["s3cr3t-value"]}"#,
        r#"{"text":{"s3cr3t-value":"s3cr3t-value"}}"#,
        r#"{"text":true}"#,
    ] {
        let error = serde_json::from_str::<Secrets>(json)
            .unwrap_err()
            .to_string();
        assert!(error.contains("sensitive value"), "{json}: {error}");
        assert!(
            !error.contains("s3cr3t") && !error.contains("12.5") && !error.contains("true"),
            "{json}: {error}"
        );
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let error = serde_json::from_value::<Secrets>(value)
            .unwrap_err()
            .to_string();
        assert!(error.contains("sensitive value"), "{json}: {error}");
        assert!(!error.contains("s3cr3t"), "{json}: {error}");
    }
}

#[test]
fn errors_that_do_not_quote_a_sensitive_value_are_passed_on_unchanged() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // Only decoded.
    struct Card {
        token: Sensitive<String>,
        holder: Option<Sensitive<String>>,
    }
    let error = serde_json::from_str::<Card>("{}").unwrap_err().to_string();
    assert!(error.contains("missing field `token`"), "{error}");
    let error = serde_json::from_value::<Card>(serde_json::json!({}))
        .unwrap_err()
        .to_string();
    assert!(error.contains("missing field `token`"), "{error}");
    let error = serde_json::from_str::<Card>(r#"{"token":"abc\qdef"}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("invalid escape"), "{error}");
    assert!(!error.contains("abc"), "{error}");
    let error = serde_json::from_str::<Card>(r#"{"token":"abc"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("EOF"), "{error}");
    let card: Card = serde_json::from_str(r#"{"token":"t"}"#).unwrap();
    assert!(card.holder.is_none());
    assert_eq!(card.token.expose(), "t");
}

#[test]
fn dates_read_leniently_and_write_canonically() {
    #[derive(Debug, Serialize, Deserialize)]
    struct Dates {
        #[serde(with = "mypages_models::date")]
        due: time::Date,
        #[serde(with = "mypages_models::date_time")]
        at: time::OffsetDateTime,
        #[serde(default, with = "mypages_models::date_time::option")]
        maybe: Option<time::OffsetDateTime>,
    }
    let dates: Dates = serde_json::from_str(
        r#"{"due":"2021-11-27T16:30:11.848Z","at":"2021-11-27T16:30:11.848Z","maybe":null}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&dates).unwrap(),
        r#"{"due":"2021-11-27","at":"2021-11-27T16:30:11.848Z","maybe":null}"#
    );
    let dates: Dates = serde_json::from_str(
        r#"{"due":"2018-12-05","at":"2020-12-08T09:19:42","maybe":"2019-10-09"}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&dates).unwrap(),
        r#"{"due":"2018-12-05","at":"2020-12-08T09:19:42Z","maybe":"2019-10-09T00:00:00Z"}"#
    );
    let offset: Dates =
        serde_json::from_str(r#"{"due":"2018-12-05","at":"2020-12-08T10:19:42+01:00"}"#).unwrap();
    assert_eq!(offset.at, time::macros::datetime!(2020-12-08 09:19:42 UTC));
    for bad in [
        r#"{"due":"05/12/2018","at":"2020-12-08T09:19:42Z"}"#,
        r#"{"due":"2018-13-05","at":"2020-12-08T09:19:42Z"}"#,
        r#"{"due":"2018-12-05","at":"noon"}"#,
        r#"{"due":20181205,"at":"2020-12-08T09:19:42Z"}"#,
    ] {
        let error = serde_json::from_str::<Dates>(bad).unwrap_err().to_string();
        assert!(error.contains("expected"), "{bad}: {error}");
    }
}
