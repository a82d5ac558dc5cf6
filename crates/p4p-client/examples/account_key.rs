//! Create an account key, act as the account with `me`, add a card and send login links.
//!
//! `cargo run -p p4p-client --example account_key`

#[path = "common/mod.rs"]
mod common;

use p4p_client::models::{Decimal, Items};
use p4p_client::{AccountRef, SecretString, SettleTarget};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::Connection::open().await?;
    let private = &connection.client;
    let account = common::demo_account()?;

    // A tokenized card becomes the account's payment method.
    let card = SecretString::from("card-token-from-the-card-form".to_owned());
    // The documents show no answer for this call, so the account may not come back.
    match private.accounts().add_card(&account, &card).await? {
        Some(with_card) => println!(
            "{} has {} payment method(s)",
            with_card.id,
            with_card.method.map_or(0, |m| m.len())
        ),
        None => println!("card added; PayFunc answered without the account"),
    }

    // With the private key the login link comes back; it is also emailed to the customer.
    if let Some(link) = private.accounts().create_login_link(&account).await? {
        println!(
            "login link {} expires {:?}",
            link.url.expose(),
            link.expires
        );
    }

    // An account key (valid 3 days) lets the account's own pages use `me`.
    let key = private.accounts().create_key(&account).await?;
    let own = connection.client_with_key(key)?;
    let me = own.accounts().get(AccountRef::Me).await?;
    println!("me is {}, total {:?}", me.id, me.total);
    own.balance()
        .add(
            AccountRef::Me,
            &Items::Amount(Decimal::from_str_exact("9.90")?),
        )
        .await?;
    let settled = own.balance().settle(SettleTarget::Me).await?;
    println!("settled my balance: {} updated", shown(&settled.updated));
    // With the account key the link is only emailed: nothing comes back.
    assert!(
        own.accounts()
            .create_login_link(AccountRef::Me)
            .await?
            .is_none()
    );

    connection.close().await
}

/// The value, or `-` when the answer left it out.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}
