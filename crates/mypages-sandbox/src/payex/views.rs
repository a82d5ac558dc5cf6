//! PayEx resources as they go on the wire: the generated `mypages_models::payex` types,
//! filled from the sandbox's state, with their hypermedia links.

use mypages_models::payex as model;
use mypages_models::{Currency, Sensitive};
use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use super::ledger_root;
use super::state::{Account, Bill, Card, Customer, Recurring, Reservation, Transaction};
use crate::credentials::PAYEX_LEDGER;

fn op(rel: &str, method: &str, href: String) -> model::Operation {
    model::Operation::new()
        .with_rel(rel.to_owned())
        .with_method(method.to_owned())
        .with_href(href)
}

/// The route of an account.
pub(crate) fn account_href(account_no: &str) -> String {
    format!("{}/accounts/{account_no}", ledger_root())
}

fn iban(account: &Account) -> String {
    format!("SE45800000000{}", account.account_no)
}

/// An account with its balances and links.
pub(crate) fn account(account: &Account) -> model::Account {
    let href = account_href(&account.account_no);
    let mut view = model::Account::new(account.account_no.clone())
        .with_customer_no(account.customer_no.clone())
        .with_status(model::AccountStatus::from_wire(account.status))
        .with_credit_limit(account.credit_limit)
        .with_total_balance(account.total_balance)
        .with_currency(Currency::from_wire(account.currency))
        .with_id(href.clone())
        .with_start_date(account.start_date)
        .with_account_profile_type(account.profile_type.clone())
        .with_account_alias(account.alias.clone())
        .with_reserved_amount(account.reserved())
        .with_available_amount(account.available())
        .with_max_payment_amount(account.max_payment())
        .with_charity_donation(account.charity_donation)
        .with_interest_rate(
            model::InterestRate::new()
                .with_debt_interest(account.debt_interest)
                .with_penalty_interest(account.penalty_interest),
        )
        .with_bank_payment(
            model::BankPayment::new()
                .with_bank_account_no(account.bankgiro.clone())
                .with_bank_account_type(model::BankAccountType::from_wire("BGSE"))
                .with_bic("SWEDSESS".to_owned())
                .with_iban(iban(account))
                .with_payment_reference(account.payment_reference.clone()),
        )
        .with_active_payment_orders(format!("{href}/active-payment-orders"))
        .with_recurring_payment_configuration(format!("{href}/recurring-payment-configuration"))
        .with_cards(format!("{href}/cards"))
        .with_transactions(format!("{href}/transactions"))
        .with_bills(format!("{href}/bills"))
        .with_customer(format!(
            "/ledger/customer/v1/{PAYEX_LEDGER}/customers/{}",
            account.customer_no
        ))
        .with_operation(vec![
            op("add-card-info", "post", format!("{href}/cards")),
            op(
                "register-psp-payment",
                "post",
                format!("{href}/register-psp-payment"),
            ),
            op(
                "request-close-account",
                "post",
                format!("{href}/request-close-account"),
            ),
            op("partial-update", "patch", href.clone()),
        ]);
    if let Some(description) = &account.description {
        view = view.with_description(description.clone());
    }
    if let Some(bill) = account.open_bill() {
        view = view.with_open_bill(format!("{href}/bills/{}", bill.id()));
    }
    view
}

/// A bill; `activePaymentDetails` only on open bills (the document writes `null` on closed
/// ones, the spec's schema leaves the field out).
pub(crate) fn bill(account: &Account, bill: &Bill) -> model::Bill {
    let href = format!("{}/bills/{}", account_href(&account.account_no), bill.id());
    let mut view = model::Bill::new()
        .with_bill_no(bill.bill_no.clone())
        .with_bill_amount(bill.amount)
        .with_id(href.clone())
        .with_due_date(bill.due_date)
        .with_bill_date(bill.bill_date)
        .with_bill_type(model::BillType::from_wire(bill.bill_type))
        .with_status(model::BillStatus::from_wire(if bill.open {
            "open"
        } else {
            "closed"
        }))
        .with_document(format!("{href}/document"));
    if bill.open {
        view = view.with_active_payment_details(
            model::ActivePaymentDetails::new()
                .with_minimum_amount_to_be_payed(bill.minimum)
                .with_bank_account_no(account.bankgiro.clone())
                .with_bank_account_type(model::BankAccountType::from_wire("BGSE"))
                .with_bic("SWEDSESS".to_owned())
                .with_iban(iban(account))
                .with_payment_reference(bill.payment_reference.clone())
                .with_payment_orders_exists(account.recurring.is_some()),
        );
    }
    view
}

/// A card as in a list (`detail` false) or on its own, with its parent and operations.
pub(crate) fn card(account: &Account, card: &Card, detail: bool) -> model::Card {
    let parent = account_href(&account.account_no);
    let href = format!("{parent}/cards/{}", super::routes::encode(&card.token));
    let mut holder = model::CardHolder::new();
    if let Some(number) = &card.holder_number {
        holder = holder.with_number(number.clone());
    }
    if let Some(name) = &card.holder_name {
        holder = holder.with_name(name.clone());
    }
    if let Some((value, country)) = &card.national_id {
        let mut id = model::NationalConsumerIdentifier::new(Sensitive::new(value.clone()));
        if let Some(country) = country {
            id = id.with_country_code(country.clone());
        }
        holder = holder.with_national_consumer_identifier(id);
    }
    let mut view = model::Card::new()
        .with_token(Sensitive::new(card.token.clone()))
        .with_deleted(card.deleted)
        .with_main_card(card.main_card)
        .with_card_holder(holder)
        .with_id(href.clone());
    if let Some(pan) = &card.pan_trunc {
        view = view.with_pan_trunc(pan.clone());
    }
    if detail {
        view = view.with_parent_href(parent).with_operation(vec![
            op("partial-update", "patch", href.clone()),
            op(
                "add-replacement-card",
                "post",
                format!("{href}/add-replacement-card"),
            ),
        ]);
    }
    view
}

/// A booked transaction.
pub(crate) fn transaction(t: &Transaction) -> model::Transaction {
    model::Transaction::new()
        .with_amount(t.amount)
        .with_type(model::TransactionType::from_wire(t.kind))
        .with_description(t.description.clone())
        .with_initiated_from_point_of_sale(t.point_of_sale)
        .with_date(t.date)
}

/// An outstanding reservation.
pub(crate) fn reservation(r: &Reservation) -> model::Reservation {
    model::Reservation::new()
        .with_amount(r.amount)
        .with_description(r.description.clone())
        .with_date(r.date)
}

/// The recurring-payment configuration of an account.
pub(crate) fn recurring(
    account: &Account,
    recurring: &Recurring,
) -> model::RecurringPaymentConfiguration {
    let parent = account_href(&account.account_no);
    let href = format!("{parent}/recurring-payment-configuration");
    let mut view = model::RecurringPaymentConfiguration::new()
        .with_id(href.clone())
        .with_payment_method(model::PaymentMethod::from_wire("autogiro"))
        .with_payment_scope(model::PaymentScope::from_wire(recurring.scope))
        .with_parent_href(parent)
        .with_operation(vec![
            op(
                "partially-update-recurring-payment-configuration",
                "patch",
                href.clone(),
            ),
            op("delete-recurring-payment-configuration", "delete", href),
        ]);
    if let Some(amount) = recurring.fixed_amount {
        view = view.with_fixed_amount(amount);
    }
    view
}

/// The active payment orders recurring payments make: one for the next debit, when there
/// is anything to debit.
pub(crate) fn payment_orders(account: &Account, today: Date) -> Vec<model::ActivePaymentOrder> {
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
    vec![
        model::ActivePaymentOrder::new()
            .with_amount(amount)
            .with_payment_method(model::PaymentMethod::from_wire("autogiro"))
            .with_execute_date(execute_date),
    ]
}

/// The owner of accounts (Ledger Customer API).
pub(crate) fn customer(c: &Customer) -> model::Customer {
    model::Customer::new()
        .with_id(format!(
            "/ledger/customer/v1/{PAYEX_LEDGER}/customers/{}",
            c.customer_no
        ))
        .with_customer_no(c.customer_no.clone())
        .with_national_identifier(
            model::NationalIdentifier::new()
                .with_reg_no(Sensitive::new(c.reg_no.clone()))
                .with_country_code("SE".to_owned()),
        )
        .with_legal_entity(model::LegalEntity::from_wire("consumer"))
        .with_name(c.name.clone())
        .with_email_address(c.email.clone())
        .with_msisdn(c.msisdn.clone())
}

/// A paged sub-resource list type of the models.
pub(crate) trait List: Serialize {
    /// The item type.
    type Item;
    /// The list of `items` at `id`, with its paging links.
    fn build(items: Vec<Self::Item>, id: String, view: model::View) -> Self;
}

macro_rules! lists {
    ($($list:ident of $item:ident),* $(,)?) => {$(
        impl List for model::$list {
            type Item = model::$item;
            fn build(items: Vec<model::$item>, id: String, view: model::View) -> Self {
                model::$list::new(items).with_id(id).with_view(view)
            }
        }
    )*};
}

lists! {
    BillList of Bill,
    CardList of Card,
    TransactionList of Transaction,
    ReservationList of Reservation,
    ActivePaymentOrderList of ActivePaymentOrder,
}
