//! Instructions per decode under callgrind, for the rows of the `decode` group: a figure
//! that does not move with the load of a shared machine, so two versions of the models can be
//! compared on it (issue 13: the lossless models against the models before them).
//!
//! ```text
//! mypages-bench decode-instructions [OTHER_MYPAGES_BENCH]
//! ```
//!
//! Each row runs `mypages-bench decode-times CASE ITEMS TIMES` under
//! `valgrind --tool=callgrind` twice, with two counts of decodes; the difference of the two
//! instruction totals divided by the difference of the counts is the cost of one decode, with
//! the start-up and the building of the fixture cancelled out. With another `mypages-bench`
//! binary (which must know `decode-times`), its figures and the ratio are printed beside.

use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};

use bytes::Bytes;
use http::StatusCode;
use mypages_models::{avarda, p4p, payex};
use mypages_transport::decode_json;

use crate::fixtures;

/// The rows of the `decode` group: case, items, and the two counts of decodes measured.
const ROWS: [(&str, usize, (u32, u32)); 8] = [
    ("payex-accounts", 10, (20, 220)),
    ("payex-accounts", 1_000, (1, 3)),
    ("payex-transactions", 10, (100, 1_100)),
    ("payex-transactions", 10_000, (1, 3)),
    ("avarda-accounts", 10, (20, 220)),
    ("avarda-accounts", 1_000, (1, 3)),
    ("p4p-accounts", 10, (20, 220)),
    ("p4p-accounts", 1_000, (1, 3)),
];

/// The JSON of `items` items of `case`.
fn fixture(case: &str, items: usize) -> Result<Bytes, String> {
    Ok(Bytes::from(match case {
        "payex-accounts" => fixtures::payex_accounts(items),
        "payex-transactions" => fixtures::payex_transactions(items),
        "avarda-accounts" => fixtures::avarda_accounts(items),
        "p4p-accounts" => fixtures::p4p_accounts(items),
        other => return Err(format!("unknown decode case {other:?}")),
    }))
}

/// Decodes `bytes` as `case`'s type, the way the clients do; the number of items decoded.
fn decode(case: &str, bytes: &Bytes) -> Result<usize, String> {
    let status = StatusCode::OK;
    let items = match case {
        "payex-accounts" => decode_json::<payex::AccountList>("bench", status, bytes)
            .map(|list| black_box(list).items.len()),
        "payex-transactions" => decode_json::<payex::TransactionList>("bench", status, bytes)
            .map(|list| black_box(list).items.len()),
        "avarda-accounts" => decode_json::<avarda::AccountList>("bench", status, bytes)
            .map(|list| black_box(list).into_vec().len()),
        "p4p-accounts" => decode_json::<Vec<p4p::Account>>("bench", status, bytes)
            .map(|list| black_box(list).len()),
        other => return Err(format!("unknown decode case {other:?}")),
    };
    items.map_err(|e| format!("the {case} fixture does not decode: {e}"))
}

/// The child's side: `mypages-bench decode-times CASE ITEMS TIMES` decodes the fixture of
/// `ITEMS` items `TIMES` times.
pub(crate) fn times(args: &[String]) -> Result<(), String> {
    let usage = "usage: mypages-bench decode-times CASE ITEMS TIMES";
    let case = args.first().ok_or(usage)?;
    let items: usize = args.get(1).and_then(|a| a.parse().ok()).ok_or(usage)?;
    let times: u32 = args.get(2).and_then(|a| a.parse().ok()).ok_or(usage)?;
    let bytes = fixture(case, items)?;
    for _ in 0..times {
        let decoded = decode(case, black_box(&bytes))?;
        if decoded != items {
            return Err(format!("decoded {decoded} items, not {items}"));
        }
    }
    Ok(())
}

/// `mypages-bench decode-instructions [OTHER]`: prints instructions per decode for every
/// row, of this binary and, if given, of `OTHER` with the ratio this / other.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let this = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let other = args.first().map(Path::new);
    match other {
        Some(_) => {
            println!("| case | other: instructions per decode | this | this / other |");
            println!("|---|---|---|---|");
        }
        None => {
            println!("| case | instructions per decode | per item |");
            println!("|---|---|---|");
        }
    }
    for (case, items, counts) in ROWS {
        let mine = per_decode(&this, case, items, counts)?;
        let label = format!("{case}, {items} items");
        match other {
            Some(exe) => {
                let theirs = per_decode(exe, case, items, counts)?;
                println!(
                    "| {label} | {theirs:.0} | {mine:.0} | {:.3} |",
                    mine / theirs
                );
            }
            None => println!("| {label} | {mine:.0} | {:.0} |", mine / items as f64),
        }
    }
    Ok(())
}

/// Instructions of one decode of `case` by `exe`: the difference of two callgrind runs.
fn per_decode(
    exe: &Path,
    case: &str,
    items: usize,
    (few, many): (u32, u32),
) -> Result<f64, String> {
    let low = callgrind(exe, case, items, few)?;
    let high = callgrind(exe, case, items, many)?;
    Ok(high.saturating_sub(low) as f64 / f64::from(many - few))
}

/// Instructions executed by `exe decode-times case items times`.
fn callgrind(exe: &Path, case: &str, items: usize, times: u32) -> Result<u64, String> {
    let out = std::env::temp_dir().join(format!(
        "mypages-bench-decode-{}-{case}-{items}-{times}.callgrind",
        std::process::id()
    ));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .args(["decode-times", case, &items.to_string(), &times.to_string()])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    if !output.status.success() {
        return Err(format!(
            "callgrind run of {case} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    text.lines()
        .find_map(|line| {
            line.strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no instruction total in callgrind's output for {case}"))
}
