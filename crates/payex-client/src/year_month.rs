//! [`YearMonth`]: a calendar month, for the transactions `month` filter.

use std::fmt;
use std::str::FromStr;

use time::Month;

/// A calendar month such as `2020-04`, written `YYYY-MM` on the wire.
///
/// ```
/// use payex_client::YearMonth;
///
/// let month: YearMonth = "2020-04".parse()?;
/// assert_eq!(month.to_string(), "2020-04");
/// assert!("2020-13".parse::<YearMonth>().is_err());
/// # Ok::<(), payex_client::YearMonthError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: u16,
    month: Month,
}

impl YearMonth {
    /// The month `month` of `year` (years 1 to 9999).
    pub fn new(year: u16, month: Month) -> Result<Self, YearMonthError> {
        if !(1..=9999).contains(&year) {
            return Err(YearMonthError(format!(
                "year {year} is not between 1 and 9999"
            )));
        }
        Ok(Self { year, month })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month of the year.
    pub fn month(self) -> Month {
        self.month
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, u8::from(self.month))
    }
}

impl FromStr for YearMonth {
    type Err = YearMonthError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || YearMonthError(format!("{text:?} is not a month written YYYY-MM"));
        let (year, month) = text.split_once('-').ok_or_else(invalid)?;
        if year.len() != 4
            || month.len() != 2
            || !year
                .bytes()
                .chain(month.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let year: u16 = year.parse().map_err(|_| invalid())?;
        let month: u8 = month.parse().map_err(|_| invalid())?;
        let month = Month::try_from(month).map_err(|_| invalid())?;
        Self::new(year, month)
    }
}

/// Why a text is not a `YYYY-MM` month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearMonthError(String);

impl fmt::Display for YearMonthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for YearMonthError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let month: YearMonth = "0999-12".parse().unwrap();
        assert_eq!(month.year(), 999);
        assert_eq!(month.month(), Month::December);
        assert_eq!(month.to_string(), "0999-12");
    }

    #[test]
    fn rejects_malformed() {
        for text in [
            "",
            "2020",
            "2020-4",
            "2020-00",
            "2020-13",
            "20-04",
            "2020-04-01",
            "+020-04",
            "0000-01",
            "２０２０-04",
        ] {
            assert!(text.parse::<YearMonth>().is_err(), "{text}");
        }
    }
}
