//! Add, replace, change and end an account's subscription.
//!
//! `cargo run -p p4p-client --example subscriptions`

#[path = "common/mod.rs"]
mod common;

use p4p_client::models::{
    Currency, Decimal, Frequency, Item, Items, Schedule, ScheduleNumber, ScheduleRule,
    SubscriptionCreatable, SubscriptionUpdate,
};
use time::macros::date;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::Connection::open().await?;
    let client = &connection.client;
    let account = common::demo_account()?;

    let premium = Item::new()
        .with_name("Premium Access".to_owned())
        .with_price(Decimal::from_str_exact("100.00")?);
    let quarterly = Schedule::Rule(ScheduleRule::new(Frequency::Quarterly).with_offset(
        ScheduleNumber::Pair(vec![Decimal::from(2), Decimal::from(-1)]),
    ));
    let creatable =
        SubscriptionCreatable::new(Items::List(vec![premium]), Currency::Sek, quarterly)
            .with_number("premium-42".to_owned());
    // Each call answers every subscription of the account.
    let all = client.subscriptions().create(&account, &creatable).await?;
    let Some(added) = all
        .iter()
        .find(|s| s.number.as_deref() == Some("premium-42"))
    else {
        return Err("the new subscription is missing from the answer".into());
    };
    let id = added.id.clone();
    println!("subscription {id} next due {:?}", added.due);

    // Replace it whole (same id), then change one field.
    let mut monthly = creatable.clone();
    monthly.schedule = Schedule::Frequency(Frequency::Monthly);
    client
        .subscriptions()
        .replace(&account, &id, &monthly)
        .await?;
    let ends_at_new_year = SubscriptionUpdate::new().with_end(date!(2030 - 12 - 31));
    client
        .subscriptions()
        .update(&account, &id, &ends_at_new_year)
        .await?;

    // End it today: the due date goes, `end` becomes today.
    let all = client.subscriptions().end(&account, &id).await?;
    for subscription in all.iter().filter(|s| s.id == id) {
        println!(
            "ended {}: end {:?}, due {:?}",
            subscription.id, subscription.end, subscription.due
        );
    }

    connection.close().await
}
