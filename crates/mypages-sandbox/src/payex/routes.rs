//! The PayEx route handlers.

use std::collections::HashMap;

use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use mypages_models::payex as model;
use rust_decimal::Decimal;
use time::{Date, Month};

use super::state::{Account, Card, Recurring};
use super::views::{self, List, account_href};
use super::{Ctx, Problem, ledger_root};
use crate::server::lock;
use crate::wire::{self, JsonObject};

type Params = Result<Path<HashMap<String, String>>, PathRejection>;
type Answer = Result<Response, Problem>;

/// Default page size: small, so clients exercise paging.
const DEFAULT_TOP: usize = 2;
const MAX_TOP: usize = 1000;

fn param(params: &Params, name: &str) -> Result<String, Problem> {
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

fn finish(answer: Answer) -> Response {
    answer.unwrap_or_else(Problem::into_response)
}

/// Paging parameters and the other query parameters (kept in links).
struct Paging {
    top: usize,
    skip: usize,
    keep: Vec<(String, String)>,
}

fn paging(query: Option<&str>, top_keys: &[&str], skip_keys: &[&str]) -> Result<Paging, Problem> {
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

fn encode(text: &str) -> String {
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

fn link(path: &str, keep: &[(String, String)], paging: &[(&str, usize)]) -> String {
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

/// One page of `items` with `view` links (`$top`/`$skip`).
fn page<L: List>(path: &str, items: Vec<L::Item>, paging: &Paging) -> Response {
    let total = items.len();
    let Paging { top, skip, keep } = paging;
    let mut view =
        model::View::new().with_id(link(path, keep, &[("$top", *top), ("$skip", *skip)]));
    if *skip > 0 {
        view = view.with_previous(link(
            path,
            keep,
            &[("$top", *top), ("$skip", skip.saturating_sub(*top))],
        ));
    }
    if skip + top < total {
        view = view.with_next(link(path, keep, &[("$top", *top), ("$skip", skip + top)]));
    }
    let items: Vec<L::Item> = items.into_iter().skip(*skip).take(*top).collect();
    wire::json(StatusCode::OK, &L::build(items, path.to_owned(), view))
}

fn with_account<R>(
    shared: &crate::server::Shared,
    params: &Params,
    f: impl FnOnce(&Account) -> R,
) -> Result<R, Problem> {
    let account_no = param(params, "account")?;
    let state = lock(&shared.payex);
    let account = state
        .account(&account_no)
        .ok_or_else(|| Problem::account_not_found(&account_no))?;
    Ok(f(account))
}

fn with_account_mut<R>(
    shared: &crate::server::Shared,
    params: &Params,
    f: impl FnOnce(&mut Account) -> Result<R, Problem>,
) -> Result<R, Problem> {
    let account_no = param(params, "account")?;
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
        let customer_no = wire::query_get(&paging.keep, "customerNo").filter(|v| !v.is_empty());
        let state = lock(&shared.payex);
        if let Some(customer_no) = customer_no {
            if !state.customers.iter().any(|c| c.customer_no == customer_no) {
                return Err(Problem::new(
                    StatusCode::NOT_FOUND,
                    "customer-does-not-exists",
                    "Customer does not exist",
                    format!("No customer {customer_no:?} in the ledger."),
                ));
            }
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
        if skip + top < total {
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

/// `GET /accounts/{account}/bills`.
pub(super) async fn list_bills(
    axum::extract::State(shared): Ctx,
    params: Params,
    uri: Uri,
) -> Response {
    finish((|| {
        let paging = paging(uri.query(), &["$top"], &["$skip"])?;
        with_account(&shared, &params, |account| {
            let mut bills: Vec<_> = account.bills.iter().collect();
            bills.sort_by_key(|b| std::cmp::Reverse(b.bill_date));
            let items = bills.into_iter().map(|b| views::bill(account, b)).collect();
            page::<model::BillList>(
                &format!("{}/bills", account_href(&account.account_no)),
                items,
                &paging,
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

/// `GET /accounts/{account}/cards`.
pub(super) async fn list_cards(
    axum::extract::State(shared): Ctx,
    params: Params,
    uri: Uri,
) -> Response {
    finish((|| {
        let paging = paging(uri.query(), &["$top"], &["$skip"])?;
        with_account(&shared, &params, |account| {
            let items = account
                .cards
                .iter()
                .map(|c| views::card(account, c, false))
                .collect();
            page::<model::CardList>(
                &format!("{}/cards", account_href(&account.account_no)),
                items,
                &paging,
            )
        })
    })())
}

fn card_not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "card-not-found",
        "Card not found",
        "The account has no card with this token.",
    )
}

/// `GET /accounts/{account}/cards/{card}`.
pub(super) async fn get_card(axum::extract::State(shared): Ctx, params: Params) -> Response {
    finish((|| {
        let token = param(&params, "card")?;
        with_account(&shared, &params, |account| {
            let card = account
                .cards
                .iter()
                .find(|c| c.token == token)
                .ok_or_else(card_not_found)?;
            Ok(wire::json(
                StatusCode::OK,
                &views::card(account, card, true),
            ))
        })?
    })())
}

/// Checks a Swedish personal identity number `YYYYMMDD-NNNC` (Luhn check digit).
fn valid_swedish_reg_no(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() != 13 || bytes[8] != b'-' {
        return false;
    }
    let digits: Vec<u32> = value
        .chars()
        .filter(char::is_ascii_digit)
        .filter_map(|c| c.to_digit(10))
        .collect();
    if digits.len() != 12 {
        return false;
    }
    let year = i32::try_from(digits[..4].iter().fold(0, |n, d| n * 10 + d)).unwrap_or(0);
    let month = u8::try_from(digits[4] * 10 + digits[5])
        .ok()
        .and_then(|m| Month::try_from(m).ok());
    let day = u8::try_from(digits[6] * 10 + digits[7]).unwrap_or(0);
    // Coordination numbers add 60 to the day.
    let day = if day > 60 { day - 60 } else { day };
    let Some(month) = month else { return false };
    if Date::from_calendar_date(year, month, day).is_err() {
        return false;
    }
    let sum: u32 = digits[2..11]
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = if i % 2 == 0 { d * 2 } else { *d };
            v / 10 + v % 10
        })
        .sum();
    (10 - sum % 10) % 10 == digits[11]
}

/// A card holder as sent.
struct Holder {
    number: Option<String>,
    name: Option<String>,
    national_id: Option<(String, Option<String>)>,
}

/// Reads `cardHolder`; checks a Swedish identity number.
fn read_holder(holder: JsonObject) -> Result<Holder, Problem> {
    // `number` and `name` may be null; the identifier object may not.
    let national_id = holder.opt_object("nationalConsumerIdentifier")?;
    let holder = holder.allow_nulls();
    let mut read = Holder {
        number: holder.opt_str("number")?,
        name: holder.opt_str("name")?,
        national_id: None,
    };
    if let Some(id) = national_id.map(JsonObject::allow_nulls) {
        let value = id.str("value")?;
        let country = id.opt_str("countryCode")?;
        if country
            .as_deref()
            .is_none_or(|c| c.eq_ignore_ascii_case("SE"))
            && !valid_swedish_reg_no(&value)
        {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-reg-no",
                "Invalid registration number",
                "cardHolder.nationalConsumerIdentifier.value is not a valid Swedish personal identity number (YYYYMMDD-NNNC).",
            ));
        }
        read.national_id = Some((value, country));
    }
    Ok(read)
}

/// Reads a card registration (the body of add and replace).
fn read_card(body: &Bytes) -> Result<Card, Problem> {
    let body = JsonObject::from_body(body, true)?;
    let token = body.non_empty_str("token")?;
    if token.chars().count() > 50 {
        return Err(Problem::validation(
            "token",
            "must be at most 50 characters",
        ));
    }
    let mut card = Card {
        token,
        pan_trunc: body.opt_str("PanTrunc")?,
        deleted: body.opt_bool("deleted")?.unwrap_or(false),
        main_card: body.opt_bool("mainCard")?.unwrap_or(false),
        holder_number: None,
        holder_name: None,
        national_id: None,
    };
    if let Some(holder) = body.opt_object("cardHolder")? {
        let holder = read_holder(holder)?;
        card.holder_number = holder.number;
        card.holder_name = holder.name;
        card.national_id = holder.national_id;
    }
    Ok(card)
}

fn duplicate_token() -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "duplicate-card-token",
        "Duplicate card token",
        "A card with this token is already registered.",
    )
}

fn token_taken(state: &super::State, token: &str) -> bool {
    state
        .accounts
        .iter()
        .any(|a| a.cards.iter().any(|c| c.token == token))
}

fn created_card(account: &Account, token: &str) -> Response {
    let Some(card) = account.cards.iter().find(|c| c.token == token) else {
        return wire::no_content();
    };
    let view = views::card(account, card, true);
    let location = format!("{}/cards/{token}", account_href(&account.account_no));
    let mut response = wire::json(StatusCode::CREATED, &view);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `POST /accounts/{account}/cards`.
pub(super) async fn add_card(
    axum::extract::State(shared): Ctx,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let card = read_card(&body)?;
        let account_no = param(&params, "account")?;
        let mut state = lock(&shared.payex);
        if state.account(&account_no).is_none() {
            return Err(Problem::account_not_found(&account_no));
        }
        if token_taken(&state, &card.token) {
            return Err(duplicate_token());
        }
        let account = state
            .account_mut(&account_no)
            .ok_or_else(|| Problem::account_not_found(&account_no))?;
        if card.main_card {
            account.cards.iter_mut().for_each(|c| c.main_card = false);
        }
        let token = card.token.clone();
        account.cards.push(card);
        Ok(created_card(account, &token))
    })())
}

fn update_failed(detail: &str) -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "card-update-failed",
        "Card update failed",
        detail,
    )
}

/// `POST /accounts/{account}/cards/{card}/add-replacement-card`.
pub(super) async fn replace_card(
    axum::extract::State(shared): Ctx,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let old_token = param(&params, "card")?;
        let mut card = read_card(&body)?;
        let account_no = param(&params, "account")?;
        let mut state = lock(&shared.payex);
        let account = state
            .account(&account_no)
            .ok_or_else(|| Problem::account_not_found(&account_no))?;
        let old = account
            .cards
            .iter()
            .find(|c| c.token == old_token)
            .ok_or_else(card_not_found)?;
        if old.deleted {
            return Err(update_failed(
                "The card to replace is deleted; replace a card that is in use.",
            ));
        }
        let inherit_main = old.main_card;
        if token_taken(&state, &card.token) {
            return Err(duplicate_token());
        }
        let account = state
            .account_mut(&account_no)
            .ok_or_else(|| Problem::account_not_found(&account_no))?;
        card.main_card = card.main_card || inherit_main;
        for existing in &mut account.cards {
            if existing.token == old_token {
                existing.deleted = true;
                existing.main_card = false;
            } else if card.main_card {
                existing.main_card = false;
            }
        }
        let token = card.token.clone();
        account.cards.push(card);
        Ok(created_card(account, &token))
    })())
}

/// `PATCH /accounts/{account}/cards/{card}`.
pub(super) async fn update_card(
    axum::extract::State(shared): Ctx,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let token = param(&params, "card")?;
        let body = JsonObject::from_body(&body, true)?;
        let deleted = body.opt_bool("deleted")?;
        let main = body.opt_bool("mainCard")?;
        let holder = body
            .opt_object("cardHolder")?
            .map(read_holder)
            .transpose()?;
        if deleted.is_none() && main.is_none() && holder.is_none() {
            return Err(Problem::validation(
                "body",
                "set deleted, mainCard and/or cardHolder",
            ));
        }
        with_account_mut(&shared, &params, |account| {
            let index = account
                .cards
                .iter()
                .position(|c| c.token == token)
                .ok_or_else(card_not_found)?;
            if account.cards[index].deleted {
                return Err(update_failed(
                    "The card is deleted and can no longer be changed.",
                ));
            }
            if main == Some(true) && deleted == Some(true) {
                return Err(update_failed("A deleted card cannot be the main card."));
            }
            if main == Some(true) {
                account.cards.iter_mut().for_each(|c| c.main_card = false);
            }
            let card = &mut account.cards[index];
            if let Some(main) = main {
                card.main_card = main;
            }
            if let Some(deleted) = deleted {
                card.deleted = deleted;
                if deleted {
                    card.main_card = false;
                }
            }
            if let Some(holder) = holder {
                card.holder_number = holder.number.or(card.holder_number.take());
                card.holder_name = holder.name.or(card.holder_name.take());
                card.national_id = holder.national_id.or(card.national_id.take());
            }
            Ok(wire::no_content())
        })
    })())
}

/// `GET /accounts/{account}/transactions?fromDate=&toDate=|month=`.
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
            let mut list: Vec<_> = account
                .transactions
                .iter()
                .filter(|t| t.date >= start && t.date <= end)
                .collect();
            list.sort_by_key(|t| std::cmp::Reverse(t.date));
            let items = list.into_iter().map(views::transaction).collect();
            page::<model::TransactionList>(
                &format!("{}/transactions", account_href(&account.account_no)),
                items,
                &paging,
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
            let items = account
                .reservations
                .iter()
                .map(views::reservation)
                .collect();
            page::<model::ReservationList>(
                &format!("{}/reservations", account_href(&account.account_no)),
                items,
                &paging,
            )
        })
    })())
}

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
            page::<model::ActivePaymentOrderList>(
                &format!(
                    "{}/active-payment-orders",
                    account_href(&account.account_no)
                ),
                items,
                &paging,
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
    if let Some(method) = body.opt_str("paymentMethod")? {
        if !method.eq_ignore_ascii_case("autogiro") {
            return Err(Problem::validation("paymentMethod", "must be autogiro"));
        }
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
    use super::valid_swedish_reg_no;

    #[test]
    fn swedish_reg_numbers_check_the_luhn_digit() {
        assert!(valid_swedish_reg_no("19101010-1010"));
        assert!(valid_swedish_reg_no("19121212-1212"));
        assert!(valid_swedish_reg_no("19900101-0017"));
        assert!(!valid_swedish_reg_no("19121212-1213"));
        assert!(!valid_swedish_reg_no("19121312-1212"));
        assert!(!valid_swedish_reg_no("191212121212"));
    }
}
