//! The pages, as maud templates: every value spliced in with `(...)` is HTML-escaped; no
//! template here uses `PreEscaped`.

use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use mypages_models::Currency;
use mypages_models::summary::{AccountSummary, Provider};
use rust_decimal::Decimal;
use time::Date;

use avarda_client::models::{Account as AvardaAccount, InvoiceSummary, PaymentState};
use p4p_client::models::{Account as P4pAccount, Item, Items, Subscription};
use payex_client::models::{Card, Transaction};

use crate::providers::{Failure, Panel, PayexAccountView};

/// The stylesheet, served at `/style.css`: small, no framework, readable on a phone.
pub(crate) const CSS: &str = include_str!("style.css");

/// A page's HTML response.
pub(crate) fn page(status: StatusCode, title: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · My Pages" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header {
                    a.brand href="/" { "My Pages" }
                    nav {
                        a href="/" { "Overview" }
                        a href="/avarda" { "Avarda" }
                        a href="/p4p" { "PayFunc" }
                    }
                }
                main { (body) }
                footer { "A reference app on the mypages SDK." }
            }
        }
    };
    (
        status,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// A friendly error page.
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    page(
        status,
        title,
        html! {
            h1 { (title) }
            p.notice #error data-status=(status.as_u16()) { (message) }
            p { a href="/" { "Back to the overview" } }
        },
    )
}

/// The page for a provider's [`Failure`] (strong authentication is handled by the caller).
pub(crate) fn failure_page(provider: &str, failure: &Failure) -> Response {
    let (status, title, message) = match failure {
        Failure::NotFound => (
            StatusCode::NOT_FOUND,
            "Not found".to_owned(),
            format!("{provider} has nothing of yours at this address."),
        ),
        Failure::Refused => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not accepted".to_owned(),
            format!("{provider} did not accept this. Check what you entered and try again."),
        ),
        Failure::Unavailable | Failure::StrongAuthentication(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{provider} is not available"),
            format!("{provider} could not be reached just now. Please try again in a moment."),
        ),
        Failure::NotConfigured => (
            StatusCode::NOT_FOUND,
            "Not set up".to_owned(),
            format!("This site is not connected to {provider}."),
        ),
    };
    error_page(status, &title, &message)
}

/// A provider's display name.
pub(crate) fn provider_name(provider: &Provider) -> &'static str {
    match provider {
        Provider::Avarda => "Avarda",
        Provider::Payex => "PayEx",
        Provider::P4p => "PayFunc",
        _ => "The provider",
    }
}

/// `text` percent-encoded for one path segment (everything but unreserved characters).
pub(crate) fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn money(amount: Decimal, currency: Option<&Currency>) -> String {
    match currency {
        Some(currency) => format!("{amount} {currency}"),
        None => amount.to_string(),
    }
}

/// An amount that may be missing: empty when it is.
fn maybe_money(amount: Option<Decimal>, currency: Option<&Currency>) -> String {
    amount.map(|a| money(a, currency)).unwrap_or_default()
}

/// A value that may be missing, as text: empty when it is.
fn text<T: std::fmt::Display>(value: Option<&T>) -> String {
    value.map(ToString::to_string).unwrap_or_default()
}

fn date(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf); }
}

// ---------------------------------------------------------------------------------------

/// `/`: every provider's panel.
pub(crate) fn overview(panels: &[Panel]) -> Markup {
    html! {
        h1 { "Your accounts and invoices" }
        @for panel in panels {
            @let name = provider_name(&panel.provider);
            section.panel id={ "provider-" (panel.provider.as_str()) } {
                h2 { (name) }
                @match &panel.accounts {
                    Ok(accounts) => {
                        @if accounts.is_empty() && !panel.locked_accounts {
                            p { "Nothing here." }
                        } @else if !accounts.is_empty() {
                            (summary_table(accounts))
                        }
                        @if panel.locked_accounts {
                            p.hint #avarda-locked {
                                "Your accounts are shown after you identify yourself. "
                                a href="/avarda/accounts" { "Show my accounts" }
                            }
                        }
                    }
                    Err(failure) => {
                        p.notice id={ "failure-" (panel.provider.as_str()) } {
                            (panel_failure(name, failure))
                        }
                    }
                }
            }
        }
    }
}

fn panel_failure(name: &str, failure: &Failure) -> String {
    match failure {
        Failure::NotFound => format!("{name} has no accounts for you."),
        Failure::NotConfigured => format!("This site is not connected to {name}."),
        _ => format!("{name} could not be reached just now; the rest of the page is up to date."),
    }
}

fn summary_link(summary: &AccountSummary) -> Option<String> {
    match summary.provider {
        Provider::Payex => Some(format!("/payex/accounts/{}", path_segment(&summary.id))),
        Provider::Avarda => Some("/avarda".to_owned()),
        Provider::P4p => Some("/p4p".to_owned()),
        _ => None,
    }
}

fn summary_table(accounts: &[AccountSummary]) -> Markup {
    html! {
        table {
            thead { tr {
                th { "Account" } th { "Type" } th { "State" }
                th.num { "Balance" } th.num { "Due" } th { "Due date" }
            } }
            tbody {
                @for account in accounts {
                    tr.account data-id=(account.id) {
                        td data-label="Account" {
                            @match summary_link(account) {
                                Some(href) => a href=(href) { (account.id) },
                                None => (account.id),
                            }
                        }
                        td data-label="Type" { (account.kind.as_deref().unwrap_or("")) }
                        td data-label="State" { (account.state.as_deref().unwrap_or("")) }
                        td.num data-label="Balance" { (maybe_money(account.balance, account.currency.as_ref())) }
                        td.num data-label="Due" {
                            @if let Some(due) = account.amount_due {
                                (money(due, account.currency.as_ref()))
                            }
                        }
                        td data-label="Due date" { (date(account.due_date)) }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------

/// A note after a form was sent, chosen by a fixed code in the query.
pub(crate) fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "recurring-saved" => Some("Your recurring payment settings are saved."),
        "cancellation-requested" => Some("We have asked PayEx to close the account."),
        _ => None,
    }
}

/// `/payex/accounts/{no}`.
pub(crate) fn payex_account(
    view: &PayexAccountView,
    csrf: &str,
    notice: Option<&str>,
    this_month: &str,
) -> Markup {
    let account = &view.account;
    let no = path_segment(&account.account_no);
    let currency = account.currency.as_ref();
    html! {
        h1 { "PayEx account " (account.account_no) }
        @if let Some(notice) = notice { p.ok #notice { (notice) } }
        dl.facts {
            dt { "State" } dd #account-status { (text(account.status.as_ref())) }
            dt { "Balance" } dd { (maybe_money(account.total_balance, currency)) }
            dt { "Credit limit" } dd { (maybe_money(account.credit_limit, currency)) }
            @if let Some(available) = account.available_amount {
                dt { "Available" } dd { (money(available, currency)) }
            }
        }
        p { a #transactions href={ "/payex/accounts/" (no) "/transactions?month=" (this_month) } { "Transactions by month" } }

        h2 { "Bills" }
        @if view.bills.is_empty() { p { "No bills." } } @else {
            table #bills {
                thead { tr { th { "Bill" } th { "Date" } th { "Due" } th.num { "Amount" } th { "State" } th { "PDF" } } }
                tbody {
                    @for bill in &view.bills {
                        @let bill_no = bill.bill_no.as_deref().unwrap_or("");
                        tr.bill data-bill=(bill_no) {
                            td data-label="Bill" { (bill_no) }
                            td data-label="Date" { (date(bill.bill_date)) }
                            td data-label="Due" { (date(bill.due_date)) }
                            td.num data-label="Amount" { (maybe_money(bill.bill_amount, currency)) }
                            td data-label="State" { @if let Some(status) = &bill.status { (status) } }
                            td data-label="PDF" {
                                @if !bill_no.is_empty() {
                                    a.pdf href={ "/payex/accounts/" (no) "/bills/" (path_segment(bill_no)) "/pdf" } download { "Download" }
                                }
                            }
                        }
                    }
                }
            }
        }

        h2 { "Cards" }
        @if view.cards.is_empty() { p { "No cards." } } @else {
            ul #cards {
                @for card in &view.cards {
                    li.card {
                        (masked(card))
                        @if card.main_card == Some(true) { " (main card)" }
                    }
                }
            }
        }

        h2 { "Recurring payment" }
        (recurring_form(view, csrf))

        h2 { "Close the account" }
        p { a.danger #request-cancellation href={ "/payex/accounts/" (no) "/cancel" } { "Request cancellation" } }
    }
}

/// A card as `•••• 1234`: only the last four digits of the truncated number are shown.
pub(crate) fn masked(card: &Card) -> String {
    let digits: Vec<char> = card
        .pan_trunc
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let last: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("•••• {last}")
}

fn recurring_form(view: &PayexAccountView, csrf: &str) -> Markup {
    let current = view
        .recurring
        .as_ref()
        .and_then(|r| r.payment_scope.as_ref())
        .map(|scope| scope.as_str().to_owned());
    let fixed = view
        .recurring
        .as_ref()
        .and_then(|r| r.fixed_amount)
        .map(|amount| amount.to_string());
    let choices = [
        ("billedAmount", "The billed amount each month"),
        ("totalDebt", "The whole balance each month"),
        ("fixedRecurring", "A fixed amount each month"),
    ];
    html! {
        @match &current {
            Some(scope) => p #recurring-current { "Autogiro: " (scope) @if let Some(f) = &fixed { ", " (f) } },
            None => p #recurring-current { "No recurring payment is set up." },
        }
        form #recurring method="post" action={ "/payex/accounts/" (path_segment(&view.account.account_no)) "/recurring" } {
            (csrf_field(csrf))
            fieldset {
                legend { "Pay by autogiro" }
                @for (value, label) in choices {
                    label.choice {
                        input type="radio" name="scope" value=(value) checked[current.as_deref() == Some(value)];
                        " " (label)
                    }
                }
                label {
                    "Fixed amount "
                    input #fixed-amount type="text" inputmode="decimal" name="fixed_amount" value=(fixed.clone().unwrap_or_default());
                }
            }
            button #save-recurring type="submit" { "Save" }
        }
    }
}

/// `/payex/accounts/{no}/transactions`.
pub(crate) fn payex_transactions(
    account_no: &str,
    month: &str,
    previous_month: &str,
    next_month: &str,
    page: usize,
    transactions: &[Transaction],
    more: bool,
) -> Markup {
    let account = path_segment(account_no);
    let base = format!("/payex/accounts/{account}/transactions");
    html! {
        h1 { "Transactions " (month) }
        p { a href={ "/payex/accounts/" (account) } { "Back to the account" } }
        nav.months {
            a #previous-month href={ (base) "?month=" (previous_month) } { "← " (previous_month) }
            a #next-month href={ (base) "?month=" (next_month) } { (next_month) " →" }
        }
        @if transactions.is_empty() { p #no-transactions { "No transactions this month." } } @else {
            table #transactions {
                thead { tr { th { "Date" } th { "What" } th.num { "Amount" } } }
                tbody {
                    @for t in transactions {
                        tr.transaction {
                            td data-label="Date" { (date(t.date)) }
                            td data-label="What" { (t.description.as_deref().unwrap_or("")) }
                            td.num data-label="Amount" { (text(t.amount.as_ref())) }
                        }
                    }
                }
            }
        }
        nav.pages {
            @if page > 1 {
                a #previous-page href={ (base) "?month=" (month) "&page=" (page - 1) } { "Previous page" }
            }
            span #page { "Page " (page) }
            @if more {
                a #next-page href={ (base) "?month=" (month) "&page=" (page + 1) } { "Next page" }
            }
        }
    }
}

/// `/payex/accounts/{no}/cancel`: the confirmation step.
pub(crate) fn payex_cancel(account_no: &str, csrf: &str) -> Markup {
    let account = path_segment(account_no);
    html! {
        h1 { "Request cancellation" }
        p { "You are asking PayEx to close account " strong { (account_no) } ". "
            "The account closes once its balance is settled. This cannot be undone here." }
        form #confirm-cancellation method="post" action={ "/payex/accounts/" (account) "/cancel" } {
            (csrf_field(csrf))
            input type="hidden" name="confirm" value="yes";
            button.danger #confirm type="submit" { "Yes, close the account" }
            " "
            a #keep href={ "/payex/accounts/" (account) } { "No, keep it" }
        }
    }
}

// ---------------------------------------------------------------------------------------

/// `/avarda`: invoices, each with a pay button.
pub(crate) fn avarda_invoices(invoices: &[InvoiceSummary], csrf: &str) -> Markup {
    html! {
        h1 { "Avarda" }
        p { a #avarda-accounts href="/avarda/accounts" { "My accounts" } " (you identify yourself first)" }
        h2 { "Invoices" }
        @if invoices.is_empty() { p { "No invoices." } } @else {
            table #invoices {
                thead { tr { th { "Invoice" } th { "Due date" } th { "State" } th.num { "To pay" } th {} } }
                tbody {
                    @for invoice in invoices {
                        @let currency = invoice.currency.as_ref().map(|c| Currency::from(c.as_str()));
                        tr.invoice data-id=(invoice.id) {
                            td data-label="Invoice" { (invoice.id) }
                            td data-label="Due date" { (date(invoice.due_date.map(|d| d.date()))) }
                            td data-label="State" { (text(invoice.state.as_ref())) }
                            td.num data-label="To pay" { (maybe_money(invoice.balance, currency.as_ref())) }
                            td { @if invoice.balance.is_some_and(|b| b > Decimal::ZERO) { (pay_form(&invoice.id, csrf)) } }
                        }
                    }
                }
            }
        }
    }
}

fn pay_form(account_id: &str, csrf: &str) -> Markup {
    html! {
        form.pay method="post" action="/avarda/pay" {
            (csrf_field(csrf))
            input type="hidden" name="account_id" value=(account_id);
            button.pay type="submit" data-id=(account_id) { "Pay" }
        }
    }
}

/// `/avarda/accounts`, once the shopper has identified.
pub(crate) fn avarda_accounts(accounts: &[AvardaAccount], csrf: &str) -> Markup {
    html! {
        h1 { "Your Avarda accounts" }
        @if accounts.is_empty() { p { "No accounts." } } @else {
            table #accounts {
                thead { tr { th { "Account" } th { "Type" } th { "State" } th.num { "Balance" } th.num { "Minimum to pay" } th { "Due date" } th {} } }
                tbody {
                    @for account in accounts {
                        @let currency = Currency::from(account.currency.as_str());
                        @let id = account.id.as_deref().unwrap_or("");
                        tr.account data-id=(id) {
                            td data-label="Account" { (id) }
                            td data-label="Type" { (account.r#type) }
                            td data-label="State" { (account.state) }
                            td.num data-label="Balance" { (money(account.balance, Some(&currency))) }
                            td.num data-label="Minimum to pay" { (money(account.minimum_amount_to_pay, Some(&currency))) }
                            td data-label="Due date" { (account.due_date.date()) }
                            td { @if !id.is_empty() && account.balance > Decimal::ZERO { (pay_form(id, csrf)) } }
                        }
                    }
                }
            }
        }
    }
}

/// `/avarda/accounts` when the shopper came back without identifying.
pub(crate) fn avarda_not_identified() -> Markup {
    html! {
        h1 { "Identification needed" }
        p.notice #not-identified { "Your accounts are shown once you have identified yourself with Avarda." }
        p { a #try-again href="/avarda/accounts" { "Identify and show my accounts" } }
    }
}

/// `/avarda/payments/{purchaseId}`: the payment and its state (`None`: Avarda knows none
/// yet).
pub(crate) fn avarda_payment(
    purchase_id: &str,
    state: Option<&PaymentState>,
    pay_page: Option<&str>,
) -> Markup {
    let finished = state.is_some_and(|state| !matches!(state, PaymentState::Unpaid));
    html! {
        h1 { "Payment" }
        @match state {
            Some(state) => p { "State: " strong #payment-state data-state=(state) { (state) } },
            None => p { "State: " strong #payment-state data-state="" { "not known yet" } },
        }
        @if finished {
            @if matches!(state, Some(PaymentState::Paid)) {
                p.ok #paid { "Thank you, your payment is complete." }
            }
            p { a href="/avarda" { "Back to your invoices" } }
        } @else {
            @match pay_page {
                Some(url) => p { a.button #open-pay-page href=(url) { "Pay at Avarda" } },
                None => p.notice { "Paying needs Avarda's checkout, which this site does not show." },
            }
            p { "After paying, " a #refresh href={ "/avarda/payments/" (path_segment(purchase_id)) } { "see the payment's state" } "." }
        }
    }
}

// ---------------------------------------------------------------------------------------

/// `/p4p`: the account, its balance items and subscriptions.
pub(crate) fn p4p_account(account: &P4pAccount) -> Markup {
    let currency = account.currency.as_ref();
    html! {
        h1 { "PayFunc account " (account.id) }
        dl.facts {
            dt { "State" } dd { @if let Some(status) = &account.status { (status) } }
            dt { "Total" } dd #p4p-total { @if let Some(total) = account.total { (money(total, currency)) } }
            @if let Some(limit) = account.limit { dt { "Credit limit" } dd { (money(limit, currency)) } }
            dt { "Next settlement" } dd { (date(account.due)) }
        }
        h2 { "Balance" }
        @match account.balance.as_deref() {
            None | Some([]) => p { "Nothing on the balance." },
            Some(items) => (items_table("balance", items, currency)),
        }
        h2 { "Subscriptions" }
        @match account.subscription.as_deref() {
            None | Some([]) => p { "No subscriptions." },
            Some(subscriptions) => {
                @for subscription in subscriptions { (subscription_view(subscription, currency)) }
            }
        }
    }
}

fn items_table(id: &str, items: &[Item], currency: Option<&Currency>) -> Markup {
    html! {
        table id=(id) {
            thead { tr { th { "Item" } th.num { "Quantity" } th.num { "Price" } } }
            tbody {
                @for item in items {
                    tr.item {
                        td data-label="Item" { (item.name.as_deref().or(item.number.as_deref()).unwrap_or("")) }
                        td.num data-label="Quantity" { (item.quantity.unwrap_or(Decimal::ONE)) " " (item.unit.as_deref().unwrap_or("")) }
                        td.num data-label="Price" { @if let Some(price) = item.price { (money(price, currency)) } }
                    }
                }
            }
        }
    }
}

fn subscription_view(subscription: &Subscription, account_currency: Option<&Currency>) -> Markup {
    let currency = subscription.currency.as_ref().or(account_currency);
    let (items, amount): (&[Item], Option<Decimal>) = match &subscription.items {
        Some(Items::List(items)) => (items, None),
        Some(Items::Item(item)) => (std::slice::from_ref(item), None),
        Some(Items::Amount(amount)) => (&[], Some(*amount)),
        _ => (&[], None),
    };
    html! {
        section.subscription data-id=(subscription.id) {
            h3 { "Subscription " (subscription.id) }
            p {
                @if let Some(start) = subscription.start { "From " (start) " " }
                @if let Some(end) = subscription.end { "until " (end) " " }
                @if let Some(due) = subscription.due { "· next order " (due) }
            }
            @if let Some(amount) = amount { p { "Each order: " (money(amount, currency)) } }
            @if !items.is_empty() { (items_table(&format!("subscription-{}", subscription.id), items, currency)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_text_is_escaped() {
        let hostile = AccountSummary::new(
            Provider::Avarda,
            "<script>alert(1)</script>",
            Decimal::new(124_950, 2),
        )
        .with_state("\"><img src=x onerror=alert(1)>");
        let html = summary_table(&[hostile]).into_string();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("1249.50"),
            "amounts keep their digits: {html}"
        );
    }

    #[test]
    fn cards_show_only_their_last_four_digits() {
        let card = Card::new().with_pan_trunc("492500******0004".to_owned());
        assert_eq!(masked(&card), "•••• 0004");
        let full = Card::new().with_pan_trunc("4925000000000004".to_owned());
        assert_eq!(
            masked(&full),
            "•••• 0004",
            "even a full number shows only four digits"
        );
    }
}
