//! Bad input is refused before anything is sent, with an error naming the argument; the
//! builder says what is missing.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ACCOUNT_ID, ORDER_ID, Server};
use p4p_client::models::*;
use p4p_client::{AccountRef, ErrorKind, P4pClient, SettleTarget};

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn account_id() -> AccountId {
    AccountId::new(ACCOUNT_ID).unwrap()
}

/// Asserts a refusal before sending that names `argument`.
#[track_caller]
fn refused<T: std::fmt::Debug>(
    result: Result<T, p4p_client::Error>,
    argument: &str,
) -> p4p_client::Error {
    let error = result.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{error}");
    assert_eq!(error.argument(), Some(argument), "{error}");
    assert!(error.to_string().contains(argument), "{error}");
    assert!(!error.may_have_reached_server());
    error
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let server = Server::start().await;
    let client = server.client();
    let accounts = client.accounts();

    let negative = AccountCreatable::new(Vec::new()).with_limit(dec("-1"));
    refused(accounts.create(&negative).await, "account.limit");
    let currency = AccountCreatable::new(Vec::new()).with_currency(Currency::from("SE"));
    refused(accounts.create(&currency).await, "account.currency");
    let blank_card = AccountCreatable::new(vec![MethodCreatable::new(
        MethodCreatableType::Token,
        Sensitive::new(" ".to_owned()),
    )]);
    refused(accounts.create(&blank_card).await, "account.method[0].card");
    let weekly = AccountCreatable::new(Vec::new()).with_schedule(Schedule::Rule(
        ScheduleRule::new(Frequency::Weekly).with_offset(ScheduleNumber::Single(Decimal::from(7))),
    ));
    refused(accounts.create(&weekly).await, "account.schedule.offset");
    let triple = AccountUpdate::new().with_schedule(Schedule::Rule(
        ScheduleRule::new(Frequency::Monthly).with_divisor(ScheduleNumber::Pair(vec![
            Decimal::from(1),
            Decimal::from(2),
            Decimal::from(3),
        ])),
    ));
    refused(
        accounts.update(&account_id(), &triple).await,
        "schedule.divisor",
    );

    let person = Customer::new().with_identity_number(Sensitive::new("19121212-1".to_owned()));
    let error = refused(
        accounts.replace_customer(AccountRef::Me, &person).await,
        "customer.identityNumber",
    );
    assert!(
        !error.to_string().contains("19121212"),
        "the identity number stays out: {error}"
    );

    let balance = client.balance();
    refused(
        balance
            .add(&account_id(), &Items::Amount(Decimal::ZERO))
            .await,
        "items",
    );
    refused(
        balance.add(&account_id(), &Items::Amount(dec("-5"))).await,
        "items",
    );
    refused(
        balance.add(&account_id(), &Items::List(Vec::new())).await,
        "items",
    );
    let vat_only = Item::new().with_vat(dec("6.25"));
    refused(
        balance
            .add(&account_id(), &Items::List(vec![vat_only]))
            .await,
        "items[0]",
    );
    let none = Item::new()
        .with_price(dec("1"))
        .with_quantity(Decimal::ZERO);
    refused(
        balance.add(&account_id(), &Items::Item(none)).await,
        "items.quantity",
    );

    let subscription = SubscriptionCreatable::new(
        Items::Amount(dec("10")),
        Currency::Sek,
        Schedule::Frequency(Frequency::Monthly),
    )
    .with_start(time::macros::date!(2026 - 02 - 01))
    .with_end(time::macros::date!(2026 - 01 - 01));
    refused(
        client
            .subscriptions()
            .create(&account_id(), &subscription)
            .await,
        "subscription",
    );

    let order = OrderCreatable::new(Items::Amount(dec("-1")), Currency::Sek, Payment::new());
    refused(client.orders().create(&order).await, "order.items");
    let id = OrderId::new(ORDER_ID).unwrap();
    refused(
        client.orders().refund(&id, Some(Decimal::ZERO)).await,
        "orders[0].event[0].amount",
    );
    refused(
        client.orders().event(&id, EventType::Created, None).await,
        "orders[0].event[0].type",
    );
    refused(client.orders().events(&[]).await, "orders");
    refused(
        client
            .orders()
            .events(&[OrderEvents::new(id, Vec::new())])
            .await,
        "orders[0].event",
    );

    assert!(
        server.requests().is_empty(),
        "nothing was sent: {:#?}",
        server.requests()
    );
}

#[test]
fn ids_and_targets_parse_with_clear_errors() {
    assert_eq!("me".parse::<AccountRef>().unwrap(), AccountRef::Me);
    assert_eq!("ALL".parse::<SettleTarget>().unwrap(), SettleTarget::All);
    assert_eq!(
        ACCOUNT_ID.parse::<SettleTarget>().unwrap(),
        SettleTarget::Id(AccountId::new(ACCOUNT_ID).unwrap())
    );
    let error = "../order".parse::<AccountRef>().unwrap_err();
    assert!(error.to_string().contains("account id"), "{error}");
    assert!(
        "all".parse::<AccountRef>().is_err(),
        "`all` is only for settling"
    );
}

#[test]
fn the_builder_says_what_is_missing() {
    let error = P4pClient::builder().build().unwrap_err();
    assert_eq!(error.argument(), Some("key"));
    assert!(
        error.to_string().contains("P4pClientBuilder::key"),
        "{error}"
    );
    let error = P4pClient::builder().key("").build().unwrap_err();
    assert_eq!(error.argument(), Some("key"));
    let error = P4pClient::builder()
        .key("secret key\n")
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("key"));
    assert!(!error.to_string().contains("secret"), "{error}");
    let error = P4pClient::builder()
        .key("k")
        .base_url("http://example.com/")
        .build()
        .unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::InvalidArgument,
        "plain http only for loopback: {error}"
    );
    let error = P4pClient::builder()
        .key("k")
        .environment(p4p_client::Environment::Production)
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("base_url"));
    assert!(
        error.to_string().contains("environment"),
        "both are named: {error}"
    );
    let client = P4pClient::builder().key("k").build().unwrap();
    let root = client.transport().base_url().to_string();
    assert_eq!(root.trim_end_matches('/'), "https://api.payfunc.com");
    assert!(!format!("{client:?}").contains("\"k\""));
}
