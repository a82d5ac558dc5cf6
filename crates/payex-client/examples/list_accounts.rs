//! List a customer's accounts, page by page as they stream in.
//!
//! `cargo run -p payex-client --example list_accounts`

mod support;

use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let support::Connection {
        payex,
        customer_no,
        sandbox: _sandbox,
    } = support::connect().await?;

    let mut accounts = payex.accounts().list().customer_no(&customer_no).items();
    while let Some(account) = accounts.try_next().await? {
        println!(
            "{} {:<20} balance {:>10} {}  available {:>10}  credit limit {:>10}",
            account.account_no,
            account.account_alias.as_deref().unwrap_or("-"),
            shown(&account.total_balance),
            shown(&account.currency),
            account
                .available_amount
                .map(|amount| amount.to_string())
                .unwrap_or_default(),
            shown(&account.credit_limit),
        );
    }
    Ok(())
}

/// The value, or `-` when the answer left it out.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}
