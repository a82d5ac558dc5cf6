//! `mypages demo` and the README's commands, run as a newcomer would run them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use support::Mypages;

#[test]
fn demo_shows_all_three_providers_and_the_strong_authentication_step() {
    let run = Mypages::new().args(["demo"]).run_blocking().ok();
    let stdout = run.text();

    // The strong-authentication step happens in order: 202, confirm, call again.
    let step = |needle: &str| {
        stdout
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing from:\n{stdout}"))
    };
    assert!(step("Avarda answered 202") < step("confirmed on the sandbox"));
    assert!(step("confirmed on the sandbox") < step("Called again: Avarda answered with"));

    // One overview row per provider's account, with the overview's columns.
    let header = stdout
        .lines()
        .find(|line| line.starts_with("provider"))
        .expect("overview header");
    for column in [
        "account",
        "type",
        "state",
        "currency",
        "balance",
        "amount due",
        "due date",
    ] {
        assert!(header.contains(column), "{column} missing from {header}");
    }
    let rows_of = |provider: &str| {
        stdout
            .lines()
            .filter(|line| line.starts_with(&format!("{provider} ")))
            .count()
    };
    assert!(rows_of("avarda") >= 2, "{stdout}");
    assert!(rows_of("payex") >= 1, "{stdout}");
    assert!(rows_of("p4p") >= 1, "{stdout}");
    assert!(stdout.contains("sandboxdemoaccnt"), "{stdout}");
    // The demo customer's PayEx account with its open bill and recent transactions.
    let payex_row = stdout
        .lines()
        .find(|l| l.starts_with("payex") && l.contains("5000001"))
        .unwrap();
    assert!(payex_row.contains("SEK"), "{payex_row}");
    assert!(stdout.contains("Open PayEx bills"), "{stdout}");
    assert!(stdout.contains("Recent PayEx transactions"), "{stdout}");
    // Amounts keep their scale: ören are printed even when zero.
    assert!(stdout.contains("2000.00"), "{stdout}");
}

/// The fenced `sh` blocks of the README, line by line.
fn readme_commands() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            command if in_sh && !command.is_empty() => commands.push(command.to_owned()),
            _ => {}
        }
    }
    commands
}

#[test]
fn readme_opens_with_the_demo_and_the_test_command() {
    let commands = readme_commands();
    assert_eq!(commands[0], "cargo run -p mypages-cli -- demo");
    assert_eq!(commands[1], "cargo xtask ci");
    // CI runs exactly that test command.
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/run"))
        .unwrap();
    assert!(
        ci.lines().any(|line| line.trim() == "exec cargo xtask ci"),
        "{ci}"
    );
}

struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn readme_cli_commands_run_against_the_sandbox_they_start() {
    let commands: Vec<String> = readme_commands()
        .into_iter()
        .filter(|command| command.starts_with("mypages "))
        .collect();
    assert!(
        commands[0].starts_with("mypages sandbox --addr 127.0.0.1:7070"),
        "{commands:?}"
    );
    // The same commands on a free port, so the test never collides with a running sandbox.
    let addr = format!("127.0.0.1:{}", free_port());
    let commands: Vec<Vec<String>> = commands
        .iter()
        .map(|command| {
            command
                .replace("127.0.0.1:7070", &addr)
                .split_whitespace()
                .skip(1)
                .map(str::to_owned)
                .collect()
        })
        .collect();

    let mut sandbox = support::command()
        .args(&commands[0])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = sandbox.stdout.take().unwrap();
    let _serving = Serving(sandbox);
    let mut banner = String::new();
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !banner.contains("sandbox-key") {
        assert!(Instant::now() < deadline, "no banner yet: {banner}");
        banner.push_str(&lines.next().expect("the sandbox exited").unwrap());
        banner.push('\n');
    }
    for root in ["avarda", "payex", "p4p"] {
        assert!(
            banner.contains(&format!("http://{addr}/{root}")),
            "{banner}"
        );
    }

    for args in &commands[1..] {
        let run = Mypages::new().args(args).run_blocking().ok();
        assert!(
            !run.text().trim().is_empty(),
            "mypages {args:?} printed nothing"
        );
        if args.first().map(String::as_str) != Some("--output") {
            let json = run.json();
            assert!(
                json.as_array().is_some_and(|items| !items.is_empty()),
                "{json}"
            );
        }
    }
}

#[test]
fn demo_prints_json_for_scripts_when_asked() {
    let run = Mypages::new()
        .args(["--output", "json", "demo"])
        .run_blocking()
        .ok();
    let json = run.json();
    let entries = json.as_array().unwrap();
    let providers: Vec<&str> = entries
        .iter()
        .map(|entry| entry["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, ["avarda", "payex", "p4p"]);
    for entry in entries {
        assert!(!entry["accounts"].as_array().unwrap().is_empty(), "{entry}");
    }
    // The narration is for people only.
    assert!(
        !run.text().contains("Avarda answered 202"),
        "{}",
        run.text()
    );
}
