//! Decoding: provider answers from JSON bytes into the models, the way the clients decode
//! them (`mypages_transport::decode_json`, which also tracks the JSON path for errors).

use bytes::Bytes;
use http::StatusCode;
use mypages_models::{avarda, p4p, payex};
use mypages_transport::decode_json;
use serde::de::DeserializeOwned;

use crate::fixtures;
use crate::harness::{self, Budget};
use crate::report::{self, Row};

/// Every decoding case, small and large pages.
pub(crate) fn run(budget: Budget) -> Vec<Row> {
    let mut rows = Vec::new();
    for n in [10, 1_000] {
        rows.push(case::<payex::AccountList>(
            budget,
            "payex accounts page",
            n,
            fixtures::payex_accounts(n),
            |list| list.items.len(),
        ));
    }
    for n in [10, 10_000] {
        rows.push(case::<payex::TransactionList>(
            budget,
            "payex transactions page",
            n,
            fixtures::payex_transactions(n),
            |list| list.items.len(),
        ));
    }
    rows.extend(error_paths(budget, 10_000));
    for n in [10, 1_000] {
        rows.push(case::<avarda::AccountList>(
            budget,
            "avarda accounts",
            n,
            fixtures::avarda_accounts(n),
            |list| list.clone().into_vec().len(),
        ));
    }
    for n in [10, 1_000] {
        rows.push(case::<Vec<p4p::Account>>(
            budget,
            "p4p accounts",
            n,
            fixtures::p4p_accounts(n),
            Vec::len,
        ));
    }
    rows
}

/// Measures decoding `json` (n items) as `T`; `count` checks the item count once.
fn case<T: DeserializeOwned>(
    budget: Budget,
    name: &str,
    n: usize,
    json: String,
    count: impl Fn(&T) -> usize,
) -> Row {
    let bytes = Bytes::from(json);
    let decoded = decode_json::<T>("bench", StatusCode::OK, &bytes);
    let case = format!(
        "{name}, {} items ({})",
        report::grouped(n as f64),
        size(bytes.len())
    );
    match decoded {
        Ok(value) if count(&value) == n => {}
        Ok(value) => {
            return Row {
                case,
                notes: format!("not measured: decoded {} items, not {n}", count(&value)),
                ..Row::default()
            };
        }
        Err(error) => {
            return Row {
                case,
                notes: format!("not measured: the document does not decode: {error}"),
                ..Row::default()
            };
        }
    }
    let measured = harness::sync(budget, || decode_json::<T>("bench", StatusCode::OK, &bytes));
    let per_item = measured.median / u32::try_from(n).unwrap_or(u32::MAX);
    Row::timed(case, &measured)
        .throughput(report::mb_per_s(bytes.len(), measured.median))
        .note(format!(
            "{} per item, {}",
            report::duration(per_item),
            report::per_s(n, measured.median, "items")
        ))
}

/// The large transactions page decoded as the clients do (`decode_json`, which tracks the
/// JSON path for error messages) and with plain `serde_json::from_slice`, sampled in turn:
/// what the error paths cost.
fn error_paths(budget: Budget, n: usize) -> Vec<Row> {
    let bytes = Bytes::from(fixtures::payex_transactions(n));
    let what = format!(
        "payex transactions page, {} items ({})",
        report::grouped(n as f64),
        size(bytes.len())
    );
    let with_paths = || {
        decode_json::<payex::TransactionList>("bench", StatusCode::OK, &bytes)
            .map(|l| l.items.len())
            .ok()
    };
    let plain = || {
        serde_json::from_slice::<payex::TransactionList>(&bytes)
            .map(|l| l.items.len())
            .ok()
    };
    if with_paths() != Some(n) || plain() != Some(n) {
        return vec![Row {
            case: what,
            notes: format!("not measured: the document does not decode to {n} items"),
            ..Row::default()
        }];
    }
    let (paths, no_paths) = harness::interleaved(budget, with_paths, plain);
    let extra = paths.median.as_secs_f64() / no_paths.median.as_secs_f64() - 1.0;
    vec![
        Row::timed(format!("{what}: decode_json (the clients' path)"), &paths)
            .throughput(report::mb_per_s(bytes.len(), paths.median))
            .note("sampled in turn with the next row"),
        Row::timed(
            format!("{what}: serde_json::from_slice (no error paths)"),
            &no_paths,
        )
        .throughput(report::mb_per_s(bytes.len(), no_paths.median))
        .note(format!(
            "for comparison only; error paths take {:+.0}% time",
            extra * 100.0
        )),
    ]
}

/// A byte count in kB or MB (10^3, 10^6).
pub(crate) fn size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} kB", bytes as f64 / 1e3)
    }
}
