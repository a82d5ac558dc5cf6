//! `mypages avarda ...` end to end: the real binary against the sandbox on 127.0.0.1,
//! asserting stdout, stderr and exit codes.

mod support;

use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
};
use mypages_sandbox::{RunningSandbox, Sandbox};
use support::{Mypages, Run};

const RETURN_URL: &str = "https://shop.example/my-pages/accounts";
/// `mypages avarda invoices list` for the sandbox's purchase.
const LIST_INVOICES: [&str; 5] = [
    "avarda",
    "invoices",
    "list",
    "--purchase-id",
    AVARDA_PURCHASE_ID,
];

/// Runs `mypages <args>` with `env` (and no AVARDA_* or MYPAGES_* variables from outside).
async fn mypages(args: &[&str], env: &[(&str, &str)]) -> Run {
    Mypages::new().args(args).envs(env).run().await
}

async fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .generated_customers(1)
        .start()
        .await
        .expect("the sandbox starts")
}

/// The environment of a merchant with the sandbox credentials.
fn merchant(sandbox: &RunningSandbox) -> Vec<(&'static str, String)> {
    vec![
        ("MYPAGES_AVARDA_BASE_URL", sandbox.avarda_url()),
        ("AVARDA_CLIENT_ID", AVARDA_CLIENT_ID.to_owned()),
        ("AVARDA_CLIENT_SECRET", AVARDA_CLIENT_SECRET.to_owned()),
        ("AVARDA_CUSTOMER_TOKEN", AVARDA_CUSTOMER_TOKEN.to_owned()),
    ]
}

fn env_of<'a>(vars: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_list_and_get_print_the_providers_json_exactly() {
    let sandbox = sandbox().await;
    let vars = merchant(&sandbox);
    let env = env_of(&vars);

    let run = mypages(&LIST_INVOICES, &env).await.ok();
    let invoices = run.json();
    let invoices = invoices.as_array().unwrap();
    assert!(!invoices.is_empty());
    // Amounts keep their scale as Avarda sent them (the sandbox sends two decimals).
    let balance = invoices[0]["balance"].to_string();
    assert!(
        run.text().contains(&format!("\"balance\": {balance}")),
        "{}",
        run.text()
    );
    assert!(
        run.text().contains(".00") || run.text().contains(".50"),
        "{}",
        run.text()
    );

    let id = invoices[0]["id"].as_str().unwrap();
    let run = mypages(
        &[
            "avarda",
            "invoices",
            "get",
            id,
            "--purchase-id",
            AVARDA_PURCHASE_ID,
        ],
        &env,
    )
    .await
    .ok();
    assert_eq!(run.json()["id"], id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_exit_3_with_the_redirect_until_the_customer_has_authenticated() {
    let sandbox = sandbox().await;
    let mut vars = merchant(&sandbox);
    vars.retain(|(k, _)| *k != "AVARDA_CUSTOMER_TOKEN");
    let env = env_of(&vars);
    let args = [
        "avarda",
        "--customer-token",
        "new-customer-1",
        "accounts",
        "list",
        "--purchase-id",
        AVARDA_PURCHASE_ID,
        "--return-url",
        RETURN_URL,
    ];

    let run = mypages(&args, &env)
        .await
        .exits(3)
        .stderr_has("strong authentication");
    let document = run.json();
    let redirect = document["redirectUrl"].as_str().unwrap();
    assert!(redirect.starts_with(&sandbox.base_url()), "{redirect}");
    assert_eq!(
        document.as_object().unwrap().len(),
        1,
        "only redirectUrl: {document}"
    );
    assert!(!run.stderr.contains("new-customer-1"), "{}", run.stderr);

    // The customer confirms on the strong-authentication page.
    sandbox.avarda_confirm_strong_authentication("new-customer-1");

    let run = mypages(&args, &env).await.ok();
    let accounts = run.json();
    let accounts = accounts.as_array().unwrap();
    assert!(!accounts.is_empty());

    let id = accounts[0]["id"].as_str().unwrap();
    let run = mypages(
        &[
            "avarda",
            "accounts",
            "get",
            id,
            "--purchase-id",
            AVARDA_PURCHASE_ID,
            "--customer-token",
            "new-customer-1",
            "--return-url",
            RETURN_URL,
        ],
        &env,
    )
    .await
    .ok();
    assert_eq!(run.json()["id"], id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_start_and_status_follow_the_payment() {
    let sandbox = sandbox().await;
    let vars = merchant(&sandbox);
    let env = env_of(&vars);
    let run = mypages(&LIST_INVOICES, &env).await.ok();
    let invoices = run.json();
    let open = invoices
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["state"] != "Paid" && i["balance"].as_f64().unwrap_or(0.0) > 0.0)
        .expect("an open invoice")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let run = mypages(
        &[
            "avarda",
            "pay",
            "start",
            "--account-id",
            &open,
            "--language",
            "sv",
        ],
        &env,
    )
    .await
    .ok();
    let session = run.json();
    let purchase = session["purchaseId"].as_str().unwrap().to_owned();
    assert!(session["jwt"].as_str().unwrap().starts_with("eyJ"));

    let status = [
        "avarda",
        "pay",
        "status",
        "--purchase-id",
        &purchase,
        "--account-id",
        &open,
    ];
    let run = mypages(&status, &env).await.ok();
    assert_eq!(run.json(), serde_json::json!({"state": "Unpaid"}));

    sandbox.avarda_complete_payment(&purchase).unwrap();
    let run = mypages(&status, &env).await;
    assert_eq!(run.json(), serde_json::json!({"state": "Paid"}));

    let run = mypages(
        &[
            "--output",
            "table",
            "avarda",
            "pay",
            "status",
            "--purchase-id",
            &purchase,
            "--account-id",
            &open,
        ],
        &env,
    )
    .await
    .ok();
    assert!(
        run.text()
            .lines()
            .any(|l| l.starts_with("state") && l.ends_with("Paid")),
        "{}",
        run.text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_2_naming_the_option_before_anything_is_sent() {
    // Nothing listens on port 1: had anything been sent, the exit code would be 5.
    let env = [
        ("MYPAGES_AVARDA_BASE_URL", "http://127.0.0.1:1/avarda"),
        ("AVARDA_CLIENT_ID", "id"),
        ("AVARDA_CLIENT_SECRET", "secret-value"),
    ];
    let long = "p".repeat(300);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["avarda", "invoices", "list", "--purchase-id", "p"],
            "--customer-token",
        ),
        (
            vec![
                "avarda",
                "--customer-token",
                "c",
                "accounts",
                "list",
                "--purchase-id",
                "p",
            ],
            "--return-url",
        ),
        (
            vec![
                "avarda",
                "--customer-token",
                "c",
                "invoices",
                "list",
                "--purchase-id",
                &long,
            ],
            "--purchase-id",
        ),
        (
            vec![
                "avarda",
                "--customer-token",
                "c",
                "accounts",
                "list",
                "--purchase-id",
                "p",
                "--return-url",
                "not-a-url",
            ],
            "--return-url",
        ),
        (
            vec![
                "avarda",
                "pay",
                "start",
                "--account-id",
                "a",
                "--language",
                "1.5",
            ],
            "--language",
        ),
        (
            vec![
                "avarda",
                "pay",
                "status",
                "--purchase-id",
                "",
                "--account-id",
                "a",
            ],
            "--purchase-id",
        ),
        (
            vec![
                "avarda",
                "pay",
                "start",
                "--account-id",
                "a",
                "--token",
                "t",
            ],
            "--token",
        ),
        (
            vec![
                "avarda",
                "--customer-token",
                "c",
                "--token-provider",
                "Apple",
                "invoices",
                "list",
                "--purchase-id",
                "p",
            ],
            "--token-provider",
        ),
        (
            vec!["avarda", "invoices", "get", "--purchase-id", "p"],
            "INVOICE",
        ),
    ];
    for (args, option) in cases {
        let run = mypages(&args, &env).await.exits(2).stderr_has(option);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.text());
        assert!(!run.stderr.contains("secret-value"), "{}", run.stderr);
    }

    mypages(
        &["avarda", "pay", "start", "--account-id", "a"],
        &[("MYPAGES_AVARDA_BASE_URL", "http://127.0.0.1:1/avarda")],
    )
    .await
    .exits(2)
    .stderr_has("--client-id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avarda_errors_exit_4_and_transport_failures_exit_5() {
    let sandbox = sandbox().await;
    let vars = merchant(&sandbox);
    let env = env_of(&vars);

    let run = mypages(
        &[
            "avarda",
            "invoices",
            "get",
            "no-such-invoice",
            "--purchase-id",
            AVARDA_PURCHASE_ID,
        ],
        &env,
    )
    .await
    .exits(4)
    .stderr_has("404")
    .stderr_has("NotFound");
    assert!(run.stdout.is_empty());

    // Wrong secret: the token endpoint refuses, exit 4, and the secret is never shown.
    let run = mypages(
        &[
            "avarda",
            "--client-secret",
            "the-wrong-secret",
            "invoices",
            "list",
            "--purchase-id",
            AVARDA_PURCHASE_ID,
        ],
        &env,
    )
    .await
    .exits(4)
    .stderr_has("401")
    .stderr_has("invalid_client")
    .stderr_has("/auth/token");
    assert!(!run.stderr.contains("the-wrong-secret"), "{}", run.stderr);

    // A ready token Avarda does not know.
    let token_env = [
        ("MYPAGES_AVARDA_BASE_URL", sandbox.avarda_url()),
        ("AVARDA_TOKEN", "made-up-token".to_owned()),
        ("AVARDA_CUSTOMER_TOKEN", AVARDA_CUSTOMER_TOKEN.to_owned()),
    ];
    mypages(&LIST_INVOICES, &env_of(&token_env))
        .await
        .exits(4)
        .stderr_has("401");

    // Nothing listens: exit 5.
    let run = mypages(
        &[
            "avarda",
            "--base-url",
            "http://127.0.0.1:1/avarda",
            "--retries",
            "0",
            "invoices",
            "list",
            "--purchase-id",
            AVARDA_PURCHASE_ID,
        ],
        &env,
    )
    .await
    .exits(5);
    assert!(run.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_stderr_even_when_tracing_everything() {
    let sandbox = sandbox().await;
    let mut vars = merchant(&sandbox);
    vars.push(("RUST_LOG", "trace".to_owned()));
    let env = env_of(&vars);
    let run = mypages(&LIST_INVOICES, &env).await.ok();
    assert!(!run.stderr.is_empty(), "trace output expected");
    for secret in [AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, "eyJ"] {
        assert!(
            !run.stderr.contains(secret),
            "{secret} leaked: {}",
            run.stderr
        );
    }
    let help = mypages(&["avarda", "--help"], &env).await.ok();
    assert!(
        !help.text().contains(AVARDA_CLIENT_SECRET),
        "{}",
        help.text()
    );
    assert!(
        !help.text().contains(AVARDA_CUSTOMER_TOKEN),
        "{}",
        help.text()
    );
}
