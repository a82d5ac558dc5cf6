//! `mypages payex ...` end to end: the real binary against the sandbox's PayEx on 127.0.0.1
//! (base URL with the `/payex` prefix); stdout JSON, stderr and exit codes, bad input
//! (exit 2, nothing sent), PayEx's problems (exit 4) and transport failures (exit 5).

mod support;

use mypages_sandbox::{FaultRule, credentials};
use support::{Mypages, Run, sandbox};

/// An address where nothing listens: a command that reaches it fails with exit 5, so exit 2
/// proves nothing was sent.
const NOWHERE: &str = "http://127.0.0.1:9/payex";
const ACCOUNT: &str = "5000001";

/// `mypages [global] payex --base-url URL ARGS` with the sandbox credentials in
/// `PAYEX_TOKEN`/`PAYEX_LEDGER`.
fn payex(global: &[&str], base_url: &str, args: &[&str]) -> Mypages {
    Mypages::new()
        .args(global)
        .provider_at("payex", base_url)
        .args(args)
        .env("PAYEX_TOKEN", credentials::PAYEX_TOKEN)
        .env("PAYEX_LEDGER", credentials::PAYEX_LEDGER)
}

/// Runs `mypages payex ARGS` against `base_url` with the sandbox credentials.
async fn run(base_url: &str, args: &[&str]) -> Run {
    payex(&[], base_url, args).run().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_list_get_update_and_register_payment() {
    let sandbox = sandbox().await;
    let url = sandbox.payex_url();

    let list = run(
        &url,
        &[
            "accounts",
            "list",
            "--customer-no",
            credentials::PAYEX_CUSTOMER_NO,
        ],
    )
    .await
    .ok();
    let accounts = list.json();
    let numbers: Vec<&str> = accounts
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["accountNo"].as_str())
        .collect();
    assert!(numbers.contains(&ACCOUNT), "{numbers:?}");
    assert!(
        list.text().contains("\"creditLimit\": 20000.00"),
        "amounts are printed as sent: {}",
        list.text()
    );
    let all = run(&url, &["accounts", "list"]).await.ok().json();
    assert!(
        all.as_array().unwrap().len() > 2,
        "every page of the ledger's accounts is printed"
    );

    let account = run(&url, &["accounts", "get", ACCOUNT]).await.ok().json();
    assert_eq!(account["accountNo"], ACCOUNT);
    assert_eq!(account["customerNo"], credentials::PAYEX_CUSTOMER_NO);

    let updated = run(
        &url,
        &[
            "accounts",
            "update",
            ACCOUNT,
            "--charity-donation",
            "false",
            "--credit-limit",
            "15000.50",
        ],
    )
    .await
    .ok();
    assert!(
        updated.stdout.is_empty(),
        "204 prints nothing: {}",
        updated.text()
    );
    let get = run(&url, &["accounts", "get", ACCOUNT]).await.ok();
    assert!(
        get.text().contains("\"creditLimit\": 15000.50"),
        "{}",
        get.text()
    );
    assert_eq!(get.json()["charityDonation"], false);

    run(
        &url,
        &["accounts", "update", ACCOUNT, "--credit-limit", "15000.51"],
    )
    .await
    .exits(2)
    .stderr_has("--credit-limit")
    .stderr_has("only be lowered");
    let get = run(&url, &["accounts", "get", ACCOUNT]).await.ok();
    assert!(
        get.text().contains("\"creditLimit\": 15000.50"),
        "a refused raise changes nothing"
    );

    let paid = run(
        &url,
        &[
            "accounts",
            "register-payment",
            ACCOUNT,
            "--amount",
            "100.00",
            "--date",
            "2026-11-20",
            "--transaction-id",
            "cli-tx-1",
        ],
    )
    .await
    .ok();
    assert!(paid.stdout.is_empty());

    let table = payex(
        &["--output", "table"],
        &url,
        &["accounts", "list", "--account-no", ACCOUNT],
    )
    .run()
    .await
    .ok();
    let text = table.text();
    assert!(text.lines().next().unwrap().contains("accountNo"), "{text}");
    assert!(text.contains(ACCOUNT), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bills_and_the_pdf_document() {
    let sandbox = sandbox().await;
    let url = sandbox.payex_url();

    let bills = run(&url, &["bills", "list", ACCOUNT]).await.ok().json();
    let bills = bills.as_array().unwrap();
    assert!(bills.len() > 2, "every page: {bills:?}");
    let bill_uri = bills[0]["@id"].as_str().unwrap();
    let bill_id = bill_uri.rsplit('/').next().unwrap();
    let bill = run(&url, &["bills", "get", ACCOUNT, bill_id])
        .await
        .ok()
        .json();
    assert_eq!(bill["billNo"], bills[0]["billNo"]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bill.pdf");
    let saved = run(
        &url,
        &[
            "bills",
            "document",
            ACCOUNT,
            bill_id,
            "--out",
            path.to_str().unwrap(),
        ],
    )
    .await
    .ok();
    assert!(saved.stdout.is_empty());
    let file = std::fs::read(&path).unwrap();
    assert!(file.starts_with(b"%PDF-"), "a PDF");
    assert!(
        !dir.path().join("bill.pdf.part").exists(),
        "no partial file is left"
    );
    let piped = run(&url, &["bills", "document", ACCOUNT, bill_id, "--out", "-"])
        .await
        .ok();
    assert!(
        piped.stdout == file,
        "the same bytes to a file and to stdout"
    );

    let missing = dir.path().join("missing.pdf");
    run(
        &url,
        &[
            "bills",
            "document",
            ACCOUNT,
            "bill-does-not-exist",
            "--out",
            missing.to_str().unwrap(),
        ],
    )
    .await
    .exits(4)
    .stderr_has("404");
    assert!(
        !missing.exists() && !dir.path().join("missing.pdf.part").exists(),
        "nothing is left behind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cards_list_get_add_and_replace() {
    let sandbox = sandbox().await;
    let url = sandbox.payex_url();

    let cards = run(&url, &["cards", "list", ACCOUNT]).await.ok().json();
    let token = cards[0]["token"].as_str().unwrap().to_owned();
    let card = run(&url, &["cards", "get", ACCOUNT, &token])
        .await
        .ok()
        .json();
    assert_eq!(card["token"], token.as_str());

    // `cards add --file -` with the card's JSON on stdin.
    let add_card = |card: &str| {
        payex(&[], &url, &["cards", "add", ACCOUNT, "--file", "-"])
            .stdin(card)
            .run()
    };
    let new_card = r#"{"token": "5a1f2c3d-0000-4000-8000-00000000c11a", "PanTrunc": "547912******7777",
        "deleted": false, "mainCard": false,
        "cardHolder": {"number": "100001", "name": "Test Testsson",
                       "nationalConsumerIdentifier": {"value": "19101010-1010", "countryCode": "SE"}}}"#;
    let added = add_card(new_card).await.ok();
    assert!(added.stdout.is_empty());
    let cards = run(&url, &["cards", "list", ACCOUNT]).await.ok().json();
    assert!(
        cards
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["token"] == "5a1f2c3d-0000-4000-8000-00000000c11a"),
        "{cards}"
    );

    add_card(new_card)
        .await
        .exits(4)
        .stderr_has("duplicate-card-token");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("card.json");
    std::fs::write(&file, new_card.replace("c11a", "c11b")).unwrap();
    run(
        &url,
        &[
            "cards",
            "replace",
            ACCOUNT,
            &token,
            "--file",
            file.to_str().unwrap(),
        ],
    )
    .await
    .ok();

    run(&url, &["cards", "get", ACCOUNT, "no-such-card"])
        .await
        .exits(4)
        .stderr_has("card-not-found");
    add_card("{not json").await.exits(2).stderr_has("--file");
    add_card("{}")
        .await
        .exits(2)
        .stderr_has("missing field `token`");
    add_card(r#"{"token": " "}"#)
        .await
        .exits(2)
        .stderr_has("--file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_reservations_recurring_and_payment_orders() {
    let sandbox = sandbox().await;
    let url = sandbox.payex_url();

    let recent = run(&url, &["transactions", "list", ACCOUNT])
        .await
        .ok()
        .json();
    assert!(recent.is_array());
    let month = run(
        &url,
        &["transactions", "list", ACCOUNT, "--month", "2026-10"],
    )
    .await
    .ok()
    .json();
    for transaction in month.as_array().unwrap() {
        assert!(
            transaction["date"].as_str().unwrap().starts_with("2026-10"),
            "{transaction}"
        );
    }
    let range = run(
        &url,
        &[
            "transactions",
            "list",
            ACCOUNT,
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
        ],
    )
    .await
    .ok()
    .json();
    assert_eq!(range, month);

    let reservations = run(&url, &["reservations", "list", ACCOUNT])
        .await
        .ok()
        .json();
    assert!(reservations.is_array());
    let orders = run(&url, &["payment-orders", "list", ACCOUNT])
        .await
        .ok()
        .json();
    assert!(orders.is_array());

    let config = run(&url, &["recurring", "get", ACCOUNT]).await.ok().json();
    assert!(config.get("paymentScope").is_some(), "{config}");
    let deleted = run(&url, &["recurring", "delete", ACCOUNT]).await.ok();
    assert!(deleted.stdout.is_empty());
    let gone = run(&url, &["recurring", "get", ACCOUNT]).await;
    assert_eq!(gone.code, 4, "{}", gone.stderr);
    run(
        &url,
        &[
            "recurring",
            "create",
            ACCOUNT,
            "--method",
            "autogiro",
            "--scope",
            "billedAmount",
        ],
    )
    .await
    .ok();
    run(
        &url,
        &[
            "recurring",
            "update",
            ACCOUNT,
            "--scope",
            "fixedRecurring",
            "--fixed-amount",
            "1234.50",
        ],
    )
    .await
    .ok();
    let config = run(&url, &["recurring", "get", ACCOUNT]).await.ok();
    assert!(
        config.text().contains("\"fixedAmount\": 1234.50"),
        "{}",
        config.text()
    );
    assert_eq!(config.json()["paymentScope"], "fixedRecurring");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_2_naming_the_argument_and_sends_nothing() {
    let long_id = "x".repeat(51);
    let account_300 = "1".repeat(300);
    let long_ledger = "1".repeat(51);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["accounts", "update", ACCOUNT, "--credit-limit", "-1"],
            "--credit-limit",
        ),
        (
            vec!["accounts", "update", ACCOUNT, "--credit-limit", "lots"],
            "--credit-limit",
        ),
        (vec!["accounts", "update", ACCOUNT], "--charity-donation"),
        (
            vec![
                "accounts",
                "register-payment",
                ACCOUNT,
                "--amount",
                "0",
                "--date",
                "2021-01-01",
                "--transaction-id",
                "t",
            ],
            "--amount",
        ),
        (
            vec![
                "accounts",
                "register-payment",
                ACCOUNT,
                "--amount",
                "1",
                "--date",
                "2021-02-30",
                "--transaction-id",
                "t",
            ],
            "--date",
        ),
        (
            vec![
                "accounts",
                "register-payment",
                ACCOUNT,
                "--amount",
                "1",
                "--date",
                "2021-01-01",
                "--transaction-id",
                &long_id,
            ],
            "--transaction-id",
        ),
        (
            vec!["accounts", "list", "--customer-no", " "],
            "--customer-no",
        ),
        (vec!["accounts", "get", ""], "ACCOUNT"),
        (
            vec!["transactions", "list", ACCOUNT, "--month", "2020-13"],
            "--month",
        ),
        (
            vec![
                "transactions",
                "list",
                ACCOUNT,
                "--from",
                "2020-06-02",
                "--to",
                "2020-06-01",
            ],
            "--from",
        ),
        (
            vec!["transactions", "list", ACCOUNT, "--from", "2020-06-02"],
            "--to",
        ),
        (
            vec!["recurring", "create", ACCOUNT, "--method", "autogiro"],
            "--scope",
        ),
        (
            vec!["recurring", "create", ACCOUNT, "--scope", "fixedRecurring"],
            "--fixed-amount",
        ),
        (
            vec!["recurring", "update", ACCOUNT, "--fixed-amount", "-5"],
            "--fixed-amount",
        ),
        (
            vec!["bills", "document", ACCOUNT, "", "--out", "x.pdf"],
            "BILL",
        ),
        (vec!["cards", "get", ACCOUNT, ""], "TOKEN"),
        (vec!["accounts", "get", &account_300], "ACCOUNT"),
        (vec!["bills", "list", "a/b"], "ACCOUNT"),
        (vec!["recurring", "get", ".."], "ACCOUNT"),
        (vec!["bills", "get", ACCOUNT, &long_id], "BILL"),
        (vec!["cards", "get", ACCOUNT, "a?b"], "TOKEN"),
        (
            vec!["accounts", "list", "--account-no", &long_id],
            "--account-no",
        ),
        (
            vec!["accounts", "list", "--customer-no", &long_id],
            "--customer-no",
        ),
        (vec!["--ledger", "10-00", "accounts", "list"], "--ledger"),
        (
            vec!["--ledger", &long_ledger, "accounts", "list"],
            "--ledger",
        ),
    ];
    for (args, argument) in cases {
        let result = run(NOWHERE, &args).await.exits(2).stderr_has(argument);
        assert!(result.stdout.is_empty(), "{args:?}");
    }

    for (unset, option) in [("PAYEX_TOKEN", "--token"), ("PAYEX_LEDGER", "--ledger")] {
        payex(&[], NOWHERE, &["accounts", "list"])
            .env_remove(unset)
            .run()
            .await
            .exits(2)
            .stderr_has(option);
    }
    let bad_token = payex(&[], NOWHERE, &["accounts", "list"])
        .env("PAYEX_TOKEN", "x\ny")
        .run()
        .await
        .exits(2)
        .stderr_has("--token");
    assert!(
        !bad_token.stderr.contains("--file"),
        "the bearer token is not the card file's token: {}",
        bad_token.stderr
    );
    payex(&[], "http://payex.example.com", &["accounts", "list"])
        .run()
        .await
        .exits(2)
        .stderr_has("--base-url");
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.pem");
    std::fs::write(&bogus, "not a certificate").unwrap();
    let bogus = bogus.to_str().unwrap();
    run(
        NOWHERE,
        &[
            "--client-cert",
            bogus,
            "--client-key",
            bogus,
            "accounts",
            "list",
        ],
    )
    .await
    .exits(2)
    .stderr_has("--client-");
    run(NOWHERE, &["--client-cert", bogus, "accounts", "list"])
        .await
        .exits(2)
        .stderr_has("--client-key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_errors_exit_4_with_the_problem_and_transport_failures_exit_5() {
    let sandbox = sandbox().await;
    let url = sandbox.payex_url();

    let missing = run(&url, &["accounts", "get", "9999999"]).await.exits(4);
    assert!(missing.stdout.is_empty());
    for needle in [
        "404",
        "ledger.account.account-not-found",
        "title:",
        "instance:",
    ] {
        assert!(
            missing.stderr.contains(needle),
            "{needle}: {}",
            missing.stderr
        );
    }
    assert!(
        !missing.stderr.contains(credentials::PAYEX_TOKEN),
        "the token never appears"
    );

    let wrong_token = payex(&[], &url, &["accounts", "list"])
        .env("PAYEX_TOKEN", "not-the-token")
        .run()
        .await
        .exits(4)
        .stderr_has("401");
    assert!(!wrong_token.stderr.contains("not-the-token"));

    let rule: FaultRule =
        format!("payex GET /ledger/account/v1/1000/accounts/{ACCOUNT} truncate next=1")
            .parse()
            .unwrap();
    sandbox.add_fault(rule);
    let truncated = run(&url, &["accounts", "get", ACCOUNT])
        .await
        .exits(5)
        .stderr_has("decode");
    assert!(truncated.stdout.is_empty());

    run(NOWHERE, &["accounts", "list"])
        .await
        .exits(5)
        .stderr_has("connect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_request_close_makes_the_account_pending_close() {
    let sandbox = sandbox().await;
    let url = sandbox.payex_url();
    let before = run(&url, &["accounts", "get", ACCOUNT]).await.ok().json();
    assert_ne!(before["status"], "PendingClose", "{before}");

    run(&url, &["accounts", "request-close", ACCOUNT])
        .await
        .ok();
    let after = run(&url, &["accounts", "get", ACCOUNT]).await.ok().json();
    assert_eq!(after["status"], "PendingClose", "{after}");

    // An unknown account is PayEx's refusal: exit 4 with the problem type.
    run(&url, &["accounts", "request-close", "9999999"])
        .await
        .exits(4)
        .stderr_has("account-not-found");
    sandbox.shutdown().await.unwrap();
}
