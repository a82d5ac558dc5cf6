//! The app in headless Chromium, on the embedded sandbox: the shopper's journey from the
//! overview through a PayEx account, its bill PDF and transactions, to Avarda's strong
//! authentication and pay pages and back; and a provider failing while the others show.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the tests print a notice
//! and pass, unless `MYPAGES_REQUIRE_TOOLS=1` (`cargo xtask ci`), where they fail.
//!
//! The screenshots in `docs/screenshots/` come from the ignored test here:
//! `cargo test -p my-pages --test browser -- --ignored screenshots`.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Browser, browser_available, start};
use mypages_sandbox::credentials;
use mypages_sandbox::{FaultKind, FaultRule, Provider};
use payex_client::{PayexClient, SecretString};

/// The demo customer's PayEx account with an open bill.
const ACCOUNT: &str = "5000001";
const OPEN_BILL: &str = "2003";

/// What the sandbox serves as the bill's PDF, read with the SDK directly.
async fn sandbox_pdf(payex_url: &str) -> Vec<u8> {
    let payex = PayexClient::builder()
        .base_url(payex_url)
        .ledger(credentials::PAYEX_LEDGER)
        .token(SecretString::from(credentials::PAYEX_TOKEN))
        .build()
        .unwrap();
    let mut bytes = Vec::new();
    payex
        .bills(ACCOUNT)
        .document(OPEN_BILL)
        .download_to(&mut bytes)
        .await
        .unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overview_payex_pdf_avarda_strong_authentication_and_payment() {
    if !browser_available() {
        return;
    }
    let app = start().await;
    let browser = Browser::open("journey").await;

    // Overview: all three providers.
    browser.go(&format!("{}/", app.url)).await;
    assert!(
        browser
            .text("#provider-payex")
            .await
            .contains("4821.35 SEK")
    );
    assert!(
        browser
            .text("#provider-avarda")
            .await
            .contains("1249.50 SEK")
    );
    assert!(browser.text("#provider-p4p").await.contains("610.25 SEK"));
    assert!(
        browser.has("#avarda-locked").await,
        "Avarda accounts wait for identification"
    );

    // PayEx account.
    browser
        .click(&format!(
            "#provider-payex a[href='/payex/accounts/{ACCOUNT}']"
        ))
        .await;
    browser
        .wait_for_url(&format!("{}/payex/accounts/{ACCOUNT}", app.url))
        .await;
    assert_eq!(browser.text("h1").await, format!("PayEx account {ACCOUNT}"));
    let cards = browser.text("#cards").await;
    assert!(cards.contains("•••• "), "{cards}");
    assert!(
        !cards.chars().any(|c| c == '*')
            && cards
                .lines()
                .all(|l| l.chars().filter(char::is_ascii_digit).count() == 4),
        "cards show only their last four digits: {cards}"
    );

    // The bill's PDF, streamed through the app: the same bytes as the sandbox serves.
    browser
        .click(&format!("tr.bill[data-bill='{OPEN_BILL}'] a.pdf"))
        .await;
    let downloaded = browser.downloaded(&format!("bill-{OPEN_BILL}.pdf")).await;
    let served = sandbox_pdf(&app.sandbox.payex_url()).await;
    assert!(downloaded.starts_with(b"%PDF-"), "a PDF");
    assert_eq!(downloaded, served, "the PDF passes through unchanged");

    // Transactions by month, page by page.
    browser.click("#transactions").await;
    browser.click("#previous-month").await;
    browser
        .wait_for_url(&format!(
            "{}/payex/accounts/{ACCOUNT}/transactions?month=",
            app.url
        ))
        .await;
    let first_page = browser.text("#transactions").await;
    browser.click("#next-page").await;
    assert_eq!(browser.text("#page").await, "Page 2");
    assert_ne!(
        browser.text("#transactions").await,
        first_page,
        "another page"
    );
    browser.click("#previous-page").await;
    assert_eq!(browser.text("#page").await, "Page 1");
    assert_eq!(browser.text("#transactions").await, first_page);

    // Avarda accounts: strong authentication on Avarda's page, then back to the accounts.
    browser.go(&format!("{}/avarda/accounts", app.url)).await;
    browser.wait_for_url(&app.sandbox.avarda_url()).await;
    assert!(browser.text("h1").await.contains("Identify"));
    browser.click("#confirm").await;
    browser
        .wait_for_url(&format!("{}/avarda/accounts", app.url))
        .await;
    assert!(
        browser.has("#accounts").await,
        "the accounts after identifying"
    );

    // Pay an account on Avarda's pay page, then see it paid.
    browser.click("#accounts button.pay").await;
    browser
        .wait_for_url(&format!("{}/avarda/payments/", app.url))
        .await;
    assert_eq!(
        browser.attribute("#payment-state", "data-state").await,
        "Unpaid"
    );
    let payment_page = browser.url().await;
    browser.click("#open-pay-page").await;
    browser.wait_for_url(&app.sandbox.avarda_url()).await;
    browser.click("#pay").await;
    assert_eq!(browser.attribute("#result", "data-state").await, "Paid");
    browser.go(&payment_page).await;
    assert_eq!(
        browser.attribute("#payment-state", "data-state").await,
        "Paid"
    );
    assert!(browser.has("#paid").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_provider_leaves_the_other_two_on_the_page() {
    if !browser_available() {
        return;
    }
    let app = start().await;
    app.sandbox
        .add_fault(FaultRule::new(FaultKind::Status(503)).provider(Provider::Payex));
    let browser = Browser::open("fault").await;
    browser.go(&format!("{}/", app.url)).await;
    let notice = browser.text("#failure-payex").await;
    assert!(notice.contains("PayEx could not be reached"), "{notice}");
    assert!(
        browser
            .text("#provider-avarda")
            .await
            .contains("1249.50 SEK")
    );
    assert!(browser.text("#provider-p4p").await.contains("610.25 SEK"));
    assert!(!browser.has("#provider-payex table").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recurring_settings_change_through_the_form() {
    if !browser_available() {
        return;
    }
    let app = start().await;
    let browser = Browser::open("recurring").await;
    browser
        .go(&format!("{}/payex/accounts/{ACCOUNT}", app.url))
        .await;
    browser.click("input[name=scope][value=totalDebt]").await;
    browser.click("#save-recurring").await;
    assert_eq!(
        browser.text("#notice").await,
        "Your recurring payment settings are saved."
    );
    assert!(
        browser
            .text("#recurring-current")
            .await
            .contains("totalDebt"),
        "the page shows what PayEx now holds"
    );
    // Reloading the page after the 303 sends nothing again.
    assert!(browser.url().await.ends_with("?notice=recurring-saved"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_cancellation_asks_for_confirmation_first() {
    if !browser_available() {
        return;
    }
    let app = start().await;
    let browser = Browser::open("cancel").await;
    browser
        .go(&format!("{}/payex/accounts/{ACCOUNT}", app.url))
        .await;
    browser.click("#request-cancellation").await;
    assert_eq!(browser.text("h1").await, "Request cancellation");
    browser.click("#keep").await;
    assert_eq!(browser.text("#account-status").await, "Open");
    browser.click("#request-cancellation").await;
    browser.click("#confirm").await;
    assert_eq!(
        browser.text("#notice").await,
        "We have asked PayEx to close the account."
    );
    assert_eq!(browser.text("#account-status").await, "PendingClose");
}

/// Regenerates `docs/screenshots/*.png` (ignored: run it on purpose).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes docs/screenshots; run with --ignored screenshots"]
async fn screenshots() {
    assert!(
        browser_available(),
        "screenshots need chromium and chromedriver"
    );
    let app = start().await;
    let browser = Browser::open("screenshots").await;
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let shots = [
        ("overview", "/".to_owned(), 1100, 1250),
        (
            "payex-account",
            format!("/payex/accounts/{ACCOUNT}"),
            1100,
            1400,
        ),
        ("avarda", "/avarda".to_owned(), 1100, 700),
        ("p4p", "/p4p".to_owned(), 1100, 800),
        ("overview-phone", "/".to_owned(), 390, 1500),
    ];
    for (name, path, width, height) in shots {
        browser.resize(width, height).await;
        browser.go(&format!("{}{path}", app.url)).await;
        browser.element("main h1").await;
        std::fs::write(out.join(format!("{name}.png")), browser.screenshot().await).unwrap();
    }
    // The transactions of last month (so the page has rows whatever today is).
    browser.resize(1100, 800).await;
    browser
        .go(&format!(
            "{}/payex/accounts/{ACCOUNT}/transactions",
            app.url
        ))
        .await;
    browser.click("#previous-month").await;
    browser.element("#transactions").await;
    std::fs::write(out.join("transactions.png"), browser.screenshot().await).unwrap();
}
