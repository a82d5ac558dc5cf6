//! A typed client of PayFunc's ("Payments for Programmers") account API: accounts with a
//! balance, payment methods, account keys, login links, subscriptions, and the orders that
//! charge an account.
//!
//! Build a [`P4pClient`] with your API key (private, public or account key; test and
//! production share `https://api.payfunc.com/`, the key decides the mode), then call the
//! resource groups: [`P4pClient::accounts`], [`P4pClient::balance`],
//! [`P4pClient::subscriptions`] and [`P4pClient::orders`].
//!
//! ```no_run
//! # async fn run() -> Result<(), p4p_client::Error> {
//! use p4p_client::P4pClient;
//! use p4p_client::models::{AccountCreatable, Items};
//! use rust_decimal::Decimal;
//!
//! let client = P4pClient::builder().key("my-private-key").build()?;
//! let account = client
//!     .accounts()
//!     .create(&AccountCreatable::new(Vec::new()).with_number("customer-42".to_owned()))
//!     .await?;
//! let account = client
//!     .balance()
//!     .add(&account.id, &Items::Amount(Decimal::new(1250, 2)))
//!     .await?;
//! println!("{} owes {:?}", account.id, account.total);
//! # Ok(())
//! # }
//! ```
//!
//! Amounts are exact [`rust_decimal::Decimal`]s. Ids are checked types
//! ([`AccountId`](models::AccountId), [`SubscriptionId`](models::SubscriptionId),
//! [`OrderId`](models::OrderId)); [`AccountRef::Me`] and [`SettleTarget::All`] name `me` and
//! `all` where PayFunc accepts them. Requests are checked before they are sent, and a failure
//! names the argument. Account creation, order creation, balance additions and order events
//! are not idempotent and are never retried once they may have reached PayFunc.
//!
//! Errors are the one [`Error`] of every mypages client (the transport's), with PayFunc's
//! error body, `{status, type, content: {type, description}}`, read into its
//! [`Problem`]; match on [`Error::kind`] or the cross-provider [`Error::category`]:
//!
//! ```no_run
//! # async fn run(client: p4p_client::P4pClient, id: p4p_client::models::AccountId) {
//! use p4p_client::Category;
//!
//! match client.accounts().get(&id).await {
//!     Ok(account) => println!("{:?}", account.status),
//!     Err(error) if error.category() == Category::NotFound => println!("no such account"),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # }
//! ```

mod accounts;
mod balance;
mod client;
mod error;
pub mod operations;
mod orders;
mod refs;
mod subscriptions;
mod validate;

pub use accounts::Accounts;
pub use balance::Balance;
pub use client::{Environment, P4pClient, P4pClientBuilder};
pub use error::{Category, Error, ErrorKind, Problem, api_error};
pub use mypages_transport::{Call, ClientBuilder, RetryPolicy};
pub use orders::Orders;
pub use refs::{AccountRef, SettleTarget};
pub use secrecy::SecretString;
pub use subscriptions::Subscriptions;

/// The data types of the API (re-exported from `mypages_models::p4p`).
pub mod models {
    pub use mypages_models::p4p::*;
    pub use mypages_models::{Currency, Decimal, Sensitive};
}
