//! [`CardExpiry`]: a card's expiry as PayFunc writes it, `[month, year]`.

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A card's expiry month, written on the wire as `[month, year]` (`[2, 22]` is February 2022).
///
/// ```
/// use mypages_models::p4p::CardExpiry;
///
/// let expiry: CardExpiry = serde_json::from_str("[2, 22]")?;
/// assert_eq!((expiry.month(), expiry.year()), (2, 22));
/// assert_eq!(serde_json::to_string(&expiry)?, "[2,22]");
/// assert!(serde_json::from_str::<CardExpiry>("[13, 22]").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardExpiry {
    year: u16,
    month: u8,
}

/// Why a month and year are not a card expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CardExpiryError {
    /// The month that was given.
    pub month: i64,
}

impl fmt::Display for CardExpiryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "card expiry month {} is out of range: give a month from 1 to 12",
            self.month
        )
    }
}

impl std::error::Error for CardExpiryError {}

impl CardExpiry {
    /// An expiry from a month (1 to 12) and the year as PayFunc writes it (two digits, `22`
    /// for 2022).
    pub fn new(month: u8, year: u16) -> Result<Self, CardExpiryError> {
        if (1..=12).contains(&month) {
            Ok(Self { year, month })
        } else {
            Err(CardExpiryError {
                month: i64::from(month),
            })
        }
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The year as sent, usually two digits (`22`).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The year with its century: two-digit years are in the 2000s.
    pub fn full_year(&self) -> u16 {
        if self.year < 100 {
            2000 + self.year
        } else {
            self.year
        }
    }
}

impl fmt::Debug for CardExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardExpiry({:02}/{:02})", self.month, self.year)
    }
}

impl fmt::Display for CardExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}", self.month, self.year)
    }
}

impl Serialize for CardExpiry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.month, self.year).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CardExpiry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (month, year) = <(i64, i64)>::deserialize(deserializer)?;
        let month = u8::try_from(month)
            .ok()
            .and_then(|month| Self::new(month, 0).ok())
            .map(|expiry| expiry.month)
            .ok_or_else(|| D::Error::custom(CardExpiryError { month }))?;
        let year = u16::try_from(year).map_err(|_| {
            D::Error::custom(format!(
                "card expiry year {year} is out of range: expected a year such as 22"
            ))
        })?;
        Ok(Self { year, month })
    }
}
