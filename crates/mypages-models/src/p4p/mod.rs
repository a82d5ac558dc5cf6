//! Types of the Payments for Programmers (PayFunc) account API: accounts with a balance,
//! payment methods, login links, subscriptions and orders.
//!
//! Most types are generated from `specs/p4p-account.yaml`; the ids ([`AccountId`],
//! [`OrderId`], [`SubscriptionId`]), the card expiry ([`CardExpiry`]) and the customer's
//! address ([`CustomerAddress`]) are written by hand.
//!
//! ```
//! use mypages_models::p4p::{Account, Items, Schedule, Frequency};
//!
//! let account: Account = serde_json::from_str(
//!     r#"{"id": "1234567890abcdef", "schedule": "quarterly", "total": 2000.00, "balance": []}"#,
//! )?;
//! assert_eq!(account.schedule, Some(Schedule::Frequency(Frequency::Quarterly)));
//! assert_eq!(account.total.map(|total| total.to_string()), Some("2000.00".to_owned()));
//! let items: Items = serde_json::from_str("12.50")?;
//! assert_eq!(serde_json::to_string(&items)?, "12.50");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod address;
mod card;
mod generated;
mod ids;

pub use address::CustomerAddress;
pub use card::{CardExpiry, CardExpiryError};
pub use generated::*;
pub use ids::{AccountId, IdError, OrderId, SubscriptionId};
