//! Answers generated from the specs: for every object schema of `specs/*.yaml` and every
//! answer body of its operations, documents built from the schema with optional members randomly left out or
//! `null`, unknown members randomly added, both spellings of an aliased member, enum values in
//! random case, aliases and unknown values, numbers with random scale (in strings too), dates
//! in every accepted form. Every document decodes into its generated type and re-encodes to
//! the same JSON value, digit for digit (member order aside).
//!
//! The case count is bounded (`PROPTEST_CASES` overrides it); `cargo xtask ci` runs it with
//! the other tests.

#![allow(clippy::unwrap_used)] // Test helpers outside #[test] functions: failures fail loudly.

use std::collections::BTreeMap;
use std::path::Path;

use mypages_models::RoundTrip;
use proptest::prelude::*;
use serde_json::value::RawValue;
use yaml_rust2::{Yaml, YamlLoader};

/// The specs compiled in: (file, generated types).
fn specs() -> Vec<(&'static str, &'static [(&'static str, RoundTrip)])> {
    vec![
        #[cfg(feature = "avarda")]
        ("avarda-mypages.yaml", mypages_models::avarda::ROUND_TRIPS),
        #[cfg(feature = "payex")]
        (
            "payex-ledger-account.yaml",
            mypages_models::payex::ROUND_TRIPS,
        ),
        #[cfg(feature = "p4p")]
        ("p4p-account.yaml", mypages_models::p4p::ROUND_TRIPS),
    ]
}

fn load(file: &str) -> Yaml {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

/// A small deterministic random source (xorshift), seeded by proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn text(node: &Yaml) -> Option<&str> {
    node.as_str()
}

fn quoted(value: &str) -> String {
    serde_json::Value::String(value.to_owned()).to_string()
}

/// Builds documents for the schemas of one spec.
struct Generator<'a> {
    schemas: &'a Yaml,
    rng: Rng,
}

impl<'a> Generator<'a> {
    fn string(&mut self) -> String {
        const WORDS: [&str; 6] = ["", "a", "Storgatan 1", "é \" \\ /", "x-1_2", "NNN"];
        let word: &&str = self.rng.pick(&WORDS);
        quoted(word)
    }

    /// A decimal with random digits and scale: a number token, sometimes a string or an
    /// exponent.
    fn decimal(&mut self) -> String {
        let sign = if self.rng.chance(30) { "-" } else { "" };
        let digits = self.rng.below(12) as u32 + 1;
        let whole = self.rng.below(10u64.pow(digits));
        let scale = self.rng.below(5) as usize;
        let fraction: String = (0..scale)
            .map(|_| char::from(b'0' + self.rng.below(10) as u8))
            .collect();
        let number = if scale == 0 {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{fraction}")
        };
        match self.rng.below(10) {
            0 => quoted(&number),
            1 => format!("{number}e{}", self.rng.below(3)),
            _ => number,
        }
    }

    fn date(&mut self, with_time: bool) -> String {
        let (y, m, d) = (
            1990 + self.rng.below(60),
            1 + self.rng.below(12),
            1 + self.rng.below(28),
        );
        let (h, min, s) = (self.rng.below(24), self.rng.below(60), self.rng.below(60));
        let forms = if with_time {
            vec![
                format!("{y}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z"),
                format!("{y}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.848Z"),
                format!("{y}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}+02:00"),
                format!("{y}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}"),
                format!("{y}-{m:02}-{d:02}"),
            ]
        } else {
            vec![
                format!("{y}-{m:02}-{d:02}"),
                format!("{y}{m:02}{d:02}"),
                format!("{y}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z"),
            ]
        };
        let form = self.rng.pick(&forms).clone();
        quoted(&form)
    }

    /// Any JSON value (for untyped and unknown members).
    fn any(&mut self, depth: u32) -> String {
        match self.rng.below(if depth > 2 { 5 } else { 7 }) {
            0 => "null".to_owned(),
            1 => "true".to_owned(),
            2 => self.string(),
            3 | 4 => self.decimal().trim_matches('"').to_owned(),
            5 => format!("[{},{}]", self.any(depth + 1), self.any(depth + 1)),
            _ => format!(
                "{{\"zzInner\":{},\"b\":{}}}",
                self.any(depth + 1),
                self.any(depth + 1)
            ),
        }
    }

    /// An enum value: a known one (or an alias) in random case, or an unknown one.
    fn enumeration(&mut self, values: &[String]) -> String {
        if self.rng.chance(15) {
            return quoted("zz-not-yet-known");
        }
        let value = self.rng.pick(values).clone();
        let cased: String = value
            .chars()
            .map(|c| match self.rng.below(3) {
                0 => c.to_ascii_lowercase(),
                1 => c.to_ascii_uppercase(),
                _ => c,
            })
            .collect();
        quoted(&cased)
    }

    fn resolve(&self, node: &Yaml) -> Option<&'a Yaml> {
        let name = text(&node["$ref"])?.strip_prefix("#/components/schemas/")?;
        Some(&self.schemas[name])
    }

    /// A document for `node`.
    fn value(&mut self, node: &Yaml, depth: u32) -> String {
        if let Some(target) = self.resolve(node) {
            return self.value(target, depth);
        }
        let nullable = match &node["type"] {
            Yaml::Array(types) => types.iter().any(|t| text(t) == Some("null")),
            _ => false,
        };
        if nullable && self.rng.chance(15) {
            return "null".to_owned();
        }
        match text(&node["x-rust-type"]) {
            Some("crate::Currency") => {
                let codes: Vec<String> = ["SEK", "NOK", "EUR", "usd", "xts"]
                    .map(str::to_owned)
                    .to_vec();
                return self.enumeration(&codes);
            }
            Some("crate::p4p::CardExpiry") => {
                return format!("[{},{}]", 1 + self.rng.below(12), self.rng.below(100));
            }
            Some("serde_json::Value") => return self.any(depth),
            Some(path) if path.ends_with("Id") => {
                let length = if path.ends_with("SubscriptionId") {
                    4
                } else {
                    16
                };
                let id: String = (0..length)
                    .map(|_| char::from(*self.rng.pick(b"abcXYZ019_-")))
                    .collect();
                return quoted(&id);
            }
            _ => {}
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Yaml::Array(branches) = &node[keyword] {
                let branch = self.rng.pick(branches);
                if text(&branch["type"]) == Some("null") {
                    return "null".to_owned();
                }
                return self.value(branch, depth);
            }
        }
        if let Yaml::Array(values) = &node["enum"] {
            let mut values: Vec<String> =
                values.iter().filter_map(text).map(str::to_owned).collect();
            if let Yaml::Hash(aliases) = &node["x-enum-aliases"] {
                for list in aliases.values() {
                    if let Yaml::Array(list) = list {
                        values.extend(list.iter().filter_map(text).map(str::to_owned));
                    }
                }
            }
            return self.enumeration(&values);
        }
        let base = match &node["type"] {
            Yaml::String(t) => Some(t.as_str()),
            Yaml::Array(types) => types.iter().filter_map(text).find(|t| *t != "null"),
            _ => None,
        };
        match (base, text(&node["format"])) {
            (Some("string"), Some("date")) => self.date(false),
            (Some("string"), Some("date-time")) => self.date(true),
            (Some("string"), _) => self.string(),
            (Some("number"), _) => self.decimal(),
            (Some("integer"), _) => {
                let n = self.rng.below(1_000_000) as i64 - 500_000;
                n.to_string()
            }
            (Some("boolean"), _) => if self.rng.chance(50) { "true" } else { "false" }.to_owned(),
            (Some("array"), _) => {
                let count = if depth > 3 { 0 } else { self.rng.below(3) };
                let items: Vec<String> = (0..count)
                    .map(|_| self.value(&node["items"], depth + 1))
                    .collect();
                format!("[{}]", items.join(","))
            }
            (Some("object"), _) if matches!(node["properties"], Yaml::Hash(_)) => {
                self.object(node, depth)
            }
            (Some("object"), _) => {
                let values = &node["additionalProperties"];
                let count = if depth > 3 { 0 } else { self.rng.below(3) };
                let members: Vec<String> = (0..count)
                    .map(|i| {
                        let value = match values {
                            Yaml::Hash(_) => self.value(values, depth + 1),
                            _ => self.any(depth + 1),
                        };
                        format!("\"role{i}\":{value}")
                    })
                    .collect();
                format!("{{{}}}", members.join(","))
            }
            _ => self.any(depth),
        }
    }

    fn object(&mut self, node: &Yaml, depth: u32) -> String {
        let required: Vec<&str> = match &node["required"] {
            Yaml::Array(list) => list.iter().filter_map(text).collect(),
            _ => Vec::new(),
        };
        let mut members = Vec::new();
        if let Yaml::Hash(properties) = &node["properties"] {
            for (name, property) in properties {
                let name = text(name).unwrap_or_default();
                let needed = required.contains(&name);
                if !needed && (depth > 3 || self.rng.chance(40)) {
                    continue;
                }
                let mut spellings = vec![name.to_owned()];
                if let Yaml::Array(aliases) = &property["x-aliases"] {
                    spellings.extend(aliases.iter().filter_map(text).map(str::to_owned));
                }
                let spelling = self.rng.pick(&spellings).clone();
                let value = if !needed && self.rng.chance(10) {
                    "null".to_owned()
                } else {
                    self.value(property, depth + 1)
                };
                members.push(format!("{}:{value}", quoted(&spelling)));
                // Now and then both spellings of one member at once.
                if spellings.len() > 1 && self.rng.chance(20) {
                    let other = spellings.iter().find(|s| **s != spelling).unwrap();
                    let value = self.value(property, depth + 1);
                    members.push(format!("{}:{value}", quoted(other)));
                }
            }
        }
        for i in 0..self.rng.below(3) {
            members.push(format!("\"zzUnknown{i}\":{}", self.any(depth + 1)));
        }
        // Members in a random order.
        for i in (1..members.len()).rev() {
            let j = self.rng.below(i as u64 + 1) as usize;
            members.swap(i, j);
        }
        format!("{{{}}}", members.join(","))
    }
}

/// The JSON value of `text` in a canonical text: members sorted, numbers digit for digit,
/// strings re-escaped. Two documents are the same value exactly when these are equal.
fn canonical(text: &str) -> String {
    let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'{') => {
            let members: BTreeMap<String, Box<RawValue>> = serde_json::from_str(text).unwrap();
            let members: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}:{}", quoted(k), canonical(v.get())))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(text).unwrap();
            let items: Vec<String> = items.iter().map(|v| canonical(v.get())).collect();
            format!("[{}]", items.join(","))
        }
        Some(b'"') => quoted(&serde_json::from_str::<String>(text).unwrap()),
        _ => text.to_owned(),
    }
}

/// The schemas the operations answer with (as the body or as the items of a list body).
fn bodies(root: &Yaml) -> Vec<String> {
    fn collect(node: &Yaml, out: &mut Vec<String>) {
        match node {
            Yaml::Hash(map) => {
                for (key, value) in map {
                    if matches!(text(key), Some("parameters" | "requestBody")) {
                        continue; // What we send: validated by us, not decoded.
                    }
                    if text(key) == Some("schema") {
                        let items = &value["items"];
                        for schema in [value, items] {
                            if let Some(name) = text(&schema["$ref"])
                                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                            {
                                out.push(name.to_owned());
                            }
                        }
                    } else {
                        collect(value, out);
                    }
                }
            }
            Yaml::Array(list) => list.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    collect(&root["paths"], &mut out);
    collect(&root["components"]["responses"], &mut out);
    out
}

fn check_every_schema(seed: u64) -> Result<(), TestCaseError> {
    for (file, round_trips) in specs() {
        let root = load(file);
        let schemas = &root["components"]["schemas"];
        let Yaml::Hash(map) = schemas else {
            panic!("{file}: no components.schemas")
        };
        let bodies = bodies(&root);
        let mut generator = Generator {
            schemas,
            rng: Rng(seed | 1),
        };
        for (name, schema) in map {
            let name = text(name).unwrap();
            if !matches!(schema["x-rust-type"], Yaml::BadValue) {
                continue; // Hand-written; generated inside the schemas that use it.
            }
            // Enums and shape unions keep the provider's spelling inside the object that
            // holds them (they are tested there); objects and answer bodies stand alone.
            let object = text(&schema["type"]) == Some("object");
            if !object && !bodies.iter().any(|b| b == name) {
                continue;
            }
            let (_, round_trip) = round_trips
                .iter()
                .find(|(rust, _)| *rust == name)
                .unwrap_or_else(|| panic!("{file}: {name} has no generated type"));
            let document = generator.value(schema, 0);
            let encoded = round_trip(document.as_bytes()).map_err(|e| {
                TestCaseError::fail(format!("{file} {name}: {document} does not decode: {e}"))
            })?;
            prop_assert_eq!(
                canonical(&encoded),
                canonical(&document),
                "{} {}: sent {}, re-encoded {}",
                file,
                name,
                document,
                encoded
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_schema_round_trips_what_a_provider_may_send(seed in any::<u64>()) {
        check_every_schema(seed)?;
    }
}
