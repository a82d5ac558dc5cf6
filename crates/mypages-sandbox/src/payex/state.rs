//! PayEx's state: customers and their accounts, with bills, cards, transactions,
//! reservations and recurring-payment settings.

use std::collections::HashSet;
use std::str::FromStr;

use rust_decimal::Decimal;
use time::{Date, Duration};

use crate::credentials::PAYEX_CUSTOMER_NO;
use crate::sandbox::SeedConfig;

/// The owner of accounts.
#[derive(Clone)]
pub(crate) struct Customer {
    pub(crate) customer_no: String,
    pub(crate) name: String,
    pub(crate) reg_no: String,
    pub(crate) email: String,
    pub(crate) msisdn: String,
}

/// A bill or reminder.
#[derive(Clone)]
pub(crate) struct Bill {
    pub(crate) bill_no: String,
    /// `Bill`, `Reminder1`, `Reminder2` or `Collection`.
    pub(crate) bill_type: &'static str,
    pub(crate) bill_date: Date,
    pub(crate) due_date: Date,
    pub(crate) amount: Decimal,
    /// What is left to pay; the bill closes when it reaches zero.
    pub(crate) remaining: Decimal,
    pub(crate) minimum: Decimal,
    pub(crate) open: bool,
    pub(crate) payment_reference: String,
}

impl Bill {
    /// The id in routes: `bill-2001`, `reminder-2004`.
    pub(crate) fn id(&self) -> String {
        let prefix = match self.bill_type {
            "Bill" => "bill",
            "Collection" => "collection",
            _ => "reminder",
        };
        format!("{prefix}-{}", self.bill_no)
    }

    /// Whether `id` names this bill (`bill-2001`, or the bare `2001`).
    pub(crate) fn is(&self, id: &str) -> bool {
        self.id().eq_ignore_ascii_case(id) || self.bill_no == id
    }
}

/// A card on an account.
#[derive(Clone)]
pub(crate) struct Card {
    pub(crate) token: String,
    pub(crate) pan_trunc: Option<String>,
    pub(crate) deleted: bool,
    pub(crate) main_card: bool,
    pub(crate) holder_number: Option<String>,
    pub(crate) holder_name: Option<String>,
    pub(crate) national_id: Option<(String, Option<String>)>,
}

/// A booked transaction. Positive amounts increase debt.
#[derive(Clone)]
pub(crate) struct Transaction {
    /// One of the documented transaction types (`Payment`, `Purchase`, ...).
    pub(crate) kind: &'static str,
    pub(crate) description: String,
    pub(crate) amount: Decimal,
    pub(crate) point_of_sale: bool,
    pub(crate) date: Date,
}

/// An account's transactions, newest first (those of one day in the order they were
/// booked), so a date range is two binary searches and a page is a slice of it: listing
/// costs O(log n + page size), not a filter and sort of the whole list per page.
#[derive(Clone, Default)]
pub(crate) struct Transactions(Vec<Transaction>);

impl Transactions {
    /// Books `transaction`: after those of its day and later days, before older ones.
    pub(crate) fn push(&mut self, transaction: Transaction) {
        let at = self.0.partition_point(|t| t.date >= transaction.date);
        self.0.insert(at, transaction);
    }

    /// The transactions dated `start` to `end` (both included), newest first.
    pub(crate) fn between(&self, start: Date, end: Date) -> &[Transaction] {
        let first = self.0.partition_point(|t| t.date > end);
        let past = self.0.partition_point(|t| t.date >= start);
        self.0.get(first..past).unwrap_or_default()
    }

    /// How many there are.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<Vec<Transaction>> for Transactions {
    /// Orders `transactions` (in booking order) newest first; a day's keep their order.
    fn from(mut transactions: Vec<Transaction>) -> Transactions {
        transactions.sort_by_key(|t| std::cmp::Reverse(t.date));
        Transactions(transactions)
    }
}

/// An outstanding reservation.
#[derive(Clone)]
pub(crate) struct Reservation {
    pub(crate) amount: Decimal,
    pub(crate) description: String,
    pub(crate) date: Date,
}

/// Recurring-payment settings.
#[derive(Clone)]
pub(crate) struct Recurring {
    /// `fixedRecurring`, `totalDebt` or `billedAmount`.
    pub(crate) scope: &'static str,
    pub(crate) fixed_amount: Option<Decimal>,
}

/// An account.
#[derive(Clone)]
pub(crate) struct Account {
    pub(crate) account_no: String,
    pub(crate) customer_no: String,
    pub(crate) start_date: Date,
    pub(crate) description: Option<String>,
    pub(crate) profile_type: String,
    pub(crate) alias: String,
    pub(crate) status: &'static str,
    pub(crate) credit_limit: Decimal,
    pub(crate) total_balance: Decimal,
    /// How far past zero a payment may take the balance (`maxPaymentAmount` is the debt
    /// plus this).
    pub(crate) surplus_cap: Decimal,
    pub(crate) charity_donation: bool,
    pub(crate) debt_interest: Decimal,
    pub(crate) penalty_interest: Decimal,
    pub(crate) bankgiro: String,
    pub(crate) payment_reference: String,
    pub(crate) currency: &'static str,
    pub(crate) bills: Vec<Bill>,
    pub(crate) cards: Vec<Card>,
    pub(crate) transactions: Transactions,
    pub(crate) reservations: Vec<Reservation>,
    pub(crate) recurring: Option<Recurring>,
    /// `sourcePspPaymentTransactionId`s already booked (a repeat is not booked twice).
    pub(crate) psp_payments: HashSet<String>,
}

impl Account {
    pub(crate) fn reserved(&self) -> Decimal {
        let mut sum: Decimal = self.reservations.iter().map(|r| r.amount).sum();
        sum.rescale(2);
        sum
    }

    pub(crate) fn available(&self) -> Decimal {
        let mut available =
            (self.credit_limit - self.total_balance - self.reserved()).max(Decimal::ZERO);
        available.rescale(2);
        available
    }

    pub(crate) fn max_payment(&self) -> Decimal {
        self.total_balance.max(Decimal::ZERO) + self.surplus_cap
    }

    /// The open bill the account links to (the latest open one).
    pub(crate) fn open_bill(&self) -> Option<&Bill> {
        self.bills
            .iter()
            .filter(|b| b.open)
            .max_by_key(|b| b.bill_date)
    }

    /// Books a payment: the balance goes down, a `Payment` transaction is added, and open
    /// bills are settled oldest first.
    pub(crate) fn book_payment(&mut self, amount: Decimal, date: Date) {
        self.total_balance -= amount;
        self.transactions.push(Transaction {
            kind: "Payment",
            description: "Inbetalning".into(),
            amount: -amount,
            point_of_sale: false,
            date,
        });
        let mut left = amount;
        let mut open: Vec<&mut Bill> = self.bills.iter_mut().filter(|b| b.open).collect();
        open.sort_by_key(|b| b.due_date);
        for bill in open {
            if left <= Decimal::ZERO {
                break;
            }
            let paid = left.min(bill.remaining);
            bill.remaining -= paid;
            left -= paid;
            bill.minimum = bill.minimum.min(bill.remaining);
            if bill.remaining <= Decimal::ZERO {
                bill.open = false;
            }
        }
    }
}

/// Everything PayEx remembers.
pub(crate) struct State {
    pub(crate) customers: Vec<Customer>,
    pub(crate) accounts: Vec<Account>,
}

fn amount(text: &str) -> Decimal {
    // Seed literals only: every one is a valid decimal, checked by the seed test.
    Decimal::from_str(text).unwrap_or_default()
}

fn tx(
    kind: &'static str,
    description: &str,
    value: &str,
    point_of_sale: bool,
    date: Date,
) -> Transaction {
    Transaction {
        kind,
        description: description.into(),
        amount: amount(value),
        point_of_sale,
        date,
    }
}

fn card(token: &str, pan: &str, main: bool, deleted: bool, holder: (&str, &str)) -> Card {
    Card {
        token: token.into(),
        pan_trunc: Some(pan.into()),
        deleted,
        main_card: main,
        holder_number: Some(holder.0.into()),
        holder_name: Some(holder.1.into()),
        national_id: Some(("19121212-1212".into(), Some("SE".into()))),
    }
}

#[allow(clippy::too_many_arguments)]
fn bill(
    no: &str,
    kind: &'static str,
    billed: Date,
    due: Date,
    value: &str,
    left: &str,
    min: &str,
    reference: &str,
) -> Bill {
    Bill {
        bill_no: no.into(),
        bill_type: kind,
        bill_date: billed,
        due_date: due,
        amount: amount(value),
        remaining: amount(left),
        minimum: amount(min),
        open: amount(left) > Decimal::ZERO,
        payment_reference: reference.into(),
    }
}

fn account(no: &str, customer: &str, start: Date) -> Account {
    Account {
        account_no: no.into(),
        customer_no: customer.into(),
        start_date: start,
        description: None,
        profile_type: "kontokredit".into(),
        alias: "kontokredit1".into(),
        status: "Open",
        credit_limit: amount("10000.00"),
        total_balance: amount("0.00"),
        surplus_cap: amount("50000.00"),
        charity_donation: false,
        debt_interest: amount("14.95"),
        penalty_interest: amount("22.95"),
        bankgiro: "5050-1055".into(),
        payment_reference: format!("{no}0017"),
        currency: "sek",
        bills: Vec::new(),
        cards: Vec::new(),
        transactions: Transactions::default(),
        reservations: Vec::new(),
        recurring: None,
        psp_payments: HashSet::new(),
    }
}

impl State {
    pub(crate) fn seeded(seed: &SeedConfig, today: Date) -> Self {
        let d = Duration::days;
        let mut customers = vec![Customer {
            customer_no: PAYEX_CUSTOMER_NO.into(),
            name: "Astrid Lindqvist".into(),
            reg_no: "19121212-1212".into(),
            email: "astrid.lindqvist@example.com".into(),
            msisdn: "+46701234567".into(),
        }];
        let holder = ("100001", "Astrid Lindqvist");

        let mut main = account("5000001", PAYEX_CUSTOMER_NO, today - d(900));
        main.description = Some("Kontokredit med kort".into());
        main.alias = "Kontokredit Plus".into();
        main.credit_limit = amount("20000.00");
        main.total_balance = amount("4821.35");
        main.charity_donation = true;
        main.bills = vec![
            bill(
                "2001",
                "Bill",
                today - d(78),
                today - d(48),
                "1249.50",
                "0.00",
                "0.00",
                "50000012001",
            ),
            bill(
                "2002",
                "Reminder1",
                today - d(40),
                today - d(26),
                "1930.25",
                "0.00",
                "0.00",
                "50000012002",
            ),
            bill(
                "2003",
                "Bill",
                today - d(18),
                today + d(12),
                "2000.00",
                "2000.00",
                "450.00",
                "50000012003",
            ),
            bill(
                "2004",
                "Bill",
                today - d(110),
                today - d(80),
                "875.00",
                "0.00",
                "0.00",
                "50000012004",
            ),
        ];
        main.cards = vec![
            card(
                "954c8699-b38f-47a2-b568-668b8837dad8",
                "547912******6482",
                true,
                false,
                holder,
            ),
            card(
                "274c8699-b38f-47a2-b568-668b8837da17",
                "547912******3210",
                false,
                false,
                ("100009", "Nils Lindqvist"),
            ),
            card(
                "0b5fa3c2-6d1e-4e58-9a1c-2f7e0c9d1a44",
                "547912******0051",
                false,
                true,
                holder,
            ),
        ];
        main.transactions = Transactions::from(vec![
            tx(
                "Purchase",
                "ICA Maxi Lindhagen, köpref. 88120",
                "1249.50",
                true,
                today - d(2),
            ),
            tx(
                "Purchase",
                "SJ AB, köpref. 5532",
                "695.00",
                true,
                today - d(4),
            ),
            tx("Payment", "Inbetalning", "-1500.00", false, today - d(6)),
            tx(
                "Purchase",
                "Clas Ohlson, köpref. 71002",
                "389.90",
                true,
                today - d(9),
            ),
            tx(
                "Credit",
                "Retur Clas Ohlson",
                "-129.90",
                true,
                today - d(11),
            ),
            tx("Interest", "Ränta", "58.42", false, today - d(18)),
            tx("BillingFee", "Aviavgift", "29.00", false, today - d(18)),
            tx(
                "Purchase",
                "Systembolaget, köpref. 3310",
                "412.00",
                true,
                today - d(25),
            ),
            tx(
                "Purchase",
                "Apoteket, köpref. 90017",
                "184.75",
                true,
                today - d(40),
            ),
            tx(
                "ReminderFee",
                "Påminnelseavgift",
                "60.00",
                false,
                today - d(40),
            ),
            tx("Payment", "Inbetalning", "-2000.00", false, today - d(47)),
            tx(
                "Purchase",
                "Elgiganten, köpref. 66001",
                "2499.00",
                true,
                today - d(60),
            ),
            tx(
                "MigratedBalance",
                "Överfört saldo",
                "3100.00",
                false,
                today - d(900),
            ),
        ]);
        main.reservations = vec![
            Reservation {
                amount: amount("200.00"),
                description: "Circle K Solna".into(),
                date: today - d(1),
            },
            Reservation {
                amount: amount("450.00"),
                description: "Hotell Rival".into(),
                date: today - d(3),
            },
        ];
        main.recurring = Some(Recurring {
            scope: "fixedRecurring",
            fixed_amount: Some(amount("1500.00")),
        });

        let mut food = account("5000002", PAYEX_CUSTOMER_NO, today - d(400));
        food.description = Some("Matkonto".into());
        food.profile_type = "kontodebet".into();
        food.alias = "matkonto1".into();
        food.credit_limit = amount("0.00");
        food.total_balance = amount("-120.00");
        // The harmless place for a 28-digit amount: how far past zero a payment may go.
        food.surplus_cap = amount("99999999999999999999999999.99");
        food.cards = vec![card(
            "7d0e8f1a-3b2c-4d5e-8f90-a1b2c3d4e5f6",
            "454871******1106",
            true,
            false,
            holder,
        )];
        food.transactions = Transactions::from(vec![
            tx("Payment", "Insättning", "-500.00", false, today - d(3)),
            tx(
                "Purchase",
                "Coop Odenplan, köpref. 1201",
                "380.00",
                true,
                today - d(2),
            ),
        ]);

        let mut closed = account("5000003", PAYEX_CUSTOMER_NO, today - d(2000));
        closed.description = Some("Avslutad kontofaktura".into());
        closed.profile_type = "kontofaktura".into();
        closed.alias = "kontofaktura1".into();
        closed.status = "Closed";
        closed.credit_limit = amount("0.00");
        closed.surplus_cap = amount("0.00");

        let mut accounts = vec![main, food, closed];
        let mut rng = fastrand::Rng::with_seed(seed.seed ^ 0x9a7e);
        for n in 0..seed.customers {
            let customer_no = format!("{}", 100_002 + n);
            customers.push(Customer {
                customer_no: customer_no.clone(),
                name: format!("Kund {}", n + 1),
                reg_no: "19900101-0017".into(),
                email: format!("kund{}@example.com", n + 1),
                msisdn: format!("+4670{:07}", 1_000_000 + n),
            });
            let mut generated =
                account(&format!("{}", 6_000_001 + n), &customer_no, today - d(500));
            let mut balance = Decimal::new(0, 2);
            let mut booked = Vec::with_capacity(seed.transactions_per_customer);
            for t in 0..seed.transactions_per_customer {
                let value = Decimal::new(i64::from(rng.u32(500..250_000)), 2);
                let payment = t % 5 == 4;
                let signed = if payment { -value } else { value };
                balance += signed;
                booked.push(Transaction {
                    kind: if payment { "Payment" } else { "Purchase" },
                    description: if payment {
                        "Inbetalning".into()
                    } else {
                        format!("Butik {}, köpref. {}", t % 7 + 1, 1000 + t)
                    },
                    amount: signed,
                    point_of_sale: !payment,
                    date: today - d(i64::from(rng.u16(0..90))),
                });
            }
            generated.transactions = Transactions::from(booked);
            generated.total_balance = balance;
            generated.credit_limit = Decimal::new(i64::from(rng.u32(5..50)) * 100_000, 2);
            generated.cards.push(Card {
                token: crate::ids::guid(&mut rng),
                pan_trunc: Some(format!("547912******{:04}", rng.u16(0..10_000))),
                deleted: false,
                main_card: true,
                holder_number: Some(customer_no.clone()),
                holder_name: Some(format!("Kund {}", n + 1)),
                national_id: None,
            });
            if balance > Decimal::ZERO {
                let mut minimum = (balance / Decimal::from(10))
                    .round_dp(2)
                    .max(Decimal::new(20_000, 2))
                    .min(balance);
                minimum.rescale(2);
                generated.bills.push(Bill {
                    bill_no: format!("{}", 9000 + n),
                    bill_type: "Bill",
                    bill_date: today - d(10),
                    due_date: today + d(20),
                    amount: balance,
                    remaining: balance,
                    minimum,
                    open: true,
                    payment_reference: format!("{}{}", generated.account_no, 9000 + n),
                });
            }
            accounts.push(generated);
        }
        Self {
            customers,
            accounts,
        }
    }

    pub(crate) fn account(&self, account_no: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.account_no == account_no)
    }

    pub(crate) fn account_mut(&mut self, account_no: &str) -> Option<&mut Account> {
        self.accounts
            .iter_mut()
            .find(|a| a.account_no == account_no)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn booked(day: Date, n: usize) -> Transaction {
        Transaction {
            kind: "Purchase",
            description: format!("purchase {n}"),
            amount: Decimal::new(100, 2),
            point_of_sale: true,
            date: day,
        }
    }

    /// What listing did before: filter the whole list, then a stable sort, newest first.
    fn filtered(all: &[Transaction], start: Date, end: Date) -> Vec<String> {
        let mut list: Vec<&Transaction> = all
            .iter()
            .filter(|t| t.date >= start && t.date <= end)
            .collect();
        list.sort_by_key(|t| std::cmp::Reverse(t.date));
        list.into_iter().map(|t| t.description.clone()).collect()
    }

    #[test]
    fn a_date_range_is_what_filtering_and_sorting_the_whole_list_gave() {
        let day0 = time::macros::date!(2026 - 01 - 01);
        let mut rng = fastrand::Rng::with_seed(7);
        let in_order: Vec<Transaction> = (0..500)
            .map(|n| booked(day0 + time::Duration::days(i64::from(rng.u8(0..40))), n))
            .collect();
        // Half seeded at once, half booked one by one: both keep a day's booking order.
        let mut ledger = Transactions::from(in_order[..250].to_vec());
        for t in &in_order[250..] {
            ledger.push(t.clone());
        }
        assert_eq!(ledger.len(), 500);
        for (from, to) in [
            (0, 39),
            (3, 3),
            (10, 20),
            (39, 39),
            (-5, 2),
            (38, 60),
            (20, 10),
        ] {
            let start = day0 + time::Duration::days(from);
            let end = day0 + time::Duration::days(to);
            let got: Vec<String> = ledger
                .between(start, end)
                .iter()
                .map(|t| t.description.clone())
                .collect();
            assert_eq!(got, filtered(&in_order, start, end), "{from}..={to}");
        }
    }

    #[test]
    fn a_payment_booked_today_lists_first() {
        let today = time::macros::date!(2026 - 01 - 15);
        let mut account = account("6000001", "100002", today);
        account.transactions = Transactions::from(vec![
            booked(today - time::Duration::days(1), 1),
            booked(today, 2),
        ]);
        account.book_payment(Decimal::new(5_000, 2), today);
        let kinds: Vec<&str> = account
            .transactions
            .between(Date::MIN, Date::MAX)
            .iter()
            .map(|t| t.kind)
            .collect();
        assert_eq!(kinds, ["Purchase", "Payment", "Purchase"]);
    }

    #[test]
    fn seed_is_consistent() {
        let state = State::seeded(&SeedConfig::default(), time::macros::date!(2026 - 01 - 15));
        let main = state.account("5000001").unwrap();
        assert_eq!(main.reserved().to_string(), "650.00");
        assert_eq!(main.available().to_string(), "14528.65");
        assert_eq!(main.open_bill().unwrap().id(), "bill-2003");
        let food = state.account("5000002").unwrap();
        assert_eq!(
            food.max_payment().to_string(),
            "99999999999999999999999999.99"
        );
        assert_eq!(state.accounts.len(), 3 + 5);
        assert_eq!(state.accounts[3].transactions.len(), 12);
    }
}
