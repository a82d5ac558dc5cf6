//! `cargo xtask bench [--quick] [--no-build-cost] [GROUP...]`: builds the benchmarks in release mode and runs
//! them, printing the machine and one Markdown table per group. With `--quick` (few samples,
//! small volumes: a check that the harness works, which CI runs) they are built in the dev
//! profile instead, which the tests have built already, so the check costs no release build.
//!
//! The benchmarks live in the `mypages-bench` crate (`benches/`); this only builds and runs
//! it, so the exact command is always the one printed here. Benchmarks are never part of
//! `cargo xtask ci`.

use std::path::PathBuf;
use std::process::Command;

/// The groups `mypages-bench` knows; checked here so a typo fails before a release build.
const GROUPS: [&str; 7] = [
    "decode", "decimals", "e2e", "paging", "token", "overview", "overhead",
];

/// The flags `mypages-bench` takes: few samples; no clean builds in the `overhead` group.
const FLAGS: [&str; 2] = ["--quick", "--no-build-cost"];

/// Builds and runs the benchmarks with `args` (flags, group names).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    for arg in args {
        if !FLAGS.contains(&arg.as_str()) && !GROUPS.contains(&arg.as_str()) {
            return Err(format!(
                "unknown bench argument {arg:?}; usage: cargo xtask bench [--quick] [--no-build-cost] [{}]...",
                GROUPS.join(" | ")
            ));
        }
    }
    let mut command_line = vec!["run", "--quiet", "-p", "mypages-bench", "--"];
    command_line.extend(args.iter().map(String::as_str));
    if !quick(args) {
        command_line.insert(1, "--release");
    }
    eprintln!("xtask bench: cargo {}", command_line.join(" "));
    let status = Command::new(cargo())
        .args(&command_line)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("bench: could not start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "bench failed ({status}); run `cargo {}` to see why",
            command_line.join(" ")
        ))
    }
}

/// Whether `args` ask for a quick run (a check of the harness, not figures to quote).
fn quick(args: &[String]) -> bool {
    args.iter().any(|arg| arg == "--quick")
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::quick;

    #[test]
    fn only_a_quick_run_skips_the_release_build() {
        let args = |list: &[&str]| list.iter().map(|arg| (*arg).to_owned()).collect::<Vec<_>>();
        assert!(quick(&args(&["--quick", "overhead"])));
        assert!(!quick(&args(&["overhead", "--no-build-cost"])));
        assert!(!quick(&args(&[])));
    }
}
