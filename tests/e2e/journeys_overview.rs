//! One customer across the three providers at once: an overview built concurrently from
//! the three clients on one sandbox, changed by a payment at each provider, and still
//! built from the others while one provider fails.

use avarda_client::{AvardaClient, Customer, StrongAuth, TokenProvider};
use http::Method;
use mypages_models::summary::{AccountSummary, Provider as SummaryProvider};
use mypages_sandbox::credentials::{
    AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID, P4P_ACCOUNT_ID, PAYEX_CUSTOMER_NO,
};
use mypages_sandbox::{FaultKind, FaultRule, Provider};
use p4p_client::P4pClient;
use p4p_client::models::AccountId;
use payex_client::PayexClient;
use payex_client::models::{Bill, PspPayment};
use time::Duration;

use crate::support::{self, TODAY, dec};

const RETURN_URL: &str = "https://shop.example/my-pages";

/// The PayEx lines: every account of the customer, with its open bill.
async fn payex_lines(payex: &PayexClient) -> Result<Vec<AccountSummary>, payex_client::Error> {
    let accounts = payex
        .accounts()
        .list()
        .customer_no(PAYEX_CUSTOMER_NO)
        .all()
        .await?;
    let mut lines = Vec::new();
    for account in &accounts {
        let open_bill = match &account.open_bill {
            Some(href) => Some(payex.follow::<Bill>(href).await?),
            None => None,
        };
        lines.push(AccountSummary::from_payex(account, open_bill.as_ref()));
    }
    Ok(lines)
}

/// The Avarda lines: the customer's accounts (the demo token is strongly authenticated).
async fn avarda_lines(avarda: &AvardaClient) -> Result<Vec<AccountSummary>, avarda_client::Error> {
    let customer =
        Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own).with_return_url(RETURN_URL);
    match avarda
        .accounts()
        .list(&customer, AVARDA_PURCHASE_ID)
        .await?
    {
        StrongAuth::Authenticated(accounts) => {
            Ok(accounts.iter().map(AccountSummary::from).collect())
        }
        other => panic!("the demo customer is authenticated: {other:?}"),
    }
}

/// The PayFunc line: the customer's account.
async fn p4p_lines(p4p: &P4pClient) -> Result<Vec<AccountSummary>, p4p_client::Error> {
    let account = p4p.accounts().get(&demo_account()).await?;
    Ok(vec![AccountSummary::from(&account)])
}

fn demo_account() -> AccountId {
    AccountId::new(P4P_ACCOUNT_ID).unwrap()
}

fn line<'a>(lines: &'a [AccountSummary], id: &str) -> &'a AccountSummary {
    lines
        .iter()
        .find(|line| line.id == id)
        .unwrap_or_else(|| panic!("no line {id} in {lines:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overview_of_one_customer_across_three_providers_follows_their_payments() {
    let sandbox = support::sandbox().await;
    let (payex, avarda, p4p) = (
        support::payex(&sandbox),
        support::avarda(&sandbox),
        support::p4p(&sandbox),
    );

    let (payex_before, avarda_before, p4p_before) =
        tokio::join!(payex_lines(&payex), avarda_lines(&avarda), p4p_lines(&p4p));
    let (payex_before, avarda_before, p4p_before) = (
        payex_before.unwrap(),
        avarda_before.unwrap(),
        p4p_before.unwrap(),
    );

    let ids: Vec<&str> = payex_before.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["5000001", "5000002", "5000003"]);
    let main = line(&payex_before, "5000001");
    assert_eq!(main.provider, SummaryProvider::Payex);
    assert_eq!(main.balance.unwrap().to_string(), "4821.35");
    assert_eq!(
        main.amount_due.map(|a| a.to_string()).as_deref(),
        Some("2000.00"),
        "the open bill"
    );
    assert_eq!(main.due_date, Some(TODAY + Duration::days(12)));
    let json = serde_json::to_string(main).unwrap();
    assert!(json.contains(":2000.00"), "2000.00 stays 2000.00: {json}");
    assert!(json.contains(":4821.35"), "{json}");
    let food = line(&payex_before, "5000002");
    assert_eq!(food.balance.unwrap().to_string(), "-120.00");
    assert_eq!(food.amount_due, None, "no open bill");

    assert_eq!(avarda_before.len(), 2);
    assert!(
        avarda_before
            .iter()
            .all(|l| l.provider == SummaryProvider::Avarda)
    );
    let loan = avarda_before
        .iter()
        .find(|l| l.kind.as_deref() == Some("Loan"))
        .unwrap();
    assert_eq!(loan.balance.unwrap().to_string(), "24999.90");

    assert_eq!(p4p_before.len(), 1);
    let demo = &p4p_before[0];
    assert_eq!(demo.provider, SummaryProvider::P4p);
    // (449.00 + 112.25) + (39.20 + 9.80)
    assert_eq!(demo.balance.unwrap().to_string(), "610.25");

    // The customer pays at each provider.
    payex
        .accounts()
        .register_psp_payment(
            "5000001",
            &PspPayment::new(dec("2000.00"), TODAY, "e2e-overview-1".to_owned()),
        )
        .await
        .unwrap();
    let loan_id = loan.id.clone();
    let session = avarda
        .pay()
        .start(&avarda_client::models::PayRequest::new(loan_id.clone()))
        .await
        .unwrap()
        .expect("Avarda answered a purchase session");
    sandbox
        .avarda_complete_payment(&session.purchase_id)
        .unwrap();
    let settled = p4p.balance().settle(&demo_account()).await.unwrap();
    assert_eq!(
        (settled.updated, settled.errors),
        (Some(serde_json::json!(1)), Some(serde_json::json!(0)))
    );

    let (payex_after, avarda_after, p4p_after) =
        tokio::join!(payex_lines(&payex), avarda_lines(&avarda), p4p_lines(&p4p));
    let (payex_after, avarda_after, p4p_after) = (
        payex_after.unwrap(),
        avarda_after.unwrap(),
        p4p_after.unwrap(),
    );
    let main = line(&payex_after, "5000001");
    assert_eq!(main.balance.unwrap().to_string(), "2821.35");
    assert_eq!(main.amount_due, None, "the bill is paid: no open bill");
    assert_eq!(
        line(&payex_after, "5000002"),
        line(&payex_before, "5000002"),
        "the other accounts are untouched"
    );
    let loan_after = line(&avarda_after, &loan_id);
    assert_eq!(loan_after.balance.unwrap().to_string(), "0.00");
    assert_eq!(loan_after.state.as_deref(), Some("Paid"));
    let other_before = avarda_before.iter().find(|l| l.id != loan_id).unwrap();
    assert_eq!(line(&avarda_after, &other_before.id), other_before);
    assert_eq!(p4p_after[0].balance.unwrap().to_string(), "0.00");
}

#[tokio::test]
async fn one_failing_provider_does_not_stop_the_others() {
    let sandbox = support::sandbox().await;
    sandbox.add_fault(
        FaultRule::new(FaultKind::Status(503))
            .provider(Provider::Payex)
            .method(Method::GET),
    );
    let (payex, avarda, p4p) = (
        support::payex(&sandbox),
        support::avarda(&sandbox),
        support::p4p(&sandbox),
    );
    let (payex_lines, avarda_lines, p4p_lines) =
        tokio::join!(payex_lines(&payex), avarda_lines(&avarda), p4p_lines(&p4p));
    let error = payex_lines.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(avarda_lines.unwrap().len(), 2);
    assert_eq!(p4p_lines.unwrap().len(), 1);
}
