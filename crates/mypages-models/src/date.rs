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
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, Month};

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
    if let Some(date) = parse_plain(text.as_bytes()) {
        return Some(date);
    }
    if let Ok(date) = Date::parse(text, DATE).or_else(|_| Date::parse(text, BASIC)) {
        return Some(date);
    }
    crate::date_time::parse(text).and_then(|_| Date::parse(text.get(..10)?, DATE).ok())
}

/// `YYYY-MM-DD` read without the general parser: the form nearly every answer uses, read for
/// every date decoded. `None` for anything else, which [`parse`] then reads.
pub(crate) fn parse_plain(text: &[u8]) -> Option<Date> {
    match text {
        [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] => {
            let year = digits(&[*y0, *y1, *y2, *y3])?;
            let month = Month::try_from(u8::try_from(digits(&[*m0, *m1])?).ok()?).ok()?;
            let day = u8::try_from(digits(&[*d0, *d1])?).ok()?;
            Date::from_calendar_date(i32::try_from(year).ok()?, month, day).ok()
        }
        _ => None,
    }
}

/// The value of a run of ASCII digits; `None` if any byte is not a digit.
pub(crate) fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0u32, |value, &byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format(date: Date) -> Result<String, time::error::Format> {
    match plain(date) {
        Some(text) => Ok(text.iter().copied().map(char::from).collect()),
        None => date.format(DATE),
    }
}

/// `YYYY-MM-DD` written without the general formatter, for a year of four digits (every
/// date a provider sends or the sandbox makes); `None` for other years, which `time`
/// writes with a sign.
pub(crate) fn plain(date: Date) -> Option<[u8; 10]> {
    let year = u16::try_from(date.year())
        .ok()
        .filter(|year| *year <= 9999)?;
    let (month, day) = (u8::from(date.month()), date.day());
    let digit = |value: u16, unit: u16| b'0' + (value / unit % 10) as u8;
    Some([
        digit(year, 1000),
        digit(year, 100),
        digit(year, 10),
        digit(year, 1),
        b'-',
        b'0' + month / 10,
        b'0' + month % 10,
        b'-',
        b'0' + day / 10,
        b'0' + day % 10,
    ])
}

/// The calendar date wire form.
pub(crate) struct DateCodec;

impl Codec<Date> for DateCodec {
    fn encode<S: Serializer>(value: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(text) = plain(*value) {
            // Digits and dashes only: always UTF-8.
            if let Ok(text) = std::str::from_utf8(&text) {
                return serializer.serialize_str(text);
            }
        }
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
            |text| {
                let bytes = text.as_bytes();
                if let Some(date) = parse_plain(bytes) {
                    return Some((date, true));
                }
                // `YYYY-MM-DD` as written is what `format` writes back.
                let canonical = bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-';
                parse(text).map(|date| (date, canonical))
            },
            "a date as YYYY-MM-DD",
        )
    }
}

codec_modules!(DateCodec, Date, "a calendar date");

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_plain_date_takes_the_short_path() {
        assert_eq!(
            parse_plain(b"2021-11-27"),
            Date::from_calendar_date(2021, Month::November, 27).ok()
        );
        for text in [
            "2021-02-30",
            "2021-13-01",
            "2021-1-011",
            "20211127",
            "+021-01-01",
        ] {
            assert_eq!(parse_plain(text.as_bytes()), None, "{text}");
        }
    }

    proptest! {
        /// The short path agrees with the general `YYYY-MM-DD` parser on every text it
        /// reads, and reads every text with a four-digit year that the general parser reads
        /// and `format` writes back as received. Other years (`-0001-01-01`, `+10000-01-01`)
        /// are left to the general parser, which `parse` falls back to.
        #[test]
        fn the_short_path_is_the_general_parser_on_canonical_text(
            text in prop_oneof![
                "[0-9]{4}-[01][0-9]-[0-3][0-9]",
                "[+-]?[0-9]{3,5}-?[01]?[0-9]-?[0-3]?[0-9]",
            ]
        ) {
            let general = Date::parse(&text, DATE)
                .ok()
                .filter(|date| format(*date).ok().as_deref() == Some(text.as_str()));
            let plain = parse_plain(text.as_bytes());
            if plain.is_some() || (general.is_some() && text.len() == 10) {
                prop_assert_eq!(plain, general);
            }
            prop_assert_eq!(parse(&text).filter(|_| general.is_some()), general);
        }

        /// The short writer writes what `time`'s general formatter writes, for every date
        /// `time` holds; it leaves the years that are not four digits to it.
        #[test]
        fn the_short_writer_is_the_general_formatter(day in Date::MIN.to_julian_day()..=Date::MAX.to_julian_day()) {
            let date = Date::from_julian_day(day).unwrap();
            let general = date.format(DATE).unwrap();
            match plain(date) {
                Some(text) => prop_assert_eq!(std::str::from_utf8(&text).unwrap(), general.as_str()),
                None => prop_assert!(!(0..=9999).contains(&date.year()), "{}", general),
            }
            prop_assert_eq!(format(date).unwrap(), general);
        }
    }

    #[test]
    fn the_short_writer_covers_the_four_digit_years_and_no_others() {
        for (year, month, day, text) in [
            (0, Month::January, 1, "0000-01-01"),
            (999, Month::September, 9, "0999-09-09"),
            (2024, Month::February, 29, "2024-02-29"),
            (9999, Month::December, 31, "9999-12-31"),
        ] {
            let date = Date::from_calendar_date(year, month, day).unwrap();
            assert_eq!(plain(date).as_ref().map(|t| &t[..]), Some(text.as_bytes()));
            assert_eq!(format(date).unwrap(), text);
        }
        let before = Date::from_calendar_date(-1, Month::December, 31).unwrap();
        assert_eq!(plain(before), None);
        assert_eq!(format(before).unwrap(), before.format(DATE).unwrap());
    }
}
