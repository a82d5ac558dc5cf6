//! PayFunc journeys: an account collects balance items in each of the three shapes the API
//! takes (a number, one Item, a list of Items) and settles them into a charged order; a
//! subscription is created and ended.

use mypages_models::{Currency, Sensitive};
use p4p_client::models::{
    AccountCreatable, AccountStatus, Frequency, Item, Items, MethodCreatable, MethodCreatableType,
    Schedule, SubscriptionCreatable,
};
use p4p_client::{ErrorKind, SettleTarget};

use crate::support::{self, TODAY, dec};

#[tokio::test]
async fn balance_items_of_every_shape_settle_into_a_charged_order() {
    let sandbox = support::sandbox().await;
    let p4p = support::p4p(&sandbox);

    let card = MethodCreatable::new(
        MethodCreatableType::Token,
        Sensitive::from("e2e.card.token.4111".to_owned()),
    );
    let account = p4p
        .accounts()
        .create(
            &AccountCreatable::new(vec![card])
                .with_number("e2e-customer-1".to_owned())
                .with_limit(dec("1000.00")),
        )
        .await
        .unwrap();
    assert_eq!(account.total.unwrap().to_string(), "0.00");
    let id = account.id;

    // A bare amount.
    let after = p4p
        .balance()
        .add(&id, &Items::Amount(dec("12.50")))
        .await
        .unwrap();
    assert_eq!(after.total.unwrap().to_string(), "12.50");

    // One Item: (price + vat - rebate) * quantity = (20.00 + 5.00) * 2.
    let one = Item::new()
        .with_name("coffee".to_owned())
        .with_price(dec("20.00"))
        .with_vat(dec("5.00"))
        .with_quantity(dec("2"));
    let after = p4p.balance().add(&id, &Items::Item(one)).await.unwrap();
    assert_eq!(after.total.unwrap().to_string(), "62.50");

    // A list of Items: (100.00 - 10.00) * 1 + 0.99 * 3.
    let list = vec![
        Item::new()
            .with_name("hosting".to_owned())
            .with_price(dec("100.00"))
            .with_rebate(dec("10.00")),
        Item::new()
            .with_name("sms".to_owned())
            .with_price(dec("0.99"))
            .with_quantity(dec("3")),
    ];
    let after = p4p.balance().add(&id, &Items::List(list)).await.unwrap();
    assert_eq!(after.total, Some(dec("155.47")));
    assert_eq!(after.total.unwrap().to_string(), "155.47");
    let balance = after.balance.as_deref().unwrap();
    assert_eq!(balance.len(), 4, "each item is kept: {balance:?}");
    assert_eq!(balance[0].price.unwrap().to_string(), "12.50");
    let json = serde_json::to_string(&after).unwrap();
    assert!(json.contains(r#""total":155.47"#), "{json}");
    assert!(json.contains(r#""price":12.50"#), "{json}");
    assert!(json.contains(r#""price":0.99"#), "{json}");

    // Past the limit is refused and changes nothing.
    let error = p4p
        .balance()
        .add(&id, &Items::Amount(dec("844.54")))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    let read = p4p.accounts().get(&id).await.unwrap();
    assert_eq!(read.total.unwrap().to_string(), "155.47");

    // Settling charges the card: the balance becomes an order, the account is active.
    let settled = p4p.balance().settle(&id).await.unwrap();
    assert_eq!(
        (settled.updated, settled.errors),
        (Some(serde_json::json!(1)), Some(serde_json::json!(0)))
    );
    let read = p4p.accounts().get(&id).await.unwrap();
    assert_eq!(read.total.unwrap().to_string(), "0.00");
    assert_eq!(read.balance.as_deref().map(<[Item]>::len), Some(0));
    assert_eq!(read.status, Some(AccountStatus::Active));

    // Nothing is left to settle.
    let again = p4p.balance().settle(SettleTarget::from(&id)).await.unwrap();
    assert_eq!(
        (again.updated, again.errors),
        (Some(serde_json::json!(0)), Some(serde_json::json!(0)))
    );
}

#[tokio::test]
async fn an_account_without_a_card_settles_with_an_error_and_stays_pending() {
    let sandbox = support::sandbox().await;
    let p4p = support::p4p(&sandbox);
    let account = p4p
        .accounts()
        .create(&AccountCreatable::new(Vec::new()))
        .await
        .unwrap();
    p4p.balance()
        .add(&account.id, &Items::Amount(dec("49.90")))
        .await
        .unwrap();
    let settled = p4p.balance().settle(&account.id).await.unwrap();
    assert_eq!(
        (settled.updated, settled.errors),
        (Some(serde_json::json!(1)), Some(serde_json::json!(1)))
    );
    let read = p4p.accounts().get(&account.id).await.unwrap();
    assert_eq!(read.status, Some(AccountStatus::Pending));
}

#[tokio::test]
async fn a_subscription_is_created_and_ended() {
    let sandbox = support::sandbox().await;
    let p4p = support::p4p(&sandbox);
    let account = p4p
        .accounts()
        .create(&AccountCreatable::new(Vec::new()).with_number("e2e-subscriber".to_owned()))
        .await
        .unwrap();
    let id = account.id;

    let creatable = SubscriptionCreatable::new(
        Items::Amount(dec("199.00")),
        Currency::Sek,
        Schedule::Frequency(Frequency::Monthly),
    )
    .with_number("e2e-monthly".to_owned())
    .with_start(TODAY);
    let all = p4p.subscriptions().create(&id, &creatable).await.unwrap();
    assert_eq!(all.len(), 1);
    let subscription = &all[0];
    assert_eq!(subscription.number.as_deref(), Some("e2e-monthly"));
    assert_eq!(subscription.items, Some(Items::Amount(dec("199.00"))));
    let due = subscription.due.expect("a running subscription is due");
    assert!(due >= TODAY, "{due}");
    let json = serde_json::to_string(subscription).unwrap();
    assert!(json.contains(r#""items":199.00"#), "{json}");

    let account = p4p.accounts().get(&id).await.unwrap();
    assert_eq!(account.due, Some(due), "the account is due with it");
    assert_eq!(account.subscription.as_deref().map(<[_]>::len), Some(1));

    let ended = p4p
        .subscriptions()
        .end(&id, &subscription.id)
        .await
        .unwrap();
    let ended = ended.iter().find(|s| s.id == subscription.id).unwrap();
    assert_eq!(ended.end, Some(TODAY));
    assert_eq!(ended.due, None);
    let account = p4p.accounts().get(&id).await.unwrap();
    assert_eq!(account.due, None, "nothing is due any more");

    // Ending a subscription that does not exist is PayFunc's not found.
    let missing = p4p_client::models::SubscriptionId::new("none").unwrap();
    let error = p4p.subscriptions().end(&id, &missing).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), p4p_client::Category::NotFound);
}
