//! Writes change later reads, at all three providers.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{call, send};
use mypages_sandbox::{Sandbox, credentials::*};
use serde_json::Value;

const ACCOUNT: &str = "/payex/ledger/account/v1/1000/accounts/5000001";

fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Every item of a PayEx list, following `view.next` (prefixing `/payex`).
async fn all_items(addr: SocketAddr, first: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = first.to_owned();
    for _ in 0..100 {
        let page = call(addr, "GET", &path, PAYEX_TOKEN, None).await;
        assert_eq!(page.status, 200, "{path}: {}", page.text());
        let page = page.json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        let next = page["view"]["next"]
            .as_str()
            .or(page["navigation"]["next"].as_str());
        match next {
            Some(next) => {
                assert!(
                    next.starts_with("/ledger/"),
                    "root-relative link without the prefix: {next}"
                );
                path = format!("/payex{next}");
            }
            None => return items,
        }
    }
    panic!("paging never ended at {first}");
}

#[tokio::test]
async fn payex_credit_limit_only_goes_down() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let reply = call(
        addr,
        "PATCH",
        ACCOUNT,
        PAYEX_TOKEN,
        Some(r#"{"creditLimit": 15000.00, "charityDonation": false}"#),
    )
    .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    let account = call(addr, "GET", ACCOUNT, PAYEX_TOKEN, None).await;
    assert!(
        account.text().contains(r#""creditLimit":15000.00"#),
        "{}",
        account.text()
    );
    assert!(
        account.text().contains(r#""availableAmount":9528.65"#),
        "{}",
        account.text()
    );
    assert_eq!(account.json()["charityDonation"], false);

    for (body, field) in [
        (r#"{"creditLimit": 15000.01}"#, "creditLimit"),
        (r#"{"creditLimit": -1}"#, "creditLimit"),
    ] {
        let reply = call(addr, "PATCH", ACCOUNT, PAYEX_TOKEN, Some(body)).await;
        assert_eq!(reply.status, 400, "{body}");
        assert_eq!(reply.json()["Type"], "ledger.account.validation");
        assert!(
            reply.json()["Problems"][0][field].is_string(),
            "{}",
            reply.text()
        );
    }
    let account = call(addr, "GET", ACCOUNT, PAYEX_TOKEN, None).await;
    assert!(account.text().contains(r#""creditLimit":15000.00"#));
}

#[tokio::test]
async fn payex_payment_lowers_the_balance_once_and_adds_a_transaction() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let body = format!(
        r#"{{"Amount": 1000.00, "PaymentDate": "{}", "sourcePspPaymentTransactionId": "psp-1"}}"#,
        today()
    );
    for _ in 0..2 {
        let reply = call(
            addr,
            "POST",
            &format!("{ACCOUNT}/register-psp-payment"),
            PAYEX_TOKEN,
            Some(&body),
        )
        .await;
        assert_eq!(reply.status, 204, "{}", reply.text());
    }
    let account = call(addr, "GET", ACCOUNT, PAYEX_TOKEN, None).await;
    assert!(
        account.text().contains(r#""totalBalance":3821.35"#),
        "booked once: {}",
        account.text()
    );
    let transactions = all_items(addr, &format!("{ACCOUNT}/transactions")).await;
    let payments: Vec<_> = transactions
        .iter()
        .filter(|t| t["type"] == "Payment" && t["date"] == today().as_str())
        .collect();
    assert_eq!(payments.len(), 1, "{transactions:?}");
    let raw = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/transactions?$top=100"),
        PAYEX_TOKEN,
        None,
    )
    .await
    .text();
    assert!(raw.contains(r#""amount":-1000.00"#), "{raw}");

    let too_much = r#"{"Amount": 1000000.00, "PaymentDate": "2026-01-01", "sourcePspPaymentTransactionId": "psp-2"}"#;
    let reply = call(
        addr,
        "POST",
        &format!("{ACCOUNT}/register-psp-payment"),
        PAYEX_TOKEN,
        Some(too_much),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.json()["Problems"][0]["Amount"]
            .as_str()
            .unwrap()
            .starts_with("Expected value between")
    );
}

#[tokio::test]
async fn payex_paying_the_open_bill_closes_it() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let body = r#"{"amount": 2000.00, "paymentDate": "2026-01-02", "SourcePspPaymentTransactionId": "psp-bill"}"#;
    let reply = call(
        addr,
        "POST",
        &format!("{ACCOUNT}/register-psp-payment"),
        PAYEX_TOKEN,
        Some(body),
    )
    .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    let bill = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/bills/bill-2003"),
        PAYEX_TOKEN,
        None,
    )
    .await
    .json();
    assert_eq!(bill["status"], "closed");
    assert!(bill.get("activePaymentDetails").is_none());
    assert!(call(addr, "GET", ACCOUNT, PAYEX_TOKEN, None).await.json()["openBill"].is_null());
}

#[tokio::test]
async fn payex_bills_filter_by_status() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let all = all_items(addr, &format!("{ACCOUNT}/bills")).await;
    let open = all_items(addr, &format!("{ACCOUNT}/bills?status=open")).await;
    let closed = all_items(addr, &format!("{ACCOUNT}/bills?status=Closed")).await;
    assert!(!open.is_empty() && !closed.is_empty(), "{all:?}");
    assert_eq!(open.len() + closed.len(), all.len());
    assert!(open.iter().all(|bill| bill["status"] == "open"));
    assert!(closed.iter().all(|bill| bill["status"] == "closed"));
    let reply = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/bills?status=paid"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text());
}

#[tokio::test]
async fn payex_checks_and_encodes_ids_as_the_provider_would() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let long = "1".repeat(51);
    let reply = call(
        addr,
        "GET",
        &format!("/payex/ledger/account/v1/1000/accounts/{long}"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(reply.status, 400, "{}", reply.text());
    assert!(reply.text().contains("accountNo"), "{}", reply.text());

    let token = "tok/with space?";
    let body = format!(r#"{{"token":"{token}","PanTrunc":"547912******9999","mainCard":false}}"#);
    let cards = format!("{ACCOUNT}/cards");
    let reply = call(addr, "POST", &cards, PAYEX_TOKEN, Some(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let listed = all_items(addr, &cards).await;
    let card = listed.iter().find(|c| c["token"] == token).unwrap();
    let id = card["@id"].as_str().unwrap();
    assert!(id.ends_with("/cards/tok%2Fwith%20space%3F"), "{id}");
    let again = call(addr, "GET", &format!("/payex{id}"), PAYEX_TOKEN, None).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["token"], token);

    // A page size too large for any machine is a whole number: clamped, not refused.
    let huge = call(
        addr,
        "GET",
        &format!(
            "{ACCOUNT}/transactions?$top=15037933766408902017024&$skip=15037933766408902017024"
        ),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(huge.status, 200, "{}", huge.text());
    assert!(huge.json()["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn payex_cards_are_added_replaced_and_checked() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let cards = format!("{ACCOUNT}/cards");
    let card = |token: &str, reg_no: &str| {
        format!(
            r#"{{"token":"{token}","PanTrunc":"547912******9999","mainCard":false,
                "cardHolder":{{"number":"100001","name":"Astrid Lindqvist",
                "nationalConsumerIdentifier":{{"value":"{reg_no}","countryCode":"SE"}}}}}}"#
        )
    };
    let new = "11111111-2222-4333-8444-555555555555";
    let reply = call(
        addr,
        "POST",
        &cards,
        PAYEX_TOKEN,
        Some(&card(new, "19121212-1212")),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert!(reply.header("location").unwrap().ends_with(new));
    let listed = all_items(addr, &cards).await;
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().any(|c| c["token"] == new));

    let reply = call(
        addr,
        "POST",
        &cards,
        PAYEX_TOKEN,
        Some(&card(new, "19121212-1212")),
    )
    .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.json()["Type"], "ledger.account.duplicate-card-token");
    let reply = call(
        addr,
        "POST",
        &cards,
        PAYEX_TOKEN,
        Some(&card("other", "19121212-1213")),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["Type"], "ledger.account.invalid-reg-no");

    let replacement = "99999999-8888-4777-8666-555555555555";
    let old = "954c8699-b38f-47a2-b568-668b8837dad8";
    let reply = call(
        addr,
        "POST",
        &format!("{cards}/{old}/add-replacement-card"),
        PAYEX_TOKEN,
        Some(&card(replacement, "19121212-1212")),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let old_card = call(addr, "GET", &format!("{cards}/{old}"), PAYEX_TOKEN, None)
        .await
        .json();
    assert_eq!(old_card["deleted"], true);
    let new_card = call(
        addr,
        "GET",
        &format!("{cards}/{replacement}"),
        PAYEX_TOKEN,
        None,
    )
    .await
    .json();
    assert_eq!(
        new_card["mainCard"], true,
        "the replacement inherits the main-card role"
    );
    assert_eq!(
        new_card["parentHREF"],
        "/ledger/account/v1/1000/accounts/5000001"
    );

    let reply = call(
        addr,
        "PATCH",
        &format!("{cards}/{old}"),
        PAYEX_TOKEN,
        Some(r#"{"mainCard": true}"#),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.json()["Type"], "ledger.account.card-update-failed");
    let reply = call(
        addr,
        "GET",
        &format!("{cards}/no-such-card"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["Type"], "ledger.account.card-not-found");
}

#[tokio::test]
async fn payex_recurring_configuration_lifecycle() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let path = format!("{ACCOUNT}/recurring-payment-configuration");
    let reply = call(addr, "GET", &path, PAYEX_TOKEN, None).await;
    assert!(reply.text().contains(r#""fixedAmount":1500.00"#));
    let orders = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/active-payment-orders"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert!(
        orders.text().contains(r#""amount":1500.00"#),
        "{}",
        orders.text()
    );

    assert_eq!(
        call(addr, "DELETE", &path, PAYEX_TOKEN, Some("{}"))
            .await
            .status,
        204
    );
    assert_eq!(
        call(addr, "GET", &path, PAYEX_TOKEN, None).await.status,
        404
    );
    let orders = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/active-payment-orders"),
        PAYEX_TOKEN,
        None,
    )
    .await
    .json();
    assert_eq!(orders["items"].as_array().unwrap().len(), 0);

    let create = r#"{"paymentMethod":"autogiro","paymentScope":"billedAmount","fixedAmount":0.00}"#;
    assert_eq!(
        call(addr, "POST", &path, PAYEX_TOKEN, Some(create))
            .await
            .status,
        201
    );
    assert_eq!(
        call(addr, "POST", &path, PAYEX_TOKEN, Some(create))
            .await
            .status,
        409
    );
    let orders = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/active-payment-orders"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert!(
        orders.text().contains(r#""amount":450.00"#),
        "billed amount: {}",
        orders.text()
    );

    let reply = call(
        addr,
        "PATCH",
        &path,
        PAYEX_TOKEN,
        Some(r#"{"paymentScope":"totalDebt"}"#),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["paymentScope"], "totalDebt");
    let orders = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/active-payment-orders"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert!(
        orders.text().contains(r#""amount":4821.35"#),
        "total debt: {}",
        orders.text()
    );
    let reply = call(
        addr,
        "PATCH",
        &path,
        PAYEX_TOKEN,
        Some(r#"{"paymentScope":"fixedRecurring"}"#),
    )
    .await;
    assert_eq!(reply.status, 400, "fixedRecurring needs a fixed amount");
}

#[tokio::test]
async fn payex_transactions_filter_by_month_and_range() {
    let sandbox = Sandbox::builder()
        .today(time::macros::date!(2026 - 03 - 15))
        .start()
        .await
        .unwrap();
    let addr = sandbox.addr();
    let recent = all_items(addr, &format!("{ACCOUNT}/transactions")).await;
    assert_eq!(recent.len(), 8, "the last 30 days by default");
    let february = all_items(addr, &format!("{ACCOUNT}/transactions?month=2026-02")).await;
    assert!(
        february
            .iter()
            .all(|t| t["date"].as_str().unwrap().starts_with("2026-02"))
    );
    assert!(!february.is_empty());
    let range = all_items(
        addr,
        &format!("{ACCOUNT}/transactions?fromDate=2026-03-10&todate=2026-03-14"),
    )
    .await;
    assert_eq!(range.len(), 2, "{range:?}");
    let page = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/transactions?$top=3&$skip=3"),
        PAYEX_TOKEN,
        None,
    )
    .await
    .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        page["view"]["next"],
        "/ledger/account/v1/1000/accounts/5000001/transactions?$top=3&$skip=6"
    );
    let reply = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/transactions?month=2026-13"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn generated_customers_add_volume() {
    let sandbox = Sandbox::builder()
        .generated_customers(20)
        .transactions_per_customer(30)
        .start()
        .await
        .unwrap();
    let addr = sandbox.addr();
    let accounts = all_items(addr, "/payex/ledger/account/v1/1000/accounts").await;
    assert_eq!(accounts.len(), 3 + 20);
    let transactions = all_items(
        addr,
        "/payex/ledger/account/v1/1000/accounts/6000001/transactions?fromDate=2000-01-01",
    )
    .await;
    assert_eq!(transactions.len(), 30);
    let p4p = call(addr, "GET", "/p4p/account", P4P_KEY, None)
        .await
        .json();
    assert_eq!(p4p.as_array().unwrap().len(), 21);
}

#[tokio::test]
async fn p4p_account_balance_settles_into_an_order() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let created = call(
        addr,
        "POST",
        "/p4p/account",
        P4P_KEY,
        Some(r#"{"number":"K-77","customer":{"type":"organization","name":"Fika AB"},"method":[],"schedule":"quarterly","limit":5000,"currency":"EUR"}"#),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let account = created.json();
    let id = account["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 16);
    assert_eq!(account["status"], "created");
    assert_eq!(account["currency"], "EUR");
    let path = format!("/p4p/account/{id}");

    let after = call(
        addr,
        "POST",
        &format!("{path}/balance"),
        P4P_KEY,
        Some("100.50"),
    )
    .await;
    assert_eq!(after.status, 200, "{}", after.text());
    let after = call(
        addr,
        "POST",
        &format!("{path}/balance"),
        P4P_KEY,
        Some(r#"{"name":"Kaffe","price":40.00,"vat":10.00,"quantity":2}"#),
    )
    .await;
    assert!(
        after.text().contains(r#""total":200.50"#),
        "{}",
        after.text()
    );
    let after = call(
        addr,
        "POST",
        &format!("{path}/balance"),
        P4P_KEY,
        Some(r#"[{"price":1249.50},{"price":0.25}]"#),
    )
    .await;
    assert!(
        after.text().contains(r#""total":1450.25"#),
        "{}",
        after.text()
    );
    assert_eq!(after.json()["balance"].as_array().unwrap().len(), 4);

    let settled = call(addr, "DELETE", &format!("{path}/balance"), P4P_KEY, None).await;
    assert_eq!(
        settled.json(),
        serde_json::json!({"updated": 1, "errors": 1}),
        "no method: the charge fails"
    );
    let account = call(addr, "GET", &path, P4P_KEY, None).await.json();
    assert_eq!(account["balance"].as_array().unwrap().len(), 0);
    assert_eq!(account["status"], "pending");

    let with_method = call(
        addr,
        "POST",
        &format!("{path}/method"),
        P4P_KEY,
        Some(r#"{"type":"token","card":"tok-123"}"#),
    )
    .await;
    assert_eq!(with_method.status, 201);
    assert_eq!(with_method.json()["status"], "active");
    assert_eq!(with_method.json()["method"][0]["type"], "card");
    call(
        addr,
        "POST",
        &format!("{path}/balance"),
        P4P_KEY,
        Some("10"),
    )
    .await;
    let settled = call(addr, "DELETE", &format!("{path}/balance"), P4P_KEY, None)
        .await
        .json();
    assert_eq!(settled, serde_json::json!({"updated": 1, "errors": 0}));
    // `all`: the demo account (with a card) and the five generated ones (without) have balances.
    let settled = call(addr, "DELETE", "/p4p/account/all/balance", P4P_KEY, None)
        .await
        .json();
    assert_eq!(settled, serde_json::json!({"updated": 6, "errors": 5}));
}

#[tokio::test]
async fn p4p_subscriptions_end_and_keys_allow_me() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let base = format!("/p4p/account/{P4P_ACCOUNT_ID}");
    let subs = call(
        addr,
        "POST",
        &format!("{base}/subscription"),
        P4P_KEY,
        Some(r#"{"number":"SUB-9","items":99.00,"currency":"SEK","schedule":{"frequency":"monthly","offset":[0,1]}}"#),
    )
    .await;
    assert_eq!(subs.status, 201, "{}", subs.text());
    let list = subs.json();
    assert_eq!(list.as_array().unwrap().len(), 2);
    let sub = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["number"] == "SUB-9")
        .unwrap();
    assert!(sub["due"].is_string());
    let sub_id = sub["id"].as_str().unwrap().to_owned();

    let key = call(addr, "POST", &base, P4P_KEY, None)
        .await
        .json()
        .as_str()
        .unwrap()
        .to_owned();
    let me = call(addr, "GET", "/p4p/account/me", &key, None).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["id"], P4P_ACCOUNT_ID);
    let other = call(addr, "GET", "/p4p/account/AAAAAAAAAAAAAAAA", &key, None).await;
    assert_eq!(other.status, 403);
    assert_eq!(
        call(addr, "GET", "/p4p/account", &key, None).await.status,
        403,
        "listing needs the private key"
    );

    let ended = call(
        addr,
        "DELETE",
        &format!("/p4p/account/me/subscription/{sub_id}"),
        &key,
        None,
    )
    .await;
    assert_eq!(ended.status, 200, "{}", ended.text());
    let sub = ended
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == sub_id.as_str())
        .unwrap()
        .clone();
    assert!(sub.get("due").is_none(), "{sub}");
    assert_eq!(sub["end"], today().as_str());
    // A later change does not give the ended subscription a due date again, even on a
    // schedule that falls due today.
    let patched = call(
        addr,
        "PATCH",
        &format!("{base}/subscription/{sub_id}"),
        P4P_KEY,
        Some(r#"{"schedule":"daily"}"#),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    let list = patched.json();
    let sub = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == sub_id.as_str())
        .unwrap();
    assert!(sub.get("due").is_none(), "{sub}");
    let link = call(addr, "POST", "/p4p/account/me/link", &key, None).await;
    assert_eq!(link.status, 204);
    let account = call(addr, "GET", &base, P4P_KEY, None).await.json();
    assert_eq!(account["link"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn p4p_orders_charge_refund_and_refuse_the_impossible() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let order = call(
        addr,
        "POST",
        "/p4p/order",
        P4P_KEY,
        Some(&format!(r#"{{"items":[{{"name":"Bok","price":199.00,"vat":49.75}}],"currency":"SEK","payment":{{"type":"card","account":"{P4P_ACCOUNT_ID}"}}}}"#)),
    )
    .await;
    assert_eq!(order.status, 201, "{}", order.text());
    let order = order.json();
    let id = order["id"].as_str().unwrap().to_owned();
    let events: Vec<_> = order["event"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    assert_eq!(events, vec!["order", "charge"]);

    let batch = format!(r#"[{{"id":"{id}","event":[{{"type":"refund"}}]}}]"#);
    let refunded = call(addr, "PATCH", "/p4p/order/", P4P_KEY, Some(&batch)).await;
    assert_eq!(refunded.status, 200, "{}", refunded.text());
    assert!(
        refunded.text().contains(r#""type":"refund","date""#),
        "{}",
        refunded.text()
    );
    let cancel = format!(r#"[{{"id":"{id}","event":[{{"type":"cancel"}}]}}]"#);
    let reply = call(addr, "PATCH", "/p4p/order/", P4P_KEY, Some(&cancel)).await;
    assert_eq!(reply.status, 409, "{}", reply.text());
    assert_eq!(reply.json()["status"], 409);
    // The same batch without the trailing slash is served too (not a 405).
    let reply = call(addr, "PATCH", "/p4p/order", P4P_KEY, Some(&cancel)).await;
    assert_eq!(reply.status, 409, "{}", reply.text());

    let to_balance = format!(
        r#"{{"items":75.00,"currency":"SEK","payment":{{"type":"account","account":"{P4P_ACCOUNT_ID}","charge":"balance"}}}}"#
    );
    assert_eq!(
        call(addr, "POST", "/p4p/order", P4P_KEY, Some(&to_balance))
            .await
            .status,
        201
    );
    let account = call(
        addr,
        "GET",
        &format!("/p4p/account/{P4P_ACCOUNT_ID}"),
        P4P_KEY,
        None,
    )
    .await;
    assert!(
        account.text().contains(r#""total":685.25"#),
        "{}",
        account.text()
    );
}

#[tokio::test]
async fn avarda_library_conveniences_and_token_expiry() {
    let sandbox = Sandbox::builder()
        .avarda_token_lifetime(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let addr = sandbox.addr();
    let token = common::partner_token(addr).await;
    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("customerAuthToken", "demo-without-browser"),
        ("customerTokenProvider", "google"),
        (
            "customerAuthenticationReturnUrl",
            "https://shop.example/back",
        ),
    ];
    let accounts = format!("/avarda/Accounts?purchaseId={AVARDA_PURCHASE_ID}");
    let first = send(addr, "GET", &accounts, &headers, None).await.unwrap();
    assert_eq!(first.status, 202);
    let again = send(addr, "GET", &accounts, &headers, None).await.unwrap();
    assert_eq!(
        again.json()["redirectUrl"],
        first.json()["redirectUrl"],
        "one pending session per customer"
    );
    sandbox.avarda_confirm_strong_authentication("demo-without-browser");
    let reply = send(addr, "GET", &accounts, &headers, None).await.unwrap();
    assert_eq!(reply.status, 200);
    let loan = reply.json()[0]["id"].as_str().unwrap().to_owned();

    let pay = format!(r#"{{"accountId":"{loan}","language":1}}"#);
    let session = send(addr, "POST", "/avarda/Pay", &headers, Some(pay.as_bytes()))
        .await
        .unwrap()
        .json();
    let purchase = session["purchaseId"].as_str().unwrap().to_owned();
    assert_eq!(session["jwt"].as_str().unwrap().split('.').count(), 3);
    sandbox.avarda_complete_payment(&purchase).unwrap();
    assert!(
        sandbox.avarda_complete_payment(&purchase).is_err(),
        "a payment completes once"
    );
    assert!(sandbox.avarda_cancel_payment("no-such-purchase").is_err());
    let loan_now = send(
        addr,
        "GET",
        &format!("/avarda/Accounts/{loan}?purchaseId={AVARDA_PURCHASE_ID}"),
        &headers,
        None,
    )
    .await
    .unwrap();
    assert!(
        loan_now.text().contains(r#""balance":0.00"#),
        "{}",
        loan_now.text()
    );
    assert_eq!(loan_now.json()["state"], "Paid");

    tokio::time::sleep(Duration::from_millis(400)).await;
    let reply = send(addr, "GET", &accounts, &headers, None).await.unwrap();
    assert_eq!(reply.status, 401, "the partner token expired");
}

#[tokio::test]
async fn p4p_login_links_work_once() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let base = format!("/p4p/account/{P4P_ACCOUNT_ID}");
    let link = call(
        addr,
        "POST",
        &format!("{base}/link"),
        P4P_KEY,
        Some(r#"{"contact":"astrid@example.com"}"#),
    )
    .await;
    assert_eq!(link.status, 201, "{}", link.text());
    let link = link.json();
    assert_eq!(link["used"], false);
    assert_eq!(link["contact"], "astrid@example.com");
    let url = link["url"].as_str().unwrap();
    let path = url.strip_prefix(&sandbox.base_url()).unwrap();
    let opened = send(addr, "GET", path, &[], None).await.unwrap();
    assert_eq!(opened.status, 200, "{}", opened.text());
    assert!(opened.text().contains("logged in"));
    let account = call(addr, "GET", &base, P4P_KEY, None).await.json();
    assert_eq!(account["link"][0]["used"], true);
    assert_eq!(
        send(addr, "GET", path, &[], None).await.unwrap().status,
        410,
        "single use"
    );
}

#[tokio::test]
async fn p4p_subscriptions_never_end_before_they_start() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let sub = format!("/p4p/account/{P4P_ACCOUNT_ID}/subscription");
    let early_end = r#"{"items":1,"currency":"SEK","schedule":"monthly","end":"2000-01-01"}"#;
    assert_eq!(
        call(addr, "POST", &sub, P4P_KEY, Some(early_end))
            .await
            .status,
        400,
        "it starts today"
    );
    assert_eq!(
        call(addr, "DELETE", &format!("{sub}/fbr1"), P4P_KEY, None)
            .await
            .status,
        200
    );
    let late_start = call(
        addr,
        "PATCH",
        &format!("{sub}/fbr1"),
        P4P_KEY,
        Some(r#"{"start":"3000-01-01"}"#),
    )
    .await;
    assert_eq!(
        late_start.status, 400,
        "the ended subscription cannot start after its end"
    );
    let account = call(
        addr,
        "GET",
        &format!("/p4p/account/{P4P_ACCOUNT_ID}"),
        P4P_KEY,
        None,
    )
    .await
    .json();
    assert_ne!(account["subscription"][0]["start"], "3000-01-01");
}
