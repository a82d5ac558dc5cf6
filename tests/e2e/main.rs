//! End-to-end tests: the three typed clients (Avarda, PayEx, PayFunc) against the mypages
//! sandbox over real sockets on 127.0.0.1, through the real transport.
//!
//! - `journeys_*`: a customer's state changing across calls, amounts compared exactly.
//! - `retries`, `failures`, `paging`: the reliability rules of `docs/reliability.md` under
//!   the sandbox's faults, with the requests the sandbox saw counted exactly.

#![allow(clippy::unwrap_used)]

mod concurrency;
mod exactly_once;
mod failures;
mod journeys_avarda;
mod journeys_overview;
mod journeys_p4p;
mod journeys_payex;
mod operations;
mod paging;
mod redaction;
mod retries;
mod support;
mod vocabulary;
