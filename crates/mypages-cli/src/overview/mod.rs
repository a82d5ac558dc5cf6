//! `mypages overview`: one customer's accounts across the providers a config file names,
//! asked concurrently; and the table the demo shares.

mod config;
pub(crate) mod gather;
pub(crate) mod table;

use std::path::PathBuf;

use mypages_models::summary::{AccountSummary, Provider};
use serde::Serialize;

use self::config::Config;
use self::gather::ProviderOverview;
use crate::exit::CliError;
use crate::output::{Output, OutputFormat};

/// `mypages overview [--config FILE]`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The TOML file naming the providers, where each credential comes from (an
    /// environment variable name) and the customer's identifiers at each provider.
    #[arg(long, value_name = "FILE", default_value = "mypages.toml")]
    config: PathBuf,
}

/// Runs `mypages overview`: prints every provider's answer, a failed provider in its own
/// row, and exits with the code of the first failure (0 when every provider answered).
pub(crate) async fn run(args: Args, out: &Output) -> Result<(), CliError> {
    let config = Config::load(&args.config)?;
    let sources = config.sources()?;
    let overview = gather::gather(&sources).await;
    print(&overview, out)?;
    match overview
        .iter()
        .find_map(|entry| entry.outcome.as_ref().err())
    {
        Some(failure) => Err(CliError::Reported {
            code: failure.exit_code(),
        }),
        None => Ok(()),
    }
}

/// Prints the overview as a table, or as JSON: one entry per provider with its `accounts`,
/// or its `error` (`exitCode`, `message`) and, for strong authentication, `redirectUrl`.
pub(crate) fn print(overview: &[ProviderOverview], out: &Output) -> Result<(), CliError> {
    match out.format() {
        OutputFormat::Table => out.print_text(&table::render(overview)),
        OutputFormat::Json => {
            let entries: Vec<Entry<'_>> = overview.iter().map(Entry::from).collect();
            out.print(&entries)
        }
    }
}

/// One provider's answer as JSON. Serialized directly (never through `serde_json::Value`,
/// which would turn `2000.00` into `2000.0`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    provider: Provider,
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<&'a [AccountSummary]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<EntryError>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryError {
    exit_code: u8,
    message: String,
}

impl<'a> From<&'a ProviderOverview> for Entry<'a> {
    fn from(entry: &'a ProviderOverview) -> Self {
        let mut out = Entry {
            provider: entry.provider.clone(),
            accounts: None,
            redirect_url: None,
            error: None,
        };
        match &entry.outcome {
            Ok(accounts) => out.accounts = Some(accounts),
            Err(failure) => {
                if let CliError::StrongAuth { redirect_url } = failure {
                    out.redirect_url = Some(redirect_url);
                }
                out.error = Some(EntryError {
                    exit_code: failure.exit_code(),
                    message: failure.describe().trim_end().to_owned(),
                });
            }
        }
        out
    }
}
