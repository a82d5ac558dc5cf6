//! `cargo xtask mutants` and `cargo xtask fuzz`: the slow measures of the tests' strength,
//! run by hand (minutes), never by `cargo xtask ci`.

use std::path::Path;
use std::process::Command;

/// The fuzz targets of `fuzz/`.
const FUZZ_TARGETS: [&str; 5] = [
    "provider_decoders",
    "problem",
    "retry_after",
    "links",
    "cli_input",
];

/// `cargo xtask mutants [ARGS...]`: cargo-mutants over `mypages-transport` with its own
/// tests (nextest when installed), extra arguments passed on (e.g. `--file src/token.rs`).
/// The report lands in `mutants.out/`; the score is recorded in docs/reliability.md.
pub(crate) fn mutants(root: &Path, args: &[String]) -> Result<(), String> {
    if !succeeds(root, &["mutants", "--version"]) {
        return Err(
            "cargo-mutants is not installed; run `cargo install --locked cargo-mutants`".to_owned(),
        );
    }
    let mut command = vec!["mutants", "--package", "mypages-transport", "--no-shuffle"];
    if succeeds(root, &["nextest", "--version"]) {
        command.extend(["--test-tool", "nextest"]);
    }
    command.extend(args.iter().map(String::as_str));
    run(root, &command, None)
}

/// `cargo xtask fuzz [SECONDS]`: each cargo-fuzz target of `fuzz/` for SECONDS (default
/// 60), with nightly.
pub(crate) fn fuzz(root: &Path, args: &[String]) -> Result<(), String> {
    let seconds: u32 = match args.first() {
        Some(text) => text
            .parse()
            .map_err(|_| format!("`{text}` is not a number of seconds"))?,
        None => 60,
    };
    if !succeeds(root, &["+nightly", "fuzz", "--version"]) {
        return Err(
            "cargo-fuzz with a nightly toolchain is needed: `rustup toolchain install nightly` and `cargo install --locked cargo-fuzz`".to_owned(),
        );
    }
    let max_time = format!("-max_total_time={seconds}");
    for target in FUZZ_TARGETS {
        run(
            root,
            &["+nightly", "fuzz", "run", target, "--", &max_time],
            None,
        )?;
    }
    Ok(())
}

/// The proptest twins of the fuzz targets with twice the cases of the ordinary test run: the
/// fuzz smoke step of `cargo xtask ci` (stable, no new build).
pub(crate) fn fuzz_smoke(root: &Path) -> Result<(), String> {
    let cases = Some(("PROPTEST_CASES", "512"));
    run(
        root,
        &[
            "test",
            "--locked",
            "-p",
            "mypages-transport",
            "--lib",
            "fuzz_tests",
        ],
        cases,
    )?;
    run(
        root,
        &[
            "test",
            "--locked",
            "-p",
            "mypages-models",
            "--test",
            "common_decoders",
        ],
        cases,
    )
}

fn succeeds(root: &Path, args: &[&str]) -> bool {
    Command::new(cargo_for(args))
        .args(args)
        .current_dir(root)
        .output()
        .is_ok_and(|out| out.status.success())
}

fn run(root: &Path, args: &[&str], env: Option<(&str, &str)>) -> Result<(), String> {
    eprintln!("xtask: cargo {}", args.join(" "));
    let mut command = Command::new(cargo_for(args));
    command.args(args).current_dir(root);
    if let Some((key, value)) = env {
        command.env(key, value);
    }
    let status = command
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

/// The cargo to run `args` with: the one running xtask (`$CARGO`, a toolchain's own
/// binary), except for a `+toolchain` override, which only rustup's `cargo` proxy on the
/// PATH understands.
fn cargo_for(args: &[&str]) -> String {
    match args.first() {
        Some(first) if first.starts_with('+') => "cargo".to_owned(),
        _ => std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toolchain_override_goes_through_the_rustup_proxy() {
        assert_eq!(cargo_for(&["+nightly", "fuzz", "--version"]), "cargo");
        // Under `cargo test` CARGO is the toolchain's own cargo, which rejects `+nightly`.
        let own = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        assert_eq!(cargo_for(&["test", "--locked"]), own);
    }
}
