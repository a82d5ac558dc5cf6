//! The customer's accounts: [`Accounts::list`] and [`Accounts::get`], behind strong
//! authentication.

use mypages_models::avarda::{Account, AccountList};
use mypages_transport::encode_segment;

use crate::client::AvardaClient;
use crate::customer::Customer;
use crate::error::Error;
use crate::read::{self, CustomerRead};
use crate::strong_auth::StrongAuth;
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

    /// Every account of the customer who made `purchase_id`: `GET /Accounts?purchaseId=`.
    ///
    /// Avarda documents this list with a single-object example; both an array and a single
    /// object are accepted and returned as a `Vec`.
    pub async fn list(
        self,
        customer: &Customer,
        purchase_id: &str,
    ) -> Result<StrongAuth<Vec<Account>>, Error> {
        validate::id("purchase_id", purchase_id)?;
        let endpoint = CustomerRead {
            operation: "list_accounts",
            path: "/Accounts".to_owned(),
            purchase_id,
            customer,
            with_return_url: true,
            decode: read::gated::<AccountList>,
        };
        let answer = self.client.api().execute(&endpoint).await?;
        Ok(answer.map(AccountList::into_vec))
    }

    /// One account in detail, with its transactions and APR data:
    /// `GET /Accounts/{accountId}?purchaseId=`.
    pub async fn get(
        self,
        customer: &Customer,
        purchase_id: &str,
        account_id: &str,
    ) -> Result<StrongAuth<Account>, Error> {
        validate::id("purchase_id", purchase_id)?;
        validate::id("account_id", account_id)?;
        let endpoint = CustomerRead {
            operation: "get_account",
            path: format!("/Accounts/{}", encode_segment(account_id)),
            purchase_id,
            customer,
            with_return_url: true,
            decode: read::gated::<Account>,
        };
        Ok(self.client.api().execute(&endpoint).await?)
    }
}
