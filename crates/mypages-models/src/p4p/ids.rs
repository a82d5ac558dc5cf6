//! The ids of PayFunc's resources, one type per kind, checked against the shape the documents
//! give.
//!
//! PayFunc's ids are drawn from the URL-safe base64 alphabet: letters, digits, `-` and `_`
//! (the documents say "letters"; the ids they show are letters and digits). An account id and
//! an order id have 16 characters, a subscription id 4.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a text is not an id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdError {
    /// The kind of id expected, e.g. "account id".
    pub kind: &'static str,
    /// How many characters that kind has.
    pub expected_len: usize,
    /// The text that was rejected.
    pub value: String,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a PayFunc {}: expected {} letters or digits (`-` and `_` allowed), as in the ids the API returns",
            self.value, self.kind, self.expected_len
        )
    }
}

impl std::error::Error for IdError {}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn check(kind: &'static str, expected_len: usize, value: String) -> Result<String, IdError> {
    if value.len() == expected_len && value.chars().all(is_id_char) {
        Ok(value)
    } else {
        Err(IdError {
            kind,
            expected_len,
            value,
        })
    }
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $len:literal, $example:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("How many characters a ", $kind, " has.")]
            pub const LEN: usize = $len;

            #[doc = concat!("Checks `value` and wraps it: ", stringify!($len), " letters, digits, `-` or `_`.")]
            ///
            /// ```
            #[doc = concat!("use mypages_models::p4p::", stringify!($name), ";")]
            ///
            #[doc = concat!("let id = ", stringify!($name), "::new(\"", $example, "\")?;")]
            #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
            #[doc = concat!("assert!(", stringify!($name), "::new(\"not an id!\").is_err());")]
            /// # Ok::<(), mypages_models::p4p::IdError>(())
            /// ```
            pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
                check($kind, $len, value.into()).map(Self)
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the id.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(value: &str) -> Result<Self, IdError> {
                Self::new(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(value: String) -> Result<Self, IdError> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;

            fn try_from(value: &str) -> Result<Self, IdError> {
                Self::new(value)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                // `invalid_value` keeps the value in serde's form, which the transport
                // redacts; the id error's own message would quote it.
                Self::new(value).map_err(|error| {
                    let expected = format!(
                        "a PayFunc {} of {} letters or digits",
                        error.kind, error.expected_len
                    );
                    serde::de::Error::invalid_value(
                        serde::de::Unexpected::Str(&error.value),
                        &expected.as_str(),
                    )
                })
            }
        }
    };
}

id_type!(
    /// An account's id: 16 letters or digits, e.g. `1234567890abcdef`.
    AccountId,
    "account id",
    16,
    "1234567890abcdef"
);

id_type!(
    /// An order's id: 16 letters or digits, e.g. `BlTmF3S382kFbn5U`.
    OrderId,
    "order id",
    16,
    "BlTmF3S382kFbn5U"
);

id_type!(
    /// A subscription's id: 4 letters or digits, unique within its account, e.g. `test`.
    SubscriptionId,
    "subscription id",
    4,
    "test"
);
