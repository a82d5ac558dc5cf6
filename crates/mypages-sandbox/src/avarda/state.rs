//! Avarda's state: partner tokens, verified customer tokens, strong-authentication sessions,
//! customers with their invoices and accounts, and payments started with `Pay`.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use time::{Date, OffsetDateTime, Time};

use crate::credentials::{AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID};
use crate::ids::{base64url, guid};
use crate::sandbox::{SandboxError, SeedConfig};

/// One transaction on an invoice or account.
#[derive(Clone)]
pub(crate) struct Transaction {
    pub(crate) description: String,
    pub(crate) notes: String,
    pub(crate) amount: Decimal,
    pub(crate) tax_amount: Decimal,
    pub(crate) tax_code: String,
    pub(crate) transaction_type: String,
    pub(crate) transaction_date: OffsetDateTime,
    pub(crate) order_reference: String,
}

/// Annual percentage rate figures of a credit.
#[derive(Clone)]
pub(crate) struct AprData {
    pub(crate) credit_amount: Decimal,
    pub(crate) months: i32,
    pub(crate) per_month: Decimal,
    pub(crate) percent: Decimal,
    pub(crate) total_credit: Decimal,
    pub(crate) total_amount: Decimal,
    pub(crate) interest_rate: Decimal,
    pub(crate) invoice_fee: Decimal,
}

/// An invoice or an account (Avarda lists both with the same core fields).
#[derive(Clone)]
pub(crate) struct Ledger {
    pub(crate) id: String,
    pub(crate) invoice_date: Option<OffsetDateTime>,
    pub(crate) currency: &'static str,
    pub(crate) balance: Decimal,
    pub(crate) kind: &'static str,
    pub(crate) due_date: OffsetDateTime,
    pub(crate) account_date: OffsetDateTime,
    pub(crate) state: &'static str,
    pub(crate) payment_reference: String,
    pub(crate) purchase_id: Vec<String>,
    pub(crate) postponed: Option<bool>,
    pub(crate) my_pages_live_url: String,
    pub(crate) scheduled_payment_amount: Option<Decimal>,
    pub(crate) scheduled_payment_charge_date: Option<OffsetDateTime>,
    pub(crate) transactions: Vec<Transaction>,
    pub(crate) minimum_amount_to_pay: Decimal,
    pub(crate) original_amount: Decimal,
    pub(crate) receiver: String,
    pub(crate) bank_account: String,
    pub(crate) apr_data: Option<AprData>,
    pub(crate) order_reference: Vec<String>,
}

/// One customer: the purchases that identify them, their invoices and their accounts.
pub(crate) struct Customer {
    pub(crate) purchase_ids: Vec<String>,
    pub(crate) invoices: Vec<Ledger>,
    pub(crate) accounts: Vec<Ledger>,
}

/// A strong-authentication session behind a `redirectUrl`.
pub(crate) struct AuthSession {
    pub(crate) customer_token: String,
    pub(crate) return_url: String,
}

/// Where a payment stands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PaymentState {
    Unpaid,
    Paid,
    Cancelled,
}

impl PaymentState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Unpaid => "Unpaid",
            Self::Paid => "Paid",
            Self::Cancelled => "Cancelled",
        }
    }
}

/// A payment started with `POST /Pay`.
pub(crate) struct Payment {
    pub(crate) account_id: String,
    pub(crate) amount: Decimal,
    pub(crate) currency: &'static str,
    pub(crate) state: PaymentState,
}

/// Everything Avarda remembers.
pub(crate) struct State {
    pub(crate) rng: fastrand::Rng,
    /// Partner tokens and when they expire.
    pub(crate) tokens: HashMap<String, OffsetDateTime>,
    /// Customer tokens that passed strong authentication.
    pub(crate) verified: HashSet<String>,
    pub(crate) sessions: HashMap<String, AuthSession>,
    pub(crate) customers: Vec<Customer>,
    pub(crate) payments: HashMap<String, Payment>,
}

fn amount(text: &str) -> Decimal {
    // Seed literals only: every one is a valid decimal, checked by the seed test.
    Decimal::from_str(text).unwrap_or_default()
}

fn at_noon(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_utc() + time::Duration::hours(12)
}

impl State {
    pub(crate) fn seeded(seed: &SeedConfig, today: Date) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed.seed ^ 0xa7a2da);
        let mut customers = vec![demo_customer(&mut rng, today)];
        for n in 0..seed.customers {
            customers.push(generated_customer(
                &mut rng,
                today,
                n,
                seed.transactions_per_customer,
            ));
        }
        Self {
            rng,
            tokens: HashMap::new(),
            verified: HashSet::from([AVARDA_CUSTOMER_TOKEN.to_owned()]),
            sessions: HashMap::new(),
            customers,
            payments: HashMap::new(),
        }
    }

    /// A new GUID-shaped id.
    pub(crate) fn guid(&mut self) -> String {
        guid(&mut self.rng)
    }

    /// A new random token of `len` URL-safe characters.
    pub(crate) fn random_text(&mut self, len: usize) -> String {
        (0..len).map(|_| self.rng.alphanumeric()).collect()
    }

    /// Issues a partner token valid for `lifetime`.
    pub(crate) fn issue_token(
        &mut self,
        client_id: &str,
        lifetime: Duration,
    ) -> (String, OffsetDateTime) {
        let now = OffsetDateTime::now_utc();
        let expires = now + lifetime;
        let header = base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
        let claims = serde_json::json!({
            "iss": "https://sandbox.avarda.invalid",
            "sub": client_id,
            "iat": now.unix_timestamp(),
            "exp": expires.unix_timestamp(),
            "jti": self.guid(),
        });
        let payload = base64url(claims.to_string().as_bytes());
        let signature: Vec<u8> = (0..32).map(|_| self.rng.u8(..)).collect();
        let token = format!("{header}.{payload}.{}", base64url(&signature));
        self.tokens.retain(|_, expiry| *expiry > now);
        self.tokens.insert(token.clone(), expires);
        (token, expires)
    }

    /// Whether a partner token is known and not expired.
    pub(crate) fn token_valid(&self, token: &str) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|expiry| *expiry > OffsetDateTime::now_utc())
    }

    pub(crate) fn verify(&mut self, customer_token: &str) {
        self.verified.insert(customer_token.to_owned());
    }

    /// The customer a purchase id belongs to.
    pub(crate) fn customer_by_purchase(&self, purchase_id: &str) -> Option<usize> {
        self.customers
            .iter()
            .position(|c| c.purchase_ids.iter().any(|p| p == purchase_id))
    }

    /// The invoice or account with this id, anywhere.
    pub(crate) fn payable_mut(&mut self, id: &str) -> Option<&mut Ledger> {
        self.customers
            .iter_mut()
            .flat_map(|c| c.invoices.iter_mut().chain(c.accounts.iter_mut()))
            .find(|ledger| ledger.id.eq_ignore_ascii_case(id))
    }

    /// Completes (`paid`) or cancels an unpaid payment.
    pub(crate) fn finish_payment(
        &mut self,
        purchase_id: &str,
        paid: bool,
        today: Date,
    ) -> Result<(), SandboxError> {
        let payment = self.payments.get_mut(purchase_id).ok_or_else(|| {
            SandboxError::NotFound(format!(
                "no Avarda payment has purchase id {purchase_id:?}; start one with POST /Pay"
            ))
        })?;
        if payment.state != PaymentState::Unpaid {
            return Err(SandboxError::Conflict(format!(
                "the Avarda payment {purchase_id:?} is already {}",
                payment.state.as_str()
            )));
        }
        if !paid {
            payment.state = PaymentState::Cancelled;
            return Ok(());
        }
        payment.state = PaymentState::Paid;
        let (account_id, paid_amount) = (payment.account_id.clone(), payment.amount);
        if let Some(ledger) = self.payable_mut(&account_id) {
            ledger.balance = (ledger.balance - paid_amount).max(Decimal::ZERO);
            ledger.balance.rescale(2);
            ledger.minimum_amount_to_pay = ledger.minimum_amount_to_pay.min(ledger.balance);
            if ledger.balance.is_zero() {
                ledger.state = "Paid";
                ledger.scheduled_payment_amount = None;
                ledger.scheduled_payment_charge_date = None;
            }
            ledger.transactions.push(Transaction {
                description: "Betalning via Avarda Checkout".into(),
                notes: format!("purchase {purchase_id}"),
                amount: -paid_amount,
                tax_amount: Decimal::new(0, 2),
                tax_code: String::new(),
                transaction_type: "Payment".into(),
                transaction_date: at_noon(today),
                order_reference: purchase_id.to_owned(),
            });
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn ledger(
    rng: &mut fastrand::Rng,
    kind: &'static str,
    state: &'static str,
    balance: Decimal,
    original: Decimal,
    minimum: Decimal,
    issued: Date,
    due: Date,
    purchase_ids: Vec<String>,
) -> Ledger {
    let id = guid(rng);
    let reference: String = (0..12).map(|_| char::from(b'0' + rng.u8(..10))).collect();
    Ledger {
        my_pages_live_url: format!("https://sandbox.avarda.invalid/live/{id}"),
        id,
        invoice_date: Some(at_noon(issued)),
        currency: "SEK",
        balance,
        kind,
        due_date: at_noon(due),
        account_date: at_noon(issued),
        state,
        payment_reference: reference,
        purchase_id: purchase_ids,
        postponed: Some(false),
        scheduled_payment_amount: None,
        scheduled_payment_charge_date: None,
        transactions: Vec::new(),
        minimum_amount_to_pay: minimum,
        original_amount: original,
        receiver: "Avarda AB".into(),
        bank_account: "5020-9877".into(),
        apr_data: None,
        order_reference: Vec::new(),
    }
}

fn purchase(
    description: &str,
    amount_text: &str,
    tax: &str,
    date: Date,
    order: &str,
) -> Transaction {
    Transaction {
        description: description.into(),
        notes: String::new(),
        amount: amount(amount_text),
        tax_amount: amount(tax),
        tax_code: "25".into(),
        transaction_type: "Purchase".into(),
        transaction_date: at_noon(date),
        order_reference: order.into(),
    }
}

fn demo_customer(rng: &mut fastrand::Rng, today: Date) -> Customer {
    let days = time::Duration::days;
    let purchases = vec![
        AVARDA_PURCHASE_ID.to_owned(),
        "sandbox-purchase-2".to_owned(),
    ];

    let mut open = ledger(
        rng,
        "Invoice",
        "Unpaid",
        amount("1249.50"),
        amount("1249.50"),
        amount("1249.50"),
        today - days(10),
        today + days(20),
        vec![AVARDA_PURCHASE_ID.to_owned()],
    );
    open.transactions.push(purchase(
        "Vinterjacka, stl M",
        "1249.50",
        "249.90",
        today - days(10),
        "SO-10042",
    ));
    open.order_reference.push("SO-10042".into());

    let mut paid = ledger(
        rng,
        "Invoice",
        "Paid",
        amount("0.00"),
        amount("349.00"),
        amount("0.00"),
        today - days(45),
        today - days(15),
        vec!["sandbox-purchase-2".to_owned()],
    );
    paid.transactions.push(purchase(
        "Mössa, ull",
        "349.00",
        "69.80",
        today - days(45),
        "SO-09871",
    ));
    paid.transactions.push(Transaction {
        description: "Inbetalning".into(),
        notes: String::new(),
        amount: amount("-349.00"),
        tax_amount: amount("0.00"),
        tax_code: String::new(),
        transaction_type: "Payment".into(),
        transaction_date: at_noon(today - days(20)),
        order_reference: "SO-09871".into(),
    });
    paid.order_reference.push("SO-09871".into());

    let mut overdue = ledger(
        rng,
        "Invoice",
        "Overdue",
        amount("2000.00"),
        amount("1940.00"),
        amount("2000.00"),
        today - days(40),
        today - days(10),
        vec![AVARDA_PURCHASE_ID.to_owned()],
    );
    overdue.transactions.push(purchase(
        "Kaffebryggare",
        "1940.00",
        "388.00",
        today - days(40),
        "SO-09920",
    ));
    overdue.transactions.push(Transaction {
        description: "Påminnelseavgift".into(),
        notes: String::new(),
        amount: amount("60.00"),
        tax_amount: amount("0.00"),
        tax_code: String::new(),
        transaction_type: "ReminderFee".into(),
        transaction_date: at_noon(today - days(5)),
        order_reference: String::new(),
    });

    let mut loan = ledger(
        rng,
        "Loan",
        "PaymentScheduled",
        amount("24999.90"),
        amount("30000.00"),
        amount("1250.00"),
        today - days(200),
        today + days(12),
        purchases.clone(),
    );
    loan.invoice_date = None;
    loan.postponed = None;
    loan.scheduled_payment_amount = Some(amount("1250.00"));
    loan.scheduled_payment_charge_date = Some(at_noon(today + days(12)));
    loan.apr_data = Some(AprData {
        credit_amount: amount("30000.00"),
        months: 24,
        per_month: amount("1408.33"),
        percent: amount("12.47"),
        total_credit: amount("3799.92"),
        total_amount: amount("33799.92"),
        interest_rate: amount("9.95"),
        invoice_fee: amount("29.00"),
    });
    loan.transactions.push(purchase(
        "Soffa Lund 3-sits",
        "30000.00",
        "6000.00",
        today - days(200),
        "SO-07711",
    ));
    loan.transactions.push(Transaction {
        description: "Amortering".into(),
        notes: "Autogiro".into(),
        amount: amount("-5000.10"),
        tax_amount: amount("0.00"),
        tax_code: String::new(),
        transaction_type: "Payment".into(),
        transaction_date: at_noon(today - days(20)),
        order_reference: "SO-07711".into(),
    });
    loan.order_reference.push("SO-07711".into());

    // An invoice that lives on as an account (Avarda's `Invoice` account type): its own
    // debt, not a copy of one of the invoices above, so an overview lists no debt twice.
    let mut account_invoice = ledger(
        rng,
        "Invoice",
        "Unpaid",
        amount("349.00"),
        amount("349.00"),
        amount("349.00"),
        today - days(12),
        today + days(18),
        vec![AVARDA_PURCHASE_ID.to_owned()],
    );
    account_invoice.transactions.push(purchase(
        "Vattenkokare",
        "349.00",
        "69.80",
        today - days(12),
        "SO-10233",
    ));
    account_invoice.invoice_date = None;

    Customer {
        purchase_ids: purchases,
        invoices: vec![open, paid, overdue],
        accounts: vec![loan, account_invoice],
    }
}

fn generated_customer(
    rng: &mut fastrand::Rng,
    today: Date,
    n: usize,
    transactions: usize,
) -> Customer {
    let purchase_id = format!("sandbox-purchase-{:03}", n + 1);
    let mut invoices = Vec::new();
    for i in 0..2 {
        let cents = i64::from(rng.u32(10_000..500_000));
        let value = Decimal::new(cents, 2);
        let issued = today - time::Duration::days(i64::from(rng.u8(1..60)));
        let paid = i == 1;
        let mut invoice = ledger(
            rng,
            "Invoice",
            if paid { "Paid" } else { "Unpaid" },
            if paid { Decimal::new(0, 2) } else { value },
            value,
            if paid { Decimal::new(0, 2) } else { value },
            issued,
            issued + time::Duration::days(30),
            vec![purchase_id.clone()],
        );
        for t in 0..transactions {
            let part = Decimal::new(i64::from(rng.u32(1_000..50_000)), 2);
            invoice.transactions.push(Transaction {
                description: format!("Artikel {}", t + 1),
                notes: String::new(),
                amount: part,
                tax_amount: (part / Decimal::from(5)).round_dp(2),
                tax_code: "25".into(),
                transaction_type: "Purchase".into(),
                transaction_date: at_noon(issued),
                order_reference: format!("GO-{n}-{i}-{t}"),
            });
        }
        invoices.push(invoice);
    }
    let mut loan = invoices[0].clone();
    loan.id = guid(rng);
    loan.kind = "Loan";
    loan.invoice_date = None;
    Customer {
        purchase_ids: vec![purchase_id],
        invoices,
        accounts: vec![loan],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_amounts_are_exact() {
        let state = State::seeded(&SeedConfig::default(), time::macros::date!(2026 - 01 - 15));
        let demo = &state.customers[0];
        assert_eq!(demo.invoices[0].balance.to_string(), "1249.50");
        assert_eq!(demo.accounts[0].balance.to_string(), "24999.90");
        assert_eq!(state.customers.len(), 6);
    }
}
