//! The account routes: create, list, get, update, keys, customer, balance, links, methods.

use super::*;

/// `POST /account`.
pub(super) async fn create_account(
    AxState(shared): Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        caller(&shared, &headers)?;
        let model = "model.Account.Creatable";
        let read = (|| {
            let object = JsonObject::from_body(&body, false)?;
            let id = object.opt_str("id")?;
            if let Some(id) = &id {
                if id.len() != 16 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(BodyError::field("id", "must be 16 letters or digits"));
                }
            }
            let methods = object.opt_array("method")?.ok_or_else(|| {
                BodyError::field("method", "is required (it may be an empty array)")
            })?;
            let methods = methods
                .iter()
                .enumerate()
                .map(|(i, raw)| read_method(raw, &format!("method[{i}]"), today))
                .collect::<Result<Vec<_>, _>>()?;
            let customer = object
                .raw("customer")?
                .map(|raw| read_customer(raw, "customer"))
                .transpose()?;
            let schedule = object
                .raw("schedule")?
                .map(|raw| read_schedule(raw, "schedule").map(|_| raw.to_owned()))
                .transpose()?;
            let limit = object.opt_decimal("limit")?;
            if limit.is_some_and(|l| l < Decimal::ZERO) {
                return Err(BodyError::field("limit", "must be 0 or more"));
            }
            Ok((
                id,
                object.opt_str("number")?,
                customer,
                methods,
                read_currency(&object, "currency")?,
                schedule,
                limit,
            ))
        })();
        let (id, number, customer, methods, currency, schedule, limit) =
            read.map_err(ApiError::body(model))?;
        let mut state = lock(&shared.p4p);
        let id = match id {
            Some(id) if state.accounts.iter().any(|a| a.id == id) => {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    model,
                    "an account with this id exists",
                ));
            }
            Some(id) => id,
            None => state.new_id(),
        };
        let mut account = Account {
            id,
            number,
            customer,
            status: if methods.is_empty() {
                "created"
            } else {
                "active"
            },
            method: methods,
            link: Vec::new(),
            subscription: Vec::new(),
            currency: currency.unwrap_or_else(|| "SEK".into()),
            schedule,
            limit,
            total: Decimal::ZERO,
            balance: Vec::new(),
            due: None,
        };
        account.refresh();
        let response = account_json(&account, StatusCode::CREATED);
        state.accounts.push(account);
        Ok(response)
    })())
}

/// `GET /account`.
pub(super) async fn list_accounts(AxState(shared): Ctx, headers: HeaderMap) -> Response {
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let state = lock(&shared.p4p);
        views::answer(
            StatusCode::OK,
            state
                .accounts
                .iter()
                .map(views::account)
                .collect::<Result<Vec<_>, _>>(),
        )
    })())
}

/// `GET /account/{id}`.
pub(super) async fn get_account(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
) -> Response {
    finish((|| {
        let id = resolve(&caller(&shared, &headers)?, &path_ids(params)?[0])?;
        with_account(&shared, &id, |account| {
            Ok(account_json(account, StatusCode::OK))
        })
    })())
}

/// `PATCH /account/{id}`: `limit`, `schedule`, `currency` (only while the total is 0).
pub(super) async fn update_account(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let id = path_ids(params)?.remove(0);
        let model = "model.Account.Changeable";
        let (limit, schedule, currency) = (|| {
            let object = JsonObject::from_body(&body, false)?;
            let limit = object.opt_decimal("limit")?;
            if limit.is_some_and(|l| l < Decimal::ZERO) {
                return Err(BodyError::field("limit", "must be 0 or more"));
            }
            let schedule = object
                .raw("schedule")?
                .map(|raw| read_schedule(raw, "schedule").map(|_| raw.to_owned()))
                .transpose()?;
            Ok((limit, schedule, read_currency(&object, "currency")?))
        })()
        .map_err(ApiError::body(model))?;
        with_account(&shared, &id, |account| {
            if let Some(currency) = currency {
                if currency != account.currency && !account.total.is_zero() {
                    return Err(ApiError::invalid(
                        model,
                        "currency can change only while the total is 0",
                    ));
                }
                account.currency = currency;
            }
            if limit.is_some() {
                account.limit = limit;
            }
            if schedule.is_some() {
                account.schedule = schedule;
            }
            Ok(account_json(account, StatusCode::OK))
        })
    })())
}

/// `POST /account/{id}`: a new account key, valid three days.
pub(super) async fn create_key(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
) -> Response {
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let id = path_ids(params)?.remove(0);
        let mut state = lock(&shared.p4p);
        if !state.accounts.iter().any(|a| a.id == id) {
            return Err(ApiError::not_found("account"));
        }
        let key = format!(
            "{}.{}.{}",
            crate::ids::base64url(br#"{"alg":"ES256","typ":"JWT"}"#),
            crate::ids::base64url(format!(r#"{{"aud":"account","sub":"{id}"}}"#).as_bytes()),
            state.new_id()
        );
        state.keys.insert(
            key.clone(),
            (id, OffsetDateTime::now_utc() + time::Duration::days(3)),
        );
        Ok(wire::json(StatusCode::OK, &key))
    })())
}

/// `PUT /account/{id}/customer`.
pub(super) async fn replace_customer(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let id = resolve(&caller(&shared, &headers)?, &path_ids(params)?[0])?;
        let customer = wire::parse_raw(&body)
            .and_then(|raw| read_customer(&raw, ""))
            .map_err(ApiError::body("model.Customer"))?;
        with_account(&shared, &id, |account| {
            let answer = views::answer(StatusCode::OK, views::customer(&customer))?;
            account.customer = Some(customer);
            Ok(answer)
        })
    })())
}

/// `POST /account/{id}/balance`: a number, an Item or Items.
pub(super) async fn add_balance(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let id = resolve(&caller(&shared, &headers)?, &path_ids(params)?[0])?;
        let items = wire::parse_raw(&body)
            .and_then(|raw| read_items(&raw, "items"))
            .map_err(ApiError::body("model.Item"))?;
        with_account(&shared, &id, |account| {
            let added = items.total();
            let Some(after) = account.total.checked_add(added) else {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid content",
                    "model.Item",
                    "the balance would pass what an amount can hold".to_owned(),
                ));
            };
            if let Some(limit) = account.limit {
                if after > limit {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "limit exceeded",
                        "model.Account",
                        format!("the balance would pass the account's limit of {limit}"),
                    ));
                }
            }
            account.balance.extend(items.to_list());
            account.refresh();
            Ok(account_json(account, StatusCode::OK))
        })
    })())
}

/// Settles one account's balance into an order; `Ok(true)` when charged.
pub(super) fn settle(state: &mut State, index: usize) -> Option<bool> {
    let account = &mut state.accounts[index];
    if account.balance.is_empty() {
        return None;
    }
    let items = std::mem::take(&mut account.balance);
    let total = account.total;
    let charged = !account.method.is_empty();
    account.status = if charged { "active" } else { "pending" };
    account.refresh();
    let (account_id, currency) = (account.id.clone(), account.currency.clone());
    let now = OffsetDateTime::now_utc();
    let mut event = vec![Event {
        kind: "order",
        date: now,
        amount: None,
    }];
    event.push(if charged {
        Event {
            kind: "charge",
            date: now,
            amount: Some(total),
        }
    } else {
        Event {
            kind: "fail",
            date: now,
            amount: Some(total),
        }
    });
    let id = state.new_id();
    state.orders.push(Order {
        id,
        number: None,
        client: None,
        created: now,
        customer: None,
        items: Items::List(items),
        currency: currency.clone(),
        payment: Payment {
            kind: Some("account"),
            account: Some(account_id),
            charge: Some("balance"),
            amount: Some(total),
            currency: Some(currency),
        },
        theme: None,
        meta: None,
        callback: None,
        event,
    });
    Some(charged)
}

/// `DELETE /account/{id|me|all}/balance`: `{updated, errors}`.
pub(super) async fn settle_balance(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
) -> Response {
    finish((|| {
        let who = caller(&shared, &headers)?;
        let raw_id = path_ids(params)?.remove(0);
        let mut state = lock(&shared.p4p);
        let targets: Vec<usize> = if raw_id == "all" {
            private_only(&who)?;
            (0..state.accounts.len()).collect()
        } else {
            let id = resolve(&who, &raw_id)?;
            vec![
                state
                    .accounts
                    .iter()
                    .position(|a| a.id == id)
                    .ok_or_else(|| ApiError::not_found("account"))?,
            ]
        };
        let (mut updated, mut errors) = (0u32, 0u32);
        for index in targets {
            match settle(&mut state, index) {
                Some(true) => updated += 1,
                Some(false) => {
                    updated += 1;
                    errors += 1;
                }
                None => {}
            }
        }
        Ok(wire::json(
            StatusCode::OK,
            &model::SettleResult::new()
                .with_updated(serde_json::Value::from(updated))
                .with_errors(serde_json::Value::from(errors)),
        ))
    })())
}

/// `GET /account/{id}/link/{link}`: the login link itself, opened in the customer's browser.
/// The first visit marks the link used; a used, expired or unknown link shows an error page.
pub(super) async fn open_link(AxState(shared): Ctx, params: Params) -> Response {
    use axum::response::{Html, IntoResponse};
    let page = |status: StatusCode, title: &str, text: &str| {
        let html = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><h1>{title}</h1><p id=\"message\">{text}</p>\
             <p>This is the mypages sandbox, not PayFunc.</p></body></html>",
            title = wire::html_escape(title),
            text = wire::html_escape(text),
        );
        (status, Html(html)).into_response()
    };
    let Ok(ids) = path_ids(params) else {
        return page(
            StatusCode::NOT_FOUND,
            "Link not found",
            "This login link does not exist.",
        );
    };
    let mut state = lock(&shared.p4p);
    let link = state
        .account_mut(&ids[0])
        .and_then(|account| account.link.iter_mut().find(|link| link.id == ids[1]));
    match link {
        None => page(
            StatusCode::NOT_FOUND,
            "Link not found",
            "This login link does not exist.",
        ),
        Some(link) if link.used => page(
            StatusCode::GONE,
            "Link already used",
            "Ask for a new login link.",
        ),
        Some(link) if link.expires < OffsetDateTime::now_utc() => page(
            StatusCode::GONE,
            "Link expired",
            "Ask for a new login link.",
        ),
        Some(link) => {
            link.used = true;
            page(
                StatusCode::OK,
                "Logged in",
                &format!("You are logged in to account {}.", ids[0]),
            )
        }
    }
}

/// `POST /account/{id}/link`.
pub(super) async fn create_link(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    finish((|| {
        let who = caller(&shared, &headers)?;
        let id = resolve(&who, &path_ids(params)?[0])?;
        let contact = if body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            JsonObject::from_body(&body, false)
                .and_then(|o| o.opt_str("contact"))
                .map_err(ApiError::body("model.Account.Link"))?
        };
        let origin = shared.origin(&headers);
        let mut state = lock(&shared.p4p);
        let (link_id, key) = (state.new_id(), state.new_id());
        let account = state
            .account_mut(&id)
            .ok_or_else(|| ApiError::not_found("account"))?;
        let now = OffsetDateTime::now_utc();
        let link = Link {
            url: format!("{origin}/p4p/account/{id}/link/{link_id}"),
            id: link_id,
            created: now,
            expires: now + time::Duration::days(3),
            key,
            contact,
            used: false,
        };
        account.link.push(link.clone());
        Ok(match who {
            Caller::Private => wire::json(StatusCode::CREATED, &views::link(&link)),
            Caller::Account(_) => wire::no_content(),
        })
    })())
}

/// `POST /account/{id}/method`.
pub(super) async fn add_method(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        let id = resolve(&caller(&shared, &headers)?, &path_ids(params)?[0])?;
        let method = wire::parse_raw(&body)
            .and_then(|raw| read_method(&raw, "", today))
            .map_err(ApiError::body("model.Method.Creatable"))?;
        with_account(&shared, &id, |account| {
            account.method.push(method);
            if account.status == "created" || account.status == "pending" {
                account.status = "active";
            }
            Ok(account_json(account, StatusCode::CREATED))
        })
    })())
}
