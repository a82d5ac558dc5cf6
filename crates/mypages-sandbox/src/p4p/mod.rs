//! The PayFunc ("Payments for Programmers") account API simulator, served under `/p4p`.
//!
//! Keys: the private key `sandbox-key` may do everything; an account key (made with
//! `POST /account/{id}`, valid three days) may name its own account `me` (or by id) on the
//! routes the documents allow it. Errors are `{"status", "type", "content": {"type",
//! "description"}}`.

mod accounts;
mod bodies;
mod orders;
mod state;
mod subscriptions;
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

use accounts::*;
use bodies::*;
use orders::*;
pub(crate) use state::State;
use state::{
    Account, Event, Item, Items, Link, Method, Order, Payment, Subscription, next_due, noon,
};
use subscriptions::*;

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
        // The batch of events is documented at `PATCH /order/`; PayFunc's router serves
        // `/order` too, so both are answered.
        .route("/order", post(create_order).patch(order_events))
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
