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
//! # Authentication
//!
//! The credentials are fixed ([`credentials`]):
//! - Avarda: `POST /auth/token` with `{"clientId": "sandbox-client", "clientSecret":
//!   "sandbox-secret"}` answers a JWT-shaped partner token and its `tokenExpirationUtc`; it
//!   lives one hour unless [`SandboxBuilder::avarda_token_lifetime`] says otherwise, and an
//!   expired or unknown token answers 401. The customer token `sandbox-customer` has passed
//!   strong authentication; any other one gets 202 `{redirectUrl}` from the account routes
//!   until it confirms on the strong-authentication page. `GET /Accounts` answers an array
//!   ([`SandboxBuilder::avarda_accounts_as_object`] makes it the documented single object).
//! - PayEx: `Authorization: Bearer sandbox-token`, valid for ledger `1000` only (another
//!   ledger in the route answers 401).
//! - p4p: `Authorization: Bearer sandbox-key` (the private key). `POST /account/{id}` makes
//!   an account key, valid three days, with which requests may name the account `me`.
//!
//! # Web pages (Avarda)
//!
//! - The strong-authentication page is the 202's `redirectUrl`
//!   (`http://ADDR/avarda/strong-authentication/{session}`). Its "Confirm identity" button
//!   (`#confirm`, a form posting `decision=confirm`) marks the customer token as verified and
//!   answers `303 See Other` to the call's `customerAuthenticationReturnUrl`; "Cancel"
//!   (`#cancel`) returns there without verifying. A session is used once.
//! - The pay page of a payment started with `POST /Pay` is `http://ADDR/avarda/pay/{purchaseId}`
//!   ([`RunningSandbox::avarda_pay_page_url`]). It shows the amount (`#amount`); "Pay"
//!   (`#pay`) and "Cancel" (`#cancel`) finish it, after which `POST /Pay/Status` answers
//!   `Paid` or `Cancelled` (until then `Unpaid`), and a paid invoice or account shows balance
//!   `0.00` and state `Paid`.
//! - Without a browser (tests, the demo), the sandbox-only conveniences
//!   [`RunningSandbox::avarda_confirm_strong_authentication`],
//!   [`RunningSandbox::avarda_complete_payment`] and [`RunningSandbox::avarda_cancel_payment`]
//!   do the same.
//!
//! The p4p login link a `POST /account/{id}/link` answers (`http://ADDR/p4p/account/{id}/link/{linkId}`)
//! opens as a page; the first visit marks it `used`, later ones answer 410.
//!
//! # Errors
//!
//! Each provider answers errors in its own format, also for malformed JSON, missing or
//! mistyped fields, missing headers, unknown routes (404), wrong methods (405) and bodies over
//! 1 MiB (413):
//! - Avarda (no documented schema): `{"errorCode", "message"}`, and `{"error",
//!   "error_description"}` from the token endpoint.
//! - PayEx: `application/problem+json` with `Type` (`ledger.account.validation`,
//!   `account-not-found`, `card-not-found`, `duplicate-card-token`, `card-update-failed`,
//!   `customer-does-not-exists`, `invalid-reg-no`, ...), `Title`, `Status`, `Instance`,
//!   `Detail` and, for validation, `Problems: [{"<field>": "<what is wrong>"}]`
//!   ([`SandboxBuilder::payex_lowercase_problems`] switches to the documents' other form:
//!   lowercase keys, `type` like `ledger/account/v1/problems/validation`).
//! - p4p: `{"status", "type", "content": {"type", "description"}}`.
//!
//! # State and seed data
//!
//! Writes change later reads: a lowered credit limit, an added or replaced card, a
//! registered payment (balance down, transaction added, open bills settled; a repeated
//! `sourcePspPaymentTransactionId` is booked once), recurring-payment settings and the active
//! payment orders they make, a created p4p account, balance items settled into an order, an
//! ended subscription, an Avarda invoice or account paid through `Pay`. Amounts are exact
//! decimals, written digit for digit.
//!
//! The demo customer has invoices and loans at Avarda, three accounts at PayEx (bills with
//! PDFs, cards, transactions, reservations, an autogiro setting; one account's
//! `maxPaymentAmount` has 28 digits) and an account with balance items, a card and a
//! subscription at p4p. [`SandboxBuilder::generated_customers`] and
//! [`SandboxBuilder::transactions_per_customer`] add volume; the data is the same for the
//! same [`SandboxBuilder::seed`].

// docs.rs builds with `--cfg docsrs` on nightly: items behind a feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

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
