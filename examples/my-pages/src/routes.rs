//! The routes: each handler asks [`crate::providers`] for data and renders a
//! [`crate::views`] page. Forms post here, are checked (CSRF first), and answer
//! `303 See Other` so that reloading a page never sends a form again.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Extension, Form, MatchedPath, Path, Query, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::TryStreamExt;
use mypages_models::summary::Provider;
use payex_client::YearMonth;
use rust_decimal::Decimal;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::providers::{self, Failure, RecurringChoice};
use crate::session::{self, Session, StartedPayment};
use crate::views::{self, error_page, failure_page, page, path_segment};

type Shared = State<Arc<AppState>>;

/// Every route, with the session, security-header and request-log layers.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(overview))
        .route("/style.css", get(style))
        .route("/payex/accounts/{account}", get(payex_account))
        .route(
            "/payex/accounts/{account}/bills/{bill}/pdf",
            get(payex_bill_pdf),
        )
        .route(
            "/payex/accounts/{account}/transactions",
            get(payex_transactions),
        )
        .route("/payex/accounts/{account}/recurring", post(payex_recurring))
        .route(
            "/payex/accounts/{account}/cancel",
            get(payex_cancel_page).post(payex_cancel),
        )
        .route("/avarda", get(avarda_invoices))
        .route("/avarda/accounts", get(avarda_accounts))
        .route("/avarda/pay", post(avarda_pay))
        .route("/avarda/payments/{purchase}", get(avarda_payment))
        .route("/p4p", get(p4p_account))
        .route_layer(from_fn(log_request))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), session::layer))
        .layer(from_fn(security_headers))
        .with_state(state)
}

/// Logs each request: method, route pattern (never the concrete path, which holds account
/// numbers), status and time. No query, cookie, form or provider data.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "-".to_owned(), |path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        route,
        status = response.status().as_u16(),
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

/// Headers on every answer: no framing, no sniffing, no referrer to the providers' pages,
/// and a content security policy that allows only this site's stylesheet (no scripts).
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

async fn not_found(request: Request) -> Response {
    tracing::info!(method = %request.method(), route = "-", status = 404, "request");
    error_page(
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is no page at this address.",
    )
}

async fn method_not_allowed() -> Response {
    error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Not allowed",
        "This page cannot be used that way.",
    )
}

async fn style() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        views::CSS,
    )
        .into_response()
}

fn bad_request(message: &str) -> Response {
    error_page(StatusCode::BAD_REQUEST, "Bad request", message)
}

fn csrf_failed() -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        "Form expired",
        "This form has expired. Go back, reload the page and send it again.",
    )
}

/// A `303 See Other` to a page of this app.
fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// Whether the provider's URL is one a browser may be sent to: https, or http on loopback.
fn safe_external_url(url: &str) -> bool {
    url.starts_with("https://")
        || [
            "http://127.0.0.1:",
            "http://127.0.0.1/",
            "http://localhost:",
            "http://[::1]:",
        ]
        .iter()
        .any(|prefix| url.starts_with(prefix))
}

// ---------------------------------------------------------------------------------------

async fn overview(State(state): Shared) -> Response {
    let return_url = format!("{}/avarda/accounts?returned=1", state.public_url);
    let panels = providers::overview(&state.providers, &return_url).await;
    page(StatusCode::OK, "Overview", views::overview(&panels))
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn payex_account(
    State(state): Shared,
    Extension(session): Extension<Session>,
    Path(account): Path<String>,
    query: Result<Query<NoticeQuery>, QueryRejection>,
) -> Response {
    let notice = query
        .ok()
        .and_then(|Query(q)| q.notice)
        .and_then(|code| views::notice(Some(&code)));
    match providers::payex_account(&state.providers, &account).await {
        Ok(view) => {
            let month = this_month().map(|m| m.to_string()).unwrap_or_default();
            page(
                StatusCode::OK,
                "PayEx account",
                views::payex_account(&view, session.csrf(), notice, &month),
            )
        }
        Err(failure) => failure_page("PayEx", &failure),
    }
}

/// The bill's PDF, streamed from PayEx through the app chunk by chunk (never held whole,
/// never a redirect to a URL that would need the app's credentials).
async fn payex_bill_pdf(
    State(state): Shared,
    Path((account, bill)): Path<(String, String)>,
) -> Response {
    let stream = match providers::payex_bill_pdf(&state.providers, &account, &bill).await {
        Ok(stream) => stream,
        Err(failure) => return failure_page("PayEx", &failure),
    };
    let length = stream.content_length();
    let file: String = bill
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut response = Response::new(Body::from_stream(stream.map_err(|e| {
        tracing::warn!(provider = "payex", kind = ?e.kind(), "bill download broke off");
        std::io::Error::other("the bill download broke off")
    })));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"bill-{file}.pdf\"")) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    if let Some(length) = length {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
    response
}

#[derive(Deserialize)]
struct TransactionsQuery {
    month: Option<String>,
    page: Option<usize>,
}

fn this_month() -> Option<YearMonth> {
    let today = OffsetDateTime::now_utc().date();
    YearMonth::new(u16::try_from(today.year()).ok()?, today.month()).ok()
}

fn shift(month: YearMonth, forward: bool) -> Option<YearMonth> {
    let (year, next) = match (forward, month.month()) {
        (true, time::Month::December) => (month.year().checked_add(1)?, time::Month::January),
        (false, time::Month::January) => (month.year().checked_sub(1)?, time::Month::December),
        (true, m) => (month.year(), m.next()),
        (false, m) => (month.year(), m.previous()),
    };
    YearMonth::new(year, next).ok()
}

async fn payex_transactions(
    State(state): Shared,
    Path(account): Path<String>,
    query: Result<Query<TransactionsQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return bad_request("The month or page in the address is not valid.");
    };
    let month = match query.month.as_deref() {
        Some(text) => text.parse::<YearMonth>().ok(),
        None => this_month(),
    };
    let page_number = query.page.unwrap_or(1);
    let (Some(month), true) = (month, page_number >= 1) else {
        return bad_request("The month (YYYY-MM) or page in the address is not valid.");
    };
    let (Some(previous), Some(next)) = (shift(month, false), shift(month, true)) else {
        return bad_request("That month is out of range.");
    };
    match providers::payex_transactions(&state.providers, &account, month, page_number).await {
        Ok((transactions, more)) => page(
            StatusCode::OK,
            "Transactions",
            views::payex_transactions(
                &account,
                &month.to_string(),
                &previous.to_string(),
                &next.to_string(),
                page_number,
                &transactions,
                more,
            ),
        ),
        Err(failure) => failure_page("PayEx", &failure),
    }
}

#[derive(Deserialize)]
struct RecurringForm {
    csrf: String,
    scope: Option<String>,
    fixed_amount: Option<String>,
}

async fn payex_recurring(
    State(state): Shared,
    Extension(session): Extension<Session>,
    Path(account): Path<String>,
    form: Result<Form<RecurringForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return bad_request("The form could not be read.");
    };
    if !state.sessions.check_csrf(&session, &form.csrf) {
        return csrf_failed();
    }
    let Some(scope) = form.scope.filter(|s| !s.is_empty()) else {
        return error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose how to pay",
            "Choose what autogiro pays each month.",
        );
    };
    let fixed_amount = match form.fixed_amount.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match text.replace(',', ".").parse::<Decimal>() {
            Ok(amount) => Some(amount),
            Err(_) => {
                return error_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Amount not understood",
                    "Write the fixed amount in digits, such as 250.00.",
                );
            }
        },
    };
    let choice = RecurringChoice {
        scope,
        fixed_amount,
    };
    match providers::payex_set_recurring(&state.providers, &account, &choice).await {
        Ok(()) => see_other(&format!(
            "/payex/accounts/{}?notice=recurring-saved",
            path_segment(&account)
        )),
        Err(failure) => failure_page("PayEx", &failure),
    }
}

async fn payex_cancel_page(
    State(state): Shared,
    Extension(session): Extension<Session>,
    Path(account): Path<String>,
) -> Response {
    match providers::payex_account(&state.providers, &account).await {
        Ok(view) => page(
            StatusCode::OK,
            "Request cancellation",
            views::payex_cancel(&view.account.account_no, session.csrf()),
        ),
        Err(failure) => failure_page("PayEx", &failure),
    }
}

#[derive(Deserialize)]
struct CancelForm {
    csrf: String,
    confirm: Option<String>,
}

async fn payex_cancel(
    State(state): Shared,
    Extension(session): Extension<Session>,
    Path(account): Path<String>,
    form: Result<Form<CancelForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return bad_request("The form could not be read.");
    };
    if !state.sessions.check_csrf(&session, &form.csrf) {
        return csrf_failed();
    }
    if form.confirm.as_deref() != Some("yes") {
        return see_other(&format!(
            "/payex/accounts/{}/cancel",
            path_segment(&account)
        ));
    }
    match providers::payex_request_close(&state.providers, &account).await {
        Ok(()) => see_other(&format!(
            "/payex/accounts/{}?notice=cancellation-requested",
            path_segment(&account)
        )),
        Err(failure) => failure_page("PayEx", &failure),
    }
}

// ---------------------------------------------------------------------------------------

async fn avarda_invoices(State(state): Shared, Extension(session): Extension<Session>) -> Response {
    match providers::avarda_invoices(&state.providers).await {
        Ok(invoices) => page(
            StatusCode::OK,
            "Avarda",
            views::avarda_invoices(&invoices, session.csrf()),
        ),
        Err(failure) => failure_page("Avarda", &failure),
    }
}

#[derive(Deserialize)]
struct AccountsQuery {
    returned: Option<String>,
}

/// The accounts; when Avarda wants the shopper to identify first, a `303` to Avarda's page,
/// which sends them back here (`?returned=1`). If they come back still not identified
/// (they cancelled), a page says so instead of sending them round again.
async fn avarda_accounts(
    State(state): Shared,
    Extension(session): Extension<Session>,
    query: Result<Query<AccountsQuery>, QueryRejection>,
) -> Response {
    let returned = matches!(query, Ok(Query(AccountsQuery { returned: Some(_) })));
    let return_url = format!("{}/avarda/accounts?returned=1", state.public_url);
    match providers::avarda_accounts(&state.providers, &return_url).await {
        Ok(accounts) => page(
            StatusCode::OK,
            "Avarda accounts",
            views::avarda_accounts(&accounts, session.csrf()),
        ),
        Err(Failure::StrongAuthentication(_)) if returned => page(
            StatusCode::OK,
            "Identification needed",
            views::avarda_not_identified(),
        ),
        Err(Failure::StrongAuthentication(url)) if safe_external_url(&url) => see_other(&url),
        Err(failure) => failure_page("Avarda", &failure),
    }
}

#[derive(Deserialize)]
struct PayForm {
    csrf: String,
    account_id: String,
}

async fn avarda_pay(
    State(state): Shared,
    Extension(session): Extension<Session>,
    form: Result<Form<PayForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return bad_request("The form could not be read.");
    };
    if !state.sessions.check_csrf(&session, &form.csrf) {
        return csrf_failed();
    }
    let return_url = format!("{}/avarda/accounts?returned=1", state.public_url);
    match providers::avarda_start_payment(&state.providers, &form.account_id, &return_url).await {
        Ok(started) => {
            let location = format!("/avarda/payments/{}", path_segment(&started.purchase_id));
            state.sessions.add_payment(
                &session,
                StartedPayment {
                    purchase_id: started.purchase_id,
                    account_id: form.account_id,
                    pay_page: started.pay_page.filter(|url| safe_external_url(url)),
                },
            );
            see_other(&location)
        }
        Err(failure) => failure_page("Avarda", &failure),
    }
}

async fn avarda_payment(
    State(state): Shared,
    Extension(session): Extension<Session>,
    Path(purchase): Path<String>,
) -> Response {
    let Some(payment) = state.sessions.payment(&session, &purchase) else {
        return failure_page("Avarda", &Failure::NotFound);
    };
    match providers::avarda_payment_state(
        &state.providers,
        &payment.purchase_id,
        &payment.account_id,
    )
    .await
    {
        Ok(payment_state) => page(
            StatusCode::OK,
            "Payment",
            views::avarda_payment(
                &payment.purchase_id,
                payment_state.as_ref(),
                payment.pay_page.as_deref(),
            ),
        ),
        Err(failure) => failure_page("Avarda", &failure),
    }
}

// ---------------------------------------------------------------------------------------

async fn p4p_account(State(state): Shared) -> Response {
    match providers::p4p_account(&state.providers).await {
        Ok(account) => page(StatusCode::OK, "PayFunc", views::p4p_account(&account)),
        Err(failure) => failure_page(views::provider_name(&Provider::P4p), &failure),
    }
}
