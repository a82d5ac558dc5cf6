//! The benchmarks of the mypages SDK, run by `cargo xtask bench [--quick] [GROUP...]`.
//!
//! Groups: `decode` (provider answers from JSON bytes), `decimals` (exact `Decimal`
//! amounts against `f64`), `e2e` (calls through the clients to the sandbox on loopback),
//! `paging` (`items()` through a volume customer, with the client's peak memory), `token`
//! (cached against static bearer tokens), `overview` (the server time of the reference web
//! app's overview page, three providers at once), `overhead` (the SDK against raw hyper and
//! reqwest on the same minimal server, instructions per call, build cost). Each group runs
//! in a fresh process of this
//! binary, so one group's memory and warm caches do not colour another's figures; the
//! sandbox runs in a child process too. Figures are printed as Markdown tables.
//!
//! ```text
//! cargo run --release -p mypages-bench -- decode token
//! ```
//!
//! `mypages-bench decode-instructions [OTHER_MYPAGES_BENCH]` counts the instructions of one
//! decode of each `decode` row under callgrind, beside another build's if one is given (see
//! `decode_instructions`).
//!
//! A benchmark harness, not a test: it asserts nothing about speed.

mod account_server;
mod decode;
mod decode_instructions;
mod e2e;
mod exactness;
mod fixtures;
mod harness;
mod machine;
mod overhead;
mod overhead_clients;
mod overview;
mod paging;
mod report;
mod sandbox_process;
mod token;

use std::process::{Command, ExitCode};

use harness::Budget;
use report::Row;

/// The groups, in the order they run.
const GROUPS: [(&str, &str); 7] = [
    ("decode", "decoding provider answers from JSON bytes"),
    ("decimals", "what exact decimals cost against f64"),
    (
        "e2e",
        "calls through the clients to the sandbox on loopback",
    ),
    (
        "paging",
        "items() through a volume customer, and the client's memory",
    ),
    ("token", "cached against static bearer tokens"),
    (
        "overview",
        "the web app's overview page, three providers at once",
    ),
    (
        "overhead",
        "the SDK against raw hyper and reqwest on the same minimal server",
    ),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve-sandbox") => serve_sandbox(&args[1..]),
        Some("serve-account") => account_server::serve(),
        Some("overhead-calls") => overhead::calls(&args[1..]),
        Some("decode-times") => decode_instructions::times(&args[1..]),
        Some("decode-instructions") => decode_instructions::run(&args[1..]),
        Some("--group") => run_group(&args[1..]),
        _ => run_all(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mypages-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> String {
    let names: Vec<&str> = GROUPS.iter().map(|(name, _)| *name).collect();
    format!(
        "usage: mypages-bench [--quick] [--no-build-cost] [{}]...",
        names.join(" | ")
    )
}

/// Prints the machine, then runs each chosen group in a child process of its own.
fn run_all(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut build_cost = true;
    let mut chosen = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            "--no-build-cost" => build_cost = false,
            "-h" | "--help" => {
                println!("{}", usage());
                for (name, what) in GROUPS {
                    println!("  {name:<9} {what}");
                }
                return Ok(());
            }
            name if GROUPS.iter().any(|(g, _)| *g == name) => chosen.push(name.to_owned()),
            other => return Err(format!("unknown benchmark {other:?}; {}", usage())),
        }
    }
    if chosen.is_empty() {
        chosen = GROUPS.iter().map(|(name, _)| (*name).to_owned()).collect();
    }
    println!("## Machine\n");
    println!("```text\n{}\n```", machine::describe());
    if quick {
        println!(
            "\nQuick run (--quick): few samples, small volumes; for checking, not for quoting."
        );
    }
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find this benchmark binary to run the groups: {e}"))?;
    for name in chosen {
        let mut command = Command::new(&exe);
        command.args(["--group", &name]);
        if quick {
            command.arg("--quick");
        }
        if !build_cost {
            command.arg("--no-build-cost");
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot run the {name} group: {e}"))?;
        if !status.success() {
            return Err(format!("the {name} group failed ({status})"));
        }
    }
    Ok(())
}

/// Runs one group in this process and prints its table.
fn run_group(args: &[String]) -> Result<(), String> {
    let name = args.first().map(String::as_str).unwrap_or_default();
    let quick = args.iter().any(|a| a == "--quick");
    let build_cost = !args.iter().any(|a| a == "--no-build-cost");
    let budget = Budget::new(quick);
    let load = machine::load_average();
    let title = GROUPS
        .iter()
        .find(|(g, _)| *g == name)
        .map(|(_, what)| format!("{name}: {what} (load average at start: {load})"))
        .ok_or_else(|| format!("unknown group {name:?}; {}", usage()))?;
    let rows: Vec<Row> = match name {
        "overhead" => return overhead::run(quick, build_cost, &title),
        "decode" => decode::run(budget),
        "decimals" => exactness::run(budget),
        _ => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start a Tokio runtime: {e}"))?;
            runtime.block_on(async {
                match name {
                    "e2e" => e2e::run(quick).await,
                    "paging" => paging::run(quick).await,
                    "overview" => overview::run(quick).await,
                    _ => token::run(budget, quick).await,
                }
            })?
        }
    };
    report::print_section(&title, &rows);
    Ok(())
}

fn serve_sandbox(args: &[String]) -> Result<(), String> {
    let number = |i: usize, what: &str| -> Result<usize, String> {
        args.get(i)
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("serve-sandbox needs {what} as a whole number"))
    };
    sandbox_process::serve(number(0, "CUSTOMERS")?, number(1, "TRANSACTIONS")?)
}
