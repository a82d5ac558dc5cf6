//! Provider-neutral summaries from each provider's accounts.

use mypages_models::summary::{AccountSummary, Provider};
use mypages_models::{Currency, Decimal};
use time::macros::date;

fn dec(text: &str) -> Decimal {
    mypages_models::decimal::from_json_text(text).expect("a decimal")
}

#[test]
fn summaries_serialize_with_exact_amounts_and_plain_dates() {
    let summary = AccountSummary::new(Provider::P4p, "abcdefghijklmnop", dec("2000.00"))
        .with_kind("account")
        .with_state("active")
        .with_currency(Currency::Sek)
        .with_amount_due(dec("79228162514264337593543950335"))
        .with_due_date(date!(2026 - 12 - 27))
        .with_pay_link("https://example.invalid/pay");
    let json = serde_json::to_string(&summary).unwrap();
    assert_eq!(
        json,
        r#"{"provider":"p4p","id":"abcdefghijklmnop","kind":"account","state":"active","currency":"SEK","balance":2000.00,"amountDue":79228162514264337593543950335,"dueDate":"2026-12-27","payLink":"https://example.invalid/pay"}"#
    );
    let back: AccountSummary = serde_json::from_str(&json).unwrap();
    assert_eq!(back, summary);
    assert_eq!(
        serde_json::to_string(&AccountSummary::new(Provider::Avarda, "a", dec("-1.50"))).unwrap(),
        r#"{"provider":"avarda","id":"a","balance":-1.50}"#
    );
}

#[cfg(feature = "avarda")]
mod avarda {
    use super::*;
    use mypages_models::avarda::{Account, InvoiceSummary};

    #[test]
    fn an_avarda_account_summarizes_with_its_minimum_payment_due() {
        let account: Account = serde_json::from_str(
            r#"{"id":"acc-1","currency":"sek","balance":2000.00,"type":"Loan","state":"Unpaid",
                "dueDate":"2026-12-27T16:30:11.848Z","accountDate":"2026-11-27T16:30:11.848Z",
                "minimumAmountToPay":250.50,"originalAmount":10000.00,
                "myPagesLiveUrl":"https://example.invalid/live/acc-1"}"#,
        )
        .unwrap();
        let summary = AccountSummary::from(&account);
        assert_eq!(summary.provider, Provider::Avarda);
        assert_eq!(summary.id, "acc-1");
        assert_eq!(summary.kind.as_deref(), Some("Loan"));
        assert_eq!(summary.state.as_deref(), Some("Unpaid"));
        assert_eq!(summary.currency, Some(Currency::Sek));
        assert_eq!(
            summary.balance.map(|b| b.to_string()).as_deref(),
            Some("2000.00")
        );
        assert_eq!(
            summary.amount_due.map(|d| d.to_string()).as_deref(),
            Some("250.50")
        );
        assert_eq!(summary.due_date, Some(date!(2026 - 12 - 27)));
        assert_eq!(
            summary.pay_link.as_deref(),
            Some("https://example.invalid/live/acc-1")
        );
    }

    #[test]
    fn an_avarda_invoice_summarizes_with_its_balance_due() {
        let invoice: InvoiceSummary = serde_json::from_str(
            r#"{"id":"inv-2","currency":"EUR","balance":0.10,"state":"Reminder","dueDate":"2026-11-30T00:00:00Z"}"#,
        )
        .unwrap();
        let summary = AccountSummary::from(&invoice);
        assert_eq!(summary.id, "inv-2");
        assert_eq!(summary.kind, None);
        assert_eq!(summary.state.as_deref(), Some("Reminder"));
        assert_eq!(summary.currency, Some(Currency::Eur));
        assert_eq!(summary.amount_due, Some(dec("0.10")));
        assert_eq!(summary.due_date, Some(date!(2026 - 11 - 30)));
        assert_eq!(summary.pay_link, None);
    }
}

#[cfg(feature = "payex")]
mod payex {
    use super::*;
    use mypages_models::payex::{Account, Bill};

    const ACCOUNT: &str = r#"{"accountNo":"1234567","customerNo":"123789654","status":"Open",
        "accountProfileType":"kontokredit","creditLimit":2000.00,"totalBalance":-1900.0,
        "currency":"sek"}"#;
    const BILL: &str = r#"{"billNo":"124645","billAmount":240.00,"dueDate":"2018-12-05",
        "billType":"reminder","status":"open"}"#;

    #[test]
    fn a_payex_account_with_its_open_bill_summarizes_with_the_bill_due() {
        let account: Account = serde_json::from_str(ACCOUNT).unwrap();
        let bill: Bill = serde_json::from_str(BILL).unwrap();
        let summary = AccountSummary::from_payex(&account, Some(&bill));
        assert_eq!(summary.provider, Provider::Payex);
        assert_eq!(summary.id, "1234567");
        assert_eq!(summary.kind.as_deref(), Some("kontokredit"));
        assert_eq!(summary.state.as_deref(), Some("Open"));
        assert_eq!(summary.currency, Some(Currency::Sek));
        assert_eq!(
            summary.balance.map(|b| b.to_string()).as_deref(),
            Some("-1900.0")
        );
        assert_eq!(
            summary.amount_due.map(|d| d.to_string()).as_deref(),
            Some("240.00")
        );
        assert_eq!(summary.due_date, Some(date!(2018 - 12 - 05)));
        assert_eq!(summary.pay_link, None);
    }

    #[test]
    fn a_payex_account_without_an_open_bill_has_nothing_due() {
        let account: Account = serde_json::from_str(ACCOUNT).unwrap();
        let closed: Bill = serde_json::from_str(&BILL.replace("open", "closed")).unwrap();
        for summary in [
            AccountSummary::from(&account),
            AccountSummary::from_payex(&account, Some(&closed)),
        ] {
            assert_eq!(summary.amount_due, None);
            assert_eq!(summary.due_date, None);
            assert_eq!(summary.balance, Some(dec("-1900.0")));
        }
    }
}

#[cfg(feature = "p4p")]
mod p4p {
    use super::*;
    use mypages_models::p4p::Account;

    #[test]
    fn a_p4p_account_summarizes_with_its_total_due_and_first_unused_link() {
        let account: Account = serde_json::from_str(
            r#"{"id":"1234567890abcdef","status":"active","currency":"eur","total":149.90,
                "due":"2026-12-31","link":[
                  {"url":"https://example.invalid/used","used":true},
                  {"url":"https://example.invalid/fresh","used":false}]}"#,
        )
        .unwrap();
        let summary = AccountSummary::from(&account);
        assert_eq!(summary.provider, Provider::P4p);
        assert_eq!(summary.id, "1234567890abcdef");
        assert_eq!(summary.kind, None);
        assert_eq!(summary.state.as_deref(), Some("active"));
        assert_eq!(summary.currency, Some(Currency::Eur));
        assert_eq!(
            summary.balance.map(|b| b.to_string()).as_deref(),
            Some("149.90")
        );
        assert_eq!(summary.amount_due, Some(dec("149.90")));
        assert_eq!(summary.due_date, Some(date!(2026 - 12 - 31)));
        // A login link is a credential, never a summary's pay link.
        assert_eq!(summary.pay_link, None);
        assert!(!format!("{summary:?}").contains("example.invalid"));
    }

    #[test]
    fn a_new_p4p_account_without_a_total_owes_nothing() {
        let account: Account = serde_json::from_str(
            r#"{"id":"1234567890abcdef","link":{"url":"https://example.invalid/one"}}"#,
        )
        .unwrap();
        let summary = AccountSummary::from(&account);
        assert_eq!(summary.balance, Some(Decimal::ZERO));
        assert_eq!(summary.state, None);
        assert_eq!(summary.currency, None);
        assert_eq!(summary.pay_link, None);
    }
}
