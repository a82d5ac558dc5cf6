//! Arbitrary input to every decoder and parser of the crate: no panic.

use bytes::Bytes;
use http::StatusCode;
use proptest::prelude::*;

use crate::base_url::BaseUrl;
use crate::endpoint::decode_json;
use crate::problem::Problem;
use crate::retry::RetryPolicy;

/// JSON-ish text: braces, quotes, problem member names in several casings, numbers.
fn json_ish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just(",".to_owned()),
            Just(":".to_owned()),
            Just("\"Type\"".to_owned()),
            Just("\"title\"".to_owned()),
            Just("\"STATUS\"".to_owned()),
            Just("\"Problems\"".to_owned()),
            Just("\"name\"".to_owned()),
            Just("null".to_owned()),
            any::<i64>().prop_map(|n| n.to_string()),
            // Strings with escapes and stray quotes and backslashes too.
            "\"([^\"\\\\]|\\\\[\"\\\\/bfnrtu]|[\"\\\\]){0,8}\"",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn problems_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), text in json_ish()) {
        let _ = Problem::from_json(&bytes);
        let _ = Problem::from_json(text.as_bytes());
    }

    #[test]
    fn json_decoding_never_panics(text in json_ish(), bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
        for body in [Bytes::from(text), Bytes::from(bytes)] {
            let _ = decode_json::<serde_json::Value>("fuzz", StatusCode::OK, &body);
            let _ = decode_json::<Vec<u32>>("fuzz", StatusCode::OK, &body);
            let _ = decode_json::<std::collections::HashMap<String, Option<bool>>>("fuzz", StatusCode::OK, &body);
        }
    }

    #[test]
    fn urls_and_links_never_panic(base in "\\PC{0,40}", link in "\\PC{0,40}") {
        let _ = BaseUrl::parse(&base);
        let base = BaseUrl::parse("http://127.0.0.1:7070/payex").map_err(|e| TestCaseError::fail(e.to_string()))?;
        if let Ok(path) = base.resolve_link(&link) {
            // A resolved link never leaves the configured origin.
            if let Ok(uri) = base.join(&path) {
                prop_assert_eq!(uri.authority().map(|a| a.as_str()), Some("127.0.0.1:7070"));
                prop_assert_eq!(uri.scheme_str(), Some("http"));
            }
        }
        let _ = base.join(&link);
    }

    #[test]
    fn retry_after_never_panics(value in prop_oneof![
        "\\PC{0,40}",
        any::<u64>().prop_map(|n| n.to_string()),
        Just("18446744073709551616".to_owned()),
        Just("Sun, 06 Nov 1994 08:49:37 GMT".to_owned()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_owned()),
    ]) {
        if let Ok(value) = http::HeaderValue::from_str(&value) {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::RETRY_AFTER, value);
            for cap in [std::time::Duration::ZERO, std::time::Duration::MAX] {
                let _ = RetryPolicy::default().max_retry_after(cap).retry_after(&headers);
            }
        }
    }

    #[test]
    fn decode_errors_never_quote_a_string_value(prefix in "[a-z\"\\\\`' ,]{0,6}", suffix in "[a-z\"\\\\`' ,]{0,6}") {
        // A string where a number belongs: whatever quotes and escapes surround the secret,
        // the message never shows it.
        let value = serde_json::to_string(&format!("{prefix}19121212-1212{suffix}")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let body = Bytes::from(format!("{{\"n\":{value}}}"));
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Number { n: u32 }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        enum Kind { Known }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Variant { n: Kind }
        let errors = [
            decode_json::<Number>("fuzz", StatusCode::OK, &body).err(),
            decode_json::<Variant>("fuzz", StatusCode::OK, &body).err(),
        ];
        for error in errors.into_iter().flatten() {
            prop_assert!(!error.to_string().contains("19121212"), "{}", error);
        }
    }
}
