//! [`Balance`]: add items to an account's balance, settle balances into charged orders.

use mypages_models::p4p::{Account, Items, SettleResult};

use crate::client::P4pClient;
use crate::error::Error;
use crate::operations as op;
use crate::refs::{AccountRef, SettleTarget};
use crate::validate;

/// The balance calls; get it from [`P4pClient::balance`].
#[derive(Debug, Clone, Copy)]
pub struct Balance<'a> {
    client: &'a P4pClient,
}

impl<'a> Balance<'a> {
    pub(crate) fn new(client: &'a P4pClient) -> Self {
        Self { client }
    }

    /// Bills `items` (an amount greater than 0, an Item or a list of Items) towards the
    /// balance of `account` (`addBalance`); answers the updated account. Never retried once
    /// it may have reached PayFunc.
    pub async fn add(
        &self,
        account: impl Into<AccountRef>,
        items: &Items,
    ) -> Result<Account, Error> {
        validate::items("items", items, true)?;
        let account = account.into();
        let call = op::ADD_BALANCE
            .call(&[account.as_str()])?
            .json_body(items)?;
        self.client.execute(call.expect_json()).await
    }

    /// Settles the balance of one account, `me` or `all` accounts into orders that are
    /// charged at once (`settleBalance`); answers how many accounts were settled and how
    /// many failed. It charges the customer's card, so it is never retried once it may have
    /// reached PayFunc, although it is a DELETE.
    pub async fn settle(&self, target: impl Into<SettleTarget>) -> Result<SettleResult, Error> {
        let target = target.into();
        let call = op::SETTLE_BALANCE.call(&[target.as_str()])?;
        self.client.execute(call.expect_json()).await
    }
}
