//! [`Accounts`]: create, get, list, update, replace the customer, create an account key,
//! create a login link, add a payment method.

use mypages_models::Sensitive;
use mypages_models::p4p::{
    Account, AccountCreatable, AccountId, AccountLink, AccountUpdate, Customer, MethodCreatable,
    MethodCreatableType,
};
use mypages_transport::Response;
use secrecy::{ExposeSecret, SecretString};

use crate::client::P4pClient;
use crate::error::Error;
use crate::operations as op;
use crate::refs::AccountRef;
use crate::validate;

/// The account calls; get it from [`P4pClient::accounts`].
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'a> {
    client: &'a P4pClient,
}

impl<'a> Accounts<'a> {
    pub(crate) fn new(client: &'a P4pClient) -> Self {
        Self { client }
    }

    /// Creates an account (`createAccount`). `method` may be empty; the currency defaults to
    /// SEK. Never retried once it may have reached PayFunc: after an error where
    /// [`Error::may_have_reached_server`] is true, look for the account by your `number`
    /// before creating it again.
    pub async fn create(&self, account: &AccountCreatable) -> Result<Account, Error> {
        validate::account_creatable(account)?;
        let call = op::CREATE_ACCOUNT.call(&[])?.json_body(account)?;
        self.client.execute(call.expect_json()).await
    }

    /// Fetches an account (`getAccount`); `AccountRef::Me` with an account key.
    pub async fn get(&self, account: impl Into<AccountRef>) -> Result<Account, Error> {
        let account = account.into();
        let call = op::GET_ACCOUNT.call(&[account.as_str()])?;
        self.client.execute(call.expect_json()).await
    }

    /// Lists every account (`listAccounts`, private key). PayFunc does not page.
    pub async fn list(&self) -> Result<Vec<Account>, Error> {
        let call = op::LIST_ACCOUNTS.call(&[])?;
        self.client.execute(call.expect_json()).await
    }

    /// Changes the limit, schedule or currency of an account (`updateAccount`, private key).
    /// The currency can change only while the total is 0; an empty update repairs a
    /// deprecated account.
    pub async fn update(
        &self,
        account: &AccountId,
        update: &AccountUpdate,
    ) -> Result<Account, Error> {
        validate::account_update(update)?;
        let call = op::UPDATE_ACCOUNT
            .call(&[account.as_str()])?
            .json_body(update)?;
        self.client.execute(call.expect_json()).await
    }

    /// Replaces the customer information (`replaceCustomer`); answers the customer as
    /// stored.
    pub async fn replace_customer(
        &self,
        account: impl Into<AccountRef>,
        customer: &Customer,
    ) -> Result<Customer, Error> {
        validate::customer("customer", customer)?;
        let account = account.into();
        let call = op::REPLACE_CUSTOMER
            .call(&[account.as_str()])?
            .json_body(customer)?;
        self.client.execute(call.expect_json()).await
    }

    /// Creates an account key (`createAccountKey`, private key). It is valid for 3 days; a
    /// client built with it may name the account [`AccountRef::Me`].
    ///
    /// The key comes as a JSON string; a bare token in a text body (one word that is not
    /// JSON, such as `abc.def.ghi`) is accepted too.
    pub async fn create_key(&self, account: &AccountId) -> Result<SecretString, Error> {
        let call = op::CREATE_ACCOUNT_KEY.call(&[account.as_str()])?;
        self.client.execute(call.decode_with(account_key)).await
    }

    /// Emails a single-use login link to the customer (`createLoginLink`). Returns the link
    /// with the private key, `None` with an account key (PayFunc then answers without
    /// content).
    pub async fn create_login_link(
        &self,
        account: impl Into<AccountRef>,
    ) -> Result<Option<AccountLink>, Error> {
        let account = account.into();
        let call = op::CREATE_LOGIN_LINK.call(&[account.as_str()])?;
        self.client.execute(call.expect_json_or_empty()).await
    }

    /// Adds a payment method to the account (`addMethod`); answers the account, or `None`
    /// when the provider answers without a body (the documents show none for this call:
    /// the method was added; [`Accounts::get`] reads the account).
    pub async fn add_method(
        &self,
        account: &AccountId,
        method: &MethodCreatable,
    ) -> Result<Option<Account>, Error> {
        validate::method("method", method)?;
        let call = op::ADD_METHOD
            .call(&[account.as_str()])?
            .json_body(method)?;
        self.client.execute(call.expect_json_or_empty()).await
    }

    /// Adds a tokenized card as the account's payment method (`addMethod`); answers the
    /// account, or `None` when the provider answers without a body (see
    /// [`Accounts::add_method`]).
    pub async fn add_card(
        &self,
        account: &AccountId,
        card: &SecretString,
    ) -> Result<Option<Account>, Error> {
        let method = MethodCreatable::new(
            MethodCreatableType::Token,
            Sensitive::new(card.expose_secret().to_owned()),
        );
        self.add_method(account, &method).await
    }
}

/// Reads an account key: a JSON string, or a bare token in a text body.
fn account_key(response: Response) -> Result<SecretString, Error> {
    let is_json = serde_json::from_slice::<serde::de::IgnoredAny>(response.body()).is_ok();
    if let (false, Ok(text)) = (is_json, std::str::from_utf8(response.body())) {
        let token = text.trim();
        if !token.is_empty() && !token.contains(char::is_whitespace) {
            return Ok(SecretString::from(token.to_owned()));
        }
    }
    response.json::<AccountKey>().map(|key| key.0)
}

/// An account key as a JSON string; an empty string is no key.
struct AccountKey(SecretString);

impl<'de> serde::Deserialize<'de> for AccountKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        if key.trim().is_empty() {
            Err(serde::de::Error::custom("the account key is empty"))
        } else {
            Ok(Self(SecretString::from(key)))
        }
    }
}
