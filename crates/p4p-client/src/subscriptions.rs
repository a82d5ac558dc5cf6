//! [`Subscriptions`]: create, replace, update and end the subscriptions of an account. Each
//! call answers every subscription of the account.

use mypages_models::p4p::{
    AccountId, Subscription, SubscriptionCreatable, SubscriptionId, SubscriptionUpdate,
};

use crate::client::P4pClient;
use crate::error::Error;
use crate::operations as op;
use crate::refs::AccountRef;
use crate::validate;

/// The subscription calls; get it from [`P4pClient::subscriptions`].
#[derive(Debug, Clone, Copy)]
pub struct Subscriptions<'a> {
    client: &'a P4pClient,
}

impl<'a> Subscriptions<'a> {
    pub(crate) fn new(client: &'a P4pClient) -> Self {
        Self { client }
    }

    /// Adds a subscription to `account` (`createSubscription`, private key); answers every
    /// subscription of it. Never retried once it may have reached PayFunc.
    pub async fn create(
        &self,
        account: &AccountId,
        subscription: &SubscriptionCreatable,
    ) -> Result<Vec<Subscription>, Error> {
        validate::subscription_creatable(subscription)?;
        let call = op::CREATE_SUBSCRIPTION
            .call(&[account.as_str()])?
            .json_body(subscription)?;
        self.client.execute(call.expect_json()).await
    }

    /// Replaces subscription `id`, keeping the id (`replaceSubscription`); a future `due`
    /// date is recalculated.
    pub async fn replace(
        &self,
        account: &AccountId,
        id: &SubscriptionId,
        subscription: &SubscriptionCreatable,
    ) -> Result<Vec<Subscription>, Error> {
        validate::subscription_creatable(subscription)?;
        let call = op::REPLACE_SUBSCRIPTION
            .call(&[account.as_str(), id.as_str()])?
            .json_body(subscription)?;
        self.client.execute(call.expect_json()).await
    }

    /// Changes the fields of subscription `id` that `update` sets (`updateSubscription`);
    /// setting `end` ends it at that date.
    pub async fn update(
        &self,
        account: &AccountId,
        id: &SubscriptionId,
        update: &SubscriptionUpdate,
    ) -> Result<Vec<Subscription>, Error> {
        validate::subscription_update(update)?;
        let call = op::UPDATE_SUBSCRIPTION
            .call(&[account.as_str(), id.as_str()])?
            .json_body(update)?;
        self.client.execute(call.expect_json()).await
    }

    /// Ends subscription `id` today (`endSubscription`): its `due` date goes, `end` becomes
    /// today.
    pub async fn end(
        &self,
        account: impl Into<AccountRef>,
        id: &SubscriptionId,
    ) -> Result<Vec<Subscription>, Error> {
        let account = account.into();
        let call = op::END_SUBSCRIPTION.call(&[account.as_str(), id.as_str()])?;
        self.client.execute(call.expect_json()).await
    }
}
