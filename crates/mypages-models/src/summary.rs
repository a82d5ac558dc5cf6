//! [`AccountSummary`]: one line of an overview of a customer's accounts, whichever provider
//! holds them.
//!
//! Each provider's account (and Avarda's invoice summary) converts into it with `From`; for
//! PayEx, [`AccountSummary::from_payex`] also takes the account's open bill, which holds the
//! amount due and the due date.
//!
//! ```
//! use mypages_models::summary::{AccountSummary, Provider};
//! use mypages_models::{Currency, Decimal};
//!
//! let summary = AccountSummary::new(Provider::Payex, "NNN", Decimal::new(200_000, 2))
//!     .with_currency(Currency::Sek)
//!     .with_amount_due(Decimal::new(25_050, 2));
//! assert_eq!(summary.balance.map(|b| b.to_string()).as_deref(), Some("2000.00"));
//! assert_eq!(summary.provider.as_str(), "payex");
//! ```

#[cfg(feature = "avarda")]
mod avarda;
#[cfg(feature = "p4p")]
mod p4p;
#[cfg(feature = "payex")]
mod payex;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::Currency;
use crate::open_enum::open_enum;

open_enum! {
    /// The provider that holds an account.
    pub enum Provider {
        /// Avarda (MyPages API).
        Avarda = "avarda",
        /// PayEx (Ledger Account API).
        Payex = "payex",
        /// Payments for Programmers (PayFunc's account API).
        P4p = "p4p",
    }
}

/// One account (or invoice) in provider-neutral terms: what an overview shows.
///
/// `kind` and `state` are the provider's own words (`Loan`, `kontokredit`; `Unpaid`, `Open`,
/// `active`), since the providers' vocabularies do not map onto each other without loss.
/// In JSON its members are camelCase (`amountDue`, `dueDate`, `payLink`), as the
/// providers' own are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccountSummary {
    /// Who holds the account.
    pub provider: Provider,
    /// The provider's id of the account or invoice (PayEx: the account number).
    pub id: String,
    /// The kind of account, in the provider's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Where the account stands, in the provider's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The account's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// The balance: what the customer owes (negative for a surplus where the provider says
    /// so); `None` when the provider's answer leaves it out.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::decimal::option"
    )]
    pub balance: Option<Decimal>,
    /// What the customer must pay now, when the provider says.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::decimal::option"
    )]
    pub amount_due: Option<Decimal>,
    /// When the amount due must be paid.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::date::option"
    )]
    pub due_date: Option<Date>,
    /// Where the customer can see and pay the account, when the provider gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_link: Option<String>,
}

impl AccountSummary {
    /// A summary with the given provider, id and balance; the rest starts empty.
    pub fn new(provider: Provider, id: impl Into<String>, balance: Decimal) -> Self {
        Self {
            provider,
            id: id.into(),
            kind: None,
            state: None,
            currency: None,
            balance: Some(balance),
            amount_due: None,
            due_date: None,
            pay_link: None,
        }
    }

    /// Sets the kind of account.
    pub fn with_kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }

    /// Sets where the account stands.
    pub fn with_state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// Sets the currency.
    pub fn with_currency(mut self, currency: Currency) -> Self {
        self.currency = Some(currency);
        self
    }

    /// Sets the amount due.
    pub fn with_amount_due(mut self, amount_due: Decimal) -> Self {
        self.amount_due = Some(amount_due);
        self
    }

    /// Sets the due date.
    pub fn with_due_date(mut self, due_date: Date) -> Self {
        self.due_date = Some(due_date);
        self
    }

    /// Sets the link where the customer can pay.
    pub fn with_pay_link(mut self, pay_link: impl Into<String>) -> Self {
        self.pay_link = Some(pay_link.into());
        self
    }
}
