//! Avarda resources as they go on the wire: the generated `mypages_models::avarda` types,
//! filled from the sandbox's state.

use mypages_models::avarda as model;

use super::state::{AprData, Ledger, Transaction};

fn transaction(t: &Transaction) -> model::Transaction {
    model::Transaction::new()
        .with_description(t.description.clone())
        .with_notes(t.notes.clone())
        .with_amount(t.amount)
        .with_tax_amount(t.tax_amount)
        .with_tax_code(t.tax_code.clone())
        .with_transaction_type(t.transaction_type.clone())
        .with_transaction_date(t.transaction_date)
        .with_order_reference(t.order_reference.clone())
}

fn apr(a: &AprData) -> model::AprData {
    model::AprData::new()
        .with_credit_amount(a.credit_amount)
        .with_months(a.months)
        .with_per_month(a.per_month)
        .with_percent(a.percent)
        .with_total_credit(a.total_credit)
        .with_total_amount(a.total_amount)
        .with_interest_rate(a.interest_rate)
        .with_invoice_fee(a.invoice_fee)
}

/// One invoice of the invoices list.
pub(crate) fn summary(l: &Ledger) -> model::InvoiceSummary {
    let mut view = model::InvoiceSummary::new(l.id.clone())
        .with_currency(model::CurrencyCode::from_wire(l.currency))
        .with_balance(l.balance)
        .with_state(model::PaymentStatusType::from_wire(l.state))
        .with_due_date(l.due_date)
        .with_type(model::AccountType::from_wire(l.kind))
        .with_payment_reference(l.payment_reference.clone())
        .with_purchase_id(l.purchase_id.clone())
        .with_my_pages_live_url(l.my_pages_live_url.clone());
    if let Some(date) = l.invoice_date {
        view = view.with_invoice_date(date);
    }
    if let Some(postponed) = l.postponed {
        view = view.with_postponed(serde_json::Value::Bool(postponed));
    }
    if let (Some(amount), Some(date)) =
        (l.scheduled_payment_amount, l.scheduled_payment_charge_date)
    {
        view = view
            .with_scheduled_payment_amount(amount)
            .with_scheduled_payment_charge_date(date);
    }
    view
}

/// One invoice in detail.
pub(crate) fn details(l: &Ledger) -> model::InvoiceDetails {
    let mut view = model::InvoiceDetails::new(l.id.clone())
        .with_currency(model::CurrencyCode::from_wire(l.currency))
        .with_balance(l.balance)
        .with_state(model::PaymentStatusType::from_wire(l.state))
        .with_due_date(l.due_date)
        .with_type(model::AccountType::from_wire(l.kind))
        .with_payment_reference(l.payment_reference.clone())
        .with_purchase_id(l.purchase_id.clone())
        .with_my_pages_live_url(l.my_pages_live_url.clone())
        .with_transactions(l.transactions.iter().map(transaction).collect())
        .with_minimum_amount_to_pay(l.minimum_amount_to_pay)
        .with_original_amount(l.original_amount)
        .with_receiver(l.receiver.clone())
        .with_bank_account(l.bank_account.clone())
        .with_order_reference(l.order_reference.clone());
    if let Some(date) = l.invoice_date {
        view = view.with_invoice_date(date);
    }
    if let Some(postponed) = l.postponed {
        view = view.with_postponed(serde_json::Value::Bool(postponed));
    }
    if let (Some(amount), Some(date)) =
        (l.scheduled_payment_amount, l.scheduled_payment_charge_date)
    {
        view = view
            .with_scheduled_payment_amount(amount)
            .with_scheduled_payment_charge_date(date);
    }
    view
}

/// One account (a loan, an invoice account, ...).
pub(crate) fn account(l: &Ledger) -> model::Account {
    let mut view = model::Account::new(
        model::CurrencyCode::from_wire(l.currency),
        l.balance,
        model::AccountType::from_wire(l.kind),
        l.due_date,
        l.account_date,
        model::PaymentStatusType::from_wire(l.state),
        l.minimum_amount_to_pay,
        l.original_amount,
    )
    .with_id(l.id.clone())
    .with_payment_reference(l.payment_reference.clone())
    .with_purchase_id(l.purchase_id.clone())
    .with_my_pages_live_url(l.my_pages_live_url.clone())
    .with_transactions(l.transactions.iter().map(transaction).collect())
    .with_receiver(l.receiver.clone())
    .with_bank_account(l.bank_account.clone())
    .with_order_reference(l.order_reference.clone());
    if let (Some(amount), Some(date)) =
        (l.scheduled_payment_amount, l.scheduled_payment_charge_date)
    {
        view = view
            .with_scheduled_payment_amount(amount)
            .with_scheduled_payment_charge_date(date);
    }
    if let Some(data) = &l.apr_data {
        view = view.with_apr_data(apr(data));
    }
    view
}
