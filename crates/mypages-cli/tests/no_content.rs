//! docs/cli.md, Output: "A command that answers 'no content' (HTTP 204) prints nothing and
//! exits 0", whatever the provider documents for that operation; an empty `200` is still a
//! failure where the document promises a body (exit 5), and a success where it shows none.
//! The provider here is a small HTTP server on 127.0.0.1 that gives every request one fixed
//! status line and no body.

mod support;

use support::{Mypages, answering};

fn p4p(base_url: &str, args: &[&str]) -> Mypages {
    Mypages::new()
        .provider_at("p4p", base_url)
        .args(args)
        .env("P4P_KEY", "loopback-key")
}

fn avarda(base_url: &str, args: &[&str]) -> Mypages {
    Mypages::new()
        .provider_at("avarda", base_url)
        .args(args)
        .env("AVARDA_TOKEN", "loopback-token")
        .env("AVARDA_CUSTOMER_TOKEN", "loopback-customer")
}

fn payex(base_url: &str, args: &[&str]) -> Mypages {
    Mypages::new()
        .provider_at("payex", base_url)
        .args(args)
        .env("PAYEX_TOKEN", "loopback-token")
        .env("PAYEX_LEDGER", "1000")
}

/// Every kind of command, reads and writes, with and without a documented body.
fn commands(url: &str) -> Vec<(&'static str, Mypages)> {
    vec![
        (
            "p4p accounts get",
            p4p(url, &["accounts", "get", "abcdefghijklmnop"]),
        ),
        ("p4p accounts list", p4p(url, &["accounts", "list"])),
        (
            "p4p balance settle",
            p4p(url, &["balance", "settle", "all"]),
        ),
        (
            "p4p methods add",
            p4p(
                url,
                &["methods", "add", "abcdefghijklmnop", "--card", "card.token"],
            ),
        ),
        (
            "p4p subscriptions end",
            p4p(url, &["subscriptions", "end", "abcdefghijklmnop", "abcd"]),
        ),
        (
            "avarda invoices list",
            avarda(url, &["invoices", "list", "--purchase-id", "P1"]),
        ),
        (
            "avarda pay start",
            avarda(url, &["pay", "start", "--account-id", "acc-1"]),
        ),
        (
            "avarda pay status",
            avarda(
                url,
                &[
                    "pay",
                    "status",
                    "--purchase-id",
                    "P1",
                    "--account-id",
                    "acc-1",
                ],
            ),
        ),
        (
            "payex accounts get",
            payex(url, &["accounts", "get", "NNN"]),
        ),
        ("payex bills list", payex(url, &["bills", "list", "NNN"])),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_204_prints_nothing_and_exits_0_for_every_kind_of_command() {
    let url = answering("204 No Content", "");
    for (name, command) in commands(&url) {
        let run = command.run().await;
        assert_eq!(
            run.code, 0,
            "{name}: a 204 must exit 0; stderr: {}",
            run.stderr
        );
        assert_eq!(run.text(), "", "{name}: a 204 must print nothing");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_200_is_accepted_only_where_the_document_shows_no_body() {
    let url = answering("200 OK", "");
    // The documents show no answer body for adding a p4p method; Avarda's invoice list,
    // payment start and payment status may come without one (specs/CONVENTIONS.md).
    for (name, command) in commands(&url) {
        let run = command.run().await;
        let shows_none = matches!(
            name,
            "p4p methods add" | "avarda invoices list" | "avarda pay start" | "avarda pay status"
        );
        if shows_none {
            assert_eq!(run.code, 0, "{name}: stderr {}", run.stderr);
        } else {
            assert_eq!(
                run.code,
                5,
                "{name}: an empty 200 where a body is documented is exit 5; stdout {}",
                run.text()
            );
        }
    }
}
