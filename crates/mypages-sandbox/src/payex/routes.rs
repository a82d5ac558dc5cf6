//! The PayEx account routes (list, get, change, payments), the account owner, and the
//! helpers every PayEx route shares: route parameters, paging and links.

use std::collections::HashMap;

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use bytes::Bytes;
use mypages_models::payex as model;
use rust_decimal::Decimal;

use super::state::Account;
use super::views::{self, List};
use super::{Ctx, Problem, ledger_root};
use crate::server::lock;
use crate::wire::{self, JsonObject};

pub(super) type Params = Result<Path<HashMap<String, String>>, PathRejection>;
pub(super) type Answer = Result<Response, Problem>;

/// Default page size: small, so clients exercise paging.
const DEFAULT_TOP: usize = 2;
const MAX_TOP: usize = 1000;

pub(super) fn param(params: &Params, name: &str) -> Result<String, Problem> {
    match params {
        Ok(Path(map)) => map
            .get(name)
            .cloned()
            .ok_or_else(|| Problem::validation(name, "is required in the route")),
        Err(_) => Err(Problem::validation(
            "route",
            "the route is not valid percent-encoded UTF-8",
        )),
    }
}

pub(super) fn finish(answer: Answer) -> Response {
    answer.unwrap_or_else(Problem::into_response)
}

/// Paging parameters and the other query parameters (kept in links).
pub(super) struct Paging {
    pub(super) top: usize,
    pub(super) skip: usize,
    pub(super) keep: Vec<(String, String)>,
}

pub(super) fn paging(
    query: Option<&str>,
    top_keys: &[&str],
    skip_keys: &[&str],
) -> Result<Paging, Problem> {
    let pairs =
        wire::query_pairs(query).map_err(|message| Problem::validation("query", message))?;
    let mut paging = Paging {
        top: DEFAULT_TOP,
        skip: 0,
        keep: Vec::new(),
    };
    // A page size or offset that is not a whole number is a validation problem; a page size
    // out of range is clamped (0 gives one item, as the smallest useful page).
    for (key, value) in pairs {
        if top_keys.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
            paging.top = wire::parse_count(&value)
                .ok_or_else(|| Problem::validation(&key, "must be a whole number"))?
                .clamp(1, MAX_TOP);
        } else if skip_keys.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
            paging.skip = wire::parse_count(&value)
                .ok_or_else(|| Problem::validation(&key, "must be a whole number, 0 or more"))?;
        } else {
            paging.keep.push((key, value));
        }
    }
    Ok(paging)
}

pub(super) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub(super) fn link(path: &str, keep: &[(String, String)], paging: &[(&str, usize)]) -> String {
    let mut parts: Vec<String> = keep
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    parts.extend(paging.iter().map(|(k, v)| format!("{k}={v}")));
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// One page of `all` with `view` links (`$top`/`$skip`): only the items on the page are
/// turned into their views, so a page costs O(page size), however long the list.
pub(super) fn page<L: List, T>(
    path: &str,
    all: &[T],
    paging: &Paging,
    view: impl FnMut(&T) -> L::Item,
) -> Response {
    let total = all.len();
    let Paging { top, skip, keep } = paging;
    let mut links =
        model::View::new().with_id(link(path, keep, &[("$top", *top), ("$skip", *skip)]));
    if *skip > 0 {
        links = links.with_previous(link(
            path,
            keep,
            &[("$top", *top), ("$skip", skip.saturating_sub(*top))],
        ));
    }
    if skip.saturating_add(*top) < total {
        links = links.with_next(link(path, keep, &[("$top", *top), ("$skip", skip + top)]));
    }
    let on_page = all.get(*skip..).unwrap_or_default();
    let items: Vec<L::Item> = on_page.iter().take(*top).map(view).collect();
    wire::json(StatusCode::OK, &L::build(items, path.to_owned(), links))
}

/// An account number as PayEx checks it: at most 50 characters (the property table's
/// `accountNo stringMaxlength: 50`).
fn account_no(text: String) -> Result<String, Problem> {
    account_no_checked(&text)?;
    Ok(text)
}

fn account_no_checked(text: &str) -> Result<(), Problem> {
    if text.chars().count() > 50 {
        return Err(Problem::validation(
            "accountNo",
            "must be at most 50 characters",
        ));
    }
    Ok(())
}

pub(super) fn with_account<R>(
    shared: &crate::server::Shared,
    params: &Params,
    f: impl FnOnce(&Account) -> R,
) -> Result<R, Problem> {
    let account_no = account_no(param(params, "account")?)?;
    let state = lock(&shared.payex);
    let account = state
        .account(&account_no)
        .ok_or_else(|| Problem::account_not_found(&account_no))?;
    Ok(f(account))
}

pub(super) fn with_account_mut<R>(
    shared: &crate::server::Shared,
    params: &Params,
    f: impl FnOnce(&mut Account) -> Result<R, Problem>,
) -> Result<R, Problem> {
    let account_no = account_no(param(params, "account")?)?;
    let mut state = lock(&shared.payex);
    let account = state
        .account_mut(&account_no)
        .ok_or_else(|| Problem::account_not_found(&account_no))?;
    f(account)
}

/// `GET /accounts?accountNo=&customerNo=&skip=`.
pub(super) async fn list_accounts(axum::extract::State(shared): Ctx, uri: Uri) -> Response {
    finish((|| {
        let paging = paging(uri.query(), &["$top", "top"], &["$skip", "skip"])?;
        let account_no = wire::query_get(&paging.keep, "accountNo").filter(|v| !v.is_empty());
        if let Some(text) = account_no {
            account_no_checked(text)?;
        }
        let customer_no = wire::query_get(&paging.keep, "customerNo").filter(|v| !v.is_empty());
        let state = lock(&shared.payex);
        if let Some(customer_no) = customer_no
            && !state.customers.iter().any(|c| c.customer_no == customer_no)
        {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "customer-does-not-exists",
                "Customer does not exist",
                format!("No customer {customer_no:?} in the ledger."),
            ));
        }
        let matching: Vec<&Account> = state
            .accounts
            .iter()
            .filter(|a| account_no.is_none_or(|no| a.account_no == no))
            .filter(|a| customer_no.is_none_or(|no| a.customer_no == no))
            .collect();
        let path = format!("{}/accounts", ledger_root());
        let (top, skip, total) = (paging.top, paging.skip, matching.len());
        let mut navigation = model::Navigation::new()
            .with_id(path.clone())
            .with_first(link(&path, &paging.keep, &[("skip", 0)]));
        if skip > 0 {
            navigation = navigation.with_previous(link(
                &path,
                &paging.keep,
                &[("skip", skip.saturating_sub(top))],
            ));
        }
        if skip.saturating_add(top) < total {
            navigation = navigation.with_next(link(&path, &paging.keep, &[("skip", skip + top)]));
        }
        let items = matching
            .into_iter()
            .skip(skip)
            .take(top)
            .map(views::account)
            .collect();
        let list = model::AccountList::new(items)
            .with_id(path)
            .with_navigation(navigation);
        Ok(wire::json(StatusCode::OK, &list))
    })())
}

/// `GET /accounts/{account}`.
pub(super) async fn get_account(axum::extract::State(shared): Ctx, params: Params) -> Response {
    finish(with_account(&shared, &params, |a| {
        wire::json(StatusCode::OK, &views::account(a))
    }))
}

/// `PATCH /accounts/{account}`: `charityDonation`, `creditLimit` (only lowered, never negative).
pub(super) async fn update_account(
    axum::extract::State(shared): Ctx,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let body = JsonObject::from_body(&body, true)?;
        let charity = body.opt_bool("charityDonation")?;
        let limit = body.opt_decimal("creditLimit")?;
        if charity.is_none() && limit.is_none() {
            return Err(Problem::validation(
                "body",
                "set charityDonation and/or creditLimit",
            ));
        }
        with_account_mut(&shared, &params, |account| {
            if let Some(limit) = limit {
                if limit < Decimal::ZERO {
                    return Err(Problem::validation(
                        "creditLimit",
                        format!("must be 0 or more, actual [{limit}]"),
                    ));
                }
                if limit > account.credit_limit {
                    return Err(Problem::validation(
                        "creditLimit",
                        format!(
                            "can only be lowered (now {}); raising the credit limit requires signing",
                            account.credit_limit
                        ),
                    ));
                }
                account.credit_limit = limit;
            }
            if let Some(charity) = charity {
                account.charity_donation = charity;
            }
            Ok(wire::no_content())
        })
    })())
}

/// `POST /accounts/{account}/register-psp-payment`.
pub(super) async fn register_payment(
    axum::extract::State(shared): Ctx,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let body = JsonObject::from_body(&body, true)?;
        let amount = body.decimal("Amount")?;
        let date = body.date("PaymentDate")?;
        let id = body.non_empty_str("sourcePspPaymentTransactionId")?;
        if id.chars().count() > 50 {
            return Err(Problem::validation(
                "sourcePspPaymentTransactionId",
                "must be at most 50 characters",
            ));
        }
        with_account_mut(&shared, &params, |account| {
            if account.psp_payments.contains(&id) {
                // The same payment again (a retry): already booked, not booked twice.
                return Ok(wire::no_content());
            }
            let max = account.max_payment();
            if amount < Decimal::new(1, 2) || amount > max {
                return Err(Problem::validation(
                    "Amount",
                    format!("Expected value between [0,01]-[{max}] actual [{amount}]"),
                ));
            }
            account.psp_payments.insert(id);
            account.book_payment(amount, date);
            Ok(wire::no_content())
        })
    })())
}

/// `POST /accounts/{account}/request-close-account`: the account becomes `PendingClose`
/// (a closed account stays closed).
pub(super) async fn request_close(axum::extract::State(shared): Ctx, params: Params) -> Response {
    finish(with_account_mut(&shared, &params, |account| {
        if account.status != "Closed" {
            account.status = "PendingClose";
        }
        Ok(wire::no_content())
    }))
}

/// `GET /ledger/customer/v1/{ledger}/customers/{customer}`.
pub(super) async fn get_customer(axum::extract::State(shared): Ctx, params: Params) -> Response {
    finish((|| {
        let customer_no = param(&params, "customer")?;
        let state = lock(&shared.payex);
        let customer = state
            .customers
            .iter()
            .find(|c| c.customer_no == customer_no)
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::NOT_FOUND,
                    "ledger.customer.customer-not-found",
                    "Customer not found",
                    format!("No customer {customer_no:?} in the ledger."),
                )
            })?;
        Ok(wire::json(StatusCode::OK, &views::customer(customer)))
    })())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn paging_of(top: usize, skip: usize) -> Paging {
        Paging {
            top,
            skip,
            keep: Vec::new(),
        }
    }

    /// Pages through `total` items `top` at a time; returns how many items were turned into
    /// views in all.
    fn views_made(total: usize, top: usize) -> usize {
        let all: Vec<usize> = (0..total).collect();
        let made = Cell::new(0);
        let mut skip = 0;
        while skip < total {
            let response =
                page::<model::ReservationList, _>("/r", &all, &paging_of(top, skip), |_| {
                    made.set(made.get() + 1);
                    model::Reservation::new()
                });
            assert_eq!(response.status(), StatusCode::OK);
            skip += top;
        }
        made.get()
    }

    #[test]
    fn a_page_makes_views_of_its_own_items_only() {
        // 100 pages of 1 000 out of 100 000: each item is viewed once, 100 000 in all
        // (a page that built the whole list first would make 10 000 000).
        assert_eq!(views_made(100_000, 1_000), 100_000);
        assert_eq!(views_made(5, 2), 5);
    }

    #[test]
    fn a_page_past_the_end_is_empty() {
        let all = [1, 2, 3];
        let made = Cell::new(0);
        let response = page::<model::ReservationList, _>("/r", &all, &paging_of(2, 10), |_| {
            made.set(made.get() + 1);
            model::Reservation::new()
        });
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(made.get(), 0);
    }
}
