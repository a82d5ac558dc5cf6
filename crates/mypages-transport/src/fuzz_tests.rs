//! Arbitrary input to every decoder and parser of the crate: no panic.

use bytes::Bytes;
use http::StatusCode;
use proptest::prelude::*;

use crate::base_url::BaseUrl;
use crate::endpoint::decode_json;
use crate::problem::Problem;

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
            "\"[^\"\\\\]{0,8}\"",
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
            let _ = base.join(&path);
        }
        let _ = base.join(&link);
    }
}
