//! The customer-facing web pages: strong authentication and paying.

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;

use super::Ctx;
use super::state::PaymentState;
use crate::server::lock;
use crate::wire::{self, html_escape};

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} - Avarda sandbox</title>\
         <style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}\
         button{{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem}}\
         .note{{color:#666;font-size:.85rem}}</style></head>\
         <body><h1>{title}</h1>{body}\
         <p class=\"note\">This is the mypages sandbox, not Avarda. Nothing here is real.</p>\
         </body></html>",
        title = html_escape(title),
    );
    (status, Html(html)).into_response()
}

fn decision(body: &Bytes) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let pairs = wire::query_pairs(Some(text)).ok()?;
    wire::query_get(&pairs, "decision").map(str::to_owned)
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => page(
            StatusCode::BAD_REQUEST,
            "Invalid return address",
            "<p>The return URL cannot be used.</p>",
        ),
    }
}

fn unknown_session() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Session not found",
        "<p>This identification session does not exist or has already been used. \
         Go back to the shop and try again.</p>",
    )
}

/// `GET /avarda/strong-authentication/{session}`.
pub(super) async fn strong_auth_page(
    axum::extract::State(shared): Ctx,
    session: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(session)) = session else {
        return unknown_session();
    };
    if !lock(&shared.avarda).sessions.contains_key(&session) {
        return unknown_session();
    }
    page(
        StatusCode::OK,
        "Identify yourself",
        "<p>The shop wants to show your credit accounts. Confirm that it is you, as you would \
         with BankID.</p>\
         <form method=\"post\">\
         <button id=\"confirm\" type=\"submit\" name=\"decision\" value=\"confirm\">Confirm identity</button>\
         <button id=\"cancel\" type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>\
         </form>",
    )
}

/// `POST /avarda/strong-authentication/{session}` with `decision=confirm|cancel`.
pub(super) async fn strong_auth_decision(
    axum::extract::State(shared): Ctx,
    session: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(session)) = session else {
        return unknown_session();
    };
    let decision = decision(&body);
    let mut state = lock(&shared.avarda);
    let confirm = match decision.as_deref() {
        Some("confirm") => true,
        Some("cancel") => false,
        _ => {
            return page(
                StatusCode::BAD_REQUEST,
                "Choose an answer",
                "<p>Send decision=confirm or decision=cancel.</p>",
            );
        }
    };
    let Some(auth) = state.sessions.remove(&session) else {
        return unknown_session();
    };
    if confirm {
        state.verify(&auth.customer_token);
    }
    see_other(&auth.return_url)
}

fn unknown_payment() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Payment not found",
        "<p>No payment has this purchase id.</p>",
    )
}

/// `GET /avarda/pay/{purchaseId}`.
pub(super) async fn pay_page(
    axum::extract::State(shared): Ctx,
    purchase_id: Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(purchase_id)) = purchase_id else {
        return unknown_payment();
    };
    let state = lock(&shared.avarda);
    let Some(payment) = state.payments.get(&purchase_id) else {
        return unknown_payment();
    };
    match payment.state {
        PaymentState::Unpaid => page(
            StatusCode::OK,
            "Pay",
            &format!(
                "<p>Amount to pay: <strong id=\"amount\">{amount} {currency}</strong></p>\
                 <form method=\"post\">\
                 <button id=\"pay\" type=\"submit\" name=\"decision\" value=\"pay\">Pay</button>\
                 <button id=\"cancel\" type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>\
                 </form>",
                amount = payment.amount,
                currency = payment.currency,
            ),
        ),
        done => finished_page(done),
    }
}

fn finished_page(state: PaymentState) -> Response {
    let (title, text) = match state {
        PaymentState::Paid => ("Payment complete", "Thank you, the payment is complete."),
        PaymentState::Cancelled => ("Payment cancelled", "The payment was cancelled."),
        PaymentState::Unpaid => ("Payment pending", "The payment is not finished."),
    };
    page(
        StatusCode::OK,
        title,
        &format!(
            "<p id=\"result\" data-state=\"{}\">{text}</p>",
            state.as_str()
        ),
    )
}

/// `POST /avarda/pay/{purchaseId}` with `decision=pay|cancel`.
pub(super) async fn pay_decision(
    axum::extract::State(shared): Ctx,
    purchase_id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let Ok(Path(purchase_id)) = purchase_id else {
        return unknown_payment();
    };
    let paid = match decision(&body).as_deref() {
        Some("pay") => true,
        Some("cancel") => false,
        _ => {
            return page(
                StatusCode::BAD_REQUEST,
                "Choose an answer",
                "<p>Send decision=pay or decision=cancel.</p>",
            );
        }
    };
    let today = shared.today();
    let mut state = lock(&shared.avarda);
    match state.finish_payment(&purchase_id, paid, today) {
        Ok(()) => finished_page(if paid {
            PaymentState::Paid
        } else {
            PaymentState::Cancelled
        }),
        Err(crate::SandboxError::NotFound(_)) => unknown_payment(),
        Err(_) => match state.payments.get(&purchase_id) {
            Some(payment) => finished_page(payment.state),
            None => unknown_payment(),
        },
    }
}
