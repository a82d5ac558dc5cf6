//! The transport's rules, each tested against real hyper servers on 127.0.0.1 through the
//! real stack.

// Tests and their helpers may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod auth;
mod bodies;
mod hardening;
mod logs;
mod retries;
mod stack;
mod support;
mod timeouts;
mod tls;
