//! End to end: calls through the real clients and transport to the sandbox on loopback,
//! one at a time (latency) and many at once (throughput).

use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, Instant};

use avarda_client::{AvardaClient, Customer, TokenProvider};
use futures_util::StreamExt;
use futures_util::stream;
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
    P4P_ACCOUNT_ID, P4P_KEY, PAYEX_LEDGER, PAYEX_TOKEN,
};
use p4p_client::{AccountRef, P4pClient};
use payex_client::{PayexClient, SecretString};

use crate::harness::{self, Measured};
use crate::report::{self, Row};
use crate::sandbox_process::SandboxProcess;

/// The generated PayEx account the calls read (customer 100002's).
pub(crate) const PAYEX_ACCOUNT: &str = "6000001";

/// A PayEx client of the sandbox's ledger with its static token.
pub(crate) fn payex(sandbox: &SandboxProcess) -> Result<PayexClient, String> {
    PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(PAYEX_LEDGER)
        .token(SecretString::from(PAYEX_TOKEN))
        .build()
        .map_err(|e| e.to_string())
}

/// Latency of single calls per provider, then PayEx calls at increasing concurrency.
pub(crate) async fn run(quick: bool) -> Result<Vec<Row>, String> {
    let sandbox = SandboxProcess::start(5, 12)?;
    let calls = if quick { 200 } else { 2_000 };
    let warm_up = Duration::from_millis(if quick { 100 } else { 1_000 });
    let mut rows = Vec::new();

    let payex = payex(&sandbox)?;
    check(payex.accounts().get(PAYEX_ACCOUNT).await)?;
    let failed = Failures::default();
    let measured = harness::each(warm_up, calls, || {
        failed.count(async { payex.accounts().get(PAYEX_ACCOUNT).await })
    })
    .await;
    rows.push(latency_row(
        "payex GET account (get)",
        &measured,
        calls,
        &failed,
    ));

    let p4p = P4pClient::builder()
        .base_url(sandbox.p4p_url())
        .key(SecretString::from(P4P_KEY))
        .build()
        .map_err(|e| e.to_string())?;
    let account: AccountRef = P4P_ACCOUNT_ID.parse().map_err(|e| format!("{e}"))?;
    check(p4p.accounts().get(&account).await)?;
    let failed = Failures::default();
    let measured = harness::each(warm_up, calls, || {
        failed.count(async { p4p.accounts().get(&account).await })
    })
    .await;
    rows.push(latency_row(
        "p4p GET account (get)",
        &measured,
        calls,
        &failed,
    ));

    let avarda = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .build()
        .map_err(|e| e.to_string())?;
    let customer = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);
    check(avarda.invoices().list(&customer, AVARDA_PURCHASE_ID).await)?;
    let failed = Failures::default();
    let measured = harness::each(warm_up, calls, || {
        failed.count(avarda.invoices().list(&customer, AVARDA_PURCHASE_ID))
    })
    .await;
    rows.push(latency_row(
        "avarda GET invoices (list), cached partner token",
        &measured,
        calls,
        &failed,
    ));

    let total = if quick { 500 } else { 5_000 };
    for concurrency in [1, 10, 100] {
        rows.push(concurrent(&payex, concurrency, total).await?);
    }
    Ok(rows)
}

fn check<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, String> {
    result.map_err(|e| format!("a benchmark call failed, so nothing was measured: {e}"))
}

/// Counts the calls that failed, so a row never hides errors among its timings.
#[derive(Default)]
pub(crate) struct Failures(Cell<usize>);

impl Failures {
    /// Awaits `call`, counting it if it failed.
    pub(crate) async fn count<T, E>(&self, call: impl Future<Output = Result<T, E>>) -> bool {
        let ok = call.await.is_ok();
        if !ok {
            self.0.set(self.0.get() + 1);
        }
        ok
    }

    /// A note saying how many calls failed, if any did.
    pub(crate) fn note(&self) -> String {
        match self.0.get() {
            0 => String::new(),
            n => format!("{n} calls FAILED (their times are included)"),
        }
    }
}

fn latency_row(case: &str, measured: &Measured, calls: usize, failed: &Failures) -> Row {
    Row::timed(format!("{case}, one at a time"), measured)
        .throughput(report::per_s(1, measured.median, "calls"))
        .note(format!(
            "{} calls after warm-up; throughput = 1 / median",
            report::grouped(calls as f64)
        ))
        .note(failed.note())
}

/// `total` PayEx GETs, `concurrency` in flight at a time on one client.
async fn concurrent(payex: &PayexClient, concurrency: usize, total: usize) -> Result<Row, String> {
    let one = |payex: PayexClient| async move {
        let start = Instant::now();
        let result = payex.accounts().get(PAYEX_ACCOUNT).await;
        (start.elapsed(), result.is_ok())
    };
    // Warm the connection pool to this concurrency first.
    let _: Vec<_> = stream::iter(0..concurrency * 4)
        .map(|_| one(payex.clone()))
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let started = Instant::now();
    let results: Vec<(Duration, bool)> = stream::iter(0..total)
        .map(|_| one(payex.clone()))
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let wall = started.elapsed();
    let failed = results.iter().filter(|(_, ok)| !ok).count();
    let measured = Measured::of(results.into_iter().map(|(d, _)| d).collect(), 1);
    let row = Row::timed(
        format!("payex GET account, {concurrency} in flight"),
        &measured,
    )
    .throughput(report::per_s(total, wall, "calls"))
    .note(format!(
        "{} calls in {}; median/p90 are per call",
        report::grouped(total as f64),
        report::duration(wall)
    ));
    Ok(if failed > 0 {
        row.note(format!("{failed} calls failed"))
    } else {
        row
    })
}
