//! Transactions (by date range, month, or the last 30 days) and reservations.

use mypages_models::payex::{Reservation, ReservationList, Transaction, TransactionList};
use time::Date;

use mypages_transport::Call;

use crate::client::PayexClient;
use crate::error::Error;
use crate::list::{Items, List, Pages};
use crate::operations as op;
use crate::validate;
use crate::year_month::YearMonth;

/// The transactions of one account; from [`PayexClient::transactions`].
#[derive(Debug, Clone)]
pub struct Transactions<'a> {
    client: &'a PayexClient,
    account_no: String,
}

impl<'a> Transactions<'a> {
    pub(crate) fn new(client: &'a PayexClient, account_no: &str) -> Self {
        Self {
            client,
            account_no: account_no.to_owned(),
        }
    }

    /// The transactions of the last 30 days (`listTransactions`); narrow it with
    /// [`TransactionsQuery::between`] or [`TransactionsQuery::month`].
    pub fn list(&self) -> TransactionsQuery {
        TransactionsQuery {
            client: self.client.clone(),
            account_no: self.account_no.clone(),
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
    account_no: String,
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

    fn first(&self) -> Result<Call<TransactionList>, Error> {
        let call = self
            .client
            .account_call(&op::LIST_TRANSACTIONS, &self.account_no, &[])?;
        let call = match self.period {
            Period::Last30Days => call,
            Period::Between(from, to) => {
                validate::date_range(from, to)?;
                call.query_param("fromDate", from.to_string())
                    .query_param("todate", to.to_string())
            }
            Period::Month(month) => call.query_param("month", month.to_string()),
        };
        Ok(call.expect_json())
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
#[derive(Debug, Clone)]
pub struct Reservations<'a> {
    client: &'a PayexClient,
    account_no: String,
}

impl<'a> Reservations<'a> {
    pub(crate) fn new(client: &'a PayexClient, account_no: &str) -> Self {
        Self {
            client,
            account_no: account_no.to_owned(),
        }
    }

    /// Every outstanding reservation (`listReservations`; the document answers
    /// `201 Created`; 200 is accepted too).
    pub fn list(&self) -> List<ReservationList> {
        let first = self
            .client
            .account_call(&op::LIST_RESERVATIONS, &self.account_no, &[])
            .map(|call| call.expect_json());
        List::new(self.client.clone(), first)
    }

    /// Every outstanding reservation, collected.
    pub async fn all(&self) -> Result<Vec<Reservation>, Error> {
        self.list().all().await
    }
}
