//! The external tools the tests need, installed by `cargo xtask ci` when they are missing.
//!
//! The browser tests drive the sandbox's pages with Debian's Chromium and ChromeDriver; the
//! conformance test runs schemathesis against `specs/`. On a fresh machine `cargo xtask ci`
//! installs them without asking when it may: as root, or when `CI` is set (`.ci/run` sets
//! it; `sudo -n` is used when not root). Otherwise it stops before building anything and
//! prints the commands to run.

use std::process::Command;

/// The schemathesis release the conformance test is written against.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// What is missing, as the packages that bring it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Plan {
    /// Debian packages to install with apt-get.
    apt: Vec<&'static str>,
    /// Whether schemathesis must be installed with pip.
    schemathesis: bool,
}

impl Plan {
    fn is_empty(&self) -> bool {
        self.apt.is_empty() && !self.schemathesis
    }
}

/// What the machine lacks, given which programs are on the PATH (as the browser tests
/// look for them) and which commands run.
fn plan(on_path: impl Fn(&str) -> bool, runs: impl Fn(&str, &[&str]) -> bool) -> Plan {
    let mut plan = Plan::default();
    if !on_path("chromium") {
        plan.apt.push("chromium");
    }
    if !on_path("chromedriver") {
        plan.apt.push("chromium-driver");
    }
    if !runs("python3", &["-m", "schemathesis.cli", "--version"]) {
        plan.schemathesis = true;
        if !runs("python3", &["--version"]) {
            plan.apt.push("python3");
        }
        if !runs("python3", &["-m", "pip", "--version"]) {
            plan.apt.push("python3-pip");
        }
    }
    plan
}

/// Installs what is missing when allowed to; otherwise fails naming the commands.
pub(crate) fn ensure() -> Result<(), String> {
    let plan = plan(on_path, |program, args| {
        Command::new(program)
            .args(args)
            .output()
            .is_ok_and(|out| out.status.success())
    });
    if plan.is_empty() {
        eprintln!("xtask ci: tools: chromium, chromedriver and schemathesis are installed");
        return Ok(());
    }
    let root = is_root();
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if !root && !ci {
        return Err(format!(
            "the tests need tools this machine lacks; install them with\n{}\nor run \
             `sudo bash .ci/run` (or `CI=true cargo xtask ci`), which installs them and runs CI",
            commands(&plan, true)
        ));
    }
    let sudo: &[&str] = if root { &[] } else { &["sudo", "-n"] };
    if !plan.apt.is_empty() {
        eprintln!("xtask ci: installing {} with apt-get", plan.apt.join(" "));
        run(sudo, &["apt-get", "update", "-qq"])?;
        let mut install = vec!["apt-get", "install", "-y", "-qq", "--no-install-recommends"];
        install.extend(plan.apt.iter().copied());
        run(sudo, &install)?;
    }
    if plan.schemathesis {
        eprintln!("xtask ci: installing {SCHEMATHESIS} with pip");
        run(&[], &pip_install(root))?;
    }
    Ok(())
}

/// The pip command; `--break-system-packages` because a Debian-managed Python refuses pip
/// installs without it (PEP 668), `--user` when not root.
fn pip_install(root: bool) -> Vec<&'static str> {
    let mut args = vec![
        "python3",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--break-system-packages",
    ];
    if !root {
        args.push("--user");
    }
    args.push(SCHEMATHESIS);
    args
}

/// The shell commands that carry out a plan, one a line.
fn commands(plan: &Plan, sudo: bool) -> String {
    let mut lines = Vec::new();
    let prefix = if sudo { "sudo " } else { "" };
    if !plan.apt.is_empty() {
        lines.push(format!(
            "  {prefix}apt-get install -y {}",
            plan.apt.join(" ")
        ));
    }
    if plan.schemathesis {
        lines.push(format!(
            "  {}",
            pip_install(!sudo)
                .join(" ")
                .replace(SCHEMATHESIS, &format!("'{SCHEMATHESIS}'"))
        ));
    }
    lines.join("\n")
}

fn run(prefix: &[&str], command: &[&str]) -> Result<(), String> {
    let all: Vec<&str> = prefix.iter().chain(command).copied().collect();
    let (program, args) = all.split_first().ok_or("empty command")?;
    let status = Command::new(program)
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .map_err(|e| format!("could not run {}: {e}", all.join(" ")))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", all.join(" ")))
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.status.success() && out.stdout.trim_ascii() == b"0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_to_do_when_every_tool_runs() {
        assert!(plan(|_| true, |_, _| true).is_empty());
    }

    #[test]
    fn a_machine_with_only_rust_gets_every_package() {
        let plan = plan(|_| false, |_, _| false);
        assert_eq!(
            plan,
            Plan {
                apt: vec!["chromium", "chromium-driver", "python3", "python3-pip"],
                schemathesis: true,
            }
        );
        assert_eq!(
            commands(&plan, true),
            "  sudo apt-get install -y chromium chromium-driver python3 python3-pip\n  \
             python3 -m pip install --quiet --disable-pip-version-check \
             --break-system-packages --user 'schemathesis==4.32.5'"
        );
    }

    #[test]
    fn only_schemathesis_missing_needs_only_pip() {
        let plan = plan(
            |_| true,
            |program, args| !(program == "python3" && args.contains(&"schemathesis.cli")),
        );
        assert_eq!(
            plan,
            Plan {
                apt: vec![],
                schemathesis: true,
            }
        );
    }
}
