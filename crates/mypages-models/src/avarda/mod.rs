//! Types of Avarda's MyPages API: the partner access token, invoices, accounts (loans) with
//! their transactions and APR data, the strong-authentication redirect, and payments started
//! through Checkout 3.0.
//!
//! The types are generated from `specs/avarda-mypages.yaml`; this module adds helpers for the
//! two union shapes Avarda's documents leave open: the accounts list arrives as an array or as
//! a single object ([`AccountList`]), and the checkout language as a string or an integer code
//! ([`PayLanguage`]).
//!
//! ```
//! use mypages_models::avarda::{AccountList, PayLanguage, PayStatus, PaymentState};
//!
//! let one: AccountList = serde_json::from_str(
//!     r#"{"currency": "SEK", "balance": 2000.00, "type": "Loan", "state": "Unpaid",
//!         "dueDate": "2026-12-27T00:00:00Z", "accountDate": "2026-11-27T00:00:00Z",
//!         "minimumAmountToPay": 250.50, "originalAmount": 10000.00}"#,
//! )?;
//! let accounts = one.into_vec();
//! assert_eq!(accounts[0].balance.to_string(), "2000.00");
//!
//! let status: PayStatus = serde_json::from_str(r#"{"state": "paid"}"#)?;
//! assert_eq!(status.state, PaymentState::Paid);
//!
//! assert_eq!("sv".parse::<PayLanguage>(), Ok(PayLanguage::SWEDISH));
//! assert_eq!(serde_json::to_string(&PayLanguage::SWEDISH)?, "1");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod generated;
mod language;

pub use generated::*;
pub use language::PayLanguageError;

impl AccountList {
    /// The accounts, whichever shape they arrived in.
    pub fn into_vec(self) -> Vec<Account> {
        match self {
            Self::Many(accounts) => accounts,
            Self::One(account) => vec![account],
        }
    }

    /// The accounts as a slice, whichever shape they arrived in.
    pub fn as_slice(&self) -> &[Account] {
        match self {
            Self::Many(accounts) => accounts,
            Self::One(account) => std::slice::from_ref(account),
        }
    }

    /// How many accounts there are.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there is no account.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl From<AccountList> for Vec<Account> {
    fn from(list: AccountList) -> Self {
        list.into_vec()
    }
}
