//! Every generated decoder of every provider, fed arbitrary bytes, arbitrary JSON-ish text and
//! mutated documented examples: no panic, and whatever decodes re-encodes to a stable form.

use std::path::Path;

use mypages_models::RoundTrip;
use proptest::prelude::*;

/// Every generated type of every provider compiled in: (provider, type, round trip).
fn decoders() -> Vec<(&'static str, &'static str, RoundTrip)> {
    let tables: &[(&'static str, &'static [(&'static str, RoundTrip)])] = &[
        #[cfg(feature = "avarda")]
        ("avarda", mypages_models::avarda::ROUND_TRIPS),
        #[cfg(feature = "payex")]
        ("payex", mypages_models::payex::ROUND_TRIPS),
        #[cfg(feature = "p4p")]
        ("p4p", mypages_models::p4p::ROUND_TRIPS),
    ];
    tables
        .iter()
        .flat_map(|(provider, table)| table.iter().map(move |(name, f)| (*provider, *name, *f)))
        .collect()
}

/// Decodes `input` as every type: no panic; what decodes encodes to text that decodes and
/// encodes to the same text again.
fn assert_every_decoder_is_calm(input: &[u8]) -> Result<(), TestCaseError> {
    for (provider, name, round_trip) in decoders() {
        if let Ok(first) = round_trip(input) {
            let second = round_trip(first.as_bytes()).map_err(|e| {
                TestCaseError::fail(format!(
                    "{provider}::{name}: {first} no longer decodes: {e}"
                ))
            })?;
            prop_assert_eq!(&second, &first, "{}::{} is not stable", provider, name);
        }
    }
    Ok(())
}

/// The documented examples the provider tests decode, and the object keys they use.
fn fixtures() -> (Vec<Vec<u8>>, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut documents = Vec::new();
    let mut keys = vec!["id".to_owned(), "@id".to_owned(), "items".to_owned()];
    let providers = std::fs::read_dir(&root).into_iter().flatten().flatten();
    for provider in providers {
        for file in std::fs::read_dir(provider.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let Ok(bytes) = std::fs::read(file.path()) else {
                continue;
            };
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                collect_keys(&value, &mut keys);
            }
            documents.push(bytes);
        }
    }
    documents.sort();
    keys.sort();
    keys.dedup();
    (documents, keys)
}

fn collect_keys(value: &serde_json::Value, keys: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                keys.push(key.clone());
                collect_keys(value, keys);
            }
        }
        serde_json::Value::Array(values) => values.iter().for_each(|v| collect_keys(v, keys)),
        _ => {}
    }
}

/// JSON-ish text: mostly valid JSON built from the providers' own keys and tricky scalars,
/// sometimes cut short.
fn json_ish(keys: Vec<String>) -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        "-?[0-9]{1,30}(\\.[0-9]{0,30})?([eE][-+]?[0-9]{1,3})?",
        Just("79228162514264337593543950336".to_owned()),
        Just("\"2021-11-27T16:30:11.848Z\"".to_owned()),
        Just("\"2018-12-05\"".to_owned()),
        Just("\"12.50\"".to_owned()),
        Just("\"SEK\"".to_owned()),
        "\"[a-zA-Z0-9 ._:+-]{0,12}\"",
        any::<String>().prop_map(|s| serde_json::Value::String(s).to_string()),
    ];
    let key = proptest::sample::select(keys);
    let value = scalar.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec((key.clone(), inner), 0..10).prop_map(|fields| {
                let fields: Vec<String> = fields
                    .into_iter()
                    .map(|(k, v)| format!("{}:{v}", serde_json::Value::String(k)))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    });
    (value, any::<bool>(), any::<prop::sample::Index>()).prop_map(|(text, cut, at)| {
        if cut && !text.is_empty() {
            let mut end = at.index(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text[..end].to_owned()
        } else {
            text
        }
    })
}

/// One small edit of a byte string: cut, overwrite or insert.
#[derive(Debug, Clone)]
enum Edit {
    Cut(prop::sample::Index),
    Set(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop_oneof![
        any::<u8>(),
        proptest::sample::select(b"{}[]\",:0123456789.-eEntf \\".to_vec()),
    ];
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Edit::Cut),
        (any::<prop::sample::Index>(), interesting.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<prop::sample::Index>(), interesting).prop_map(|(i, b)| Edit::Insert(i, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        if bytes.is_empty() {
            break;
        }
        match edit {
            Edit::Cut(at) => bytes.truncate(at.index(bytes.len())),
            Edit::Set(at, byte) => {
                let at = at.index(bytes.len());
                bytes[at] = *byte;
            }
            Edit::Insert(at, byte) => {
                let at = at.index(bytes.len());
                bytes.insert(at, *byte);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        assert_every_decoder_is_calm(&bytes)?;
    }

    #[test]
    fn json_ish_text_never_panics(text in json_ish(fixtures().1)) {
        assert_every_decoder_is_calm(text.as_bytes())?;
    }

    #[test]
    fn mutated_documented_examples_never_panic(
        which in any::<prop::sample::Index>(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let (documents, _) = fixtures();
        prop_assume!(!documents.is_empty());
        let document = documents[which.index(documents.len())].clone();
        assert_every_decoder_is_calm(&document)?;
        assert_every_decoder_is_calm(&apply(document, &edits))?;
    }
}

#[test]
fn every_provider_compiled_in_has_decoders() {
    let decoders = decoders();
    let providers: &[&str] = &[
        #[cfg(feature = "avarda")]
        "avarda",
        #[cfg(feature = "payex")]
        "payex",
        #[cfg(feature = "p4p")]
        "p4p",
    ];
    for provider in providers {
        assert!(
            decoders.iter().any(|(p, _, _)| p == provider),
            "{provider} lists no generated types"
        );
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_stack_overflow() {
    for depth in [200, 20_000] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let objects = format!("{}1{}", "{\"items\":".repeat(depth), "}".repeat(depth));
        assert_every_decoder_is_calm(arrays.as_bytes()).unwrap();
        assert_every_decoder_is_calm(objects.as_bytes()).unwrap();
    }
}
