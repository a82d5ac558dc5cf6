//! Register a payment taken by a PSP on an account, and see what PayEx says when it
//! refuses one. Registrations are never retried once they may have reached PayEx.
//!
//! `cargo run -p payex-client --example register_payment`

mod support;

use payex_client::models::{Decimal, PspPayment};
use payex_client::{ErrorKind, ProblemKind};
use time::OffsetDateTime;

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
    let today = OffsetDateTime::now_utc().date();

    let payment = PspPayment::new(Decimal::new(50000, 2), today, format!("example-{}", today));
    match payex
        .accounts()
        .register_psp_payment(&account.account_no, &payment)
        .await
    {
        Ok(()) => println!(
            "registered {} {} on account {}",
            payment.amount,
            shown(&account.currency),
            account.account_no
        ),
        Err(error) if ProblemKind::of(&error) == Some(ProblemKind::Validation) => {
            let problem = error.problem();
            println!(
                "PayEx refused the payment (instance {:?}):",
                problem.and_then(|p| p.instance.as_deref())
            );
            for field in problem.map(|p| p.problems.as_slice()).unwrap_or_default() {
                println!("  {}: {}", field.name, field.message);
            }
        }
        Err(error) if error.may_have_reached_server() => {
            println!(
                "unknown outcome ({error}); check the account's transactions before sending it again"
            );
        }
        Err(error) => return Err(error.into()),
    }

    // Refused before anything is sent: an amount of zero.
    let zero = PspPayment::new(Decimal::ZERO, today, "example-zero".to_owned());
    match payex
        .accounts()
        .register_psp_payment(&account.account_no, &zero)
        .await
    {
        Err(error) if error.kind() == ErrorKind::InvalidArgument => {
            println!(
                "refused before sending: {error} (argument {:?})",
                error.argument()
            );
        }
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    Ok(())
}

/// The value, or `-` when the answer left it out.
fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}
