//! The account endpoints: create, get, list, update, replace the customer, create an account
//! key, create a login link, add a payment method. [`Accounts`] calls them.

use http::{Method, StatusCode};
use mypages_models::Sensitive;
use mypages_models::p4p::{
    Account, AccountCreatable, AccountId, AccountLink, AccountUpdate, Customer, MethodCreatable,
    MethodCreatableType,
};
use mypages_transport::{Endpoint, Error as TransportError, RequestBody, Response, encode_segment};
use secrecy::{ExposeSecret, SecretString};

use crate::client::P4pClient;
use crate::error::Error;
use crate::refs::AccountRef;
use crate::validate;

fn account_path(account: &str, rest: &str) -> String {
    format!("/account/{}{rest}", encode_segment(account))
}

/// `POST /account`: creates an account. Not idempotent, so never retried once it may have
/// reached PayFunc.
#[derive(Debug, Clone)]
pub struct CreateAccount {
    account: AccountCreatable,
}

impl CreateAccount {
    /// Creates `account`.
    pub fn new(account: AccountCreatable) -> Self {
        Self { account }
    }
}

impl Endpoint for CreateAccount {
    type Output = Account;

    fn operation(&self) -> &'static str {
        "create_account"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok("/account".to_owned())
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::account_creatable(&self.account)?;
        RequestBody::json(&self.account).map(Some)
    }

    fn idempotent(&self) -> bool {
        false
    }

    fn decode(&self, response: Response) -> Result<Account, TransportError> {
        response.json()
    }
}

/// `GET /account/{id}`: fetches an account (`me` with an account key).
#[derive(Debug, Clone)]
pub struct GetAccount {
    account: AccountRef,
}

impl GetAccount {
    /// Fetches `account`.
    pub fn new(account: impl Into<AccountRef>) -> Self {
        Self {
            account: account.into(),
        }
    }
}

impl Endpoint for GetAccount {
    type Output = Account;

    fn operation(&self) -> &'static str {
        "get_account"
    }

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(account_path(self.account.as_str(), ""))
    }

    fn decode(&self, response: Response) -> Result<Account, TransportError> {
        response.json()
    }
}

/// `GET /account`: every account of the merchant, in one array (PayFunc does not page).
#[derive(Debug, Clone, Default)]
pub struct ListAccounts;

impl Endpoint for ListAccounts {
    type Output = Vec<Account>;

    fn operation(&self) -> &'static str {
        "list_accounts"
    }

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok("/account".to_owned())
    }

    fn decode(&self, response: Response) -> Result<Vec<Account>, TransportError> {
        response.json()
    }
}

/// `PATCH /account/{id}`: changes the limit, the schedule or the currency. Setting values
/// is idempotent, so it is retried like a PUT.
#[derive(Debug, Clone)]
pub struct UpdateAccount {
    account: AccountId,
    update: AccountUpdate,
}

impl UpdateAccount {
    /// Applies `update` to `account`.
    pub fn new(account: AccountId, update: AccountUpdate) -> Self {
        Self { account, update }
    }
}

impl Endpoint for UpdateAccount {
    type Output = Account;

    fn operation(&self) -> &'static str {
        "update_account"
    }

    fn method(&self) -> Method {
        Method::PATCH
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(account_path(self.account.as_str(), ""))
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::account_update(&self.update)?;
        RequestBody::json(&self.update).map(Some)
    }

    fn idempotent(&self) -> bool {
        true
    }

    fn decode(&self, response: Response) -> Result<Account, TransportError> {
        response.json()
    }
}

/// `PUT /account/{id}/customer`: replaces the customer information.
#[derive(Debug, Clone)]
pub struct ReplaceCustomer {
    account: AccountRef,
    customer: Customer,
}

impl ReplaceCustomer {
    /// Replaces the customer of `account` with `customer`.
    pub fn new(account: impl Into<AccountRef>, customer: Customer) -> Self {
        Self {
            account: account.into(),
            customer,
        }
    }
}

impl Endpoint for ReplaceCustomer {
    type Output = Customer;

    fn operation(&self) -> &'static str {
        "replace_customer"
    }

    fn method(&self) -> Method {
        Method::PUT
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(account_path(self.account.as_str(), "/customer"))
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::customer("customer", &self.customer)?;
        RequestBody::json(&self.customer).map(Some)
    }

    fn decode(&self, response: Response) -> Result<Customer, TransportError> {
        response.json()
    }
}

/// `POST /account/{id}`: creates an account key (valid 3 days) for the account.
#[derive(Debug, Clone)]
pub struct CreateAccountKey {
    account: AccountId,
}

impl CreateAccountKey {
    /// Creates a key for `account`.
    pub fn new(account: AccountId) -> Self {
        Self { account }
    }
}

impl Endpoint for CreateAccountKey {
    type Output = SecretString;

    fn operation(&self) -> &'static str {
        "create_account_key"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(account_path(self.account.as_str(), ""))
    }

    /// The key comes as a JSON string; a bare token in a text body (one word that is not
    /// JSON, such as `abc.def.ghi`) is accepted too.
    fn decode(&self, response: Response) -> Result<SecretString, TransportError> {
        let is_json = serde_json::from_slice::<serde::de::IgnoredAny>(response.body()).is_ok();
        if let (false, Ok(text)) = (is_json, std::str::from_utf8(response.body())) {
            let token = text.trim();
            if !token.is_empty() && !token.contains(char::is_whitespace) {
                return Ok(SecretString::from(token.to_owned()));
            }
        }
        response.json::<AccountKey>().map(|key| key.0)
    }
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

/// `POST /account/{id}/link`: emails a single-use login link to the customer. With the
/// private key the link is returned; with an account key PayFunc answers without content.
#[derive(Debug, Clone)]
pub struct CreateLoginLink {
    account: AccountRef,
}

impl CreateLoginLink {
    /// Creates a link for `account`.
    pub fn new(account: impl Into<AccountRef>) -> Self {
        Self {
            account: account.into(),
        }
    }
}

impl Endpoint for CreateLoginLink {
    type Output = Option<AccountLink>;

    fn operation(&self) -> &'static str {
        "create_login_link"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(account_path(self.account.as_str(), "/link"))
    }

    fn decode(&self, response: Response) -> Result<Option<AccountLink>, TransportError> {
        if response.status() == StatusCode::NO_CONTENT
            || response.body().iter().all(u8::is_ascii_whitespace)
        {
            Ok(None)
        } else {
            response.json().map(Some)
        }
    }
}

/// `POST /account/{id}/method`: adds an already tokenized card as a payment method.
#[derive(Debug, Clone)]
pub struct AddMethod {
    account: AccountId,
    method: MethodCreatable,
}

impl AddMethod {
    /// Adds `method` to `account`.
    pub fn new(account: AccountId, method: MethodCreatable) -> Self {
        Self { account, method }
    }

    /// Adds the tokenized `card` to `account`.
    pub fn card(account: AccountId, card: &SecretString) -> Self {
        let method = MethodCreatable::new(
            MethodCreatableType::Token,
            Sensitive::new(card.expose_secret().to_owned()),
        );
        Self::new(account, method)
    }
}

impl Endpoint for AddMethod {
    type Output = Account;

    fn operation(&self) -> &'static str {
        "add_method"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(account_path(self.account.as_str(), "/method"))
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::method("method", &self.method)?;
        RequestBody::json(&self.method).map(Some)
    }

    fn decode(&self, response: Response) -> Result<Account, TransportError> {
        response.json()
    }
}

/// The account endpoints; get it from [`P4pClient::accounts`].
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'a> {
    client: &'a P4pClient,
}

impl<'a> Accounts<'a> {
    pub(crate) fn new(client: &'a P4pClient) -> Self {
        Self { client }
    }

    /// Creates an account. `method` may be empty; the currency defaults to SEK. Not retried
    /// once it may have reached PayFunc: after an error where
    /// [`Error::may_have_reached_server`] is true, look for the account by your `number`
    /// before creating it again.
    pub async fn create(&self, account: &AccountCreatable) -> Result<Account, Error> {
        self.client.send(&CreateAccount::new(account.clone())).await
    }

    /// Fetches an account; `AccountRef::Me` with an account key.
    pub async fn get(&self, account: impl Into<AccountRef>) -> Result<Account, Error> {
        self.client.send(&GetAccount::new(account)).await
    }

    /// Lists every account (private key).
    pub async fn list(&self) -> Result<Vec<Account>, Error> {
        self.client.send(&ListAccounts).await
    }

    /// Changes the limit, schedule or currency of an account (private key). The currency
    /// can change only while the total is 0; an empty update repairs a deprecated account.
    pub async fn update(
        &self,
        account: &AccountId,
        update: &AccountUpdate,
    ) -> Result<Account, Error> {
        self.client
            .send(&UpdateAccount::new(account.clone(), update.clone()))
            .await
    }

    /// Replaces the customer information; answers the customer as stored.
    pub async fn replace_customer(
        &self,
        account: impl Into<AccountRef>,
        customer: &Customer,
    ) -> Result<Customer, Error> {
        self.client
            .send(&ReplaceCustomer::new(account, customer.clone()))
            .await
    }

    /// Creates an account key (private key). It is valid for 3 days; a client built with it
    /// may name the account [`AccountRef::Me`].
    pub async fn create_key(&self, account: &AccountId) -> Result<SecretString, Error> {
        self.client
            .send(&CreateAccountKey::new(account.clone()))
            .await
    }

    /// Emails a single-use login link to the customer. Returns the link with the private
    /// key, `None` with an account key (PayFunc then answers without content).
    pub async fn create_login_link(
        &self,
        account: impl Into<AccountRef>,
    ) -> Result<Option<AccountLink>, Error> {
        self.client.send(&CreateLoginLink::new(account)).await
    }

    /// Adds a tokenized card as the account's payment method; answers the account.
    pub async fn add_card(
        &self,
        account: &AccountId,
        card: &SecretString,
    ) -> Result<Account, Error> {
        self.client
            .send(&AddMethod::card(account.clone(), card))
            .await
    }
}
