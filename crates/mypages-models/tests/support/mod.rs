//! What the provider fixture tests share: the documented examples in
//! `tests/fixtures/<provider>/`, their decode / re-encode round trip, and exact amounts.

#![allow(clippy::unwrap_used)] // Test support: a broken fixture fails the test loudly.

use std::fmt::Debug;

use mypages_models::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The documented examples of one provider: `Fixtures("payex")` reads
/// `tests/fixtures/payex/<name>.json`.
pub(crate) struct Fixtures(pub(crate) &'static str);

impl Fixtures {
    /// The text of the example `name`.
    pub(crate) fn text(&self, name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/{}/{name}.json",
            env!("CARGO_MANIFEST_DIR"),
            self.0
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Decodes the example `name` as `T`, re-encodes it, and checks that decoding the output
    /// gives the same value and the same text again (the round trip is stable). Returns the
    /// value and its pretty JSON.
    pub(crate) fn round_trip<T>(&self, name: &str) -> (T, String)
    where
        T: DeserializeOwned + Serialize + PartialEq + Debug,
    {
        let text = self.text(name);
        let value: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let encoded = serde_json::to_string_pretty(&value).unwrap();
        let again: T =
            serde_json::from_str(&encoded).unwrap_or_else(|e| panic!("{name} again: {e}"));
        assert_eq!(
            again, value,
            "{name}: the re-encoded value decodes differently"
        );
        assert_eq!(
            serde_json::to_string_pretty(&again).unwrap(),
            encoded,
            "{name}: unstable round trip"
        );
        (value, encoded)
    }
}

/// The exact amount written `text`, every digit and the scale kept (`"2000.00"` has scale 2).
pub(crate) fn dec(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|e| panic!("{text} is not a decimal: {e}"))
}
