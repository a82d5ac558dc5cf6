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
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

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
    if let Some(value) = parse_canonical(text.as_bytes()) {
        return Some(value);
    }
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

/// RFC 3339 exactly as [`format`] writes it (`2021-11-27T16:30:11.848Z`,
/// `2021-11-27T00:00:00+01:00`), read without the general parser: the form nearly every answer
/// uses, read for every date-time decoded. `None` for anything else (another separator or case,
/// trailing zeros in the fraction, `+00:00`, a leap second, ...), which [`parse`] then reads;
/// so a value from here is always written back as the same text.
fn parse_canonical(text: &[u8]) -> Option<OffsetDateTime> {
    use crate::date::{digits, parse_plain};
    let [date @ .., b'T', h0, h1, b':', i0, i1, b':', s0, s1] = text.get(..19)? else {
        return None;
    };
    let date = parse_plain(date)?;
    let hour = u8::try_from(digits(&[*h0, *h1])?).ok()?;
    let minute = u8::try_from(digits(&[*i0, *i1])?).ok()?;
    // 60 (a leap second) is read by the general parser, and not written back as received.
    let second = u8::try_from(digits(&[*s0, *s1])?)
        .ok()
        .filter(|s| *s < 60)?;
    let mut rest = &text[19..];
    let mut nanosecond = 0;
    if let [b'.', fraction @ ..] = rest {
        let n = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        // `format` writes 1 to 9 digits without trailing zeros.
        if n == 0 || n > 9 || fraction[n - 1] == b'0' {
            return None;
        }
        nanosecond = digits(&fraction[..n])? * 10u32.pow(9 - n as u32);
        rest = &fraction[n..];
    }
    let offset = match rest {
        [b'Z'] => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), h0, h1, b':', m0, m1] => {
            let hours = i8::try_from(digits(&[*h0, *h1])?)
                .ok()
                .filter(|h| *h <= 23)?;
            let minutes = i8::try_from(digits(&[*m0, *m1])?).ok()?;
            // `+00:00` is written `Z`.
            if hours == 0 && minutes == 0 {
                return None;
            }
            let sign = if *sign == b'-' { -1 } else { 1 };
            UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()?
        }
        _ => return None,
    };
    let time = Time::from_hms_nano(hour, minute, second, nanosecond).ok()?;
    Some(OffsetDateTime::new_in_offset(date, time, offset))
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
            |text| {
                if let Some(value) = parse_canonical(text.as_bytes()) {
                    return Some((value, true));
                }
                let value = parse(text)?;
                // Formatted on the stack.
                let mut buffer = [0u8; 64];
                let mut out = &mut buffer[..];
                let canonical = value
                    .format_into(&mut out, &Rfc3339)
                    .is_ok_and(|n| buffer.get(..n) == Some(text.as_bytes()));
                Some((value, canonical))
            },
            "an RFC 3339 date-time such as 2021-11-27T16:30:11Z",
        )
    }
}

codec_modules!(DateTimeCodec, OffsetDateTime, "an RFC 3339 date-time");

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What the general parser alone reads (with its offset), and whether `format` writes it
    /// back as received.
    fn general(text: &str) -> Option<(OffsetDateTime, UtcOffset, bool)> {
        let value = OffsetDateTime::parse(text, &Rfc3339).ok()?;
        let again = format(value).ok();
        Some((value, value.offset(), again.as_deref() == Some(text)))
    }

    /// The short path's reading, in the form of [`general`].
    fn short(text: &str) -> Option<(OffsetDateTime, UtcOffset, bool)> {
        parse_canonical(text.as_bytes()).map(|value| (value, value.offset(), true))
    }

    #[test]
    fn the_forms_format_writes_take_the_short_path() {
        for text in [
            "2021-11-27T16:30:11.848Z",
            "2021-11-27T00:00:00+01:00",
            "2020-12-08T09:19:42Z",
            "2021-11-27T16:30:11.000000001-00:30",
            "0000-01-01T00:00:00.5+23:59",
        ] {
            assert!(short(text).is_some(), "{text}");
            assert_eq!(short(text), general(text), "{text}");
        }
    }

    #[test]
    fn other_forms_are_left_to_the_general_parser() {
        for text in [
            "2021-11-27T16:30:11.8480Z",
            "2021-11-27T16:30:11.0Z",
            "2021-11-27T16:30:11.1234567891Z",
            "2021-11-27T16:30:11+00:00",
            "2021-11-27T16:30:11-00:00",
            "2021-11-27t16:30:11Z",
            "2021-11-27 16:30:11Z",
            "2021-11-27T16:30:11z",
            "2016-12-31T23:59:60Z",
            "2021-11-27T24:00:00Z",
            "2021-02-30T00:00:00Z",
            "2021-11-27T16:30:11+24:00",
            "2021-11-27T16:30:11",
            "2021-11-27T16:30Z",
            "2021-11-27",
        ] {
            assert_eq!(short(text), None, "{text}");
            assert!(
                general(text).is_none_or(|(_, _, canonical)| !canonical),
                "{text}"
            );
        }
    }

    proptest! {
        /// The short path reads exactly the texts that the general parser reads and `format`
        /// writes back as received, as the same point in time in the same offset.
        #[test]
        fn the_short_path_is_the_general_parser_on_canonical_text(
            text in "[0-9]{4}-[01][0-9]-[0-3][0-9][Tt ][0-2][0-9]:[0-6][0-9]:[0-6][0-9](\\.[0-9]{0,10})?(Z|z|[+-][0-2][0-9]:[0-6][0-9])?"
        ) {
            prop_assert_eq!(short(&text), general(&text).filter(|(_, _, canonical)| *canonical));
            // And `parse`, which tries the short path first, still reads what RFC 3339 reads.
            if let Some((value, offset, _)) = general(&text) {
                prop_assert_eq!(parse(&text).map(|v| (v, v.offset())), Some((value, offset)));
            }
        }
    }
}
