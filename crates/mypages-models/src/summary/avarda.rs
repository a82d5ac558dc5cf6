//! Summaries of Avarda's accounts and invoices.

use super::{AccountSummary, Provider};
use crate::Currency;
use crate::avarda::{Account, InvoiceSummary};

/// An Avarda account: the amount due is the minimum amount to pay, the pay link Avarda's
/// "live invoice" page. A missing id becomes an empty string.
impl From<&Account> for AccountSummary {
    fn from(account: &Account) -> Self {
        Self {
            provider: Provider::Avarda,
            id: account.id.clone().unwrap_or_default(),
            kind: Some(account.r#type.to_string()),
            state: Some(account.state.to_string()),
            currency: Some(Currency::from(account.currency.as_str())),
            balance: Some(account.balance),
            amount_due: Some(account.minimum_amount_to_pay),
            due_date: Some(account.due_date.date()),
            pay_link: account.my_pages_live_url.clone(),
        }
    }
}

/// An Avarda invoice: the amount due is what is left to pay (the balance).
impl From<&InvoiceSummary> for AccountSummary {
    fn from(invoice: &InvoiceSummary) -> Self {
        Self {
            provider: Provider::Avarda,
            id: invoice.id.clone(),
            kind: invoice.r#type.as_ref().map(ToString::to_string),
            state: invoice.state.as_ref().map(ToString::to_string),
            currency: invoice
                .currency
                .as_ref()
                .map(|currency| Currency::from(currency.as_str())),
            balance: invoice.balance,
            amount_due: invoice.balance,
            due_date: invoice.due_date.map(|due| due.date()),
            pay_link: invoice.my_pages_live_url.clone(),
        }
    }
}
