//! `mypages`: the My Pages APIs of Avarda, PayEx and Payments for Programmers (PayFunc)
//! from the shell, the sandbox that simulates them, and a demo of the whole SDK.
//!
//! The contract (commands, options, output, exit codes) is `docs/cli.md` in the repository. Every
//! provider command calls that provider's typed client; no HTTP is done here.
//!
//! ```text
//! mypages demo
//! mypages payex --base-url http://127.0.0.1:7070/payex --token sandbox-token --ledger 1000 accounts list
//! ```

// docs.rs builds with `--cfg docsrs` on nightly: items behind a feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod avarda;
mod connection;
mod demo;
mod exit;
mod input;
mod no_content;
mod output;
mod overview;
mod p4p;
mod payex;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mypages_sandbox::{FaultRule, Sandbox};

use crate::exit::CliError;
use crate::output::{Output, OutputFormat};

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "mypages",
    version,
    about = "My Pages APIs of Avarda, PayEx and Payments for Programmers, from the shell"
)]
struct Cli {
    /// How results are printed on stdout [default: json; table for demo and overview].
    #[arg(long, global = true, value_enum)]
    output: Option<OutputFormat>,
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Avarda MyPages: invoices, accounts (behind strong authentication) and payments.
    Avarda(avarda::Args),
    /// Payments for Programmers (PayFunc): accounts, balance, links, methods, keys,
    /// subscriptions, orders.
    P4p(p4p::Args),
    /// PayEx Ledger Account API: accounts, bills and their PDFs, cards, transactions,
    /// reservations, recurring payments, payment orders.
    Payex(payex::Args),
    /// Run the main job on the embedded sandbox: one customer's accounts, invoices, bills
    /// and recent transactions at all three providers, gathered concurrently.
    Demo,
    /// One customer's accounts across the providers a config file names.
    Overview(overview::Args),
    /// Serve the three simulated providers until interrupted.
    Sandbox(SandboxArgs),
}

/// `mypages sandbox`: the three simulated providers on one address.
#[derive(Debug, clap::Args)]
struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7070")]
    addr: SocketAddr,
    /// A fault rule, repeatable: `payex GET /ledger/account/v1/1000/accounts/* status=503 next=2`
    /// (provider, optional method and path, one of status=CODE, retry-after=SECS,
    /// latency-ms=MS, drop, truncate, and optional rate=P or next=N). Rules can also be
    /// changed at run time on `/_admin/faults`.
    #[arg(long = "fault", value_name = "RULE")]
    faults: Vec<FaultRule>,
    /// Generated customers per provider, for volume.
    #[arg(long, value_name = "N")]
    customers: Option<usize>,
    /// Transactions per generated customer's account.
    #[arg(long, value_name = "M")]
    transactions: Option<usize>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version on stdout (exit 0) and usage errors on stderr (exit 2).
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return CliError::failure(format!("cannot start the async runtime: {error}")).report();
        }
    };
    match runtime.block_on(run(cli.command, cli.output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(),
    }
}

/// Runs `command`; provider commands print JSON unless told otherwise, the demo and the
/// overview (made for people) a table.
async fn run(command: Command, format: Option<OutputFormat>) -> Result<(), CliError> {
    let data = Output::new(format.unwrap_or(OutputFormat::Json));
    let people = Output::new(format.unwrap_or(OutputFormat::Table));
    let provider = match command {
        Command::Avarda(args) => avarda::run(args, &data).await,
        Command::P4p(args) => p4p::run(args, &data).await,
        Command::Payex(args) => payex::run(args, &data).await,
        Command::Demo => demo::run(&people).await,
        Command::Overview(args) => overview::run(args, &people).await,
        Command::Sandbox(args) => sandbox(args).await,
    };
    match provider {
        // docs/cli.md: a command answered "no content" prints nothing and exits 0, also
        // where the provider documents a body, which then does not decode.
        Err(CliError::Transport(_)) if data.no_content().seen() => Ok(()),
        outcome => outcome,
    }
}

/// Serves the sandbox until Ctrl-C, after printing its roots and credentials.
async fn sandbox(args: SandboxArgs) -> Result<(), CliError> {
    let mut builder = Sandbox::builder().addr(args.addr);
    for rule in args.faults {
        builder = builder.fault(rule);
    }
    if let Some(customers) = args.customers {
        builder = builder.generated_customers(customers);
    }
    if let Some(transactions) = args.transactions {
        builder = builder.transactions_per_customer(transactions);
    }
    builder
        .serve_until(async {
            // If the signal cannot be listened for, stop at once rather than never.
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| CliError::failure(e.to_string()))
}

/// Diagnostics go to stderr; `RUST_LOG` sets the filter (default: warnings).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
