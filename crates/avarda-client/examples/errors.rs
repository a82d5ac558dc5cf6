//! Handles Avarda's errors by category and kind: wrong credentials, unknown ids, refused
//! input.
//! Runs against an embedded sandbox.
//!
//! `cargo run -p avarda-client --example errors`

use avarda_client::{AvardaClient, Category, Customer, ErrorKind, TokenProvider, error_code};
use mypages_sandbox::Sandbox;
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder().start().await?;
    let customer = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);

    // Wrong client secret: the token endpoint refuses; nothing else is sent.
    let wrong = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, "not-the-secret")
        .build()?;
    if let Err(error) = wrong.invoices().list(&customer, AVARDA_PURCHASE_ID).await {
        assert_eq!(error.category(), Category::Unauthorized);
        assert!(error.is_token_source_failure());
        println!("credentials: {error}");
        println!(
            "  error={:?} error_description={:?}",
            error_code(&error),
            error.problem().and_then(|p| p.detail.as_deref())
        );
    }

    let avarda = AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .build()?;

    // An id the customer does not have.
    match avarda
        .invoices()
        .get(&customer, AVARDA_PURCHASE_ID, "no-such-invoice")
        .await
    {
        Ok(invoice) => println!("found {}", invoice.id),
        Err(error) => match error.category() {
            Category::NotFound => println!(
                "not found: status {:?}, errorCode {:?}, message {:?}",
                error.status(),
                error_code(&error),
                error.problem().and_then(|p| p.title.as_deref())
            ),
            Category::Transient => println!("try again later: {error}"),
            _ => return Err(error.into()),
        },
    }

    // Bad input is refused before anything is sent, naming the argument.
    if let Err(error) = avarda.invoices().list(&customer, "").await {
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        println!("refused: {} (argument {:?})", error, error.argument());
    }
    Ok(())
}
