//! Calendar dates (`YYYY-MM-DD`) on the wire, for `serde(with = "mypages_models::date")`.
//!
//! Output is always `YYYY-MM-DD`. Input is lenient the way the providers are: a full RFC 3339
//! date-time (`2021-11-27T16:30:11.848Z`) where a date is documented is read as the calendar
//! date it names, as written, and the ISO 8601 basic form (`20211127`) is accepted too.
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Bill {
//!     #[serde(with = "mypages_models::date")]
//!     due: time::Date,
//! }
//!
//! let bill: Bill = serde_json::from_str(r#"{"due":"2021-11-27T16:30:11.848Z"}"#)?;
//! assert_eq!(serde_json::to_string(&bill)?, r#"{"due":"2021-11-27"}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::borrow::Cow;

use serde::de::{Error as _, Unexpected};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serializer};
use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use crate::codec::{Codec, codec_modules};

const DATE: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");
const BASIC: &[BorrowedFormatItem<'static>] = format_description!("[year][month][day]");

/// Parses a calendar date: `YYYY-MM-DD`, `YYYYMMDD`, or the date part of a date-time as
/// written.
///
/// ```
/// use time::macros::date;
///
/// assert_eq!(mypages_models::date::parse("2018-12-05"), Some(date!(2018 - 12 - 05)));
/// assert_eq!(mypages_models::date::parse("2021-11-27T16:30:11.848Z"), Some(date!(2021 - 11 - 27)));
/// assert_eq!(mypages_models::date::parse("20211127"), Some(date!(2021 - 11 - 27)));
/// assert_eq!(mypages_models::date::parse("27/11/2021"), None);
/// ```
pub fn parse(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(date) = Date::parse(text, DATE).or_else(|_| Date::parse(text, BASIC)) {
        return Some(date);
    }
    crate::date_time::parse(text).and_then(|_| Date::parse(text.get(..10)?, DATE).ok())
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format(date: Date) -> Result<String, time::error::Format> {
    date.format(DATE)
}

/// The calendar date wire form.
pub(crate) struct DateCodec;

impl Codec<Date> for DateCodec {
    fn encode<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(*value).map_err(S::Error::custom)?)
    }

    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        // `invalid_value` keeps the value in serde's form, which the transport redacts.
        parse(&text)
            .ok_or_else(|| D::Error::invalid_value(Unexpected::Str(&text), &"a date as YYYY-MM-DD"))
    }
}

impl crate::wire::Canonical<Date> for DateCodec {
    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<crate::wire::Kept<Date>, D::Error> {
        crate::wire::read_text(
            deserializer,
            parse,
            // `YYYY-MM-DD` as written is what `format` writes back.
            |text, _| {
                let bytes = text.as_bytes();
                bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-'
            },
            "a date as YYYY-MM-DD",
        )
    }
}

codec_modules!(DateCodec, Date, "a calendar date");
