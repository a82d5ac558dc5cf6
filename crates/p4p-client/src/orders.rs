//! The order endpoints: create an order, and charge, cancel or refund orders with the batch
//! `PATCH /order/`. [`Orders`] calls them.

use http::Method;
use mypages_models::p4p::{EventCreatable, EventType, Order, OrderCreatable, OrderEvents, OrderId};
use mypages_transport::{Endpoint, Error as TransportError, RequestBody, Response};
use rust_decimal::Decimal;

use crate::client::P4pClient;
use crate::error::Error;
use crate::validate;

/// `POST /order`: creates an order. Not idempotent, so never retried once it may have
/// reached PayFunc; use your own `number` to recognise a duplicate.
#[derive(Debug, Clone)]
pub struct CreateOrder {
    order: OrderCreatable,
}

impl CreateOrder {
    /// Creates `order`.
    pub fn new(order: OrderCreatable) -> Self {
        Self { order }
    }
}

impl Endpoint for CreateOrder {
    type Output = Order;

    fn operation(&self) -> &'static str {
        "create_order"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok("/order".to_owned())
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::order_creatable(&self.order)?;
        RequestBody::json(&self.order).map(Some)
    }

    fn idempotent(&self) -> bool {
        false
    }

    fn decode(&self, response: Response) -> Result<Order, TransportError> {
        response.json()
    }
}

/// `PATCH /order/`: adds charge, cancel or refund events to one or more orders at once.
/// Charging twice is not the same as charging once, so it is never retried once it may have
/// reached PayFunc.
#[derive(Debug, Clone)]
pub struct AddOrderEvents {
    batch: Vec<OrderEvents>,
}

impl AddOrderEvents {
    /// Adds the events of each entry of `batch` to its order.
    pub fn new(batch: Vec<OrderEvents>) -> Self {
        Self { batch }
    }

    /// One event of `event_type` for one order, for the whole amount or `amount`.
    pub fn single(order: OrderId, event_type: EventType, amount: Option<Decimal>) -> Self {
        let mut event = EventCreatable::new(event_type);
        event.amount = amount;
        Self::new(vec![OrderEvents::new(order, vec![event])])
    }
}

impl Endpoint for AddOrderEvents {
    type Output = Vec<Order>;

    fn operation(&self) -> &'static str {
        "add_order_events"
    }

    fn method(&self) -> Method {
        Method::PATCH
    }

    fn path(&self) -> Result<String, TransportError> {
        Ok("/order/".to_owned())
    }

    fn body(&self) -> Result<Option<RequestBody>, TransportError> {
        validate::order_events(&self.batch)?;
        RequestBody::json(&self.batch).map(Some)
    }

    fn idempotent(&self) -> bool {
        false
    }

    fn decode(&self, response: Response) -> Result<Vec<Order>, TransportError> {
        response.json()
    }
}

/// The order endpoints; get it from [`P4pClient::orders`].
#[derive(Debug, Clone, Copy)]
pub struct Orders<'a> {
    client: &'a P4pClient,
}

impl<'a> Orders<'a> {
    pub(crate) fn new(client: &'a P4pClient) -> Self {
        Self { client }
    }

    /// Creates an order. `payment: {type: "card", account}` charges an account's card;
    /// `payment.charge: "balance"` tops up the account's balance.
    pub async fn create(&self, order: &OrderCreatable) -> Result<Order, Error> {
        self.client.send(&CreateOrder::new(order.clone())).await
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
        self.client
            .send(&AddOrderEvents::single(order.clone(), event_type, amount))
            .await
    }

    /// Adds events to several orders in one call.
    pub async fn events(&self, batch: &[OrderEvents]) -> Result<Vec<Order>, Error> {
        self.client.send(&AddOrderEvents::new(batch.to_vec())).await
    }
}
