//! Points in time (RFC 3339) on the wire, for `serde(with = "mypages_models::date_time")`.
//!
//! Output is RFC 3339 (`2021-11-27T16:30:11.848Z`). Input is lenient the way the providers
//! are: a date-time without an offset (`2021-11-27T16:30:11`) is read as UTC, and a bare date
//! (`2021-11-27`) as midnight UTC.
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Event {
//!     #[serde(with = "mypages_models::date_time")]
//!     at: time::OffsetDateTime,
//! }
//!
//! let event: Event = serde_json::from_str(r#"{"at":"2021-11-27T16:30:11.848Z"}"#)?;
//! assert_eq!(serde_json::to_string(&event)?, r#"{"at":"2021-11-27T16:30:11.848Z"}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::borrow::Cow;

use serde::de::{Error as _, Unexpected};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use crate::codec::{Codec, codec_modules};

const LOCAL: &[BorrowedFormatItem<'static>] = format_description!(
    version = 2,
    "[year]-[month]-[day][first [T][t][ ]][hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
);
const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Parses a point in time: RFC 3339; without an offset it is UTC; a bare date is midnight UTC.
///
/// ```
/// use time::macros::datetime;
///
/// let parse = mypages_models::date_time::parse;
/// assert_eq!(parse("2021-11-27T16:30:11.848Z"), Some(datetime!(2021-11-27 16:30:11.848 UTC)));
/// assert_eq!(parse("2021-11-27T18:30:11+02:00"), Some(datetime!(2021-11-27 18:30:11 +2)));
/// assert_eq!(parse("2021-11-27T16:30:11"), Some(datetime!(2021-11-27 16:30:11 UTC)));
/// assert_eq!(parse("2021-11-27"), Some(datetime!(2021-11-27 0:00 UTC)));
/// assert_eq!(parse("yesterday"), None);
/// ```
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(value) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(value);
    }
    if let Ok(value) = PrimitiveDateTime::parse(text.trim_end_matches(['Z', 'z']), LOCAL) {
        return Some(value.assume_utc());
    }
    Date::parse(text, DATE)
        .ok()
        .map(|date| PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc())
}

/// Formats a point in time as RFC 3339.
pub fn format(value: OffsetDateTime) -> Result<String, time::error::Format> {
    value.format(&Rfc3339)
}

/// The RFC 3339 wire form.
pub(crate) struct DateTimeCodec;

impl Codec<OffsetDateTime> for DateTimeCodec {
    fn encode<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(*value).map_err(S::Error::custom)?)
    }

    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        // `invalid_value` keeps the value in serde's form, which the transport redacts.
        parse(&text).ok_or_else(|| {
            D::Error::invalid_value(
                Unexpected::Str(&text),
                &"an RFC 3339 date-time such as 2021-11-27T16:30:11Z",
            )
        })
    }
}

impl crate::wire::Canonical<OffsetDateTime> for DateTimeCodec {
    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<crate::wire::Kept<OffsetDateTime>, D::Error> {
        crate::wire::read_text(
            deserializer,
            parse,
            |text, value| {
                // Formatted on the stack: this runs for every date-time decoded.
                let mut buffer = [0u8; 64];
                let mut out = &mut buffer[..];
                value
                    .format_into(&mut out, &Rfc3339)
                    .is_ok_and(|n| buffer.get(..n) == Some(text.as_bytes()))
            },
            "an RFC 3339 date-time such as 2021-11-27T16:30:11Z",
        )
    }
}

codec_modules!(DateTimeCodec, OffsetDateTime, "an RFC 3339 date-time");
