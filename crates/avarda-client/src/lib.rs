//! A typed client for Avarda's MyPages API: a merchant's "my pages" reads a customer's
//! invoices and credit accounts and lets them pay through Checkout 3.0.
//!
//! - **Partner access token**: give the client id and secret; the client fetches the token
//!   from `POST /auth/token`, caches it for every call and customer, refreshes it ahead of
//!   `tokenExpirationUtc` (single-flight), and on a 401 refreshes it once and replays the
//!   call. A ready token can be given instead.
//! - **Customers**: each read names the customer with a [`Customer`] (their stable auth
//!   token, redacted everywhere, and its [`TokenProvider`]).
//! - **Strong authentication is a value**: the accounts calls answer [`StrongAuth`], either
//!   the accounts or the URL to send the customer to first.
//! - **Errors**: one [`Error`] with [`ErrorKind`]s, the status, headers and body, and the
//!   fields Avarda sends (`error`, `error_description`, `errorCode`, `message`).
//! - Money is exact ([`Decimal`](mypages_models::Decimal)); the types are in
//!   [`models`] (`mypages_models::avarda`).
//!
//! ```no_run
//! use avarda_client::{AvardaClient, Customer, Environment, StrongAuth, TokenProvider};
//!
//! # async fn run() -> Result<(), avarda_client::Error> {
//! let avarda = AvardaClient::builder()
//!     .environment(Environment::Stage)
//!     .credentials("client-id", "client-secret")
//!     .build()?;
//! let customer = Customer::new("4f1c0a7d9e", TokenProvider::Own)
//!     .with_return_url("https://shop.example/my-pages/accounts");
//! for invoice in avarda.invoices().list(&customer, "purchase-id").await? {
//!     println!("{} {} {}", invoice.id, invoice.balance, invoice.currency);
//! }
//! match avarda.accounts().list(&customer, "purchase-id").await? {
//!     StrongAuth::Authenticated(accounts) => println!("{} accounts", accounts.len()),
//!     StrongAuth::AuthenticationRequired { redirect_url } => println!("send the customer to {redirect_url}"),
//! }
//! # Ok(()) }
//! ```

// docs.rs builds with `--cfg docsrs` on nightly: items behind a feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod accounts;
mod client;
mod customer;
mod error;
mod invoices;
mod pay;
mod read;
mod strong_auth;
mod token;
mod validate;

pub use accounts::Accounts;
pub use client::{AvardaClient, AvardaClientBuilder, Environment};
pub use customer::{Customer, TokenProvider, TokenProviderError};
pub use error::{Error, ErrorKind};
pub use invoices::Invoices;
pub use mypages_models::avarda as models;
pub use mypages_transport::{RetryPolicy, SecretString};
pub use pay::Pay;
pub use strong_auth::StrongAuth;
