//! Every endpoint through the real transport against a scripted PayFunc on 127.0.0.1: the
//! method, path, key and body sent, and the answer decoded.

#![allow(clippy::unwrap_used)]

mod common;

use common::{ACCOUNT_ID, ORDER_ID, Reply, Server, account_json};
use http::Method;
use p4p_client::models::*;
use p4p_client::{AccountRef, SecretString, SettleTarget};
use secrecy::ExposeSecret;

fn account_id() -> AccountId {
    AccountId::new(ACCOUNT_ID).unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[tokio::test]
async fn create_account_sends_the_creatable_with_an_empty_method_list() {
    let server = Server::start().await;
    server.reply(Reply::json(201, account_json(ACCOUNT_ID)));
    let creatable = AccountCreatable::new(Vec::new())
        .with_number("n-1".to_owned())
        .with_limit(dec("2000.00"))
        .with_schedule(Schedule::Frequency(Frequency::Monthly));
    let account = server.client().accounts().create(&creatable).await.unwrap();
    assert_eq!(account.id, account_id());
    assert_eq!(account.limit, Some(dec("2000.00")));
    assert_eq!(account.limit.unwrap().to_string(), "2000.00");
    let request = server.only_request();
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, "/account");
    assert_eq!(request.authorization.as_deref(), Some("Bearer test-key"));
    assert_eq!(request.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        request.user_agent.as_deref(),
        Some(concat!("mypages-p4p/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(
        request.body,
        r#"{"number":"n-1","method":[],"schedule":"monthly","limit":2000.00}"#
    );
}

#[tokio::test]
async fn get_account_by_id_and_by_me() {
    let server = Server::start().await;
    server.reply(Reply::json(200, account_json(ACCOUNT_ID)));
    server.reply(Reply::json(200, account_json(ACCOUNT_ID)));
    let client = server.client();
    let account = client.accounts().get(&account_id()).await.unwrap();
    assert_eq!(account.status, Some(AccountStatus::Created));
    client.accounts().get(AccountRef::Me).await.unwrap();
    let paths: Vec<_> = server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            (Method::GET, format!("/account/{ACCOUNT_ID}")),
            (Method::GET, "/account/me".to_owned())
        ]
    );
}

#[tokio::test]
async fn list_accounts_returns_every_account() {
    let server = Server::start().await;
    server.reply(Reply::json(
        200,
        format!(
            "[{},{}]",
            account_json(ACCOUNT_ID),
            account_json("abcdef1234567890")
        ),
    ));
    let accounts = server.client().accounts().list().await.unwrap();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[1].id.as_str(), "abcdef1234567890");
    let request = server.only_request();
    assert_eq!(
        (request.method, request.path.as_str()),
        (Method::GET, "/account")
    );
}

#[tokio::test]
async fn update_account_patches_limit_schedule_and_currency() {
    let server = Server::start().await;
    server.reply(Reply::json(200, account_json(ACCOUNT_ID)));
    let mut update = AccountUpdate::new()
        .with_limit(dec("150.50"))
        .with_currency(Currency::Eur);
    update.schedule = Some(Schedule::Rule(
        ScheduleRule::new(Frequency::Quarterly).with_offset(ScheduleNumber::Pair(vec![
            Decimal::from(2),
            Decimal::from(-1),
        ])),
    ));
    server
        .client()
        .accounts()
        .update(&account_id(), &update)
        .await
        .unwrap();
    let request = server.only_request();
    assert_eq!(request.method, Method::PATCH);
    assert_eq!(request.path, format!("/account/{ACCOUNT_ID}"));
    assert_eq!(
        request.body,
        r#"{"limit":150.50,"schedule":{"frequency":"quarterly","offset":[2,-1]},"currency":"EUR"}"#
    );
}

#[tokio::test]
async fn replace_customer_puts_the_customer() {
    let server = Server::start().await;
    let answer = r#"{"type":"organization","name":"Bolaget AB","email":{"primary":"a@b.se","billing":"c@b.se"}}"#;
    server.reply(Reply::json(200, answer));
    let customer = Customer::new()
        .with_type(CustomerType::Organisation)
        .with_name("Bolaget AB".to_owned())
        .with_identity_number(Sensitive::new("5566778899".to_owned()))
        .with_email(Email::One("a@b.se".to_owned()));
    let stored = server
        .client()
        .accounts()
        .replace_customer(AccountRef::Me, &customer)
        .await
        .unwrap();
    assert_eq!(stored.r#type, Some(CustomerType::Organisation));
    assert!(matches!(stored.email, Some(Email::Addresses(_))));
    let request = server.only_request();
    assert_eq!(request.method, Method::PUT);
    assert_eq!(request.path, "/account/me/customer");
    assert_eq!(
        request.body,
        r#"{"type":"organisation","identityNumber":"5566778899","name":"Bolaget AB","email":"a@b.se"}"#
    );
}

#[tokio::test]
async fn balance_add_sends_each_items_shape() {
    let server = Server::start().await;
    for _ in 0..3 {
        server.reply(Reply::json(200, account_json(ACCOUNT_ID)));
    }
    let client = server.client();
    let item = Item::new()
        .with_name("coffee".to_owned())
        .with_price(dec("25.00"))
        .with_vat(dec("6.25"));
    client
        .balance()
        .add(&account_id(), &Items::Amount(dec("12.50")))
        .await
        .unwrap();
    client
        .balance()
        .add(AccountRef::Me, &Items::Item(item.clone()))
        .await
        .unwrap();
    client
        .balance()
        .add(
            &account_id(),
            &Items::List(vec![item.clone(), item.with_quantity(dec("2"))]),
        )
        .await
        .unwrap();
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.method == Method::POST));
    assert_eq!(requests[0].path, format!("/account/{ACCOUNT_ID}/balance"));
    assert_eq!(requests[0].body, "12.50");
    assert_eq!(requests[1].path, "/account/me/balance");
    assert_eq!(
        requests[1].body,
        r#"{"name":"coffee","price":25.00,"vat":6.25}"#
    );
    assert_eq!(
        requests[2].body,
        r#"[{"name":"coffee","price":25.00,"vat":6.25},{"name":"coffee","price":25.00,"quantity":2,"vat":6.25}]"#
    );
}

#[tokio::test]
async fn settle_names_an_account_me_or_all() {
    let server = Server::start().await;
    for _ in 0..3 {
        server.reply(Reply::json(200, r#"{"updated":1,"errors":0}"#));
    }
    let client = server.client();
    let result = client.balance().settle(&account_id()).await.unwrap();
    assert_eq!(
        (result.updated, result.errors),
        (Some(serde_json::json!(1)), Some(serde_json::json!(0)))
    );
    client.balance().settle(SettleTarget::Me).await.unwrap();
    client.balance().settle(SettleTarget::All).await.unwrap();
    let paths: Vec<_> = server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            (Method::DELETE, format!("/account/{ACCOUNT_ID}/balance")),
            (Method::DELETE, "/account/me/balance".to_owned()),
            (Method::DELETE, "/account/all/balance".to_owned()),
        ]
    );
}

#[tokio::test]
async fn create_key_reads_a_json_string_or_a_bare_token_and_keeps_it_secret() {
    let server = Server::start().await;
    server.reply(Reply::json(200, r#""eyJhbGciOi.account.key""#));
    server.reply(Reply::text(200, "text/plain", "eyJhbGciOi.bare.key\n"));
    server.reply(Reply::json(200, r#""""#));
    server.reply(Reply::json(200, "null"));
    server.reply(Reply::json(200, r#"{"key":"k"}"#));
    let client = server.client();
    let key = client.accounts().create_key(&account_id()).await.unwrap();
    assert_eq!(key.expose_secret(), "eyJhbGciOi.account.key");
    assert!(!format!("{key:?}").contains("eyJhbGciOi"));
    let key = client.accounts().create_key(&account_id()).await.unwrap();
    assert_eq!(key.expose_secret(), "eyJhbGciOi.bare.key");
    for _ in 0..3 {
        // An empty string, `null` and an object are no key.
        let error = client
            .accounts()
            .create_key(&account_id())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), p4p_client::ErrorKind::Decode);
    }
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::POST, "/account/1234567890abcdef")
    );
    assert_eq!(request.body, "");
}

#[tokio::test]
async fn a_client_built_with_an_account_key_uses_me() {
    let server = Server::start().await;
    server.reply(Reply::json(200, account_json(ACCOUNT_ID)));
    let client = p4p_client::P4pClient::builder()
        .key(SecretString::from("account.key.value"))
        .base_url(&server.url)
        .build()
        .unwrap();
    client.accounts().get(AccountRef::Me).await.unwrap();
    let request = server.only_request();
    assert_eq!(
        request.authorization.as_deref(),
        Some("Bearer account.key.value")
    );
    assert_eq!(request.path, "/account/me");
}

#[tokio::test]
async fn login_link_is_returned_or_absent() {
    let server = Server::start().await;
    server.reply(Reply::json(
        201,
        r#"{"url":"http://localhost:7071/account/1234567890abcdef/link/0987654321098765","id":"0987654321098765","created":"2020-12-08T09:19:42.835Z","expires":"2020-12-11T09:19:42.835Z","key":"abc.def.ghi","used":false}"#,
    ));
    server.reply(Reply::empty(204));
    let client = server.client();
    let link = client
        .accounts()
        .create_login_link(&account_id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(link.used, Some(false));
    assert!(!format!("{link:?}").contains("abc.def.ghi"));
    assert_eq!(
        client
            .accounts()
            .create_login_link(AccountRef::Me)
            .await
            .unwrap(),
        None
    );
    let requests = server.requests();
    assert_eq!(requests[0].path, format!("/account/{ACCOUNT_ID}/link"));
    assert_eq!(requests[1].path, "/account/me/link");
    assert!(requests.iter().all(|r| r.method == Method::POST));
}

/// The documents show no answer for adding a method: an empty answer is `None`, a 204 too.
#[tokio::test]
async fn add_card_without_an_answer_body_is_none() {
    for reply in [Reply::empty(201), Reply::empty(204)] {
        let server = Server::start().await;
        server.reply(reply);
        let card = SecretString::from("card.token.value");
        let account = server
            .client()
            .accounts()
            .add_card(&account_id(), &card)
            .await
            .unwrap();
        assert_eq!(account, None);
        assert_eq!(server.only_request().method, Method::POST);
    }
}

#[tokio::test]
async fn add_card_posts_a_token_method() {
    let server = Server::start().await;
    server.reply(Reply::json(
        201,
        r#"{"id":"1234567890abcdef","method":[{"type":"card","token":"tok.en","scheme":"visa","iin":"411111","last4":"1111","expires":[2,22]}]}"#,
    ));
    let card = SecretString::from("card.token.value");
    let account = server
        .client()
        .accounts()
        .add_card(&account_id(), &card)
        .await
        .unwrap()
        .expect("the answer's account");
    let method = &account.method.unwrap()[0];
    assert_eq!(method.expires.unwrap().month(), 2);
    let request = server.only_request();
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, format!("/account/{ACCOUNT_ID}/method"));
    assert_eq!(
        request.body,
        r#"{"type":"token","card":"card.token.value"}"#
    );
}

const SUBSCRIPTIONS: &str = r#"[{"id":"test","number":"aaa-001","items":[{"name":"Basic","price":42.00}],"currency":"SEK","schedule":{"frequency":"quarterly","offset":[2,-1]},"start":"2021-07-03","due":"2021-09-30"}]"#;

#[tokio::test]
async fn subscriptions_create_replace_update_end() {
    let server = Server::start().await;
    for _ in 0..4 {
        server.reply(Reply::json(200, SUBSCRIPTIONS));
    }
    let client = server.client();
    let id = SubscriptionId::new("test").unwrap();
    let creatable =
        SubscriptionCreatable::new(
            Items::List(vec![
                Item::new()
                    .with_name("Basic".to_owned())
                    .with_price(dec("42.00")),
            ]),
            Currency::Sek,
            Schedule::Rule(ScheduleRule::new(Frequency::Quarterly).with_offset(
                ScheduleNumber::Pair(vec![Decimal::from(2), Decimal::from(-1)]),
            )),
        )
        .with_number("aaa-001".to_owned())
        .with_start(time::macros::date!(2021 - 07 - 03));
    let created = client
        .subscriptions()
        .create(&account_id(), &creatable)
        .await
        .unwrap();
    assert_eq!(created[0].id, id);
    assert_eq!(created[0].due, Some(time::macros::date!(2021 - 09 - 30)));
    client
        .subscriptions()
        .replace(&account_id(), &id, &creatable)
        .await
        .unwrap();
    let update = SubscriptionUpdate::new().with_end(time::macros::date!(2021 - 12 - 31));
    client
        .subscriptions()
        .update(&account_id(), &id, &update)
        .await
        .unwrap();
    client
        .subscriptions()
        .end(AccountRef::Me, &id)
        .await
        .unwrap();

    let requests = server.requests();
    let calls: Vec<_> = requests
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let sub = format!("/account/{ACCOUNT_ID}/subscription");
    assert_eq!(
        calls,
        [
            (Method::POST, sub.clone()),
            (Method::PUT, format!("{sub}/test")),
            (Method::PATCH, format!("{sub}/test")),
            (Method::DELETE, "/account/me/subscription/test".to_owned()),
        ]
    );
    assert_eq!(
        requests[0].body,
        r#"{"number":"aaa-001","items":[{"name":"Basic","price":42.00}],"currency":"SEK","schedule":{"frequency":"quarterly","offset":[2,-1]},"start":"2021-07-03"}"#
    );
    assert_eq!(requests[2].body, r#"{"end":"2021-12-31"}"#);
    assert_eq!(requests[3].body, "");
}

const ORDER: &str = r#"{"id":"BlTmF3S382kFbn5U","number":"o-1","items":1337.42,"currency":"EUR","created":"2019-01-01T13:37Z","payment":{"type":"card","account":"1234567890abcdef","amount":1337.42,"currency":"EUR"},"event":[{"type":"created","date":"2019-01-01T13:37Z"}]}"#;

#[tokio::test]
async fn orders_create_and_every_event() {
    let server = Server::start().await;
    server.reply(Reply::json(201, ORDER));
    for _ in 0..4 {
        server.reply(Reply::json(200, format!("[{ORDER}]")));
    }
    let client = server.client();
    let order = OrderCreatable::new(
        Items::Amount(dec("1337.42")),
        Currency::Eur,
        Payment::new()
            .with_type(PaymentType::Card)
            .with_account(account_id()),
    )
    .with_number("o-1".to_owned());
    let created = client.orders().create(&order).await.unwrap();
    assert_eq!(created.id.as_str(), ORDER_ID);
    assert_eq!(created.items, Some(Items::Amount(dec("1337.42"))));
    let id = created.id;
    client.orders().charge(&id, None).await.unwrap();
    client.orders().cancel(&id).await.unwrap();
    let refunded = client
        .orders()
        .refund(&id, Some(dec("100.00")))
        .await
        .unwrap();
    assert_eq!(refunded[0].id, id);
    let other = OrderId::new("BlTmF3S382kFbn5V").unwrap();
    client
        .orders()
        .events(&[
            OrderEvents::new(id.clone(), vec![EventCreatable::new(EventType::Charge)]),
            OrderEvents::new(other, vec![EventCreatable::new(EventType::Cancel)]),
        ])
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(
        (requests[0].method.clone(), requests[0].path.as_str()),
        (Method::POST, "/order")
    );
    assert_eq!(
        requests[0].body,
        r#"{"number":"o-1","items":1337.42,"currency":"EUR","payment":{"type":"card","account":"1234567890abcdef"}}"#
    );
    for request in &requests[1..] {
        assert_eq!(
            (request.method.clone(), request.path.as_str()),
            (Method::PATCH, "/order/")
        );
    }
    assert_eq!(
        requests[1].body,
        r#"[{"id":"BlTmF3S382kFbn5U","event":[{"type":"charge"}]}]"#
    );
    assert_eq!(
        requests[2].body,
        r#"[{"id":"BlTmF3S382kFbn5U","event":[{"type":"cancel"}]}]"#
    );
    assert_eq!(
        requests[3].body,
        r#"[{"id":"BlTmF3S382kFbn5U","event":[{"type":"refund","amount":100.00}]}]"#
    );
    assert_eq!(
        requests[4].body,
        r#"[{"id":"BlTmF3S382kFbn5U","event":[{"type":"charge"}]},{"id":"BlTmF3S382kFbn5V","event":[{"type":"cancel"}]}]"#
    );
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_keeps_it() {
    let server = Server::start().await;
    server.reply(Reply::json(200, "[]"));
    let client = p4p_client::P4pClient::builder()
        .key("test-key")
        .base_url(format!("{}/p4p", server.url))
        .build()
        .unwrap();
    assert!(client.accounts().list().await.unwrap().is_empty());
    assert_eq!(server.only_request().path, "/p4p/account");
}
