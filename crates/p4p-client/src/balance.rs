//! The balance endpoints: add items to an account's balance, settle balances into orders.
//! [`Balance`] calls them.

use http::Method;
use mypages_models::p4p::{Account, Items, SettleResult};
use mypages_transport::{Endpoint, Error as TransportError, RequestBody, Response, encode_segment};

use crate::client::P4pClient;
use crate::error::Error;
use crate::refs::{AccountRef, SettleTarget};
use crate::validate;

/// `POST /account/{id}/balance`: bills a strictly positive amount, an Item or a list of
/// Items towards the account's balance. Not idempotent: never retried once it may have
/// reached PayFunc.
#[derive(Debug, Clone)]
pub struct AddToBalance {
    account: AccountRef,
    items: Items,
}

impl AddToBalance {
    /// Adds `items` to the balance of `account`.
    pub fn new(account: impl Into<AccountRef>, items: Items) -> Self {
        Self {
            account: account.into(),
            items,
        }
    }
}

impl Endpoint for AddToBalance {
    type Output = Account;

    fn operation(&self) -> &'static str {
        "add_to_balance"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(format!(
            "/account/{}/balance",
            encode_segment(self.account.as_str())
        ))
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::items("items", &self.items, true)?;
        RequestBody::json(&self.items).map(Some)
    }

    fn idempotent(&self) -> bool {
        false
    }

    fn decode(&self, response: Response) -> Result<Account, TransportError> {
        response.json()
    }
}

/// `DELETE /account/{id|me|all}/balance`: moves every item billed towards the balance into
/// an order that is charged at once. Settling again finds an empty balance, so it is
/// retried like any DELETE.
#[derive(Debug, Clone)]
pub struct SettleBalance {
    target: SettleTarget,
}

impl SettleBalance {
    /// Settles the balance of `target`.
    pub fn new(target: impl Into<SettleTarget>) -> Self {
        Self {
            target: target.into(),
        }
    }
}

impl Endpoint for SettleBalance {
    type Output = SettleResult;

    fn operation(&self) -> &'static str {
        "settle_balance"
    }

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(format!(
            "/account/{}/balance",
            encode_segment(self.target.as_str())
        ))
    }

    fn decode(&self, response: Response) -> Result<SettleResult, TransportError> {
        response.json()
    }
}

/// The balance endpoints; get it from [`P4pClient::balance`].
#[derive(Debug, Clone, Copy)]
pub struct Balance<'a> {
    client: &'a P4pClient,
}

impl<'a> Balance<'a> {
    pub(crate) fn new(client: &'a P4pClient) -> Self {
        Self { client }
    }

    /// Bills `items` (an amount greater than 0, an Item or a list of Items) towards the
    /// balance of `account`; answers the updated account.
    pub async fn add(
        &self,
        account: impl Into<AccountRef>,
        items: &Items,
    ) -> Result<Account, Error> {
        self.client
            .send(&AddToBalance::new(account, items.clone()))
            .await
    }

    /// Settles the balance of one account, `me` or `all` accounts into charged orders;
    /// answers how many accounts were settled and how many failed.
    pub async fn settle(&self, target: impl Into<SettleTarget>) -> Result<SettleResult, Error> {
        self.client.send(&SettleBalance::new(target)).await
    }
}
