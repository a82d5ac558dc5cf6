//! Exact decimal numbers on the wire, for `serde(with = "mypages_models::decimal")`.
//!
//! The number is read from the raw JSON text (never through `f64`) and written back digit for
//! digit: `2000.00` stays `2000.00`, `79228162514264337593543950335` keeps every digit. A JSON
//! string holding a number (`"12.50"`) is accepted too, since providers send both; scientific
//! notation (`1.5e3`) is accepted on input. These functions need `serde_json`'s text
//! (de)serializer, as every type of this crate does: `serde_json::to_value` would turn the
//! number into an `f64` and other formats see serde_json's raw-value token.
//!
//! ```
//! use rust_decimal::Decimal;
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Amount {
//!     #[serde(with = "mypages_models::decimal")]
//!     value: Decimal,
//! }
//!
//! let amount: Amount = serde_json::from_str(r#"{"value":2000.00}"#)?;
//! assert_eq!(serde_json::to_string(&amount)?, r#"{"value":2000.00}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::codec::{Codec, codec_modules};

/// Why a JSON value is not an exact decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecimalError {
    /// The value is not a number nor a string holding one.
    NotANumber,
    /// The number does not fit a `Decimal` (28 significant digits) without rounding.
    OutOfRange(String),
}

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotANumber => f.write_str("expected a decimal number (or a string holding one)"),
            Self::OutOfRange(text) => write!(
                f,
                "the number {text} does not fit an exact decimal (at most 28 significant digits)"
            ),
        }
    }
}

impl std::error::Error for DecimalError {}

/// Parses a decimal from the raw text of one JSON value: a number token, or a string holding a
/// number. Scientific notation is accepted. Digits that a `Decimal` cannot hold exactly are an
/// error, never silently rounded.
///
/// ```
/// use mypages_models::decimal::from_json_text;
///
/// assert_eq!(from_json_text("2000.00")?.to_string(), "2000.00");
/// assert_eq!(from_json_text("\"-12.5\"")?.to_string(), "-12.5");
/// assert_eq!(from_json_text("1.5e3")?.to_string(), "1500");
/// # Ok::<(), mypages_models::decimal::DecimalError>(())
/// ```
pub fn from_json_text(text: &str) -> Result<Decimal, DecimalError> {
    let text = text.trim();
    if text.starts_with('"') {
        let inner: String = serde_json::from_str(text).map_err(|_| DecimalError::NotANumber)?;
        return parse_number(inner.trim());
    }
    parse_number(text)
}

fn parse_number(text: &str) -> Result<Decimal, DecimalError> {
    let bytes = text.as_bytes();
    let unsigned = match bytes {
        [b'-' | b'+', rest @ ..] => rest,
        _ => bytes,
    };
    if !unsigned
        .first()
        .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
    {
        return Err(DecimalError::NotANumber);
    }
    // One pass over the bytes (this runs for every amount decoded): only digits, signs, points
    // and exponents, since `Decimal`'s own parser would also take `_`.
    let mut scientific = false;
    for byte in bytes {
        match byte {
            b'0'..=b'9' | b'.' | b'-' | b'+' => {}
            b'e' | b'E' => scientific = true,
            _ => return Err(DecimalError::NotANumber),
        }
    }
    let parsed = if scientific {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str_exact(text)
    };
    parsed.map_err(|_| DecimalError::OutOfRange(text.to_owned()))
}

/// The JSON number token of `value`, digit for digit (`2000.00` stays `2000.00`).
pub fn to_json_text(value: &Decimal) -> String {
    value.to_string()
}

/// The exact decimal wire form.
pub(crate) struct DecimalCodec;

impl Codec<Decimal> for DecimalCodec {
    fn encode<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(to_json_text(value)).map_err(S::Error::custom)?;
        raw.serialize(serializer)
    }

    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        from_json_text(raw.get()).map_err(D::Error::custom)
    }
}

impl crate::wire::Canonical<Decimal> for DecimalCodec {
    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<crate::wire::Kept<Decimal>, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let value = from_json_text(text).map_err(D::Error::custom)?;
        // A plain number token is written back digit for digit; a string, an exponent or a
        // negative zero is not.
        let rewritten = text.starts_with('"')
            || text.contains(['e', 'E'])
            || (value.is_zero() && text.starts_with('-'));
        Ok((value, crate::wire::Keep::text(rewritten.then_some(raw))))
    }
}

codec_modules!(DecimalCodec, Decimal, "an exact decimal number");
