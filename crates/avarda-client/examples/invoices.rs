//! Lists the demo customer's invoices and shows one in detail, against an embedded sandbox.
//!
//! `cargo run -p avarda-client --example invoices`

use avarda_client::{AvardaClient, Customer, TokenProvider};
use mypages_sandbox::Sandbox;
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;

    // One client for the whole application: it fetches the partner access token once and
    // shares it between every call and every customer. Against Avarda itself, use
    // `.environment(Environment::Stage)` (or `Production`) instead of `.base_url(...)`.
    let avarda = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .build()?;

    // The customer's auth token is stable per customer (e.g. a SHA-256 of your customer id).
    let customer = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);

    let invoices = avarda
        .invoices()
        .list(&customer, AVARDA_PURCHASE_ID)
        .await?;
    for invoice in &invoices {
        println!(
            "{}  {:>10} {}  {}",
            invoice.id,
            shown(&invoice.balance),
            shown(&invoice.currency),
            shown(&invoice.state)
        );
    }

    if let Some(first) = invoices.first() {
        let details = avarda
            .invoices()
            .get(&customer, AVARDA_PURCHASE_ID, &first.id)
            .await?;
        println!(
            "invoice {}: {} {} left to pay, pay to {} with reference {}",
            details.id,
            shown(&details.balance),
            shown(&details.currency),
            details.bank_account.as_deref().unwrap_or("-"),
            details.payment_reference.as_deref().unwrap_or("-"),
        );
    }
    Ok(())
}

/// The value, or `-` when the answer left it out.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}
