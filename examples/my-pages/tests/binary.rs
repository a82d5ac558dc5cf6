//! The `my-pages` binary as `cargo run -p my-pages` starts it: no set-up, prints its URL,
//! serves the pages on the embedded sandbox, logs requests without personal data, and
//! stops cleanly on SIGTERM.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

#[tokio::test]
async fn starts_with_no_set_up_prints_its_url_and_stops_cleanly_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_my-pages"))
        .args(["--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .strip_prefix("My Pages: ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .trim_end_matches('/')
        .to_owned();
    assert!(first.contains("embedded sandbox"), "{first}");
    let addr: std::net::SocketAddr = url.strip_prefix("http://").unwrap().parse().unwrap();

    let page = common::send(addr, "GET", "/payex/accounts/5000001", &[], None)
        .await
        .unwrap();
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("PayEx account 5000001"));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("My Pages stopped."), "{rest}");

    // The request log names the route pattern, never the account number or the session.
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("/payex/accounts/{account}"), "{log}");
    assert!(!log.contains("5000001"), "{log}");
    assert!(!log.contains("mypages_session"), "{log}");
}

#[tokio::test]
async fn a_config_file_points_it_at_other_providers_with_credentials_from_the_environment() {
    use mypages_sandbox::credentials::*;
    // The sandbox stands in for the real providers: the app reaches it only through the
    // file and the environment, as it would reach Avarda, PayEx and PayFunc.
    let sandbox = mypages_sandbox::Sandbox::builder().start().await.unwrap();
    let config = format!(
        r#"
timeout_secs = 10

[avarda]
base_url = "{avarda}"
client_id_env = "SHOP_AVARDA_ID"
client_secret_env = "SHOP_AVARDA_SECRET"
customer_token_env = "SHOP_AVARDA_CUSTOMER"
return_url = "https://shop.example/my-pages"
purchase_id = "{AVARDA_PURCHASE_ID}"

[payex]
base_url = "{payex}"
token_env = "SHOP_PAYEX_TOKEN"
ledger = "{PAYEX_LEDGER}"
customer_no = "{PAYEX_CUSTOMER_NO}"

[p4p]
base_url = "{p4p}"
key_env = "SHOP_P4P_KEY"
account_id = "{P4P_ACCOUNT_ID}"
"#,
        avarda = sandbox.avarda_url(),
        payex = sandbox.payex_url(),
        p4p = sandbox.p4p_url(),
    );
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("my-pages-{}.toml", std::process::id()));
    std::fs::write(&path, config).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_my-pages"))
        .args(["--addr", "127.0.0.1:0", "--config"])
        .arg(&path)
        .env("SHOP_AVARDA_ID", AVARDA_CLIENT_ID)
        .env("SHOP_AVARDA_SECRET", AVARDA_CLIENT_SECRET)
        .env("SHOP_AVARDA_CUSTOMER", AVARDA_CUSTOMER_TOKEN)
        .env("SHOP_PAYEX_TOKEN", PAYEX_TOKEN)
        .env("SHOP_P4P_KEY", P4P_KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(!first.contains("sandbox"), "no embedded sandbox: {first}");
    let url = first
        .strip_prefix("My Pages: ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .trim_end_matches('/')
        .to_owned();
    let addr: std::net::SocketAddr = url.strip_prefix("http://").unwrap().parse().unwrap();

    let overview = common::send(addr, "GET", "/", &[], None).await.unwrap();
    let text = overview.text();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&path);
    assert_eq!(overview.status, 200, "{text}");
    assert!(
        !text.contains("class=\"notice\""),
        "every provider answered: {text}"
    );
    for expected in ["4821.35 SEK", "1249.50 SEK", "610.25 SEK"] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    // The customer token of the file is already verified: Avarda's accounts show at once.
    assert!(!text.contains("id=\"avarda-locked\""), "{text}");
}

#[test]
fn a_config_that_names_an_unset_variable_is_refused_at_start() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("my-pages-unset-{}.toml", std::process::id()));
    std::fs::write(
        &path,
        "[p4p]\nkey_env = \"MY_PAGES_TEST_UNSET_KEY\"\naccount_id = \"sandboxdemoaccnt\"\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_my-pages"))
        .args(["--addr", "127.0.0.1:0", "--config"])
        .arg(&path)
        .env_remove("MY_PAGES_TEST_UNSET_KEY")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("p4p.key_env names the environment variable MY_PAGES_TEST_UNSET_KEY"),
        "{stderr}"
    );
}
