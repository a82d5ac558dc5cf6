//! Pays an open invoice through Checkout 3.0: start the payment, mount the form with the
//! returned purchase id and JWT, then check the state. Runs against an embedded sandbox.
//!
//! `cargo run -p avarda-client --example pay`

use avarda_client::models::{PayLanguage, PayRequest, PaymentState};
use avarda_client::{AvardaClient, Customer, TokenProvider};
use mypages_models::Decimal;
use mypages_sandbox::Sandbox;
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let avarda = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .build()?;
    let customer = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);

    let invoices = avarda
        .invoices()
        .list(&customer, AVARDA_PURCHASE_ID)
        .await?;
    let Some(open) = invoices.iter().find(|i| i.balance > Some(Decimal::ZERO)) else {
        println!("nothing to pay");
        return Ok(());
    };

    // Start the payment. This creates a purchase session at Avarda, so it is never retried
    // automatically once it may have been sent.
    let request = PayRequest::new(open.id.clone()).with_language(PayLanguage::SWEDISH);
    let session = avarda
        .pay()
        .start(&request)
        .await?
        // `None`: Avarda answered without a session (204), so there is no form to mount.
        .ok_or("Avarda returned no purchase session; ask for the payment's status")?;
    // In the browser: avardaCheckoutInit({ purchaseId, purchaseJwt: jwt, ... }).
    // The JWT is for that page only; never log it.
    println!("mount Checkout 3.0 with purchaseId {}", session.purchase_id);

    let status = avarda
        .pay()
        .status(&session.purchase_id, &open.id)
        .await?
        .ok_or("Avarda knows no state for the payment yet; ask again later")?;
    println!("before paying: {}", status.state);

    // The customer pays in the form (the sandbox's pay page does the same).
    sandbox.avarda_complete_payment(&session.purchase_id)?;

    let status = avarda
        .pay()
        .status(&session.purchase_id, &open.id)
        .await?
        .ok_or("Avarda knows no state for the payment yet; ask again later")?;
    match status.state {
        PaymentState::Paid => println!("paid: show the confirmation page"),
        PaymentState::Unpaid => println!("not finished yet: ask again later"),
        other => println!("payment ended as {other}"),
    }
    Ok(())
}
