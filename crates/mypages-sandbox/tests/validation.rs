//! Bad requests get the provider's own error format and status, never a panic and never a
//! plain-text framework rejection.

mod common;

use common::{call, send};
use mypages_sandbox::{Sandbox, credentials::*};

const ACCOUNT: &str = "/payex/ledger/account/v1/1000/accounts/5000001";

fn is_payex_problem(reply: &common::Reply, status: u16) -> bool {
    reply.status == status
        && reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/problem+json"))
        && reply.json()["Status"] == status
        && reply.json()["Type"]
            .as_str()
            .is_some_and(|t| t.starts_with("ledger."))
}

#[tokio::test]
async fn payex_rejects_bad_bodies_with_validation_problems() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let cases = [
        ("PATCH", ACCOUNT.to_owned(), "{not json", "body"),
        ("PATCH", ACCOUNT.to_owned(), "[1,2]", "body"),
        (
            "PATCH",
            ACCOUNT.to_owned(),
            r#"{"creditLimit":"lots"}"#,
            "creditLimit",
        ),
        (
            "PATCH",
            ACCOUNT.to_owned(),
            r#"{"charityDonation":"yes"}"#,
            "charityDonation",
        ),
        (
            "POST",
            format!("{ACCOUNT}/register-psp-payment"),
            r#"{"PaymentDate":"2026-01-01"}"#,
            "Amount",
        ),
        (
            "POST",
            format!("{ACCOUNT}/register-psp-payment"),
            r#"{"Amount":1,"PaymentDate":"01/01/2026","sourcePspPaymentTransactionId":"x"}"#,
            "PaymentDate",
        ),
        (
            "POST",
            format!("{ACCOUNT}/cards"),
            r#"{"PanTrunc":"1234"}"#,
            "token",
        ),
        (
            "POST",
            format!("{ACCOUNT}/cards"),
            r#"{"token":"t","cardHolder":{"nationalConsumerIdentifier":{"countryCode":"SE"}}}"#,
            "cardHolder.nationalConsumerIdentifier.value",
        ),
        (
            "POST",
            format!("{ACCOUNT}/recurring-payment-configuration"),
            r#"{"paymentMethod":"card","paymentScope":"totalDebt"}"#,
            "paymentMethod",
        ),
        ("PATCH", ACCOUNT.to_owned(), "", "body"),
    ];
    for (method, path, body, field) in cases {
        let reply = call(addr, method, &path, PAYEX_TOKEN, Some(body)).await;
        assert!(
            is_payex_problem(&reply, 400),
            "{method} {path} {body}: {} {}",
            reply.status,
            reply.text()
        );
        assert_eq!(reply.json()["Type"], "ledger.account.validation");
        assert!(
            reply.json()["Problems"][0][field].is_string(),
            "{body} names {field}: {}",
            reply.text()
        );
    }
    let reply = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/bills?$top=many"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert!(is_payex_problem(&reply, 400));
}

#[tokio::test]
async fn payex_unknown_routes_methods_and_tokens() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    assert!(is_payex_problem(
        &call(
            addr,
            "GET",
            "/payex/ledger/account/v1/1000/nothing",
            PAYEX_TOKEN,
            None
        )
        .await,
        404
    ));
    assert!(is_payex_problem(
        &call(addr, "DELETE", ACCOUNT, PAYEX_TOKEN, None).await,
        405
    ));
    assert!(is_payex_problem(
        &call(addr, "GET", ACCOUNT, "wrong", None).await,
        401
    ));
    let reply = send(addr, "GET", ACCOUNT, &[], None).await.unwrap();
    assert!(is_payex_problem(&reply, 401));
    let reply = call(
        addr,
        "GET",
        "/payex/ledger/account/v1/1000/accounts?customerNo=999",
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert!(is_payex_problem(&reply, 404));
    assert_eq!(
        reply.json()["Type"],
        "ledger.account.customer-does-not-exists"
    );
    let reply = call(
        addr,
        "GET",
        "/payex/ledger/account/v1/1000/accounts/%FF%FE",
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert!(
        reply.status >= 400 && reply.status < 500,
        "{}",
        reply.text()
    );
    // A body announced as too large is refused before it is sent.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "PATCH {ACCOUNT} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {PAYEX_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n"
    );
    tokio::io::AsyncWriteExt::write_all(&mut stream, head.as_bytes())
        .await
        .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = tokio::io::AsyncReadExt::read(&mut stream, &mut answer)
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
}

#[tokio::test]
async fn avarda_rejects_missing_headers_and_bad_bodies() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    for body in [
        "{",
        r#"{"clientId":"sandbox-client"}"#,
        r#"{"clientId":1,"clientSecret":"x"}"#,
    ] {
        let reply = send(
            addr,
            "POST",
            "/avarda/auth/token",
            &[],
            Some(body.as_bytes()),
        )
        .await
        .unwrap();
        assert_eq!(reply.status, 400, "{body}");
        assert_eq!(reply.json()["error"], "invalid_request");
    }
    let wrong = r#"{"clientId":"sandbox-client","clientSecret":"guess"}"#;
    let reply = send(
        addr,
        "POST",
        "/avarda/Auth/token",
        &[],
        Some(wrong.as_bytes()),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"], "invalid_client");

    let token = common::partner_token(addr).await;
    let auth = format!("Bearer {token}");
    let invoices = format!("/avarda/Invoices?purchaseId={AVARDA_PURCHASE_ID}");
    let cases: [(&[(&str, &str)], &str); 4] = [
        (&[("Authorization", &auth)], "customerAuthToken"),
        (
            &[("Authorization", &auth), ("customerAuthToken", "c")],
            "customerTokenProvider",
        ),
        (
            &[
                ("Authorization", &auth),
                ("customerAuthToken", "c"),
                ("customerTokenProvider", "Facebook"),
            ],
            "customerTokenProvider",
        ),
        (
            &[
                ("Authorization", &auth),
                ("customerAuthToken", "c"),
                ("customerTokenProvider", "Self"),
            ],
            "",
        ),
    ];
    for (headers, missing) in cases {
        let reply = send(addr, "GET", &invoices, headers, None).await.unwrap();
        if missing.is_empty() {
            assert_eq!(reply.status, 200);
        } else {
            assert_eq!(reply.status, 400, "{missing}");
            assert!(reply.json()["message"].as_str().unwrap().contains(missing));
        }
    }
    let headers = [
        ("Authorization", auth.as_str()),
        ("customerAuthToken", "c"),
        ("customerTokenProvider", "Self"),
    ];
    let reply = send(addr, "GET", "/avarda/Invoices", &headers, None)
        .await
        .unwrap();
    assert_eq!(reply.status, 400, "purchaseId is required");
    let reply = send(
        addr,
        "GET",
        "/avarda/Invoices?purchaseId=unknown",
        &headers,
        None,
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 404);
    let reply = send(
        addr,
        "GET",
        "/avarda/Accounts?purchaseId=sandbox-purchase",
        &headers,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        reply.status, 400,
        "customerAuthenticationReturnUrl is required for accounts"
    );
    for body in [
        "{}",
        r#"{"accountId":42}"#,
        r#"{"accountId":"x","language":[1]}"#,
    ] {
        let reply = send(addr, "POST", "/avarda/Pay", &headers, Some(body.as_bytes()))
            .await
            .unwrap();
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
    }
    let reply = send(
        addr,
        "POST",
        "/avarda/Pay",
        &headers,
        Some(br#"{"accountId":"nope"}"#),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 404);
    let reply = send(addr, "GET", "/avarda/Nowhere", &headers, None)
        .await
        .unwrap();
    assert_eq!(reply.status, 404);
    assert!(reply.json()["message"].is_string());
    let reply = send(addr, "DELETE", "/avarda/Pay", &headers, None)
        .await
        .unwrap();
    assert_eq!(reply.status, 405);
    assert!(reply.json()["errorCode"].is_string());
}

#[tokio::test]
async fn p4p_rejects_bad_content_in_its_format() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let addr = sandbox.addr();
    let cases = [
        ("POST", "/p4p/account", "{", "malformed content"),
        (
            "POST",
            "/p4p/account",
            r#"{"number":"n"}"#,
            "invalid content",
        ),
        (
            "POST",
            "/p4p/account",
            r#"{"method":[],"customer":{"type":"alien"}}"#,
            "invalid content",
        ),
        (
            "POST",
            "/p4p/account",
            r#"{"method":[],"schedule":"hourly"}"#,
            "invalid content",
        ),
        (
            "POST",
            "/p4p/account",
            r#"{"method":[{"type":"card","card":"x"}]}"#,
            "invalid content",
        ),
        (
            "POST",
            "/p4p/account/sandboxdemoaccnt/balance",
            "-5",
            "invalid content",
        ),
        (
            "POST",
            "/p4p/account/sandboxdemoaccnt/balance",
            r#"{"vat":5}"#,
            "invalid content",
        ),
        (
            "POST",
            "/p4p/account/sandboxdemoaccnt/balance",
            r#""ten""#,
            "invalid content",
        ),
        (
            "POST",
            "/p4p/order",
            r#"{"items":1,"currency":"SEK"}"#,
            "invalid content",
        ),
        (
            "PATCH",
            "/p4p/order/",
            r#"[{"id":"x","event":[{"type":"explode"}]}]"#,
            "invalid content",
        ),
        ("PATCH", "/p4p/order/", r#"{"id":"x"}"#, "malformed content"),
        // Amounts no ledger holds: refused, never a panic on overflow (schemathesis found
        // `(price + vat - rebate) * quantity` overflowing).
        (
            "POST",
            "/p4p/account/sandboxdemoaccnt/balance",
            r#"{"price":79228162514264337593543950335,"quantity":2}"#,
            "invalid content",
        ),
        (
            "POST",
            "/p4p/account/sandboxdemoaccnt/balance",
            r#"[{"price":70000000000000000000000000000},{"price":70000000000000000000000000000}]"#,
            "invalid content",
        ),
        (
            "POST",
            "/p4p/order",
            r#"{"items":{"price":2,"quantity":79228162514264337593543950335},"currency":"SEK","payment":{"type":"card"}}"#,
            "invalid content",
        ),
    ];
    for (method, path, body, kind) in cases {
        let reply = call(addr, method, path, P4P_KEY, Some(body)).await;
        assert_eq!(
            reply.status,
            400,
            "{method} {path} {body}: {}",
            reply.text()
        );
        assert_eq!(reply.json()["type"], kind, "{body}: {}", reply.text());
        assert_eq!(reply.json()["status"], 400);
        assert!(reply.json()["content"]["description"].is_string());
    }
    let reply = call(addr, "GET", "/p4p/account/AAAAAAAAAAAAAAAA", P4P_KEY, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["type"], "not found");
    let reply = call(addr, "PUT", "/p4p/account", P4P_KEY, None).await;
    assert_eq!(reply.status, 405);
    let reply = call(addr, "GET", "/p4p/account/me", P4P_KEY, None).await;
    assert_eq!(reply.status, 400, "`me` needs an account key");
}

#[tokio::test]
async fn unknown_roots_answer_json() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let reply = send(sandbox.addr(), "GET", "/stripe/v1/charges", &[], None)
        .await
        .unwrap();
    assert_eq!(reply.status, 404);
    assert!(reply.json()["error"].as_str().unwrap().contains("/payex"));
}

#[tokio::test]
async fn payex_problems_can_come_in_lowercase() {
    let sandbox = Sandbox::builder()
        .payex_lowercase_problems(true)
        .start()
        .await
        .unwrap();
    let addr = sandbox.addr();
    let reply = call(
        addr,
        "PATCH",
        ACCOUNT,
        PAYEX_TOKEN,
        Some(r#"{"creditLimit":-1}"#),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("application/problem+json")
    );
    let problem = reply.json();
    assert_eq!(problem["type"], "ledger/account/v1/problems/validation");
    assert_eq!(problem["status"], 400);
    assert!(problem["problems"][0]["creditLimit"].is_string());
    assert!(problem.get("Type").is_none());
    let reply = call(
        addr,
        "GET",
        &format!("{ACCOUNT}/cards/none"),
        PAYEX_TOKEN,
        None,
    )
    .await;
    assert_eq!(
        reply.json()["type"],
        "ledger/account/v1/problems/card-not-found"
    );
}
