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

/// A decimal's JSON token, written on the stack: `Decimal` prints at most 29 digits, a sign
/// and a point.
struct Token {
    bytes: [u8; 40],
    len: usize,
}

impl Default for Token {
    fn default() -> Token {
        Token {
            bytes: [0; 40],
            len: 0,
        }
    }
}

impl Token {
    /// The text written; `None` if it was not UTF-8 (it always is: `Display` writes `str`s).
    fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.bytes.get(..self.len)?).ok()
    }
}

impl fmt::Write for Token {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        room.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The exact decimal wire form.
pub(crate) struct DecimalCodec;

impl Codec<Decimal> for DecimalCodec {
    fn encode<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        // The token is written on the stack and borrowed as a raw value: no allocation.
        let mut token = Token::default();
        let text = fmt::write(&mut token, format_args!("{value}"))
            .ok()
            .and_then(|()| token.as_str())
            .ok_or_else(|| S::Error::custom("a decimal's text did not fit its 40-byte token"))?;
        let raw: &RawValue = serde_json::from_str(text).map_err(S::Error::custom)?;
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `value` written through the codec by serde_json.
    fn encoded(value: Decimal) -> String {
        struct Wire(Decimal);
        impl Serialize for Wire {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                DecimalCodec::encode(&self.0, serializer)
            }
        }
        serde_json::to_string(&Wire(value)).unwrap()
    }

    #[test]
    fn the_longest_decimals_fit_the_token() {
        for value in [
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_parts(1, 0, 0, true, 28),
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 28),
        ] {
            assert_eq!(encoded(value), to_json_text(&value));
        }
    }

    proptest! {
        /// The token written on the stack is the decimal's text, digit for digit.
        #[test]
        fn the_token_is_the_decimals_text(
            lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28,
        ) {
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            prop_assert_eq!(encoded(value), to_json_text(&value));
        }
    }
}
