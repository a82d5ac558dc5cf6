//! End-to-end tests across the mypages crates live in `tests/*.rs` beside this file.
//!
//! This library also runs every Rust example of the repository's README as a doc test,
//! against the sandbox, so the README cannot drift from the code.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
