//! One error vocabulary: the same failure, met by each of the three clients, is the same
//! kind and category, with the same answers to "may it have reached the provider?" and
//! "is it transient?". A merchant maps `mypages_transport::Error` once for all three.

use avarda_client::{Customer, TokenProvider};
use http::Method;
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
    P4P_ACCOUNT_ID, P4P_KEY, PAYEX_LEDGER,
};
use mypages_sandbox::{FaultKind, Provider, RunningSandbox};
use mypages_transport::{Category, Error, ErrorKind};
use p4p_client::models::AccountId;

use crate::support::{self, fault};

/// What a merchant's code looks at, the same for every client.
fn vocabulary(error: &Error) -> (ErrorKind, Category, bool, bool, Option<u16>) {
    (
        error.kind(),
        error.category(),
        error.may_have_reached_server(),
        error.is_transient(),
        error.status().map(|status| status.as_u16()),
    )
}

/// One read per provider: PayEx's account, Avarda's invoices, PayFunc's account.
async fn reads(
    payex: &payex_client::PayexClient,
    avarda: &avarda_client::AvardaClient,
    p4p: &p4p_client::P4pClient,
) -> [Error; 3] {
    let me = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);
    let id = AccountId::new(P4P_ACCOUNT_ID).unwrap();
    [
        payex.accounts().get("5000001").await.unwrap_err(),
        avarda
            .invoices()
            .list(&me, AVARDA_PURCHASE_ID)
            .await
            .unwrap_err(),
        p4p.accounts().get(id).await.unwrap_err(),
    ]
}

/// Adds `kind` to the read path of each provider.
fn fail_reads(sandbox: &RunningSandbox, kind: FaultKind) {
    for (provider, path) in [
        (Provider::Payex, "/ledger/account/v1/1000/accounts/5000001"),
        (Provider::Avarda, "/Invoices"),
        (Provider::P4p, "/account/*"),
    ] {
        sandbox.add_fault(fault(provider, Method::GET, path, kind));
    }
}

fn assert_same(errors: &[Error; 3], expected: (ErrorKind, Category, bool, bool, Option<u16>)) {
    for (client, error) in ["payex", "avarda", "p4p"].iter().zip(errors) {
        assert_eq!(vocabulary(error), expected, "{client}: {error}");
    }
}

#[tokio::test]
async fn the_three_clients_answer_the_same_failures_with_the_same_vocabulary() {
    let sandbox = support::sandbox().await;
    let (payex, avarda, p4p) = (
        support::payex(&sandbox),
        support::avarda(&sandbox),
        support::p4p(&sandbox),
    );

    let cases = [
        (
            FaultKind::Status(404),
            (
                ErrorKind::Refused,
                Category::NotFound,
                true,
                false,
                Some(404),
            ),
        ),
        (
            FaultKind::Status(503),
            (
                ErrorKind::Transient,
                Category::Transient,
                true,
                true,
                Some(503),
            ),
        ),
        (
            FaultKind::Status(401),
            (
                ErrorKind::Refused,
                Category::Unauthorized,
                true,
                false,
                Some(401),
            ),
        ),
        (
            FaultKind::Truncate,
            (
                ErrorKind::Decode,
                Category::Unexpected,
                true,
                false,
                Some(200),
            ),
        ),
        (
            FaultKind::Drop,
            (ErrorKind::Transient, Category::Transient, true, true, None),
        ),
    ];
    for (fault, expected) in cases {
        fail_reads(&sandbox, fault);
        assert_same(&reads(&payex, &avarda, &p4p).await, expected);
        sandbox.clear_faults();
    }
}

#[tokio::test]
async fn no_connection_and_bad_arguments_read_the_same_at_every_client() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = format!("http://127.0.0.1:{port}");
    let payex = payex_client::PayexClient::builder()
        .base_url(&nowhere)
        .ledger(PAYEX_LEDGER)
        .token("t".into())
        .transport(|t| t.retry(support::fast_retries()))
        .build()
        .unwrap();
    let avarda = avarda_client::AvardaClient::builder()
        .base_url(&nowhere)
        .token("t".into())
        .transport(|t| t.retry(support::fast_retries()))
        .build()
        .unwrap();
    let p4p = p4p_client::P4pClient::builder()
        .base_url(&nowhere)
        .key(P4P_KEY)
        .transport(|t| t.retry(support::fast_retries()))
        .build()
        .unwrap();
    let expected = (ErrorKind::Connect, Category::Transient, false, true, None);
    assert_same(&reads(&payex, &avarda, &p4p).await, expected);

    // Refused before sending, naming the argument.
    let me = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);
    let errors = [
        payex.accounts().get("").await.unwrap_err(),
        avarda.invoices().list(&me, "").await.unwrap_err(),
        p4p_client::P4pClient::builder()
            .key(" ")
            .build()
            .unwrap_err(),
    ];
    let expected = (
        ErrorKind::InvalidArgument,
        Category::InvalidInput,
        false,
        false,
        None,
    );
    assert_same(&errors, expected);

    // Both an environment and a base URL: the same build error, naming both.
    let errors = [
        payex_client::PayexClient::builder()
            .environment(payex_client::Environment::Sandbox)
            .base_url(&nowhere)
            .ledger(PAYEX_LEDGER)
            .token("t".into())
            .build()
            .unwrap_err(),
        avarda_client::AvardaClient::builder()
            .environment(avarda_client::Environment::Stage)
            .base_url(&nowhere)
            .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
            .build()
            .unwrap_err(),
        p4p_client::P4pClient::builder()
            .environment(p4p_client::Environment::Production)
            .base_url(&nowhere)
            .key(P4P_KEY)
            .build()
            .unwrap_err(),
    ];
    for error in &errors {
        assert_eq!(error.argument(), Some("base_url"), "{error}");
        assert!(error.to_string().contains("environment"), "{error}");
    }
}
