//! JSON on the wire, shared by the three simulators: request bodies read field by field (so
//! every error can name its field, and amounts are read exactly), dates, and JSON responses.

use std::collections::BTreeMap;
use std::str::FromStr;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::value::RawValue;
use time::Date;
use time::macros::format_description;

/// `YYYY-MM-DD`.
pub(crate) fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

/// Parses a JSON number token exactly (no rounding, no float); a string is not a number here.
pub(crate) fn decimal_from_json_text(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.starts_with('"') {
        return None;
    }
    mypages_models::decimal::from_json_text(text).ok()
}

/// Why a request body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is not JSON, or not the JSON value the route takes (message says which).
    Malformed(String),
    /// One field is missing or has the wrong type or value.
    Field {
        /// The field's name, dotted for nested objects (`cardHolder.name`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

impl BodyError {
    /// A field-level error.
    pub(crate) fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The field the error is about (`""` for the whole body).
    pub(crate) fn field_name(&self) -> &str {
        match self {
            Self::Malformed(_) => "",
            Self::Field { field, .. } => field,
        }
    }

    /// What is wrong.
    pub(crate) fn message(&self) -> &str {
        match self {
            Self::Malformed(message) | Self::Field { message, .. } => message,
        }
    }
}

/// Parses a whole body as one JSON value, kept as raw text.
pub(crate) fn parse_raw(body: &Bytes) -> Result<Box<RawValue>, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::Malformed(
            "the request body is empty; send a JSON document".into(),
        ));
    }
    serde_json::from_slice::<Box<RawValue>>(body)
        .map_err(|err| BodyError::Malformed(format!("the request body is not valid JSON: {err}")))
}

/// The shape of a raw JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

/// The shape of a raw JSON value, from its first character.
pub(crate) fn shape(raw: &RawValue) -> Shape {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'{') => Shape::Object,
        Some(b'[') => Shape::Array,
        Some(b'"') => Shape::String,
        Some(b't' | b'f') => Shape::Bool,
        Some(b'n') => Shape::Null,
        _ => Shape::Number,
    }
}

/// A JSON object read field by field, its values kept as raw text until asked for.
#[derive(Debug)]
pub(crate) struct JsonObject {
    fields: BTreeMap<String, Box<RawValue>>,
    /// Prefix for field names in errors (`cardHolder.`).
    path: String,
    /// Whether key lookup ignores ASCII case (the .NET providers do).
    case_insensitive: bool,
    /// Whether `null` counts as absent.
    allow_nulls: bool,
}

impl JsonObject {
    /// Parses a request body that must be a JSON object.
    pub(crate) fn from_body(body: &Bytes, case_insensitive: bool) -> Result<Self, BodyError> {
        let raw = parse_raw(body)?;
        Self::from_raw(&raw, "", case_insensitive)
            .map_err(|_| BodyError::Malformed("the request body must be a JSON object".into()))
    }

    /// Reads a raw value that must be an object; `path` names it in errors.
    pub(crate) fn from_raw(
        raw: &RawValue,
        path: &str,
        case_insensitive: bool,
    ) -> Result<Self, BodyError> {
        let fields: BTreeMap<String, Box<RawValue>> = serde_json::from_str(raw.get())
            .map_err(|_| BodyError::field(path, "must be a JSON object"))?;
        let path = if path.is_empty() {
            String::new()
        } else {
            format!("{path}.")
        };
        Ok(Self {
            fields,
            path,
            case_insensitive,
            allow_nulls: false,
        })
    }

    /// The full name of a field, for errors.
    pub(crate) fn name(&self, field: &str) -> String {
        format!("{}{field}", self.path)
    }

    /// Lets `null` stand for an absent field in this object (for nullable properties);
    /// otherwise a `null` is an error naming the field.
    pub(crate) fn allow_nulls(mut self) -> Self {
        self.allow_nulls = true;
        self
    }

    fn lookup(&self, field: &str) -> Option<&RawValue> {
        let found = if self.case_insensitive {
            self.fields
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(field))
                .map(|(_, value)| value)
        } else {
            self.fields.get(field)
        };
        found.map(AsRef::as_ref)
    }

    /// The raw value of a field: `None` when absent (or `null`, where nulls are allowed).
    pub(crate) fn raw(&self, field: &str) -> Result<Option<&RawValue>, BodyError> {
        match self.lookup(field) {
            Some(raw) if shape(raw) == Shape::Null => {
                if self.allow_nulls {
                    Ok(None)
                } else {
                    Err(BodyError::field(
                        self.name(field),
                        "must not be null; leave it out instead",
                    ))
                }
            }
            other => Ok(other),
        }
    }

    fn missing(&self, field: &str) -> BodyError {
        BodyError::field(self.name(field), "is required")
    }

    /// An optional string field.
    pub(crate) fn opt_str(&self, field: &str) -> Result<Option<String>, BodyError> {
        self.raw(field)?
            .map(|raw| {
                serde_json::from_str::<String>(raw.get())
                    .map_err(|_| BodyError::field(self.name(field), "must be a string"))
            })
            .transpose()
    }

    /// A required string field.
    pub(crate) fn str(&self, field: &str) -> Result<String, BodyError> {
        self.opt_str(field)?.ok_or_else(|| self.missing(field))
    }

    /// A required string field that must not be empty.
    pub(crate) fn non_empty_str(&self, field: &str) -> Result<String, BodyError> {
        let value = self.str(field)?;
        if value.trim().is_empty() {
            return Err(BodyError::field(self.name(field), "must not be empty"));
        }
        Ok(value)
    }

    /// An optional number field, read exactly.
    pub(crate) fn opt_decimal(&self, field: &str) -> Result<Option<Decimal>, BodyError> {
        self.raw(field)?
            .map(|raw| {
                if shape(raw) != Shape::Number {
                    return Err(BodyError::field(self.name(field), "must be a number"));
                }
                decimal_from_json_text(raw.get()).ok_or_else(|| {
                    BodyError::field(
                        self.name(field),
                        "must be a number with at most 28 significant digits",
                    )
                })
            })
            .transpose()
    }

    /// A required number field, read exactly.
    pub(crate) fn decimal(&self, field: &str) -> Result<Decimal, BodyError> {
        self.opt_decimal(field)?.ok_or_else(|| self.missing(field))
    }

    /// An optional integer field.
    pub(crate) fn opt_i64(&self, field: &str) -> Result<Option<i64>, BodyError> {
        self.raw(field)?
            .map(|raw| {
                serde_json::from_str::<i64>(raw.get())
                    .map_err(|_| BodyError::field(self.name(field), "must be an integer"))
            })
            .transpose()
    }

    /// An optional boolean field.
    pub(crate) fn opt_bool(&self, field: &str) -> Result<Option<bool>, BodyError> {
        self.raw(field)?
            .map(|raw| {
                serde_json::from_str::<bool>(raw.get())
                    .map_err(|_| BodyError::field(self.name(field), "must be true or false"))
            })
            .transpose()
    }

    /// An optional `YYYY-MM-DD` field.
    pub(crate) fn opt_date(&self, field: &str) -> Result<Option<Date>, BodyError> {
        self.opt_str(field)?
            .map(|text| {
                parse_date(&text).ok_or_else(|| {
                    BodyError::field(self.name(field), "must be a date (YYYY-MM-DD)")
                })
            })
            .transpose()
    }

    /// A required `YYYY-MM-DD` field.
    pub(crate) fn date(&self, field: &str) -> Result<Date, BodyError> {
        self.opt_date(field)?.ok_or_else(|| self.missing(field))
    }

    /// An optional nested object.
    pub(crate) fn opt_object(&self, field: &str) -> Result<Option<JsonObject>, BodyError> {
        self.raw(field)?
            .map(|raw| JsonObject::from_raw(raw, &self.name(field), self.case_insensitive))
            .transpose()
    }

    /// A required nested object.
    pub(crate) fn object(&self, field: &str) -> Result<JsonObject, BodyError> {
        self.opt_object(field)?.ok_or_else(|| self.missing(field))
    }

    /// An optional array, as raw elements.
    pub(crate) fn opt_array(&self, field: &str) -> Result<Option<Vec<Box<RawValue>>>, BodyError> {
        self.raw(field)?
            .map(|raw| {
                serde_json::from_str::<Vec<Box<RawValue>>>(raw.get())
                    .map_err(|_| BodyError::field(self.name(field), "must be an array"))
            })
            .transpose()
    }
}

/// A JSON response with an exact body.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    json_with_type(status, value, "application/json; charset=utf-8")
}

/// A JSON response with the given content type (`application/problem+json`).
pub(crate) fn json_with_type<T: Serialize>(
    status: StatusCode,
    value: &T,
    content_type: &'static str,
) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut response = (status, body).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Err(err) => {
            tracing::error!(%err, "sandbox could not serialize a response");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "sandbox serialization error",
            )
                .into_response()
        }
    }
}

/// A `204 No Content` response.
pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Parses a query string into decoded pairs (repeated keys kept in order).
pub(crate) fn query_pairs(query: Option<&str>) -> Result<Vec<(String, String)>, String> {
    let Some(query) = query else {
        return Ok(Vec::new());
    };
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            Ok((percent_decode(key)?, percent_decode(value)?))
        })
        .collect()
}

/// Looks a query parameter up, ignoring ASCII case of the key.
pub(crate) fn query_get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, value)| value.as_str())
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|pair| std::str::from_utf8(pair).ok())
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                    .ok_or_else(|| {
                        format!("bad percent-encoding in the query string near {text:?}")
                    })?;
                out.push(hex);
                i += 3;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "the query string is not UTF-8".to_owned())
}

/// Parses a non-negative integer query parameter.
pub(crate) fn parse_count(text: &str) -> Option<usize> {
    let text = text.trim();
    // A whole number too large for this machine is still a whole number: the most there is.
    usize::from_str(text).ok().or_else(|| {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then_some(usize::MAX)
    })
}

/// Escapes text for HTML.
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decimal that serializes exactly, as the answers do.
    struct Exact(Decimal);

    impl Serialize for Exact {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            mypages_models::decimal::serialize(&self.0, serializer)
        }
    }

    #[test]
    fn decimals_round_trip_digit_for_digit() {
        for text in [
            "2000.00",
            "-1900.0",
            "0",
            "1249.50",
            "9999999999999999999999999999",
        ] {
            let value = decimal_from_json_text(text).unwrap();
            assert_eq!(serde_json::to_string(&Exact(value)).unwrap(), text);
        }
        assert_eq!(decimal_from_json_text("1.5e2"), Some(Decimal::from(150)));
        assert_eq!(decimal_from_json_text("\"12\""), None);
    }

    #[test]
    fn body_fields_name_themselves() {
        let body = Bytes::from_static(br#"{"Amount": "12", "cardHolder": {"name": 3}, "n": null}"#);
        let object = JsonObject::from_body(&body, true).unwrap();
        assert_eq!(object.decimal("amount").unwrap_err().field_name(), "amount");
        let holder = object.object("cardHolder").unwrap();
        assert_eq!(
            holder.str("name").unwrap_err().field_name(),
            "cardHolder.name"
        );
        assert!(object.raw("n").is_err());
        let object = JsonObject::from_body(&body, true).unwrap().allow_nulls();
        assert!(object.raw("n").unwrap().is_none());
        assert!(matches!(
            JsonObject::from_body(&Bytes::from_static(b"[1]"), true),
            Err(BodyError::Malformed(_))
        ));
        assert!(matches!(
            JsonObject::from_body(&Bytes::from_static(b"{"), true),
            Err(BodyError::Malformed(_))
        ));
    }

    #[test]
    fn queries_decode() {
        let pairs = query_pairs(Some("%24top=2&customerNo=10%2B1&x")).unwrap();
        assert_eq!(query_get(&pairs, "$TOP"), Some("2"));
        assert_eq!(query_get(&pairs, "customerno"), Some("10+1"));
        assert_eq!(query_get(&pairs, "x"), Some(""));
        assert!(query_pairs(Some("a=%zz")).is_err());
    }
}
