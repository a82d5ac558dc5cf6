//! Requests and responses: URL joining, decoding, problems, limits, downloads, paging.

use bytes::Bytes;
use futures_util::TryStreamExt;
use http::{HeaderMap, Method, StatusCode};
use mypages_transport::{
    Client, Endpoint, Error, ErrorKind, RequestBody, Response, encode_segment, sensitive_header,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::{Call, Server, builder, raw_server, respond};

#[tokio::test]
async fn paths_and_queries_join_after_the_base_url_prefix() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&format!("{}/payex/", server.url()))
        .build()
        .unwrap();
    let mut call = Call::get(&format!(
        "/ledger/account/v1/{}/accounts",
        encode_segment("501/x")
    ));
    call.query = vec![("customerNo", "4 5&6".to_owned()), ("$top", "2".to_owned())];
    client.execute(&call).await.unwrap();
    assert_eq!(
        server.seen()[0].uri.to_string(),
        "/payex/ledger/account/v1/501%2Fx/accounts?customerNo=4%205%266&$top=2"
    );
}

#[tokio::test]
async fn json_bodies_and_extra_headers_are_sent() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url()).build().unwrap();
    let mut call = Call::post("/Accounts", json!({"amount": "12.50"}));
    call.headers.insert(
        "customerAuthToken",
        sensitive_header("customer_auth_token", "cust-secret").unwrap(),
    );
    client.execute(&call).await.unwrap();
    let seen = &server.seen()[0];
    assert_eq!(seen.method, Method::POST);
    assert_eq!(seen.headers["customerauthtoken"], "cust-secret");
    assert_eq!(seen.headers["content-type"], "application/json");
    assert_eq!(seen.headers["accept"], "application/json");
    assert!(
        seen.headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("mypages-transport/")
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&seen.body).unwrap(),
        json!({"amount": "12.50"})
    );
}

/// Avarda's `GET /Accounts`: 200 with accounts, or 202 with a redirect for strong auth.
#[derive(Debug, PartialEq)]
enum Accounts {
    Authenticated(Value),
    AuthenticationRequired { redirect_url: String },
}

struct ListAccounts;

impl Endpoint for ListAccounts {
    type Output = Accounts;
    fn operation(&self) -> &'static str {
        "list_accounts"
    }
    fn method(&self) -> Method {
        Method::GET
    }
    fn path(&self) -> Result<String, Error> {
        Ok("/Accounts".to_owned())
    }
    fn decode(&self, response: Response) -> Result<Accounts, Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Redirect {
            redirect_url: String,
        }
        if response.status() == StatusCode::ACCEPTED {
            let redirect: Redirect = response.json()?;
            Ok(Accounts::AuthenticationRequired {
                redirect_url: redirect.redirect_url,
            })
        } else {
            Ok(Accounts::Authenticated(response.json()?))
        }
    }
}

#[tokio::test]
async fn decode_sees_the_status_so_outputs_can_be_enums() {
    let server = Server::start(|seen| async move {
        if seen.index == 0 {
            respond(202, r#"{"redirectUrl":"https://bank.example/auth"}"#)
        } else {
            respond(200, r#"[{"accountNo":"1"}]"#)
        }
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    assert_eq!(
        client.execute(&ListAccounts).await.unwrap(),
        Accounts::AuthenticationRequired {
            redirect_url: "https://bank.example/auth".to_owned()
        }
    );
    assert_eq!(
        client.execute(&ListAccounts).await.unwrap(),
        Accounts::Authenticated(json!([{"accountNo": "1"}]))
    );
}

struct Delete;

impl Endpoint for Delete {
    type Output = ();
    fn operation(&self) -> &'static str {
        "delete"
    }
    fn method(&self) -> Method {
        Method::DELETE
    }
    fn path(&self) -> Result<String, Error> {
        Ok("/thing".to_owned())
    }
    fn decode(&self, response: Response) -> Result<(), Error> {
        response.empty()
    }
}

#[tokio::test]
async fn no_content_decodes_to_unit() {
    let server = Server::start(|_| async {
        http::Response::builder()
            .status(204)
            .body(http_body_util::Full::new(Bytes::new()))
            .unwrap()
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    client.execute(&Delete).await.unwrap();
}

#[tokio::test]
async fn pascal_case_problems_decode_with_their_field_list() {
    let server = Server::fixed(
        400,
        r#"{"Type":"ledger.account.validation","Title":"A validation error occurred","Status":400,
            "Instance":"215d4206","Detail":"Please fix the problems.",
            "Problems":[{"amount":"Expected value between [0,01]-[7] actual [0]"}],"Extra":1}"#,
    )
    .await;
    let client = builder(&server.url()).build().unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    assert!(error.may_have_reached_server());
    let problem = error.problem().unwrap();
    assert_eq!(problem.type_str(), "ledger.account.validation");
    assert_eq!(problem.instance.as_deref(), Some("215d4206"));
    assert_eq!(problem.problems[0].name, "amount");
    assert_eq!(problem.extensions["Extra"], 1);
    assert_eq!(error.headers().unwrap()["content-type"], "application/json");
    assert!(error.body().unwrap().starts_with(b"{\"Type\""));
    let text = error.to_string();
    for part in [
        "ledger.account.validation",
        "A validation error occurred",
        "Please fix the problems.",
        "amount",
    ] {
        assert!(text.contains(part), "{text}");
    }
}

#[tokio::test]
async fn lowercase_problems_decode_too() {
    let server = Server::fixed(
        404,
        r#"{"type":"ledger.account.account-not-found","title":"Not found","status":404,"detail":"No such account"}"#,
    )
    .await;
    let client = builder(&server.url()).build().unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    let problem = error.problem().unwrap();
    assert_eq!(problem.type_str(), "ledger.account.account-not-found");
    assert_eq!(problem.title.as_deref(), Some("Not found"));
    assert_eq!(problem.detail.as_deref(), Some("No such account"));
    assert!(error.to_string().contains("No such account"));
}

#[tokio::test]
async fn error_bodies_without_a_problem_keep_the_raw_body() {
    let server = Server::fixed(500, "<html>oops</html>").await;
    let client = builder(&server.url())
        .retry(mypages_transport::RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert!(error.problem().is_none());
    assert_eq!(error.body().unwrap().as_ref(), b"<html>oops</html>");
}

#[tokio::test]
async fn error_bodies_are_bounded() {
    let big = "x".repeat(200 * 1024);
    let server = Server::start(move |_| {
        let big = big.clone();
        async move { respond(404, big) }
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.body().unwrap().len(), 64 * 1024);
}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        amount: u64,
    }
    let server = Server::fixed(
        200,
        r#"{"items":[{"amount":1},{"amount":"secret-19121212"}]}"#,
    )
    .await;
    let client = builder(&server.url()).build().unwrap();
    let error = client
        .follow::<Page>("list_items", "/items")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.json_path(), Some("items[1].amount"));
    assert!(error.to_string().contains("list_items"));
    assert!(!error.to_string().contains("secret-19121212"));
}

/// An HTTP/1.1 answer of 4096 bytes, with a `Content-Length` or chunked (no length up front).
fn big_answer(chunked: bool) -> Vec<u8> {
    let body = vec![b'a'; 4096];
    let mut reply = if chunked {
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n1000\r\n"
            .to_vec()
    } else {
        b"HTTP/1.1 200 OK\r\ncontent-length: 4096\r\nconnection: close\r\n\r\n".to_vec()
    };
    reply.extend_from_slice(&body);
    if chunked {
        reply.extend_from_slice(b"\r\n0\r\n\r\n");
    }
    reply
}

/// The body of `/x` downloaded with `download_to`, checked against the count it returns.
async fn download(client: &Client) -> Vec<u8> {
    let mut file = Vec::new();
    let written = client
        .download_to(&Call::get("/x"), &mut file)
        .await
        .unwrap();
    assert_eq!(written, file.len() as u64);
    file
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_and_downloads_are_not_bounded() {
    for chunked in [false, true] {
        let (addr, _) = raw_server(Some(big_answer(chunked))).await;
        let client = builder(&format!("http://{addr}"))
            .body_limit(1024)
            .build()
            .unwrap();
        let error = client.execute(&Call::get("/x")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error}");
        assert!(error.to_string().contains("1024"));

        assert_eq!(download(&client).await, vec![b'a'; 4096]);

        let within = builder(&format!("http://{addr}"))
            .body_limit(4096)
            .build()
            .unwrap();
        let error = within.execute(&Call::get("/x")).await.unwrap_err();
        // Within the limit the body is read, and `aaaa…` is not JSON.
        assert_eq!(error.kind(), ErrorKind::Decode);
    }
}

/// A token source asked for every request: it has no fixed token, so the auth layer
/// calls the service below it only once the token has come.
#[derive(Debug)]
struct AskedEachTime;

impl mypages_transport::TokenSource for AskedEachTime {
    fn token(
        &self,
    ) -> mypages_transport::BoxFuture<'_, Result<mypages_transport::SecretString, Error>> {
        Box::pin(async { Ok(mypages_transport::SecretString::from("asked")) })
    }
}

#[tokio::test]
async fn a_download_streams_past_the_body_limit_when_the_token_is_asked_for() {
    let (addr, _) = raw_server(Some(big_answer(false))).await;
    let client = builder(&format!("http://{addr}"))
        .token_source(AskedEachTime)
        .body_limit(1024)
        .build()
        .unwrap();
    assert_eq!(download(&client).await, vec![b'a'; 4096]);
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error}");
}

#[tokio::test]
async fn downloads_stream_in_chunks() {
    let server = Server::start(|_| async {
        let mut response = respond(200, vec![7u8; 300_000]);
        response
            .headers_mut()
            .insert("content-type", "application/pdf".parse().unwrap());
        response
    })
    .await;
    let client = builder(&server.url()).body_limit(1024).build().unwrap();
    let download = client.download(&Call::get("/bill.pdf")).await.unwrap();
    assert_eq!(download.content_type(), Some("application/pdf"));
    assert_eq!(download.content_length(), Some(300_000));
    let chunks: Vec<Bytes> = download.try_collect().await.unwrap();
    assert_eq!(chunks.iter().map(Bytes::len).sum::<usize>(), 300_000);
    assert!(chunks.len() > 1, "streamed, not buffered whole");
}

#[tokio::test]
async fn a_failed_download_is_an_api_error() {
    let server = Server::fixed(404, r#"{"title":"No such document"}"#).await;
    let client = builder(&server.url()).build().unwrap();
    let error = client.download(&Call::get("/bill.pdf")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(
        error.problem().unwrap().title.as_deref(),
        Some("No such document")
    );
}

#[derive(Deserialize, Debug)]
struct BillPage {
    items: Vec<u32>,
    view: View,
}

#[derive(Deserialize, Debug)]
struct View {
    next: Option<String>,
}

fn bills_server_page(skip: u32) -> String {
    let items: Vec<u32> = (skip..(skip + 2).min(5)).collect();
    let next = if skip + 2 < 5 {
        json!(format!(
            "/ledger/account/v1/1000/accounts/1/bills?$top=2&$skip={}",
            skip + 2
        ))
    } else {
        Value::Null
    };
    json!({"items": items, "view": {"next": next}}).to_string()
}

async fn bills_server() -> Server {
    Server::start(|seen| async move {
        let skip = seen
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("$skip=")))
            .map_or(0, |s| s.parse().unwrap());
        respond(200, bills_server_page(skip))
    })
    .await
}

#[tokio::test]
async fn link_pages_follow_root_relative_links_under_the_prefix_lazily() {
    let server = bills_server().await;
    let client = builder(&format!("{}/payex", server.url())).build().unwrap();
    let first = client
        .link::<BillPage>(
            "list_bills",
            "/ledger/account/v1/1000/accounts/1/bills?$top=2",
        )
        .unwrap();
    let mut pages = client.link_pages(first, |page: &BillPage| page.view.next.clone());
    let page = pages.try_next().await.unwrap().unwrap();
    assert_eq!(page.items, vec![0, 1]);
    assert_eq!(
        server.hits(),
        1,
        "the next page is fetched only when asked for"
    );

    let items: Vec<u32> = pages
        .items(|page: BillPage| page.items)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, vec![2, 3, 4]);
    let paths: Vec<String> = server.seen().iter().map(|s| s.uri.to_string()).collect();
    assert_eq!(
        paths,
        vec![
            "/payex/ledger/account/v1/1000/accounts/1/bills?$top=2",
            "/payex/ledger/account/v1/1000/accounts/1/bills?$top=2&$skip=2",
            "/payex/ledger/account/v1/1000/accounts/1/bills?$top=2&$skip=4",
        ]
    );
}

#[tokio::test]
async fn request_pages_derive_the_next_request() {
    let server = bills_server().await;
    let client = builder(&server.url()).build().unwrap();
    let page_call = |skip: u32| {
        let mut call = Call::get("/ledger/account/v1/1000/accounts/1/bills");
        call.query = vec![("$top", "2".to_owned()), ("$skip", skip.to_string())];
        call
    };
    let mut skip = 0;
    let items: Vec<Value> = client
        .pages(page_call(0), move |page: &Value| {
            skip += 2;
            page["view"]["next"].is_string().then(|| page_call(skip))
        })
        .items(|page: Value| page["items"].as_array().cloned().unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        items,
        vec![json!(0), json!(1), json!(2), json!(3), json!(4)]
    );
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn a_paging_error_ends_the_stream() {
    let server = Server::start(|seen| async move {
        if seen.index == 0 {
            respond(200, r#"{"items":[1],"view":{"next":"/p2"}}"#)
        } else {
            respond(404, "{}")
        }
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    let first = client.link::<BillPage>("list", "/p1").unwrap();
    let mut items = client
        .link_pages(first, |page: &BillPage| page.view.next.clone())
        .items(|page: BillPage| page.items);
    assert_eq!(items.try_next().await.unwrap(), Some(1));
    assert_eq!(
        items.try_next().await.unwrap_err().kind(),
        ErrorKind::Refused
    );
    assert!(items.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn invalid_requests_send_nothing() {
    let server = Server::fixed(200, "{}").await;
    let client = builder(&server.url()).build().unwrap();
    let error = client.execute(&Call::get("no-slash")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(!error.may_have_reached_server());

    struct Invalid;
    impl Endpoint for Invalid {
        type Output = ();
        fn operation(&self) -> &'static str {
            "invalid"
        }
        fn method(&self) -> Method {
            Method::POST
        }
        fn path(&self) -> Result<String, Error> {
            Err(Error::invalid_argument("customer_no", "must not be empty"))
        }
        fn body(&self) -> Result<Option<RequestBody>, Error> {
            Ok(None)
        }
        fn headers(&self) -> Result<HeaderMap, Error> {
            Ok(HeaderMap::new())
        }
        fn decode(&self, response: Response) -> Result<(), Error> {
            response.empty()
        }
    }
    let error = client.execute(&Invalid).await.unwrap_err();
    assert_eq!(error.argument(), Some("customer_no"));
    assert!(error.to_string().contains("customer_no"));
    assert_eq!(server.hits(), 0);
}

#[test]
fn build_says_what_is_missing_or_wrong() {
    let error = Client::builder().provider("p").build().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.argument(), Some("base_url"));

    let error = Client::builder()
        .base_url("https://example.com")
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("provider"));

    let error = Client::builder()
        .provider("p")
        .base_url("http://api.example.com")
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("base_url"));
    assert!(error.to_string().contains("https"), "{error}");

    let error = Client::builder()
        .provider("p")
        .base_url("https://example.com")
        .body_limit(0)
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("body_limit"));
}

#[tokio::test]
async fn paging_debug_says_whether_it_finished_and_never_shows_the_link() {
    let server = Server::start(|_| async { respond(200, r#"{"items":[7],"view":{}}"#) }).await;
    let client = builder(&server.url()).build().unwrap();
    let first = client
        .link::<BillPage>("list_bills", "/bills?customerNo=1234567")
        .unwrap();
    assert_eq!(
        format!("{first:?}"),
        r#"Link { operation: "list_bills", .. }"#
    );
    let mut items = client
        .link_pages(first, |page: &BillPage| page.view.next.clone())
        .items(|page: BillPage| page.items);
    assert_eq!(
        format!("{items:?}"),
        "Items { pages: Pages { finished: false, .. }, .. }"
    );
    assert_eq!(items.try_next().await.unwrap(), Some(7));
    assert_eq!(items.try_next().await.unwrap(), None);
    assert_eq!(
        format!("{items:?}"),
        "Items { pages: Pages { finished: true, .. }, .. }"
    );
}

#[tokio::test]
async fn a_download_keeps_the_status_and_headers_of_its_answer() {
    let server = Server::start(|_| async {
        let mut response = respond(203, b"%PDF".to_vec());
        let headers = response.headers_mut();
        headers.insert("content-type", "application/pdf".parse().unwrap());
        headers.insert("x-document", "bill-7".parse().unwrap());
        response
    })
    .await;
    let client = builder(&server.url()).build().unwrap();
    let download = client.download(&Call::get("/bill.pdf")).await.unwrap();
    assert_eq!(download.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
    assert_eq!(download.headers()["x-document"], "bill-7");
    assert_eq!(
        format!("{download:?}"),
        r#"Download { status: 203, content_type: Some("application/pdf"), content_length: Some(4), .. }"#
    );
    let mut file = Vec::new();
    assert_eq!(download.download_to(&mut file).await.unwrap(), 4);
    assert_eq!(file, b"%PDF");
}

#[tokio::test]
async fn a_response_body_reports_its_size_end_and_kind() {
    use http_body::Body;
    use http_body_util::BodyExt;
    use mypages_transport::ResponseBody;

    let mut body = ResponseBody::buffered(Bytes::from_static(b"abc"));
    assert_eq!(format!("{body:?}"), "ResponseBody { buffered_len: 3 }");
    assert_eq!(body.size_hint().exact(), Some(3));
    assert!(!body.is_end_stream());
    let frame = body.frame().await.unwrap().unwrap();
    assert_eq!(frame.into_data().unwrap(), "abc");
    assert!(body.is_end_stream());
    assert_eq!(body.size_hint().exact(), Some(0));
    assert_eq!(format!("{body:?}"), "ResponseBody { buffered_len: 0 }");
    assert!(body.frame().await.is_none());

    let mut streaming =
        ResponseBody::streaming(http_body_util::Full::new(Bytes::from_static(b"xy")));
    assert_eq!(format!("{streaming:?}"), "ResponseBody(streaming)");
    assert_eq!(streaming.size_hint().exact(), Some(2));
    assert!(!streaming.is_end_stream());
    let frame = streaming.frame().await.unwrap().unwrap();
    assert_eq!(frame.into_data().unwrap(), "xy");
    assert!(streaming.is_end_stream());
}
