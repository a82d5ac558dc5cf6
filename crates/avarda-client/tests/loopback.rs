//! The client against a small Avarda-like server on 127.0.0.1, through the real transport:
//! the partner token's life cycle, exactly what is sent, both accounts shapes, retries and
//! errors.

mod support;

use std::time::Duration;

use avarda_client::models::{PayLanguage, PayRequest, PaymentState};
use avarda_client::{
    AvardaClient, Category, Customer, ErrorKind, RetryPolicy, SecretString, StrongAuth,
    TokenProvider, error_code,
};
use support::{CLIENT_ID, CLIENT_SECRET, Config, Server, account};

fn client(server: &Server) -> AvardaClient {
    AvardaClient::builder()
        .base_url(server.url())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .transport(|t| t.retry(RetryPolicy::default().base_delay(Duration::from_millis(5))))
        .build()
        .expect("a valid configuration")
}

fn customer(token: &str) -> Customer {
    Customer::new(token, TokenProvider::Own).with_return_url("https://shop.example/my-pages")
}

fn invoices_json() -> String {
    r#"[{"id":"inv-1","currency":"SEK","balance":2000.00,"state":"Unpaid"}]"#.to_owned()
}

#[tokio::test]
async fn one_token_serves_many_concurrent_calls_and_customers() {
    let server = Server::start(Config::answering(|_, _| (200, invoices_json()))).await;
    let avarda = client(&server);
    let customers: Vec<Customer> = (0..20)
        .map(|n| customer(&format!("customer-{n}")))
        .collect();
    let calls = customers
        .iter()
        .map(|customer| avarda.invoices().list(customer, "purchase-1"));
    let results = futures_util::future::join_all(calls).await;
    for result in results {
        let invoices = result.unwrap();
        assert_eq!(invoices[0].balance.unwrap().to_string(), "2000.00");
    }
    // And later calls, from a clone too.
    let clone = avarda.clone();
    clone
        .invoices()
        .list(&customers[0], "purchase-1")
        .await
        .unwrap();
    assert_eq!(
        server.token_fetches(),
        1,
        "one token for every call and customer"
    );
    assert_eq!(server.api_requests(), 21);
    assert!(
        server
            .seen()
            .iter()
            .all(|seen| seen.header("authorization") == Some("Bearer tok-1"))
    );
}

#[tokio::test]
async fn token_is_refreshed_ahead_of_its_expiry() {
    let mut config = Config::answering(|_, _| (200, invoices_json()));
    config.token_lifetime = Duration::from_secs(2);
    let server = Server::start(config).await;
    let avarda = AvardaClient::builder()
        .base_url(server.url())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .refresh_ahead(Duration::from_millis(1500))
        .build()
        .unwrap();
    let me = customer("customer-1");
    avarda.invoices().list(&me, "p").await.unwrap();
    avarda.invoices().list(&me, "p").await.unwrap();
    assert_eq!(server.token_fetches(), 1);
    // 2 s tokens refreshed at most half their life ahead: a new one after 1 s.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Refreshed in the background: this call still uses the valid token, the next the new.
    avarda.invoices().list(&me, "p").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    avarda.invoices().list(&me, "p").await.unwrap();
    assert_eq!(server.token_fetches(), 2);
    let seen = server.seen();
    assert_eq!(seen[3].header("authorization"), Some("Bearer tok-2"));
}

#[tokio::test]
async fn a_skewed_local_clock_does_not_fetch_a_token_per_call() {
    // Avarda's clock is two hours behind ours: its one-hour token "expired" an hour ago by
    // our clock, but by its own it has an hour left.
    let mut config = Config::answering(|_, _| (200, invoices_json()));
    config.clock_skew = -time::Duration::hours(2);
    let server = Server::start(config).await;
    let avarda = client(&server);
    let me = customer("customer-1");
    for _ in 0..3 {
        avarda.invoices().list(&me, "p").await.unwrap();
    }
    assert_eq!(server.token_fetches(), 1);
}

#[tokio::test]
async fn without_token_expiration_utc_the_jwt_exp_claim_decides_the_refresh() {
    let mut config = Config::answering(|_, _| (200, invoices_json()));
    config.token_lifetime = Duration::from_secs(2);
    config.expiry_in_jwt_only = true;
    let server = Server::start(config).await;
    let avarda = client(&server);
    let me = customer("customer-1");
    avarda.invoices().list(&me, "p").await.unwrap();
    avarda.invoices().list(&me, "p").await.unwrap();
    assert_eq!(server.token_fetches(), 1);
    // `exp` is in whole seconds: the token lives 1 to 2 s, refreshed half its life ahead.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    avarda.invoices().list(&me, "p").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.token_fetches(), 2);
}

#[tokio::test]
async fn a_token_answered_as_plain_text_is_used() {
    let mut config = Config::answering(|_, _| (200, invoices_json()));
    config.expiry_in_jwt_only = true;
    config.token_as_text = true;
    let server = Server::start(config).await;
    let avarda = client(&server);
    avarda
        .invoices()
        .list(&customer("customer-1"), "p")
        .await
        .unwrap();
    let seen = server.seen();
    let call = seen.iter().find(|s| s.path.contains("Invoices")).unwrap();
    assert!(
        call.header("authorization")
            .is_some_and(|auth| auth.starts_with("Bearer eyJ") && auth.ends_with(".tok-1")),
        "{:?}",
        call.header("authorization")
    );
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once_and_the_call_replayed() {
    let mut config = Config::answering(|_, _| (200, invoices_json()));
    config.reject_first_token = true;
    let server = Server::start(config).await;
    let avarda = client(&server);
    let invoices = avarda
        .invoices()
        .list(&customer("customer-1"), "p")
        .await
        .unwrap();
    assert_eq!(invoices.len(), 1);
    assert_eq!(server.token_fetches(), 2);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(seen[1].header("authorization"), Some("Bearer tok-2"));
    assert_eq!(seen[1].path, "/Invoices");
    // The new token stays cached.
    avarda
        .invoices()
        .list(&customer("customer-2"), "p")
        .await
        .unwrap();
    assert_eq!(server.token_fetches(), 2);
}

#[tokio::test]
async fn bad_credentials_are_a_typed_error_and_nothing_else_is_sent() {
    let server = Server::start(Config::answering(|_, _| (200, invoices_json()))).await;
    let avarda = AvardaClient::builder()
        .base_url(server.url())
        .credentials(CLIENT_ID, "wrong-secret")
        .build()
        .unwrap();
    let error = avarda
        .invoices()
        .list(&customer("customer-1"), "p")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::Unauthorized);
    assert!(error.is_token_source_failure());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error_code(&error), Some("invalid_client"));
    assert_eq!(
        error.problem().and_then(|p| p.detail.as_deref()),
        Some("Client authentication failed")
    );
    assert!(!error.may_have_reached_server());
    let text = error.to_string();
    assert!(text.contains("bearer token"), "{text}");
    assert!(
        text.contains("invalid_client: Client authentication failed"),
        "{text}"
    );
    assert!(!text.contains("wrong-secret") && !format!("{error:?}").contains("wrong-secret"));
    assert_eq!(server.api_requests(), 0);
    // 401 is not transient: one token request, no retries.
    assert_eq!(server.token_fetches(), 1);
}

#[tokio::test]
async fn a_transient_token_failure_is_retried_within_the_calls_policy() {
    let mut config = Config::answering(|_, _| (200, r#"{"purchaseId":"P1","jwt":"j"}"#.to_owned()));
    config.token_failures = 1;
    let server = Server::start(config).await;
    let avarda = client(&server);
    // POST /Pay is never repeated once sent, but a failed token fetch means it was not.
    let session = avarda
        .pay()
        .start(&PayRequest::new("acc-1".to_owned()))
        .await;
    assert_eq!(
        session.unwrap().expect("a purchase session").purchase_id,
        "P1"
    );
    assert_eq!(server.token_fetches(), 2);
    assert_eq!(server.api_requests(), 1);

    let mut config = Config::answering(|_, _| (200, invoices_json()));
    config.token_failures = 100;
    let server = Server::start(config).await;
    let error = client(&server)
        .invoices()
        .list(&customer("customer-1"), "p")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.category(), Category::Transient);
    assert!(error.is_token_source_failure());
    assert_eq!(
        error.problem().and_then(|p| p.title.as_deref()),
        Some("token service unavailable")
    );
    assert!(!error.may_have_reached_server());
    // Three attempts in all (the default policy), not three per attempt.
    assert_eq!(server.token_fetches(), 3);
    assert_eq!(server.api_requests(), 0);
}

#[tokio::test]
async fn a_ready_token_is_sent_as_is_and_no_token_is_fetched() {
    let server = Server::start(Config::answering(|_, _| (200, invoices_json()))).await;
    let avarda = AvardaClient::builder()
        .base_url(server.url())
        .token(SecretString::from("tok-ready"))
        .build()
        .unwrap();
    avarda
        .invoices()
        .list(&customer("customer-1"), "p")
        .await
        .unwrap();
    assert_eq!(server.token_fetches(), 0);
    assert_eq!(
        server.seen()[0].header("authorization"),
        Some("Bearer tok-ready")
    );
}

#[tokio::test]
async fn customer_context_travels_in_the_documented_headers_and_purchase_id_in_the_query() {
    let server = Server::start(Config::answering(|seen, _| {
        if seen.path.starts_with("/Accounts") {
            (200, format!("[{}]", account("acc-1", "1.00")))
        } else {
            (200, invoices_json())
        }
    }))
    .await;
    let avarda = client(&server);
    let google = Customer::new("c-token-123", TokenProvider::Google)
        .with_return_url("https://shop.example/back?tab=loans");
    avarda
        .invoices()
        .list(&google, "purchase 1/2")
        .await
        .unwrap();
    avarda.accounts().list(&google, "purchase-1").await.unwrap();
    let seen = server.seen();

    let invoices = &seen[0];
    assert_eq!(invoices.method, "GET");
    assert_eq!(invoices.path, "/Invoices");
    assert_eq!(
        invoices.query.as_deref(),
        Some("purchaseId=purchase%201%2F2")
    );
    assert_eq!(invoices.header("customerauthtoken"), Some("c-token-123"));
    assert_eq!(invoices.header("customertokenprovider"), Some("Google"));
    assert_eq!(invoices.header("customerauthenticationreturnurl"), None);

    let accounts = &seen[1];
    assert_eq!(accounts.path, "/Accounts");
    assert_eq!(accounts.query.as_deref(), Some("purchaseId=purchase-1"));
    assert_eq!(accounts.header("customertokenprovider"), Some("Google"));
    assert_eq!(
        accounts.header("customerauthenticationreturnurl"),
        Some("https://shop.example/back?tab=loans")
    );
}

#[tokio::test]
async fn accounts_list_accepts_an_array_and_a_single_object() {
    let server = Server::start(Config::answering(|_, n| {
        if n == 1 {
            (
                200,
                format!(
                    "[{},{}]",
                    account("a-1", "2000.00"),
                    account("a-2", "-0.01")
                ),
            )
        } else {
            (200, account("a-3", "79228162514264337593543950335"))
        }
    }))
    .await;
    let avarda = client(&server);
    let me = customer("customer-1");

    let StrongAuth::Authenticated(many) = avarda.accounts().list(&me, "p").await.unwrap() else {
        panic!("expected accounts");
    };
    assert_eq!(many.len(), 2);
    assert_eq!(many[0].balance.to_string(), "2000.00");
    assert_eq!(many[1].balance.to_string(), "-0.01");

    let one = avarda.accounts().list(&me, "p").await.unwrap();
    let accounts = one.authenticated().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].id.as_deref(), Some("a-3"));
    assert_eq!(
        accounts[0].balance.to_string(),
        "79228162514264337593543950335"
    );
}

#[tokio::test]
async fn strong_authentication_is_a_value_for_list_and_get() {
    let server = Server::start(Config::answering(|_, _| {
        (
            202,
            r#"{"redirectUrl":"https://id.example/session/42"}"#.to_owned(),
        )
    }))
    .await;
    let avarda = client(&server);
    let me = customer("customer-1");
    let list = avarda.accounts().list(&me, "p").await.unwrap();
    assert_eq!(
        list,
        StrongAuth::AuthenticationRequired {
            redirect_url: "https://id.example/session/42".to_owned()
        }
    );
    let one = avarda.accounts().get(&me, "p", "acc/1").await.unwrap();
    assert_eq!(one.redirect_url(), Some("https://id.example/session/42"));
    assert_eq!(server.seen()[1].path, "/Accounts/acc%2F1");
}

#[tokio::test]
async fn pay_sends_the_language_as_given_and_is_never_retried() {
    let server = Server::start(Config::answering(|seen, n| match (seen.path.as_str(), n) {
        ("/Pay", 1) => (
            503,
            r#"{"errorCode":"Unavailable","message":"try later"}"#.to_owned(),
        ),
        ("/Pay", _) => (200, r#"{"purchaseId":"P1","jwt":"eyJ.jwt.sig"}"#.to_owned()),
        ("/Pay/Status", 3) => (503, String::new()),
        _ => (200, r#"{"state":"paid"}"#.to_owned()),
    }))
    .await;
    let avarda = client(&server);

    let request = PayRequest::new("acc-1".to_owned()).with_language(PayLanguage::SWEDISH);
    let error = avarda.pay().start(&request).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error_code(&error), Some("Unavailable"));
    assert_eq!(
        error.problem().and_then(|p| p.title.as_deref()),
        Some("try later")
    );
    assert!(error.may_have_reached_server());
    assert_eq!(server.api_requests(), 1, "POST /Pay must not be retried");

    let request =
        PayRequest::new("acc-1".to_owned()).with_language(PayLanguage::Name("English".into()));
    let session = avarda
        .pay()
        .start(&request)
        .await
        .unwrap()
        .expect("Avarda answered a purchase session");
    assert_eq!(session.purchase_id, "P1");
    assert_eq!(session.jwt.expose(), "eyJ.jwt.sig");
    assert!(!format!("{session:?}").contains("eyJ.jwt.sig"));

    // Pay/Status is a read: a 503 is retried, and "paid" reads as Paid.
    let status = avarda
        .pay()
        .status("P1", "acc-1")
        .await
        .unwrap()
        .expect("Avarda answered a payment state");
    assert_eq!(status.state, PaymentState::Paid);

    let seen = server.seen();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0].body, r#"{"language":1,"accountId":"acc-1"}"#);
    assert_eq!(
        seen[1].body,
        r#"{"language":"English","accountId":"acc-1"}"#
    );
    assert_eq!(seen[2].path, "/Pay/Status");
    assert_eq!(seen[3].body, r#"{"purchaseId":"P1","accountId":"acc-1"}"#);
    assert_eq!(seen[3].header("content-type"), Some("application/json"));
}

/// Avarda may answer the invoice list, a payment's start and its status without a body
/// (specs/CONVENTIONS.md, "No content"): an empty list and `None`. Where a body is
/// documented (an invoice's details), an empty answer still does not decode.
#[tokio::test]
async fn answers_without_a_body_are_an_empty_list_and_none_where_the_spec_allows_them() {
    let server = Server::start(Config::answering(|_, _| (204, String::new()))).await;
    let avarda = client(&server);
    let me = customer("customer-1");
    assert_eq!(avarda.invoices().list(&me, "p").await.unwrap(), Vec::new());
    let request = PayRequest::new("acc-1".to_owned());
    assert_eq!(avarda.pay().start(&request).await.unwrap(), None);
    assert_eq!(avarda.pay().status("P1", "acc-1").await.unwrap(), None);
    let error = avarda.invoices().get(&me, "p", "inv-1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
}

#[tokio::test]
async fn error_answers_keep_status_headers_and_body_whatever_their_shape() {
    let server = Server::start(Config::answering(|seen, _| match seen.path.as_str() {
        "/Invoices/missing" => (404, r#"{"errorCode":404,"message":"Invoice not found"}"#.to_owned()),
        "/Invoices/teapot" => (418, "<html>no</html>".to_owned()),
        _ => (400, r#"{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.1","title":"One or more validation errors occurred.","status":400}"#.to_owned()),
    }))
    .await;
    let avarda = client(&server);
    let me = customer("customer-1");

    let error = avarda
        .invoices()
        .get(&me, "p", "missing")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::NotFound);
    assert_eq!(error_code(&error), Some("404"));
    assert_eq!(
        error.problem().and_then(|p| p.title.as_deref()),
        Some("Invoice not found")
    );
    assert!(error.to_string().contains("Invoice not found"), "{error}");
    assert_eq!(error.headers().unwrap()["content-type"], "application/json");

    let error = avarda.invoices().get(&me, "p", "teapot").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::Rejected);
    assert_eq!(error.body().unwrap().as_ref(), b"<html>no</html>");
    assert!(error.problem().is_none());
    assert_eq!(error_code(&error), None);

    let error = avarda.invoices().list(&me, "p").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::InvalidInput);
    assert_eq!(
        error.problem().and_then(|p| p.title.as_deref()),
        Some("One or more validation errors occurred.")
    );
}

#[tokio::test]
async fn avardas_error_code_refines_the_category_the_status_gives() {
    let server = Server::start(Config::answering(|seen, _| match seen.path.as_str() {
        "/Invoices/gone" => (
            400,
            r#"{"errorCode":"NotFound","message":"No such invoice"}"#.to_owned(),
        ),
        "/Invoices/odd" => (409, r#"{"error":"invalid_request"}"#.to_owned()),
        _ => (
            409,
            r#"{"errorCode":"Conflict","message":"busy"}"#.to_owned(),
        ),
    }))
    .await;
    let avarda = client(&server);
    let me = customer("customer-1");
    let error = avarda.invoices().get(&me, "p", "gone").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        error.category(),
        Category::NotFound,
        "the code says more than the 400"
    );
    let error = avarda.invoices().get(&me, "p", "odd").await.unwrap_err();
    assert_eq!(error.category(), Category::InvalidInput);
    let error = avarda.invoices().get(&me, "p", "other").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(
        error.category(),
        Category::Rejected,
        "an unknown code keeps the status' category"
    );
}

#[tokio::test]
async fn forbidden_rate_limited_and_slow_answers_have_their_own_kinds() {
    let server = Server::start(Config::answering(|seen, _| match seen.path.as_str() {
        "/Invoices/locked" => (403, r#"{"message":"Forbidden"}"#.to_owned()),
        _ => (429, r#"{"message":"Too many requests"}"#.to_owned()),
    }))
    .await;
    let avarda = client(&server);
    let me = customer("customer-1");
    let error = avarda.invoices().get(&me, "p", "locked").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::Unauthorized);
    assert_eq!(server.api_requests(), 1, "403 is not retried");

    let error = avarda.invoices().list(&me, "p").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.category(), Category::Transient);
    assert!(error.is_transient());
    assert_eq!(
        server.api_requests(),
        4,
        "a read is tried three times on 429"
    );

    let mut config = Config::answering(|_, _| (200, invoices_json()));
    config.delay = Duration::from_secs(5);
    let slow = Server::start(config).await;
    let avarda = AvardaClient::builder()
        .base_url(slow.url())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .transport(|t| {
            t.attempt_timeout(Duration::from_millis(100))
                .retry(RetryPolicy::never())
        })
        .build()
        .unwrap();
    let error = avarda.invoices().list(&me, "p").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.category(), Category::Transient);
    assert!(error.may_have_reached_server());
}

#[tokio::test]
async fn an_answer_that_is_not_the_documented_json_is_a_decode_error_with_its_path() {
    let server = Server::start(Config::answering(|_, _| {
        (
            200,
            r#"[{"id":"inv-1","currency":"SEK","balance":"lots","state":"Unpaid"}]"#.to_owned(),
        )
    }))
    .await;
    let error = client(&server)
        .invoices()
        .list(&customer("customer-1"), "p")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.category(), Category::Unexpected);
    assert_eq!(error.json_path(), Some("[0].balance"));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = Server::start(Config::answering(|_, _| (200, invoices_json()))).await;
    let avarda = client(&server);
    let me = customer("customer-1");
    let cases = [
        (
            avarda.invoices().list(&me, "").await.unwrap_err(),
            "purchase_id",
        ),
        (
            avarda
                .invoices()
                .get(&me, "p", &"x".repeat(500))
                .await
                .unwrap_err(),
            "invoice_id",
        ),
        (
            avarda
                .accounts()
                .list(&Customer::new("c", TokenProvider::Own), "p")
                .await
                .unwrap_err(),
            "return_url",
        ),
        (
            avarda
                .accounts()
                .get(
                    &Customer::new("c", TokenProvider::Own).with_return_url("/relative"),
                    "p",
                    "a",
                )
                .await
                .unwrap_err(),
            "return_url",
        ),
        (
            avarda
                .invoices()
                .list(&customer("with space"), "p")
                .await
                .unwrap_err(),
            "customer_token",
        ),
        (
            avarda
                .pay()
                .start(&PayRequest::new(" ".to_owned()))
                .await
                .unwrap_err(),
            "account_id",
        ),
        (
            avarda.pay().status("", "acc").await.unwrap_err(),
            "purchase_id",
        ),
    ];
    for (error, argument) in cases {
        assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{error}");
        assert_eq!(error.category(), Category::InvalidInput, "{error}");
        assert_eq!(error.argument(), Some(argument), "{error}");
        assert!(error.to_string().contains(argument), "{error}");
        assert!(!error.to_string().contains("with space"), "{error}");
    }
    assert_eq!(server.token_fetches(), 0);
    assert_eq!(server.api_requests(), 0);
}

#[test]
fn the_builder_says_what_is_missing() {
    let stage_by_default = AvardaClient::builder()
        .credentials("id", "secret")
        .build()
        .unwrap();
    assert!(format!("{stage_by_default:?}").contains("https://stage.avarda360-api.avarda.com"));

    let missing_auth = AvardaClient::builder()
        .environment(avarda_client::Environment::Stage)
        .build()
        .unwrap_err();
    assert_eq!(missing_auth.argument(), Some("credentials"));
    assert!(missing_auth.to_string().contains(".credentials("));

    let both = AvardaClient::builder()
        .environment(avarda_client::Environment::Production)
        .credentials("id", "secret")
        .token(SecretString::from("t"))
        .build()
        .unwrap_err();
    assert_eq!(both.argument(), Some("credentials"));

    let empty_secret = AvardaClient::builder()
        .environment(avarda_client::Environment::Production)
        .credentials("id", " ")
        .build()
        .unwrap_err();
    assert_eq!(empty_secret.argument(), Some("client_secret"));

    let plain_http = AvardaClient::builder()
        .base_url("http://avarda.example")
        .credentials("id", "secret")
        .build()
        .unwrap_err();
    assert_eq!(plain_http.argument(), Some("base_url"));

    let both_roots = AvardaClient::builder()
        .base_url("https://avarda.example")
        .environment(avarda_client::Environment::Stage)
        .credentials("id", "secret")
        .build()
        .unwrap_err();
    assert_eq!(both_roots.kind(), ErrorKind::InvalidArgument);
    assert_eq!(both_roots.argument(), Some("base_url"));
    assert!(
        both_roots.to_string().contains("environment"),
        "{both_roots}"
    );

    let zero_ahead = AvardaClient::builder()
        .credentials("id", "secret")
        .refresh_ahead(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(zero_ahead.argument(), Some("refresh_ahead"));

    let ok = AvardaClient::builder()
        .environment(avarda_client::Environment::Stage)
        .credentials("id", "very-secret")
        .build()
        .unwrap();
    assert!(!format!("{ok:?}").contains("very-secret"));
    assert!(format!("{ok:?}").contains("stage.avarda360-api.avarda.com"));
}

#[tokio::test]
async fn avardas_text_is_bounded_and_escaped_in_messages() {
    let message = format!("No such\ninvoice\u{1b}[2J {}", "x".repeat(30_000));
    let body =
        serde_json::json!({"errorCode": "E\n1", "message": message, "error": "e".repeat(5_000)})
            .to_string();
    let server = Server::start(Config::answering(move |_, _| (404, body.clone()))).await;
    let avarda = client(&server);
    let error = avarda
        .invoices()
        .get(&customer("customer-1"), "p", "missing")
        .await
        .unwrap_err();
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(text.len() < 4_096, "{} bytes", text.len());
        assert!(
            !text.contains(['\n', '\u{1b}']),
            "control characters in {text:?}"
        );
    }
    assert!(error.to_string().contains("No such\\ninvoice"), "{error}");
    // The whole text stays available through the accessor.
    assert_eq!(error.problem().unwrap().title.as_deref(), Some(&*message));
}

#[tokio::test]
async fn the_user_agent_and_transport_settings_reach_the_token_fetch_too() {
    let server = Server::start(Config::answering(|_, _| (200, invoices_json()))).await;
    let me = customer("customer-1");
    client(&server).invoices().list(&me, "p").await.unwrap();
    let default = format!("mypages-avarda/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        server.seen()[0].header("user-agent"),
        Some(default.as_str())
    );
    assert_eq!(
        server.token_seen()[0].header("user-agent"),
        Some(default.as_str())
    );

    let server = Server::start(Config::answering(|_, _| (200, invoices_json()))).await;
    AvardaClient::builder()
        .base_url(server.url())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .transport(|t| t.user_agent("shop/1.0"))
        .build()
        .unwrap()
        .invoices()
        .list(&me, "p")
        .await
        .unwrap();
    assert_eq!(server.seen()[0].header("user-agent"), Some("shop/1.0"));
    assert_eq!(
        server.token_seen()[0].header("user-agent"),
        Some("shop/1.0")
    );
}

/// Every call of the client is a request of one of the spec's operations, and every
/// operation of the spec has a client method that sends it.
#[tokio::test]
async fn every_operation_of_the_spec_is_reached_and_nothing_else_is_sent() {
    use avarda_client::operations;

    let server = Server::start(Config::answering(|seen, _| {
        let body = match seen.path.as_str() {
            "/Invoices" => invoices_json(),
            "/Invoices/inv-1" => {
                r#"{"id":"inv-1","currency":"SEK","balance":1.00,"state":"Unpaid"}"#.to_owned()
            }
            "/Accounts" => format!("[{}]", account("acc-1", "1.00")),
            "/Accounts/acc-1" => account("acc-1", "1.00"),
            "/Pay" => r#"{"purchaseId":"P1","jwt":"j"}"#.to_owned(),
            _ => r#"{"state":"paid"}"#.to_owned(),
        };
        (200, body)
    }))
    .await;
    let avarda = client(&server);
    let me = customer("customer-1");
    avarda.invoices().list(&me, "p").await.unwrap();
    avarda.invoices().get(&me, "p", "inv-1").await.unwrap();
    avarda.accounts().list(&me, "p").await.unwrap();
    avarda.accounts().get(&me, "p", "acc-1").await.unwrap();
    avarda
        .pay()
        .start(&PayRequest::new("acc-1".to_owned()))
        .await
        .unwrap();
    avarda.pay().status("P1", "acc-1").await.unwrap();

    let mut reached = Vec::new();
    for seen in server.token_seen().iter().chain(server.seen().iter()) {
        let matching: Vec<&str> = operations::ALL
            .iter()
            .filter(|op| op.matches(&seen.method, &seen.path))
            .map(|op| op.id())
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{} {} is not one operation of the spec",
            seen.method,
            seen.path
        );
        reached.push(matching[0]);
    }
    reached.sort_unstable();
    reached.dedup();
    let all: Vec<&str> = operations::ALL.iter().map(|op| op.id()).collect();
    assert_eq!(
        reached, all,
        "an operation of the spec has no client method"
    );
}
