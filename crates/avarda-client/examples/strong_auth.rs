//! The merchant flow for accounts: ask, redirect the customer to strong authentication,
//! let them come back, ask again. Runs against an embedded sandbox.
//!
//! `cargo run -p avarda-client --example strong_auth`

use avarda_client::{AvardaClient, Customer, StrongAuth, TokenProvider};
use mypages_sandbox::Sandbox;
use mypages_sandbox::credentials::{AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_PURCHASE_ID};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let avarda = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .build()?;

    // A customer who has not identified themselves yet. The return URL is the page of your
    // "my pages" that shows the accounts: Avarda sends the customer back there.
    let customer = Customer::new("sha256-of-customer-4711", TokenProvider::Own)
        .with_return_url("https://shop.example/my-pages/accounts");

    // 1. The customer opens the accounts page; you ask Avarda.
    let redirect_url = match avarda
        .accounts()
        .list(&customer, AVARDA_PURCHASE_ID)
        .await?
    {
        StrongAuth::Authenticated(accounts) => {
            println!("already authenticated: {} accounts", accounts.len());
            return Ok(());
        }
        StrongAuth::AuthenticationRequired { redirect_url } => redirect_url,
    };

    // 2. You answer the browser with `303 See Other` to `redirect_url`. The customer
    //    identifies themselves there (BankID at Avarda; a Confirm button in the sandbox).
    println!("303 See Other, Location: {redirect_url}");
    sandbox.avarda_confirm_strong_authentication("sha256-of-customer-4711");

    // 3. Avarda sends the customer back to the return URL; the same call now answers.
    match avarda
        .accounts()
        .list(&customer, AVARDA_PURCHASE_ID)
        .await?
    {
        StrongAuth::Authenticated(accounts) => {
            for account in &accounts {
                println!(
                    "{}  {}  {} {}  due {}  state {}",
                    account.id.as_deref().unwrap_or("-"),
                    account.r#type,
                    account.balance,
                    account.currency,
                    account.due_date.date(),
                    account.state,
                );
            }
        }
        StrongAuth::AuthenticationRequired { redirect_url } => {
            println!("the customer did not complete it; send them to {redirect_url} again");
        }
    }
    Ok(())
}
