//! Decoding of shape unions (`oneOf` + `x-union: shape` in the specs): a value whose type is
//! told by its JSON shape (a number, or an object, or a list of objects).
//!
//! serde's buffered `untagged` representation cannot carry the raw JSON text that exact
//! decimals need, so a union first takes its value as raw JSON, looks at its first character
//! and then decodes the matching branch from that text. The generated unions use these
//! helpers; hand-written unions can too.
//!
//! ```
//! use mypages_models::shape::{self, Shape};
//! use serde_json::value::RawValue;
//!
//! let raw = RawValue::from_string("[1, 2]".to_owned())?;
//! assert_eq!(Shape::of(&raw), Shape::Array);
//! let list = shape::decode(&raw, |de| <Vec<u8> as serde::Deserialize>::deserialize(de))?;
//! assert_eq!(list, [1, 2]);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use serde_json::value::RawValue;

/// The JSON type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Shape {
    /// The shape of a raw JSON value, told by its first non-space character.
    pub fn of(raw: &RawValue) -> Self {
        match raw.get().trim_start().as_bytes().first() {
            Some(b'{') => Self::Object,
            Some(b'[') => Self::Array,
            Some(b'"') => Self::String,
            Some(b't' | b'f') => Self::Boolean,
            Some(b'n') | None => Self::Null,
            Some(_) => Self::Number,
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "null",
            Self::Boolean => "a boolean",
            Self::Number => "a number",
            Self::String => "a string",
            Self::Array => "an array",
            Self::Object => "an object",
        })
    }
}

/// Decodes one branch of a union from the raw text with `decode`, a closure calling a
/// `Deserialize::deserialize` or a `serde(with)` module's `deserialize` (a closure, since the
/// deserializer is borrowed for a lifetime of this function's choosing), checking that nothing
/// follows the value.
pub fn decode<T>(
    raw: &RawValue,
    decode: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>,
    ) -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(raw.get());
    let value = decode(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// The error for a value whose shape matches no branch of the union `union`.
pub fn unexpected<E: serde::de::Error>(union: &str, found: Shape, expected: &str) -> E {
    E::custom(format_args!("{union}: expected {expected}, found {found}"))
}
