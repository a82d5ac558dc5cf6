//! Project automation for the mypages workspace, run as `cargo xtask <command>`.
//!
//! - `cargo xtask ci`: everything CI checks, in the order a failure is cheapest to find
//!   (installing Chromium, ChromeDriver and schemathesis first when missing, see `tools`).
//! - `cargo xtask codegen [--check]`: the models of `crates/mypages-models` from `specs/`.
//! - `cargo xtask bench [--quick] [--no-build-cost] [GROUP...]`: the benchmarks, in release mode (never in CI).
//! - `cargo xtask mutants [ARGS...]`: cargo-mutants over the transport (minutes, not in CI).
//! - `cargo xtask fuzz [SECONDS]`: every cargo-fuzz target of `fuzz/` (nightly, not in CI).
//! - `cargo xtask release-check [STEP...]`: what must hold before a release (docs/releasing.md).

mod bench;
mod ci;
mod codegen;
mod quality;
mod release_check;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..]),
        Some("ci") => ci::run(),
        Some("codegen") => codegen::run(&args[1..]),
        Some("mutants") => quality::mutants(&ci::workspace_root(), &args[1..]),
        Some("fuzz") => quality::fuzz(&ci::workspace_root(), &args[1..]),
        Some("release-check") => release_check::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci | codegen [--check] | bench [--quick] [--no-build-cost] [GROUP...] | mutants [ARGS...] | fuzz [SECONDS] | release-check [STEP...]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
