//! Types of the PayEx Ledger Account API: accounts with their balances and credit limit,
//! bills and reminders, cards, transactions, reservations, the recurring-payment
//! configuration, active payment orders, the account owner (Ledger Customer API) and
//! problems.
//!
//! The types are generated from `specs/payex-ledger-account.yaml`; this module adds what the
//! hypermedia needs: the link to the next page of every list ([`AccountList::next_link`] and
//! the same on the other lists) and finding an operation by its `rel`.
//!
//! ```
//! use mypages_models::payex::CardList;
//!
//! let page: CardList = serde_json::from_str(
//!     r#"{"items": [], "view": {"next": "/ledger/account/v1/501/accounts/1/cards?$top=2&$skip=2"}}"#,
//! )?;
//! assert_eq!(page.next_link(), Some("/ledger/account/v1/501/accounts/1/cards?$top=2&$skip=2"));
//! # Ok::<(), serde_json::Error>(())
//! ```

mod generated;

pub use generated::*;

/// The `next` link of optional paging links, ignoring blank values.
fn non_blank(link: Option<&String>) -> Option<&str> {
    link.map(String::as_str)
        .filter(|link| !link.trim().is_empty())
}

impl AccountList {
    /// The root-relative link to the next page: `navigation.next` (`skip`), or `view.next`
    /// (`$top`/`$skip`) when the server pages that way; `None` on the last page.
    pub fn next_link(&self) -> Option<&str> {
        non_blank(
            self.navigation
                .as_ref()
                .and_then(|navigation| navigation.next.as_ref()),
        )
        .or_else(|| non_blank(self.view.as_ref().and_then(|view| view.next.as_ref())))
    }
}

macro_rules! view_paged {
    ($($list:ident),* $(,)?) => {$(
        impl $list {
            /// The root-relative link to the next page (`view.next`); `None` on the last page.
            pub fn next_link(&self) -> Option<&str> {
                non_blank(self.view.as_ref().and_then(|view| view.next.as_ref()))
            }
        }
    )*};
}

view_paged!(
    BillList,
    CardList,
    TransactionList,
    ReservationList,
    ActivePaymentOrderList
);

impl Operation {
    /// The operation's name: `rel`, or `title` in the older shape.
    pub fn name(&self) -> Option<&str> {
        self.rel.as_deref().or(self.title.as_deref())
    }

    /// The HTTP method, upper-cased: `method`, or `action` in the older shape.
    pub fn http_method(&self) -> Option<String> {
        self.method
            .as_deref()
            .or(self.action.as_deref())
            .map(str::to_ascii_uppercase)
    }
}

/// Finds the operation named `rel` (case-insensitively) in an optional list of operations.
fn find<'a>(operations: Option<&'a Vec<Operation>>, rel: &str) -> Option<&'a Operation> {
    operations?.iter().find(|operation| {
        operation
            .name()
            .is_some_and(|name| name.eq_ignore_ascii_case(rel))
    })
}

impl Account {
    /// The operation named `rel` (e.g. `request-close-account`), if the account offers it.
    pub fn find_operation(&self, rel: &str) -> Option<&Operation> {
        find(self.operation.as_ref(), rel)
    }
}

impl Card {
    /// The operation named `rel` (e.g. `add-replacement-card`), if the card offers it.
    pub fn find_operation(&self, rel: &str) -> Option<&Operation> {
        find(self.operation.as_ref(), rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_page_with_navigation_or_view() {
        let page: AccountList = serde_json::from_str(
            r#"{"items":[],"navigation":{"first":"/a?skip=0","next":"/a?skip=2"},"view":{"next":"/b"}}"#,
        )
        .unwrap();
        assert_eq!(page.next_link(), Some("/a?skip=2"));
        let page: AccountList =
            serde_json::from_str(r#"{"items":[],"navigation":{"next":" "},"view":{"next":"/b"}}"#)
                .unwrap();
        assert_eq!(page.next_link(), Some("/b"));
        let page: AccountList =
            serde_json::from_str(r#"{"items":[],"navigation":{"next":null}}"#).unwrap();
        assert_eq!(page.next_link(), None);
    }

    #[test]
    fn operations_in_both_shapes() {
        let account: Account = serde_json::from_str(
            r#"{"accountNo":"1","customerNo":"2","status":"Open","creditLimit":0,"totalBalance":0,"currency":"SEK",
                "operation":[{"rel":"request-close-account","method":"post","href":"/x"},
                             {"title":"partial-update","action":"PATCH","href":"/y"}]}"#,
        )
        .unwrap();
        let close = account.find_operation("Request-Close-Account").unwrap();
        assert_eq!(close.http_method().as_deref(), Some("POST"));
        let update = account.find_operation("partial-update").unwrap();
        assert_eq!(update.href.as_deref(), Some("/y"));
        assert_eq!(update.http_method().as_deref(), Some("PATCH"));
        assert!(account.find_operation("missing").is_none());
    }
}
