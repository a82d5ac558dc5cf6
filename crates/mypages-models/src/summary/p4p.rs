//! Summaries of PayFunc accounts.

use rust_decimal::Decimal;

use super::{AccountSummary, Provider};
use crate::p4p::Account;

/// A PayFunc account: the balance and the amount due are its current total (0 when PayFunc
/// leaves it out, as on a new account), due at the next settlement date. There is no pay
/// link: PayFunc's account links are single-use login credentials, not payment pages, and a
/// summary (printed, logged, shown in `Debug`) is no place for a credential.
impl From<&Account> for AccountSummary {
    fn from(account: &Account) -> Self {
        let total = account.total.unwrap_or(Decimal::ZERO);
        Self {
            provider: Provider::P4p,
            id: account.id.as_str().to_owned(),
            kind: None,
            state: account.status.as_ref().map(ToString::to_string),
            currency: account.currency.clone(),
            balance: Some(total),
            amount_due: Some(total),
            due_date: account.due,
            pay_link: None,
        }
    }
}
