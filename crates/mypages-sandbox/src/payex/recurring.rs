//! Recurring payments: the configuration and the active payment orders it makes.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use bytes::Bytes;
use mypages_models::payex as model;
use rust_decimal::Decimal;

use super::routes::{Params, finish, page, paging, with_account, with_account_mut};
use super::state::Recurring;
use super::views::{self, account_href};
use super::{Ctx, Problem};
use crate::wire::{self, JsonObject};

/// `GET /accounts/{account}/active-payment-orders`.
pub(super) async fn list_payment_orders(
    axum::extract::State(shared): Ctx,
    params: Params,
    uri: Uri,
) -> Response {
    let today = shared.today();
    finish((|| {
        let paging = paging(uri.query(), &["$top"], &["$skip"])?;
        with_account(&shared, &params, |account| {
            let items = views::payment_orders(account, today);
            page::<model::ActivePaymentOrderList, _>(
                &format!(
                    "{}/active-payment-orders",
                    account_href(&account.account_no)
                ),
                &items,
                &paging,
                Clone::clone,
            )
        })
    })())
}

fn no_recurring() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "recurring-payment-configuration-not-found",
        "No recurring payment configuration",
        "The account has no recurring payment configuration; create one with POST.",
    )
}

/// Reads `paymentMethod`, `paymentScope`, `fixedAmount` onto `base` (all optional here).
fn read_recurring(body: &JsonObject, mut base: Recurring) -> Result<Recurring, Problem> {
    if let Some(method) = body.opt_str("paymentMethod")?
        && !method.eq_ignore_ascii_case("autogiro")
    {
        return Err(Problem::validation("paymentMethod", "must be autogiro"));
    }
    if let Some(scope) = body.opt_str("paymentScope")? {
        base.scope = ["fixedRecurring", "totalDebt", "billedAmount"]
            .into_iter()
            .find(|s| s.eq_ignore_ascii_case(&scope))
            .ok_or_else(|| {
                Problem::validation(
                    "paymentScope",
                    "must be fixedRecurring, totalDebt or billedAmount",
                )
            })?;
    }
    if let Some(amount) = body.opt_decimal("fixedAmount")? {
        if amount < Decimal::ZERO {
            return Err(Problem::validation("fixedAmount", "must be 0 or more"));
        }
        base.fixed_amount = Some(amount);
    }
    if base.scope == "fixedRecurring" && base.fixed_amount.is_none_or(|a| a <= Decimal::ZERO) {
        return Err(Problem::validation(
            "fixedAmount",
            "must be more than 0 when paymentScope is fixedRecurring",
        ));
    }
    Ok(base)
}

/// `GET /accounts/{account}/recurring-payment-configuration`.
pub(super) async fn get_recurring(axum::extract::State(shared): Ctx, params: Params) -> Response {
    finish((|| {
        with_account(&shared, &params, |account| {
            let recurring = account.recurring.as_ref().ok_or_else(no_recurring)?;
            Ok(wire::json(
                StatusCode::OK,
                &views::recurring(account, recurring),
            ))
        })?
    })())
}

/// `POST /accounts/{account}/recurring-payment-configuration`.
pub(super) async fn create_recurring(
    axum::extract::State(shared): Ctx,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let body = JsonObject::from_body(&body, true)?;
        body.non_empty_str("paymentMethod")?;
        body.non_empty_str("paymentScope")?;
        let recurring = read_recurring(
            &body,
            Recurring {
                scope: "billedAmount",
                fixed_amount: None,
            },
        )?;
        with_account_mut(&shared, &params, |account| {
            if account.recurring.is_some() {
                return Err(Problem::new(
                    StatusCode::CONFLICT,
                    "recurring-payment-configuration-exists",
                    "Recurring payment configuration exists",
                    "The account already has a recurring payment configuration; change it with PATCH.",
                ));
            }
            let view = views::recurring(account, &recurring);
            account.recurring = Some(recurring);
            let mut response = wire::json(StatusCode::CREATED, &view);
            let location = format!(
                "{}/recurring-payment-configuration",
                account_href(&account.account_no)
            );
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            Ok(response)
        })
    })())
}

/// `PATCH /accounts/{account}/recurring-payment-configuration`.
pub(super) async fn update_recurring(
    axum::extract::State(shared): Ctx,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let body = JsonObject::from_body(&body, true)?;
        with_account_mut(&shared, &params, |account| {
            let current = account.recurring.clone().ok_or_else(no_recurring)?;
            let updated = read_recurring(&body, current)?;
            let view = views::recurring(account, &updated);
            account.recurring = Some(updated);
            Ok(wire::json(StatusCode::OK, &view))
        })
    })())
}

/// `DELETE /accounts/{account}/recurring-payment-configuration`.
pub(super) async fn delete_recurring(
    axum::extract::State(shared): Ctx,
    params: Params,
) -> Response {
    finish(with_account_mut(&shared, &params, |account| {
        account.recurring.take().ok_or_else(no_recurring)?;
        Ok(wire::no_content())
    }))
}
