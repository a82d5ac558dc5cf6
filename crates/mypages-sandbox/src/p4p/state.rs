//! PayFunc's state: accounts (with balance items, methods, links, subscriptions), orders and
//! account keys.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::value::RawValue;
use time::{Date, OffsetDateTime};

use crate::credentials::P4P_ACCOUNT_ID;
use crate::sandbox::SeedConfig;

/// A product or charge.
#[derive(Clone, Default)]
pub(crate) struct Item {
    pub(crate) number: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) price: Option<Decimal>,
    pub(crate) quantity: Option<Decimal>,
    pub(crate) unit: Option<String>,
    pub(crate) vat: Option<Decimal>,
    pub(crate) rebate: Option<Decimal>,
}

impl Item {
    /// `(price + vat - rebate) * quantity`, or `None` when it is beyond what a decimal holds
    /// (bodies with such items are refused, so stored items always have a total).
    pub(crate) fn checked_total(&self) -> Option<Decimal> {
        let each = self
            .price
            .unwrap_or_default()
            .checked_add(self.vat.unwrap_or_default())?
            .checked_sub(self.rebate.unwrap_or_default())?;
        each.checked_mul(self.quantity.unwrap_or(Decimal::ONE))
    }

    /// [`Item::checked_total`] of an item that was accepted (saturating, never panicking).
    pub(crate) fn total(&self) -> Decimal {
        self.checked_total().unwrap_or(Decimal::MAX)
    }

    pub(crate) fn amount(value: Decimal) -> Self {
        Self {
            price: Some(value),
            ..Self::default()
        }
    }
}

/// Items as sent: a number, one Item or a list; written back in the same shape.
#[derive(Clone)]
pub(crate) enum Items {
    Amount(Decimal),
    One(Item),
    List(Vec<Item>),
}

impl Items {
    pub(crate) fn to_list(&self) -> Vec<Item> {
        match self {
            Self::Amount(value) => vec![Item::amount(*value)],
            Self::One(item) => vec![item.clone()],
            Self::List(items) => items.clone(),
        }
    }

    /// The sum of the items' totals, or `None` when it is beyond what a decimal holds.
    pub(crate) fn checked_total(&self) -> Option<Decimal> {
        self.to_list().iter().try_fold(Decimal::ZERO, |sum, item| {
            sum.checked_add(item.checked_total()?)
        })
    }

    /// [`Items::checked_total`] of items that were accepted (saturating, never panicking).
    pub(crate) fn total(&self) -> Decimal {
        self.checked_total().unwrap_or(Decimal::MAX)
    }
}

/// A payment method (a tokenized card).
#[derive(Clone)]
pub(crate) struct Method {
    pub(crate) kind: &'static str,
    pub(crate) created: OffsetDateTime,
    pub(crate) token: String,
    pub(crate) scheme: &'static str,
    pub(crate) iin: String,
    pub(crate) last4: String,
    pub(crate) expires: [u8; 2],
}

/// A single-use login link.
#[derive(Clone)]
pub(crate) struct Link {
    pub(crate) url: String,
    pub(crate) id: String,
    pub(crate) created: OffsetDateTime,
    pub(crate) expires: OffsetDateTime,
    pub(crate) key: String,
    pub(crate) contact: Option<String>,
    pub(crate) used: bool,
}

/// A subscription.
#[derive(Clone)]
pub(crate) struct Subscription {
    pub(crate) id: String,
    pub(crate) number: Option<String>,
    pub(crate) items: Items,
    pub(crate) currency: String,
    pub(crate) schedule: Box<RawValue>,
    pub(crate) start: Date,
    pub(crate) end: Option<Date>,
    pub(crate) callback: Option<String>,
    pub(crate) due: Option<Date>,
}

/// An account.
#[derive(Clone)]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) number: Option<String>,
    pub(crate) customer: Option<serde_json::Value>,
    pub(crate) method: Vec<Method>,
    pub(crate) link: Vec<Link>,
    pub(crate) status: &'static str,
    pub(crate) subscription: Vec<Subscription>,
    pub(crate) currency: String,
    pub(crate) schedule: Option<Box<RawValue>>,
    pub(crate) limit: Option<Decimal>,
    pub(crate) total: Decimal,
    pub(crate) balance: Vec<Item>,
    pub(crate) due: Option<Date>,
}

impl Account {
    /// Recomputes `total` from the balance items and `due` from the subscriptions.
    pub(crate) fn refresh(&mut self) {
        let mut total = self
            .balance
            .iter()
            .fold(Decimal::ZERO, |sum, item| sum.saturating_add(item.total()));
        total.rescale(total.scale().max(2));
        self.total = total;
        self.due = self.subscription.iter().filter_map(|s| s.due).min();
    }
}

/// An order event.
#[derive(Clone)]
pub(crate) struct Event {
    pub(crate) kind: &'static str,
    pub(crate) date: OffsetDateTime,
    pub(crate) amount: Option<Decimal>,
}

/// How an order is paid.
#[derive(Clone)]
pub(crate) struct Payment {
    pub(crate) kind: Option<&'static str>,
    pub(crate) account: Option<String>,
    pub(crate) charge: Option<&'static str>,
    pub(crate) amount: Option<Decimal>,
    pub(crate) currency: Option<String>,
}

/// An order.
#[derive(Clone)]
pub(crate) struct Order {
    pub(crate) id: String,
    pub(crate) number: Option<String>,
    pub(crate) client: Option<String>,
    pub(crate) created: OffsetDateTime,
    pub(crate) customer: Option<serde_json::Value>,
    pub(crate) items: Items,
    pub(crate) currency: String,
    pub(crate) payment: Payment,
    pub(crate) theme: Option<String>,
    pub(crate) meta: Option<Box<RawValue>>,
    pub(crate) callback: Option<String>,
    pub(crate) event: Vec<Event>,
}

/// Everything PayFunc remembers.
pub(crate) struct State {
    pub(crate) rng: fastrand::Rng,
    pub(crate) accounts: Vec<Account>,
    pub(crate) orders: Vec<Order>,
    /// Account keys: key -> (account id, expiry).
    pub(crate) keys: HashMap<String, (String, OffsetDateTime)>,
}

fn amount(text: &str) -> Decimal {
    // Seed literals only: every one is a valid decimal, checked by the seed test.
    Decimal::from_str(text).unwrap_or_default()
}

fn raw(json: &str) -> Option<Box<RawValue>> {
    RawValue::from_string(json.to_owned()).ok()
}

fn item(name: &str, price: &str, vat: &str) -> Item {
    Item {
        name: Some(name.into()),
        price: Some(amount(price)),
        vat: Some(amount(vat)),
        ..Item::default()
    }
}

pub(crate) fn noon(date: Date) -> OffsetDateTime {
    date.with_time(time::Time::MIDNIGHT).assume_utc() + time::Duration::hours(12)
}

/// Adds whole months, clamping the day to the month's length.
pub(crate) fn add_months(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let (year, month) = (
        index.div_euclid(12),
        u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1),
    );
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// The next date a schedule falls due on, on or after `from`, stepping from `start`.
pub(crate) fn next_due(frequency: &str, start: Date, from: Date) -> Date {
    let mut due = start;
    let mut steps = 0;
    while due < from && steps < 100_000 {
        steps += 1;
        due = match frequency {
            "daily" => due + time::Duration::days(1),
            "weekly" => due + time::Duration::days(7),
            "quarterly" => add_months(start, steps * 3),
            "yearly" => add_months(start, steps * 12),
            _ => add_months(start, steps),
        };
    }
    due
}

impl State {
    pub(crate) fn seeded(seed: &SeedConfig, today: Date) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed.seed ^ 0x9f0c);
        let start = add_months(today, -5);
        let fiber = Subscription {
            id: "fbr1".into(),
            number: Some("SUB-1001".into()),
            items: Items::One(item("Fiber 1000/1000", "449.00", "112.25")),
            currency: "SEK".into(),
            schedule: raw("\"monthly\"").unwrap_or_default(),
            start,
            end: None,
            callback: None,
            due: Some(next_due("monthly", start, today)),
        };
        let mut demo = Account {
            id: P4P_ACCOUNT_ID.into(),
            number: Some("KUND-100001".into()),
            customer: Some(serde_json::json!({
                "type": "person",
                "name": "Astrid Lindqvist",
                "email": "astrid.lindqvist@example.com",
                "phone": "+46701234567",
                "address": {"street": "Storgatan 1", "zipCode": "11122", "city": "Stockholm", "countryCode": "SE"},
            })),
            method: vec![Method {
                kind: "card",
                created: noon(add_months(today, -6)),
                token: "sandbox-card-token-visa-1111".into(),
                scheme: "visa",
                iin: "411111".into(),
                last4: "1111".into(),
                expires: [12, 29],
            }],
            link: Vec::new(),
            status: "active",
            subscription: vec![fiber],
            currency: "SEK".into(),
            schedule: raw("\"monthly\""),
            limit: Some(amount("5000.00")),
            total: Decimal::ZERO,
            balance: vec![
                item("Fiber 1000/1000, maj", "449.00", "112.25"),
                item("Routerhyra", "39.20", "9.80"),
            ],
            due: None,
        };
        demo.refresh();
        let mut orders = vec![Order {
            id: "Bl7mF3S382kFbn5U".into(),
            number: Some("ORD-2001".into()),
            client: None,
            created: noon(today - time::Duration::days(31)),
            customer: None,
            items: Items::List(vec![item("Fiber 1000/1000, april", "449.00", "112.25")]),
            currency: "SEK".into(),
            payment: Payment {
                kind: Some("account"),
                account: Some(P4P_ACCOUNT_ID.into()),
                charge: Some("balance"),
                amount: Some(amount("561.25")),
                currency: Some("SEK".into()),
            },
            theme: None,
            meta: None,
            callback: None,
            event: vec![
                Event {
                    kind: "order",
                    date: noon(today - time::Duration::days(31)),
                    amount: None,
                },
                Event {
                    kind: "charge",
                    date: noon(today - time::Duration::days(31)),
                    amount: Some(amount("561.25")),
                },
            ],
        }];
        let mut accounts = vec![demo];
        for n in 0..seed.customers {
            let id: String = (0..16).map(|_| rng.alphanumeric()).collect();
            let mut balance = Vec::new();
            for t in 0..seed.transactions_per_customer.min(50) {
                let price = Decimal::new(i64::from(rng.u32(1_000..100_000)), 2);
                let mut vat = price / Decimal::from(4);
                vat = vat.round_dp(2);
                balance.push(Item {
                    name: Some(format!("Tjänst {}", t + 1)),
                    price: Some(price),
                    vat: Some(vat),
                    ..Item::default()
                });
            }
            let mut account = Account {
                id: id.clone(),
                number: Some(format!("KUND-{}", 100_002 + n)),
                customer: Some(
                    serde_json::json!({"type": "person", "name": format!("Kund {}", n + 1)}),
                ),
                method: Vec::new(),
                link: Vec::new(),
                status: "created",
                subscription: Vec::new(),
                currency: "SEK".into(),
                schedule: raw("\"monthly\""),
                limit: None,
                total: Decimal::ZERO,
                balance,
                due: None,
            };
            account.refresh();
            accounts.push(account);
            let order_id: String = (0..16).map(|_| rng.alphanumeric()).collect();
            orders.push(Order {
                id: order_id,
                number: None,
                client: None,
                created: noon(today - time::Duration::days(3)),
                customer: None,
                items: Items::Amount(amount("99.00")),
                currency: "SEK".into(),
                payment: Payment {
                    kind: Some("account"),
                    account: Some(id),
                    charge: Some("auto"),
                    amount: None,
                    currency: None,
                },
                theme: None,
                meta: None,
                callback: None,
                event: vec![Event {
                    kind: "order",
                    date: noon(today - time::Duration::days(3)),
                    amount: None,
                }],
            });
        }
        Self {
            rng,
            accounts,
            orders,
            keys: HashMap::new(),
        }
    }

    /// A new 16-character id.
    pub(crate) fn new_id(&mut self) -> String {
        (0..16).map(|_| self.rng.alphanumeric()).collect()
    }

    pub(crate) fn account_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_totals_and_schedule() {
        let today = time::macros::date!(2026 - 01 - 31);
        let state = State::seeded(&SeedConfig::default(), today);
        assert_eq!(state.accounts[0].total.to_string(), "610.25");
        assert_eq!(add_months(today, 1), time::macros::date!(2026 - 02 - 28));
        assert_eq!(add_months(today, -13), time::macros::date!(2024 - 12 - 31));
        assert_eq!(
            next_due("weekly", today, today + time::Duration::days(8)),
            today + time::Duration::days(14)
        );
    }
}
