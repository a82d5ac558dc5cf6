//! The accounts resource: list, get, partial update, register a PSP payment, request
//! cancellation.

use mypages_models::payex::{Account, AccountList, AccountUpdate, PspPayment};
use mypages_transport::Call;
use rust_decimal::Decimal;

use crate::client::PayexClient;
use crate::error::Error;
use crate::list::{Items, List, Pages};
use crate::operations as op;
use crate::validate;

/// The accounts of the ledger; from [`PayexClient::accounts`].
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'a> {
    client: &'a PayexClient,
}

impl<'a> Accounts<'a> {
    pub(crate) fn new(client: &'a PayexClient) -> Self {
        Self { client }
    }

    /// Lists accounts (`listAccounts`); narrow it with [`AccountsQuery::customer_no`] or
    /// [`AccountsQuery::account_no`].
    pub fn list(&self) -> AccountsQuery {
        AccountsQuery {
            client: self.client.clone(),
            account_no: None,
            customer_no: None,
        }
    }

    /// The account `account_no` (`getAccount`).
    pub async fn get(&self, account_no: &str) -> Result<Account, Error> {
        validate::route_identifier("account_no", account_no)?;
        let call = self.client.call(&op::GET_ACCOUNT, &[account_no])?;
        self.client.execute(call.expect_json()).await
    }

    /// Asks PayEx to close the account (`requestCloseAccount`, the account's
    /// `request-close-account` operation): its status becomes `PendingClose` and it is closed
    /// when possible. Never retried once it may have reached PayEx: after an error where
    /// [`Error::may_have_reached_server`] is true, read the account's status before asking
    /// again.
    pub async fn request_close(&self, account_no: &str) -> Result<(), Error> {
        validate::route_identifier("account_no", account_no)?;
        let call = self
            .client
            .call(&op::REQUEST_CLOSE_ACCOUNT, &[account_no])?;
        self.client.execute(call.expect_empty()).await
    }

    /// Sends a partial update (charity donation and/or credit limit) as it is.
    ///
    /// Checked before sending: the update sets at least one field, and the credit limit is
    /// not negative. Whether a new credit limit is lower than the current one is left to
    /// PayEx (it answers with a problem); use [`Accounts::lower_credit_limit`] to have it
    /// checked before anything is changed.
    pub async fn update(&self, account_no: &str, update: &AccountUpdate) -> Result<(), Error> {
        validate::route_identifier("account_no", account_no)?;
        if update.charity_donation.is_none() && update.credit_limit.is_none() {
            return Err(Error::invalid_argument(
                "update",
                "sets nothing; set charity_donation and/or credit_limit",
            ));
        }
        if let Some(limit) = update.credit_limit {
            validate::non_negative_amount("credit_limit", limit)?;
        }
        let call = self
            .client
            .call(&op::UPDATE_ACCOUNT, &[account_no])?
            .json_body(update)?;
        self.client.execute(call.expect_empty()).await
    }

    /// Turns charity donation on or off.
    pub async fn set_charity_donation(&self, account_no: &str, donate: bool) -> Result<(), Error> {
        self.update(
            account_no,
            &AccountUpdate::new().with_charity_donation(donate),
        )
        .await
    }

    /// Lowers the credit limit, after checking it against the account; see
    /// [`Accounts::checked_update`]. Returns the limit the account had before, when its
    /// answer gave one.
    pub async fn lower_credit_limit(
        &self,
        account_no: &str,
        credit_limit: Decimal,
    ) -> Result<Option<Decimal>, Error> {
        let current = self.check_credit_limit(account_no, credit_limit).await?;
        self.update(
            account_no,
            &AccountUpdate::new().with_credit_limit(credit_limit),
        )
        .await?;
        Ok(current)
    }

    /// Sends a partial update after checking a new credit limit against the account.
    ///
    /// The limit can only be lowered through the API and is never negative. When the update
    /// sets a credit limit, this fetches the account first and refuses (naming
    /// `credit_limit`, with nothing changed) a negative limit or one above the current
    /// limit (an account whose answer leaves its limit out is not checked: PayEx decides);
    /// then it sends the whole update in one request. Returns the credit limit the account
    /// had before, when it was fetched and given.
    pub async fn checked_update(
        &self,
        account_no: &str,
        update: &AccountUpdate,
    ) -> Result<Option<Decimal>, Error> {
        let before = match update.credit_limit {
            Some(credit_limit) => self.check_credit_limit(account_no, credit_limit).await?,
            None => None,
        };
        self.update(account_no, update).await?;
        Ok(before)
    }

    /// The account's current credit limit, when `credit_limit` is not negative and not above it.
    async fn check_credit_limit(
        &self,
        account_no: &str,
        credit_limit: Decimal,
    ) -> Result<Option<Decimal>, Error> {
        validate::non_negative_amount("credit_limit", credit_limit)?;
        let Some(current) = self.get(account_no).await?.credit_limit else {
            return Ok(None);
        };
        if credit_limit > current {
            return Err(Error::invalid_argument(
                "credit_limit",
                format_args!(
                    "{credit_limit} is above the current limit {current}; the limit can only be lowered through the API (raising it requires the customer's signature)"
                ),
            ));
        }
        Ok(Some(current))
    }

    /// Deposits a payment taken by a payment service provider on the account.
    ///
    /// Checked before sending: the amount is more than 0 and the transaction id has 1 to 50
    /// characters. Whether the amount exceeds the account's `maxPaymentAmount` is left to
    /// PayEx. The request is never retried once it may have reached PayEx: after an error
    /// with [`Error::may_have_reached_server`], look at the account's transactions before
    /// sending it again.
    pub async fn register_psp_payment(
        &self,
        account_no: &str,
        payment: &PspPayment,
    ) -> Result<(), Error> {
        validate::route_identifier("account_no", account_no)?;
        validate::positive_amount("amount", payment.amount)?;
        validate::transaction_id("transaction_id", &payment.source_psp_payment_transaction_id)?;
        let call = self
            .client
            .call(&op::REGISTER_PSP_PAYMENT, &[account_no])?
            .json_body(payment)?;
        self.client.execute(call.expect_empty()).await
    }
}

/// A list of accounts, optionally filtered; from [`Accounts::list`].
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until its pages or items are read"]
pub struct AccountsQuery {
    client: PayexClient,
    account_no: Option<String>,
    customer_no: Option<String>,
}

impl AccountsQuery {
    /// Only the account with this number (takes precedence over the customer filter).
    pub fn account_no(mut self, account_no: impl Into<String>) -> Self {
        self.account_no = Some(account_no.into());
        self
    }

    /// Only the accounts of this customer.
    pub fn customer_no(mut self, customer_no: impl Into<String>) -> Self {
        self.customer_no = Some(customer_no.into());
        self
    }

    /// The list request, filters checked.
    pub fn into_list(self) -> List<AccountList> {
        let first = self.first();
        List::new(self.client, first)
    }

    fn first(&self) -> Result<Call<AccountList>, Error> {
        if let Some(account_no) = &self.account_no {
            validate::id_filter("account_no", account_no)?;
        }
        if let Some(customer_no) = &self.customer_no {
            validate::id_filter("customer_no", customer_no)?;
        }
        Ok(self
            .client
            .call(&op::LIST_ACCOUNTS, &[])?
            .query_param_opt("accountNo", self.account_no.clone())
            .query_param_opt("customerNo", self.customer_no.clone())
            .expect_json())
    }

    /// The pages, lazily; see [`List::pages`].
    pub fn pages(self) -> Pages<AccountList> {
        self.into_list().pages()
    }

    /// The accounts of every page, lazily; see [`List::items`].
    pub fn items(self) -> Items<AccountList> {
        self.into_list().items()
    }

    /// Every account of every page.
    pub async fn all(self) -> Result<Vec<Account>, Error> {
        self.into_list().all().await
    }
}
