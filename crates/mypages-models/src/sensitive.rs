//! [`Sensitive`]: a value that must never reach a log.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A secret or personal value (a token, a card token, a national identity number) that must
/// never reach a log, a `Debug` print or an error message.
///
/// `Debug` prints `[redacted]` and there is no `Display`; the value serializes as it is, since
/// the provider needs it. Read it with [`Sensitive::expose`], deliberately. A value of the
/// wrong type fails to decode with an error that does not quote it (serde's own message would,
/// for a number).
///
/// ```
/// use mypages_models::Sensitive;
///
/// let token = Sensitive::new(String::from("eyJhbGciOi"));
/// assert_eq!(format!("{token:?}"), "[redacted]");
/// assert_eq!(token.expose(), "eyJhbGciOi");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Sensitive<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self).map_err(|_| {
            serde::de::Error::custom(
                "a sensitive value (token, key or identity number) is not of the documented type; its content is not shown",
            )
        })
    }
}

impl<T> Sensitive<T> {
    /// Wraps a sensitive value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself. Do not log it.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value. Do not log it.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
