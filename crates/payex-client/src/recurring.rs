//! Recurring payments: the account's configuration and its active payment orders.

use http::Method;
use mypages_models::payex::{
    ActivePaymentOrder, ActivePaymentOrderList, PaymentScope, RecurringPaymentConfiguration,
    RecurringPaymentConfigurationCreate, RecurringPaymentConfigurationUpdate,
};
use mypages_transport::RequestBody;
use rust_decimal::Decimal;

use crate::client::{AccountScope, PayexClient};
use crate::endpoint::{Fetch, Write};
use crate::error::Error;
use crate::list::List;
use crate::validate;

/// The recurring-payment configuration of one account; from
/// [`PayexClient::recurring_payments`].
#[derive(Debug)]
pub struct RecurringPayments {
    client: PayexClient,
    account: AccountScope,
}

impl RecurringPayments {
    pub(crate) fn new(client: PayexClient, account: AccountScope) -> Self {
        Self { client, account }
    }

    fn path(&self) -> Result<String, Error> {
        self.account
            .path(&self.client, "/recurring-payment-configuration")
    }

    /// The configuration.
    pub async fn get(&self) -> Result<RecurringPaymentConfiguration, Error> {
        let fetch = Fetch::<RecurringPaymentConfiguration>::new(
            "get_recurring_payment_configuration",
            self.path()?,
        );
        Ok(self.client.transport().execute(&fetch).await?)
    }

    /// Creates the configuration; returns it when PayEx answers with it (the document does
    /// not say), `None` for an empty answer.
    ///
    /// Checked before sending: `fixed_amount` is not negative, and `fixedRecurring` comes
    /// with a fixed amount above 0.
    pub async fn create(
        &self,
        configuration: &RecurringPaymentConfigurationCreate,
    ) -> Result<Option<RecurringPaymentConfiguration>, Error> {
        let path = self.path()?;
        check(
            Some(&configuration.payment_scope),
            configuration.fixed_amount,
        )?;
        let write = Write::new(
            "create_recurring_payment_configuration",
            Method::POST,
            path,
            Some(RequestBody::json(configuration)?),
        );
        Ok(self.client.transport().execute(&write).await?)
    }

    /// Partially updates the configuration (only the fields that are set); returns it when
    /// PayEx answers with it, `None` for an empty answer.
    pub async fn update(
        &self,
        update: &RecurringPaymentConfigurationUpdate,
    ) -> Result<Option<RecurringPaymentConfiguration>, Error> {
        let path = self.path()?;
        if update.payment_method.is_none()
            && update.payment_scope.is_none()
            && update.fixed_amount.is_none()
        {
            return Err(Error::invalid(
                "update",
                "sets nothing; set payment_method, payment_scope and/or fixed_amount",
            ));
        }
        check(update.payment_scope.as_ref(), update.fixed_amount)?;
        let write = Write::new(
            "update_recurring_payment_configuration",
            Method::PATCH,
            path,
            Some(RequestBody::json(update)?),
        )
        .idempotent();
        Ok(self.client.transport().execute(&write).await?)
    }

    /// Deletes the configuration: the account stops using the customer's recurring-payment
    /// consent.
    pub async fn delete(&self) -> Result<(), Error> {
        let path = self.path()?;
        // The document sends an empty JSON object with the DELETE.
        let body = RequestBody::json(&serde_json::Map::new())?;
        let write = Write::<()>::new(
            "delete_recurring_payment_configuration",
            Method::DELETE,
            path,
            Some(body),
        )
        .idempotent();
        Ok(self.client.transport().execute(&write).await?)
    }
}

fn check(scope: Option<&PaymentScope>, fixed_amount: Option<Decimal>) -> Result<(), Error> {
    if let Some(amount) = fixed_amount {
        validate::non_negative_amount("fixed_amount", amount)?;
    }
    if scope == Some(&PaymentScope::FixedRecurring)
        && fixed_amount.is_none_or(|amount| amount.is_zero())
    {
        return Err(Error::invalid(
            "fixed_amount",
            "must be above 0 with the fixedRecurring scope",
        ));
    }
    Ok(())
}

/// The active (scheduled) payment orders of one account; from
/// [`PayexClient::active_payment_orders`].
#[derive(Debug)]
pub struct ActivePaymentOrders {
    client: PayexClient,
    account: AccountScope,
}

impl ActivePaymentOrders {
    pub(crate) fn new(client: PayexClient, account: AccountScope) -> Self {
        Self { client, account }
    }

    /// Every active payment order.
    pub fn list(&self) -> List<ActivePaymentOrderList> {
        let first = self
            .account
            .path(&self.client, "/active-payment-orders")
            .map(|path| Fetch::new("list_active_payment_orders", path));
        List::new(self.client.clone(), first)
    }

    /// Every active payment order, collected.
    pub async fn all(&self) -> Result<Vec<ActivePaymentOrder>, Error> {
        self.list().all().await
    }
}
