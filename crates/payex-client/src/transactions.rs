//! Transactions (by date range, month, or the last 30 days) and reservations.

use mypages_models::payex::{Reservation, ReservationList, Transaction, TransactionList};
use time::Date;

use crate::client::{AccountScope, PayexClient};
use crate::endpoint::Fetch;
use crate::error::Error;
use crate::list::{Items, List, Pages};
use crate::validate;
use crate::year_month::YearMonth;

/// The transactions of one account; from [`PayexClient::transactions`].
#[derive(Debug)]
pub struct Transactions {
    client: PayexClient,
    account: AccountScope,
}

impl Transactions {
    pub(crate) fn new(client: PayexClient, account: AccountScope) -> Self {
        Self { client, account }
    }

    /// The transactions of the last 30 days; narrow it with [`TransactionsQuery::between`]
    /// or [`TransactionsQuery::month`].
    pub fn list(&self) -> TransactionsQuery {
        TransactionsQuery {
            client: self.client.clone(),
            account: self.account.clone(),
            period: Period::Last30Days,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Period {
    Last30Days,
    Between(Date, Date),
    Month(YearMonth),
}

/// A list of transactions over a period; from [`Transactions::list`].
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until its pages or items are read"]
pub struct TransactionsQuery {
    client: PayexClient,
    account: AccountScope,
    period: Period,
}

impl TransactionsQuery {
    /// The transactions from `from` to `to`, both included. `from` after `to` is refused
    /// (naming `from`) before anything is sent.
    pub fn between(mut self, from: Date, to: Date) -> Self {
        self.period = Period::Between(from, to);
        self
    }

    /// The transactions of one month.
    pub fn month(mut self, month: YearMonth) -> Self {
        self.period = Period::Month(month);
        self
    }

    /// The list request, period checked.
    pub fn into_list(self) -> List<TransactionList> {
        let first = self.first();
        List::new(self.client, first)
    }

    fn first(&self) -> Result<Fetch<TransactionList>, Error> {
        let path = self.account.path(&self.client, "/transactions")?;
        let query = match self.period {
            Period::Last30Days => Vec::new(),
            Period::Between(from, to) => {
                validate::date_range(from, to)?;
                // `todate`, as the document's example writes it.
                vec![("fromDate", from.to_string()), ("todate", to.to_string())]
            }
            Period::Month(month) => vec![("month", month.to_string())],
        };
        Ok(Fetch::new("list_transactions", path).with_query(query))
    }

    /// The pages, lazily; see [`List::pages`].
    pub fn pages(self) -> Pages<TransactionList> {
        self.into_list().pages()
    }

    /// The transactions of every page, lazily; see [`List::items`].
    pub fn items(self) -> Items<TransactionList> {
        self.into_list().items()
    }

    /// Every transaction of every page.
    pub async fn all(self) -> Result<Vec<Transaction>, Error> {
        self.into_list().all().await
    }
}

/// The outstanding reservations of one account; from [`PayexClient::reservations`].
#[derive(Debug)]
pub struct Reservations {
    client: PayexClient,
    account: AccountScope,
}

impl Reservations {
    pub(crate) fn new(client: PayexClient, account: AccountScope) -> Self {
        Self { client, account }
    }

    /// Every outstanding reservation (the document answers `201 Created`; 200 is accepted
    /// too).
    pub fn list(&self) -> List<ReservationList> {
        let first = self
            .account
            .path(&self.client, "/reservations")
            .map(|path| Fetch::new("list_reservations", path));
        List::new(self.client.clone(), first)
    }

    /// Every outstanding reservation, collected.
    pub async fn all(&self) -> Result<Vec<Reservation>, Error> {
        self.list().all().await
    }
}
