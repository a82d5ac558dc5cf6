//! Download the PDF of an account's open bill, following the account's `openBill` link.
//!
//! `cargo run -p payex-client --example download_bill -- [FILE]` (default `bill.pdf`)

mod support;

use payex_client::models::Bill;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let support::Connection {
        payex,
        customer_no,
        sandbox: _sandbox,
    } = support::connect().await?;
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bill.pdf".to_owned());

    let accounts = payex
        .accounts()
        .list()
        .customer_no(&customer_no)
        .all()
        .await?;
    let Some((account, open_bill)) = accounts
        .iter()
        .find_map(|account| account.open_bill.as_deref().map(|href| (account, href)))
    else {
        println!("no account of customer {customer_no} has an open bill");
        return Ok(());
    };
    let bill: Bill = payex.follow(open_bill).await?;
    let Some(bill_id) = bill.id.as_deref().and_then(|uri| uri.rsplit('/').next()) else {
        return Err("the bill has no @id".into());
    };

    let mut file = tokio::fs::File::create(&path).await?;
    let bytes = payex
        .bills(&account.account_no)
        .document(bill_id)
        .download_to(&mut file)
        .await?;
    println!(
        "bill {} of account {}: {bytes} bytes written to {path}",
        shown(&bill.bill_no),
        account.account_no
    );
    Ok(())
}

/// The value, or `-` when the answer left it out.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}
