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
