//! Every endpoint of the Ledger Account API through the real transport against a scripted
//! server on 127.0.0.1 whose base URL has a path prefix (`/payex`).

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions panic on broken fixtures, as tests do

mod support;

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use http::Method;
use payex_client::models::*;
use payex_client::{
    Category, ErrorKind, PayexClient, ProblemKind, RetryPolicy, SecretString, YearMonth,
};
use support::{LEDGER, PREFIX, Server, TOKEN};
use time::macros::date;

fn client(server: &Server) -> PayexClient {
    PayexClient::builder()
        .base_url(server.base_url())
        .ledger(LEDGER)
        .token(SecretString::from(TOKEN))
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

fn route(rest: &str) -> String {
    Server::route(rest)
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../mypages-models/tests/fixtures/payex/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn account_json(no: &str, credit_limit: &str) -> String {
    format!(
        r#"{{"@id":"/ledger/account/v1/501/accounts/{no}","accountNo":"{no}","customerNo":"456","status":"Open",
            "creditLimit":{credit_limit},"totalBalance":-1900.0,"currency":"sek",
            "openBill":"/ledger/account/v1/501/accounts/{no}/bills/reminder-456",
            "bills":"/ledger/account/v1/501/accounts/{no}/bills",
            "customer":"/ledger/customers/v1/501/customer/456"}}"#
    )
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

// ---------------------------------------------------------------------------------------
// accounts

#[tokio::test]
async fn accounts_list_follows_navigation_next_over_several_pages_keeping_the_prefix() {
    let server = Server::start().await;
    let first = route("/accounts?customerNo=456");
    server.json(Method::GET, &first, 200, &format!(
        r#"{{"items":[{},{}],"navigation":{{"@id":"/ledger/account/v1/501/accounts","first":"/ledger/account/v1/501/accounts?customerNo=456&skip=0",
            "next":"/ledger/account/v1/501/accounts?customerNo=456&skip=2"}}}}"#,
        account_json("1", "2000.00"), account_json("2", "0")
    ));
    server.json(Method::GET, &route("/accounts?customerNo=456&skip=2"), 200, &format!(
        r#"{{"items":[{}],"navigation":{{"previous":"/ledger/account/v1/501/accounts?customerNo=456&skip=0",
            "next":"/ledger/account/v1/501/accounts?customerNo=456&skip=3"}}}}"#,
        account_json("3", "79228162514264337593543950335")
    ));
    server.json(
        Method::GET,
        &route("/accounts?customerNo=456&skip=3"),
        200,
        r#"{"items":[],"navigation":{"next":null}}"#,
    );

    let payex = client(&server);
    let accounts = payex
        .accounts()
        .list()
        .customer_no("456")
        .all()
        .await
        .unwrap();
    let numbers: Vec<_> = accounts.iter().map(|a| a.account_no.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    assert_eq!(accounts[0].credit_limit.unwrap().to_string(), "2000.00");
    assert_eq!(
        accounts[2].credit_limit.unwrap().to_string(),
        "79228162514264337593543950335"
    );
    assert_eq!(accounts[0].currency, Some(Currency::Sek));

    let seen = server.seen();
    let targets: Vec<_> = seen.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            first.as_str(),
            &route("/accounts?customerNo=456&skip=2"),
            &route("/accounts?customerNo=456&skip=3"),
        ]
    );
    for request in &seen {
        assert_eq!(request.headers["authorization"], format!("Bearer {TOKEN}"));
        assert_eq!(
            request.headers["user-agent"],
            concat!("mypages-payex/", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[tokio::test]
async fn pages_are_fetched_lazily_one_at_a_time() {
    let server = Server::start().await;
    server.json(Method::GET, &route("/accounts?accountNo=1"), 200, &format!(
        r#"{{"items":[{}],"navigation":{{"next":"/ledger/account/v1/501/accounts?accountNo=1&skip=1"}}}}"#,
        account_json("1", "1")
    ));
    server.json(Method::GET, &route("/accounts?accountNo=1&customerNo=9"), 200, &format!(
        r#"{{"items":[{}],"navigation":{{"next":"/ledger/account/v1/501/accounts?accountNo=1&customerNo=9&skip=1"}}}}"#,
        account_json("1", "1")
    ));
    let payex = client(&server);
    let mut pages = payex.accounts().list().account_no("1").pages();
    let page = pages.try_next().await.unwrap().unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(
        server.seen().len(),
        1,
        "the second page is not requested before it is asked for"
    );

    let mut items = payex
        .accounts()
        .list()
        .account_no("1")
        .customer_no("9")
        .items();
    let first = items.try_next().await.unwrap().unwrap();
    assert_eq!(first.account_no, "1");
    assert_eq!(
        server.seen()[1].target,
        route("/accounts?accountNo=1&customerNo=9")
    );
    assert_eq!(
        server.seen().len(),
        2,
        "only the page holding the item taken was fetched"
    );
}

#[tokio::test]
async fn a_next_link_that_repeats_ends_the_list() {
    let server = Server::start().await;
    let looping = r#"{"items":[{"amount":1}],"view":{"next":"/ledger/account/v1/501/accounts/NNN/reservations?$skip=1"}}"#;
    server.json(
        Method::GET,
        &route("/accounts/NNN/reservations"),
        200,
        looping,
    );
    server.json(
        Method::GET,
        &route("/accounts/NNN/reservations?$skip=1"),
        200,
        looping,
    );
    let reservations = client(&server).reservations("NNN").all().await.unwrap();
    assert_eq!(reservations.len(), 2);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn account_get_decodes_the_documented_example() {
    let server = Server::start().await;
    server.json(
        Method::GET,
        &route("/accounts/NNN"),
        200,
        &fixture("account_get_200"),
    );
    let account = client(&server).accounts().get("NNN").await.unwrap();
    assert_eq!(account.account_no, "1234567");
    assert_eq!(account.credit_limit.unwrap().to_string(), "2000.00");
    assert_eq!(account.max_payment_amount.unwrap().to_string(), "51900.0");
    assert_eq!(server.only().method, Method::GET);
}

#[tokio::test]
async fn account_ids_are_one_encoded_path_segment() {
    let server = Server::start().await;
    server.json(
        Method::GET,
        &route("/accounts/a%20b%25c"),
        200,
        &account_json("a b%c", "1"),
    );
    let account = client(&server).accounts().get("a b%c").await.unwrap();
    assert_eq!(account.account_no, "a b%c");
}

#[tokio::test]
async fn ids_are_checked_before_sending() {
    let server = Server::start().await;
    let payex = client(&server);
    let long = "1".repeat(51);
    let bad_ids = [
        "",
        " ",
        "a/b",
        "a?b",
        "a#b",
        "..",
        ".",
        "a\nb",
        long.as_str(),
    ];
    for bad in bad_ids {
        let error = payex.accounts().get(bad).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{bad:?}");
        assert_eq!(error.argument(), Some("account_no"), "{bad:?}: {error}");
        let error = payex.bills(bad).list().all().await.unwrap_err();
        assert_eq!(error.argument(), Some("account_no"), "{bad:?}: {error}");
        let error = payex.bills("NNN").get(bad).await.unwrap_err();
        assert_eq!(error.argument(), Some("bill_id"), "{bad:?}: {error}");
        let error = payex.cards("NNN").get(bad).await.unwrap_err();
        assert_eq!(error.argument(), Some("card_token"), "{bad:?}: {error}");
        if bad.len() >= 3 {
            assert!(!error.to_string().contains(bad), "never quoted: {error}");
        }
        let card = CardRegistration::new(Sensitive::new(bad.to_owned()));
        let error = payex.cards("NNN").add(&card).await.unwrap_err();
        assert_eq!(error.argument(), Some("card.token"), "{bad:?}: {error}");
    }
    let over_long = "1".repeat(300);
    let error = payex.accounts().get(&over_long).await.unwrap_err();
    assert!(error.to_string().contains("at most 50"), "{error}");
    let error = payex
        .accounts()
        .list()
        .account_no(long.clone())
        .into_list()
        .all()
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("account_no"));
    let error = payex
        .accounts()
        .list()
        .customer_no("1\n2")
        .into_list()
        .all()
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("customer_no"));
    assert!(
        server.seen().is_empty(),
        "nothing may be sent: {:?}",
        server.seen()
    );

    for ledger in ["abc-1", "1 2", "50/1", long.as_str()] {
        let error = PayexClient::builder()
            .base_url(server.base_url())
            .ledger(ledger)
            .token(SecretString::from(TOKEN))
            .build()
            .unwrap_err();
        assert_eq!(error.argument(), Some("ledger"), "{ledger:?}: {error}");
    }
    let fifty = "9".repeat(50);
    for ledger in ["501", "XXX", fifty.as_str()] {
        PayexClient::builder()
            .base_url(server.base_url())
            .ledger(ledger)
            .token(SecretString::from(TOKEN))
            .build()
            .unwrap();
    }
}

#[tokio::test]
async fn update_sends_only_the_fields_set() {
    let server = Server::start().await;
    server.no_content(Method::PATCH, &route("/accounts/NNN"));
    let payex = client(&server);
    payex
        .accounts()
        .set_charity_donation("NNN", false)
        .await
        .unwrap();
    let request = server.only();
    assert_eq!(request.method, Method::PATCH);
    assert_eq!(request.text(), r#"{"charityDonation":false}"#);
    assert_eq!(request.headers["content-type"], "application/json");

    payex
        .accounts()
        .update(
            "NNN",
            &AccountUpdate::new()
                .with_credit_limit(dec("2000.00"))
                .with_charity_donation(true),
        )
        .await
        .unwrap();
    assert_eq!(
        server.seen()[1].text(),
        r#"{"charityDonation":true,"creditLimit":2000.00}"#
    );
}

#[tokio::test]
async fn invalid_updates_are_refused_before_sending() {
    let server = Server::start().await;
    let payex = client(&server);
    let error = payex
        .accounts()
        .update("NNN", &AccountUpdate::new().with_credit_limit(dec("-0.01")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("credit_limit"));
    assert!(!error.may_have_reached_server());
    let error = payex
        .accounts()
        .update("NNN", &AccountUpdate::new())
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("update"));
    let error = payex
        .accounts()
        .lower_credit_limit("NNN", dec("-1"))
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("credit_limit"));
    let error = payex.accounts().get(" ").await.unwrap_err();
    assert_eq!(error.argument(), Some("account_no"));
    assert!(
        server.seen().is_empty(),
        "nothing may be sent: {:?}",
        server.seen()
    );
}

#[tokio::test]
async fn lower_credit_limit_checks_the_current_limit_first() {
    let server = Server::start().await;
    server.json(
        Method::GET,
        &route("/accounts/NNN"),
        200,
        &account_json("NNN", "2000.00"),
    );
    server.no_content(Method::PATCH, &route("/accounts/NNN"));
    let payex = client(&server);

    let error = payex
        .accounts()
        .lower_credit_limit("NNN", dec("2000.01"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("credit_limit"));
    assert!(error.to_string().contains("only be lowered"), "{error}");
    assert!(
        server.seen().iter().all(|s| s.method == Method::GET),
        "no PATCH after a refused raise"
    );

    let before = payex
        .accounts()
        .lower_credit_limit("NNN", dec("1500.50"))
        .await
        .unwrap();
    assert_eq!(before.unwrap().to_string(), "2000.00");
    let patch = server
        .seen()
        .into_iter()
        .find(|s| s.method == Method::PATCH)
        .unwrap();
    assert_eq!(patch.text(), r#"{"creditLimit":1500.50}"#);
}

#[tokio::test]
async fn register_psp_payment_sends_the_documented_body() {
    let server = Server::start().await;
    let target = route("/accounts/NNN/register-psp-payment");
    server.no_content(Method::POST, &target);
    let payment = PspPayment::new(
        dec("2000.00"),
        date!(2021 - 01 - 01),
        "123456789".to_owned(),
    );
    client(&server)
        .accounts()
        .register_psp_payment("NNN", &payment)
        .await
        .unwrap();
    let request = server.only();
    assert_eq!(request.target, target);
    assert_eq!(
        request.text(),
        r#"{"Amount":2000.00,"PaymentDate":"2021-01-01","sourcePspPaymentTransactionId":"123456789"}"#
    );
}

#[tokio::test]
async fn register_psp_payment_validates_before_sending() {
    let server = Server::start().await;
    let payex = client(&server);
    for (amount, id, argument) in [
        ("0", "id", "amount"),
        ("-5", "id", "amount"),
        ("1", "", "transaction_id"),
        ("1", &"x".repeat(51) as &str, "transaction_id"),
    ] {
        let payment = PspPayment::new(dec(amount), date!(2021 - 01 - 01), id.to_owned());
        let error = payex
            .accounts()
            .register_psp_payment("NNN", &payment)
            .await
            .unwrap_err();
        assert_eq!(error.argument(), Some(argument), "{amount} {id}: {error}");
    }
    let payment = PspPayment::new(dec("0.01"), date!(2021 - 01 - 01), "é".repeat(50));
    server.no_content(Method::POST, &route("/accounts/NNN/register-psp-payment"));
    payex
        .accounts()
        .register_psp_payment("NNN", &payment)
        .await
        .unwrap();
    assert_eq!(server.seen().len(), 1, "only the valid payment was sent");
}

#[tokio::test]
async fn register_psp_payment_is_never_retried_but_reads_are() {
    let server = Server::start().await;
    server.json(
        Method::POST,
        &route("/accounts/NNN/register-psp-payment"),
        503,
        "{}",
    );
    server.json(Method::GET, &route("/accounts/NNN"), 503, "{}");
    let payex = client(&server);
    let payment = PspPayment::new(dec("10"), date!(2021 - 01 - 01), "t-1".to_owned());
    let error = payex
        .accounts()
        .register_psp_payment("NNN", &payment)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.may_have_reached_server());
    assert_eq!(server.seen().len(), 1, "a payment is sent once");

    let error = payex.accounts().get("NNN").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.seen().len(), 4, "a read is retried (3 attempts)");
}

#[tokio::test]
async fn request_close_posts_once_and_is_never_retried() {
    let server = Server::start().await;
    server.no_content(Method::POST, &route("/accounts/NNN/request-close-account"));
    server.json(
        Method::POST,
        &route("/accounts/OTHER/request-close-account"),
        503,
        "{}",
    );
    let payex = client(&server);
    payex.accounts().request_close("NNN").await.unwrap();
    let seen = server.only();
    assert_eq!(seen.method, Method::POST);
    assert_eq!(seen.target, route("/accounts/NNN/request-close-account"));
    assert_eq!(
        seen.headers.get("authorization").unwrap(),
        &format!("Bearer {TOKEN}")
    );

    let error = payex.accounts().request_close("OTHER").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.may_have_reached_server());
    assert_eq!(server.seen().len(), 2, "a close request is sent once");

    let error = payex.accounts().request_close("a/b").await.unwrap_err();
    assert_eq!(error.argument(), Some("account_no"));
    assert_eq!(
        server.seen().len(),
        2,
        "nothing sent for a bad account number"
    );
}

// ---------------------------------------------------------------------------------------
// bills

#[tokio::test]
async fn bills_list_get_and_view_paging() {
    let server = Server::start().await;
    server.json(Method::GET, &route("/accounts/NNN/bills"), 200, &fixture("bills_list_200").replace(
        r#""@id": "/ledger/account/v1/501/accounts/NNN/bills?status=open","#,
        r#""@id": "/ledger/account/v1/501/accounts/NNN/bills?status=open", "view": {"next": "/ledger/account/v1/501/accounts/NNN/bills?$top=3&$skip=3"},"#,
    ));
    server.json(
        Method::GET,
        &route("/accounts/NNN/bills?$top=3&$skip=3"),
        200,
        &format!(r#"{{"items":[{}]}}"#, fixture("bill_get_200")),
    );
    server.json(
        Method::GET,
        &route("/accounts/NNN/bills/reminder-123"),
        200,
        &fixture("bill_get_200"),
    );
    let payex = client(&server);

    let bills = payex.bills("NNN").list().all().await.unwrap();
    assert_eq!(bills.len(), 4);
    assert_eq!(bills[0].bill_type, Some(BillType::Reminder1));
    assert_eq!(bills[0].bill_amount.unwrap().to_string(), "240.00");
    assert_eq!(
        server.seen()[1].target,
        route("/accounts/NNN/bills?$top=3&$skip=3")
    );

    let bill = payex.bills("NNN").get("reminder-123").await.unwrap();
    assert_eq!(bill.status, Some(BillStatus::Open));

    server.json(
        Method::GET,
        &route("/accounts/NNN/bills?status=closed"),
        200,
        r#"{"items":[]}"#,
    );
    let closed = payex
        .bills("NNN")
        .list_by_status(BillStatus::Closed)
        .all()
        .await
        .unwrap();
    assert!(closed.is_empty());
    assert_eq!(
        server.seen().last().unwrap().target,
        route("/accounts/NNN/bills?status=closed")
    );
    assert_eq!(
        bill.active_payment_details
            .unwrap()
            .minimum_amount_to_be_payed
            .unwrap()
            .to_string(),
        "240.00"
    );
}

#[tokio::test]
async fn a_malformed_next_link_is_an_answer_that_does_not_decode() {
    let server = Server::start().await;
    server.json(
        Method::GET,
        &route("/accounts/NNN/bills"),
        200,
        r#"{"items":[],"view":{"next":"../dictionary"}}"#,
    );
    let error = client(&server).bills("NNN").list().all().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("../dictionary"), "{error}");
}

fn pdf_bytes() -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    for i in 0..200_000u32 {
        pdf.push((i % 251) as u8);
    }
    pdf.extend_from_slice(b"\n%%EOF\n");
    pdf
}

#[tokio::test]
async fn bill_document_downloads_byte_exact_to_any_writer() {
    let server = Server::start().await;
    let target = route("/accounts/NNN/bills/reminder-123/document");
    let pdf = pdf_bytes();
    server.bytes(Method::GET, &target, 200, "application/pdf", pdf.clone());
    let payex = client(&server);

    let mut buffer = Vec::new();
    let written = payex
        .bills("NNN")
        .document("reminder-123")
        .download_to(&mut buffer)
        .await
        .unwrap();
    assert_eq!(written, pdf.len() as u64);
    assert!(buffer == pdf, "the document must arrive byte for byte");
    let request = server.only();
    assert_eq!(request.target, target);
    assert_eq!(request.headers["accept"], "application/pdf");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bill.pdf");
    let mut file = tokio::fs::File::create(&path).await.unwrap();
    payex
        .follow_document("/ledger/account/v1/501/accounts/NNN/bills/reminder-123/document")
        .download_to(&mut file)
        .await
        .unwrap();
    drop(file);
    assert!(std::fs::read(&path).unwrap() == pdf);

    let stream = payex
        .bills("NNN")
        .document("reminder-123")
        .stream()
        .await
        .unwrap();
    assert_eq!(stream.content_type(), Some("application/pdf"));
    let chunks: Vec<_> = stream.try_collect().await.unwrap();
    assert!(chunks.concat() == pdf);
}

#[tokio::test]
async fn bill_document_errors_are_problems_and_write_failures_are_their_own_kind() {
    let server = Server::start().await;
    server.problem(Method::GET, &route("/accounts/NNN/bills/missing/document"), 404,
        r#"{"type":"ledger.account.account-not-found","title":"Not found","status":404,"instance":"i-1"}"#);
    server.bytes(
        Method::GET,
        &route("/accounts/NNN/bills/ok/document"),
        200,
        "application/pdf",
        pdf_bytes(),
    );
    let payex = client(&server);
    let error = payex
        .bills("NNN")
        .document("missing")
        .download_to(&mut Vec::new())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(ProblemKind::of(&error), Some(ProblemKind::AccountNotFound));
    assert_eq!(error.category(), Category::NotFound);

    struct Broken;
    impl tokio::io::AsyncWrite for Broken {
        fn poll_write(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            _: &[u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            std::task::Poll::Ready(Err(std::io::Error::other("disk full")))
        }
        fn poll_flush(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn poll_shutdown(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
    }
    let error = payex
        .bills("NNN")
        .document("ok")
        .download_to(&mut Broken)
        .await
        .unwrap_err();
    // Writing the document failed: the writer is the argument at fault.
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("writer"));
    assert!(error.to_string().contains("disk full"), "{error}");
    let error = payex
        .bills("NNN")
        .document("")
        .download_to(&mut Vec::new())
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("bill_id"));
    assert_eq!(server.seen().len(), 2);
}

// ---------------------------------------------------------------------------------------
// cards

#[tokio::test]
async fn cards_list_get_add_replace_update() {
    let server = Server::start().await;
    let cards =
        fixture("cards_list_200").replace("/ledger/account/v1/XXX/", "/ledger/account/v1/501/");
    server.json(Method::GET, &route("/accounts/NNN/cards"), 200, &cards);
    server.json(
        Method::GET,
        &route("/accounts/NNN/cards?$top=2&$skip=2"),
        200,
        r#"{"items":[{"token":"third","PanTrunc":"1*1"}],"view":{"@id":"/x","next":null}}"#,
    );
    let token = "954c8699-b38f-47a2-b568-668b8837dad8";
    server.json(
        Method::GET,
        &route(&format!("/accounts/NNN/cards/{token}")),
        200,
        &fixture("card_get_200"),
    );
    server.json(Method::POST, &route("/accounts/NNN/cards"), 201, "");
    server.no_content(
        Method::POST,
        &route(&format!("/accounts/NNN/cards/{token}/add-replacement-card")),
    );
    server.no_content(
        Method::PATCH,
        &route(&format!("/accounts/NNN/cards/{token}")),
    );
    let payex = client(&server);

    let all = payex.cards("NNN").list().all().await.unwrap();
    let tokens: Vec<_> = all
        .iter()
        .map(|c| c.token.as_ref().unwrap().expose().as_str())
        .collect();
    assert_eq!(
        tokens,
        [token, "274c8699-b38f-47a2-b568-668b8837dat7", "third"]
    );

    let card = payex.cards("NNN").get(token).await.unwrap();
    assert_eq!(card.pan_trunc.as_deref(), Some("85479*********648"));
    assert!(card.find_operation("add-replacement-card").is_some());

    let registration: CardRegistration =
        serde_json::from_str(&fixture("card_add_request")).unwrap();
    payex.cards("NNN").add(&registration).await.unwrap();
    payex
        .cards("NNN")
        .add_replacement(token, &registration)
        .await
        .unwrap();
    payex
        .cards("NNN")
        .update(token, &CardUpdate::new().with_deleted(true))
        .await
        .unwrap();

    let seen = server.seen();
    let add = &seen[3];
    assert_eq!(add.method, Method::POST);
    assert_eq!(
        add.json(),
        serde_json::from_str::<serde_json::Value>(&fixture("card_add_request")).unwrap()
    );
    assert_eq!(
        seen[4].target,
        route(&format!("/accounts/NNN/cards/{token}/add-replacement-card"))
    );
    assert_eq!(seen[4].json()["PanTrunc"], "85479*********648");
    assert_eq!(seen[5].method, Method::PATCH);
    assert_eq!(seen[5].text(), r#"{"deleted":true}"#);

    let error = payex
        .cards("NNN")
        .update(token, &CardUpdate::new())
        .await
        .unwrap_err();
    assert_eq!(error.argument(), Some("update"));
    let error = payex
        .cards("NNN")
        .add(&CardRegistration::new(Sensitive::new(String::new())))
        .await
        .unwrap_err();
    assert_eq!(
        error.argument(),
        Some("card.token"),
        "the card's token, not the bearer token"
    );
    assert_eq!(server.seen().len(), 6);
}

// ---------------------------------------------------------------------------------------
// transactions and reservations

#[tokio::test]
async fn transactions_by_default_range_and_month() {
    let server = Server::start().await;
    let body = fixture("transactions_list_200");
    server.json(
        Method::GET,
        &route("/accounts/NNN/transactions"),
        200,
        &body,
    );
    server.json(
        Method::GET,
        &route("/accounts/NNN/transactions?fromDate=2020-02-10&todate=2020-06-01"),
        200,
        &body,
    );
    server.json(
        Method::GET,
        &route("/accounts/NNN/transactions?month=2020-04"),
        200,
        &body,
    );
    let payex = client(&server);

    let all = payex.transactions("NNN").list().all().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].r#type, Some(TransactionType::Payment));
    assert_eq!(all[1].amount.unwrap().to_string(), "200.00");
    payex
        .transactions("NNN")
        .list()
        .between(date!(2020 - 02 - 10), date!(2020 - 06 - 01))
        .all()
        .await
        .unwrap();
    payex
        .transactions("NNN")
        .list()
        .month("2020-04".parse::<YearMonth>().unwrap())
        .all()
        .await
        .unwrap();
    payex
        .transactions("NNN")
        .list()
        .between(date!(2020 - 02 - 10), date!(2020 - 02 - 10))
        .items()
        .next()
        .await;
    assert_eq!(server.seen().len(), 4);

    let error = payex
        .transactions("NNN")
        .list()
        .between(date!(2020 - 06 - 02), date!(2020 - 06 - 01))
        .all()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("from"));
    assert_eq!(server.seen().len(), 4, "a reversed range is not sent");
}

#[tokio::test]
async fn reservations_accept_the_documented_201() {
    let server = Server::start().await;
    server.json(
        Method::GET,
        &route("/accounts/NNN/reservations"),
        201,
        &fixture("reservations_list_201"),
    );
    let reservations = client(&server).reservations("NNN").all().await.unwrap();
    assert_eq!(reservations.len(), 2);
    assert_eq!(reservations[1].amount.unwrap().to_string(), "450.00");
}

// ---------------------------------------------------------------------------------------
// recurring payments

#[tokio::test]
async fn recurring_payment_configuration_get_create_update_delete() {
    let server = Server::start().await;
    let target = route("/accounts/NNN/recurring-payment-configuration");
    server.json(
        Method::GET,
        &target,
        200,
        &fixture("recurring_payment_configuration_get_200"),
    );
    server.json(
        Method::POST,
        &target,
        201,
        &fixture("recurring_payment_configuration_get_200"),
    );
    server.no_content(Method::PATCH, &target);
    server.no_content(Method::DELETE, &target);
    let payex = client(&server);
    let recurring = payex.recurring_payments("NNN");

    let config = recurring.get().await.unwrap();
    assert_eq!(config.payment_scope, Some(PaymentScope::FixedRecurring));
    assert_eq!(config.fixed_amount.unwrap().to_string(), "1500.00");

    let create = RecurringPaymentConfigurationCreate::new(
        PaymentMethod::Autogiro,
        PaymentScope::BilledAmount,
    )
    .with_fixed_amount(dec("0.00"));
    let created = recurring.create(&create).await.unwrap();
    assert_eq!(
        created.unwrap().payment_method,
        Some(PaymentMethod::Autogiro)
    );
    let update = RecurringPaymentConfigurationUpdate::new()
        .with_payment_scope(PaymentScope::BilledAmount)
        .with_fixed_amount(dec("0.00"));
    assert_eq!(recurring.update(&update).await.unwrap(), None);
    recurring.delete().await.unwrap();

    let seen = server.seen();
    assert_eq!(
        seen[1].text(),
        r#"{"paymentMethod":"autogiro","paymentScope":"billedAmount","fixedAmount":0.00}"#
    );
    assert_eq!(
        seen[2].text(),
        r#"{"paymentScope":"billedAmount","fixedAmount":0.00}"#
    );
    assert_eq!(seen[3].method, Method::DELETE);
    assert_eq!(seen[3].text(), "{}");

    let bad = RecurringPaymentConfigurationCreate::new(
        PaymentMethod::Autogiro,
        PaymentScope::FixedRecurring,
    );
    assert_eq!(
        recurring.create(&bad).await.unwrap_err().argument(),
        Some("fixed_amount")
    );
    let bad = RecurringPaymentConfigurationUpdate::new().with_fixed_amount(dec("-1"));
    assert_eq!(
        recurring.update(&bad).await.unwrap_err().argument(),
        Some("fixed_amount")
    );
    assert_eq!(
        recurring
            .update(&RecurringPaymentConfigurationUpdate::new())
            .await
            .unwrap_err()
            .argument(),
        Some("update")
    );
    assert_eq!(server.seen().len(), 4);
}

#[tokio::test]
async fn active_payment_orders_follow_view_next() {
    let server = Server::start().await;
    let body = fixture("active_payment_orders_list_200")
        .replace("/ledger/account/v1/XXX/", "/ledger/account/v1/501/");
    server.json(
        Method::GET,
        &route("/accounts/NNN/active-payment-orders"),
        200,
        &body,
    );
    server.json(Method::GET, &route("/accounts/NNN/active-payment-orders?$top=2&$skip=2"), 200,
        r#"{"operations":null,"items":[{"paymentMethod":"autogiro","executeDate":"2020-03-15","amount":12345678901234567890.12}]}"#);
    let orders = client(&server)
        .active_payment_orders("NNN")
        .all()
        .await
        .unwrap();
    assert_eq!(orders.len(), 2);
    assert_eq!(
        orders[1].amount.unwrap().to_string(),
        "12345678901234567890.12"
    );
    assert_eq!(orders[1].execute_date, Some(date!(2020 - 03 - 15)));
}

// ---------------------------------------------------------------------------------------
// links

#[tokio::test]
async fn returned_links_are_followed_with_typed_calls() {
    let server = Server::start().await;
    server.json(
        Method::GET,
        &route("/accounts/NNN"),
        200,
        &account_json("NNN", "1"),
    );
    server.json(
        Method::GET,
        &route("/accounts/NNN/bills/reminder-456"),
        200,
        &fixture("bill_get_200"),
    );
    server.json(
        Method::GET,
        &route("/accounts/NNN/bills"),
        200,
        &fixture("bills_list_200"),
    );
    server.json(Method::GET, &format!("{PREFIX}/ledger/customers/v1/501/customer/456"), 200,
        r#"{"customerNo":"456","name":"Test Testsson","legalEntity":"consumer","nationalIdentifier":{"regNo":"19101010-1010","countryCode":"SE"}}"#);
    server.json(
        Method::GET,
        &format!("{PREFIX}/ledger/customer/v1/501/customers/456"),
        200,
        r#"{"customerNo":"456"}"#,
    );
    let payex = client(&server);

    let account = payex.accounts().get("NNN").await.unwrap();
    let bill: Bill = payex
        .follow(account.open_bill.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(bill.bill_no.as_deref(), Some("124645"));
    let bills = payex
        .follow_list::<BillList>(account.bills.as_deref().unwrap())
        .all()
        .await
        .unwrap();
    assert_eq!(bills.len(), 3);
    let customer: Customer = payex
        .follow(account.customer.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(customer.legal_entity, Some(LegalEntity::Consumer));
    assert!(
        !format!("{customer:?}").contains("19101010"),
        "identity numbers stay out of Debug"
    );
    assert_eq!(
        payex.customer("456").await.unwrap().customer_no.as_deref(),
        Some("456")
    );

    let before = server.seen().len();
    let error = payex
        .follow::<Bill>("https://evil.example/ledger/account/v1/501/accounts/NNN")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    let error = payex.follow_list::<BillList>("").all().await.unwrap_err();
    assert_eq!(error.argument(), Some("href"));
    assert_eq!(
        server.seen().len(),
        before,
        "links to other hosts are not followed"
    );
}

// ---------------------------------------------------------------------------------------
// problems

#[tokio::test]
async fn every_documented_problem_type_in_both_shapes() {
    let kinds = [
        (
            "validation",
            400,
            ProblemKind::Validation,
            Category::InvalidInput,
        ),
        (
            "customer-does-not-exists",
            404,
            ProblemKind::CustomerDoesNotExist,
            Category::NotFound,
        ),
        (
            "card-not-found",
            404,
            ProblemKind::CardNotFound,
            Category::NotFound,
        ),
        (
            "duplicate-card-token",
            409,
            ProblemKind::DuplicateCardToken,
            Category::Rejected,
        ),
        (
            "card-update-failed",
            422,
            ProblemKind::CardUpdateFailed,
            Category::Rejected,
        ),
        (
            "account-not-found",
            404,
            ProblemKind::AccountNotFound,
            Category::NotFound,
        ),
        (
            "invalid-reg-no",
            400,
            ProblemKind::InvalidRegNo,
            Category::InvalidInput,
        ),
        (
            "bill-not-found",
            404,
            ProblemKind::BillNotFound,
            Category::NotFound,
        ),
        (
            "unauthorized",
            401,
            ProblemKind::Unauthorized,
            Category::Unauthorized,
        ),
    ];
    let server = Server::start().await;
    let payex = client(&server);
    for (i, (code, status, kind, category)) in kinds.iter().enumerate() {
        let pascal = format!("A{i}");
        let lower = format!("B{i}");
        server.problem(Method::GET, &route(&format!("/accounts/{pascal}")), *status, &format!(
            r#"{{"Type":"ledger.account.{code}","Title":"T {code}","Status":{status},"Instance":"inst-{i}","Detail":"D {code}"}}"#
        ));
        server.problem(Method::GET, &route(&format!("/accounts/{lower}")), *status, &format!(
            r#"{{"type":"https://api.payex.com/ledger/account/v1/problems/{code}","title":"t","status":{status},"instance":"low-{i}"}}"#
        ));
        let error = payex.accounts().get(&pascal).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused, "{code}");
        assert_eq!(ProblemKind::of(&error), Some(kind.clone()), "{code}");
        assert_eq!(error.category(), *category, "{code}");
        assert_eq!(error.status().unwrap().as_u16(), *status);
        assert_eq!(
            error.problem().unwrap().instance.as_deref(),
            Some(format!("inst-{i}").as_str())
        );
        assert_eq!(
            error.problem().unwrap().title.as_deref(),
            Some(format!("T {code}").as_str())
        );
        assert!(error.to_string().contains(code), "{error}");
        let error = payex.accounts().get(&lower).await.unwrap_err();
        assert_eq!(ProblemKind::of(&error), Some(kind.clone()), "{code}");
        assert_eq!(error.category(), *category, "{code}");
        assert_eq!(
            error.problem().unwrap().instance.as_deref(),
            Some(format!("low-{i}").as_str())
        );
    }
    assert_eq!(
        server.seen().len(),
        kinds.len() * 2,
        "client errors are not retried"
    );
}

#[tokio::test]
async fn validation_problems_list_each_field_and_unknown_types_stay_text() {
    let server = Server::start().await;
    server.problem(
        Method::POST,
        &route("/accounts/NNN/register-psp-payment"),
        400,
        &fixture("problem_validation_400"),
    );
    server.problem(
        Method::GET,
        &route("/accounts/NNN"),
        429,
        r#"{"type":"ledger.account.too-many-requests","title":"Slow down","status":429}"#,
    );
    server.json(Method::GET, &route("/accounts/OLD"), 410, "gone");
    let payex = client(&server);
    let payment = PspPayment::new(dec("1"), date!(2021 - 01 - 01), "t".to_owned());
    let error = payex
        .accounts()
        .register_psp_payment("NNN", &payment)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(ProblemKind::of(&error), Some(ProblemKind::Validation));
    assert_eq!(error.category(), Category::InvalidInput);
    let problem = error.problem().unwrap();
    assert_eq!(
        problem.instance.as_deref(),
        Some("215d4206-ca35-4f43-85ad-169c8f6d4ec1")
    );
    let fields = &problem.problems;
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].name, "amount");
    assert!(fields[0].message.contains("Expected value between"));

    // A 429 is transient (retried, then answered); its unknown problem type stays text.
    let error = payex.accounts().get("NNN").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status().unwrap().as_u16(), 429);
    assert_eq!(
        ProblemKind::of(&error),
        Some(ProblemKind::Other(
            "ledger.account.too-many-requests".into()
        ))
    );
    let error = payex.accounts().get("OLD").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(ProblemKind::of(&error), None);
    assert_eq!(error.category(), Category::NotFound);
    assert_eq!(error.status().unwrap().as_u16(), 410);
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_names_the_place() {
    let server = Server::start().await;
    server.json(Method::GET, &route("/accounts/NNN"), 200, r#"{"accountNo":"1","customerNo":"2","status":"Open","creditLimit":"lots","totalBalance":1,"currency":"SEK"}"#);
    let error = client(&server).accounts().get("NNN").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.json_path(), Some("creditLimit"));
    // Errors name the spec's operationId.
    assert!(error.to_string().contains("getAccount"), "{error}");
}

// ---------------------------------------------------------------------------------------
// configuration

#[test]
fn the_builder_says_what_is_missing() {
    let error = PayexClient::builder()
        .ledger("1")
        .token(SecretString::from("t"))
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("base_url"));
    let error = PayexClient::builder()
        .base_url("http://127.0.0.1:1")
        .token(SecretString::from("t"))
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("ledger"));
    let error = PayexClient::builder()
        .base_url("http://127.0.0.1:1")
        .ledger("1")
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("token"));
    let error = PayexClient::builder()
        .base_url("http://payex.example.com")
        .ledger("1")
        .token(SecretString::from("t"))
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("base_url"));
    let error = PayexClient::builder()
        .environment(payex_client::Environment::Sandbox)
        .ledger("1")
        .token(SecretString::from("t"))
        .identity_pem(b"not a certificate", b"not a key")
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);

    let error = PayexClient::builder()
        .environment(payex_client::Environment::Sandbox)
        .base_url("http://127.0.0.1:1")
        .ledger("1")
        .token(SecretString::from("t"))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("base_url"));
    assert!(
        error.to_string().contains("environment") && error.to_string().contains("base_url"),
        "both are named: {error}"
    );
    // PayEx requires mutual TLS in production.
    let error = PayexClient::builder()
        .environment(payex_client::Environment::Production)
        .ledger("501")
        .token(SecretString::from("very-secret-token"))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("identity"));
    assert!(!format!("{error:?}").contains("very-secret-token"));

    let payex = PayexClient::builder()
        .environment(payex_client::Environment::Production)
        .ledger("501")
        .token(SecretString::from("very-secret-token"))
        .identity_pem(
            include_bytes!("fixtures/tls/client.pem"),
            include_bytes!("fixtures/tls/client.key"),
        )
        .build()
        .unwrap();
    assert_eq!(payex.ledger(), "501");
    assert_eq!(
        payex.transport().base_url().to_string(),
        "https://lf-api.payex.com"
    );
    assert!(!format!("{payex:?}").contains("very-secret-token"));
    let builder = PayexClient::builder().token(SecretString::from("very-secret-token"));
    assert!(!format!("{builder:?}").contains("very-secret-token"));
}
