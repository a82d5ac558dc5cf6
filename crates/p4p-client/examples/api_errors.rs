//! What failures look like: input refused before sending, PayFunc's error body, and which
//! calls are retried.
//!
//! `cargo run -p p4p-client --example api_errors`

#[path = "common/mod.rs"]
mod common;

use p4p_client::models::{AccountCreatable, AccountId, Decimal, Items};
use p4p_client::{AccountRef, Category};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::Connection::open().await?;
    let client = &connection.client;

    // Refused before anything is sent; the error names the argument.
    let account = common::demo_account()?;
    let error = match client
        .balance()
        .add(&account, &Items::Amount(Decimal::ZERO))
        .await
    {
        Err(error) => error,
        Ok(_) => return Err("a zero amount must be refused".into()),
    };
    println!("{:?} on {:?}: {error}", error.kind(), error.argument());

    // Ids are checked when they are made.
    if let Err(error) = AccountId::new("not an id") {
        println!("{error}");
    }

    // PayFunc's `{status, type, content}` body is parsed into the error.
    let missing = AccountId::new("nosuchaccount000")?;
    match client.accounts().get(&missing).await {
        Err(error) if error.category() == Category::NotFound => {
            let body = p4p_client::api_error(&error);
            let content = body.as_ref().and_then(|body| body.content.as_ref());
            println!(
                "not found: {:?}",
                content.and_then(|c| c.description.as_deref())
            );
        }
        Err(error) => return Err(error.into()),
        Ok(account) => println!("unexpectedly found {}", account.id),
    }

    // `me` needs an account key.
    if let Err(error) = client.accounts().get(AccountRef::Me).await {
        println!("{:?} ({:?}): {error}", error.kind(), error.category());
    }

    // Account and order creation and settling are never retried once they may have reached PayFunc:
    // after such a failure, look for your `number` before creating again.
    match client
        .accounts()
        .create(&AccountCreatable::new(Vec::new()))
        .await
    {
        Ok(account) => println!("created {}", account.id),
        Err(error) if error.may_have_reached_server() => println!("check before retrying: {error}"),
        Err(error) => println!("nothing was created: {error}"),
    }

    connection.close().await
}
