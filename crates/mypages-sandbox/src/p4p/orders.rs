//! The order routes: create, and the batch of charge, cancel and refund events.

use super::*;

/// `POST /order`.
pub(super) async fn create_order(
    AxState(shared): Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let today = shared.today();
    finish((|| {
        let who = caller(&shared, &headers)?;
        let model = "model.Order.Creatable";
        let (number, client, customer, items, currency, payment, theme, meta, callback) = (|| {
            let object = JsonObject::from_body(&body, false)?;
            let items_raw = object
                .raw("items")?
                .or(object.raw("item")?)
                .ok_or_else(|| BodyError::field("items", "is required"))?;
            let items = read_items(items_raw, "items")?;
            let currency = read_currency(&object, "currency")?
                .ok_or_else(|| BodyError::field("currency", "is required"))?;
            let payment = object.object("payment")?;
            let kind = payment
                .opt_str("type")?
                .map(|kind| match kind.as_str() {
                    "card" => Ok("card"),
                    "account" => Ok("account"),
                    _ => Err(BodyError::field("payment.type", "must be card or account")),
                })
                .transpose()?;
            let charge = payment
                .opt_str("charge")?
                .map(|charge| match charge.as_str() {
                    "auto" => Ok("auto"),
                    "balance" => Ok("balance"),
                    _ => Err(BodyError::field(
                        "payment.charge",
                        "must be auto or balance",
                    )),
                })
                .transpose()?;
            let payment = Payment {
                kind,
                account: payment.opt_str("account")?,
                charge,
                amount: None,
                currency: None,
            };
            let customer = object
                .raw("customer")?
                .map(|raw| read_customer(raw, "customer"))
                .transpose()?;
            Ok((
                object.opt_str("number")?,
                object.opt_str("client")?,
                customer,
                items,
                currency,
                payment,
                object.opt_str("theme")?,
                object.raw("meta")?.map(ToOwned::to_owned),
                object.opt_str("callback")?,
            ))
        })(
        )
        .map_err(ApiError::body(model))?;
        let total = items.total();
        let now = OffsetDateTime::now_utc();
        let mut events = vec![Event {
            kind: "order",
            date: now,
            amount: None,
        }];
        let mut state = lock(&shared.p4p);
        if let Some(account_id) = &payment.account {
            let account_id = resolve(&who, account_id)?;
            let account = state
                .account_mut(&account_id)
                .ok_or_else(|| ApiError::not_found("account"))?;
            if account.currency != currency {
                return Err(ApiError::invalid(
                    model,
                    "currency must be the account's currency",
                ));
            }
            if payment.charge == Some("balance") {
                account.balance.extend(items.to_list());
                account.refresh();
            } else if account.method.is_empty() {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "card declined",
                    model,
                    "the account has no payment method to charge",
                ));
            } else {
                events.push(Event {
                    kind: "charge",
                    date: now,
                    amount: Some(total),
                });
            }
        }
        let id = state.new_id();
        let order = Order {
            id,
            number,
            client,
            created: noon(today).replace_time(now.time()),
            customer,
            items,
            currency: currency.clone(),
            payment: Payment {
                amount: Some(total),
                currency: Some(currency),
                ..payment
            },
            theme,
            meta,
            callback,
            event: events,
        };
        let answer = views::answer(StatusCode::CREATED, views::order(&order))?;
        state.orders.push(order);
        Ok(answer)
    })())
}

/// `PATCH /order/`: `[{id, event: [{type: charge|cancel|refund}]}]`.
pub(super) async fn order_events(
    AxState(shared): Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    finish((|| {
        private_only(&caller(&shared, &headers)?)?;
        let model = "model.Order.Event";
        let requests = (|| {
            let raw = wire::parse_raw(&body)?;
            let list: Vec<Box<RawValue>> = serde_json::from_str(raw.get()).map_err(|_| {
                BodyError::Malformed("the body must be an array of {id, event} objects".into())
            })?;
            list.iter()
                .enumerate()
                .map(|(i, raw)| {
                    let object = JsonObject::from_raw(raw, &format!("[{i}]"), false)?;
                    let id = object.non_empty_str("id")?;
                    let events = object
                        .opt_array("event")?
                        .ok_or_else(|| BodyError::field(object.name("event"), "is required"))?;
                    let kinds = events
                        .iter()
                        .enumerate()
                        .map(|(j, raw)| {
                            let event =
                                JsonObject::from_raw(raw, &format!("[{i}].event[{j}]"), false)?;
                            event.opt_decimal("amount")?;
                            match event.str("type")?.as_str() {
                                "charge" => Ok("charge"),
                                "cancel" => Ok("cancel"),
                                "refund" => Ok("refund"),
                                _ => Err(BodyError::field(
                                    event.name("type"),
                                    "must be charge, cancel or refund",
                                )),
                            }
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((id, kinds))
                })
                .collect::<Result<Vec<_>, BodyError>>()
        })()
        .map_err(ApiError::body(model))?;
        let mut state = lock(&shared.p4p);
        // Check everything first, so a batch applies whole or not at all.
        let mut planned: Vec<(usize, Vec<&'static str>)> = Vec::new();
        for (id, kinds) in &requests {
            let index = state
                .orders
                .iter()
                .position(|o| &o.id == id)
                .ok_or_else(|| ApiError::not_found("order"))?;
            let mut simulated: Vec<&str> =
                state.orders[index].event.iter().map(|e| e.kind).collect();
            for kind in kinds {
                let charged = simulated.contains(&"charge");
                let ok = match *kind {
                    "charge" | "cancel" => !charged && !simulated.contains(&"cancel"),
                    _ => charged && !simulated.contains(&"refund"),
                };
                if !ok {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "invalid event",
                        model,
                        format!(
                            "order {id}: cannot {kind} an order that is {}",
                            simulated.last().copied().unwrap_or("new")
                        ),
                    ));
                }
                simulated.push(kind);
            }
            planned.push((index, kinds.clone()));
        }
        let now = OffsetDateTime::now_utc();
        let mut touched = Vec::new();
        for (index, kinds) in planned {
            let order = &mut state.orders[index];
            let total = order.items.total();
            for kind in kinds {
                let amount = (kind != "cancel").then_some(total);
                order.event.push(Event {
                    kind,
                    date: now,
                    amount,
                });
            }
            touched.push(order.clone());
        }
        views::answer(
            StatusCode::OK,
            touched
                .iter()
                .map(views::order)
                .collect::<Result<Vec<_>, _>>(),
        )
    })())
}
