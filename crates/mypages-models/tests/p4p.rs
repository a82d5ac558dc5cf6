//! Every JSON example of the PayFunc (Payments for Programmers) documents (trailing commas
//! and missing commas fixed, the reference's bare `111 23` zip code quoted) decodes into the
//! p4p types and re-encodes: amounts digit for digit, unknown enum values kept, each union
//! shape both ways.

#![cfg(feature = "p4p")]

mod support;

use mypages_models::p4p::*;
use mypages_models::{Currency, Decimal};
use support::{Fixtures, dec};

const P4P: Fixtures = Fixtures("p4p");

#[test]
fn account_creatable_documented() {
    let (account, json): (AccountCreatable, _) = P4P.round_trip("account_creatable_documented");
    insta::assert_snapshot!("p4p_account_creatable_documented", json);
    assert_eq!(account.number.as_deref(), Some("example Account"));
    assert!(account.method.is_empty());
    assert!(
        json.contains("\"method\": []"),
        "an empty method list is sent: {json}"
    );
    assert_eq!(
        account.schedule,
        Some(Schedule::Frequency(Frequency::Quarterly))
    );
    assert_eq!(account.limit, Some(dec("100")));
    assert_eq!(account.currency, Some(Currency::Eur));
    let customer = account.customer.unwrap();
    assert_eq!(customer.r#type, Some(CustomerType::Person));
    assert_eq!(
        customer.email,
        Some(Email::One("[email protected]".to_owned()))
    );
}

#[test]
fn account_documented() {
    let (account, json): (Account, _) = P4P.round_trip("account_documented");
    insta::assert_snapshot!("p4p_account_documented", json);
    assert_eq!(account.id.as_str(), "1234567890abcdef");
    assert_eq!(account.status, Some(AccountStatus::Created));
    assert_eq!(account.total, Some(dec("0")));
    assert_eq!(account.balance, Some(Vec::new()));
    let Some(AccountLinks::Many(links)) = &account.link else {
        panic!("the documented link is a list: {:?}", account.link);
    };
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].used, Some(false));
    assert_eq!(
        links[0].key.as_ref().map(|key| key.expose().as_str()),
        Some("abc.def.ghi")
    );
    // The login key is a secret: Debug never shows it.
    assert!(!format!("{account:?}").contains("abc.def.ghi"));
    assert!(json.contains("\"key\": \"abc.def.ghi\""), "{json}");
}

#[test]
fn method_documented() {
    let (method, json): (Method, _) = P4P.round_trip("method_documented");
    insta::assert_snapshot!("p4p_method_documented", json);
    assert_eq!(method.r#type, Some(MethodType::Card));
    let expires = method.expires.unwrap();
    assert_eq!(
        (expires.month(), expires.year(), expires.full_year()),
        (2, 22, 2022)
    );
    assert!(
        json.contains("\"expires\": [\n    2,\n    22\n  ]"),
        "{json}"
    );
    assert!(
        !format!("{method:?}").contains("abc.def.ghi"),
        "the card token is redacted"
    );
    assert_eq!(method.iin.as_deref(), Some("411111"));
}

#[test]
fn method_creatable_documented() {
    let (method, json): (MethodCreatable, _) = P4P.round_trip("method_creatable_documented");
    insta::assert_snapshot!("p4p_method_creatable_documented", json);
    assert_eq!(method.r#type, MethodCreatableType::Token);
    assert_eq!(method.card.expose(), "abc.def.ghi");
    assert!(
        !format!("{method:?}").contains("abc.def.ghi"),
        "the card token is redacted"
    );
}

#[test]
fn card_expiry_is_checked() {
    assert!(serde_json::from_str::<CardExpiry>("[0, 22]").is_err());
    assert!(serde_json::from_str::<CardExpiry>("[13, 22]").is_err());
    assert!(serde_json::from_str::<CardExpiry>("[2]").is_err());
    assert!(serde_json::from_str::<CardExpiry>("[2, -1]").is_err());
    assert!(CardExpiry::new(12, 31).is_ok());
    let error = CardExpiry::new(13, 31).unwrap_err();
    assert!(error.to_string().contains("1 to 12"), "{error}");
}

#[test]
fn account_link_documented() {
    let (link, json): (AccountLink, _) = P4P.round_trip("account_link_documented");
    insta::assert_snapshot!("p4p_account_link_documented", json);
    assert_eq!(link.id.as_deref(), Some("0987654321098765"));
    assert_eq!(
        link.created.unwrap().to_string(),
        "2020-12-08 9:19:42.835 +00:00:00"
    );
    assert_eq!(link.contact.as_deref(), Some("[email protected]"));
    let url = "http://localhost:7071/account/1234567890abcdef/link/0987654321098765";
    assert_eq!(link.url.expose(), url);
    assert!(json.contains(url), "the link is written as it is: {json}");
    for debug in [format!("{link:?}"), format!("{link:#?}")] {
        assert!(
            !debug.contains("/link/"),
            "the login link is a credential: {debug}"
        );
        assert!(!debug.contains("abc.def.ghi"), "{debug}");
    }
    let account = Account::new(AccountId::new("1234567890abcdef").unwrap())
        .with_link(AccountLinks::One(link));
    let debug = format!("{account:?}");
    assert!(!debug.contains("/link/"), "{debug}");
}

#[test]
fn errors_documented() {
    let (error, json): (ApiError, _) = P4P.round_trip("error_invalid_content_400");
    insta::assert_snapshot!("p4p_error_invalid_content_400", json);
    assert_eq!(error.status, Some(400));
    assert_eq!(error.r#type.as_deref(), Some("invalid content"));
    let content = error.content.unwrap();
    assert_eq!(content.r#type.as_deref(), Some("model.Order.Creatable"));
    assert_eq!(
        content.description.as_deref(),
        Some("A valid order to be created.")
    );

    let (declined, json): (ApiError, _) = P4P.round_trip("error_card_declined_402");
    insta::assert_snapshot!("p4p_error_card_declined_402", json);
    assert_eq!(declined.error.as_deref(), Some("card declined"));
    assert_eq!(declined.content, None);
}

#[test]
fn schedules_both_shapes() {
    let (rule, json): (Schedule, _) = P4P.round_trip("schedule_rule_pair");
    insta::assert_snapshot!("p4p_schedule_rule_pair", json);
    let Schedule::Rule(rule) = rule else {
        panic!("an object is a rule")
    };
    assert_eq!(rule.frequency, Frequency::Quarterly);
    assert_eq!(
        rule.offset,
        Some(ScheduleNumber::Pair(vec![
            Decimal::from(2),
            Decimal::from(-1)
        ]))
    );
    assert_eq!(rule.divisor, None);

    let (single, json): (Schedule, _) = P4P.round_trip("schedule_rule_single");
    insta::assert_snapshot!("p4p_schedule_rule_single", json);
    let Schedule::Rule(single) = single else {
        panic!("an object is a rule")
    };
    assert_eq!(
        single.offset,
        Some(ScheduleNumber::Single(Decimal::from(2)))
    );
    assert_eq!(
        single.divisor,
        Some(ScheduleNumber::Pair(vec![
            Decimal::from(1),
            Decimal::from(3)
        ]))
    );

    let bare: Schedule = serde_json::from_str(r#""Monthly""#).unwrap();
    assert_eq!(bare, Schedule::Frequency(Frequency::Monthly));
    assert_eq!(serde_json::to_string(&bare).unwrap(), r#""monthly""#);
    let unknown: Schedule = serde_json::from_str(r#""fortnightly""#).unwrap();
    assert_eq!(serde_json::to_string(&unknown).unwrap(), r#""fortnightly""#);
    assert!(serde_json::from_str::<Schedule>("12").is_err());
}

#[test]
fn items_every_shape() {
    let (amount, json): (Items, _) = P4P.round_trip("balance_add_amount");
    assert_eq!(json, "12.50");
    assert_eq!(amount, Items::Amount(dec("12.50")));

    let (one, json): (Items, _) = P4P.round_trip("item_reference");
    insta::assert_snapshot!("p4p_item_reference", json);
    let Items::Item(item) = one else {
        panic!("an object is one item")
    };
    assert_eq!(item.price, Some(dec("100")));
    assert_eq!(item.vat, Some(dec("25")));
    assert_eq!(item.rebate, Some(dec("0")));
    assert_eq!(item.quantity, Some(dec("2")));

    let list: Items =
        serde_json::from_str(r#"[{"price": 42.00}, {"price": 0.10, "quantity": 1.5}]"#).unwrap();
    assert_eq!(
        serde_json::to_string(&list).unwrap(),
        r#"[{"price":42.00},{"price":0.10,"quantity":1.5}]"#
    );
    assert!(matches!(&list, Items::List(items) if items.len() == 2));
    // A decimal in a string is an amount, as decimals are everywhere; other text is not.
    assert_eq!(
        serde_json::from_str::<Items>(r#""12.50""#).unwrap(),
        Items::Amount(dec("12.50"))
    );
    assert!(serde_json::from_str::<Items>(r#""twelve""#).is_err());
}

#[test]
fn order_events_batch() {
    let (batch, json): (Vec<OrderEvents>, _) = P4P.round_trip("order_events_batch");
    insta::assert_snapshot!("p4p_order_events_batch", json);
    assert_eq!(batch.len(), 3);
    assert_eq!(batch[0].id.as_str(), "BlTmF3S382kFbn5U");
    assert_eq!(batch[0].event[0].r#type, EventType::Cancel);
    assert_eq!(batch[2].event[0].r#type, EventType::Refund);
    assert_eq!(batch[2].event[0].amount, Some(dec("1000")));
}

#[test]
fn order_card_account() {
    let (creatable, json): (OrderCreatable, _) = P4P.round_trip("order_creatable_card_account");
    insta::assert_snapshot!("p4p_order_creatable_card_account", json);
    assert_eq!(creatable.items, Items::Amount(dec("1337.42")));
    assert_eq!(creatable.payment.r#type, Some(PaymentType::Card));
    assert_eq!(
        creatable.payment.account.as_ref().map(AccountId::as_str),
        Some("1234567890abcdef")
    );

    let (order, json): (Order, _) = P4P.round_trip("order_card_account_201");
    insta::assert_snapshot!("p4p_order_card_account_201", json);
    assert_eq!(order.id.as_str(), "BlTmF3S382kFbn5U");
    assert!(json.contains("\"items\": 1337.42"), "{json}");
    assert!(json.contains("\"amount\": 1337.42"), "{json}");
    let events = order.event.unwrap();
    assert_eq!(events[0].r#type, EventType::Created);
    // The document writes `2019-01-01T13:37Z`, without seconds.
    assert_eq!(
        order.created.unwrap().to_string(),
        "2019-01-01 13:37:00.0 +00:00:00"
    );
}

#[test]
fn order_reference_with_item_alias() {
    let (creatable, json): (OrderCreatable, _) = P4P.round_trip("order_creatable_reference");
    insta::assert_snapshot!("p4p_order_creatable_reference", json);
    // The reference writes `item`; it is read as `items` and written back as `item`.
    let Items::List(items) = &creatable.items else {
        panic!("a list of items")
    };
    assert_eq!(items[1].vat, Some(dec("25.00")));
    assert!(json.contains("\"price\": 42.00"), "{json}");
    assert!(json.contains("\"item\": ["), "{json}");
    // The document's empty payment type is not a known value: it survives verbatim.
    assert_eq!(
        creatable.payment.r#type,
        Some(PaymentType::Unknown(String::new()))
    );
    assert!(json.contains("\"type\": \"\""), "{json}");
    assert!(json.contains("\"amount\": 209.00"), "{json}");

    let (order, json): (Order, _) = P4P.round_trip("order_reference");
    insta::assert_snapshot!("p4p_order_reference", json);
    assert!(matches!(order.items, Some(Items::Item(_))));
    assert!(json.contains("\"price\": 50.00"), "{json}");
}

#[test]
fn order_balance_top_up() {
    let (order, json): (OrderCreatable, _) = P4P.round_trip("order_creatable_balance_top_up");
    insta::assert_snapshot!("p4p_order_creatable_balance_top_up", json);
    assert_eq!(order.payment.charge, Some(PaymentCharge::Balance));
    assert_eq!(order.payment.r#type, Some(PaymentType::Account));
    assert!(json.contains("\"items\": 500.00"), "{json}");
}

#[test]
fn customers_both_spellings_and_shapes() {
    let (customer, json): (Customer, _) = P4P.round_trip("customer_organization_addresses");
    insta::assert_snapshot!("p4p_customer_organization_addresses", json);
    assert_eq!(customer.r#type, Some(CustomerType::Organisation));
    assert!(json.contains("\"type\": \"organization\""), "{json}");
    assert!(matches!(
        customer.address,
        Some(CustomerAddress::ByPurpose(_))
    ));
    assert!(matches!(customer.email, Some(Email::Addresses(_))));
    assert!(matches!(customer.phone, Some(Phone::Numbers(_))));
    assert!(
        !format!("{customer:?}").contains("5566778899"),
        "the identity number is redacted"
    );

    let (customer, json): (Customer, _) = P4P.round_trip("customer_organisation_address");
    insta::assert_snapshot!("p4p_customer_organisation_address", json);
    assert_eq!(customer.r#type, Some(CustomerType::Organisation));
    let Some(CustomerAddress::One(address)) = &customer.address else {
        panic!("one address")
    };
    assert_eq!(address.zip_code.as_deref(), Some("111 23"));
    assert_eq!(
        customer.email,
        Some(Email::One("info@bolaget.se".to_owned()))
    );
    assert_eq!(customer.phone, Some(Phone::One("+460811122233".to_owned())));
}

#[test]
fn subscriptions_documented() {
    let (creatable, json): (SubscriptionCreatable, _) =
        P4P.round_trip("subscription_creatable_documented");
    insta::assert_snapshot!("p4p_subscription_creatable_documented", json);
    assert_eq!(creatable.start.unwrap().to_string(), "2021-07-03");
    assert!(json.contains("\"price\": 42.00"), "{json}");

    let (list, json): (Vec<Subscription>, _) = P4P.round_trip("subscriptions_documented_201");
    insta::assert_snapshot!("p4p_subscriptions_documented_201", json);
    assert_eq!(list[0].id.as_str(), "test");
    assert_eq!(list[0].due.unwrap().to_string(), "2021-09-30");

    let (update, json): (SubscriptionUpdate, _) = P4P.round_trip("subscription_update_documented");
    insta::assert_snapshot!("p4p_subscription_update_documented", json);
    let Some(Schedule::Rule(rule)) = update.schedule else {
        panic!("a rule")
    };
    assert_eq!(rule.offset, Some(ScheduleNumber::Single(Decimal::from(2))));
}

#[test]
fn settle_result() {
    let (result, json): (SettleResult, _) = P4P.round_trip("settle_result_200");
    insta::assert_snapshot!("p4p_settle_result_200", json);
    assert_eq!(
        (result.updated, result.errors),
        (Some(serde_json::json!(3)), Some(serde_json::json!(0)))
    );
}

#[test]
fn account_extremes_keep_every_digit_and_unknown_values() {
    let (account, json): (Account, _) = P4P.round_trip("account_extremes_200");
    insta::assert_snapshot!("p4p_account_extremes_200", json);
    assert_eq!(
        account.status,
        Some(AccountStatus::Unknown("frozen-by-risk".to_owned()))
    );
    assert_eq!(account.currency, Some(Currency::Unknown("xts".to_owned())));
    assert!(json.contains("1234567890123456789012.345678"), "{json}");
    assert!(json.contains("0.0000000000000000000000000001"), "{json}");
    assert!(json.contains("\"limit\": 2000.00"), "{json}");
    assert!(json.contains("\"fortnightly\""), "{json}");
    assert!(json.contains("\"wallet\""), "{json}");
    assert!(json.contains("\"robot\""), "{json}");
    assert!(matches!(account.link, Some(AccountLinks::One(_))));
    assert_eq!(
        account.method.unwrap()[0].expires.unwrap().full_year(),
        2031
    );
}

#[test]
fn ids_are_checked() {
    assert!(AccountId::new("1234567890abcdef").is_ok());
    assert!(AccountId::new("1234567890abcde").is_err());
    assert!(AccountId::new("1234567890abcde/").is_err());
    assert!(OrderId::new("BlTmF3S382kFbn5U").is_ok());
    assert!(SubscriptionId::new("test").is_ok());
    assert!(SubscriptionId::new("tests").is_err());
    let error = AccountId::new("me").unwrap_err();
    assert!(error.to_string().contains("16"), "{error}");
    let decoded = serde_json::from_str::<Account>(r#"{"id": "short"}"#);
    assert!(
        decoded.is_err(),
        "an account id of the wrong shape is not an account id"
    );
}
