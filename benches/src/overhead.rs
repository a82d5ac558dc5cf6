//! The `overhead` group: what the SDK costs over the HTTP stack it wraps, and over what a
//! merchant would write instead.
//!
//! The three clients of [`overhead_clients`](crate::overhead_clients) call the same minimal
//! hyper server, which runs in a process of its own ([`AccountServer`]), at 1 and at 64
//! calls in flight. The client side runs on one thread (a current-thread Tokio runtime), so
//! its CPU time per call is the cost of the client alone. The kinds are measured in
//! interleaved rounds (hyper, reqwest, SDK; then reqwest, SDK, hyper; ...), and every ratio
//! is taken within a round against raw hyper's figure of the same round, then the median
//! over the rounds is reported with the smallest and largest: a change in the machine's
//! load falls on all three alike.
//!
//! Then instructions per call under callgrind (which does not move with the machine's
//! load), and the build cost of `payex-client` against its bare HTTP dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream;

use crate::account_server::AccountServer;
use crate::overhead_clients::{Clients, Kind, Op};
use crate::report;

/// The levels of concurrency measured.
const IN_FLIGHT: [usize; 2] = [1, 64];

/// How much to measure.
#[derive(Clone, Copy, Debug)]
struct Plan {
    rounds: usize,
    /// Calls per kind per round, by level of concurrency.
    calls: fn(usize) -> usize,
    /// Call counts of the two callgrind runs (their difference is divided out).
    callgrind_calls: (usize, usize),
    callgrind_ops: &'static [Op],
    build_cost: bool,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                rounds: 2,
                calls: |in_flight| if in_flight == 1 { 200 } else { 1_000 },
                callgrind_calls: (10, 30),
                callgrind_ops: &[Op::Get],
                build_cost: false,
            }
        } else {
            Plan {
                rounds: 5,
                calls: |in_flight| if in_flight == 1 { 4_000 } else { 20_000 },
                callgrind_calls: (1_000, 3_000),
                callgrind_ops: &Op::ALL,
                build_cost: true,
            }
        }
    }
}

/// One batch of calls of one kind.
#[derive(Clone, Copy, Debug)]
struct Batch {
    calls_per_s: f64,
    p50: Duration,
    p99: Duration,
    cpu_per_call: Duration,
    failed: usize,
}

/// Runs the group and prints its tables.
///
/// With `build_cost` false the three clean release builds are skipped (they take minutes).
pub(crate) fn run(quick: bool, build_cost: bool, title: &str) -> Result<(), String> {
    let mut plan = Plan::new(quick);
    plan.build_cost &= build_cost;
    let server = AccountServer::start()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a Tokio runtime: {e}"))?;
    let _entered = runtime.enter();
    let clients = Clients::new(server.base_url())?;
    let mut rows = Vec::new();
    let mut summary = Summary::default();
    for in_flight in IN_FLIGHT {
        for op in Op::ALL {
            let rounds = runtime.block_on(measure(&clients, op, in_flight, plan))?;
            rows.extend(table_rows(op, in_flight, &rounds, &mut summary));
        }
    }
    drop(clients);
    report::print_table(
        title,
        &[
            "in flight",
            "call",
            "client",
            "calls/s",
            "× hyper",
            "p50",
            "× hyper",
            "p99",
            "× hyper",
            "client CPU per call",
            "× hyper",
        ],
        &rows,
    );
    println!(
        "\n{} interleaved rounds; per kind and round {} calls at 1 in flight, {} at 64. \
         Ratios are to raw hyper in the same round: median (min-max) over the rounds. \
         Throughput: higher is better; latency and CPU: lower is better. CPU is the client \
         process's (CLOCK_PROCESS_CPUTIME_ID), the client on one thread.",
        plan.rounds,
        report::grouped((plan.calls)(1) as f64),
        report::grouped((plan.calls)(64) as f64),
    );

    let instructions = instructions_table(server.base_url(), plan, &mut summary)?;
    report::print_table(
        "overhead: instructions per call under callgrind (client process, one call in flight)",
        &["call", "client", "instructions per call", "× hyper"],
        &instructions,
    );
    println!(
        "\nInstructions of {} calls minus those of {}, divided by the difference: start-up and \
         the first connection cancel out.",
        report::grouped(plan.callgrind_calls.1 as f64),
        report::grouped(plan.callgrind_calls.0 as f64),
    );

    if plan.build_cost {
        let rows = build_cost_rows(&mut summary)?;
        report::print_table(
            "overhead: build cost (clean release builds, empty target directories, wall time)",
            &[
                "clean `cargo build --release` of payex-client against",
                "payex-client",
                "baseline",
                "× baseline",
            ],
            &rows,
        );
        println!(
            "\nBare dependencies: hyper, hyper-util, hyper-rustls (ring, webpki roots), tokio, \
             serde with derive, serde_json, http-body-util, with the workspace's versions \
             (its Cargo.lock) and features, in a throwaway crate with nothing in it. The \
             minimal client is the same crate with one function that GETs an account over \
             hyper-util's pooled client with rustls and decodes it with serde: building it \
             generates the HTTP client's code, as any program using these dependencies does."
        );
    } else {
        println!(
            "\nBuild cost: not measured (--quick or --no-build-cost: three clean release builds \
             take minutes)."
        );
    }
    report::print_table(
        "overhead: the targets of issue 15, from the figures above",
        &["target", "measured", "met"],
        &summary.rows(),
    );
    Ok(())
}

/// `plan.rounds` interleaved rounds of each kind; `rounds[r][k]` is kind `Kind::ALL[k]`.
async fn measure(
    clients: &Clients,
    op: Op,
    in_flight: usize,
    plan: Plan,
) -> Result<Vec<[Batch; 3]>, String> {
    let calls = (plan.calls)(in_flight);
    for kind in Kind::ALL {
        // Warm up: open the connections and fill the pools to this concurrency.
        clients.call(kind, op).await.map_err(|e| {
            format!(
                "{} {}: a call failed, so nothing was measured: {e}",
                kind.name(),
                op.name()
            )
        })?;
        batch(clients, kind, op, in_flight, (calls / 4).max(in_flight * 4)).await;
    }
    let mut rounds = Vec::with_capacity(plan.rounds);
    for round in 0..plan.rounds {
        let mut batches = [None; 3];
        for i in 0..Kind::ALL.len() {
            let k = (i + round) % Kind::ALL.len();
            batches[k] = Some(batch(clients, Kind::ALL[k], op, in_flight, calls).await);
        }
        let [Some(a), Some(b), Some(c)] = batches else {
            return Err("a round left a kind out".to_owned());
        };
        rounds.push([a, b, c]);
    }
    Ok(rounds)
}

async fn batch(clients: &Clients, kind: Kind, op: Op, in_flight: usize, calls: usize) -> Batch {
    let cpu_before = process_cpu();
    let started = Instant::now();
    let results: Vec<(Duration, bool)> = stream::iter(0..calls)
        .map(|_| async move {
            let start = Instant::now();
            let ok = clients.call(kind, op).await.is_ok();
            (start.elapsed(), ok)
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let wall = started.elapsed();
    let cpu = process_cpu().saturating_sub(cpu_before);
    let failed = results.iter().filter(|(_, ok)| !ok).count();
    let mut times: Vec<Duration> = results.into_iter().map(|(time, _)| time).collect();
    times.sort_unstable();
    Batch {
        calls_per_s: calls as f64 / wall.as_secs_f64().max(1e-9),
        p50: crate::harness::percentile(&times, 50),
        p99: crate::harness::percentile(&times, 99),
        cpu_per_call: cpu / u32::try_from(calls.max(1)).unwrap_or(u32::MAX),
        failed,
    }
}

/// The CPU time this process has used (all threads), with nanosecond resolution.
fn process_cpu() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

/// The median of `values` with the smallest and largest, as `m (lo-hi)`.
fn spread(mut values: Vec<f64>) -> (f64, String) {
    values.sort_by(f64::total_cmp);
    let median = values.get(values.len() / 2).copied().unwrap_or(f64::NAN);
    let lo = values.first().copied().unwrap_or(f64::NAN);
    let hi = values.last().copied().unwrap_or(f64::NAN);
    (median, format!("{median:.2}x ({lo:.2}-{hi:.2})"))
}

fn median_of(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn table_rows(
    op: Op,
    in_flight: usize,
    rounds: &[[Batch; 3]],
    summary: &mut Summary,
) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (k, kind) in Kind::ALL.into_iter().enumerate() {
        let of =
            |f: &dyn Fn(&Batch) -> f64| -> Vec<f64> { rounds.iter().map(|r| f(&r[k])).collect() };
        let ratio = |f: &dyn Fn(&Batch) -> f64| -> (f64, String) {
            if kind == Kind::Hyper {
                return (1.0, "1".to_owned());
            }
            spread(rounds.iter().map(|r| f(&r[k]) / f(&r[0])).collect())
        };
        let secs = |d: Duration| d.as_secs_f64();
        let throughput = ratio(&|b| b.calls_per_s);
        let p50 = ratio(&|b| secs(b.p50));
        let p99 = ratio(&|b| secs(b.p99));
        let cpu = ratio(&|b| secs(b.cpu_per_call));
        let failed: usize = rounds.iter().map(|r| r[k].failed).sum();
        let client = if failed > 0 {
            format!("{} ({failed} calls FAILED)", kind.name())
        } else {
            kind.name().to_owned()
        };
        summary.record(kind, op, in_flight, throughput.0, cpu.0);
        rows.push(vec![
            in_flight.to_string(),
            op.name().to_owned(),
            client,
            report::grouped(median_of(of(&|b| b.calls_per_s))),
            throughput.1,
            report::duration(Duration::from_secs_f64(median_of(of(&|b| secs(b.p50))))),
            p50.1,
            report::duration(Duration::from_secs_f64(median_of(of(&|b| secs(b.p99))))),
            p99.1,
            report::duration(Duration::from_secs_f64(median_of(of(&|b| {
                secs(b.cpu_per_call)
            })))),
            cpu.1,
        ]);
    }
    rows
}

/// The child's side of a callgrind run: `calls` sequential `op` calls of `kind` after one
/// call that opens the connection.
pub(crate) fn calls(args: &[String]) -> Result<(), String> {
    let usage = "usage: mypages-bench overhead-calls KIND OP CALLS BASE_URL";
    let kind = args.first().and_then(|a| Kind::parse(a)).ok_or(usage)?;
    let op = args.get(1).and_then(|a| Op::parse(a)).ok_or(usage)?;
    let calls: usize = args.get(2).and_then(|a| a.parse().ok()).ok_or(usage)?;
    let base_url = args.get(3).ok_or(usage)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a Tokio runtime: {e}"))?;
    let _entered = runtime.enter();
    let clients = Clients::new(base_url)?;
    runtime.block_on(async {
        for _ in 0..=calls {
            clients.call(kind, op).await?;
        }
        Ok(())
    })
}

fn instructions_table(
    base_url: &str,
    plan: Plan,
    summary: &mut Summary,
) -> Result<Vec<Vec<String>>, String> {
    if Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        return Ok(vec![vec![
            "-".to_owned(),
            "-".to_owned(),
            "valgrind not found: not measured".to_owned(),
            "-".to_owned(),
        ]]);
    }
    let (few, many) = plan.callgrind_calls;
    let mut rows = Vec::new();
    for &op in plan.callgrind_ops {
        let mut per_call = [0.0; 3];
        for (k, kind) in Kind::ALL.into_iter().enumerate() {
            let low = callgrind(base_url, kind, op, few)?;
            let high = callgrind(base_url, kind, op, many)?;
            per_call[k] = high.saturating_sub(low) as f64 / (many - few) as f64;
        }
        for (k, kind) in Kind::ALL.into_iter().enumerate() {
            let ratio = per_call[k] / per_call[0];
            summary.record_instructions(kind, op, ratio);
            rows.push(vec![
                op.name().to_owned(),
                kind.name().to_owned(),
                report::grouped(per_call[k]),
                format!("{ratio:.2}x"),
            ]);
        }
    }
    Ok(rows)
}

/// Instructions executed by `mypages-bench overhead-calls` making `calls` calls.
fn callgrind(base_url: &str, kind: Kind, op: Op, calls: usize) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let out = std::env::temp_dir().join(format!(
        "mypages-bench-{}-{}-{}-{calls}.callgrind",
        std::process::id(),
        kind.name(),
        op.name()
    ));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(&exe)
        .args([
            "overhead-calls",
            kind.name(),
            op.name(),
            &calls.to_string(),
            base_url,
        ])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    if !output.status.success() {
        return Err(format!(
            "callgrind run of {} {} failed ({}): {}",
            kind.name(),
            op.name(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    total_instructions(&text).ok_or_else(|| {
        format!(
            "no instruction total in callgrind's output {}",
            out.display()
        )
    })
}

/// The `totals:` (or `summary:`) line of a callgrind output file: instructions executed.
fn total_instructions(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| {
            line.strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

fn build_cost_rows(summary: &mut Summary) -> Result<Vec<Vec<String>>, String> {
    let root = workspace_root();
    let scratch = std::env::temp_dir().join(format!("mypages-bench-build-{}", std::process::id()));
    let result = build_cost(&root, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    let BuildCost { sdk, bare, client } = result?;
    let row = |what: &str, baseline: Duration| {
        vec![
            what.to_owned(),
            report::duration(sdk),
            report::duration(baseline),
            format!("{:.2}x", sdk.as_secs_f64() / baseline.as_secs_f64()),
        ]
    };
    summary.build = Some(sdk.as_secs_f64() / bare.as_secs_f64());
    Ok(vec![
        row("the bare HTTP dependencies (the issue's target)", bare),
        row(
            "the same dependencies with a minimal raw-hyper client",
            client,
        ),
    ])
}

/// Wall times of three clean release builds, one after the other.
struct BuildCost {
    /// `payex-client`.
    sdk: Duration,
    /// Its bare HTTP dependencies, with nothing of them used.
    bare: Duration,
    /// The same dependencies with [`MINIMAL_CLIENT`] using them.
    client: Duration,
}

/// Wall time of a clean release build of `payex-client`, then of its bare dependencies,
/// then of those with a minimal client.
fn build_cost(root: &Path, scratch: &Path) -> Result<BuildCost, String> {
    let write = |dir: &Path, name: &str, lib: &str| -> Result<(), String> {
        std::fs::create_dir_all(dir.join("src"))
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        std::fs::write(
            dir.join("Cargo.toml"),
            BARE_MANIFEST.replace("bare-http", name),
        )
        .map_err(|e| e.to_string())?;
        std::fs::write(dir.join("src/lib.rs"), lib).map_err(|e| e.to_string())?;
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
            .map_err(|e| e.to_string())?;
        Ok(())
    };
    let bare = scratch.join("bare-http");
    write(
        &bare,
        "bare-http",
        "//! Nothing: only the dependencies are built.\n",
    )?;
    let client = scratch.join("bare-client");
    write(&client, "bare-client", MINIMAL_CLIENT)?;
    Ok(BuildCost {
        sdk: timed_build(root, &scratch.join("target-sdk"), &["-p", "payex-client"])?,
        bare: timed_build(&bare, &scratch.join("target-bare"), &[])?,
        client: timed_build(&client, &scratch.join("target-client"), &[])?,
    })
}

fn timed_build(dir: &Path, target: &Path, args: &[&str]) -> Result<Duration, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--offline"])
        .args(args)
        .arg("--target-dir")
        .arg(target)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let elapsed = started.elapsed();
    if status.success() {
        Ok(elapsed)
    } else {
        Err(format!("the build in {} failed ({status})", dir.display()))
    }
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}

/// The throwaway crate of the bare dependencies: the workspace's features for them, and
/// its release profile.
const BARE_MANIFEST: &str = r#"[package]
name = "bare-http"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
hyper = { version = "1", default-features = false, features = ["client", "http1", "http2"] }
hyper-util = { version = "0.1", default-features = false, features = ["client-legacy", "http1", "http2", "tokio"] }
hyper-rustls = { version = "0.27", default-features = false, features = ["http1", "http2", "tls12", "ring", "webpki-roots"] }
tokio = { version = "1", default-features = false, features = ["rt", "rt-multi-thread", "macros", "time", "net", "sync", "io-util"] }
serde = { version = "1", default-features = false, features = ["std", "derive"] }
serde_json = { version = "1", default-features = false, features = ["std"] }
http-body-util = "0.1"

[profile.release]
debug = "line-tables-only"
"#;

/// What a merchant writes without the SDK, at its smallest: one GET over hyper-util's pooled
/// client with rustls (HTTP/1.1 and 2, webpki roots), its body decoded with serde, run on a
/// Tokio runtime. Building it makes the compiler generate the HTTP client's code, which the
/// bare dependencies alone never do.
const MINIMAL_CLIENT: &str = r#"//! A GET of one account over raw hyper.
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;

/// An account, as far as this client reads it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub account_no: String,
    pub status: String,
    pub currency: String,
    pub credit_limit: f64,
    pub total_balance: f64,
}

/// GETs `url` with a bearer token and decodes the account.
pub async fn get_account(
    url: &str,
    token: &str,
) -> Result<Account, Box<dyn std::error::Error + Send + Sync>> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let request = hyper::Request::get(url)
        .header("authorization", format!("Bearer {token}"))
        .header("accept", "application/json")
        .body(Empty::new())?;
    let response = client.request(request).await?;
    let body = response.into_body().collect().await?.to_bytes();
    Ok(serde_json::from_slice(&body)?)
}

/// Runs [`get_account`] to completion on a new current-thread runtime (so the compiler
/// generates the whole client, as a program's `main` would make it).
pub fn get_account_blocking(
    url: &str,
    token: &str,
) -> Result<Account, Box<dyn std::error::Error + Send + Sync>> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(get_account(url, token))
}
"#;

/// The figures the issue's targets are checked against.
#[derive(Default)]
struct Summary {
    /// (in flight, op, kind) -> (throughput ratio, CPU ratio), medians over the rounds.
    timed: Vec<(usize, Op, Kind, f64, f64)>,
    /// (op, kind) -> instructions ratio.
    instructions: Vec<(Op, Kind, f64)>,
    build: Option<f64>,
}

impl Summary {
    fn record(&mut self, kind: Kind, op: Op, in_flight: usize, throughput: f64, cpu: f64) {
        self.timed.push((in_flight, op, kind, throughput, cpu));
    }

    fn record_instructions(&mut self, kind: Kind, op: Op, ratio: f64) {
        self.instructions.push((op, kind, ratio));
    }

    fn rows(&self) -> Vec<Vec<String>> {
        let met = |ok: bool| if ok { "yes" } else { "NO" }.to_owned();
        let mut rows = Vec::new();
        let sdk = |in_flight: usize, op: Op| {
            self.timed
                .iter()
                .find(|t| t.0 == in_flight && t.1 == op && t.2 == Kind::Sdk)
        };
        let reqwest = |in_flight: usize, op: Op| {
            self.timed
                .iter()
                .find(|t| t.0 == in_flight && t.1 == op && t.2 == Kind::Reqwest)
        };
        for in_flight in IN_FLIGHT {
            let floor = if in_flight == 1 { 0.9 } else { 0.95 };
            for op in Op::ALL {
                if let Some(&(_, _, _, throughput, cpu)) = sdk(in_flight, op) {
                    rows.push(vec![
                        format!(
                            "{} throughput at {in_flight} in flight ≥ {floor}x hyper",
                            op.name()
                        ),
                        format!("{throughput:.2}x"),
                        met(throughput >= floor),
                    ]);
                    rows.push(vec![
                        format!(
                            "{} client CPU per call at {in_flight} in flight ≤ 1.15x hyper",
                            op.name()
                        ),
                        format!("{cpu:.2}x"),
                        met(cpu <= 1.15),
                    ]);
                    if let Some(&(_, _, _, r_throughput, r_cpu)) = reqwest(in_flight, op) {
                        rows.push(vec![
                            format!("{} at {in_flight} in flight: faster than reqwest (throughput, CPU)", op.name()),
                            format!("{throughput:.2}x against {r_throughput:.2}x; CPU {cpu:.2}x against {r_cpu:.2}x"),
                            met(throughput > r_throughput && cpu < r_cpu),
                        ]);
                    }
                }
            }
        }
        for &(op, kind, ratio) in &self.instructions {
            if kind == Kind::Sdk {
                rows.push(vec![
                    format!("{} instructions per call ≤ 1.2x hyper", op.name()),
                    format!("{ratio:.2}x"),
                    met(ratio <= 1.2),
                ]);
                if let Some(&(_, _, r)) = self
                    .instructions
                    .iter()
                    .find(|i| i.0 == op && i.1 == Kind::Reqwest)
                {
                    rows.push(vec![
                        format!("{} instructions per call below reqwest's", op.name()),
                        format!("{ratio:.2}x against {r:.2}x"),
                        met(ratio < r),
                    ]);
                }
            }
        }
        if let Some(build) = self.build {
            rows.push(vec![
                "clean release build of payex-client ≤ 1.3x its bare dependencies".to_owned(),
                format!("{build:.2}x"),
                met(build <= 1.3),
            ]);
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_instruction_total_of_a_callgrind_file() {
        let text = "events: Ir\nsummary: 12345\nfn=main\n0 1\ntotals: 12345\n";
        assert_eq!(total_instructions(text), Some(12_345));
        assert_eq!(total_instructions("events: Ir\n"), None);
    }

    #[test]
    fn spread_is_the_median_with_the_extremes() {
        let (median, text) = spread(vec![1.2, 0.8, 1.0]);
        assert!((median - 1.0).abs() < 1e-9);
        assert_eq!(text, "1.00x (0.80-1.20)");
    }
}
