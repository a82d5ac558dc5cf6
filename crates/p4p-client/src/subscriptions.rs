//! The subscription endpoints of an account: create, replace, update, end.
//! [`Subscriptions`] calls them. Each answers every subscription of the account.

use http::Method;
use mypages_models::p4p::{
    AccountId, Subscription, SubscriptionCreatable, SubscriptionId, SubscriptionUpdate,
};
use mypages_transport::{Endpoint, Error as TransportError, RequestBody, Response, encode_segment};

use crate::client::P4pClient;
use crate::error::Error;
use crate::refs::AccountRef;
use crate::validate;

fn subscription_path(account: &str, subscription: Option<&SubscriptionId>) -> String {
    let mut path = format!("/account/{}/subscription", encode_segment(account));
    if let Some(subscription) = subscription {
        path.push('/');
        path.push_str(&encode_segment(subscription.as_str()));
    }
    path
}

/// `POST /account/{id}/subscription`: adds a subscription. Not idempotent.
#[derive(Debug, Clone)]
pub struct CreateSubscription {
    account: AccountId,
    subscription: SubscriptionCreatable,
}

impl CreateSubscription {
    /// Adds `subscription` to `account`.
    pub fn new(account: AccountId, subscription: SubscriptionCreatable) -> Self {
        Self {
            account,
            subscription,
        }
    }
}

impl Endpoint for CreateSubscription {
    type Output = Vec<Subscription>;

    fn operation(&self) -> &'static str {
        "create_subscription"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(subscription_path(self.account.as_str(), None))
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::subscription_creatable(&self.subscription)?;
        RequestBody::json(&self.subscription).map(Some)
    }

    fn idempotent(&self) -> bool {
        false
    }

    fn decode(&self, response: Response) -> Result<Vec<Subscription>, TransportError> {
        response.json()
    }
}

/// `PUT /account/{id}/subscription/{sub}`: replaces a subscription, keeping its id.
#[derive(Debug, Clone)]
pub struct ReplaceSubscription {
    account: AccountId,
    id: SubscriptionId,
    subscription: SubscriptionCreatable,
}

impl ReplaceSubscription {
    /// Replaces subscription `id` of `account` with `subscription`.
    pub fn new(
        account: AccountId,
        id: SubscriptionId,
        subscription: SubscriptionCreatable,
    ) -> Self {
        Self {
            account,
            id,
            subscription,
        }
    }
}

impl Endpoint for ReplaceSubscription {
    type Output = Vec<Subscription>;

    fn operation(&self) -> &'static str {
        "replace_subscription"
    }

    fn method(&self) -> Method {
        Method::PUT
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(subscription_path(self.account.as_str(), Some(&self.id)))
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::subscription_creatable(&self.subscription)?;
        RequestBody::json(&self.subscription).map(Some)
    }

    fn decode(&self, response: Response) -> Result<Vec<Subscription>, TransportError> {
        response.json()
    }
}

/// `PATCH /account/{id}/subscription/{sub}`: changes the fields given. Setting values is
/// idempotent, so it is retried like a PUT.
#[derive(Debug, Clone)]
pub struct UpdateSubscription {
    account: AccountId,
    id: SubscriptionId,
    update: SubscriptionUpdate,
}

impl UpdateSubscription {
    /// Applies `update` to subscription `id` of `account`.
    pub fn new(account: AccountId, id: SubscriptionId, update: SubscriptionUpdate) -> Self {
        Self {
            account,
            id,
            update,
        }
    }
}

impl Endpoint for UpdateSubscription {
    type Output = Vec<Subscription>;

    fn operation(&self) -> &'static str {
        "update_subscription"
    }

    fn method(&self) -> Method {
        Method::PATCH
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(subscription_path(self.account.as_str(), Some(&self.id)))
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::subscription_update(&self.update)?;
        RequestBody::json(&self.update).map(Some)
    }

    fn idempotent(&self) -> bool {
        true
    }

    fn decode(&self, response: Response) -> Result<Vec<Subscription>, TransportError> {
        response.json()
    }
}

/// `DELETE /account/{id}/subscription/{sub}`: ends a subscription today.
#[derive(Debug, Clone)]
pub struct EndSubscription {
    account: AccountRef,
    id: SubscriptionId,
}

impl EndSubscription {
    /// Ends subscription `id` of `account` (`me` with an account key).
    pub fn new(account: impl Into<AccountRef>, id: SubscriptionId) -> Self {
        Self {
            account: account.into(),
            id,
        }
    }
}

impl Endpoint for EndSubscription {
    type Output = Vec<Subscription>;

    fn operation(&self) -> &'static str {
        "end_subscription"
    }

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok(subscription_path(self.account.as_str(), Some(&self.id)))
    }

    fn decode(&self, response: Response) -> Result<Vec<Subscription>, TransportError> {
        response.json()
    }
}

/// The subscription endpoints; get it from [`P4pClient::subscriptions`].
#[derive(Debug, Clone, Copy)]
pub struct Subscriptions<'a> {
    client: &'a P4pClient,
}

impl<'a> Subscriptions<'a> {
    pub(crate) fn new(client: &'a P4pClient) -> Self {
        Self { client }
    }

    /// Adds a subscription to `account` (private key); answers every subscription of it.
    pub async fn create(
        &self,
        account: &AccountId,
        subscription: &SubscriptionCreatable,
    ) -> Result<Vec<Subscription>, Error> {
        self.client
            .send(&CreateSubscription::new(
                account.clone(),
                subscription.clone(),
            ))
            .await
    }

    /// Replaces subscription `id`, keeping the id; a future `due` date is recalculated.
    pub async fn replace(
        &self,
        account: &AccountId,
        id: &SubscriptionId,
        subscription: &SubscriptionCreatable,
    ) -> Result<Vec<Subscription>, Error> {
        self.client
            .send(&ReplaceSubscription::new(
                account.clone(),
                id.clone(),
                subscription.clone(),
            ))
            .await
    }

    /// Changes the fields of subscription `id` that `update` sets; setting `end` ends it at
    /// that date.
    pub async fn update(
        &self,
        account: &AccountId,
        id: &SubscriptionId,
        update: &SubscriptionUpdate,
    ) -> Result<Vec<Subscription>, Error> {
        self.client
            .send(&UpdateSubscription::new(
                account.clone(),
                id.clone(),
                update.clone(),
            ))
            .await
    }

    /// Ends subscription `id` today: its `due` date goes, `end` becomes today.
    pub async fn end(
        &self,
        account: impl Into<AccountRef>,
        id: &SubscriptionId,
    ) -> Result<Vec<Subscription>, Error> {
        self.client
            .send(&EndSubscription::new(account, id.clone()))
            .await
    }
}
