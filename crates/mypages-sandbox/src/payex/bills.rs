//! The bill routes: list, get, and the PDF document.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use mypages_models::payex as model;

use super::routes::{Params, finish, page, paging, param, with_account};
use super::views::{self, account_href};
use super::{Ctx, Problem};
use crate::wire;

/// `GET /accounts/{account}/bills[?status=open|closed]`.
pub(super) async fn list_bills(
    axum::extract::State(shared): Ctx,
    params: Params,
    uri: Uri,
) -> Response {
    finish((|| {
        let paging = paging(uri.query(), &["$top"], &["$skip"])?;
        let status = wire::query_get(&paging.keep, "status")
            .map(|text| match model::BillStatus::from_wire(text) {
                model::BillStatus::Unknown(_) => {
                    Err(Problem::validation("status", "must be open or closed"))
                }
                known => Ok(known),
            })
            .transpose()?;
        with_account(&shared, &params, |account| {
            let mut bills: Vec<_> = account.bills.iter().collect();
            bills.sort_by_key(|b| std::cmp::Reverse(b.bill_date));
            // Filtered on the view's status, so built for every bill (an account has few).
            let items: Vec<model::Bill> = bills
                .into_iter()
                .map(|b| views::bill(account, b))
                .filter(|bill| status.is_none() || bill.status == status)
                .collect();
            page::<model::BillList, _>(
                &format!("{}/bills", account_href(&account.account_no)),
                &items,
                &paging,
                Clone::clone,
            )
        })
    })())
}

fn bill_not_found(bill: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "bill-not-found",
        "Bill not found",
        format!("The account has no bill {bill:?}."),
    )
}

/// `GET /accounts/{account}/bills/{bill}`.
pub(super) async fn get_bill(axum::extract::State(shared): Ctx, params: Params) -> Response {
    finish((|| {
        let bill_id = param(&params, "bill")?;
        with_account(&shared, &params, |account| {
            let bill = account
                .bills
                .iter()
                .find(|b| b.is(&bill_id))
                .ok_or_else(|| bill_not_found(&bill_id))?;
            Ok(wire::json(StatusCode::OK, &views::bill(account, bill)))
        })?
    })())
}

/// `GET /accounts/{account}/bills/{bill}/document`: a PDF.
pub(super) async fn bill_document(axum::extract::State(shared): Ctx, params: Params) -> Response {
    finish((|| {
        let bill_id = param(&params, "bill")?;
        with_account(&shared, &params, |account| {
            let bill = account
                .bills
                .iter()
                .find(|b| b.is(&bill_id))
                .ok_or_else(|| bill_not_found(&bill_id))?;
            let title = match bill.bill_type {
                "Bill" => format!("Faktura {}", bill.bill_no),
                other => format!("{other} {}", bill.bill_no),
            };
            let lines = vec![
                format!("Konto: {}", account.account_no),
                format!("Fakturadatum: {}", wire::format_date(bill.bill_date)),
                format!("Förfallodag: {}", wire::format_date(bill.due_date)),
                format!("Belopp: {} kr", bill.amount),
                format!("Lägsta belopp att betala: {} kr", bill.minimum),
                format!(
                    "Bankgiro: {}  OCR: {}",
                    account.bankgiro, bill.payment_reference
                ),
                "PayEx Sverige AB (mypages sandbox)".to_owned(),
            ];
            let pdf = crate::pdf::document(&title, &lines);
            let mut response = (StatusCode::OK, pdf).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            if let Ok(value) =
                HeaderValue::from_str(&format!("inline; filename=\"{}.pdf\"", bill.id()))
            {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, value);
            }
            Ok(response)
        })?
    })())
}
