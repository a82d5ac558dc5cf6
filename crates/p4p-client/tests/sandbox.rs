//! The client against the sandbox's PayFunc on 127.0.0.1, through the real transport: a
//! merchant's whole day (accounts, keys, balance, links, cards, subscriptions, orders),
//! PayFunc's errors, and which calls are retried (never the ones that create things or move money).

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use http::{Method, StatusCode};
use mypages_sandbox::{FaultKind, FaultRule, Provider, RunningSandbox, Sandbox, credentials};
use p4p_client::models::*;
use p4p_client::{
    AccountRef, Category, ErrorKind, P4pClient, RetryPolicy, SecretString, SettleTarget,
};

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

async fn sandbox() -> RunningSandbox {
    Sandbox::builder().start().await.unwrap()
}

fn client(sandbox: &RunningSandbox, key: impl Into<SecretString>) -> P4pClient {
    P4pClient::builder()
        .key(key)
        .base_url(sandbox.p4p_url())
        .transport(|t| {
            t.retry(
                RetryPolicy::default()
                    .base_delay(Duration::from_millis(1))
                    .max_delay(Duration::from_millis(5)),
            )
        })
        .build()
        .unwrap()
}

fn demo() -> AccountId {
    AccountId::new(credentials::P4P_ACCOUNT_ID).unwrap()
}

#[tokio::test]
async fn accounts_keys_balance_and_links() {
    let sandbox = sandbox().await;
    let private = client(&sandbox, credentials::P4P_KEY);

    let listed = private.accounts().list().await.unwrap();
    assert!(
        listed.iter().any(|account| account.id == demo()),
        "the demo account is listed"
    );
    let demo_account = private.accounts().get(&demo()).await.unwrap();
    assert_eq!(demo_account.id, demo());

    let created = private
        .accounts()
        .create(&AccountCreatable::new(Vec::new()).with_number("guide-1".to_owned()))
        .await
        .unwrap();
    assert_eq!(created.number.as_deref(), Some("guide-1"));
    assert_eq!(
        created.currency,
        Some(Currency::Sek),
        "PayFunc defaults the currency to SEK"
    );
    assert_eq!(created.total, Some(Decimal::ZERO));
    let id = created.id.clone();

    let update = AccountUpdate::new()
        .with_limit(dec("1500.00"))
        .with_currency(Currency::Eur);
    let updated = private.accounts().update(&id, &update).await.unwrap();
    assert_eq!(updated.limit.unwrap().to_string(), "1500.00");
    assert_eq!(updated.currency, Some(Currency::Eur));

    let customer = Customer::new()
        .with_type(CustomerType::Person)
        .with_name("Max Exampleperson".to_owned())
        .with_email(Email::One("max@example.com".to_owned()));
    let stored = private
        .accounts()
        .replace_customer(&id, &customer)
        .await
        .unwrap();
    assert_eq!(stored.name.as_deref(), Some("Max Exampleperson"));

    let after = private
        .balance()
        .add(&id, &Items::Amount(dec("12.50")))
        .await
        .unwrap();
    assert_eq!(after.balance.as_ref().map(Vec::len), Some(1));
    let item = Item::new()
        .with_name("coffee".to_owned())
        .with_price(dec("20.00"))
        .with_vat(dec("5.00"));
    let after = private
        .balance()
        .add(&id, &Items::List(vec![item.clone(), item]))
        .await
        .unwrap();
    assert_eq!(after.balance.as_ref().map(Vec::len), Some(3));

    let key = private.accounts().create_key(&id).await.unwrap();
    let own = client(&sandbox, key);
    let me = own.accounts().get(AccountRef::Me).await.unwrap();
    assert_eq!(me.id, id);
    own.balance()
        .add(AccountRef::Me, &Items::Amount(dec("1.00")))
        .await
        .unwrap();
    assert_eq!(
        own.accounts()
            .create_login_link(AccountRef::Me)
            .await
            .unwrap(),
        None
    );
    let forbidden = own.accounts().list().await.unwrap_err();
    assert_eq!(forbidden.kind(), ErrorKind::Refused);
    assert_eq!(forbidden.category(), Category::Unauthorized);

    let link = private
        .accounts()
        .create_login_link(&id)
        .await
        .unwrap()
        .unwrap();
    assert!(link.url.expose().contains(id.as_str()));
    assert_eq!(link.used, Some(false));

    let settled = own.balance().settle(SettleTarget::Me).await.unwrap();
    assert_eq!(settled.updated, Some(serde_json::json!(1)));
    let emptied = private.accounts().get(&id).await.unwrap();
    assert_eq!(emptied.balance.as_ref().map(Vec::len), Some(0));
    let all = private.balance().settle(SettleTarget::All).await.unwrap();
    assert!(all.updated.unwrap().as_i64().unwrap() <= listed.len() as i64 + 1);

    let with_card = private
        .accounts()
        .add_card(&id, &SecretString::from("card.token.4111"))
        .await
        .unwrap()
        .expect("the sandbox answers the account");
    let methods = with_card.method.unwrap();
    assert_eq!(methods.len(), 1);
    assert!(!format!("{methods:?}").contains("card.token.4111"));
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn subscriptions_and_orders() {
    let sandbox = sandbox().await;
    let private = client(&sandbox, credentials::P4P_KEY);
    let id = demo();

    let creatable =
        SubscriptionCreatable::new(
            Items::List(vec![
                Item::new()
                    .with_name("Premium".to_owned())
                    .with_price(dec("100.00")),
            ]),
            Currency::Sek,
            Schedule::Rule(ScheduleRule::new(Frequency::Quarterly).with_offset(
                ScheduleNumber::Pair(vec![Decimal::from(2), Decimal::from(-1)]),
            )),
        )
        .with_number("sub-guide".to_owned());
    let all = private
        .subscriptions()
        .create(&id, &creatable)
        .await
        .unwrap();
    let added = all
        .iter()
        .find(|s| s.number.as_deref() == Some("sub-guide"))
        .unwrap();
    let sub = added.id.clone();
    assert!(added.due.is_some());

    let mut monthly = creatable.clone();
    monthly.schedule = Schedule::Frequency(Frequency::Monthly);
    let replaced = private
        .subscriptions()
        .replace(&id, &sub, &monthly)
        .await
        .unwrap();
    let replaced = replaced.iter().find(|s| s.id == sub).unwrap();
    assert_eq!(
        replaced.schedule,
        Some(Schedule::Frequency(Frequency::Monthly))
    );

    let updated = private
        .subscriptions()
        .update(
            &id,
            &sub,
            &SubscriptionUpdate::new().with_items(Items::Amount(dec("99.90"))),
        )
        .await
        .unwrap();
    let updated = updated.iter().find(|s| s.id == sub).unwrap();
    assert_eq!(updated.items, Some(Items::Amount(dec("99.90"))));

    let ended = private.subscriptions().end(&id, &sub).await.unwrap();
    let ended = ended.iter().find(|s| s.id == sub).unwrap();
    assert_eq!(ended.due, None);
    assert!(ended.end.is_some());

    // An order on the account's card is charged at once.
    let on_account = OrderCreatable::new(
        Items::Amount(dec("1337.42")),
        Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(id.clone()),
    )
    .with_number("order-guide".to_owned());
    let created = private.orders().create(&on_account).await.unwrap();
    assert_eq!(created.items, Some(Items::Amount(dec("1337.42"))));
    let has = |orders: &[Order], kind: EventType| {
        orders[0]
            .event
            .as_ref()
            .unwrap()
            .iter()
            .any(|event| event.r#type == kind)
    };
    assert!(has(std::slice::from_ref(&created), EventType::Charge));
    let refunded = private.orders().refund(&created.id, None).await.unwrap();
    assert!(has(&refunded, EventType::Refund));

    // A card order is charged or cancelled later.
    let card = OrderCreatable::new(
        Items::List(vec![
            Item::new()
                .with_name("t-shirt".to_owned())
                .with_price(dec("42.00"))
                .with_quantity(dec("2")),
        ]),
        Currency::Sek,
        Payment::new().with_type(PaymentType::Card),
    );
    let first = private.orders().create(&card).await.unwrap();
    assert!(!has(std::slice::from_ref(&first), EventType::Charge));
    let charged = private.orders().charge(&first.id, None).await.unwrap();
    assert!(has(&charged, EventType::Charge));
    let second = private.orders().create(&card).await.unwrap();
    let cancelled = private.orders().cancel(&second.id).await.unwrap();
    assert!(has(&cancelled, EventType::Cancel));

    // Charging a cancelled order is refused: 409 invalid event.
    let error = private.orders().charge(&second.id, None).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.status(), Some(StatusCode::CONFLICT));
    assert_eq!(error.category(), Category::Rejected);
    assert_eq!(
        error.problem().and_then(|p| p.r#type.as_deref()),
        Some("invalid event")
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn payfunc_errors_are_parsed_and_typed() {
    let sandbox = sandbox().await;
    let private = client(&sandbox, credentials::P4P_KEY);

    let missing = AccountId::new("nosuchaccount000").unwrap();
    let error = private.accounts().get(&missing).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::NotFound);
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(
        error.problem().and_then(|p| p.r#type.as_deref()),
        Some("not found")
    );
    let body = p4p_client::api_error(&error).unwrap();
    assert_eq!(body.status, Some(404));
    assert!(body.content.as_ref().unwrap().description.is_some());
    assert!(error.to_string().contains("not found"), "{error}");

    let wrong = client(&sandbox, "not-a-key");
    let error = wrong.accounts().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::Unauthorized);
    assert!(!error.to_string().contains("not-a-key"));
    assert!(!format!("{error:?}").contains("not-a-key"));

    // `me` needs an account key: the sandbox answers 400 invalid content.
    let error = private.accounts().get(AccountRef::Me).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::InvalidInput);
    assert_eq!(
        error.problem().and_then(|p| p.r#type.as_deref()),
        Some("invalid content")
    );

    // An account without a card cannot pay: the sandbox answers 422 card declined.
    let bare = private
        .accounts()
        .create(&AccountCreatable::new(Vec::new()))
        .await
        .unwrap();
    let order = OrderCreatable::new(
        Items::Amount(dec("10")),
        Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(bare.id),
    );
    let error = private.orders().create(&order).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::Rejected);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn creations_and_settling_are_never_retried_reads_are() {
    let sandbox = sandbox().await;
    let private = client(&sandbox, credentials::P4P_KEY);
    let once = |method: Method, path: &str| {
        FaultRule::new(FaultKind::Status(503))
            .provider(Provider::P4p)
            .method(method)
            .path(path)
            .next(1)
    };

    // One 503 on account creation: had the client retried, the second attempt would pass.
    sandbox.add_fault(once(Method::POST, "/account"));
    let error = private
        .accounts()
        .create(&AccountCreatable::new(Vec::new()))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert!(error.may_have_reached_server());

    sandbox.add_fault(once(Method::POST, "/order"));
    let order = OrderCreatable::new(
        Items::Amount(dec("10")),
        Currency::Sek,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(demo()),
    );
    let error = private.orders().create(&order).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));

    sandbox.add_fault(once(Method::POST, "/account/*/balance"));
    let error = private
        .balance()
        .add(&demo(), &Items::Amount(dec("1")))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));

    // A connection dropped mid-request: it may have reached PayFunc, so no second attempt.
    sandbox.add_fault(
        FaultRule::new(FaultKind::Drop)
            .provider(Provider::P4p)
            .method(Method::POST)
            .path("/account")
            .next(1),
    );
    let error = private
        .accounts()
        .create(&AccountCreatable::new(Vec::new()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient, "{error}");
    assert_eq!(
        error.status(),
        None,
        "a broken connection has no status: {error}"
    );
    assert!(error.may_have_reached_server());

    // A truncated answer is a decode error, not a success.
    sandbox.add_fault(
        FaultRule::new(FaultKind::Truncate)
            .provider(Provider::P4p)
            .method(Method::GET)
            .path("/account")
            .next(3),
    );
    let error = private.accounts().list().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    sandbox.clear_faults();

    // The same fault on reads is retried away.
    sandbox.add_fault(once(Method::GET, "/account/*"));
    private.accounts().get(&demo()).await.unwrap();
    sandbox.add_fault(once(Method::GET, "/account"));
    private.accounts().list().await.unwrap();

    // Settling charges the card (spec `x-retry: never`): one 503 is not retried away, and
    // the balance is still there to settle.
    private
        .balance()
        .add(&demo(), &Items::Amount(dec("1")))
        .await
        .unwrap();
    sandbox.add_fault(once(Method::DELETE, "/account/*/balance"));
    let error = private.balance().settle(&demo()).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert!(error.may_have_reached_server());
    let unsettled = private.accounts().get(&demo()).await.unwrap();
    assert!(
        unsettled
            .balance
            .as_ref()
            .is_some_and(|items| !items.is_empty()),
        "the 503 settled nothing: {unsettled:?}"
    );
    let settled = private.balance().settle(&demo()).await.unwrap();
    assert_eq!(settled.updated, Some(serde_json::json!(1)));
    sandbox.shutdown().await.unwrap();
}
