//! Create orders (on an account's card, or topping up its balance), then charge, cancel or
//! refund them, one at a time or in one batch.
//!
//! `cargo run -p p4p-client --example orders`

#[path = "common/mod.rs"]
mod common;

use p4p_client::models::{
    Currency, Decimal, EventCreatable, EventType, Item, Items, OrderCreatable, OrderEvents,
    Payment, PaymentCharge, PaymentType,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connection = common::Connection::open().await?;
    let client = &connection.client;
    let account = common::demo_account()?;

    // Charge the account's card at once.
    let on_card = OrderCreatable::new(
        Items::Amount(Decimal::from_str_exact("1337.42")?),
        Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(account.clone()),
    )
    .with_number("order-1001".to_owned());
    let order = client.orders().create(&on_card).await?;
    println!(
        "order {} created with {} event(s)",
        order.id,
        order.event.map_or(0, |e| e.len())
    );

    // Top up the account's balance instead.
    let top_up = OrderCreatable::new(
        Items::Amount(Decimal::from_str_exact("500")?),
        Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Account)
            .with_account(account)
            .with_charge(PaymentCharge::Balance),
    )
    .with_number("top-up-1002".to_owned());
    println!("top-up {}", client.orders().create(&top_up).await?.id);

    // A card order is charged (or cancelled) later, and a charged one can be refunded.
    let shirts = Item::new()
        .with_name("t-shirt".to_owned())
        .with_price(Decimal::from_str_exact("42.00")?)
        .with_quantity(Decimal::from_str_exact("2")?);
    let card_order = OrderCreatable::new(
        Items::Item(shirts),
        Currency::Sek,
        Payment::new().with_type(PaymentType::Card),
    );
    let first = client.orders().create(&card_order).await?;
    client.orders().charge(&first.id, None).await?;
    client
        .orders()
        .refund(&first.id, Some(Decimal::from_str_exact("42.00")?))
        .await?;
    println!("order {} charged, then refunded 42.00", first.id);

    // Several orders in one call.
    let second = client.orders().create(&card_order).await?;
    let third = client.orders().create(&card_order).await?;
    let changed = client
        .orders()
        .events(&[
            OrderEvents::new(second.id, vec![EventCreatable::new(EventType::Cancel)]),
            OrderEvents::new(third.id, vec![EventCreatable::new(EventType::Charge)]),
        ])
        .await?;
    println!("{} orders changed in one batch", changed.len());

    connection.close().await
}
