//! Show the open bills of each of a customer's accounts, with how to pay them.
//!
//! `cargo run -p payex-client --example open_bills`

mod support;

use payex_client::models::BillStatus;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let support::Connection {
        payex,
        customer_no,
        sandbox: _sandbox,
    } = support::connect().await?;

    for account in payex
        .accounts()
        .list()
        .customer_no(&customer_no)
        .all()
        .await?
    {
        let bills = payex.bills(&account.account_no).list().all().await?;
        for bill in bills
            .iter()
            .filter(|bill| bill.status == Some(BillStatus::Open))
        {
            let due = bill
                .due_date
                .map(|date| date.to_string())
                .unwrap_or_default();
            println!(
                "account {} bill {}: {} {} due {due}",
                account.account_no,
                shown(&bill.bill_no),
                shown(&bill.bill_amount),
                shown(&account.currency)
            );
            if let Some(pay) = &bill.active_payment_details {
                println!(
                    "  pay at least {} to {} ({}), reference {}",
                    pay.minimum_amount_to_be_payed
                        .map(|amount| amount.to_string())
                        .unwrap_or_default(),
                    pay.bank_account_no.as_deref().unwrap_or("-"),
                    pay.bank_account_type
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    pay.payment_reference.as_deref().unwrap_or("-"),
                );
            }
        }
    }
    Ok(())
}

/// The value, or `-` when the answer left it out.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}
