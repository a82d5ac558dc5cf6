//! A first mypages program: a customer's PayEx accounts and their open bills, read from
//! the sandbox this program starts on a free loopback port.

use futures_util::TryStreamExt;
use mypages_sandbox::{Sandbox, credentials};
use payex_client::models::BillStatus;
use payex_client::{PayexClient, SecretString};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Something to talk to: the simulated PayEx, with its demo customer.
    let sandbox = Sandbox::builder().start().await?;

    // 2. The client, for one ledger. Against PayEx itself: `.environment(Environment::Production)`
    //    instead of `.base_url(..)`, your ledger and token, and `.identity_pem(cert, key)`.
    let payex = PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(credentials::PAYEX_LEDGER)
        .token(SecretString::from(credentials::PAYEX_TOKEN))
        .build()?;

    // 3. The customer's accounts, fetched page by page as the loop asks for them.
    let mut accounts = payex
        .accounts()
        .list()
        .customer_no(credentials::PAYEX_CUSTOMER_NO)
        .items();
    while let Some(account) = accounts.try_next().await? {
        // Members PayEx may leave out are `Option`s.
        let balance = account.total_balance.unwrap_or_default();
        let currency = account.currency.as_ref().map_or("", |c| c.as_str());
        println!(
            "account {}: balance {balance} {currency}",
            account.account_no
        );

        // 4. Its open bills, every page at once.
        for bill in payex.bills(&account.account_no).list().all().await? {
            if bill.status == Some(BillStatus::Open) {
                let number = bill.bill_no.as_deref().unwrap_or("?");
                let amount = bill.bill_amount.unwrap_or_default();
                println!("  open bill {number}: {amount} due {:?}", bill.due_date);
            }
        }
    }

    sandbox.shutdown().await?;
    Ok(())
}
