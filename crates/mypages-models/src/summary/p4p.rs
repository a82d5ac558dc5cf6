//! Summaries of PayFunc accounts.

use rust_decimal::Decimal;

use super::{AccountSummary, Provider};
use crate::p4p::{Account, AccountLinks};

/// A PayFunc account: the balance and the amount due are its current total (0 when PayFunc
/// leaves it out, as on a new account), due at the next settlement date; the pay link is
/// its first login link not yet used.
impl From<&Account> for AccountSummary {
    fn from(account: &Account) -> Self {
        let total = account.total.unwrap_or(Decimal::ZERO);
        let pay_link = account.link.as_ref().and_then(|links| {
            let links = match links {
                AccountLinks::One(link) => std::slice::from_ref(link),
                AccountLinks::Many(links) => links.as_slice(),
            };
            links
                .iter()
                .find(|link| link.used != Some(true))
                .map(|link| link.url.expose().clone())
        });
        Self {
            provider: Provider::P4p,
            id: account.id.as_str().to_owned(),
            kind: None,
            state: account.status.as_ref().map(ToString::to_string),
            currency: account.currency.clone(),
            balance: total,
            amount_due: Some(total),
            due_date: account.due,
            pay_link,
        }
    }
}
