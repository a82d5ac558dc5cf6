//! Data types of the "My Pages" account APIs of Avarda, PayEx and Payments for Programmers
//! (PayFunc): pure data, no I/O.
//!
//! Each provider's types live in a module behind a cargo feature of the same name
//! (`avarda`, `payex`, `p4p`) and are generated from the OpenAPI documents in `specs/` by
//! `cargo xtask codegen`. This module holds what they share: exact [`decimal`] amounts,
//! [`date`]s and [`date_time`]s, the open [`Currency`] enum, [`Sensitive`] values that never
//! reach a log, and a provider-neutral [`summary`] of an account.
//!
//! Money is `rust_decimal::Decimal`, read from the JSON text and written back digit for digit:
//!
//! ```
//! use mypages_models::decimal;
//!
//! let amount = decimal::from_json_text("2000.00")?;
//! assert_eq!(decimal::to_json_text(&amount), "2000.00");
//! # Ok::<(), mypages_models::decimal::DecimalError>(())
//! ```

#[cfg(feature = "avarda")]
pub mod avarda;
mod codec;
mod currency;
pub mod date;
pub mod date_time;
pub mod decimal;
mod open_enum;
#[cfg(feature = "p4p")]
pub mod p4p;
#[cfg(feature = "payex")]
pub mod payex;
mod sensitive;
pub mod shape;
pub mod summary;
mod wire;

pub use currency::Currency;
pub use rust_decimal::Decimal;
pub use sensitive::Sensitive;
pub use time::{Date, OffsetDateTime};

/// A function that decodes JSON bytes into one type and encodes the value again; see
/// [`round_trip`].
#[doc(hidden)]
pub type RoundTrip = fn(&[u8]) -> Result<String, serde_json::Error>;

/// Decodes `bytes` as a `T` and encodes the value again: the round trip every generated type
/// supports. The generated `ROUND_TRIPS` tables list it for each top-level type, for property
/// tests and tools that work across all types.
#[doc(hidden)]
pub fn round_trip<T>(bytes: &[u8]) -> Result<String, serde_json::Error>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let value: T = serde_json::from_slice(bytes)?;
    serde_json::to_string(&value)
}
