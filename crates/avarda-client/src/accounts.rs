//! The customer's accounts: [`Accounts::list`] and [`Accounts::get`], behind strong
//! authentication.

use mypages_models::avarda::{Account, AccountList};

use crate::client::AvardaClient;
use crate::customer::Customer;
use crate::error::Error;
use crate::operations as op;
use crate::strong_auth::{self, StrongAuth};
use crate::validate;

/// The accounts (invoice accounts, loans) of a customer; from [`AvardaClient::accounts`].
///
/// Both calls need the customer's return URL ([`Customer::with_return_url`]) and answer
/// [`StrongAuth::AuthenticationRequired`] until the customer has completed strong
/// authentication.
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'a> {
    client: &'a AvardaClient,
}

impl<'a> Accounts<'a> {
    pub(crate) fn new(client: &'a AvardaClient) -> Self {
        Self { client }
    }

    /// Every account of the customer who made `purchase_id` (`listAccounts`,
    /// `GET /Accounts?purchaseId=`).
    ///
    /// Avarda documents this list with a single-object example; both an array and a single
    /// object are accepted and returned as a `Vec`.
    pub async fn list(
        self,
        customer: &Customer,
        purchase_id: &str,
    ) -> Result<StrongAuth<Vec<Account>>, Error> {
        validate::id("purchase_id", purchase_id)?;
        let call = op::LIST_ACCOUNTS
            .call(&[])?
            .query_param("purchaseId", purchase_id);
        let call = customer.add_headers(call, true)?;
        let answer = self
            .client
            .execute(call.decode_with(strong_auth::decode::<AccountList>))
            .await?;
        Ok(answer.map(AccountList::into_vec))
    }

    /// One account in detail, with its transactions and APR data (`getAccount`,
    /// `GET /Accounts/{accountId}?purchaseId=`).
    pub async fn get(
        self,
        customer: &Customer,
        purchase_id: &str,
        account_id: &str,
    ) -> Result<StrongAuth<Account>, Error> {
        validate::id("purchase_id", purchase_id)?;
        validate::id("account_id", account_id)?;
        let call = op::GET_ACCOUNT
            .call(&[account_id])?
            .query_param("purchaseId", purchase_id);
        let call = customer.add_headers(call, true)?;
        self.client
            .execute(call.decode_with(strong_auth::decode::<Account>))
            .await
    }
}
