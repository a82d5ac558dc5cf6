//! Stateful simulators of the three "My Pages" APIs the SDK speaks (Avarda MyPages, PayEx
//! Ledger Account, PayFunc "p4p"), on one loopback HTTP server: what stripe-mock is to
//! Stripe, but with state, the providers' real flows (partner tokens, strong authentication
//! and pay pages, paging links, problem documents) and faults on demand.
//!
//! ```no_run
//! # async fn run() -> Result<(), mypages_sandbox::SandboxError> {
//! use mypages_sandbox::{Sandbox, credentials};
//!
//! let sandbox = Sandbox::builder().start().await?;
//! // e.g. http://127.0.0.1:41234/payex, then /ledger/account/v1/1000/accounts
//! println!("{} with token {}", sandbox.payex_url(), credentials::PAYEX_TOKEN);
//! sandbox.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! # What is served
//!
//! - `/avarda`: `POST /auth/token` (also `/Auth/token`), `GET /Invoices`, `GET
//!   /Invoices/{id}`, `GET /Accounts` (202 with a `redirectUrl` until the customer token has
//!   passed strong authentication), `GET /Accounts/{id}`, `POST /Pay`, `POST /Pay/Status`,
//!   plus two web pages: the strong-authentication page the `redirectUrl` points to, and
//!   the pay page of a payment, `/avarda/pay/{purchaseId}`.
//! - `/payex`: the Ledger Account API under `/ledger/account/v1/1000/...` and the account
//!   owner at `/ledger/customer/v1/1000/customers/{customerNo}`. Lists page two items at a
//!   time (`$top`/`$skip`, or `skip` on the accounts list); links are root-relative
//!   (`/ledger/...`, without `/payex`), as a real PayEx link would be.
//! - `/p4p`: PayFunc's account API (`/account...`, `/order`).
//! - `/_admin/faults`: fault rules at run time (see [`faults`]).
//!
//! The routes, status codes and bodies follow the specs in the repository's `specs/`
//! folder. Credentials and the demo customer's ids are in [`credentials`].
//!
//! # State
//!
//! Writes change later reads: a lowered credit limit, an added or replaced card, a
//! registered payment (balance down, transaction added), recurring-payment settings, a
//! created p4p account, balance items settled into an order, an ended subscription, an
//! Avarda invoice paid through `Pay`. Amounts are exact decimals, written digit for digit.

mod avarda;
pub mod credentials;
pub mod faults;
mod ids;
mod p4p;
mod payex;
mod pdf;
mod sandbox;
mod server;
mod wire;

pub use faults::{FaultId, FaultKind, FaultRule, Provider, Trigger};
pub use sandbox::{RunningSandbox, Sandbox, SandboxBuilder, SandboxError, SeedConfig, serve};
