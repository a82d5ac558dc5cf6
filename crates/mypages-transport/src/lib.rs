//! The HTTP transport shared by the mypages provider clients (Avarda, PayEx, PayFunc).
//!
//! A client crate describes each provider operation as an [`Endpoint`] (method, path from
//! typed parameters, query, headers, optional JSON body, idempotency, decoding) and runs it
//! with [`Client::execute`]. The client is a tower stack, outermost first:
//!
//! trace -> operation deadline -> retry -> auth -> attempt timeout -> body limit -> connector
//!
//! Each stage is a public [`tower::Layer`] in [`layers`], composed with `ServiceBuilder`;
//! your own layers go around the whole stack ([`ClientBuilder::layer`]) or around each
//! attempt ([`ClientBuilder::attempt_layer`]), and ours can be used in your own stacks.
//!
//! - **Base URL** with a path prefix kept (`http://127.0.0.1:7070/payex` + `/ledger/...`);
//!   plain `http` only for loopback hosts; provider links resolved with [`Client::link`].
//! - **Auth**: a bearer token from a [`TokenSource`] ([`StaticToken`], or [`CachedToken`]
//!   with a background refresh ahead of expiry), sent to the configured origin only; on
//!   401 the token is refreshed once and the request replayed.
//! - **Retries** ([`RetryPolicy`]): full-jitter exponential backoff, `Retry-After`, a shared
//!   budget; after a request may have been sent, only idempotent endpoints are retried.
//! - **Timeouts**: connect (5 s: DNS, TCP and TLS), per attempt (30 s, not counting the
//!   token fetch), whole operation (optional), a minimum body throughput (1 KiB every
//!   10 s), pooled connections idle out after 50 s; every deadline saturates.
//! - **Errors**: one [`Error`] with an [`ErrorKind`]; provider errors carry the status,
//!   headers, bounded body and the RFC 7807 [`Problem`] in any key casing.
//! - **Bodies**: a 16 MiB limit for decoded bodies; [`Client::download`] streams.
//! - **Paging**: [`Client::pages`] and [`Client::link_pages`] are lazy streams.
//! - **Tracing**: a span per operation and per attempt, free of tokens, bodies and queries.
//!
//! ```no_run
//! use mypages_transport::{Client, Endpoint, Error, Response, encode_segment};
//! use http::Method;
//! use secrecy::SecretString;
//!
//! struct GetAccount<'a> { ledger: &'a str, account_no: &'a str }
//!
//! impl Endpoint for GetAccount<'_> {
//!     type Output = serde_json::Value;
//!     fn operation(&self) -> &'static str { "get_account" }
//!     fn method(&self) -> Method { Method::GET }
//!     fn path(&self) -> Result<String, Error> {
//!         Ok(format!(
//!             "/ledger/account/v1/{}/accounts/{}",
//!             encode_segment(self.ledger),
//!             encode_segment(self.account_no),
//!         ))
//!     }
//!     fn decode(&self, response: Response) -> Result<Self::Output, Error> {
//!         response.json()
//!     }
//! }
//!
//! # async fn run() -> Result<(), Error> {
//! let client = Client::builder()
//!     .provider("payex")
//!     .base_url("https://api.example.com")
//!     .token(SecretString::from("reference-token"))
//!     .build()?;
//! let account = client.execute(&GetAccount { ledger: "501", account_no: "1" }).await?;
//! println!("{account}");
//! # Ok(())
//! # }
//! ```

// docs.rs builds with `--cfg docsrs` on nightly: items behind a feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod base_url;
mod client;
mod connector;
mod destination;
mod download;
mod endpoint;
mod error;
#[cfg(test)]
mod fuzz_tests;
mod operation;
mod paging;
mod problem;
mod retry;
mod stack;
mod token;

pub use base_url::BaseUrl;
pub use client::{Client, ClientBuilder, DEFAULT_BODY_LIMIT};
pub use connector::Identity;
pub use destination::Destination;
pub use download::Download;
pub use endpoint::{
    Endpoint, RequestBody, Response, decode_json, encode_segment, insert_header, sensitive_header,
};
pub use error::{BoxError, Category, Error, ErrorKind, ProblemReader, TimeoutKind, bounded};
pub use operation::{Answer, Call, Operation, RetryClass};
pub use paging::{Items, Link, Pages};
pub use problem::{Problem, ProblemField};
pub use retry::RetryPolicy;
pub use secrecy::SecretString;
pub use stack::{HttpService, RequestMeta, ResponseBody};
pub use token::{BoxFuture, CachedToken, ExpiringToken, StaticToken, TokenSource};

/// The stages of the client's tower stack as public layers, outermost first: trace ->
/// operation deadline -> retry -> auth -> attempt timeout -> body limit; with their
/// services and the futures those return.
pub mod layers {
    pub use crate::stack::{
        AttemptTimeout, AttemptTimeoutFuture, AttemptTimeoutLayer, Auth, AuthFuture, AuthLayer,
        BodyLimit, BodyLimitFuture, BodyLimitLayer, OperationDeadline, OperationDeadlineFuture,
        OperationDeadlineLayer, Retry, RetryFuture, RetryLayer, Trace, TraceFuture, TraceLayer,
    };
}

/// Re-exports for writing endpoints without adding these crates yourself.
pub mod reexports {
    pub use bytes;
    pub use futures_core;
    pub use http;
}
