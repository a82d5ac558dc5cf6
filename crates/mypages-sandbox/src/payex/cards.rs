//! The card routes: list, get, add, replace, change; card holders and identity numbers.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use bytes::Bytes;
use mypages_models::payex as model;
use time::{Date, Month};

use super::routes::{Params, finish, page, paging, param, with_account, with_account_mut};
use super::state::{Account, Card};
use super::views::{self, account_href};
use super::{Ctx, Problem};
use crate::server::lock;
use crate::wire::{self, JsonObject};

/// `GET /accounts/{account}/cards`.
pub(super) async fn list_cards(
    axum::extract::State(shared): Ctx,
    params: Params,
    uri: Uri,
) -> Response {
    finish((|| {
        let paging = paging(uri.query(), &["$top"], &["$skip"])?;
        with_account(&shared, &params, |account| {
            page::<model::CardList, _>(
                &format!("{}/cards", account_href(&account.account_no)),
                &account.cards,
                &paging,
                |c| views::card(account, c, false),
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
    let location = format!(
        "{}/cards/{}",
        account_href(&account.account_no),
        super::routes::encode(token)
    );
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
