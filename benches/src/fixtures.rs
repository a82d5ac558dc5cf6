//! JSON documents for the decoding benchmarks: the item shapes of the providers' documented
//! examples (every documented field present), repeated with varied ids, amounts, dates and
//! enum values, so a page of n items is what a provider would send for n items.

/// An amount with two decimals that varies with `i` (`salt` separates the fields).
fn money(i: usize, salt: usize) -> String {
    let whole = (i * 7919 + salt * 104_729) % 50_000;
    let cents = (i * 37 + salt * 11) % 100;
    format!("{whole}.{cents:02}")
}

/// A date in 2019..2021 that varies with `i`.
fn date(i: usize) -> String {
    format!("{}-{:02}-{:02}", 2019 + i % 3, 1 + i % 12, 1 + i % 28)
}

fn join(n: usize, item: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item(i));
    }
    out
}

/// A PayEx `GET /accounts` page of `n` accounts (the documented list item).
pub(crate) fn payex_accounts(n: usize) -> String {
    let statuses = ["Open", "PendingClose", "Closed"];
    let items = join(n, |i| {
        let no = 1_234_567 + i;
        let root = format!("/ledger/account/v1/501/accounts/{no}");
        format!(
            r#"{{
       "@id": "{root}",
       "accountNo": "{no}",
       "startDate": "{start}",
       "description": null,
       "accountProfileType": "kontokredit",
       "accountAlias" : "kontokredit1",
       "customerNo" : "{customer}",
       "status" : "{status}",
       "creditLimit": {limit},
       "totalBalance" : -{balance},
       "reservedAmount": {reserved},
       "availableAmount": {available},
       "maxPaymentAmount": {max},
       "openBill" : "{root}/bills/reminder-{i}",
       "charityDonation": {charity},
       "interestRate": {{
           "debtInterest" : 10.00,
           "penaltyInterest": 15.00
        }},
       "bankPayment": {{
           "bankAccountNo": "123",
           "bankAccountType": "BGSE",
           "bic": "123456",
           "iban": "SE12345678945631",
           "paymentReference": "{reference}"
        }},
       "activePaymentOrders": "{root}/active-payment-orders",
       "recurringPaymentConfiguration": "{root}/recurring-payment-configuration",
       "cards": "{root}/cards",
       "transactions": "{root}/transactions",
       "currency": "sek",
       "bills": "{root}/bills",
       "customer": "/ledger/customers/v1/501/customer/{customer}",
       "operation" : [
        {{ "rel" : "add-card-info", "method" : "post", "href" : "{root}/cards" }},
        {{ "rel" : "request-close-account", "method" : "post", "href" : "{root}/request-close-account" }},
        {{ "rel" : "apply-for-raised-credit-limit", "method" : "post", "href" : "/ledger/account-onboardings/v1/501/accounts/{no}/apply-for-raised-credit-limit" }},
        {{ "rel" : "partial-update", "method" : "patch", "href" : "/ledger/account-onboardings/v1/501/accounts/{no}" }}
        ]
    }}"#,
            start = date(i),
            customer = 123_789_654 + i,
            status = statuses[i % 3],
            limit = money(i, 1),
            balance = money(i, 2),
            reserved = money(i, 3),
            available = money(i, 4),
            max = money(i, 5),
            charity = i % 2 == 0,
            reference = 54_867_165_675_646_u64 + i as u64,
        )
    });
    format!(
        r#"{{"items": [{items}],
   "navigation": {{
       "@id": "/ledger/account/v1/501/accounts",
       "first": "/ledger/account/v1/501/accounts?skip=0",
       "next": "/ledger/account/v1/501/accounts?skip={n}"
    }}}}"#
    )
}

/// A PayEx transactions page of `n` transactions (the documented list item).
pub(crate) fn payex_transactions(n: usize) -> String {
    let kinds = ["payment", "purchase", "credit", "purchase", "purchase"];
    let items = join(n, |i| {
        let kind = kinds[i % kinds.len()];
        let description = if kind == "purchase" {
            format!("testbutiken, köpref. {}", 12_345_689 + i)
        } else {
            String::new()
        };
        format!(
            r#"{{
           "type": "{kind}",
           "description": "{description}",
           "amount": {amount},
           "initiatedFromPointOfSale": {pos},
           "date": "{date}"
        }}"#,
            amount = money(i, 6),
            pos = kind == "purchase",
            date = date(i),
        )
    });
    format!(
        r#"{{"operations": null, "items": [{items}],
   "@id": "/ledger/account/v1/501/accounts/1234567/transactions"}}"#
    )
}

/// An Avarda `GET /Accounts` answer of `n` accounts, in the list form (the documented
/// account, with one transaction each).
pub(crate) fn avarda_accounts(n: usize) -> String {
    let kinds = [
        "Invoice",
        "Loan",
        "LargeAmountLoan",
        "B2BInvoice",
        "DirectInvoice",
    ];
    let states = ["Unpaid", "Paid", "Overdue", "PaymentScheduled"];
    let items = join(n, |i| {
        format!(
            r#"{{
  "id": "3f2b6c1e-0d7a-4d0e-9a51-{i:012x}",
  "currency": "SEK",
  "balance": {balance},
  "type": "{kind}",
  "dueDate": "{date}T16:30:11.848Z",
  "accountDate": "{date}T00:00:00+01:00",
  "state": "{state}",
  "paymentReference": "{reference}",
  "purchaseId": ["purchase-{i}"],
  "myPagesLiveUrl": "https://mypages.example.com/accounts/{i}",
  "scheduledPaymentAmount": {scheduled},
  "scheduledPaymentChargeDate": "{date}T16:30:11.848Z",
  "transactions": [
    {{
      "description": "Köp hos testbutiken",
      "notes": "order {i}",
      "amount": {amount},
      "taxAmount": {tax},
      "taxCode": "25",
      "transactionType": "Purchase",
      "transactionDate": "{date}T16:30:11.848Z",
      "orderReference": "order-{i}"
    }}
  ],
  "minimumAmountToPay": {minimum},
  "originalAmount": {original},
  "receiver": "Avarda AB",
  "bankAccount": "5050-1055",
  "aprData": {{
    "creditAmount": {original},
    "months": {months},
    "perMonth": {per_month},
    "percent": 14.95,
    "totalCredit": {total},
    "totalAmount": {total},
    "interestRate": 9.95,
    "invoiceFee": 29.00
  }},
  "orderReference": ["order-{i}"]
}}"#,
            balance = money(i, 7),
            kind = kinds[i % kinds.len()],
            date = date(i),
            state = states[i % states.len()],
            reference = 7_000_000_000_u64 + i as u64,
            scheduled = money(i, 8),
            amount = money(i, 9),
            tax = money(i, 10),
            minimum = money(i, 11),
            original = money(i, 12),
            months = 6 + i % 30,
            per_month = money(i, 13),
            total = money(i, 14),
        )
    });
    format!("[{items}]")
}

/// A PayFunc `GET /account` answer of `n` accounts (the documented account, with two
/// balance items each).
pub(crate) fn p4p_accounts(n: usize) -> String {
    let schedules = ["monthly", "quarterly", "yearly"];
    let items = join(n, |i| {
        format!(
            r#"{{
    "id":"acct{i:012}",
    "number": "customer-{i}",
    "customer":{{
        "type":"person",
        "name":"Max Exampleperson {i}",
        "email":"max{i}@example.com"
    }},
    "method": [],
    "link": [
        {{
        "url": "http://localhost:7071/account/acct{i:012}/link/0987654321098765",
        "id": "0987654321098765",
        "created": "2020-12-08T09:19:42.835Z",
        "expires": "2020-12-11T09:19:42.835Z",
        "key": "abc.def.ghi",
        "contact": "max{i}@example.com",
        "used": false
        }}
    ],
    "status":"created",
    "subscription":[],
    "currency":"EUR",
    "schedule":"{schedule}",
    "limit":{limit},
    "total":{total},
    "balance":[
      {{ "number": "abc{i}", "name": "ceramic vase", "price": {price}, "quantity": 2, "unit": "pcs", "vat": 25, "rebate": 0 }},
      {{ "name": "shipping", "price": 49, "quantity": 1, "vat": 25 }}
    ]
}}"#,
            schedule = schedules[i % schedules.len()],
            limit = money(i, 15),
            total = money(i, 16),
            price = money(i, 17),
        )
    });
    format!("[{items}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_decode_into_the_models() {
        let n = 7;
        let accounts: mypages_models::payex::AccountList =
            serde_json::from_str(&payex_accounts(n)).unwrap();
        assert_eq!(accounts.items.len(), n);
        let transactions: mypages_models::payex::TransactionList =
            serde_json::from_str(&payex_transactions(n)).unwrap();
        assert_eq!(transactions.items.len(), n);
        let avarda: mypages_models::avarda::AccountList =
            serde_json::from_str(&avarda_accounts(n)).unwrap();
        assert_eq!(avarda.into_vec().len(), n);
        let p4p: Vec<mypages_models::p4p::Account> =
            serde_json::from_str(&p4p_accounts(n)).unwrap();
        assert_eq!(p4p.len(), n);
    }
}
