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
//! - **Errors**: the one [`Error`] of every mypages client (`mypages_transport`'s): match on
//!   [`Error::kind`] ([`ErrorKind`]) or [`Error::category`] ([`Category`]); it keeps the
//!   status, headers and body, and reads the fields Avarda sends (`errorCode` or `error`,
//!   `message`, `error_description`) into its [`Problem`]; [`error_code`] gives Avarda's
//!   code.
//! - **Operations from the spec**: every call is sent with a descriptor of
//!   [`operations`], generated from `specs/avarda-mypages.yaml` (method, path, query,
//!   retry class). `POST /Pay` is never retried once it may have reached Avarda.
//! - Money is exact ([`Decimal`](mypages_models::Decimal)); the types are in
//!   [`models`] (`mypages_models::avarda`).
//!
//! Where: an [`Environment`] ([`Environment::Stage`] unless another is set) or a base URL
//! (the sandbox's), never both. Timeouts, retries and the user agent (default
//! `mypages-avarda/<version>`) are set with [`AvardaClientBuilder::transport`].
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
//!     println!("{} {:?} {:?}", invoice.id, invoice.balance, invoice.currency);
//! }
//! match avarda.accounts().list(&customer, "purchase-id").await? {
//!     StrongAuth::Authenticated(accounts) => println!("{} accounts", accounts.len()),
//!     StrongAuth::AuthenticationRequired { redirect_url } => println!("send the customer to {redirect_url}"),
//! }
//! # Ok(()) }
//! ```
//!
//! Errors, matched by kind and category:
//!
//! ```no_run
//! # async fn run(avarda: avarda_client::AvardaClient, customer: avarda_client::Customer) {
//! use avarda_client::{Category, ErrorKind};
//!
//! match avarda.invoices().list(&customer, "purchase-id").await {
//!     Ok(invoices) => println!("{} invoices", invoices.len()),
//!     Err(error) if error.category() == Category::NotFound => println!("no such purchase"),
//!     Err(error) if error.category() == Category::Unauthorized => eprintln!("check the credentials: {error}"),
//!     Err(error) if error.kind() == ErrorKind::InvalidArgument => eprintln!("fix {:?}", error.argument()),
//!     Err(error) if error.is_transient() => eprintln!("try again later: {error}"),
//!     Err(error) => eprintln!("{error} (Avarda code {:?})", avarda_client::error_code(&error)),
//! }
//! # }
//! ```

// docs.rs builds with `--cfg docsrs` on nightly: items behind a feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod accounts;
mod client;
mod customer;
mod error;
mod invoices;
pub mod operations;
mod pay;
mod strong_auth;
mod token;
mod validate;

pub use accounts::Accounts;
pub use client::{AvardaClient, AvardaClientBuilder, Environment};
pub use customer::{Customer, TokenProvider, TokenProviderError};
pub use error::{Category, Error, ErrorKind, Problem, error_code};
pub use invoices::Invoices;
pub use mypages_models::avarda as models;
pub use mypages_transport::{Call, ClientBuilder, RetryPolicy, SecretString};
pub use pay::Pay;
pub use strong_auth::StrongAuth;
