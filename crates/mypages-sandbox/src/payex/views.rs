//! PayEx resources as they go on the wire, with their hypermedia links.

use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use super::ledger_root;
use super::state::{Account, Bill, Card, Customer, Recurring, Reservation, Transaction};
use crate::credentials::PAYEX_LEDGER;
use crate::wire::{ser_date, ser_decimal, ser_opt_decimal};

/// A hypermedia operation.
#[derive(Serialize)]
pub(crate) struct Operation {
    rel: &'static str,
    method: &'static str,
    href: String,
}

fn op(rel: &'static str, method: &'static str, href: String) -> Operation {
    Operation { rel, method, href }
}

/// The route of an account.
pub(crate) fn account_href(account_no: &str) -> String {
    format!("{}/accounts/{account_no}", ledger_root())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InterestRate {
    #[serde(serialize_with = "ser_decimal")]
    debt_interest: Decimal,
    #[serde(serialize_with = "ser_decimal")]
    penalty_interest: Decimal,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BankPayment {
    bank_account_no: String,
    bank_account_type: &'static str,
    bic: &'static str,
    iban: String,
    payment_reference: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountView<'a> {
    #[serde(rename = "@id")]
    id: String,
    account_no: &'a str,
    #[serde(serialize_with = "ser_date")]
    start_date: Date,
    description: Option<&'a str>,
    account_profile_type: &'a str,
    account_alias: &'a str,
    customer_no: &'a str,
    status: &'static str,
    #[serde(serialize_with = "ser_decimal")]
    credit_limit: Decimal,
    #[serde(serialize_with = "ser_decimal")]
    total_balance: Decimal,
    #[serde(serialize_with = "ser_decimal")]
    reserved_amount: Decimal,
    #[serde(serialize_with = "ser_decimal")]
    available_amount: Decimal,
    #[serde(serialize_with = "ser_decimal")]
    max_payment_amount: Decimal,
    open_bill: Option<String>,
    charity_donation: bool,
    interest_rate: InterestRate,
    bank_payment: BankPayment,
    active_payment_orders: String,
    recurring_payment_configuration: String,
    cards: String,
    transactions: String,
    currency: &'static str,
    bills: String,
    customer: String,
    operation: Vec<Operation>,
}

impl<'a> AccountView<'a> {
    pub(crate) fn new(account: &'a Account) -> Self {
        let href = account_href(&account.account_no);
        Self {
            account_no: &account.account_no,
            start_date: account.start_date,
            description: account.description.as_deref(),
            account_profile_type: &account.profile_type,
            account_alias: &account.alias,
            customer_no: &account.customer_no,
            status: account.status,
            credit_limit: account.credit_limit,
            total_balance: account.total_balance,
            reserved_amount: account.reserved(),
            available_amount: account.available(),
            max_payment_amount: account.max_payment(),
            open_bill: account
                .open_bill()
                .map(|bill| format!("{href}/bills/{}", bill.id())),
            charity_donation: account.charity_donation,
            interest_rate: InterestRate {
                debt_interest: account.debt_interest,
                penalty_interest: account.penalty_interest,
            },
            bank_payment: BankPayment {
                bank_account_no: account.bankgiro.clone(),
                bank_account_type: "BGSE",
                bic: "SWEDSESS",
                iban: format!("SE45800000000{}", account.account_no),
                payment_reference: account.payment_reference.clone(),
            },
            active_payment_orders: format!("{href}/active-payment-orders"),
            recurring_payment_configuration: format!("{href}/recurring-payment-configuration"),
            cards: format!("{href}/cards"),
            transactions: format!("{href}/transactions"),
            currency: account.currency,
            bills: format!("{href}/bills"),
            customer: format!(
                "/ledger/customer/v1/{PAYEX_LEDGER}/customers/{}",
                account.customer_no
            ),
            operation: vec![
                op("add-card-info", "post", format!("{href}/cards")),
                op(
                    "register-psp-payment",
                    "post",
                    format!("{href}/register-psp-payment"),
                ),
                op("partial-update", "patch", href.clone()),
            ],
            id: href,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentDetails {
    #[serde(serialize_with = "ser_decimal")]
    minimum_amount_to_be_payed: Decimal,
    bank_account_no: String,
    bank_account_type: &'static str,
    bic: &'static str,
    iban: String,
    payment_reference: String,
    payment_orders_exists: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BillView {
    #[serde(rename = "@id")]
    id: String,
    #[serde(serialize_with = "ser_date")]
    due_date: Date,
    #[serde(serialize_with = "ser_date")]
    bill_date: Date,
    bill_no: String,
    #[serde(serialize_with = "ser_decimal")]
    bill_amount: Decimal,
    bill_type: &'static str,
    status: &'static str,
    /// Only on open bills (the document writes `null` on closed ones; the spec's schema is
    /// not nullable, so the field is left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    active_payment_details: Option<PaymentDetails>,
    document: String,
}

impl BillView {
    pub(crate) fn new(account: &Account, bill: &Bill) -> Self {
        let href = format!("{}/bills/{}", account_href(&account.account_no), bill.id());
        Self {
            due_date: bill.due_date,
            bill_date: bill.bill_date,
            bill_no: bill.bill_no.clone(),
            bill_amount: bill.amount,
            bill_type: bill.bill_type,
            status: if bill.open { "open" } else { "closed" },
            active_payment_details: bill.open.then(|| PaymentDetails {
                minimum_amount_to_be_payed: bill.minimum,
                bank_account_no: account.bankgiro.clone(),
                bank_account_type: "BGSE",
                bic: "SWEDSESS",
                iban: format!("SE45800000000{}", account.account_no),
                payment_reference: bill.payment_reference.clone(),
                payment_orders_exists: account.recurring.is_some(),
            }),
            document: format!("{href}/document"),
            id: href,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NationalId<'a> {
    value: &'a str,
    country_code: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CardHolder<'a> {
    number: Option<&'a str>,
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    national_consumer_identifier: Option<NationalId<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CardView<'a> {
    token: &'a str,
    #[serde(rename = "PanTrunc")]
    pan_trunc: Option<&'a str>,
    deleted: bool,
    main_card: bool,
    card_holder: CardHolder<'a>,
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "parentHREF", skip_serializing_if = "Option::is_none")]
    parent_href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<Vec<Operation>>,
}

impl<'a> CardView<'a> {
    /// The card as in a list (`detail` false) or on its own, with parent and operations.
    pub(crate) fn new(account: &Account, card: &'a Card, detail: bool) -> Self {
        let parent = account_href(&account.account_no);
        let href = format!("{parent}/cards/{}", card.token);
        Self {
            token: &card.token,
            pan_trunc: card.pan_trunc.as_deref(),
            deleted: card.deleted,
            main_card: card.main_card,
            card_holder: CardHolder {
                number: card.holder_number.as_deref(),
                name: card.holder_name.as_deref(),
                national_consumer_identifier: card.national_id.as_ref().map(|(value, country)| {
                    NationalId {
                        value,
                        country_code: country.as_deref(),
                    }
                }),
            },
            parent_href: detail.then(|| parent.clone()),
            operation: detail.then(|| {
                vec![
                    op("partial-update", "patch", href.clone()),
                    op(
                        "add-replacement-card",
                        "post",
                        format!("{href}/add-replacement-card"),
                    ),
                ]
            }),
            id: href,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TransactionView<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: &'a str,
    #[serde(serialize_with = "ser_decimal")]
    amount: Decimal,
    initiated_from_point_of_sale: bool,
    #[serde(serialize_with = "ser_date")]
    date: Date,
}

impl<'a> From<&'a Transaction> for TransactionView<'a> {
    fn from(t: &'a Transaction) -> Self {
        Self {
            kind: t.kind,
            description: &t.description,
            amount: t.amount,
            initiated_from_point_of_sale: t.point_of_sale,
            date: t.date,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct ReservationView<'a> {
    #[serde(serialize_with = "ser_decimal")]
    amount: Decimal,
    description: &'a str,
    #[serde(serialize_with = "ser_date")]
    date: Date,
}

impl<'a> From<&'a Reservation> for ReservationView<'a> {
    fn from(r: &'a Reservation) -> Self {
        Self {
            amount: r.amount,
            description: &r.description,
            date: r.date,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecurringView {
    #[serde(rename = "@id")]
    id: String,
    payment_method: &'static str,
    payment_scope: &'static str,
    #[serde(serialize_with = "ser_opt_decimal")]
    fixed_amount: Option<Decimal>,
    #[serde(rename = "parentHREF")]
    parent_href: String,
    operation: Vec<Operation>,
}

impl RecurringView {
    pub(crate) fn new(account: &Account, recurring: &Recurring) -> Self {
        let parent = account_href(&account.account_no);
        let href = format!("{parent}/recurring-payment-configuration");
        Self {
            payment_method: "autogiro",
            payment_scope: recurring.scope,
            fixed_amount: recurring.fixed_amount,
            parent_href: parent,
            operation: vec![
                op(
                    "partially-update-recurring-payment-configuration",
                    "patch",
                    href.clone(),
                ),
                op(
                    "delete-recurring-payment-configuration",
                    "delete",
                    href.clone(),
                ),
            ],
            id: href,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PaymentOrderView {
    payment_method: &'static str,
    #[serde(serialize_with = "ser_date")]
    execute_date: Date,
    #[serde(serialize_with = "ser_decimal")]
    amount: Decimal,
}

/// The active payment orders recurring payments make: one for the next debit, when there
/// is anything to debit.
pub(crate) fn payment_orders(account: &Account, today: Date) -> Vec<PaymentOrderView> {
    let Some(recurring) = &account.recurring else {
        return Vec::new();
    };
    if account.total_balance <= Decimal::ZERO {
        return Vec::new();
    }
    let open = account.open_bill();
    let mut amount = match recurring.scope {
        "fixedRecurring" => recurring.fixed_amount.unwrap_or_default(),
        "totalDebt" => account.total_balance,
        _ => open.map(|bill| bill.minimum).unwrap_or_default(),
    }
    .min(account.total_balance);
    amount.rescale(2);
    if amount <= Decimal::ZERO {
        return Vec::new();
    }
    let execute_date = open.map(|bill| bill.due_date).unwrap_or_else(|| {
        let next = today.replace_day(1).unwrap_or(today) + time::Duration::days(32);
        next.replace_day(27).unwrap_or(next)
    });
    vec![PaymentOrderView {
        payment_method: "autogiro",
        execute_date,
        amount,
    }]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NationalIdentifier<'a> {
    reg_no: &'a str,
    country_code: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerView<'a> {
    #[serde(rename = "@id")]
    id: String,
    customer_no: &'a str,
    national_identifier: NationalIdentifier<'a>,
    legal_entity: &'static str,
    name: &'a str,
    email_address: &'a str,
    msisdn: &'a str,
}

impl<'a> From<&'a Customer> for CustomerView<'a> {
    fn from(c: &'a Customer) -> Self {
        Self {
            id: format!(
                "/ledger/customer/v1/{PAYEX_LEDGER}/customers/{}",
                c.customer_no
            ),
            customer_no: &c.customer_no,
            national_identifier: NationalIdentifier {
                reg_no: &c.reg_no,
                country_code: "SE",
            },
            legal_entity: "consumer",
            name: &c.name,
            email_address: &c.email,
            msisdn: &c.msisdn,
        }
    }
}

/// One page of a sub-resource list, with `view` links.
#[derive(Serialize)]
pub(crate) struct Page<T> {
    #[serde(rename = "@id")]
    pub(crate) id: String,
    pub(crate) items: Vec<T>,
    pub(crate) view: View,
    pub(crate) operations: Option<Vec<Operation>>,
}

/// Paging links of a sub-resource list.
#[derive(Serialize)]
pub(crate) struct View {
    #[serde(rename = "@id")]
    pub(crate) id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) previous: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next: Option<String>,
}

/// The accounts list, with `navigation` links.
#[derive(Serialize)]
pub(crate) struct AccountPage<'a> {
    #[serde(rename = "@id")]
    pub(crate) id: String,
    pub(crate) items: Vec<AccountView<'a>>,
    pub(crate) navigation: Navigation,
}

/// Paging links of the accounts list.
#[derive(Serialize)]
pub(crate) struct Navigation {
    #[serde(rename = "@id")]
    pub(crate) id: String,
    pub(crate) first: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) previous: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next: Option<String>,
}
