//! Set up recurring payments (Autogiro) on an account: a fixed monthly amount, then the
//! billed amount, and see the payment orders that are scheduled.
//!
//! `cargo run -p payex-client --example recurring_payments`

mod support;

use payex_client::models::{
    Decimal, PaymentMethod, PaymentScope, RecurringPaymentConfigurationCreate,
    RecurringPaymentConfigurationUpdate,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let support::Connection {
        payex,
        customer_no,
        sandbox: _sandbox,
    } = support::connect().await?;
    let accounts = payex
        .accounts()
        .list()
        .customer_no(&customer_no)
        .all()
        .await?;
    let account = accounts.first().ok_or("the customer has no account")?;
    let recurring = payex.recurring_payments(&account.account_no);

    // Start from a clean slate: delete any configuration the account has.
    match recurring.delete().await {
        Ok(()) => {}
        Err(error) if error.status().is_some_and(|status| status.as_u16() == 404) => {
            println!("no configuration to delete yet");
        }
        Err(error) => return Err(error.into()),
    }

    let fixed = RecurringPaymentConfigurationCreate::new(
        PaymentMethod::Autogiro,
        PaymentScope::FixedRecurring,
    )
    .with_fixed_amount(Decimal::new(150000, 2));
    recurring.create(&fixed).await?;
    let config = recurring.get().await?;
    let text = |value: Option<String>| value.unwrap_or_else(|| "-".to_owned());
    println!(
        "account {}: {} {} {}",
        account.account_no,
        text(config.payment_method.map(|method| method.to_string())),
        text(config.payment_scope.map(|scope| scope.to_string())),
        text(config.fixed_amount.map(|amount| amount.to_string())),
    );

    let billed =
        RecurringPaymentConfigurationUpdate::new().with_payment_scope(PaymentScope::BilledAmount);
    recurring.update(&billed).await?;
    let scope = recurring
        .get()
        .await?
        .payment_scope
        .map(|scope| scope.to_string());
    println!("now debiting each month: {}", text(scope));

    for order in payex
        .active_payment_orders(&account.account_no)
        .all()
        .await?
    {
        let date = order
            .execute_date
            .map(|date| date.to_string())
            .unwrap_or_default();
        println!("  scheduled: {} on {date}", shown(&order.amount));
    }
    Ok(())
}

/// The value, or `-` when the answer left it out.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}
