//! The checkout languages of [`PayLanguage`]: Avarda's integer codes by name, and parsing of
//! the forms a user types (`1`, `sv`, `Swedish`).

use std::fmt;
use std::str::FromStr;

use super::PayLanguage;

/// The languages whose integer codes Avarda's own client sends, with their two-letter names
/// as that client spells them (`dk` for Danish, `cz` for Czech).
const CODES: &[(&str, i32)] = &[
    ("en", 0),
    ("sv", 1),
    ("fi", 2),
    ("no", 3),
    ("et", 4),
    ("dk", 5),
    ("cz", 6),
    ("lt", 7),
    ("sk", 9),
    ("pl", 10),
];

impl PayLanguage {
    /// English (code 0).
    pub const ENGLISH: Self = Self::Code(0);
    /// Swedish (code 1).
    pub const SWEDISH: Self = Self::Code(1);
    /// Finnish (code 2).
    pub const FINNISH: Self = Self::Code(2);
    /// Norwegian (code 3).
    pub const NORWEGIAN: Self = Self::Code(3);
    /// Estonian (code 4).
    pub const ESTONIAN: Self = Self::Code(4);
    /// Danish (code 5).
    pub const DANISH: Self = Self::Code(5);
    /// Czech (code 6).
    pub const CZECH: Self = Self::Code(6);
    /// Lithuanian (code 7).
    pub const LITHUANIAN: Self = Self::Code(7);
    /// Slovak (code 9).
    pub const SLOVAK: Self = Self::Code(9);
    /// Polish (code 10).
    pub const POLISH: Self = Self::Code(10);

    /// The integer code of a two-letter language name of Avarda's client (`en`, `sv`, `fi`,
    /// `no`, `et`, `dk`, `cz`, `lt`, `sk`, `pl`; also `da` and `cs`), case-insensitively.
    pub fn from_short_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        let name = match name.as_str() {
            "da" => "dk",
            "cs" => "cz",
            "nb" => "no",
            other => other,
        };
        CODES
            .iter()
            .find(|(short, _)| *short == name)
            .map(|(_, code)| Self::Code(*code))
    }
}

/// Why a text is not a checkout language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayLanguageError;

impl fmt::Display for PayLanguageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "expected an integer language code (0 to 10), a two-letter language (en, sv, fi, no, et, dk, cz, lt, sk, pl) or a language name",
        )
    }
}

impl std::error::Error for PayLanguageError {}

impl FromStr for PayLanguage {
    type Err = PayLanguageError;

    /// Reads what a user types: an integer code (`1`) stays that code, a two-letter name of
    /// Avarda's client (`sv`) becomes its code, and any other word (`Swedish`) is sent as the
    /// string it is. Blank text is an error.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() {
            return Err(PayLanguageError);
        }
        if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return text.parse().map(Self::Code).map_err(|_| PayLanguageError);
        }
        if let Some(language) = Self::from_short_name(text) {
            return Ok(language);
        }
        if text
            .chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '_')
        {
            return Ok(Self::Name(text.to_owned()));
        }
        Err(PayLanguageError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_short_names_and_words() {
        assert_eq!("0".parse(), Ok(PayLanguage::ENGLISH));
        assert_eq!("10".parse(), Ok(PayLanguage::POLISH));
        assert_eq!("SV".parse(), Ok(PayLanguage::SWEDISH));
        assert_eq!("da".parse(), Ok(PayLanguage::DANISH));
        assert_eq!(
            "Swedish".parse(),
            Ok(PayLanguage::Name("Swedish".to_owned()))
        );
        assert_eq!("".parse::<PayLanguage>(), Err(PayLanguageError));
        assert_eq!("1.5".parse::<PayLanguage>(), Err(PayLanguageError));
        assert_eq!("99999999999".parse::<PayLanguage>(), Err(PayLanguageError));
    }
}
