//! Paging through a volume customer with `items()`: the lazy stream that follows PayEx's
//! `view.next` links, and the client's memory and CPU while it does.
//!
//! This group runs in a process of its own (see `main`), so the peak resident memory
//! (`VmHWM`) it reports is the paging client's, not that of earlier benchmarks; the
//! sandbox runs in a child process, and its CPU time is reported apart from the client's
//! (the sandbox filters and sorts the whole list for every page, so on large lists it,
//! not the client, sets the pace).

use std::time::{Duration, Instant};

use futures_util::{Stream, TryStreamExt};
use mypages_models::Decimal;
use mypages_sandbox::credentials::PAYEX_LEDGER;
use payex_client::PayexClient;
use payex_client::models::{Transaction, TransactionList};

use crate::e2e::{self, PAYEX_ACCOUNT};
use crate::harness::Measured;
use crate::machine::{self, Memory};
use crate::report::{self, Row};
use crate::sandbox_process::{SandboxProcess, TODAY};

/// The window every listing asks for: a year back, which holds every seeded transaction.
fn window() -> (time::Date, time::Date) {
    (TODAY - time::Duration::days(365), TODAY)
}

/// Pages through one customer's transactions at the sandbox's page size (2) and at 1 000
/// per page, then reads the large list into a `Vec` with `all()` as the control.
pub(crate) async fn run(quick: bool) -> Result<Vec<Row>, String> {
    let runs = if quick { 1 } else { 5 };
    let mut rows = Vec::new();

    let small = if quick { 500 } else { 2_000 };
    {
        let sandbox = SandboxProcess::start(1, small)?;
        let payex = e2e::payex(&sandbox)?;
        warm(&payex).await?;
        let (from, to) = window();
        let case = format!(
            "payex transactions via items(), 2 per page (sandbox default): {} items, {} requests per pass",
            report::grouped(small as f64),
            report::grouped(small.div_ceil(2) as f64)
        );
        let list = || {
            payex
                .transactions(PAYEX_ACCOUNT)
                .list()
                .between(from, to)
                .items()
        };
        rows.push(pass(&sandbox, case, runs, small, list).await?);
    }

    let large = if quick { 20_000 } else { 100_000 };
    let sandbox = SandboxProcess::start(1, large)?;
    let payex = e2e::payex(&sandbox)?;
    warm(&payex).await?;
    let (from, to) = window();
    let href = format!(
        "/ledger/account/v1/{PAYEX_LEDGER}/accounts/{PAYEX_ACCOUNT}/transactions?fromDate={from}&toDate={to}&$top=1000"
    );
    let case = format!(
        "payex transactions via items(), 1 000 per page ($top): {} items, {} requests per pass",
        report::grouped(large as f64),
        report::grouped(large.div_ceil(1_000) as f64)
    );
    let list = || payex.follow_list::<TransactionList>(&href).items();
    rows.push(pass(&sandbox, case, runs, large, list).await?);

    let before = machine::own_memory();
    let cpu = Cpu::start(&sandbox);
    let started = Instant::now();
    let all = payex
        .follow_list::<TransactionList>(&href)
        .all()
        .await
        .map_err(|e| format!("listing with all() failed: {e}"))?;
    let wall = started.elapsed();
    let cpu = cpu.stop(1, all.len());
    let after = machine::own_memory();
    let count = all.len();
    drop(all);
    rows.push(
        Row {
            case: format!(
                "control: the same {} items collected with all() into a Vec",
                report::grouped(large as f64)
            ),
            median: report::duration(wall),
            throughput: report::per_s(count, wall, "items"),
            ..Row::default()
        }
        .note("one pass")
        .note(cpu)
        .note(memory_note(before, None, after)),
    );
    Ok(rows)
}

async fn warm(payex: &PayexClient) -> Result<(), String> {
    payex
        .accounts()
        .get(PAYEX_ACCOUNT)
        .await
        .map(drop)
        .map_err(|e| format!("the sandbox did not answer, so nothing was measured: {e}"))
}

/// CPU time of this process and of the sandbox over a stretch of work.
struct Cpu {
    sandbox: String,
    client_start: Option<Duration>,
    sandbox_start: Option<Duration>,
}

impl Cpu {
    fn start(sandbox: &SandboxProcess) -> Cpu {
        let sandbox = sandbox.pid();
        Cpu {
            client_start: machine::cpu_time("self"),
            sandbox_start: machine::cpu_time(&sandbox),
            sandbox,
        }
    }

    /// The CPU used since `start`, per pass and per item, as a note.
    fn stop(self, passes: usize, items_per_pass: usize) -> String {
        let used = |start: Option<Duration>, pid: &str| {
            Some(machine::cpu_time(pid)?.saturating_sub(start?))
        };
        match (
            used(self.client_start, "self"),
            used(self.sandbox_start, &self.sandbox),
        ) {
            (Some(client), Some(sandbox)) => {
                let passes = u32::try_from(passes.max(1)).unwrap_or(u32::MAX);
                let items = u32::try_from(items_per_pass.max(1)).unwrap_or(u32::MAX);
                format!(
                    "CPU per pass: client {} ({} per item), sandbox {}",
                    report::duration(client / passes),
                    report::duration(client / passes / items),
                    report::duration(sandbox / passes)
                )
            }
            _ => "CPU not measured (no /proc/PID/stat)".to_owned(),
        }
    }
}

/// `runs` full passes over `list()`, each expected to yield `expected` items; the time of
/// a pass (median, p90), items per second, CPU, and the client's memory around the passes.
async fn pass<S>(
    sandbox: &SandboxProcess,
    case: String,
    runs: usize,
    expected: usize,
    list: impl Fn() -> S,
) -> Result<Row, String>
where
    S: Stream<Item = Result<Transaction, payex_client::Error>>,
{
    let before = machine::own_memory();
    let cpu = Cpu::start(sandbox);
    let mut after_first = None;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let mut items = std::pin::pin!(list());
        let mut count = 0usize;
        let mut sum = Decimal::ZERO;
        while let Some(transaction) = items
            .try_next()
            .await
            .map_err(|e| format!("paging failed after {count} items: {e}"))?
        {
            count += 1;
            sum += transaction.amount.unwrap_or_default();
        }
        times.push(started.elapsed());
        if count != expected {
            return Err(format!(
                "paging yielded {count} items, not the {expected} seeded (sum {sum})"
            ));
        }
        if times.len() == 1 {
            after_first = machine::own_memory();
        }
    }
    let cpu = cpu.stop(runs, expected);
    let after = machine::own_memory();
    let measured = Measured::of(times, 1);
    Ok(Row::timed(case, &measured)
        .throughput(report::per_s(expected, measured.median, "items"))
        .note(if runs == 1 {
            "1 pass".to_owned()
        } else {
            format!("{runs} passes; times are per pass")
        })
        .note(cpu)
        .note(memory_note(before, after_first.filter(|_| runs > 1), after)))
}

fn memory_note(before: Option<Memory>, first: Option<Memory>, after: Option<Memory>) -> String {
    match (before, after) {
        (Some(before), Some(after)) => {
            let first = first
                .map(|m| format!(", {} after the 1st pass", report::mib(m.peak_kib)))
                .unwrap_or_default();
            format!(
                "client VmHWM {} before{first}, {} after (VmRSS after {})",
                report::mib(before.peak_kib),
                report::mib(after.peak_kib),
                report::mib(after.now_kib)
            )
        }
        _ => "memory not measured (no /proc/self/status)".to_owned(),
    }
}
