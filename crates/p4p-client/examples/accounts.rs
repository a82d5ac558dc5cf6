//! Create, fetch, list and change accounts, and replace an account's customer.
//!
//! `cargo run -p p4p-client --example accounts`

#[path = "common/mod.rs"]
mod common;

use p4p_client::models::{
    AccountCreatable, AccountUpdate, Currency, Customer, CustomerType, Decimal, Email, Frequency,
    Schedule, ScheduleNumber, ScheduleRule,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::Connection::open().await?;
    let client = &connection.client;

    // `method` is required and may be empty; the currency defaults to SEK.
    let creatable = AccountCreatable::new(Vec::new())
        .with_number("customer-42".to_owned())
        .with_limit(Decimal::from_str_exact("500.00")?)
        .with_schedule(Schedule::Frequency(Frequency::Monthly));
    let account = client.accounts().create(&creatable).await?;
    println!(
        "created {} ({:?}), limit {:?}",
        account.id, account.status, account.limit
    );

    let fetched = client.accounts().get(&account.id).await?;
    println!(
        "fetched {} in {:?}, total {:?}",
        fetched.id, fetched.currency, fetched.total
    );

    for listed in client.accounts().list().await? {
        println!("listed {} {:?}", listed.id, listed.number);
    }

    // Settle on the last day of each quarter; the currency may change while the total is 0.
    let last_day_of_quarter =
        ScheduleRule::new(Frequency::Quarterly).with_offset(ScheduleNumber::Pair(vec![
            Decimal::from(2),
            Decimal::from(-1),
        ]));
    let update = AccountUpdate::new()
        .with_limit(Decimal::from_str_exact("1500.00")?)
        .with_schedule(Schedule::Rule(last_day_of_quarter))
        .with_currency(Currency::Eur);
    let updated = client.accounts().update(&account.id, &update).await?;
    println!(
        "updated: limit {:?}, {:?}, {:?}",
        updated.limit, updated.schedule, updated.currency
    );

    let customer = Customer::new()
        .with_type(CustomerType::Person)
        .with_name("Max Exampleperson".to_owned())
        .with_email(Email::One("max@example.com".to_owned()));
    let stored = client
        .accounts()
        .replace_customer(&account.id, &customer)
        .await?;
    println!("customer: {:?} <{:?}>", stored.name, stored.email);

    connection.close().await
}
