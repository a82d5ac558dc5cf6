//! The PayFunc ("Payments for Programmers") account API simulator, served under `/p4p`.
//!
//! Keys: the private key `sandbox-key` may do everything; an account key (made with
//! `POST /account/{id}`, valid three days) may name its own account `me` (or by id) on the
//! routes the documents allow it. Errors are `{"status", "type", "content": {"type",
//! "description"}}`.

mod state;
mod views;

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use mypages_models::p4p as model;
use rust_decimal::Decimal;
use serde_json::value::RawValue;
use time::OffsetDateTime;

pub(crate) use state::State;
use state::{
    Account, Event, Item, Items, Link, Method, Order, Payment, Subscription, next_due, noon,
};

use crate::credentials::P4P_KEY;
use crate::server::{Shared, lock};
use crate::wire::{self, BodyError, JsonObject, Shape};

type Ctx = AxState<Arc<Shared>>;
type Params = Result<Path<Vec<String>>, PathRejection>;

/// A PayFunc error.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    kind: &'static str,
    content_type: String,
    description: String,
}

impl ApiError {
    fn new(
        status: StatusCode,
        kind: &'static str,
        content_type: &str,
        description: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            content_type: content_type.to_owned(),
            description: description.into(),
        }
    }

    fn invalid(model: &str, description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid content",
            model,
            description,
        )
    }

    fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not found",
            what,
            format!("no {what} with this id"),
        )
    }

    fn forbidden(description: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "authorization",
            description,
        )
    }

    fn body(model: &'static str) -> impl Fn(BodyError) -> ApiError {
        move |err| match err {
            BodyError::Malformed(message) => {
                Self::new(StatusCode::BAD_REQUEST, "malformed content", model, message)
            }
            BodyError::Field { field, message } => {
                Self::invalid(model, format!("{field} {message}"))
            }
        }
    }

    fn into_response(self) -> Response {
        wire::json(
            self.status,
            &serde_json::json!({
                "status": self.status.as_u16(),
                "type": self.kind,
                "content": { "type": self.content_type, "description": self.description },
            }),
        )
    }
}

/// An error for an HTTP status (faults, fallbacks).
pub(crate) fn error_for_status(status: StatusCode, description: &str) -> Response {
    let kind = match status.as_u16() {
        401 => "not authorized",
        404 => "not found",
        405 => "method not allowed",
        429 => "too many requests",
        503 => "service unavailable",
        _ if status.is_server_error() => "server error",
        _ => "error",
    };
    ApiError::new(status, kind, "request", description).into_response()
}

type Answer = Result<Response, ApiError>;

fn finish(answer: Answer) -> Response {
    answer.unwrap_or_else(ApiError::into_response)
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/account", post(create_account).get(list_accounts))
        .route(
            "/account/{id}",
            get(get_account).patch(update_account).post(create_key),
        )
        .route(
            "/account/{id}/customer",
            axum::routing::put(replace_customer),
        )
        .route(
            "/account/{id}/balance",
            post(add_balance).delete(settle_balance),
        )
        .route("/account/{id}/link", post(create_link))
        .route("/account/{id}/link/{link}", get(open_link))
        .route("/account/{id}/method", post(add_method))
        .route("/account/{id}/subscription", post(create_subscription))
        .route(
            "/account/{id}/subscription/{sub}",
            axum::routing::put(replace_subscription)
                .patch(update_subscription)
                .delete(end_subscription),
        )
        .route("/order", post(create_order))
        .route("/order/", axum::routing::patch(order_events))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

async fn not_found() -> Response {
    error_for_status(StatusCode::NOT_FOUND, "no such route in the PayFunc API")
}

async fn method_not_allowed() -> Response {
    error_for_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "this route does not take this method",
    )
}

/// Who is calling.
enum Caller {
    Private,
    Account(String),
}

fn caller(shared: &Shared, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "not authorized",
                "authorization",
                "missing API key; send Authorization: Bearer <key>",
            )
        })?;
    if key == P4P_KEY {
        return Ok(Caller::Private);
    }
    let state = lock(&shared.p4p);
    match state.keys.get(key) {
        Some((account, expires)) if *expires > OffsetDateTime::now_utc() => {
            Ok(Caller::Account(account.clone()))
        }
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "not authorized",
            "authorization",
            "unknown or expired API key",
        )),
    }
}

fn private_only(caller: &Caller) -> Result<(), ApiError> {
    match caller {
        Caller::Private => Ok(()),
        Caller::Account(_) => Err(ApiError::forbidden("this operation needs the private key")),
    }
}

/// Resolves the account id of the route (`me` for account keys).
fn resolve(caller: &Caller, id: &str) -> Result<String, ApiError> {
    match (caller, id) {
        (Caller::Private, "me") => Err(ApiError::invalid("account", "`me` needs an account key")),
        (Caller::Private, id) => Ok(id.to_owned()),
        (Caller::Account(own), "me") => Ok(own.clone()),
        (Caller::Account(own), id) if own == id => Ok(own.clone()),
        (Caller::Account(_), _) => Err(ApiError::forbidden(
            "an account key may only use its own account",
        )),
    }
}

fn path_ids(params: Params) -> Result<Vec<String>, ApiError> {
    params
        .map(|Path(ids)| ids)
        .map_err(|_| ApiError::invalid("path", "the path is not valid percent-encoded UTF-8"))
}

fn account_json(account: &Account, status: StatusCode) -> Response {
    views::answer(status, views::account(account)).unwrap_or_else(ApiError::into_response)
}

fn with_account<R>(
    shared: &Shared,
    id: &str,
    f: impl FnOnce(&mut Account) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    let mut state = lock(&shared.p4p);
    let account = state
        .account_mut(id)
        .ok_or_else(|| ApiError::not_found("account"))?;
    f(account)
}

// ---- reading bodies ----

fn read_item(raw: &RawValue, path: &str) -> Result<Item, BodyError> {
    let object = JsonObject::from_raw(raw, path, false)?;
    let item = Item {
        number: object.opt_str("number")?,
        name: object.opt_str("name")?,
        price: object.opt_decimal("price")?,
        quantity: object.opt_decimal("quantity")?,
        unit: object.opt_str("unit")?,
        vat: object.opt_decimal("vat")?,
        rebate: object.opt_decimal("rebate")?,
    };
    if item.vat.is_some() && item.price.is_none() {
        return Err(BodyError::field(object.name("vat"), "needs price"));
    }
    if item.quantity.is_some_and(|q| q <= Decimal::ZERO) {
        return Err(BodyError::field(
            object.name("quantity"),
            "must be more than 0",
        ));
    }
    Ok(item)
}

/// Items: a number > 0, an Item, or an array of Items.
fn read_items(raw: &RawValue, path: &str) -> Result<Items, BodyError> {
    match wire::shape(raw) {
        Shape::Number => {
            let value = wire::decimal_from_json_text(raw.get()).ok_or_else(|| {
                BodyError::field(path, "must be a number with at most 28 significant digits")
            })?;
            if value <= Decimal::ZERO {
                return Err(BodyError::field(path, "must be more than 0"));
            }
            Ok(Items::Amount(value))
        }
        Shape::Object => Ok(Items::One(read_item(raw, path)?)),
        Shape::Array => {
            let list: Vec<Box<RawValue>> = serde_json::from_str(raw.get())
                .map_err(|_| BodyError::field(path, "must be an array of items"))?;
            let items = list
                .iter()
                .enumerate()
                .map(|(i, raw)| read_item(raw, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Items::List(items))
        }
        _ => Err(BodyError::field(
            path,
            "must be a number, an item or an array of items",
        )),
    }
}

const FREQUENCIES: [&str; 5] = ["daily", "weekly", "monthly", "quarterly", "yearly"];

/// A schedule: a frequency string or `{frequency, divisor?, offset?}`; returns its frequency.
fn read_schedule(raw: &RawValue, path: &str) -> Result<String, BodyError> {
    let frequency = |text: &str| {
        FREQUENCIES
            .iter()
            .find(|f| f.eq_ignore_ascii_case(text))
            .map(|f| (*f).to_owned())
            .ok_or_else(|| {
                BodyError::field(path, "must be daily, weekly, monthly, quarterly or yearly")
            })
    };
    match wire::shape(raw) {
        Shape::String => frequency(&serde_json::from_str::<String>(raw.get()).unwrap_or_default()),
        Shape::Object => {
            let object = JsonObject::from_raw(raw, path, false)?;
            let found = frequency(&object.str("frequency")?)?;
            for part in ["divisor", "offset"] {
                if let Some(value) = object.raw(part)? {
                    let ok = match wire::shape(value) {
                        Shape::Number => serde_json::from_str::<i64>(value.get()).is_ok(),
                        Shape::Array => serde_json::from_str::<Vec<i64>>(value.get())
                            .is_ok_and(|v| v.len() == 2),
                        _ => false,
                    };
                    if !ok {
                        return Err(BodyError::field(
                            object.name(part),
                            "must be an integer or a pair of integers",
                        ));
                    }
                }
            }
            Ok(found)
        }
        _ => Err(BodyError::field(
            path,
            "must be a frequency or a schedule object",
        )),
    }
}

/// Copies the listed string fields of `object` that are present into a JSON object.
fn string_fields(
    object: &JsonObject,
    fields: &[&str],
) -> Result<serde_json::Map<String, serde_json::Value>, BodyError> {
    let mut out = serde_json::Map::new();
    for field in fields {
        if let Some(value) = object.opt_str(field)? {
            out.insert((*field).to_owned(), serde_json::Value::String(value));
        }
    }
    Ok(out)
}

/// A string, or an object of the listed string fields (email, phone).
fn string_or_fields(
    raw: &RawValue,
    path: &str,
    fields: &[&str],
) -> Result<serde_json::Value, BodyError> {
    match wire::shape(raw) {
        Shape::String => Ok(serde_json::Value::String(
            serde_json::from_str(raw.get())
                .map_err(|_| BodyError::field(path, "must be a string"))?,
        )),
        Shape::Object => Ok(serde_json::Value::Object(string_fields(
            &JsonObject::from_raw(raw, path, false)?,
            fields,
        )?)),
        _ => Err(BodyError::field(path, "must be a string or an object")),
    }
}

const ADDRESS_FIELDS: [&str; 4] = ["street", "zipCode", "city", "countryCode"];
const ADDRESS_PURPOSES: [&str; 4] = ["primary", "billing", "delivery", "visit"];

/// One address, or addresses by purpose.
fn read_address(raw: &RawValue, path: &str) -> Result<serde_json::Value, BodyError> {
    let object = JsonObject::from_raw(raw, path, false)?;
    let mut by_purpose = serde_json::Map::new();
    for purpose in ADDRESS_PURPOSES {
        if let Some(address) = object.opt_object(purpose)? {
            by_purpose.insert(
                purpose.to_owned(),
                serde_json::Value::Object(string_fields(&address, &ADDRESS_FIELDS)?),
            );
        }
    }
    if by_purpose.is_empty() {
        Ok(serde_json::Value::Object(string_fields(
            &object,
            &ADDRESS_FIELDS,
        )?))
    } else {
        Ok(serde_json::Value::Object(by_purpose))
    }
}

/// A customer, checked field by field and kept with its known fields only.
fn read_customer(raw: &RawValue, path: &str) -> Result<serde_json::Value, BodyError> {
    let object = JsonObject::from_raw(raw, path, false)?;
    let mut out = string_fields(&object, &["type", "identityNumber", "id", "number", "name"])?;
    if let Some(serde_json::Value::String(kind)) = out.get("type") {
        if !["person", "organisation", "organization"].contains(&kind.to_ascii_lowercase().as_str())
        {
            return Err(BodyError::field(
                object.name("type"),
                "must be person or organisation",
            ));
        }
    }
    if let Some(serde_json::Value::String(number)) = out.get("identityNumber") {
        let digits = number.chars().filter(char::is_ascii_digit).count();
        if !(digits == 10 || digits == 12)
            || number
                .chars()
                .any(|c| !c.is_ascii_digit() && c != '-' && c != '+')
        {
            return Err(BodyError::field(
                object.name("identityNumber"),
                "must have 10 or 12 digits",
            ));
        }
    }
    if let Some(address) = object.raw("address")? {
        out.insert(
            "address".into(),
            read_address(address, &object.name("address"))?,
        );
    }
    if let Some(email) = object.raw("email")? {
        out.insert(
            "email".into(),
            string_or_fields(email, &object.name("email"), &["primary", "billing"])?,
        );
    }
    if let Some(phone) = object.raw("phone")? {
        out.insert(
            "phone".into(),
            string_or_fields(
                phone,
                &object.name("phone"),
                &["primary", "cellphone", "landline"],
            )?,
        );
    }
    Ok(serde_json::Value::Object(out))
}

fn read_currency(object: &JsonObject, field: &str) -> Result<Option<String>, BodyError> {
    object
        .opt_str(field)?
        .map(|currency| {
            if currency.len() == 3 && currency.chars().all(|c| c.is_ascii_alphabetic()) {
                Ok(currency.to_ascii_uppercase())
            } else {
                Err(BodyError::field(
                    object.name(field),
                    "must be a 3-letter currency code",
                ))
            }
        })
        .transpose()
}

/// A method from `{type: "token", card}`; the sandbox derives the card's details from the token.
fn method_from_token(card: String, today: time::Date) -> Method {
    let digits: u32 = card.bytes().map(u32::from).sum();
    let (scheme, iin, last4) = match digits % 3 {
        0 => ("visa", "411111", "1111"),
        1 => ("mastercard", "555555", "4444"),
        _ => ("visa", "400000", "0077"),
    };
    let year = u8::try_from((today.year() + 3).rem_euclid(100)).unwrap_or(30);
    Method {
        kind: "card",
        created: OffsetDateTime::now_utc(),
        token: card,
        scheme,
        iin: iin.into(),
        last4: last4.into(),
        expires: [u8::try_from(digits % 12 + 1).unwrap_or(1), year],
    }
}

fn read_method(raw: &RawValue, path: &str, today: time::Date) -> Result<Method, BodyError> {
    let object = JsonObject::from_raw(raw, path, false)?;
    let kind = object.str("type")?;
    if kind != "token" {
        return Err(BodyError::field(object.name("type"), "must be \"token\""));
    }
    Ok(method_from_token(object.non_empty_str("card")?, today))
}

// ---- accounts ----

/// `POST /account`.
async fn create_account(AxState(shared): Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let today = shared.today();
    finish((|| {
        caller(&shared, &headers)?;
        let model = "model.Account.Creatable";
        let read = (|| {
            let object = JsonObject::from_body(&body, false)?;
            let id = object.opt_str("id")?;
            if let Some(id) = &id {
                if id.len() != 16 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(BodyError::field("id", "must be 16 letters or digits"));
                }
            }
            let methods = object.opt_array("method")?.ok_or_else(|| {
                BodyError::field("method", "is required (it may be an empty array)")
            })?;
            let methods = methods
                .iter()
                .enumerate()
                .map(|(i, raw)| read_method(raw, &format!("method[{i}]"), today))
                .collect::<Result<Vec<_>, _>>()?;
            let customer = object
                .raw("customer")?
                .map(|raw| read_customer(raw, "customer"))
                .transpose()?;
            let schedule = object
                .raw("schedule")?
                .map(|raw| read_schedule(raw, "schedule").map(|_| raw.to_owned()))
                .transpose()?;
            let limit = object.opt_decimal("limit")?;
            if limit.is_some_and(|l| l < Decimal::ZERO) {
                return Err(BodyError::field("limit", "must be 0 or more"));
            }
            Ok((
                id,
                object.opt_str("number")?,
                customer,
                methods,
                read_currency(&object, "currency")?,
                schedule,
                limit,
            ))
        })();
        let (id, number, customer, methods, currency, schedule, limit) =
            read.map_err(ApiError::body(model))?;
        let mut state = lock(&shared.p4p);
        let id = match id {
            Some(id) if state.accounts.iter().any(|a| a.id == id) => {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    model,
                    "an account with this id exists",
                ));
            }
            Some(id) => id,
            None => state.new_id(),
        };
        let mut account = Account {
            id,
            number,
            customer,
            status: if methods.is_empty() {
                "created"
            } else {
                "active"
            },
            method: methods,
            link: Vec::new(),
            subscription: Vec::new(),
            currency: currency.unwrap_or_else(|| "SEK".into()),
            schedule,
            limit,
            total: Decimal::ZERO,
            balance: Vec::new(),
            due: None,
        };
        account.refresh();
        let response = account_json(&account, StatusCode::CREATED);
        state.accounts.push(account);
        Ok(response)
    })())
}

/// `GET /account`.
async fn list_accounts(AxState(shared): Ctx, headers: HeaderMap) -> Response {
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let state = lock(&shared.p4p);
        views::answer(
            StatusCode::OK,
            state
                .accounts
                .iter()
                .map(views::account)
                .collect::<Result<Vec<_>, _>>(),
        )
    })())
}

/// `GET /account/{id}`.
async fn get_account(AxState(shared): Ctx, headers: HeaderMap, params: Params) -> Response {
    finish((|| {
        let id = resolve(&caller(&shared, &headers)?, &path_ids(params)?[0])?;
        with_account(&shared, &id, |account| {
            Ok(account_json(account, StatusCode::OK))
        })
    })())
}

/// `PATCH /account/{id}`: `limit`, `schedule`, `currency` (only while the total is 0).
async fn update_account(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let id = path_ids(params)?.remove(0);
        let model = "model.Account.Changeable";
        let (limit, schedule, currency) = (|| {
            let object = JsonObject::from_body(&body, false)?;
            let limit = object.opt_decimal("limit")?;
            if limit.is_some_and(|l| l < Decimal::ZERO) {
                return Err(BodyError::field("limit", "must be 0 or more"));
            }
            let schedule = object
                .raw("schedule")?
                .map(|raw| read_schedule(raw, "schedule").map(|_| raw.to_owned()))
                .transpose()?;
            Ok((limit, schedule, read_currency(&object, "currency")?))
        })()
        .map_err(ApiError::body(model))?;
        with_account(&shared, &id, |account| {
            if let Some(currency) = currency {
                if currency != account.currency && !account.total.is_zero() {
                    return Err(ApiError::invalid(
                        model,
                        "currency can change only while the total is 0",
                    ));
                }
                account.currency = currency;
            }
            if limit.is_some() {
                account.limit = limit;
            }
            if schedule.is_some() {
                account.schedule = schedule;
            }
            Ok(account_json(account, StatusCode::OK))
        })
    })())
}

/// `POST /account/{id}`: a new account key, valid three days.
async fn create_key(AxState(shared): Ctx, headers: HeaderMap, params: Params) -> Response {
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let id = path_ids(params)?.remove(0);
        let mut state = lock(&shared.p4p);
        if !state.accounts.iter().any(|a| a.id == id) {
            return Err(ApiError::not_found("account"));
        }
        let key = format!(
            "{}.{}.{}",
            crate::ids::base64url(br#"{"alg":"ES256","typ":"JWT"}"#),
            crate::ids::base64url(format!(r#"{{"aud":"account","sub":"{id}"}}"#).as_bytes()),
            state.new_id()
        );
        state.keys.insert(
            key.clone(),
            (id, OffsetDateTime::now_utc() + time::Duration::days(3)),
        );
        Ok(wire::json(StatusCode::OK, &key))
    })())
}

/// `PUT /account/{id}/customer`.
async fn replace_customer(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let id = resolve(&caller(&shared, &headers)?, &path_ids(params)?[0])?;
        let customer = wire::parse_raw(&body)
            .and_then(|raw| read_customer(&raw, ""))
            .map_err(ApiError::body("model.Customer"))?;
        with_account(&shared, &id, |account| {
            let answer = views::answer(StatusCode::OK, views::customer(&customer))?;
            account.customer = Some(customer);
            Ok(answer)
        })
    })())
}

/// `POST /account/{id}/balance`: a number, an Item or Items.
async fn add_balance(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let id = resolve(&caller(&shared, &headers)?, &path_ids(params)?[0])?;
        let items = wire::parse_raw(&body)
            .and_then(|raw| read_items(&raw, "items"))
            .map_err(ApiError::body("model.Item"))?;
        with_account(&shared, &id, |account| {
            let added = items.total();
            if let Some(limit) = account.limit {
                if account.total + added > limit {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "limit exceeded",
                        "model.Account",
                        format!("the balance would pass the account's limit of {limit}"),
                    ));
                }
            }
            account.balance.extend(items.to_list());
            account.refresh();
            Ok(account_json(account, StatusCode::OK))
        })
    })())
}

/// Settles one account's balance into an order; `Ok(true)` when charged.
fn settle(state: &mut State, index: usize) -> Option<bool> {
    let account = &mut state.accounts[index];
    if account.balance.is_empty() {
        return None;
    }
    let items = std::mem::take(&mut account.balance);
    let total = account.total;
    let charged = !account.method.is_empty();
    account.status = if charged { "active" } else { "pending" };
    account.refresh();
    let (account_id, currency) = (account.id.clone(), account.currency.clone());
    let now = OffsetDateTime::now_utc();
    let mut event = vec![Event {
        kind: "order",
        date: now,
        amount: None,
    }];
    event.push(if charged {
        Event {
            kind: "charge",
            date: now,
            amount: Some(total),
        }
    } else {
        Event {
            kind: "fail",
            date: now,
            amount: Some(total),
        }
    });
    let id = state.new_id();
    state.orders.push(Order {
        id,
        number: None,
        client: None,
        created: now,
        customer: None,
        items: Items::List(items),
        currency: currency.clone(),
        payment: Payment {
            kind: Some("account"),
            account: Some(account_id),
            charge: Some("balance"),
            amount: Some(total),
            currency: Some(currency),
        },
        theme: None,
        meta: None,
        callback: None,
        event,
    });
    Some(charged)
}

/// `DELETE /account/{id|me|all}/balance`: `{updated, errors}`.
async fn settle_balance(AxState(shared): Ctx, headers: HeaderMap, params: Params) -> Response {
    finish((|| {
        let who = caller(&shared, &headers)?;
        let raw_id = path_ids(params)?.remove(0);
        let mut state = lock(&shared.p4p);
        let targets: Vec<usize> = if raw_id == "all" {
            private_only(&who)?;
            (0..state.accounts.len()).collect()
        } else {
            let id = resolve(&who, &raw_id)?;
            vec![
                state
                    .accounts
                    .iter()
                    .position(|a| a.id == id)
                    .ok_or_else(|| ApiError::not_found("account"))?,
            ]
        };
        let (mut updated, mut errors) = (0u32, 0u32);
        for index in targets {
            match settle(&mut state, index) {
                Some(true) => updated += 1,
                Some(false) => {
                    updated += 1;
                    errors += 1;
                }
                None => {}
            }
        }
        Ok(wire::json(
            StatusCode::OK,
            &model::SettleResult::new(i64::from(updated), i64::from(errors)),
        ))
    })())
}

/// `GET /account/{id}/link/{link}`: the login link itself, opened in the customer's browser.
/// The first visit marks the link used; a used, expired or unknown link shows an error page.
async fn open_link(AxState(shared): Ctx, params: Params) -> Response {
    use axum::response::{Html, IntoResponse};
    let page = |status: StatusCode, title: &str, text: &str| {
        let html = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1><p id=\"message\">{text}</p>\
             <p>This is the mypages sandbox, not PayFunc.</p></body></html>",
            title = wire::html_escape(title),
            text = wire::html_escape(text),
        );
        (status, Html(html)).into_response()
    };
    let Ok(ids) = path_ids(params) else {
        return page(
            StatusCode::NOT_FOUND,
            "Link not found",
            "This login link does not exist.",
        );
    };
    let mut state = lock(&shared.p4p);
    let link = state
        .account_mut(&ids[0])
        .and_then(|account| account.link.iter_mut().find(|link| link.id == ids[1]));
    match link {
        None => page(
            StatusCode::NOT_FOUND,
            "Link not found",
            "This login link does not exist.",
        ),
        Some(link) if link.used => page(
            StatusCode::GONE,
            "Link already used",
            "Ask for a new login link.",
        ),
        Some(link) if link.expires < OffsetDateTime::now_utc() => page(
            StatusCode::GONE,
            "Link expired",
            "Ask for a new login link.",
        ),
        Some(link) => {
            link.used = true;
            page(
                StatusCode::OK,
                "Logged in",
                &format!("You are logged in to account {}.", ids[0]),
            )
        }
    }
}

/// `POST /account/{id}/link`.
async fn create_link(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let who = caller(&shared, &headers)?;
        let id = resolve(&who, &path_ids(params)?[0])?;
        let contact = if body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            JsonObject::from_body(&body, false)
                .and_then(|o| o.opt_str("contact"))
                .map_err(ApiError::body("model.Account.Link"))?
        };
        let origin = shared.origin(&headers);
        let mut state = lock(&shared.p4p);
        let (link_id, key) = (state.new_id(), state.new_id());
        let account = state
            .account_mut(&id)
            .ok_or_else(|| ApiError::not_found("account"))?;
        let now = OffsetDateTime::now_utc();
        let link = Link {
            url: format!("{origin}/p4p/account/{id}/link/{link_id}"),
            id: link_id,
            created: now,
            expires: now + time::Duration::days(3),
            key,
            contact,
            used: false,
        };
        account.link.push(link.clone());
        Ok(match who {
            Caller::Private => wire::json(StatusCode::CREATED, &views::link(&link)),
            Caller::Account(_) => wire::no_content(),
        })
    })())
}

/// `POST /account/{id}/method`.
async fn add_method(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        let id = resolve(&caller(&shared, &headers)?, &path_ids(params)?[0])?;
        let method = wire::parse_raw(&body)
            .and_then(|raw| read_method(&raw, "", today))
            .map_err(ApiError::body("model.Method.Creatable"))?;
        with_account(&shared, &id, |account| {
            account.method.push(method);
            if account.status == "created" || account.status == "pending" {
                account.status = "active";
            }
            Ok(account_json(account, StatusCode::CREATED))
        })
    })())
}

// ---- subscriptions ----

struct SubscriptionFields {
    number: Option<String>,
    items: Option<Items>,
    currency: Option<String>,
    schedule: Option<(Box<RawValue>, String)>,
    start: Option<time::Date>,
    end: Option<time::Date>,
    callback: Option<String>,
}

fn read_subscription(
    body: &Bytes,
    creatable: bool,
    today: time::Date,
) -> Result<SubscriptionFields, ApiError> {
    let model = if creatable {
        "model.Subscription.Creatable"
    } else {
        "model.Subscription"
    };
    (|| {
        let object = JsonObject::from_body(body, false)?;
        let items = object
            .raw("items")?
            .map(|raw| read_items(raw, "items"))
            .transpose()?;
        let schedule = object
            .raw("schedule")?
            .map(|raw| read_schedule(raw, "schedule").map(|frequency| (raw.to_owned(), frequency)))
            .transpose()?;
        let fields = SubscriptionFields {
            number: object.opt_str("number")?,
            items,
            currency: read_currency(&object, "currency")?,
            schedule,
            start: object.opt_date("start")?,
            end: object.opt_date("end")?,
            callback: object.opt_str("callback")?,
        };
        if creatable {
            if fields.items.is_none() {
                return Err(BodyError::field("items", "is required"));
            }
            if fields.currency.is_none() {
                return Err(BodyError::field("currency", "is required"));
            }
            if fields.schedule.is_none() {
                return Err(BodyError::field("schedule", "is required"));
            }
        }
        // A subscription starts today unless it says otherwise.
        if let (Some(start), Some(end)) = (fields.start.or(creatable.then_some(today)), fields.end)
        {
            if end < start {
                return Err(BodyError::field("end", "must not be before start"));
            }
        }
        Ok(fields)
    })()
    .map_err(ApiError::body(model))
}

fn frequency_of(schedule: &RawValue) -> String {
    read_schedule(schedule, "schedule").unwrap_or_else(|_| "monthly".into())
}

/// Recomputes `due`: the next date on or after today, never past `end`.
fn recompute_due(subscription: &mut Subscription, today: time::Date) {
    let due = next_due(
        &frequency_of(&subscription.schedule),
        subscription.start,
        today,
    );
    subscription.due = subscription.end.is_none_or(|end| due <= end).then_some(due);
}

fn subscriptions_json(account: &Account, status: StatusCode) -> Response {
    views::answer(status, views::subscriptions(account)).unwrap_or_else(ApiError::into_response)
}

/// `POST /account/{id}/subscription`.
async fn create_subscription(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let id = path_ids(params)?.remove(0);
        let fields = read_subscription(&body, true, today)?;
        let mut state = lock(&shared.p4p);
        let sub_id: String = loop {
            let candidate: String = (0..4).map(|_| state.rng.lowercase()).collect();
            if !state
                .accounts
                .iter()
                .any(|a| a.subscription.iter().any(|s| s.id == candidate))
            {
                break candidate;
            }
        };
        let account = state
            .account_mut(&id)
            .ok_or_else(|| ApiError::not_found("account"))?;
        if let Some(number) = &fields.number {
            if account
                .subscription
                .iter()
                .any(|s| s.number.as_ref() == Some(number))
            {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "model.Subscription.Creatable",
                    "a subscription with this number exists",
                ));
            }
        }
        let (schedule, _) = fields.schedule.ok_or_else(|| {
            ApiError::invalid("model.Subscription.Creatable", "schedule is required")
        })?;
        let mut subscription = Subscription {
            id: sub_id,
            number: fields.number,
            items: fields.items.unwrap_or(Items::List(Vec::new())),
            currency: fields.currency.unwrap_or_else(|| "SEK".into()),
            schedule,
            start: fields.start.unwrap_or(today),
            end: fields.end,
            callback: fields.callback,
            due: None,
        };
        recompute_due(&mut subscription, today);
        account.subscription.push(subscription);
        account.refresh();
        Ok(subscriptions_json(account, StatusCode::CREATED))
    })())
}

fn change_subscription(
    shared: &Shared,
    headers: &HeaderMap,
    params: Params,
    allow_account_key: bool,
    change: impl FnOnce(&mut Subscription) -> Result<(), ApiError>,
) -> Answer {
    let who = caller(shared, headers)?;
    if !allow_account_key {
        private_only(&who)?;
    }
    let ids = path_ids(params)?;
    let id = resolve(&who, &ids[0])?;
    with_account(shared, &id, |account| {
        let subscription = account
            .subscription
            .iter_mut()
            .find(|s| s.id == ids[1])
            .ok_or_else(|| ApiError::not_found("subscription"))?;
        change(subscription)?;
        account.refresh();
        Ok(subscriptions_json(account, StatusCode::OK))
    })
}

/// `PUT /account/{id}/subscription/{sub}`: replace, keeping the id.
async fn replace_subscription(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        caller(&shared, &headers)?;
        let fields = read_subscription(&body, true, today)?;
        change_subscription(&shared, &headers, params, false, |s| {
            s.number = fields.number;
            s.items = fields.items.unwrap_or(Items::List(Vec::new()));
            s.currency = fields.currency.unwrap_or_else(|| "SEK".into());
            if let Some((schedule, _)) = fields.schedule {
                s.schedule = schedule;
            }
            s.start = fields.start.unwrap_or(today);
            s.end = fields.end;
            s.callback = fields.callback;
            recompute_due(s, today);
            Ok(())
        })
    })())
}

/// `PATCH /account/{id}/subscription/{sub}`.
async fn update_subscription(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        caller(&shared, &headers)?;
        let fields = read_subscription(&body, false, today)?;
        change_subscription(&shared, &headers, params, false, |s| {
            // Checked on the result, before anything changes.
            let (start, end) = (fields.start.unwrap_or(s.start), fields.end.or(s.end));
            if end.is_some_and(|end| end < start) {
                return Err(ApiError::invalid(
                    "model.Subscription",
                    "end must not be before start",
                ));
            }
            if let Some(number) = fields.number {
                s.number = Some(number);
            }
            if let Some(items) = fields.items {
                s.items = items;
            }
            if let Some(currency) = fields.currency {
                s.currency = currency;
            }
            if let Some((schedule, _)) = fields.schedule {
                s.schedule = schedule;
            }
            s.start = start;
            s.end = end;
            if let Some(callback) = fields.callback {
                s.callback = Some(callback);
            }
            recompute_due(s, today);
            Ok(())
        })
    })())
}

/// `DELETE /account/{id}/subscription/{sub}`: ends it today.
async fn end_subscription(AxState(shared): Ctx, headers: HeaderMap, params: Params) -> Response {
    let today = shared.today();
    finish(change_subscription(&shared, &headers, params, true, |s| {
        s.end = Some(today.max(s.start));
        s.due = None;
        Ok(())
    }))
}

// ---- orders ----

/// `POST /order`.
async fn create_order(AxState(shared): Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let today = shared.today();
    finish((|| {
        let who = caller(&shared, &headers)?;
        let model = "model.Order.Creatable";
        let (number, client, customer, items, currency, payment, theme, meta, callback) = (|| {
            let object = JsonObject::from_body(&body, false)?;
            let items_raw = object
                .raw("items")?
                .or(object.raw("item")?)
                .ok_or_else(|| BodyError::field("items", "is required"))?;
            let items = read_items(items_raw, "items")?;
            let currency = read_currency(&object, "currency")?
                .ok_or_else(|| BodyError::field("currency", "is required"))?;
            let payment = object.object("payment")?;
            let kind = payment
                .opt_str("type")?
                .map(|kind| match kind.as_str() {
                    "card" => Ok("card"),
                    "account" => Ok("account"),
                    _ => Err(BodyError::field("payment.type", "must be card or account")),
                })
                .transpose()?;
            let charge = payment
                .opt_str("charge")?
                .map(|charge| match charge.as_str() {
                    "auto" => Ok("auto"),
                    "balance" => Ok("balance"),
                    _ => Err(BodyError::field(
                        "payment.charge",
                        "must be auto or balance",
                    )),
                })
                .transpose()?;
            let payment = Payment {
                kind,
                account: payment.opt_str("account")?,
                charge,
                amount: None,
                currency: None,
            };
            let customer = object
                .raw("customer")?
                .map(|raw| read_customer(raw, "customer"))
                .transpose()?;
            Ok((
                object.opt_str("number")?,
                object.opt_str("client")?,
                customer,
                items,
                currency,
                payment,
                object.opt_str("theme")?,
                object.raw("meta")?.map(ToOwned::to_owned),
                object.opt_str("callback")?,
            ))
        })(
        )
        .map_err(ApiError::body(model))?;
        let total = items.total();
        let now = OffsetDateTime::now_utc();
        let mut events = vec![Event {
            kind: "order",
            date: now,
            amount: None,
        }];
        let mut state = lock(&shared.p4p);
        if let Some(account_id) = &payment.account {
            let account_id = resolve(&who, account_id)?;
            let account = state
                .account_mut(&account_id)
                .ok_or_else(|| ApiError::not_found("account"))?;
            if account.currency != currency {
                return Err(ApiError::invalid(
                    model,
                    "currency must be the account's currency",
                ));
            }
            if payment.charge == Some("balance") {
                account.balance.extend(items.to_list());
                account.refresh();
            } else if account.method.is_empty() {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "card declined",
                    model,
                    "the account has no payment method to charge",
                ));
            } else {
                events.push(Event {
                    kind: "charge",
                    date: now,
                    amount: Some(total),
                });
            }
        }
        let id = state.new_id();
        let order = Order {
            id,
            number,
            client,
            created: noon(today).replace_time(now.time()),
            customer,
            items,
            currency: currency.clone(),
            payment: Payment {
                amount: Some(total),
                currency: Some(currency),
                ..payment
            },
            theme,
            meta,
            callback,
            event: events,
        };
        let answer = views::answer(StatusCode::CREATED, views::order(&order))?;
        state.orders.push(order);
        Ok(answer)
    })())
}

/// `PATCH /order/`: `[{id, event: [{type: charge|cancel|refund}]}]`.
async fn order_events(AxState(shared): Ctx, headers: HeaderMap, body: Bytes) -> Response {
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let model = "model.Order.Event";
        let requests = (|| {
            let raw = wire::parse_raw(&body)?;
            let list: Vec<Box<RawValue>> = serde_json::from_str(raw.get()).map_err(|_| {
                BodyError::Malformed("the body must be an array of {id, event} objects".into())
            })?;
            list.iter()
                .enumerate()
                .map(|(i, raw)| {
                    let object = JsonObject::from_raw(raw, &format!("[{i}]"), false)?;
                    let id = object.non_empty_str("id")?;
                    let events = object
                        .opt_array("event")?
                        .ok_or_else(|| BodyError::field(object.name("event"), "is required"))?;
                    let kinds = events
                        .iter()
                        .enumerate()
                        .map(|(j, raw)| {
                            let event =
                                JsonObject::from_raw(raw, &format!("[{i}].event[{j}]"), false)?;
                            event.opt_decimal("amount")?;
                            match event.str("type")?.as_str() {
                                "charge" => Ok("charge"),
                                "cancel" => Ok("cancel"),
                                "refund" => Ok("refund"),
                                _ => Err(BodyError::field(
                                    event.name("type"),
                                    "must be charge, cancel or refund",
                                )),
                            }
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((id, kinds))
                })
                .collect::<Result<Vec<_>, BodyError>>()
        })()
        .map_err(ApiError::body(model))?;
        let mut state = lock(&shared.p4p);
        // Check everything first, so a batch applies whole or not at all.
        let mut planned: Vec<(usize, Vec<&'static str>)> = Vec::new();
        for (id, kinds) in &requests {
            let index = state
                .orders
                .iter()
                .position(|o| &o.id == id)
                .ok_or_else(|| ApiError::not_found("order"))?;
            let mut simulated: Vec<&str> =
                state.orders[index].event.iter().map(|e| e.kind).collect();
            for kind in kinds {
                let charged = simulated.contains(&"charge");
                let ok = match *kind {
                    "charge" | "cancel" => !charged && !simulated.contains(&"cancel"),
                    _ => charged && !simulated.contains(&"refund"),
                };
                if !ok {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "invalid event",
                        model,
                        format!(
                            "order {id}: cannot {kind} an order that is {}",
                            simulated.last().copied().unwrap_or("new")
                        ),
                    ));
                }
                simulated.push(kind);
            }
            planned.push((index, kinds.clone()));
        }
        let now = OffsetDateTime::now_utc();
        let mut touched = Vec::new();
        for (index, kinds) in planned {
            let order = &mut state.orders[index];
            let total = order.items.total();
            for kind in kinds {
                let amount = (kind != "cancel").then_some(total);
                order.event.push(Event {
                    kind,
                    date: now,
                    amount,
                });
            }
            touched.push(order.clone());
        }
        views::answer(
            StatusCode::OK,
            touched
                .iter()
                .map(views::order)
                .collect::<Result<Vec<_>, _>>(),
        )
    })())
}
