//! The app's hygiene over plain HTTP, on the embedded sandbox: the session cookie's
//! attributes, CSRF on forms, friendly error pages, no secret in any page or URL, a
//! shopper kept to their own accounts, the PDF passed through unchanged.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use common::{Reply, send, start};
use my_pages::App;
use my_pages::providers::{Providers, SANDBOX_SHOPPER};
use mypages_sandbox::credentials;
use payex_client::{PayexClient, SecretString};
use tower::ServiceExt;

async fn get(addr: std::net::SocketAddr, path: &str, cookie: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = cookie.map(|c| ("Cookie", c)).into_iter().collect();
    send(addr, "GET", path, &headers, None).await.unwrap()
}

async fn post_form(addr: std::net::SocketAddr, path: &str, cookie: &str, form: &str) -> Reply {
    send(
        addr,
        "POST",
        path,
        &[
            ("Cookie", cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some(form.as_bytes()),
    )
    .await
    .unwrap()
}

/// `name=value` of the session cookie the reply sets.
fn session_cookie(reply: &Reply) -> String {
    let set = reply.header("set-cookie").expect("a session cookie");
    set.split(';').next().unwrap().to_owned()
}

/// The CSRF token in the page's first form.
fn csrf(page: &str) -> String {
    let start = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn session_cookie_is_http_only_same_site_and_not_secure_on_loopback() {
    let app = start().await;
    let reply = get(app.addr, "/", None).await;
    assert_eq!(reply.status, 200);
    let set = reply.header("set-cookie").unwrap();
    assert!(set.starts_with("mypages_session="), "{set}");
    assert!(set.contains("; HttpOnly"), "{set}");
    assert!(set.contains("; SameSite=Lax"), "{set}");
    assert!(!set.contains("Secure"), "plain http on loopback: {set}");

    // A known session is kept: no new cookie.
    let again = get(app.addr, "/p4p", Some(&session_cookie(&reply))).await;
    assert_eq!(again.header("set-cookie"), None);
}

#[tokio::test]
async fn session_cookie_is_secure_off_loopback() {
    let app = start().await;
    let shop = App::new(
        Providers::sandbox(&app.sandbox).unwrap(),
        "https://shop.example/",
    )
    .unwrap();
    let request = axum::http::Request::get("/p4p")
        .body(Body::empty())
        .unwrap();
    let response = shop.router().oneshot(request).await.unwrap();
    let set = response.headers()["set-cookie"].to_str().unwrap();
    assert!(set.contains("; Secure"), "{set}");
}

#[tokio::test]
async fn a_form_without_the_session_csrf_token_is_refused_and_changes_nothing() {
    let app = start().await;
    let account = "/payex/accounts/5000001";
    let page = get(app.addr, account, None).await;
    let cookie = session_cookie(&page);
    let token = csrf(&page.text());

    // Another session's token, or none, is refused.
    let other = get(app.addr, account, None).await;
    let refused = post_form(
        app.addr,
        &format!("{account}/recurring"),
        &cookie,
        &format!("csrf={}&scope=totalDebt", csrf(&other.text())),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert!(refused.text().contains("Form expired"));
    let missing = post_form(
        app.addr,
        &format!("{account}/recurring"),
        &cookie,
        "scope=totalDebt",
    )
    .await;
    assert_eq!(missing.status, 400, "{}", missing.text());
    let unchanged = get(app.addr, account, Some(&cookie)).await.text();
    assert!(
        unchanged.contains("Autogiro: fixedRecurring"),
        "{unchanged}"
    );

    // The page's own token works, and answers 303 to the page.
    let saved = post_form(
        app.addr,
        &format!("{account}/recurring"),
        &cookie,
        &format!("csrf={token}&scope=totalDebt&fixed_amount="),
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert_eq!(
        saved.header("location"),
        Some("/payex/accounts/5000001?notice=recurring-saved")
    );
    let changed = get(app.addr, account, Some(&cookie)).await.text();
    assert!(changed.contains("Autogiro: totalDebt"), "{changed}");
}

#[tokio::test]
async fn errors_are_friendly_pages() {
    let app = start().await;
    let missing = get(app.addr, "/no/such/page", None).await;
    assert_eq!(missing.status, 404);
    assert!(
        missing
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(missing.text().contains("Page not found"));

    let wrong_method = send(app.addr, "DELETE", "/", &[], None).await.unwrap();
    assert_eq!(wrong_method.status, 405);
    assert!(wrong_method.text().contains("<h1>Not allowed</h1>"));

    let bad_month = get(
        app.addr,
        "/payex/accounts/5000001/transactions?month=2026-13",
        None,
    )
    .await;
    assert_eq!(bad_month.status, 400);
    assert!(bad_month.text().contains("Bad request"));

    let bad_page = get(
        app.addr,
        "/payex/accounts/5000001/transactions?page=x",
        None,
    )
    .await;
    assert_eq!(bad_page.status, 400);
    assert!(bad_page.text().contains("<h1>Bad request</h1>"));
}

#[tokio::test]
async fn a_shopper_sees_only_their_own_accounts_and_payments() {
    let app = start().await;
    // 6000001 belongs to another (generated) customer of the sandbox.
    for path in [
        "/payex/accounts/6000001",
        "/payex/accounts/6000001/transactions",
        "/payex/accounts/6000001/cancel",
        "/avarda/payments/someone-elses-purchase",
    ] {
        let reply = get(app.addr, path, None).await;
        assert_eq!(reply.status, 404, "{path}: {}", reply.text());
        assert!(reply.text().contains("Not found"), "{path}");
    }
    let reply = get(app.addr, "/payex/accounts/6000001/bills/1/pdf", None).await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn no_secret_reaches_a_page_or_a_url() {
    let app = start().await;
    let payex = PayexClient::builder()
        .base_url(app.sandbox.payex_url())
        .ledger(credentials::PAYEX_LEDGER)
        .token(SecretString::from(credentials::PAYEX_TOKEN))
        .build()
        .unwrap();
    let card_tokens: Vec<String> = payex
        .cards("5000001")
        .list()
        .all()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|card| card.token.map(|token| token.expose().clone()))
        .collect();
    assert!(!card_tokens.is_empty());
    let mut secrets = vec![
        credentials::PAYEX_TOKEN.to_owned(),
        credentials::P4P_KEY.to_owned(),
        credentials::AVARDA_CLIENT_SECRET.to_owned(),
        SANDBOX_SHOPPER.to_owned(),
    ];
    secrets.extend(card_tokens);

    let first = get(app.addr, "/", None).await;
    let cookie = session_cookie(&first);
    let mut seen = vec![first];
    for path in [
        "/payex/accounts/5000001",
        "/payex/accounts/5000001/transactions",
        "/payex/accounts/5000001/cancel",
        "/avarda",
        "/avarda/accounts",
        "/p4p",
    ] {
        seen.push(get(app.addr, path, Some(&cookie)).await);
    }
    let invoices = get(app.addr, "/avarda", Some(&cookie)).await.text();
    let invoice = invoices
        .split("name=\"account_id\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let started = post_form(
        app.addr,
        "/avarda/pay",
        &cookie,
        &format!("csrf={}&account_id={invoice}", csrf(&invoices)),
    )
    .await;
    assert_eq!(started.status, 303, "{}", started.text());
    let payment = started.header("location").unwrap().to_owned();
    seen.push(started);
    let payment_page = get(app.addr, &payment, Some(&cookie)).await;
    assert_eq!(payment_page.status, 200, "{}", payment_page.text());
    assert!(payment_page.text().contains("data-state=\"Unpaid\""));
    seen.push(payment_page);

    for reply in &seen {
        let all = format!("{:?}\n{}", reply.headers, reply.text());
        for secret in &secrets {
            assert!(
                !all.contains(secret.as_str()),
                "a secret in a page or URL:\n{all}"
            );
        }
        assert!(
            !all.contains("jwt"),
            "the pay session's JWT is never passed on"
        );
    }
}

#[tokio::test]
async fn the_bill_pdf_passes_through_unchanged_as_an_attachment() {
    let app = start().await;
    let reply = get(app.addr, "/payex/accounts/5000001/bills/2003/pdf", None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert_eq!(
        reply.header("content-disposition"),
        Some("attachment; filename=\"bill-2003.pdf\"")
    );
    let payex = PayexClient::builder()
        .base_url(app.sandbox.payex_url())
        .ledger(credentials::PAYEX_LEDGER)
        .token(SecretString::from(credentials::PAYEX_TOKEN))
        .build()
        .unwrap();
    let mut served = Vec::new();
    payex
        .bills("5000001")
        .document("2003")
        .download_to(&mut served)
        .await
        .unwrap();
    assert_eq!(reply.body, served);
}

#[tokio::test]
async fn avarda_strong_authentication_is_a_redirect_that_returns_to_the_page() {
    let app = start().await;
    let reply = get(app.addr, "/avarda/accounts", None).await;
    assert_eq!(reply.status, 303, "{}", reply.text());
    let location = reply.header("location").unwrap();
    assert!(
        location.starts_with(&app.sandbox.avarda_url()),
        "{location}"
    );

    // Confirmed on the provider's side, the same page shows the accounts.
    app.sandbox
        .avarda_confirm_strong_authentication(SANDBOX_SHOPPER);
    let reply = get(app.addr, "/avarda/accounts?returned=1", None).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.text().contains("id=\"accounts\""));
}

#[tokio::test]
async fn coming_back_without_identifying_shows_a_page_instead_of_a_loop() {
    let app = start().await;
    let reply = get(app.addr, "/avarda/accounts?returned=1", None).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.text().contains("id=\"not-identified\""));
}
