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

impl YearMonth {
    /// The month before this one: `2026-01` gives `2025-12`. `None` before `0001-01`.
    ///
    /// ```
    /// use payex_client::{Month, YearMonth};
    ///
    /// let january = YearMonth::new(2026, Month::January)?;
    /// assert_eq!(january.previous(), Some(YearMonth::new(2025, Month::December)?));
    /// # Ok::<(), payex_client::YearMonthError>(())
    /// ```
    pub fn previous(self) -> Option<Self> {
        match self.month {
            Month::January => Self::new(self.year.checked_sub(1)?, Month::December).ok(),
            month => Some(Self {
                year: self.year,
                month: month.previous(),
            }),
        }
    }

    /// The month `date` falls in, e.g. last month's transactions with
    /// `YearMonth::containing(today)?.previous()`.
    pub fn containing(date: time::Date) -> Result<Self, YearMonthError> {
        let year = u16::try_from(date.year()).map_err(|_| {
            YearMonthError(format!("year {} is not between 1 and 9999", date.year()))
        })?;
        Self::new(year, date.month())
    }
}

#[cfg(test)]
mod previous_tests {
    use super::*;

    #[test]
    fn previous_steps_back_one_month_across_years() {
        let month = |text: &str| text.parse::<YearMonth>().unwrap();
        assert_eq!(month("2026-03").previous(), Some(month("2026-02")));
        assert_eq!(month("2026-01").previous(), Some(month("2025-12")));
        assert_eq!(month("0001-01").previous(), None);
    }

    #[test]
    fn containing_takes_the_year_and_month_of_a_date() {
        let date = time::macros::date!(2026 - 12 - 06);
        assert_eq!(
            YearMonth::containing(date).unwrap(),
            "2026-12".parse::<YearMonth>().unwrap()
        );
        let too_early = time::macros::date!(0000 - 06 - 01);
        assert!(YearMonth::containing(too_early).is_err());
    }
}
