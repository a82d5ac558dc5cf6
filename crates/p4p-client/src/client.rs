//! [`P4pClient`], its builder and the [`Environment`]s.

use std::time::Duration;

use mypages_transport::{Client, ClientBuilder, Endpoint, RetryPolicy};
use secrecy::{ExposeSecret, SecretString};

use crate::accounts::Accounts;
use crate::balance::Balance;
use crate::error::Error;
use crate::orders::Orders;
use crate::subscriptions::Subscriptions;

/// Where PayFunc's API lives. Test and production share one root: the API key decides the
/// mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.payfunc.com/`, for test keys and production keys alike.
    #[default]
    Production,
}

impl Environment {
    /// The API root of this environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Production => "https://api.payfunc.com/",
        }
    }
}

/// A client of PayFunc's account API. Cheap to clone; clones share connections and the
/// retry budget.
///
/// ```no_run
/// # async fn run() -> Result<(), p4p_client::Error> {
/// use p4p_client::P4pClient;
///
/// let client = P4pClient::builder().key("my-private-key").build()?;
/// for account in client.accounts().list().await? {
///     println!("{} {:?}", account.id, account.total);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct P4pClient {
    transport: Client,
}

impl P4pClient {
    /// Starts configuring a client; [`P4pClientBuilder::key`] is required.
    pub fn builder() -> P4pClientBuilder {
        P4pClientBuilder::default()
    }

    /// Accounts: create, get, list, update, customer, keys, login links, payment methods.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts::new(self)
    }

    /// Account balances: add items, settle.
    pub fn balance(&self) -> Balance<'_> {
        Balance::new(self)
    }

    /// The subscriptions of accounts.
    pub fn subscriptions(&self) -> Subscriptions<'_> {
        Subscriptions::new(self)
    }

    /// Orders: create, charge, cancel, refund.
    pub fn orders(&self) -> Orders<'_> {
        Orders::new(self)
    }

    /// Sends any endpoint of this crate (or your own) through the client's stack.
    pub async fn send<E: Endpoint + ?Sized>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.transport.execute(endpoint).await.map_err(Error::from)
    }

    /// The transport client underneath.
    pub fn transport(&self) -> &Client {
        &self.transport
    }
}

/// Configures a [`P4pClient`]; [`P4pClientBuilder::build`] checks everything and says what is
/// missing.
#[derive(Debug)]
pub struct P4pClientBuilder {
    key: Option<SecretString>,
    base_url: Option<String>,
    environment: Environment,
    transport: ClientBuilder,
}

impl Default for P4pClientBuilder {
    fn default() -> Self {
        Self {
            key: None,
            base_url: None,
            environment: Environment::default(),
            transport: Client::builder(),
        }
    }
}

impl P4pClientBuilder {
    /// The API key (required), sent as `Authorization: Bearer <key>`: a private key, a
    /// public key, or an account key (which lets requests name the account
    /// [`AccountRef::Me`](crate::AccountRef::Me)).
    pub fn key(mut self, key: impl Into<SecretString>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The API root, instead of the environment's (e.g. the sandbox's
    /// `http://127.0.0.1:7070/p4p`). A path prefix is kept; `http://` only for loopback hosts.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The environment whose root is used when no base URL is set (default production).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// How long connecting may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self
    }

    /// How long one attempt may take (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.attempt_timeout(timeout);
        self
    }

    /// How long a whole call, retries included, may take (default: no limit).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.operation_timeout(timeout);
        self
    }

    /// The retry policy (default 3 attempts, 100 ms base delay). Account creation, order
    /// creation, balance additions and order events are never retried once they may have
    /// reached PayFunc, whatever the policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry(policy);
        self
    }

    /// The largest answer accepted, in bytes (default 16 MiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.transport = self.transport.body_limit(bytes);
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.transport = self.transport.user_agent(user_agent);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<P4pClient, Error> {
        let Some(key) = self.key else {
            return Err(Error::invalid(
                "key",
                "is missing; pass your PayFunc private, public or account API key to P4pClientBuilder::key",
            ));
        };
        let text = key.expose_secret();
        if text.trim().is_empty() {
            return Err(Error::invalid("key", "is empty; pass your PayFunc API key"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            // The key itself stays out of the message.
            return Err(Error::invalid(
                "key",
                "contains spaces or control characters; copy the API key without surrounding whitespace",
            ));
        }
        let base_url = self
            .base_url
            .unwrap_or_else(|| self.environment.base_url().to_owned());
        let transport = self
            .transport
            .provider("p4p")
            .base_url(base_url)
            .token(key)
            .build()?;
        Ok(P4pClient { transport })
    }
}
