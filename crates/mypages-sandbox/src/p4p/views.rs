//! PayFunc resources as they go on the wire: the generated `mypages_models::p4p` types,
//! filled from the sandbox's state.

use axum::http::StatusCode;
use axum::response::Response;
use mypages_models::p4p as model;
use mypages_models::{Currency, Sensitive};

use super::ApiError;
use super::state::{Account, Event, Item, Items, Link, Method, Order, Payment, Subscription};
use crate::wire;

/// The state holds something the models refuse: a sandbox bug, answered as a 500.
fn broken(what: &str, err: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server error",
        what,
        format!("the sandbox holds an invalid {what}: {err}"),
    )
}

fn item(i: &Item) -> model::Item {
    let mut view = model::Item::new();
    if let Some(number) = &i.number {
        view = view.with_number(number.clone());
    }
    if let Some(name) = &i.name {
        view = view.with_name(name.clone());
    }
    if let Some(price) = i.price {
        view = view.with_price(price);
    }
    if let Some(quantity) = i.quantity {
        view = view.with_quantity(quantity);
    }
    if let Some(unit) = &i.unit {
        view = view.with_unit(unit.clone());
    }
    if let Some(vat) = i.vat {
        view = view.with_vat(vat);
    }
    if let Some(rebate) = i.rebate {
        view = view.with_rebate(rebate);
    }
    view
}

fn items(i: &Items) -> model::Items {
    match i {
        Items::Amount(amount) => model::Items::Amount(*amount),
        Items::One(one) => model::Items::Item(item(one)),
        Items::List(list) => model::Items::List(list.iter().map(item).collect()),
    }
}

fn method(m: &Method) -> Result<model::Method, ApiError> {
    let expires = model::CardExpiry::new(m.expires[0], u16::from(m.expires[1]))
        .map_err(|err| broken("card expiry", err))?;
    Ok(model::Method::new()
        .with_type(model::MethodType::from_wire(m.kind))
        .with_created(m.created)
        .with_token(Sensitive::new(m.token.clone()))
        .with_scheme(m.scheme.to_owned())
        .with_iin(m.iin.clone())
        .with_last4(m.last4.clone())
        .with_expires(expires))
}

/// A login link.
pub(crate) fn link(l: &Link) -> model::AccountLink {
    let mut view = model::AccountLink::new(l.url.clone().into())
        .with_id(l.id.clone())
        .with_created(l.created)
        .with_expires(l.expires)
        .with_key(Sensitive::new(l.key.clone()))
        .with_used(l.used);
    if let Some(contact) = &l.contact {
        view = view.with_contact(contact.clone());
    }
    view
}

fn schedule(raw: &serde_json::value::RawValue) -> Result<model::Schedule, ApiError> {
    serde_json::from_str(raw.get()).map_err(|err| broken("schedule", err))
}

/// A customer as stored (already checked field by field).
pub(crate) fn customer(value: &serde_json::Value) -> Result<model::Customer, ApiError> {
    serde_json::from_value(value.clone()).map_err(|err| broken("customer", err))
}

fn subscription(s: &Subscription) -> Result<model::Subscription, ApiError> {
    let id =
        model::SubscriptionId::new(s.id.clone()).map_err(|err| broken("subscription id", err))?;
    let mut view = model::Subscription::new(id)
        .with_items(items(&s.items))
        .with_currency(Currency::from_wire(&s.currency))
        .with_schedule(schedule(&s.schedule)?)
        .with_start(s.start);
    if let Some(number) = &s.number {
        view = view.with_number(number.clone());
    }
    if let Some(end) = s.end {
        view = view.with_end(end);
    }
    if let Some(callback) = &s.callback {
        view = view.with_callback(callback.clone());
    }
    if let Some(due) = s.due {
        view = view.with_due(due);
    }
    Ok(view)
}

/// The subscriptions of an account.
pub(crate) fn subscriptions(account: &Account) -> Result<Vec<model::Subscription>, ApiError> {
    account.subscription.iter().map(subscription).collect()
}

/// An account with its balance, methods, links and subscriptions.
pub(crate) fn account(a: &Account) -> Result<model::Account, ApiError> {
    let id = model::AccountId::new(a.id.clone()).map_err(|err| broken("account id", err))?;
    let mut view = model::Account::new(id)
        .with_method(a.method.iter().map(method).collect::<Result<_, _>>()?)
        .with_link(model::AccountLinks::Many(a.link.iter().map(link).collect()))
        .with_status(model::AccountStatus::from_wire(a.status))
        .with_subscription(subscriptions(a)?)
        .with_currency(Currency::from_wire(&a.currency))
        .with_total(a.total)
        .with_balance(a.balance.iter().map(item).collect());
    if let Some(number) = &a.number {
        view = view.with_number(number.clone());
    }
    if let Some(value) = &a.customer {
        view = view.with_customer(customer(value)?);
    }
    if let Some(raw) = &a.schedule {
        view = view.with_schedule(schedule(raw)?);
    }
    if let Some(limit) = a.limit {
        view = view.with_limit(limit);
    }
    if let Some(due) = a.due {
        view = view.with_due(due);
    }
    Ok(view)
}

fn payment(p: &Payment) -> Result<model::Payment, ApiError> {
    let mut view = model::Payment::new();
    if let Some(kind) = p.kind {
        view = view.with_type(model::PaymentType::from_wire(kind));
    }
    if let Some(account) = &p.account {
        view = view.with_account(
            model::AccountId::new(account.clone()).map_err(|err| broken("account id", err))?,
        );
    }
    if let Some(charge) = p.charge {
        view = view.with_charge(model::PaymentCharge::from_wire(charge));
    }
    if let Some(amount) = p.amount {
        view = view.with_amount(amount);
    }
    if let Some(currency) = &p.currency {
        view = view.with_currency(Currency::from_wire(currency));
    }
    Ok(view)
}

fn event(e: &Event) -> model::Event {
    let view = model::Event::new(model::EventType::from_wire(e.kind)).with_date(e.date);
    match e.amount {
        Some(amount) => view.with_amount(amount),
        None => view,
    }
}

/// An order with its events.
pub(crate) fn order(o: &Order) -> Result<model::Order, ApiError> {
    let id = model::OrderId::new(o.id.clone()).map_err(|err| broken("order id", err))?;
    let mut view = model::Order::new(id)
        .with_created(o.created)
        .with_items(items(&o.items))
        .with_currency(Currency::from_wire(&o.currency))
        .with_payment(payment(&o.payment)?)
        .with_event(o.event.iter().map(event).collect());
    if let Some(number) = &o.number {
        view = view.with_number(number.clone());
    }
    if let Some(client) = &o.client {
        view = view.with_client(serde_json::Value::String(client.clone()));
    }
    if let Some(value) = &o.customer {
        view = view.with_customer(customer(value)?);
    }
    if let Some(theme) = &o.theme {
        view = view.with_theme(theme.clone());
    }
    if let Some(meta) = &o.meta {
        let meta = serde_json::from_str(meta.get()).map_err(|err| broken("meta", err))?;
        view = view.with_meta(meta);
    }
    if let Some(callback) = &o.callback {
        view = view.with_callback(callback.clone());
    }
    Ok(view)
}

/// A JSON answer of a converted value, or the conversion's error.
pub(crate) fn answer<T: serde::Serialize>(
    status: StatusCode,
    value: Result<T, ApiError>,
) -> Result<Response, ApiError> {
    value.map(|value| wire::json(status, &value))
}
