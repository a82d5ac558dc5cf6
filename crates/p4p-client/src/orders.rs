//! [`Orders`]: create an order, and charge, cancel or refund orders with the batch of order
//! events.

use mypages_models::p4p::{EventCreatable, EventType, Order, OrderCreatable, OrderEvents, OrderId};
use rust_decimal::Decimal;

use crate::client::P4pClient;
use crate::error::Error;
use crate::operations as op;
use crate::validate;

/// The order calls; get it from [`P4pClient::orders`].
#[derive(Debug, Clone, Copy)]
pub struct Orders<'a> {
    client: &'a P4pClient,
}

impl<'a> Orders<'a> {
    pub(crate) fn new(client: &'a P4pClient) -> Self {
        Self { client }
    }

    /// Creates an order (`createOrder`). `payment: {type: "card", account}` charges an
    /// account's card; `payment.charge: "balance"` tops up the account's balance. Never
    /// retried once it may have reached PayFunc; use your own `number` to recognise a
    /// duplicate.
    pub async fn create(&self, order: &OrderCreatable) -> Result<Order, Error> {
        validate::order_creatable(order)?;
        let call = op::CREATE_ORDER.call(&[])?.json_body(order)?;
        self.client.execute(call.expect_json()).await
    }

    /// Charges an order, wholly or `amount` of it; answers the changed orders.
    pub async fn charge(
        &self,
        order: &OrderId,
        amount: Option<Decimal>,
    ) -> Result<Vec<Order>, Error> {
        self.event(order, EventType::Charge, amount).await
    }

    /// Cancels an order; answers the changed orders.
    pub async fn cancel(&self, order: &OrderId) -> Result<Vec<Order>, Error> {
        self.event(order, EventType::Cancel, None).await
    }

    /// Refunds a charged order, wholly or `amount` of it; answers the changed orders.
    pub async fn refund(
        &self,
        order: &OrderId,
        amount: Option<Decimal>,
    ) -> Result<Vec<Order>, Error> {
        self.event(order, EventType::Refund, amount).await
    }

    /// Adds one event (`charge`, `cancel` or `refund`) to one order.
    pub async fn event(
        &self,
        order: &OrderId,
        event_type: EventType,
        amount: Option<Decimal>,
    ) -> Result<Vec<Order>, Error> {
        let mut event = EventCreatable::new(event_type);
        event.amount = amount;
        self.events(&[OrderEvents::new(order.clone(), vec![event])])
            .await
    }

    /// Adds events to several orders in one call (`addOrderEvents`). Never retried once it
    /// may have reached PayFunc.
    pub async fn events(&self, batch: &[OrderEvents]) -> Result<Vec<Order>, Error> {
        validate::order_events(batch)?;
        let call = op::ADD_ORDER_EVENTS.call(&[])?.json_body(batch)?;
        self.client.execute(call.expect_json()).await
    }
}
