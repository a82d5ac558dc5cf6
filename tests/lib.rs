//! End-to-end tests across the mypages crates live in `tests/*.rs` beside this file.
