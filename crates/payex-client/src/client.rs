//! [`PayexClient`] and its [`PayexClientBuilder`].

use std::sync::Arc;
use std::time::Duration;

use mypages_models::payex::Customer;
use mypages_transport::{Client, Identity, RetryPolicy, SecretString, StaticToken, TokenSource};
use serde::de::DeserializeOwned;

use crate::accounts::Accounts;
use crate::bills::{BillDocument, Bills};
use crate::cards::Cards;
use crate::endpoint::Fetch;
use crate::environment::Environment;
use crate::error::Error;
use crate::list::{List, Page};
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
///     println!("{} owes {} {}", account.account_no, account.total_balance, account.currency);
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
    /// `/ledger/account/v1/{ledger}` (the ledger is letters and digits only).
    root: String,
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

    /// The transport client underneath (base URL, retries, timeouts).
    pub fn transport(&self) -> &Client {
        &self.inner.transport
    }

    /// The path of the Account API in this ledger: `/ledger/account/v1/{ledger}`.
    pub(crate) fn root(&self) -> &str {
        &self.inner.root
    }

    /// The path of an account, or an error naming `account_no`.
    pub(crate) fn account_path(&self, account_no: &str) -> Result<String, Error> {
        Ok(format!(
            "{}/accounts/{}",
            self.root(),
            validate::segment("account_no", account_no)?
        ))
    }

    /// The accounts of the ledger: list, get, update, register a PSP payment.
    pub fn accounts(&self) -> Accounts {
        Accounts::new(self.clone())
    }

    /// The bills (and reminders) of an account, and their PDF documents.
    pub fn bills(&self, account_no: &str) -> Bills {
        Bills::new(self.clone(), AccountScope::new(account_no))
    }

    /// The cards of an account.
    pub fn cards(&self, account_no: &str) -> Cards {
        Cards::new(self.clone(), AccountScope::new(account_no))
    }

    /// The transactions of an account.
    pub fn transactions(&self, account_no: &str) -> Transactions {
        Transactions::new(self.clone(), AccountScope::new(account_no))
    }

    /// The outstanding reservations of an account.
    pub fn reservations(&self, account_no: &str) -> Reservations {
        Reservations::new(self.clone(), AccountScope::new(account_no))
    }

    /// The recurring-payment configuration of an account.
    pub fn recurring_payments(&self, account_no: &str) -> RecurringPayments {
        RecurringPayments::new(self.clone(), AccountScope::new(account_no))
    }

    /// The active (scheduled) payment orders of an account.
    pub fn active_payment_orders(&self, account_no: &str) -> ActivePaymentOrders {
        ActivePaymentOrders::new(self.clone(), AccountScope::new(account_no))
    }

    /// The customer (account owner) `customer_no`, from PayEx's Ledger Customer API
    /// (`/ledger/customer/v1/{ledger}/customers/{customerNo}`).
    pub async fn customer(&self, customer_no: &str) -> Result<Customer, Error> {
        let path = format!(
            "/ledger/customer/v1/{}/customers/{}",
            mypages_transport::encode_segment(&self.inner.ledger),
            validate::segment("customer_no", customer_no)?
        );
        Ok(self
            .inner
            .transport
            .execute(&Fetch::<Customer>::new("get_customer", path))
            .await?)
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
        validate::filter("href", href)?;
        Ok(self
            .inner
            .transport
            .follow::<T>("follow_link", href)
            .await?)
    }

    /// Follows a link to a list PayEx returned (an account's `bills`, `cards`,
    /// `transactions`, `activePaymentOrders`, or a page's `next`), e.g.
    /// `payex.follow_list::<BillList>(href).all()`.
    pub fn follow_list<P: Page>(&self, href: &str) -> List<P> {
        let first = validate::filter("href", href)
            .and_then(|()| Ok(self.inner.transport.base_url().resolve_link(href)?))
            .map(|path| Fetch::new("follow_list", path));
        List::new(self.clone(), first)
    }

    /// Follows a bill's `document` link: the PDF, to download.
    pub fn follow_document(&self, href: &str) -> BillDocument {
        let path = validate::filter("href", href)
            .and_then(|()| Ok(self.inner.transport.base_url().resolve_link(href)?));
        BillDocument::new(self.clone(), path)
    }
}

/// The account a per-account handle works on; checked when a call is made.
#[derive(Debug, Clone)]
pub(crate) struct AccountScope {
    account_no: String,
}

impl AccountScope {
    pub(crate) fn new(account_no: &str) -> Self {
        Self {
            account_no: account_no.to_owned(),
        }
    }

    /// The path of the account followed by `rest`, or an error naming `account_no`.
    pub(crate) fn path(&self, client: &PayexClient, rest: &str) -> Result<String, Error> {
        Ok(format!("{}{rest}", client.account_path(&self.account_no)?))
    }
}

/// Configures a [`PayexClient`]; [`PayexClientBuilder::build`] says what is missing.
///
/// Required: an environment or a base URL, the ledger number, and the token PayEx issued
/// for that ledger. PayEx also requires mutual TLS: give the client certificate and key it
/// issued with [`PayexClientBuilder::identity_pem`].
#[derive(Default)]
pub struct PayexClientBuilder {
    base_url: Option<String>,
    ledger: Option<String>,
    token: Option<Arc<dyn TokenSource>>,
    identity: Option<Result<Identity, Error>>,
    root_certificates: Vec<Vec<u8>>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    body_limit: Option<usize>,
    user_agent: Option<String>,
}

impl std::fmt::Debug for PayexClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayexClientBuilder")
            .field("base_url", &self.base_url)
            .field("ledger", &self.ledger)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("identity", &self.identity.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl PayexClientBuilder {
    /// Uses one of PayEx's environments (sandbox or production).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.base_url = Some(environment.base_url().to_owned());
        self
    }

    /// Uses any API root instead, e.g. a proxy or the local sandbox
    /// (`http://127.0.0.1:7070/payex`); routes and returned links are appended to its path.
    /// Plain `http` is accepted only for loopback hosts.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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
        self.identity = Some(Identity::from_pem(certificate_pem, key_pem).map_err(Error::from));
        self
    }

    /// A client identity read already.
    pub fn identity(mut self, identity: Identity) -> Self {
        self.identity = Some(Ok(identity));
        self
    }

    /// Trusts one more root certificate (PEM), e.g. a test CA.
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// How long establishing a connection may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// How long a whole call, retries included, may take (default: no limit).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// How failed attempts are retried (default: 3 attempts with jittered backoff). Payment
    /// registrations are never retried once they may have reached PayEx.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The largest JSON body accepted (default 16 MiB); bill documents stream and are not
    /// limited.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<PayexClient, Error> {
        let Some(base_url) = self.base_url else {
            return Err(Error::invalid(
                "base_url",
                "is missing; choose .environment(Environment::Sandbox | Environment::Production) or set .base_url(url)",
            ));
        };
        let ledger = match self.ledger.as_deref().map(str::trim) {
            Some(ledger) if !ledger.is_empty() => ledger.to_owned(),
            _ => {
                return Err(Error::invalid(
                    "ledger",
                    "is missing; set .ledger(number) to the ledger PayEx issued the token for",
                ));
            }
        };
        let Some(token) = self.token else {
            return Err(Error::invalid(
                "token",
                "is missing; set .token(token) to the token PayEx issued for the ledger",
            ));
        };
        let mut transport =
            Client::builder()
                .provider("payex")
                .base_url(base_url)
                .shared_token_source(token)
                .user_agent(self.user_agent.unwrap_or_else(|| {
                    concat!("payex-client/", env!("CARGO_PKG_VERSION")).to_owned()
                }));
        if let Some(identity) = self.identity {
            transport = transport.identity(identity?);
        }
        for pem in self.root_certificates {
            transport = transport.add_root_certificate(pem);
        }
        if let Some(timeout) = self.connect_timeout {
            transport = transport.connect_timeout(timeout);
        }
        if let Some(timeout) = self.attempt_timeout {
            transport = transport.attempt_timeout(timeout);
        }
        if let Some(timeout) = self.operation_timeout {
            transport = transport.operation_timeout(timeout);
        }
        if let Some(policy) = self.retry {
            transport = transport.retry(policy);
        }
        if let Some(limit) = self.body_limit {
            transport = transport.body_limit(limit);
        }
        validate::ledger("ledger", &ledger)?;
        let root = format!("/ledger/account/v1/{ledger}");
        Ok(PayexClient {
            inner: Arc::new(Inner {
                transport: transport.build()?,
                ledger,
                root,
            }),
        })
    }
}
