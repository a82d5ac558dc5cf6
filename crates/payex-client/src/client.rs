//! [`PayexClient`] and its [`PayexClientBuilder`].

use std::sync::Arc;

use mypages_models::payex::Customer;
use mypages_transport::{
    Call, Client, ClientBuilder, Destination, Identity, Operation, SecretString, StaticToken,
    TokenSource,
};
use serde::de::DeserializeOwned;

use crate::accounts::Accounts;
use crate::bills::{BillDocument, Bills};
use crate::cards::Cards;
use crate::environment::Environment;
use crate::error::{self, Error};
use crate::list::{List, Page};
use crate::operations as op;
use crate::recurring::{ActivePaymentOrders, RecurringPayments};
use crate::transactions::{Reservations, Transactions};
use crate::validate;

/// A client of the PayEx Ledger Account API for one ledger.
///
/// Cheap to clone (clones share the connection pool and the retry budget). Build it with
/// [`PayexClient::builder`]; each resource is reached through a method named after it.
///
/// ```no_run
/// # async fn run() -> Result<(), payex_client::Error> {
/// use futures_util::TryStreamExt;
/// use payex_client::{Environment, PayexClient, SecretString};
///
/// let payex = PayexClient::builder()
///     .environment(Environment::Sandbox)
///     .ledger("501")
///     .token(SecretString::from("reference-token"))
///     .build()?;
/// let mut accounts = payex.accounts().list().customer_no("456").items();
/// while let Some(account) = accounts.try_next().await? {
///     println!("{} owes {:?} {:?}", account.account_no, account.total_balance, account.currency);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PayexClient {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Client,
    ledger: String,
}

impl std::fmt::Debug for PayexClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayexClient")
            .field("base_url", self.inner.transport.base_url())
            .field("ledger", &self.inner.ledger)
            .finish_non_exhaustive()
    }
}

impl PayexClient {
    /// Starts configuring a client.
    pub fn builder() -> PayexClientBuilder {
        PayexClientBuilder::default()
    }

    /// The ledger this client works in.
    pub fn ledger(&self) -> &str {
        &self.inner.ledger
    }

    /// The transport client underneath (base URL, retries, timeouts): send your own
    /// [`Call`] of an [`operations`](crate::operations) descriptor with it.
    pub fn transport(&self) -> &Client {
        &self.inner.transport
    }

    /// A call of `operation` in this ledger: `params` fill the path after the ledger number.
    pub(crate) fn call(
        &self,
        operation: &'static Operation,
        params: &[&str],
    ) -> Result<Call<()>, Error> {
        with_first(&self.inner.ledger, params, |all| operation.call(all))
    }

    /// A call of `operation` on account `account_no` (checked, naming `account_no`): `params`
    /// fill the path after the account number.
    pub(crate) fn account_call(
        &self,
        operation: &'static Operation,
        account_no: &str,
        params: &[&str],
    ) -> Result<Call<()>, Error> {
        validate::route_identifier("account_no", account_no)?;
        with_first(account_no, params, |all| self.call(operation, all))
    }

    /// A call of `operation` at a link PayEx returned, resolved against the base URL; a
    /// link to another host is refused, so the token never leaves for it.
    pub(crate) fn call_link(
        &self,
        operation: &'static Operation,
        href: &str,
    ) -> Result<Call<()>, Error> {
        validate::filter("href", href)?;
        let path = self.inner.transport.base_url().resolve_link(href)?;
        Ok(operation.at(path))
    }

    /// Sends `call`; PayEx's problem type refines the error's category.
    pub(crate) async fn execute<O>(&self, call: Call<O>) -> Result<O, Error> {
        self.inner
            .transport
            .execute(&call)
            .await
            .map_err(error::refine)
    }

    /// The accounts of the ledger: list, get, update, register a PSP payment, request
    /// cancellation, and the operations an account advertises.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts::new(self)
    }

    /// The bills (and reminders) of an account, and their PDF documents.
    pub fn bills(&self, account_no: &str) -> Bills<'_> {
        Bills::new(self, account_no)
    }

    /// The cards of an account.
    pub fn cards(&self, account_no: &str) -> Cards<'_> {
        Cards::new(self, account_no)
    }

    /// The transactions of an account.
    pub fn transactions(&self, account_no: &str) -> Transactions<'_> {
        Transactions::new(self, account_no)
    }

    /// The outstanding reservations of an account.
    pub fn reservations(&self, account_no: &str) -> Reservations<'_> {
        Reservations::new(self, account_no)
    }

    /// The recurring-payment configuration of an account.
    pub fn recurring_payments(&self, account_no: &str) -> RecurringPayments<'_> {
        RecurringPayments::new(self, account_no)
    }

    /// The active (scheduled) payment orders of an account.
    pub fn active_payment_orders(&self, account_no: &str) -> ActivePaymentOrders<'_> {
        ActivePaymentOrders::new(self, account_no)
    }

    /// The customer (account owner) `customer_no`, from PayEx's Ledger Customer API
    /// (`getCustomer`).
    pub async fn customer(&self, customer_no: &str) -> Result<Customer, Error> {
        validate::route_identifier("customer_no", customer_no)?;
        let call = self.call(&op::GET_CUSTOMER, &[customer_no])?;
        self.execute(call.expect_json()).await
    }

    /// Follows a link PayEx returned (`openBill`, `customer`, a card's `@id`, ...) and
    /// decodes the resource as `T`, e.g. `payex.follow::<Bill>(href)`.
    ///
    /// The link is resolved against the configured base URL, keeping its path prefix; a
    /// link to another host is refused, so the token never leaves for it.
    pub async fn follow<T>(&self, href: &str) -> Result<T, Error>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let call = self.call_link(&crate::hypermedia::FOLLOW_LINK, href)?;
        self.execute(call.expect_json()).await
    }

    /// Follows a link to a list PayEx returned (an account's `bills`, `cards`,
    /// `transactions`, `activePaymentOrders`, or a page's `next`), e.g.
    /// `payex.follow_list::<BillList>(href).all()`.
    pub fn follow_list<P: Page>(&self, href: &str) -> List<P> {
        let first = self
            .call_link(&crate::hypermedia::FOLLOW_LINK, href)
            .map(Call::expect_json);
        List::new(self.clone(), first)
    }

    /// Follows a bill's `document` link: the PDF, to download (`getBillDocument`).
    pub fn follow_document(&self, href: &str) -> BillDocument {
        BillDocument::new(self.clone(), self.call_link(&op::GET_BILL_DOCUMENT, href))
    }
}

/// Configures a [`PayexClient`]; [`PayexClientBuilder::build`] says what is missing.
///
/// Required: an environment or a base URL (not both), the ledger number, and the token PayEx
/// issued for that ledger. PayEx requires mutual TLS in production: give the client
/// certificate and key it issued with [`PayexClientBuilder::identity_pem`] (building for
/// [`Environment::Production`] without one is an error). Timeouts, retries, the body limit
/// and layers of your own are set on the transport's builder with
/// [`PayexClientBuilder::transport`].
pub struct PayexClientBuilder {
    destination: Destination,
    production: bool,
    ledger: Option<String>,
    token: Option<Arc<dyn TokenSource>>,
    identity: Option<Result<Identity, Error>>,
    transport: ClientBuilder,
}

impl Default for PayexClientBuilder {
    fn default() -> Self {
        Self {
            destination: Destination::default(),
            production: false,
            ledger: None,
            token: None,
            identity: None,
            transport: Client::builder()
                .user_agent(concat!("mypages-payex/", env!("CARGO_PKG_VERSION"))),
        }
    }
}

impl std::fmt::Debug for PayexClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayexClientBuilder")
            .field("destination", &self.destination)
            .field("ledger", &self.ledger)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("identity", &self.identity.as_ref().map(|_| "[redacted]"))
            .field("transport", &self.transport)
            .finish()
    }
}

impl PayexClientBuilder {
    /// Uses one of PayEx's environments (sandbox or production). Setting both this and
    /// [`base_url`](Self::base_url) is a build error.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.production = environment == Environment::Production;
        self.destination.set_environment(environment.base_url());
        self
    }

    /// Uses any API root instead, e.g. a proxy or the local sandbox
    /// (`http://127.0.0.1:7070/payex`); routes and returned links are appended to its path.
    /// Plain `http` is accepted only for loopback hosts. Setting both this and
    /// [`environment`](Self::environment) is a build error.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.destination.set_base_url(url);
        self
    }

    /// The ledger number at PayEx; it must be the ledger the token was issued for. It is
    /// 1 to 50 ASCII letters and digits; [`PayexClientBuilder::build`] refuses anything else.
    pub fn ledger(mut self, ledger: impl Into<String>) -> Self {
        self.ledger = Some(ledger.into());
        self
    }

    /// The bearer (reference) token PayEx issued for the ledger.
    pub fn token(mut self, token: SecretString) -> Self {
        self.token = Some(Arc::new(StaticToken::new(token)));
        self
    }

    /// A source of tokens instead of one fixed token, e.g. one that renews it.
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.token = Some(Arc::new(source));
        self
    }

    /// The client certificate (PEM chain, leaf first) and private key (PEM) PayEx issued for
    /// mutual TLS.
    pub fn identity_pem(mut self, certificate_pem: &[u8], key_pem: &[u8]) -> Self {
        self.identity = Some(Identity::from_pem(certificate_pem, key_pem));
        self
    }

    /// A client identity read already.
    pub fn identity(mut self, identity: Identity) -> Self {
        self.identity = Some(Ok(identity));
        self
    }

    /// Configures the transport: timeouts, retries, body limit, extra root certificates,
    /// user agent, layers. The base URL, provider name, token and identity are this
    /// builder's own.
    ///
    /// ```
    /// use std::time::Duration;
    /// use payex_client::{PayexClient, SecretString};
    ///
    /// let payex = PayexClient::builder()
    ///     .base_url("http://127.0.0.1:7070/payex")
    ///     .ledger("1000")
    ///     .token(SecretString::from("sandbox-token"))
    ///     .transport(|t| t.attempt_timeout(Duration::from_secs(5)))
    ///     .build();
    /// assert!(payex.is_ok());
    /// ```
    pub fn transport(mut self, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        self.transport = configure(self.transport);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<PayexClient, Error> {
        let base_url = self.destination.resolve(None)?;
        let ledger = match self.ledger.as_deref().map(str::trim) {
            Some(ledger) if !ledger.is_empty() => ledger.to_owned(),
            _ => {
                return Err(Error::invalid_argument(
                    "ledger",
                    "is missing; set .ledger(number) to the ledger PayEx issued the token for",
                ));
            }
        };
        validate::ledger("ledger", &ledger)?;
        let Some(token) = self.token else {
            return Err(Error::invalid_argument(
                "token",
                "is missing; set .token(token) to the token PayEx issued for the ledger",
            ));
        };
        let mut transport = self
            .transport
            .provider("payex")
            .base_url(base_url)
            .shared_token_source(token);
        match self.identity {
            Some(identity) => transport = transport.identity(identity?),
            None if self.production => {
                return Err(Error::invalid_argument(
                    "identity",
                    "is missing; PayEx requires mutual TLS in production: set .identity_pem(certificate, key) to the client certificate PayEx issued",
                ));
            }
            None => {}
        }
        Ok(PayexClient {
            inner: Arc::new(Inner {
                transport: transport.build()?,
                ledger,
            }),
        })
    }
}

/// Calls `f` with `first` followed by `params`, on the stack for the few parameters a PayEx
/// path takes (no allocation per call).
fn with_first<R>(first: &str, params: &[&str], f: impl FnOnce(&[&str]) -> R) -> R {
    match *params {
        [] => f(&[first]),
        [a] => f(&[first, a]),
        [a, b] => f(&[first, a, b]),
        [a, b, c] => f(&[first, a, b, c]),
        _ => f(&std::iter::once(first)
            .chain(params.iter().copied())
            .collect::<Vec<_>>()),
    }
}

#[cfg(test)]
mod tests {
    use super::with_first;

    #[test]
    fn the_first_parameter_goes_before_the_others_however_many() {
        for count in 0..6 {
            let params: Vec<String> = (1..=count).map(|n| n.to_string()).collect();
            let params: Vec<&str> = params.iter().map(String::as_str).collect();
            let all = with_first("ledger", &params, |all| all.join("/"));
            let expected = std::iter::once("ledger")
                .chain(params.iter().copied())
                .collect::<Vec<_>>()
                .join("/");
            assert_eq!(all, expected, "{count} parameters");
        }
    }
}
