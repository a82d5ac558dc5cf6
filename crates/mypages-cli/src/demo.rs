//! `mypages demo`: the main job on the embedded sandbox.
//!
//! Starts the sandbox in-process on an ephemeral loopback port, then, through the three
//! typed clients and nothing else, gathers one demo customer's accounts, invoices, bills and
//! recent transactions from all three providers concurrently and prints an overview. The
//! Avarda strong-authentication step is shown as it happens: the demo uses a shopper who has
//! not yet authenticated, confirms on the sandbox, and calls again.

use std::fmt::Write as _;
use std::time::Duration;

use avarda_client::{AvardaClient, Customer, StrongAuth, TokenProvider};
use mypages_models::summary::{AccountSummary, Provider};
use mypages_sandbox::{RunningSandbox, Sandbox, credentials};
use p4p_client::P4pClient;
use p4p_client::models::AccountId;
use payex_client::PayexClient;
use payex_client::models::BillStatus;

use crate::exit::CliError;
use crate::output::{Output, OutputFormat, grid};
use crate::overview::gather::{
    self, AvardaSource, P4pSource, PayexAccount, PayexSource, ProviderOverview,
};
use crate::overview::{self, table};

/// The shopper the demo signs in as at Avarda: not yet strongly authenticated.
const DEMO_SHOPPER: &str = "demo-shopper";
/// Where Avarda sends the shopper back after strong authentication.
const RETURN_URL: &str = "https://shop.example/my-pages/accounts";
/// How many recent transactions the demo lists.
const RECENT: usize = 8;

/// Runs the demo and prints what it finds.
pub(crate) async fn run(out: &Output) -> Result<(), CliError> {
    let sandbox = Sandbox::builder()
        .start()
        .await
        .map_err(|e| CliError::failure(format!("cannot start the sandbox: {e}")))?;
    let mut text = format!(
        "mypages demo: the sandbox serves Avarda, PayEx and PayFunc at {}\n\n",
        sandbox.base_url()
    );
    let sources = sources(&sandbox)?;
    if let Some(avarda) = &sources.avarda {
        strong_authentication(&sandbox, avarda, &mut text).await?;
    }

    let (avarda, payex, p4p) = tokio::join!(
        async {
            match &sources.avarda {
                Some(source) => gather::avarda_summaries(source).await,
                None => Ok(Vec::new()),
            }
        },
        async {
            match &sources.payex {
                Some(source) => payex_with_transactions(source).await,
                None => Ok((Vec::new(), Vec::new())),
            }
        },
        async {
            match &sources.p4p {
                Some(source) => gather::p4p_summaries(source).await,
                None => Ok(Vec::new()),
            }
        },
    );
    let avarda = avarda?;
    let (payex_accounts, transactions) = payex?;
    let p4p = p4p?;

    let payex = gather::payex_summaries(&payex_accounts);
    if out.format() == OutputFormat::Json {
        // For scripts: the overview's JSON, without the narration.
        let entries = [
            (Provider::Avarda, avarda),
            (Provider::Payex, payex),
            (Provider::P4p, p4p),
        ]
        .map(|(provider, accounts)| ProviderOverview {
            provider,
            outcome: Ok(accounts),
        });
        overview::print(&entries, out)?;
        return stop(sandbox).await;
    }
    let summaries: Vec<&AccountSummary> = avarda.iter().chain(&payex).chain(&p4p).collect();
    let _ = writeln!(
        text,
        "Overview of the demo customer's accounts and invoices at all three providers:\n"
    );
    text.push_str(&table::summaries(&summaries));
    text.push_str(&open_bills(&payex_accounts));
    text.push_str(&recent_transactions(transactions));
    out.print_text(&text)?;
    stop(sandbox).await
}

async fn stop(sandbox: RunningSandbox) -> Result<(), CliError> {
    sandbox
        .shutdown()
        .await
        .map_err(|e| CliError::failure(format!("the sandbox did not stop cleanly: {e}")))
}

/// The three clients, pointed at the sandbox with its fixed credentials.
fn sources(sandbox: &RunningSandbox) -> Result<gather::Sources, CliError> {
    let timeout = Duration::from_secs(10);
    let avarda = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(
            credentials::AVARDA_CLIENT_ID,
            credentials::AVARDA_CLIENT_SECRET,
        )
        .transport(|t| t.attempt_timeout(timeout))
        .build()
        .map_err(CliError::from)?;
    let payex = PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(credentials::PAYEX_LEDGER)
        .token(credentials::PAYEX_TOKEN.into())
        .transport(|t| t.attempt_timeout(timeout))
        .build()
        .map_err(CliError::from)?;
    let p4p = P4pClient::builder()
        .base_url(sandbox.p4p_url())
        .key(credentials::P4P_KEY)
        .transport(|t| t.attempt_timeout(timeout))
        .build()
        .map_err(CliError::from)?;
    let account_id = AccountId::new(credentials::P4P_ACCOUNT_ID)
        .map_err(|e| CliError::failure(format!("the sandbox's demo account id: {e}")))?;
    Ok(gather::Sources {
        avarda: Some(AvardaSource {
            client: avarda,
            customer: Customer::new(DEMO_SHOPPER, TokenProvider::Own).with_return_url(RETURN_URL),
            purchase_id: credentials::AVARDA_PURCHASE_ID.to_owned(),
        }),
        payex: Some(PayexSource {
            client: payex,
            customer_no: credentials::PAYEX_CUSTOMER_NO.to_owned(),
        }),
        p4p: Some(P4pSource {
            client: p4p,
            account_id,
        }),
    })
}

/// Asks Avarda for the shopper's accounts; Avarda wants strong authentication first, so
/// the demo confirms it on the sandbox (as the shopper would on the page) and asks again.
async fn strong_authentication(
    sandbox: &RunningSandbox,
    avarda: &AvardaSource,
    text: &mut String,
) -> Result<(), CliError> {
    let first = avarda
        .client
        .accounts()
        .list(&avarda.customer, &avarda.purchase_id)
        .await
        .map_err(CliError::from)?;
    if let StrongAuth::AuthenticationRequired { redirect_url } = first {
        let _ = writeln!(
            text,
            "Avarda: loans are sensitive, so the shopper must authenticate first.\n  \
             1. Avarda answered 202: send the shopper to {redirect_url}"
        );
        sandbox.avarda_confirm_strong_authentication(DEMO_SHOPPER);
        let _ = writeln!(
            text,
            "  2. The shopper confirmed on the sandbox's page and returned to {RETURN_URL}"
        );
        match avarda
            .client
            .accounts()
            .list(&avarda.customer, &avarda.purchase_id)
            .await
            .map_err(CliError::from)?
        {
            StrongAuth::Authenticated(accounts) => {
                let _ = writeln!(
                    text,
                    "  3. Called again: Avarda answered with {} account(s)\n",
                    accounts.len()
                );
            }
            StrongAuth::AuthenticationRequired { redirect_url } => {
                return Err(CliError::StrongAuth { redirect_url });
            }
        }
    }
    Ok(())
}

/// One PayEx transaction row: account, date, type, description, amount.
type TransactionRow = (
    String,
    Option<mypages_models::Date>,
    String,
    String,
    Option<mypages_models::Decimal>,
);

/// The customer's PayEx accounts with their bills, and every account's recent transactions.
async fn payex_with_transactions(
    source: &PayexSource,
) -> Result<(Vec<PayexAccount>, Vec<TransactionRow>), CliError> {
    let accounts = gather::payex_accounts(source).await?;
    let lists = futures_util::future::try_join_all(accounts.iter().map(|entry| async {
        let account_no = entry.account.account_no.clone();
        source
            .client
            .transactions(&account_no)
            .list()
            .all()
            .await
            .map(|transactions| (account_no, transactions))
            .map_err(CliError::from)
    }))
    .await?;
    let rows = lists
        .into_iter()
        .flat_map(|(account_no, transactions)| {
            transactions.into_iter().map(move |t| {
                (
                    account_no.clone(),
                    t.date,
                    t.r#type.map(|kind| kind.to_string()).unwrap_or_default(),
                    t.description.unwrap_or_default(),
                    t.amount,
                )
            })
        })
        .collect();
    Ok((accounts, rows))
}

fn open_bills(accounts: &[PayexAccount]) -> String {
    let mut rows = Vec::new();
    let mut amounts = Vec::new();
    for entry in accounts {
        for bill in entry
            .bills
            .iter()
            .filter(|b| b.status == Some(BillStatus::Open))
        {
            amounts.push(bill.bill_amount);
            rows.push(vec![
                entry.account.account_no.clone(),
                bill.bill_no.clone().unwrap_or_default(),
                bill.bill_type
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                bill.due_date.map(|d| d.to_string()).unwrap_or_default(),
                entry
                    .account
                    .currency
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ]);
        }
    }
    if rows.is_empty() {
        return "\nPayEx: no open bills.\n".to_owned();
    }
    for (row, amount) in rows.iter_mut().zip(table::align(amounts.into_iter())) {
        row.push(amount);
    }
    let header = ["account", "bill", "type", "due date", "currency", "amount"].map(String::from);
    format!(
        "\nOpen PayEx bills (each with a PDF: mypages payex bills document):\n\n{}",
        grid(&header, &rows, &[false, false, false, false, false, true])
    )
}

fn recent_transactions(mut rows: Vec<TransactionRow>) -> String {
    if rows.is_empty() {
        return "\nPayEx: no transactions in the last 30 days.\n".to_owned();
    }
    rows.sort_by_key(|row| std::cmp::Reverse(row.1));
    rows.truncate(RECENT);
    let amounts = table::align(rows.iter().map(|row| row.4));
    let cells: Vec<Vec<String>> = rows
        .into_iter()
        .zip(amounts)
        .map(|((account, date, kind, description, _), amount)| {
            vec![
                account,
                date.map(|d| d.to_string()).unwrap_or_default(),
                kind,
                description,
                amount,
            ]
        })
        .collect();
    let header = ["account", "date", "type", "description", "amount"].map(String::from);
    format!(
        "\nRecent PayEx transactions (last 30 days):\n\n{}",
        grid(&header, &cells, &[false, false, false, false, true])
    )
}
