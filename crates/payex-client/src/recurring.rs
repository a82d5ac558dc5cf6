//! Recurring payments: the account's configuration and its active payment orders.

use mypages_models::payex::{
    ActivePaymentOrder, ActivePaymentOrderList, PaymentScope, RecurringPaymentConfiguration,
    RecurringPaymentConfigurationCreate, RecurringPaymentConfigurationUpdate,
};
use mypages_transport::{Call, Operation};
use rust_decimal::Decimal;

use crate::client::PayexClient;
use crate::error::Error;
use crate::list::List;
use crate::operations as op;
use crate::validate;

/// The recurring-payment configuration of one account; from
/// [`PayexClient::recurring_payments`].
#[derive(Debug, Clone)]
pub struct RecurringPayments<'a> {
    client: &'a PayexClient,
    account_no: String,
}

impl<'a> RecurringPayments<'a> {
    pub(crate) fn new(client: &'a PayexClient, account_no: &str) -> Self {
        Self {
            client,
            account_no: account_no.to_owned(),
        }
    }

    fn call(&self, operation: &'static Operation) -> Result<Call<()>, Error> {
        self.client.account_call(operation, &self.account_no, &[])
    }

    /// The configuration (`getRecurringPaymentConfiguration`).
    pub async fn get(&self) -> Result<RecurringPaymentConfiguration, Error> {
        let call = self.call(&op::GET_RECURRING_PAYMENT_CONFIGURATION)?;
        self.client.execute(call.expect_json()).await
    }

    /// Creates the configuration (`createRecurringPaymentConfiguration`); returns it when PayEx answers with it (the document does
    /// not say), `None` for an empty answer.
    ///
    /// Checked before sending: `fixed_amount` is not negative, and `fixedRecurring` comes
    /// with a fixed amount above 0.
    pub async fn create(
        &self,
        configuration: &RecurringPaymentConfigurationCreate,
    ) -> Result<Option<RecurringPaymentConfiguration>, Error> {
        check(
            Some(&configuration.payment_scope),
            configuration.fixed_amount,
        )?;
        let call = self
            .call(&op::CREATE_RECURRING_PAYMENT_CONFIGURATION)?
            .json_body(configuration)?;
        self.client.execute(call.expect_json_or_empty()).await
    }

    /// Partially updates the configuration (`updateRecurringPaymentConfiguration`; only the fields that are set); returns it when
    /// PayEx answers with it, `None` for an empty answer.
    pub async fn update(
        &self,
        update: &RecurringPaymentConfigurationUpdate,
    ) -> Result<Option<RecurringPaymentConfiguration>, Error> {
        if update.payment_method.is_none()
            && update.payment_scope.is_none()
            && update.fixed_amount.is_none()
        {
            return Err(Error::invalid_argument(
                "update",
                "sets nothing; set payment_method, payment_scope and/or fixed_amount",
            ));
        }
        check(update.payment_scope.as_ref(), update.fixed_amount)?;
        let call = self
            .call(&op::UPDATE_RECURRING_PAYMENT_CONFIGURATION)?
            .json_body(update)?;
        self.client.execute(call.expect_json_or_empty()).await
    }

    /// Deletes the configuration (`deleteRecurringPaymentConfiguration`): the account stops using the customer's recurring-payment
    /// consent.
    pub async fn delete(&self) -> Result<(), Error> {
        // The document sends an empty JSON object with the DELETE.
        let call = self
            .call(&op::DELETE_RECURRING_PAYMENT_CONFIGURATION)?
            .json_body(&serde_json::Map::new())?;
        self.client.execute(call.expect_empty()).await
    }
}

fn check(scope: Option<&PaymentScope>, fixed_amount: Option<Decimal>) -> Result<(), Error> {
    if let Some(amount) = fixed_amount {
        validate::non_negative_amount("fixed_amount", amount)?;
    }
    if scope == Some(&PaymentScope::FixedRecurring)
        && fixed_amount.is_none_or(|amount| amount.is_zero())
    {
        return Err(Error::invalid_argument(
            "fixed_amount",
            "must be above 0 with the fixedRecurring scope",
        ));
    }
    Ok(())
}

/// The active (scheduled) payment orders of one account; from
/// [`PayexClient::active_payment_orders`].
#[derive(Debug, Clone)]
pub struct ActivePaymentOrders<'a> {
    client: &'a PayexClient,
    account_no: String,
}

impl<'a> ActivePaymentOrders<'a> {
    pub(crate) fn new(client: &'a PayexClient, account_no: &str) -> Self {
        Self {
            client,
            account_no: account_no.to_owned(),
        }
    }

    /// Every active payment order (`listActivePaymentOrders`).
    pub fn list(&self) -> List<ActivePaymentOrderList> {
        let first = self
            .client
            .account_call(&op::LIST_ACTIVE_PAYMENT_ORDERS, &self.account_no, &[])
            .map(|call| call.expect_json());
        List::new(self.client.clone(), first)
    }

    /// Every active payment order, collected.
    pub async fn all(&self) -> Result<Vec<ActivePaymentOrder>, Error> {
        self.list().all().await
    }
}
