//! Bill an amount, an item or a list of items towards an account's balance, then settle it.
//!
//! `cargo run -p p4p-client --example balance`

#[path = "common/mod.rs"]
mod common;

use p4p_client::models::{AccountCreatable, Decimal, Item, Items};
use p4p_client::{SecretString, SettleTarget};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::Connection::open().await?;
    let client = &connection.client;
    let account = client
        .accounts()
        .create(&AccountCreatable::new(Vec::new()).with_number("balance-demo".to_owned()))
        .await?;

    // A plain amount (it must be greater than 0)...
    client
        .balance()
        .add(
            &account.id,
            &Items::Amount(Decimal::from_str_exact("12.50")?),
        )
        .await?;
    // ...one item (VAT needs a price)...
    let coffee = Item::new()
        .with_name("coffee".to_owned())
        .with_price(Decimal::from_str_exact("20.00")?)
        .with_vat(Decimal::from_str_exact("5.00")?);
    client
        .balance()
        .add(&account.id, &Items::Item(coffee.clone()))
        .await?;
    // ...or a list of items.
    let tea = Item::new()
        .with_name("tea".to_owned())
        .with_price(Decimal::from_str_exact("15")?)
        .with_quantity(Decimal::from_str_exact("2")?);
    let account = client
        .balance()
        .add(&account.id, &Items::List(vec![coffee, tea]))
        .await?;
    println!(
        "{} has {} items on its balance",
        account.id,
        account.balance.as_ref().map_or(0, Vec::len)
    );

    // Settling charges the account's card, so give it one first.
    let card = SecretString::from("card-token-from-the-card-form".to_owned());
    client.accounts().add_card(&account.id, &card).await?;

    // Settle one account (or SettleTarget::Me with an account key, SettleTarget::All for all).
    let settled = client.balance().settle(&account.id).await?;
    println!(
        "settled {} account(s), {} error(s)",
        shown(&settled.updated),
        shown(&settled.errors)
    );
    let everyone = client.balance().settle(SettleTarget::All).await?;
    println!(
        "settled all: {} account(s), {} error(s)",
        shown(&everyone.updated),
        shown(&everyone.errors)
    );

    connection.close().await
}

/// The value, or `-` when the answer left it out.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}
