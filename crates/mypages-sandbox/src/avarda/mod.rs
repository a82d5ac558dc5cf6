//! The Avarda MyPages simulator, served under `/avarda`.
//!
//! Errors have no documented schema at Avarda; the sandbox answers JSON with the fields
//! Avarda's own client reads: `{"error", "error_description"}` from the token endpoint (OAuth
//! style) and `{"errorCode", "message"}` elsewhere.
//!
//! Web pages (no partner token; they are for the customer's browser):
//! - `GET /avarda/strong-authentication/{session}`: the page a 202's `redirectUrl` points
//!   to. Its form posts back to the same URL with `decision=confirm` (marks the customer
//!   token as verified) or `decision=cancel`; both answer `303 See Other` to the
//!   `customerAuthenticationReturnUrl` of the call that started it.
//! - `GET /avarda/pay/{purchaseId}`: the pay page of a payment started with `POST /Pay`.
//!   Its form posts back with `decision=pay` or `decision=cancel`; `Pay/Status` then
//!   answers `Paid` or `Cancelled`.

mod pages;
mod state;
mod views;

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State as AxState};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use bytes::Bytes;
use mypages_models::Sensitive;
use mypages_models::avarda as model;

pub(crate) use state::State;

use crate::credentials::{AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET};
use crate::server::{Shared, lock};
use crate::wire::{self, BodyError, JsonObject, Shape};

type Ctx = AxState<Arc<Shared>>;
type PathParam = Result<Path<String>, PathRejection>;

fn bad_path() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "the id in the path is not valid percent-encoded UTF-8",
    )
}

/// An Avarda error answer: `{"errorCode", "message"}`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    let code = match status {
        StatusCode::BAD_REQUEST => "BadRequest",
        StatusCode::UNAUTHORIZED => "Unauthorized",
        StatusCode::FORBIDDEN => "Forbidden",
        StatusCode::NOT_FOUND => "NotFound",
        StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
        StatusCode::UNPROCESSABLE_ENTITY => "UnprocessableEntity",
        StatusCode::TOO_MANY_REQUESTS => "TooManyRequests",
        StatusCode::SERVICE_UNAVAILABLE => "ServiceUnavailable",
        _ if status.is_server_error() => "InternalServerError",
        _ => "Error",
    };
    wire::json(
        status,
        &serde_json::json!({ "errorCode": code, "message": message }),
    )
}

fn body_error(err: &BodyError) -> Response {
    let message = match err.field_name() {
        "" => err.message().to_owned(),
        field => format!("{field} {}", err.message()),
    };
    error(StatusCode::BAD_REQUEST, &message)
}

fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    wire::json(
        status,
        &serde_json::json!({ "error": code, "error_description": description }),
    )
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/Invoices", get(list_invoices))
        .route("/invoices", get(list_invoices))
        .route("/Invoices/{id}", get(get_invoice))
        .route("/invoices/{id}", get(get_invoice))
        .route("/Accounts", get(list_accounts))
        .route("/accounts", get(list_accounts))
        .route("/Accounts/{id}", get(get_account))
        .route("/accounts/{id}", get(get_account))
        .route("/Pay", post(start_payment))
        .route("/pay", post(start_payment))
        .route("/Pay/Status", post(payment_status))
        .route("/pay/status", post(payment_status))
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            require_partner_token,
        ));
    Router::new()
        .route("/auth/token", post(issue_token))
        .route("/Auth/token", post(issue_token))
        .merge(api)
        .route(
            "/strong-authentication/{session}",
            get(pages::strong_auth_page).post(pages::strong_auth_decision),
        )
        .route(
            "/pay/{purchase_id}",
            get(pages::pay_page).post(pages::pay_decision),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "no such route in the Avarda MyPages API",
    )
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "this route does not take this method",
    )
}

/// `POST /auth/token`.
async fn issue_token(AxState(shared): Ctx, body: Bytes) -> Response {
    let read = JsonObject::from_body(&body, true).and_then(|body| {
        let id = body.non_empty_str("clientId")?;
        let secret = body.non_empty_str("clientSecret")?;
        Ok((id, secret))
    });
    let (id, secret) = match read {
        Ok(pair) => pair,
        Err(err) => {
            let description = match err.field_name() {
                "" => err.message().to_owned(),
                field => format!("{field} {}", err.message()),
            };
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &description);
        }
    };
    if id != AVARDA_CLIENT_ID || secret != AVARDA_CLIENT_SECRET {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client id or wrong client secret; check the credentials Avarda issued",
        );
    }
    let (token, expires) = lock(&shared.avarda).issue_token(&id, shared.avarda_token_lifetime);
    let answer =
        model::PartnerAccessToken::new(Sensitive::new(token)).with_token_expiration_utc(expires);
    wire::json(StatusCode::OK, &answer)
}

/// Every API route but the token endpoint needs a valid partner token.
async fn require_partner_token(AxState(shared): Ctx, request: Request, next: Next) -> Response {
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
    match token {
        None => error(
            StatusCode::UNAUTHORIZED,
            "missing partner access token; send Authorization: Bearer <token from POST /auth/token>",
        ),
        Some(token) if !lock(&shared.avarda).token_valid(token) => error(
            StatusCode::UNAUTHORIZED,
            "the partner access token is unknown or expired; fetch a new one from POST /auth/token",
        ),
        Some(_) => next.run(request).await,
    }
}

/// The customer headers every read carries.
struct CustomerHeaders {
    token: String,
}

/// An error answer, boxed for `Result`s.
fn fail(status: StatusCode, message: &str) -> Box<Response> {
    Box::new(error(status, message))
}

fn header_text(headers: &HeaderMap, name: &str) -> Result<Option<String>, Box<Response>> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => match value.to_str() {
            Ok(text) if !text.trim().is_empty() => Ok(Some(text.trim().to_owned())),
            Ok(_) => Err(fail(
                StatusCode::BAD_REQUEST,
                &format!("the {name} header must not be empty"),
            )),
            Err(_) => Err(fail(
                StatusCode::BAD_REQUEST,
                &format!("the {name} header must be ASCII text"),
            )),
        },
    }
}

fn customer_headers(headers: &HeaderMap) -> Result<CustomerHeaders, Box<Response>> {
    let token = header_text(headers, "customerAuthToken")?.ok_or_else(|| {
        fail(
            StatusCode::BAD_REQUEST,
            "the customerAuthToken header is required",
        )
    })?;
    let provider = header_text(headers, "customerTokenProvider")?.ok_or_else(|| {
        fail(
            StatusCode::BAD_REQUEST,
            "the customerTokenProvider header is required (Self or Google)",
        )
    })?;
    if !["self", "google"].contains(&provider.to_ascii_lowercase().as_str()) {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "the customerTokenProvider header must be Self or Google",
        ));
    }
    Ok(CustomerHeaders { token })
}

/// The `purchaseId` query parameter and the customer it names.
fn customer_of(shared: &Shared, query: Option<&str>) -> Result<usize, Box<Response>> {
    let pairs =
        wire::query_pairs(query).map_err(|message| fail(StatusCode::BAD_REQUEST, &message))?;
    let purchase_id = wire::query_get(&pairs, "purchaseId")
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| {
            fail(
                StatusCode::BAD_REQUEST,
                "the purchaseId query parameter is required",
            )
        })?;
    lock(&shared.avarda)
        .customer_by_purchase(purchase_id)
        .ok_or_else(|| {
            fail(
                StatusCode::NOT_FOUND,
                "no customer has a purchase with this purchaseId",
            )
        })
}

/// `GET /Invoices?purchaseId=`.
async fn list_invoices(AxState(shared): Ctx, headers: HeaderMap, uri: Uri) -> Response {
    let result = (|| {
        customer_headers(&headers)?;
        let customer = customer_of(&shared, uri.query())?;
        let state = lock(&shared.avarda);
        let list: Vec<_> = state.customers[customer]
            .invoices
            .iter()
            .map(views::summary)
            .collect();
        Ok(wire::json(StatusCode::OK, &list))
    })();
    result.unwrap_or_else(|response: Box<Response>| *response)
}

/// `GET /Invoices/{id}?purchaseId=`.
async fn get_invoice(
    AxState(shared): Ctx,
    id: PathParam,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let Ok(Path(id)) = id else { return bad_path() };
    let result = (|| {
        customer_headers(&headers)?;
        let customer = customer_of(&shared, uri.query())?;
        let state = lock(&shared.avarda);
        let invoice = state.customers[customer]
            .invoices
            .iter()
            .find(|i| i.id.eq_ignore_ascii_case(&id))
            .ok_or_else(|| {
                fail(
                    StatusCode::NOT_FOUND,
                    "the customer has no invoice with this id",
                )
            })?;
        Ok(wire::json(StatusCode::OK, &views::details(invoice)))
    })();
    result.unwrap_or_else(|response: Box<Response>| *response)
}

/// The strong-authentication gate of the account routes: `Ok(customer)` when the customer
/// token is verified, else the 202 answer.
fn account_gate(
    shared: &Shared,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<usize, Box<Response>> {
    let customer_headers = customer_headers(headers)?;
    let return_url = header_text(headers, "customerAuthenticationReturnUrl")?.ok_or_else(|| {
        fail(
            StatusCode::BAD_REQUEST,
            "the customerAuthenticationReturnUrl header is required",
        )
    })?;
    if !(return_url.starts_with("http://") || return_url.starts_with("https://"))
        || return_url.len() < 10
    {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "the customerAuthenticationReturnUrl header must be an absolute http(s) URL",
        ));
    }
    let customer = customer_of(shared, query)?;
    let mut state = lock(&shared.avarda);
    if state.verified.contains(&customer_headers.token) {
        return Ok(customer);
    }
    // A client asking again before the customer has confirmed gets the same page back.
    let pending = state
        .sessions
        .iter()
        .find(|(_, s)| s.customer_token == customer_headers.token && s.return_url == return_url)
        .map(|(id, _)| id.clone());
    let session = match pending {
        Some(session) => session,
        None => {
            let session = state.random_text(32);
            let auth = state::AuthSession {
                customer_token: customer_headers.token,
                return_url,
            };
            state.sessions.insert(session.clone(), auth);
            session
        }
    };
    let redirect_url = format!(
        "{}/avarda/strong-authentication/{session}",
        shared.origin(headers)
    );
    Err(Box::new(wire::json(
        StatusCode::ACCEPTED,
        &model::AuthenticationRedirect::new(redirect_url),
    )))
}

/// `GET /Accounts?purchaseId=`: an array (a real Avarda may answer one object; the builder's
/// `avarda_accounts_as_object` makes the sandbox do that too).
async fn list_accounts(AxState(shared): Ctx, headers: HeaderMap, uri: Uri) -> Response {
    let result = (|| {
        let customer = account_gate(&shared, &headers, uri.query())?;
        let state = lock(&shared.avarda);
        let accounts = &state.customers[customer].accounts;
        let list = match accounts.first() {
            Some(first) if shared.avarda_accounts_as_object => {
                model::AccountList::One(views::account(first))
            }
            _ => model::AccountList::Many(accounts.iter().map(views::account).collect()),
        };
        Ok(wire::json(StatusCode::OK, &list))
    })();
    result.unwrap_or_else(|response: Box<Response>| *response)
}

/// `GET /Accounts/{id}?purchaseId=`.
async fn get_account(
    AxState(shared): Ctx,
    id: PathParam,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let Ok(Path(id)) = id else { return bad_path() };
    let result = (|| {
        let customer = account_gate(&shared, &headers, uri.query())?;
        let state = lock(&shared.avarda);
        let account = state.customers[customer]
            .accounts
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(&id))
            .ok_or_else(|| {
                fail(
                    StatusCode::NOT_FOUND,
                    "the customer has no account with this id",
                )
            })?;
        Ok(wire::json(StatusCode::OK, &views::account(account)))
    })();
    result.unwrap_or_else(|response: Box<Response>| *response)
}

/// `POST /Pay`: `{accountId, language?}` -> `{purchaseId, jwt}`.
async fn start_payment(AxState(shared): Ctx, body: Bytes) -> Response {
    let read = JsonObject::from_body(&body, true).and_then(|body| {
        let account_id = body.non_empty_str("accountId")?;
        if let Some(language) = body.raw("language")?
            && !matches!(wire::shape(language), Shape::String | Shape::Number)
        {
            return Err(BodyError::field(
                "language",
                "must be a language code (a string or an integer)",
            ));
        }
        Ok(account_id)
    });
    let account_id = match read {
        Ok(id) => id,
        Err(err) => return body_error(&err),
    };
    let mut state = lock(&shared.avarda);
    let Some(payable) = state.payable_mut(&account_id) else {
        return error(
            StatusCode::NOT_FOUND,
            "no account or invoice has this accountId",
        );
    };
    if payable.balance <= rust_decimal::Decimal::ZERO {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the account or invoice has nothing left to pay",
        );
    }
    let (amount, currency, id) = (payable.balance, payable.currency, payable.id.clone());
    let purchase_id = format!("P{}", state.random_text(15).to_ascii_uppercase());
    let jwt = crate::ids::base64url(format!(r#"{{"purchaseId":"{purchase_id}"}}"#).as_bytes());
    let jwt = format!(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{jwt}.{}",
        state.random_text(43)
    );
    state.payments.insert(
        purchase_id.clone(),
        state::Payment {
            account_id: id,
            amount,
            currency,
            state: state::PaymentState::Unpaid,
        },
    );
    wire::json(
        StatusCode::OK,
        &model::PaySession::new(purchase_id, Sensitive::new(jwt)),
    )
}

/// `POST /Pay/Status`: `{purchaseId, accountId}` -> `{state}`.
async fn payment_status(AxState(shared): Ctx, body: Bytes) -> Response {
    let read = JsonObject::from_body(&body, true).and_then(|body| {
        Ok((
            body.non_empty_str("purchaseId")?,
            body.non_empty_str("accountId")?,
        ))
    });
    let (purchase_id, account_id) = match read {
        Ok(pair) => pair,
        Err(err) => return body_error(&err),
    };
    let state = lock(&shared.avarda);
    match state.payments.get(&purchase_id) {
        Some(payment) if payment.account_id.eq_ignore_ascii_case(&account_id) => wire::json(
            StatusCode::OK,
            &model::PayStatus::new(model::PaymentState::from_wire(payment.state.as_str())),
        ),
        Some(_) => error(
            StatusCode::NOT_FOUND,
            "this purchase does not pay the given accountId",
        ),
        None => error(
            StatusCode::NOT_FOUND,
            "no payment has this purchaseId; start one with POST /Pay",
        ),
    }
}
