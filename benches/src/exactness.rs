//! What exact money costs: the generated models (amounts as `Decimal`, read from the raw
//! JSON text) against copies of the same structs with `f64` amounts, decoding the same
//! bytes the same way (`serde_json::from_slice`).

use mypages_models::payex::{
    self, AccountStatus, BankPayment, Navigation, Operation, TransactionType, View,
};
use mypages_models::{Currency, Date};
use serde::Deserialize;

use crate::decode::size;
use crate::fixtures;
use crate::harness::{self, Budget};
use crate::report::{self, Row};

/// `payex::TransactionList` with an `f64` amount.
#[derive(Deserialize)]
#[expect(dead_code, reason = "decoded to measure decoding; never read")]
struct TransactionListF64 {
    #[serde(rename = "@id", default)]
    id: Option<String>,
    items: Vec<TransactionF64>,
    #[serde(default)]
    view: Option<View>,
    #[serde(default)]
    operations: Option<Vec<Operation>>,
}

/// `payex::Transaction` with an `f64` amount.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "decoded to measure decoding; never read")]
struct TransactionF64 {
    #[serde(default)]
    r#type: Option<TransactionType>,
    #[serde(default)]
    description: Option<String>,
    amount: f64,
    #[serde(default)]
    initiated_from_point_of_sale: Option<bool>,
    #[serde(
        default,
        deserialize_with = "mypages_models::date::option::deserialize"
    )]
    date: Option<Date>,
}

/// `payex::AccountList` with `f64` amounts.
#[derive(Deserialize)]
#[expect(dead_code, reason = "decoded to measure decoding; never read")]
struct AccountListF64 {
    #[serde(rename = "@id", default)]
    id: Option<String>,
    items: Vec<AccountF64>,
    #[serde(default)]
    navigation: Option<Navigation>,
    #[serde(default)]
    view: Option<View>,
    #[serde(default)]
    operations: Option<Vec<Operation>>,
}

/// `payex::Account` with `f64` amounts (seven of them, two in `interestRate`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "decoded to measure decoding; never read")]
struct AccountF64 {
    #[serde(rename = "@id", default)]
    id: Option<String>,
    account_no: String,
    #[serde(
        default,
        deserialize_with = "mypages_models::date::option::deserialize"
    )]
    start_date: Option<Date>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    account_profile_type: Option<String>,
    #[serde(default)]
    account_alias: Option<String>,
    customer_no: String,
    status: AccountStatus,
    credit_limit: f64,
    total_balance: f64,
    #[serde(default)]
    reserved_amount: Option<f64>,
    #[serde(default)]
    available_amount: Option<f64>,
    #[serde(default)]
    max_payment_amount: Option<f64>,
    #[serde(default)]
    open_bill: Option<String>,
    #[serde(default)]
    charity_donation: Option<bool>,
    #[serde(default)]
    interest_rate: Option<InterestRateF64>,
    #[serde(default)]
    bank_payment: Option<BankPayment>,
    #[serde(default)]
    active_payment_orders: Option<String>,
    #[serde(default)]
    recurring_payment_configuration: Option<String>,
    #[serde(default)]
    recurring_payment_consent: Option<String>,
    #[serde(default)]
    cards: Option<String>,
    #[serde(default)]
    transactions: Option<String>,
    currency: Currency,
    #[serde(default)]
    bills: Option<String>,
    #[serde(default)]
    customer: Option<String>,
    #[serde(alias = "operations", default)]
    operation: Option<Vec<Operation>>,
}

/// `payex::InterestRate` with `f64` rates.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[expect(dead_code, reason = "decoded to measure decoding; never read")]
struct InterestRateF64 {
    #[serde(default)]
    debt_interest: Option<f64>,
    #[serde(default)]
    penalty_interest: Option<f64>,
}

/// Decimal and f64 side by side, for a transactions page and an accounts page.
pub(crate) fn run(budget: Budget) -> Vec<Row> {
    let mut rows = Vec::new();
    let n = 10_000;
    let transactions = fixtures::payex_transactions(n).into_bytes();
    let what = format!(
        "payex transactions page, {} items ({}, 1 amount each)",
        report::grouped(n as f64),
        size(transactions.len())
    );
    rows.extend(pair(
        budget,
        &what,
        n,
        &transactions,
        |bytes| serde_json::from_slice::<payex::TransactionList>(bytes).map(|l| l.items.len()),
        |bytes| serde_json::from_slice::<TransactionListF64>(bytes).map(|l| l.items.len()),
    ));
    let n = 1_000;
    let accounts = fixtures::payex_accounts(n).into_bytes();
    let what = format!(
        "payex accounts page, {} items ({}, 7 amounts each)",
        report::grouped(n as f64),
        size(accounts.len())
    );
    rows.extend(pair(
        budget,
        &what,
        n,
        &accounts,
        |bytes| serde_json::from_slice::<payex::AccountList>(bytes).map(|l| l.items.len()),
        |bytes| serde_json::from_slice::<AccountListF64>(bytes).map(|l| l.items.len()),
    ));
    rows
}

type Decode = fn(&[u8]) -> Result<usize, serde_json::Error>;

/// Two rows (exact, f64) and the relative cost of exactness in the second row's notes.
fn pair(
    budget: Budget,
    what: &str,
    n: usize,
    bytes: &[u8],
    exact: Decode,
    float: Decode,
) -> Vec<Row> {
    for (label, decode) in [("Decimal", exact), ("f64", float)] {
        match decode(bytes) {
            Ok(count) if count == n => {}
            other => {
                return vec![Row {
                    case: format!("{what}: {label}"),
                    notes: format!("not measured: decoding gave {other:?}, not {n} items"),
                    ..Row::default()
                }];
            }
        }
    }
    let (exact_time, float_time) = harness::interleaved(budget, || exact(bytes), || float(bytes));
    let extra = exact_time.median.as_secs_f64() / float_time.median.as_secs_f64() - 1.0;
    let per_item = |d: std::time::Duration| d / u32::try_from(n).unwrap_or(u32::MAX);
    vec![
        Row::timed(format!("{what}: Decimal (exact)"), &exact_time)
            .throughput(report::mb_per_s(bytes.len(), exact_time.median))
            .note(format!(
                "{} per item; sampled in turn with the f64 row",
                report::duration(per_item(exact_time.median))
            )),
        Row::timed(format!("{what}: f64 (same struct)"), &float_time)
            .throughput(report::mb_per_s(bytes.len(), float_time.median))
            .note(format!(
                "{} per item; exact decimals take {:+.0}% time",
                report::duration(per_item(float_time.median)),
                extra * 100.0
            )),
    ]
}
