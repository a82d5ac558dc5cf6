//! Checks run on request values before anything is sent; each failure names the argument.

use mypages_models::Currency;
use mypages_models::p4p::{
    AccountCreatable, AccountUpdate, Customer, EventType, Frequency, Item, Items, MethodCreatable,
    OrderCreatable, OrderEvents, Schedule, ScheduleNumber, SubscriptionCreatable,
    SubscriptionUpdate,
};
use rust_decimal::Decimal;
use time::Date;

use mypages_transport::Error;

type Checked = Result<(), Error>;

fn invalid(argument: &str, message: impl std::fmt::Display) -> Error {
    Error::invalid_argument(argument, message)
}

pub(crate) fn currency(argument: &str, currency: &Currency) -> Checked {
    let code = currency.as_str();
    if code.len() == 3 && code.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err(invalid(
            argument,
            "must be a 3-letter ISO 4217 currency code such as SEK",
        ))
    }
}

fn non_negative(argument: &str, value: Decimal) -> Checked {
    if value.is_sign_negative() && !value.is_zero() {
        Err(invalid(argument, "must not be negative"))
    } else {
        Ok(())
    }
}

fn positive(argument: &str, value: Decimal) -> Checked {
    if value > Decimal::ZERO {
        Ok(())
    } else {
        Err(invalid(argument, "must be greater than 0"))
    }
}

fn not_blank(argument: &str, value: &str) -> Checked {
    if value.trim().is_empty() {
        Err(invalid(argument, "must not be empty"))
    } else {
        Ok(())
    }
}

fn item(argument: &str, item: &Item) -> Checked {
    if item.vat.is_some() && item.price.is_none() {
        return Err(invalid(
            argument,
            "has a `vat` but no `price`: PayFunc needs the price per unit with the VAT",
        ));
    }
    if let Some(vat) = item.vat {
        non_negative(&format!("{argument}.vat"), vat)?;
    }
    if let Some(quantity) = item.quantity {
        positive(&format!("{argument}.quantity"), quantity)?;
    }
    Ok(())
}

/// Items of a balance, an order or a subscription. `strictly_positive`: a plain amount must
/// be greater than 0 (the balance endpoint demands it); otherwise it must not be negative.
pub(crate) fn items(argument: &str, items: &Items, strictly_positive: bool) -> Checked {
    match items {
        Items::Amount(amount) if strictly_positive => positive(argument, *amount),
        Items::Amount(amount) => non_negative(argument, *amount),
        Items::Item(one) => item(argument, one),
        Items::List(list) => {
            if list.is_empty() {
                return Err(invalid(
                    argument,
                    "is an empty list: give at least one item, or a plain amount",
                ));
            }
            list.iter()
                .enumerate()
                .try_for_each(|(index, one)| item(&format!("{argument}[{index}]"), one))
        }
        _ => Ok(()),
    }
}

pub(crate) fn schedule(argument: &str, schedule: &Schedule) -> Checked {
    let Schedule::Rule(rule) = schedule else {
        return Ok(());
    };
    for (name, number) in [("divisor", &rule.divisor), ("offset", &rule.offset)] {
        if let Some(ScheduleNumber::Pair(pair)) = number {
            if pair.len() != 2 {
                return Err(invalid(
                    &format!("{argument}.{name}"),
                    format_args!(
                        "must be one number or a pair of two, not {} numbers",
                        pair.len()
                    ),
                ));
            }
        }
    }
    if let Some(ScheduleNumber::Single(divisor)) = rule.divisor {
        if divisor < Decimal::ONE {
            return Err(invalid(
                &format!("{argument}.divisor"),
                "must be at least 1",
            ));
        }
    }
    if rule.frequency == Frequency::Weekly {
        if let Some(ScheduleNumber::Single(offset)) = rule.offset {
            if !(Decimal::ZERO..=Decimal::from(6)).contains(&offset) {
                return Err(invalid(
                    &format!("{argument}.offset"),
                    "of a weekly schedule must be a weekday from 0 (Sunday) to 6",
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn customer(argument: &str, customer: &Customer) -> Checked {
    if let Some(number) = &customer.identity_number {
        let number = number.expose();
        let separators = number.chars().filter(|c| matches!(c, '-' | '+')).count();
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let others = number.chars().count() - digits - separators;
        if others != 0 || separators > 1 || !(digits == 10 || digits == 12) {
            // The number itself is personal data: it stays out of the message.
            return Err(invalid(
                &format!("{argument}.identityNumber"),
                "must have 10 or 12 digits (one `-` or `+` separator allowed)",
            ));
        }
    }
    Ok(())
}

pub(crate) fn method(argument: &str, method: &MethodCreatable) -> Checked {
    not_blank(&format!("{argument}.card"), method.card.expose())
}

fn date_order(argument: &str, start: Option<Date>, end: Option<Date>) -> Checked {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(invalid(
            argument,
            format_args!("ends ({end}) before it starts ({start})"),
        )),
        _ => Ok(()),
    }
}

pub(crate) fn account_creatable(account: &AccountCreatable) -> Checked {
    if let Some(number) = &account.number {
        not_blank("account.number", number)?;
    }
    if let Some(customer_value) = &account.customer {
        customer("account.customer", customer_value)?;
    }
    for (index, one) in account.method.iter().enumerate() {
        method(&format!("account.method[{index}]"), one)?;
    }
    if let Some(code) = &account.currency {
        currency("account.currency", code)?;
    }
    if let Some(value) = &account.schedule {
        schedule("account.schedule", value)?;
    }
    if let Some(limit) = account.limit {
        non_negative("account.limit", limit)?;
    }
    Ok(())
}

pub(crate) fn account_update(update: &AccountUpdate) -> Checked {
    if let Some(limit) = update.limit {
        non_negative("limit", limit)?;
    }
    if let Some(code) = &update.currency {
        currency("currency", code)?;
    }
    if let Some(value) = &update.schedule {
        schedule("schedule", value)?;
    }
    Ok(())
}

pub(crate) fn subscription_creatable(subscription: &SubscriptionCreatable) -> Checked {
    items("subscription.items", &subscription.items, false)?;
    currency("subscription.currency", &subscription.currency)?;
    schedule("subscription.schedule", &subscription.schedule)?;
    date_order("subscription", subscription.start, subscription.end)
}

pub(crate) fn subscription_update(update: &SubscriptionUpdate) -> Checked {
    if let Some(value) = &update.items {
        items("subscription.items", value, false)?;
    }
    if let Some(code) = &update.currency {
        currency("subscription.currency", code)?;
    }
    if let Some(value) = &update.schedule {
        schedule("subscription.schedule", value)?;
    }
    date_order("subscription", update.start, update.end)
}

pub(crate) fn order_creatable(order: &OrderCreatable) -> Checked {
    if let Some(number) = &order.number {
        not_blank("order.number", number)?;
    }
    items("order.items", &order.items, false)?;
    currency("order.currency", &order.currency)?;
    if let Some(customer_value) = &order.customer {
        customer("order.customer", customer_value)?;
    }
    if let Some(amount) = order.payment.amount {
        non_negative("order.payment.amount", amount)?;
    }
    Ok(())
}

pub(crate) fn order_events(batch: &[OrderEvents]) -> Checked {
    if batch.is_empty() {
        return Err(invalid("orders", "is empty: name at least one order"));
    }
    for (index, entry) in batch.iter().enumerate() {
        if entry.event.is_empty() {
            return Err(invalid(
                &format!("orders[{index}].event"),
                "is empty: give at least one event",
            ));
        }
        for (position, event) in entry.event.iter().enumerate() {
            let argument = format!("orders[{index}].event[{position}]");
            if !matches!(
                event.r#type,
                EventType::Charge | EventType::Cancel | EventType::Refund
            ) {
                return Err(invalid(
                    &format!("{argument}.type"),
                    format_args!(
                        "is {:?}; an order event to add must be \"charge\", \"cancel\" or \"refund\"",
                        event.r#type.as_str()
                    ),
                ));
            }
            if let Some(amount) = event.amount {
                positive(&format!("{argument}.amount"), amount)?;
            }
        }
    }
    Ok(())
}
