//! Every answer the sandbox gives decodes into the generated model types the clients use,
//! with amounts exact.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;

use common::{call, send};
use mypages_models::{avarda, p4p, payex};
use mypages_sandbox::{Sandbox, credentials::*};
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(what: &str, reply: &common::Reply) -> T {
    assert!(
        reply.status < 300,
        "{what}: {} {}",
        reply.status,
        reply.text()
    );
    serde_json::from_slice(&reply.body)
        .unwrap_or_else(|err| panic!("{what} does not decode: {err}\n{}", reply.text()))
}

async fn payex_get<T: DeserializeOwned>(addr: SocketAddr, path: &str) -> T {
    let reply = call(
        addr,
        "GET",
        &format!("/payex/ledger/account/v1/1000{path}"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    decode(path, &reply)
}

#[tokio::test]
async fn payex_answers_decode_into_the_payex_models() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let list: payex::AccountList = payex_get(addr, "/accounts?customerNo=100001").await;
    assert_eq!(list.items.len(), 2);
    let account: payex::Account = payex_get(addr, "/accounts/5000001").await;
    assert_eq!(account.credit_limit.unwrap().to_string(), "20000.00");
    assert_eq!(account.total_balance.unwrap().to_string(), "4821.35");
    let food: payex::Account = payex_get(addr, "/accounts/5000002").await;
    assert_eq!(
        food.max_payment_amount.unwrap().to_string(),
        "99999999999999999999999999.99"
    );
    let bills: payex::BillList = payex_get(addr, "/accounts/5000001/bills?$top=10").await;
    assert_eq!(bills.items.len(), 4);
    let _: payex::Bill = payex_get(addr, "/accounts/5000001/bills/bill-2003").await;
    let cards: payex::CardList = payex_get(addr, "/accounts/5000001/cards").await;
    assert!(cards.view.is_some());
    let _: payex::Card = payex_get(
        addr,
        "/accounts/5000001/cards/954c8699-b38f-47a2-b568-668b8837dad8",
    )
    .await;
    let transactions: payex::TransactionList =
        payex_get(addr, "/accounts/5000001/transactions?$top=50").await;
    assert!(!transactions.items.is_empty());
    let _: payex::ReservationList = payex_get(addr, "/accounts/5000001/reservations").await;
    let _: payex::RecurringPaymentConfiguration =
        payex_get(addr, "/accounts/5000001/recurring-payment-configuration").await;
    let _: payex::ActivePaymentOrderList =
        payex_get(addr, "/accounts/5000001/active-payment-orders").await;
    let reply = call(
        addr,
        "GET",
        "/payex/ledger/customer/v1/1000/customers/100001",
        PAYEX_TOKEN,
        None,
    )
    .await;
    let _: payex::Customer = decode("customer", &reply);
    let reply = call(
        addr,
        "GET",
        "/payex/ledger/account/v1/1000/accounts/404",
        PAYEX_TOKEN,
        None,
    )
    .await;
    let problem: payex::Problem = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(problem.status, Some(404));
}

#[tokio::test]
async fn avarda_answers_decode_into_the_avarda_models() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let reply = common::request_partner_token(addr).await;
    let token: avarda::PartnerAccessToken = decode("token", &reply);
    let auth = format!("Bearer {}", token.token.expose());
    let headers = [
        ("Authorization", auth.as_str()),
        ("customerAuthToken", AVARDA_CUSTOMER_TOKEN),
        ("customerTokenProvider", "Self"),
        (
            "customerAuthenticationReturnUrl",
            "https://shop.example/back",
        ),
    ];
    let get = |path: String| async move { send(addr, "GET", &path, &headers, None).await.unwrap() };
    let invoices: Vec<avarda::InvoiceSummary> = decode(
        "invoices",
        &get(format!("/avarda/Invoices?purchaseId={AVARDA_PURCHASE_ID}")).await,
    );
    assert_eq!(invoices[0].balance.unwrap().to_string(), "1249.50");
    let id = invoices[0].id.clone();
    let _: avarda::InvoiceDetails = decode(
        "invoice",
        &get(format!(
            "/avarda/Invoices/{id}?purchaseId={AVARDA_PURCHASE_ID}"
        ))
        .await,
    );
    let accounts: avarda::AccountList = decode(
        "accounts",
        &get(format!("/avarda/Accounts?purchaseId={AVARDA_PURCHASE_ID}")).await,
    );
    let avarda::AccountList::Many(accounts) = accounts else {
        panic!("the sandbox answers a list")
    };
    assert_eq!(accounts[0].balance.to_string(), "24999.90");
    let account_id = accounts[0].id.clone().unwrap();
    let _: avarda::Account = decode(
        "account",
        &get(format!(
            "/avarda/Accounts/{account_id}?purchaseId={AVARDA_PURCHASE_ID}"
        ))
        .await,
    );

    let pay = format!(r#"{{"accountId":"{account_id}"}}"#);
    let reply = send(addr, "POST", "/avarda/Pay", &headers, Some(pay.as_bytes()))
        .await
        .unwrap();
    let session: avarda::PaySession = decode("pay", &reply);
    let status = format!(
        r#"{{"purchaseId":"{}","accountId":"{account_id}"}}"#,
        session.purchase_id
    );
    let reply = send(
        addr,
        "POST",
        "/avarda/Pay/Status",
        &headers,
        Some(status.as_bytes()),
    )
    .await
    .unwrap();
    let status: avarda::PayStatus = decode("status", &reply);
    assert_eq!(status.state, avarda::PaymentState::Unpaid);

    let unverified = [
        headers[0],
        ("customerAuthToken", "someone-else"),
        headers[2],
        headers[3],
    ];
    let reply = send(
        addr,
        "GET",
        &format!("/avarda/Accounts?purchaseId={AVARDA_PURCHASE_ID}"),
        &unverified,
        None,
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 202);
    let _: avarda::AuthenticationRedirect = decode("redirect", &reply);
    let reply = send(
        addr,
        "GET",
        "/avarda/Invoices?purchaseId=nobody",
        &headers,
        None,
    )
    .await
    .unwrap();
    let error: avarda::ErrorBody = serde_json::from_slice(&reply.body).unwrap();
    assert!(error.message.is_some());
}

#[tokio::test]
async fn p4p_answers_decode_into_the_p4p_models() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let accounts: Vec<p4p::Account> = decode(
        "accounts",
        &call(addr, "GET", "/p4p/account", P4P_KEY, None).await,
    );
    assert_eq!(accounts.len(), 6);
    let base = format!("/p4p/account/{P4P_ACCOUNT_ID}");
    let account: p4p::Account = decode("account", &call(addr, "GET", &base, P4P_KEY, None).await);
    assert_eq!(account.total.unwrap().to_string(), "610.25");
    let link: p4p::AccountLink = decode(
        "link",
        &call(addr, "POST", &format!("{base}/link"), P4P_KEY, None).await,
    );
    assert!(link.url.expose().contains(P4P_ACCOUNT_ID));
    let key: String = decode("key", &call(addr, "POST", &base, P4P_KEY, None).await);
    let _: p4p::Account = decode(
        "me",
        &call(addr, "GET", "/p4p/account/me", &key, None).await,
    );
    let subscription =
        r#"{"items":[{"name":"Extra","price":10.00}],"currency":"SEK","schedule":"weekly"}"#;
    let subs: Vec<p4p::Subscription> = decode(
        "subscriptions",
        &call(
            addr,
            "POST",
            &format!("{base}/subscription"),
            P4P_KEY,
            Some(subscription),
        )
        .await,
    );
    assert_eq!(subs.len(), 2);
    let order = format!(
        r#"{{"items":12.5,"currency":"SEK","payment":{{"type":"card","account":"{P4P_ACCOUNT_ID}"}}}}"#
    );
    let order: p4p::Order = decode(
        "order",
        &call(addr, "POST", "/p4p/order", P4P_KEY, Some(&order)).await,
    );
    let settle: p4p::SettleResult = decode(
        "settle",
        &call(addr, "DELETE", &format!("{base}/balance"), P4P_KEY, None).await,
    );
    assert_eq!(settle.updated, Some(serde_json::json!(1)));
    let events = format!(r#"[{{"id":"{}","event":[{{"type":"refund"}}]}}]"#, order.id);
    let _: Vec<p4p::Order> = decode(
        "events",
        &call(addr, "PATCH", "/p4p/order/", P4P_KEY, Some(&events)).await,
    );
    let reply = call(addr, "GET", "/p4p/account/AAAAAAAAAAAAAAAA", P4P_KEY, None).await;
    let error: p4p::ApiError = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(error.status, Some(404));
}

#[tokio::test]
async fn avarda_accounts_can_answer_the_documented_single_object() {
    let sandbox = Sandbox::builder()
        .avarda_accounts_as_object(true)
        .start()
        .await
        .unwrap();
    let addr = sandbox.addr();
    let reply = common::request_partner_token(addr).await;
    let token: avarda::PartnerAccessToken = decode("token", &reply);
    let auth = format!("Bearer {}", token.token.expose());
    let headers = [
        ("Authorization", auth.as_str()),
        ("customerAuthToken", AVARDA_CUSTOMER_TOKEN),
        ("customerTokenProvider", "Self"),
        (
            "customerAuthenticationReturnUrl",
            "https://shop.example/back",
        ),
    ];
    let path = format!("/avarda/Accounts?purchaseId={AVARDA_PURCHASE_ID}");
    let reply = send(addr, "GET", &path, &headers, None).await.unwrap();
    assert!(reply.json().is_object(), "{}", reply.text());
    let list: avarda::AccountList = decode("accounts", &reply);
    assert!(matches!(list, avarda::AccountList::One(_)));
}
