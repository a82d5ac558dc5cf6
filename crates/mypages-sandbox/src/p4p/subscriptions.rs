//! The subscription routes: create, replace, change, end.

use super::*;

pub(super) struct SubscriptionFields {
    number: Option<String>,
    items: Option<Items>,
    currency: Option<String>,
    schedule: Option<(Box<RawValue>, String)>,
    start: Option<time::Date>,
    end: Option<time::Date>,
    callback: Option<String>,
}

pub(super) fn read_subscription(
    body: &Bytes,
    creatable: bool,
    today: time::Date,
) -> Result<SubscriptionFields, ApiError> {
    let model = if creatable {
        "model.Subscription.Creatable"
    } else {
        "model.Subscription"
    };
    (|| {
        let object = JsonObject::from_body(body, false)?;
        let items = object
            .raw("items")?
            .map(|raw| read_items(raw, "items"))
            .transpose()?;
        let schedule = object
            .raw("schedule")?
            .map(|raw| read_schedule(raw, "schedule").map(|frequency| (raw.to_owned(), frequency)))
            .transpose()?;
        let fields = SubscriptionFields {
            number: object.opt_str("number")?,
            items,
            currency: read_currency(&object, "currency")?,
            schedule,
            start: object.opt_date("start")?,
            end: object.opt_date("end")?,
            callback: object.opt_str("callback")?,
        };
        if creatable {
            if fields.items.is_none() {
                return Err(BodyError::field("items", "is required"));
            }
            if fields.currency.is_none() {
                return Err(BodyError::field("currency", "is required"));
            }
            if fields.schedule.is_none() {
                return Err(BodyError::field("schedule", "is required"));
            }
        }
        // A subscription starts today unless it says otherwise.
        if let (Some(start), Some(end)) = (fields.start.or(creatable.then_some(today)), fields.end)
        {
            if end < start {
                return Err(BodyError::field("end", "must not be before start"));
            }
        }
        Ok(fields)
    })()
    .map_err(ApiError::body(model))
}

pub(super) fn frequency_of(schedule: &RawValue) -> String {
    read_schedule(schedule, "schedule").unwrap_or_else(|_| "monthly".into())
}

/// Recomputes `due`: the next date on or after today, never past `end`; an ended
/// subscription (`end` today or earlier) has none.
pub(super) fn recompute_due(subscription: &mut Subscription, today: time::Date) {
    if subscription.end.is_some_and(|end| end <= today) {
        subscription.due = None;
        return;
    }
    let due = next_due(
        &frequency_of(&subscription.schedule),
        subscription.start,
        today,
    );
    subscription.due = subscription.end.is_none_or(|end| due <= end).then_some(due);
}

pub(super) fn subscriptions_json(account: &Account, status: StatusCode) -> Response {
    views::answer(status, views::subscriptions(account)).unwrap_or_else(ApiError::into_response)
}

/// `POST /account/{id}/subscription`.
pub(super) async fn create_subscription(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let id = path_ids(params)?.remove(0);
        let fields = read_subscription(&body, true, today)?;
        let mut state = lock(&shared.p4p);
        let sub_id: String = loop {
            let candidate: String = (0..4).map(|_| state.rng.lowercase()).collect();
            if !state
                .accounts
                .iter()
                .any(|a| a.subscription.iter().any(|s| s.id == candidate))
            {
                break candidate;
            }
        };
        let account = state
            .account_mut(&id)
            .ok_or_else(|| ApiError::not_found("account"))?;
        if let Some(number) = &fields.number {
            if account
                .subscription
                .iter()
                .any(|s| s.number.as_ref() == Some(number))
            {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    "model.Subscription.Creatable",
                    "a subscription with this number exists",
                ));
            }
        }
        let (schedule, _) = fields.schedule.ok_or_else(|| {
            ApiError::invalid("model.Subscription.Creatable", "schedule is required")
        })?;
        let mut subscription = Subscription {
            id: sub_id,
            number: fields.number,
            items: fields.items.unwrap_or(Items::List(Vec::new())),
            currency: fields.currency.unwrap_or_else(|| "SEK".into()),
            schedule,
            start: fields.start.unwrap_or(today),
            end: fields.end,
            callback: fields.callback,
            due: None,
        };
        recompute_due(&mut subscription, today);
        account.subscription.push(subscription);
        account.refresh();
        Ok(subscriptions_json(account, StatusCode::CREATED))
    })())
}

pub(super) fn change_subscription(
    shared: &Shared,
    headers: &HeaderMap,
    params: Params,
    allow_account_key: bool,
    change: impl FnOnce(&mut Subscription) -> Result<(), ApiError>,
) -> Answer {
    let who = caller(shared, headers)?;
    if !allow_account_key {
        private_only(&who)?;
    }
    let ids = path_ids(params)?;
    let id = resolve(&who, &ids[0])?;
    with_account(shared, &id, |account| {
        let subscription = account
            .subscription
            .iter_mut()
            .find(|s| s.id == ids[1])
            .ok_or_else(|| ApiError::not_found("subscription"))?;
        change(subscription)?;
        account.refresh();
        Ok(subscriptions_json(account, StatusCode::OK))
    })
}

/// `PUT /account/{id}/subscription/{sub}`: replace, keeping the id.
pub(super) async fn replace_subscription(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        caller(&shared, &headers)?;
        let fields = read_subscription(&body, true, today)?;
        change_subscription(&shared, &headers, params, false, |s| {
            s.number = fields.number;
            s.items = fields.items.unwrap_or(Items::List(Vec::new()));
            s.currency = fields.currency.unwrap_or_else(|| "SEK".into());
            if let Some((schedule, _)) = fields.schedule {
                s.schedule = schedule;
            }
            s.start = fields.start.unwrap_or(today);
            s.end = fields.end;
            s.callback = fields.callback;
            recompute_due(s, today);
            Ok(())
        })
    })())
}

/// `PATCH /account/{id}/subscription/{sub}`.
pub(super) async fn update_subscription(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        caller(&shared, &headers)?;
        let fields = read_subscription(&body, false, today)?;
        change_subscription(&shared, &headers, params, false, |s| {
            // Checked on the result, before anything changes.
            let (start, end) = (fields.start.unwrap_or(s.start), fields.end.or(s.end));
            if end.is_some_and(|end| end < start) {
                return Err(ApiError::invalid(
                    "model.Subscription",
                    "end must not be before start",
                ));
            }
            if let Some(number) = fields.number {
                s.number = Some(number);
            }
            if let Some(items) = fields.items {
                s.items = items;
            }
            if let Some(currency) = fields.currency {
                s.currency = currency;
            }
            if let Some((schedule, _)) = fields.schedule {
                s.schedule = schedule;
            }
            s.start = start;
            s.end = end;
            if let Some(callback) = fields.callback {
                s.callback = Some(callback);
            }
            recompute_due(s, today);
            Ok(())
        })
    })())
}

/// `DELETE /account/{id}/subscription/{sub}`: ends it today.
pub(super) async fn end_subscription(
    AxState(shared): Ctx,
    headers: HeaderMap,
    params: Params,
) -> Response {
    let today = shared.today();
    finish(change_subscription(&shared, &headers, params, true, |s| {
        s.end = Some(today.max(s.start));
        s.due = None;
        Ok(())
    }))
}
