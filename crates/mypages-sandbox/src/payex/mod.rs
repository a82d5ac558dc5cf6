//! The PayEx Ledger Account API simulator, served under `/payex`.
//!
//! Every route is `/ledger/account/v1/1000/...` (plus the account owner at
//! `/ledger/customer/v1/1000/customers/{customerNo}`), with `Authorization: Bearer
//! sandbox-token`; a missing or wrong token, or another ledger number, answers 401. Errors
//! are `application/problem+json` with PascalCase keys (`Type`, `Title`, `Status`,
//! `Instance`, `Detail`, `Problems`) and types `ledger.account.<code>`.
//!
//! Lists page two items at a time: `$top`/`$skip` and `view.next` on sub-resource lists,
//! `skip` and `navigation.next` on the accounts list. Links are root-relative and start with
//! `/ledger/`, as a real PayEx link would; the sandbox's own `/payex` prefix is not in them.

mod activity;
mod bills;
mod cards;
mod recurring;
mod routes;
mod state;
mod views;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State as AxState};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

pub(crate) use state::State;

use crate::credentials::{PAYEX_LEDGER, PAYEX_TOKEN};
use crate::server::Shared;
use crate::wire::{self, BodyError};

/// The root of the sandbox ledger's account routes.
pub(crate) fn ledger_root() -> String {
    format!("/ledger/account/v1/{PAYEX_LEDGER}")
}

/// A PayEx problem document.
#[derive(Debug)]
pub(crate) struct Problem {
    status: StatusCode,
    code: String,
    title: String,
    detail: String,
    problems: Vec<(String, String)>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProblemBody<'a> {
    #[serde(rename = "Type")]
    kind: String,
    title: &'a str,
    status: u16,
    instance: String,
    detail: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<std::collections::BTreeMap<&'a str, &'a str>>,
}

impl Problem {
    /// A problem of type `ledger.account.<code>`.
    pub(crate) fn new(
        status: StatusCode,
        code: &str,
        title: &str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: if code.contains('.') {
                code.to_owned()
            } else {
                format!("ledger.account.{code}")
            },
            title: title.to_owned(),
            detail: detail.into(),
            problems: Vec::new(),
        }
    }

    /// A `validation` problem naming one field.
    pub(crate) fn validation(field: &str, message: impl Into<String>) -> Self {
        let mut problem = Self::new(
            StatusCode::BAD_REQUEST,
            "validation",
            "A validation error occurred",
            "A validation error occurred. Please fix the problems mentioned in the 'problems' property below.",
        );
        problem.problems.push((field.to_owned(), message.into()));
        problem
    }

    pub(crate) fn account_not_found(account_no: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "account-not-found",
            "Account not found",
            format!("No account {account_no:?} in ledger {PAYEX_LEDGER}."),
        )
    }

    pub(crate) fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: self.code.clone(),
            title: &self.title,
            status: self.status.as_u16(),
            instance: instance_id(),
            detail: &self.detail,
            problems: self
                .problems
                .iter()
                .map(|(field, message)| {
                    std::collections::BTreeMap::from([(field.as_str(), message.as_str())])
                })
                .collect(),
        };
        wire::json_with_type(
            self.status,
            &body,
            "application/problem+json; charset=utf-8",
        )
    }
}

impl From<BodyError> for Problem {
    fn from(err: BodyError) -> Self {
        match err.field_name() {
            "" => Self::validation("body", err.message()),
            field => Self::validation(field, err.message()),
        }
    }
}

impl axum::response::IntoResponse for Problem {
    fn into_response(self) -> Response {
        Problem::into_response(self)
    }
}

/// A fresh problem instance id (a GUID).
fn instance_id() -> String {
    crate::ids::guid(&mut fastrand::Rng::new())
}

/// A problem for an HTTP status (faults, fallbacks).
pub(crate) fn problem_for_status(status: StatusCode, detail: &str) -> Response {
    let (code, title) = match status.as_u16() {
        401 => ("unauthorized", "Unauthorized"),
        404 => ("not-found", "Not found"),
        405 => ("method-not-allowed", "Method not allowed"),
        429 => ("too-many-requests", "Too many requests"),
        503 => ("service-unavailable", "Service unavailable"),
        _ if status.is_server_error() => ("internal-error", "An internal error occurred"),
        _ => ("error", "An error occurred"),
    };
    Problem::new(status, code, title, detail).into_response()
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    use axum::routing::post;
    let account = "/ledger/account/v1/{ledger}/accounts/{account}";
    let api = Router::new()
        .route(
            "/ledger/account/v1/{ledger}/accounts",
            get(routes::list_accounts),
        )
        .route(
            account,
            get(routes::get_account).patch(routes::update_account),
        )
        .route(
            &format!("{account}/register-psp-payment"),
            post(routes::register_payment),
        )
        .route(
            &format!("{account}/request-close-account"),
            post(routes::request_close),
        )
        .route(&format!("{account}/bills"), get(bills::list_bills))
        .route(&format!("{account}/bills/{{bill}}"), get(bills::get_bill))
        .route(
            &format!("{account}/bills/{{bill}}/document"),
            get(bills::bill_document),
        )
        .route(
            &format!("{account}/cards"),
            get(cards::list_cards).post(cards::add_card),
        )
        .route(
            &format!("{account}/cards/{{card}}"),
            get(cards::get_card).patch(cards::update_card),
        )
        .route(
            &format!("{account}/cards/{{card}}/add-replacement-card"),
            post(cards::replace_card),
        )
        .route(
            &format!("{account}/transactions"),
            get(activity::list_transactions),
        )
        .route(
            &format!("{account}/reservations"),
            get(activity::list_reservations),
        )
        .route(
            &format!("{account}/active-payment-orders"),
            get(recurring::list_payment_orders),
        )
        .route(
            &format!("{account}/active-payment-orders/"),
            get(recurring::list_payment_orders),
        );
    let recurring = get(recurring::get_recurring)
        .post(recurring::create_recurring)
        .patch(recurring::update_recurring)
        .delete(recurring::delete_recurring);
    let api = api
        .route(
            &format!("{account}/recurring-payment-configuration"),
            recurring.clone(),
        )
        .route(
            &format!("{account}/recurring-payment-configuration/"),
            recurring,
        )
        .route(
            "/ledger/customer/v1/{ledger}/customers/{customer}",
            get(routes::get_customer),
        )
        .route_layer(axum::middleware::from_fn(require_token));
    api.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            problem_casing,
        ))
        .with_state(shared)
}

/// With [`SandboxBuilder::payex_lowercase_problems`](crate::SandboxBuilder::payex_lowercase_problems),
/// rewrites problems to the other form the documents show: lowercase keys and a path-style
/// type (`ledger/account/v1/problems/validation`).
async fn problem_casing(AxState(shared): Ctx, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/problem+json"));
    if !shared.payex_lowercase_problems || !is_problem {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice::<serde_json::Value>(&bytes)
    else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    let lowered: serde_json::Map<String, serde_json::Value> = fields
        .into_iter()
        .map(|(key, value)| {
            let key = key.to_ascii_lowercase();
            let value = match (key.as_str(), value) {
                ("type", serde_json::Value::String(kind)) => {
                    let code = kind.rsplit('.').next().unwrap_or_default().to_owned();
                    serde_json::Value::String(format!("ledger/account/v1/problems/{code}"))
                }
                (_, value) => value,
            };
            (key, value)
        })
        .collect();
    let mut rewritten = wire::json_with_type(
        parts.status,
        &lowered,
        "application/problem+json; charset=utf-8",
    );
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rewritten
}

async fn not_found() -> Response {
    problem_for_status(
        StatusCode::NOT_FOUND,
        "No such resource in the Ledger Account API.",
    )
}

async fn method_not_allowed() -> Response {
    problem_for_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "This resource does not support this method.",
    )
}

/// The bearer token must be the sandbox token, and the ledger in the route its ledger.
async fn require_token(request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim);
    let unauthorized = |title: &str, detail: &str| {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", title, detail).into_response()
    };
    match token {
        None => {
            return unauthorized(
                "Token missing",
                "Send Authorization: Bearer <token issued for the ledger>.",
            );
        }
        Some(token) if token != PAYEX_TOKEN => {
            return unauthorized(
                "Token invalid",
                "The token is unknown or expired; ask PayEx for a valid token.",
            );
        }
        Some(_) => {}
    }
    let ledger = request.uri().path().split('/').nth(4).unwrap_or_default();
    if ledger != PAYEX_LEDGER {
        return unauthorized(
            "Ledger does not match token",
            &format!(
                "The token is issued for ledger {PAYEX_LEDGER}, not for the ledger in the route."
            ),
        );
    }
    next.run(request).await
}

/// `AxState` of the PayEx routes.
type Ctx = AxState<Arc<Shared>>;
