//! `cargo xtask ci`: the checks CI runs, each a cargo command over the whole workspace.

use std::path::PathBuf;
use std::process::Command;

/// One check: its name, the cargo arguments, and extra environment variables.
type Step<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Runs every check in turn and stops at the first failure.
pub(crate) fn run() -> Result<(), String> {
    let root = workspace_root();
    let steps: [Step<'_>; 4] = [
        ("format", vec!["fmt", "--all", "--check"], vec![]),
        (
            "generated code is fresh",
            vec!["xtask", "codegen", "--check"],
            vec![],
        ),
        (
            "clippy",
            vec![
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
            vec![],
        ),
        (
            "docs",
            vec!["doc", "--workspace", "--no-deps", "--locked"],
            vec![("RUSTDOCFLAGS", "-D warnings")],
        ),
    ];
    for (name, args, env) in steps {
        step(&root, name, &args, &env)?;
    }
    // Tests need the external tools (.ci/run installs them): make their absence a failure.
    let test_env = [("MYPAGES_REQUIRE_TOOLS", "1")];
    if has_nextest(&root) {
        step(
            &root,
            "tests",
            &[
                "nextest",
                "run",
                "--workspace",
                "--locked",
                "--no-fail-fast",
            ],
            &test_env,
        )?;
        step(
            &root,
            "doc tests",
            &["test", "--workspace", "--locked", "--doc"],
            &test_env,
        )?;
    } else {
        step(
            &root,
            "tests",
            &["test", "--workspace", "--locked", "--no-fail-fast"],
            &test_env,
        )?;
    }
    eprintln!("xtask ci: fuzz smoke: the proptest twins of fuzz/ with 512 cases");
    crate::quality::fuzz_smoke(&root)?;
    eprintln!("xtask ci: all checks passed");
    Ok(())
}

fn step(root: &PathBuf, name: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("xtask ci: {name}: cargo {}", args.join(" "));
    let status = Command::new(cargo())
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .map_err(|e| format!("{name}: could not start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "{name} failed ({status}); run `cargo {}` to see why",
            args.join(" ")
        ))
    }
}

fn has_nextest(root: &PathBuf) -> bool {
    Command::new(cargo())
        .args(["nextest", "--version"])
        .current_dir(root)
        .output()
        .is_ok_and(|out| out.status.success())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The workspace root: the parent of this crate's manifest directory.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}
