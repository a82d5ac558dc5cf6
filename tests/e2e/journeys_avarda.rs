//! Avarda journeys: strong authentication of a new customer token (202 with a redirect,
//! confirmed, then 200), and paying a loan through `Pay` until `Pay/Status` says `Paid`.

use avarda_client::models::{AccountType, PayRequest, PaymentState, PaymentStatusType};
use avarda_client::{Customer, StrongAuth, TokenProvider};
use http::Method;
use mypages_models::Decimal;
use mypages_sandbox::Provider;
use mypages_sandbox::credentials::AVARDA_PURCHASE_ID;

use crate::support::{self, RequestCounter};

const RETURN_URL: &str = "https://shop.example/my-pages/accounts";

#[tokio::test]
async fn strong_authentication_then_a_loan_is_paid_through_pay() {
    let sandbox = support::sandbox().await;
    let avarda = support::avarda(&sandbox);
    let customer_token = "e2e-customer-7f3a";
    let customer = Customer::new(customer_token, TokenProvider::Own).with_return_url(RETURN_URL);
    let reads = RequestCounter::start(&sandbox, Provider::Avarda, Method::GET, "/Accounts");

    // 1. Not yet authenticated: Avarda answers 202 with where to send the customer.
    let answer = avarda
        .accounts()
        .list(&customer, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    let StrongAuth::AuthenticationRequired { redirect_url } = &answer else {
        panic!("a new customer token must authenticate first: {answer:?}");
    };
    assert!(
        redirect_url.starts_with(&sandbox.avarda_url()),
        "{redirect_url}"
    );
    assert_eq!(
        reads.count().await,
        1,
        "a 202 is an answer, not a failure: never retried"
    );

    // 2. The customer confirms on the strong-authentication page.
    sandbox.avarda_confirm_strong_authentication(customer_token);

    // 3. The same call now answers 200 with the accounts.
    let accounts = avarda
        .accounts()
        .list(&customer, AVARDA_PURCHASE_ID)
        .await
        .unwrap()
        .authenticated()
        .expect("authenticated after confirming");
    assert_eq!(reads.count().await, 2);
    let loan = accounts
        .iter()
        .find(|account| account.r#type == AccountType::Loan)
        .expect("the demo customer has a loan");
    assert_eq!(loan.balance.to_string(), "24999.90");
    assert_eq!(loan.original_amount.to_string(), "30000.00");
    let json = serde_json::to_string(loan).unwrap();
    assert!(json.contains(r#""balance":24999.90"#), "{json}");
    let loan_id = loan.id.clone().expect("accounts have ids");

    // 4. Pay the loan: a Checkout session, unpaid until the customer completes it.
    let session = avarda
        .pay()
        .start(&PayRequest::new(loan_id.clone()))
        .await
        .unwrap()
        .expect("Avarda answered a purchase session");
    let status = avarda
        .pay()
        .status(&session.purchase_id, &loan_id)
        .await
        .unwrap()
        .expect("Avarda answered a payment state");
    assert_eq!(status.state, PaymentState::Unpaid);

    sandbox
        .avarda_complete_payment(&session.purchase_id)
        .unwrap();
    let status = avarda
        .pay()
        .status(&session.purchase_id, &loan_id)
        .await
        .unwrap()
        .expect("Avarda answered a payment state");
    assert_eq!(status.state, PaymentState::Paid);

    // 5. The loan is paid off, with the payment among its transactions.
    let paid = avarda
        .accounts()
        .get(&customer, AVARDA_PURCHASE_ID, &loan_id)
        .await
        .unwrap()
        .authenticated()
        .unwrap();
    assert_eq!(paid.balance, Decimal::ZERO);
    assert_eq!(paid.balance.to_string(), "0.00");
    assert_eq!(paid.state, PaymentStatusType::Paid);
    let payment = paid
        .transactions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|t| t.order_reference.as_deref() == Some(session.purchase_id.as_str()))
        .expect("the payment is a transaction of the loan");
    assert_eq!(payment.amount.unwrap().to_string(), "-24999.90");
    let json = serde_json::to_string(&paid).unwrap();
    assert!(json.contains(r#""balance":0.00"#), "{json}");
    assert!(json.contains(r#""amount":-24999.90"#), "{json}");

    // Nothing is left to pay: a second Pay is refused.
    let error = avarda
        .pay()
        .start(&PayRequest::new(loan_id))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), avarda_client::ErrorKind::Refused);
    assert_eq!(error.category(), avarda_client::Category::InvalidInput);
}

#[tokio::test]
async fn a_cancelled_payment_leaves_the_invoice_open() {
    let sandbox = support::sandbox().await;
    let avarda = support::avarda(&sandbox);
    let me = Customer::new(
        mypages_sandbox::credentials::AVARDA_CUSTOMER_TOKEN,
        TokenProvider::Own,
    );

    let invoices = avarda
        .invoices()
        .list(&me, AVARDA_PURCHASE_ID)
        .await
        .unwrap();
    let open = invoices
        .iter()
        .find(|invoice| invoice.state == Some(PaymentStatusType::Unpaid))
        .expect("the demo customer has an unpaid invoice");
    assert_eq!(open.balance.unwrap().to_string(), "1249.50");

    let session = avarda
        .pay()
        .start(&PayRequest::new(open.id.clone()))
        .await
        .unwrap()
        .expect("Avarda answered a purchase session");
    sandbox.avarda_cancel_payment(&session.purchase_id).unwrap();
    let status = avarda
        .pay()
        .status(&session.purchase_id, &open.id)
        .await
        .unwrap()
        .expect("Avarda answered a payment state");
    assert_eq!(status.state, PaymentState::Cancelled);

    let still = avarda
        .invoices()
        .get(&me, AVARDA_PURCHASE_ID, &open.id)
        .await
        .unwrap();
    assert_eq!(still.balance.unwrap().to_string(), "1249.50");
    assert_eq!(still.state, Some(PaymentStatusType::Unpaid));
}
