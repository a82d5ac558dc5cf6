//! Summaries of PayEx accounts.

use super::{AccountSummary, Provider};
use crate::payex::{Account, Bill, BillStatus};

impl AccountSummary {
    /// A PayEx account with its open bill, if it has one: the balance is the account's total
    /// balance; the amount due and the due date are the open bill's (a bill marked closed is
    /// left out). PayEx gives no pay link.
    pub fn from_payex(account: &Account, open_bill: Option<&Bill>) -> Self {
        let open_bill = open_bill.filter(|bill| bill.status != Some(BillStatus::Closed));
        let kind = account
            .account_profile_type
            .clone()
            .or_else(|| account.account_alias.clone());
        Self {
            provider: Provider::Payex,
            id: account.account_no.clone(),
            kind,
            state: account.status.as_ref().map(ToString::to_string),
            currency: account.currency.clone(),
            balance: account.total_balance,
            amount_due: open_bill.and_then(|bill| bill.bill_amount),
            due_date: open_bill.and_then(|bill| bill.due_date),
            pay_link: None,
        }
    }
}

/// A PayEx account without its bill: no amount due or due date.
impl From<&Account> for AccountSummary {
    fn from(account: &Account) -> Self {
        Self::from_payex(account, None)
    }
}
