//! The client against the mypages sandbox's Avarda simulator, through the real transport:
//! every endpoint, the whole strong-authentication flow with the customer's browser, the
//! payment flow, errors and faults.

use std::time::Duration;

use avarda_client::models::{PayLanguage, PayRequest, PaymentState, PaymentStatusType};
use avarda_client::{
    AvardaClient, Category, Customer, ErrorKind, RetryPolicy, StrongAuth, TokenProvider, error_code,
};
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use mypages_models::Decimal;
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
};
use mypages_sandbox::{FaultKind, FaultRule, Provider, RunningSandbox, Sandbox};
use mypages_transport::{Client, Endpoint, RequestBody, Response};

const RETURN_URL: &str = "https://shop.example/my-pages/accounts";

async fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .generated_customers(1)
        .start()
        .await
        .expect("the sandbox starts")
}

fn client(sandbox: &RunningSandbox) -> AvardaClient {
    AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .transport(|t| t.retry(RetryPolicy::default().base_delay(Duration::from_millis(5))))
        .build()
        .expect("a valid configuration")
}

fn demo_customer() -> Customer {
    Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own).with_return_url(RETURN_URL)
}

/// The customer's browser: plain requests to the sandbox's web pages (no partner token).
struct Browser {
    method: Method,
    path: String,
    form: Option<&'static str>,
}

impl Endpoint for Browser {
    type Output = (StatusCode, Bytes);

    fn operation(&self) -> &'static str {
        "browser"
    }

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path(&self) -> Result<String, mypages_transport::Error> {
        Ok(self.path.clone())
    }

    fn body(&self) -> Result<Option<RequestBody>, mypages_transport::Error> {
        Ok(self.form.map(|form| {
            RequestBody::new(
                http::HeaderValue::from_static("application/x-www-form-urlencoded"),
                form,
            )
        }))
    }

    fn decode(&self, response: Response) -> Result<Self::Output, mypages_transport::Error> {
        Ok((response.status(), response.body().clone()))
    }
}

#[tokio::test]
async fn the_demo_customer_reads_invoices_and_accounts() {
    let sandbox = sandbox().await;
    let avarda = client(&sandbox);
    let me = demo_customer();

    let invoices = avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    assert!(!invoices.is_empty());
    for invoice in &invoices {
        assert!(invoice.balance.unwrap().scale() <= 2, "{invoice:?}");
    }
    let first = &invoices[0];
    let details = avarda
        .invoices()
        .get(&me, AVARDA_PURCHASE_ID, &first.id)
        .await
        .unwrap();
    assert_eq!(details.id, first.id);
    assert_eq!(details.balance, first.balance);

    let StrongAuth::Authenticated(accounts) = avarda
        .accounts()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap()
    else {
        panic!("the demo customer has passed strong authentication");
    };
    assert!(!accounts.is_empty());
    let id = accounts[0].id.clone().unwrap();
    let account = avarda
        .accounts()
        .get(&me, AVARDA_PURCHASE_ID, &id)
        .await
        .unwrap()
        .authenticated()
        .unwrap();
    assert_eq!(account.id.as_deref(), Some(id.as_str()));
    assert_eq!(account.balance, accounts[0].balance);
}

#[tokio::test]
async fn a_new_customer_passes_strong_authentication_and_then_sees_accounts() {
    let sandbox = sandbox().await;
    let avarda = client(&sandbox);
    let newcomer =
        Customer::new("sha256-of-customer-77", TokenProvider::Own).with_return_url(RETURN_URL);

    // 1. The merchant asks; Avarda wants the customer identified first.
    let answer = avarda
        .accounts()
        .list(&newcomer, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    let StrongAuth::AuthenticationRequired { redirect_url } = answer else {
        panic!("a new customer must authenticate first: {answer:?}");
    };
    assert!(
        redirect_url.starts_with(&sandbox.base_url()),
        "{redirect_url}"
    );
    let detail = avarda
        .accounts()
        .get(&newcomer, AVARDA_PURCHASE_ID, "any")
        .await
        .unwrap();
    assert!(detail.is_authentication_required());

    // 2. The merchant redirects the browser there; the customer confirms; Avarda sends
    //    the browser back to the return URL.
    let browser = Client::builder()
        .provider("browser")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let path = redirect_url
        .strip_prefix(&sandbox.base_url())
        .unwrap()
        .to_owned();
    let (status, page) = browser
        .execute(&Browser {
            method: Method::GET,
            path: path.clone(),
            form: None,
        })
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("decision"));
    let back = browser
        .execute(&Browser {
            method: Method::POST,
            path,
            form: Some("decision=confirm"),
        })
        .await
        .unwrap_err();
    assert_eq!(back.status(), Some(StatusCode::SEE_OTHER));
    let headers: &HeaderMap = back.headers().unwrap();
    assert_eq!(headers["location"], RETURN_URL);

    // 3. Back on the return URL, the merchant calls again and gets the accounts.
    let accounts = avarda
        .accounts()
        .list(&newcomer, AVARDA_PURCHASE_ID)
        .await
        .unwrap()
        .authenticated()
        .expect("authenticated after confirming");
    assert!(!accounts.is_empty());
}

#[tokio::test]
async fn an_invoice_is_paid_through_pay_and_pay_status() {
    let sandbox = sandbox().await;
    let avarda = client(&sandbox);
    let me = demo_customer();
    let invoices = avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    let open = invoices
        .iter()
        .find(|invoice| invoice.balance > Some(Decimal::ZERO))
        .expect("the demo customer has an open invoice");

    let request = PayRequest::new(open.id.clone()).with_language(PayLanguage::SWEDISH);
    let session = avarda
        .pay()
        .start(&request)
        .await
        .unwrap()
        .expect("Avarda answered a purchase session");
    assert!(!session.purchase_id.is_empty());
    assert!(session.jwt.expose().starts_with("eyJ"));

    let status = avarda
        .pay()
        .status(&session.purchase_id, &open.id)
        .await
        .unwrap()
        .expect("Avarda answered a payment state");
    assert_eq!(status.state, PaymentState::Unpaid);

    // The customer pays in the Checkout form (the sandbox's pay page does the same).
    sandbox
        .avarda_complete_payment(&session.purchase_id)
        .unwrap();
    let status = avarda
        .pay()
        .status(&session.purchase_id, &open.id)
        .await
        .unwrap()
        .expect("Avarda answered a payment state");
    assert_eq!(status.state, PaymentState::Paid);

    let paid = avarda
        .invoices()
        .get(&me, AVARDA_PURCHASE_ID, &open.id)
        .await
        .unwrap();
    assert_eq!(paid.balance, Some(Decimal::ZERO));
    assert_eq!(paid.state, Some(PaymentStatusType::Paid));
}

#[tokio::test]
async fn errors_are_typed_with_avardas_fields() {
    let sandbox = sandbox().await;
    let avarda = client(&sandbox);
    let me = demo_customer();

    let error = avarda
        .invoices()
        .get(&me, AVARDA_PURCHASE_ID, "no-such-invoice")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::NotFound);
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(error_code(&error), Some("NotFound"));
    assert!(error.problem().and_then(|p| p.title.as_deref()).is_some());

    let error = avarda
        .invoices()
        .list(&me, "unknown-purchase")
        .await
        .unwrap_err();
    assert_eq!(error.category(), Category::NotFound);

    let error = avarda.pay().status("P-unknown", "acc").await.unwrap_err();
    assert_eq!(error.category(), Category::NotFound);

    let wrong = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, "not-the-secret")
        .build()
        .unwrap();
    let error = wrong
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.category(), Category::Unauthorized);
    assert!(error.is_token_source_failure());
    assert_eq!(error_code(&error), Some("invalid_client"));
    assert!(error.problem().and_then(|p| p.detail.as_deref()).is_some());

    let stale = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .token(avarda_client::SecretString::from("not-a-token"))
        .build()
        .unwrap();
    let error = stale
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(error.category(), Category::Unauthorized);
    assert!(!error.is_token_source_failure());
}

#[tokio::test]
async fn expired_partner_tokens_are_replaced_without_the_caller_noticing() {
    let sandbox = Sandbox::builder()
        .generated_customers(0)
        .avarda_token_lifetime(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let avarda = client(&sandbox);
    let me = demo_customer();
    avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    // The first token has expired at the sandbox by now.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
}

#[tokio::test]
async fn reads_are_retried_and_pay_is_not() {
    let sandbox = sandbox().await;
    let avarda = client(&sandbox);
    let me = demo_customer();

    sandbox.add_fault(
        FaultRule::new(FaultKind::Status(503))
            .provider(Provider::Avarda)
            .path("/Invoices")
            .next(2),
    );
    let invoices = avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    assert!(
        !invoices.is_empty(),
        "two 503s, then the third attempt succeeds"
    );

    let open = invoices
        .iter()
        .find(|i| i.balance > Some(Decimal::ZERO))
        .unwrap();
    sandbox.add_fault(
        FaultRule::new(FaultKind::Status(503))
            .provider(Provider::Avarda)
            .path("/Pay")
            .next(1),
    );
    let error = avarda
        .pay()
        .start(&PayRequest::new(open.id.clone()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.may_have_reached_server());

    sandbox.add_fault(
        FaultRule::new(FaultKind::Drop)
            .provider(Provider::Avarda)
            .path("/Pay")
            .next(1),
    );
    let error = avarda
        .pay()
        .start(&PayRequest::new(open.id.clone()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transient);
    assert_eq!(error.status(), None);
    assert!(error.may_have_reached_server());

    // With the faults used up, the same call goes through.
    avarda
        .pay()
        .start(&PayRequest::new(open.id.clone()))
        .await
        .unwrap();

    sandbox.add_fault(
        FaultRule::new(FaultKind::Truncate)
            .provider(Provider::Avarda)
            .path("/Accounts")
            .next(1),
    );
    let error = avarda
        .accounts()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.category(), Category::Unexpected);
}
