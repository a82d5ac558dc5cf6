//! A typed client of the PayEx Ledger Account API: an end customer's credit accounts in a
//! PayEx ledger, with their bills (and bill PDFs), cards, transactions, reservations,
//! recurring payments and active payment orders.
//!
//! Build a [`PayexClient`] for one ledger with the token (and mutual-TLS client
//! certificate) PayEx issued for it, then reach each resource through a method named after
//! it. Lists are lazy streams that follow PayEx's paging links; errors carry PayEx's
//! problem types as a [`ProblemKind`]; arguments are checked before anything is sent.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use futures_util::TryStreamExt;
//! use payex_client::{Environment, PayexClient, SecretString};
//!
//! let payex = PayexClient::builder()
//!     .environment(Environment::Sandbox)
//!     .ledger("501")
//!     .token(SecretString::from("reference-token"))
//!     .identity_pem(&std::fs::read("client.pem")?, &std::fs::read("client.key")?)
//!     .build()?;
//!
//! let mut accounts = payex.accounts().list().customer_no("456").items();
//! while let Some(account) = accounts.try_next().await? {
//!     println!("{} owes {} {}", account.account_no, account.total_balance, account.currency);
//! }
//!
//! let mut file = tokio::fs::File::create("reminder-123.pdf").await?;
//! payex.bills("NNN").document("reminder-123").download_to(&mut file).await?;
//! # Ok(()) }
//! ```
//!
//! The types of the API are in [`models`] (re-exported from `mypages_models::payex`).

mod accounts;
mod bills;
mod cards;
mod client;
mod environment;
mod error;
mod hypermedia;
mod list;
pub mod operations;
mod problem_kind;
mod recurring;
mod transactions;
mod validate;
mod year_month;

pub use accounts::{Accounts, AccountsQuery};
pub use bills::{BillDocument, Bills, DocumentStream};
pub use cards::Cards;
pub use client::{PayexClient, PayexClientBuilder};
pub use environment::Environment;
pub use error::{Category, Error, ErrorKind};
pub use list::{Items, List, MAX_ALL_ITEMS, Page, Pages};
pub use mypages_transport::{
    Call, ClientBuilder, Identity, Problem, ProblemField, RetryPolicy, SecretString, TokenSource,
};
pub use problem_kind::ProblemKind;
pub use recurring::{ActivePaymentOrders, RecurringPayments};
pub use transactions::{Reservations, Transactions, TransactionsQuery};
pub use year_month::{YearMonth, YearMonthError};

/// The types of the Ledger Account API (`mypages_models::payex`), plus the shared
/// [`Currency`](mypages_models::Currency), [`Decimal`](mypages_models::Decimal) and
/// [`Sensitive`](mypages_models::Sensitive).
pub mod models {
    pub use mypages_models::payex::*;
    pub use mypages_models::{Currency, Date, Decimal, Sensitive};
}
