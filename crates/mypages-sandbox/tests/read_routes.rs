//! The main read routes of the three providers, over real sockets.

mod common;

use common::{call, send};
use mypages_sandbox::{Sandbox, credentials::*};

const LEDGER: &str = "/payex/ledger/account/v1/1000";

#[tokio::test]
async fn avarda_token_invoices_and_accounts() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let reply = common::request_partner_token(addr).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let token = reply.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(token.split('.').count(), 3, "JWT-shaped");
    assert!(
        reply.json()["tokenExpirationUtc"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );

    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("customerAuthToken", AVARDA_CUSTOMER_TOKEN),
        ("customerTokenProvider", "Self"),
        (
            "customerAuthenticationReturnUrl",
            "https://shop.example/back",
        ),
    ];
    let path = format!("/avarda/Invoices?purchaseId={AVARDA_PURCHASE_ID}");
    let reply = send(addr, "GET", &path, &headers, None).await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.text().contains(r#""balance":1249.50"#),
        "{}",
        reply.text()
    );
    let invoices = reply.json();
    let id = invoices[0]["id"].as_str().unwrap();
    let reply = send(
        addr,
        "GET",
        &format!("/avarda/Invoices/{id}?purchaseId={AVARDA_PURCHASE_ID}"),
        &headers,
        None,
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["transactions"][0]["amount"].as_f64(),
        Some(1249.5)
    );

    let path = format!("/avarda/Accounts?purchaseId={AVARDA_PURCHASE_ID}");
    let reply = send(addr, "GET", &path, &headers, None).await.unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.json().is_array());
    assert!(reply.text().contains(r#""balance":24999.90"#));

    let reply = send(
        addr,
        "GET",
        &path,
        &[("Authorization", "Bearer nope")],
        None,
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 401);
    assert!(reply.json()["message"].is_string());
}

#[tokio::test]
async fn payex_accounts_page_and_link_without_prefix() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let reply = call(
        addr,
        "GET",
        &format!("{LEDGER}/accounts?customerNo={PAYEX_CUSTOMER_NO}"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let page = reply.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["navigation"]["next"].as_str().unwrap();
    assert!(
        next.starts_with("/ledger/account/v1/1000/accounts?"),
        "{next}"
    );
    let reply = call(addr, "GET", &format!("/payex{next}"), PAYEX_TOKEN, None).await;
    assert_eq!(reply.json()["items"].as_array().unwrap().len(), 1);
    assert!(reply.json()["navigation"].get("next").is_none());

    let reply = call(
        addr,
        "GET",
        &format!("{LEDGER}/accounts/5000001"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert!(
        reply.text().contains(r#""creditLimit":20000.00"#),
        "{}",
        reply.text()
    );
    assert!(reply.text().contains(r#""reservedAmount":650.00"#));
    let reply = call(
        addr,
        "GET",
        &format!("{LEDGER}/accounts/5000002"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert!(
        reply
            .text()
            .contains(r#""maxPaymentAmount":99999999999999999999999999.99"#),
        "{}",
        reply.text()
    );

    let reply = call(
        addr,
        "GET",
        &format!("{LEDGER}/accounts/5000001/bills"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    let bills = reply.json();
    assert_eq!(bills["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        bills["view"]["next"],
        "/ledger/account/v1/1000/accounts/5000001/bills?$top=2&$skip=2"
    );
    let document = bills["items"][0]["document"].as_str().unwrap();
    let reply = call(addr, "GET", &format!("/payex{document}"), PAYEX_TOKEN, None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.body.starts_with(b"%PDF-"));

    let reply = call(
        addr,
        "GET",
        "/payex/ledger/account/v1/2000/accounts",
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(reply.status, 401);
    let reply = call(
        addr,
        "GET",
        &format!("{LEDGER}/accounts/999"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["Type"], "ledger.account.account-not-found");
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/problem+json")
    );
}

#[tokio::test]
async fn p4p_demo_account_and_errors() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let reply = call(
        addr,
        "GET",
        &format!("/p4p/account/{P4P_ACCOUNT_ID}"),
        P4P_KEY,
        None,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(
        reply.text().contains(r#""total":610.25"#),
        "{}",
        reply.text()
    );
    let reply = call(addr, "GET", "/p4p/account", P4P_KEY, None).await;
    assert_eq!(reply.json().as_array().unwrap().len(), 6);
    let reply = call(addr, "GET", "/p4p/account/nope", "wrong", None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["type"], "not authorized");
    let reply = call(addr, "GET", "/p4p/nowhere", P4P_KEY, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["status"], 404);
}
