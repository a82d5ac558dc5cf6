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
    rows.push(without_paths(budget, 10_000));
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

/// The large transactions page decoded with plain `serde_json::from_slice`: what tracking
/// the JSON path for error messages (`decode_json`) costs on top.
fn without_paths(budget: Budget, n: usize) -> Row {
    let bytes = fixtures::payex_transactions(n).into_bytes();
    let case = format!(
        "payex transactions page, {} items ({}), serde_json::from_slice (no error paths)",
        report::grouped(n as f64),
        size(bytes.len())
    );
    match serde_json::from_slice::<payex::TransactionList>(&bytes) {
        Ok(list) if list.items.len() == n => {}
        other => {
            return Row {
                case,
                notes: format!(
                    "not measured: decoding gave {:?}",
                    other.map(|l| l.items.len())
                ),
                ..Row::default()
            };
        }
    }
    let measured = harness::sync(budget, || {
        serde_json::from_slice::<payex::TransactionList>(&bytes)
    });
    let per_item = measured.median / u32::try_from(n).unwrap_or(u32::MAX);
    Row::timed(case, &measured)
        .throughput(report::mb_per_s(bytes.len(), measured.median))
        .note(format!(
            "{} per item; for comparison only, the clients decode with error paths",
            report::duration(per_item)
        ))
}

/// A byte count in kB or MB (10^3, 10^6).
pub(crate) fn size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} kB", bytes as f64 / 1e3)
    }
}
