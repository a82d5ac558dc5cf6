//! End-to-end tests across the mypages crates live in `e2e/` beside this file (one test
//! binary, `cargo test -p mypages-e2e`).
//!
//! This library also runs every Rust example of the repository's README as a doc test,
//! against the sandbox, so the README cannot drift from the code.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
