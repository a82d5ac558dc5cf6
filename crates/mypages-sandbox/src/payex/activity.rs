//! What happened on an account: transactions (by range, month or the last 30 days) and reservations.

use axum::http::Uri;
use axum::response::Response;
use mypages_models::payex as model;
use time::Date;

use super::routes::{Params, finish, page, paging, with_account};
use super::views::{self, account_href};
use super::{Ctx, Problem};
use crate::wire;

/// `GET /accounts/{account}/transactions?fromDate=&todate=|month=` (names in any case).
pub(super) async fn list_transactions(
    axum::extract::State(shared): Ctx,
    params: Params,
    uri: Uri,
) -> Response {
    let today = shared.today();
    finish((|| {
        let paging = paging(uri.query(), &["$top"], &["$skip"])?;
        let date = |key: &str| -> Result<Option<Date>, Problem> {
            wire::query_get(&paging.keep, key)
                .map(|text| {
                    wire::parse_date(text)
                        .ok_or_else(|| Problem::validation(key, "must be a date (YYYY-MM-DD)"))
                })
                .transpose()
        };
        let from = date("fromDate")?;
        let to = date("toDate")?;
        let month = wire::query_get(&paging.keep, "month")
            .map(|text| {
                wire::parse_date(&format!("{text}-01"))
                    .filter(|_| text.len() == 7)
                    .ok_or_else(|| Problem::validation("month", "must be a month (YYYY-MM)"))
            })
            .transpose()?;
        let (start, end) = match (month, from, to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(Problem::validation(
                    "month",
                    "filter by month or by fromDate/toDate, not both",
                ));
            }
            (Some(first), None, None) => {
                let next = first + time::Duration::days(32);
                (
                    first,
                    next.replace_day(1).unwrap_or(next) - time::Duration::days(1),
                )
            }
            (None, None, None) => (today - time::Duration::days(30), today),
            (None, from, to) => (from.unwrap_or(Date::MIN), to.unwrap_or(Date::MAX)),
        };
        if start > end {
            return Err(Problem::validation("fromDate", "must not be after toDate"));
        }
        with_account(&shared, &params, |account| {
            // Newest first already: two binary searches find the range, and only the
            // page is turned into views.
            page::<model::TransactionList, _>(
                &format!("{}/transactions", account_href(&account.account_no)),
                account.transactions.between(start, end),
                &paging,
                views::transaction,
            )
        })
    })())
}

/// `GET /accounts/{account}/reservations`.
pub(super) async fn list_reservations(
    axum::extract::State(shared): Ctx,
    params: Params,
    uri: Uri,
) -> Response {
    finish((|| {
        let paging = paging(uri.query(), &["$top"], &["$skip"])?;
        with_account(&shared, &params, |account| {
            page::<model::ReservationList, _>(
                &format!("{}/reservations", account_href(&account.account_no)),
                &account.reservations,
                &paging,
                views::reservation,
            )
        })
    })())
}
