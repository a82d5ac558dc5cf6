//! [`P4pClient`], its builder and the [`Environment`]s.

use mypages_transport::{Call, Client, ClientBuilder, Destination};
use secrecy::{ExposeSecret, SecretString};

use crate::accounts::Accounts;
use crate::balance::Balance;
use crate::error::{self, Error};
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

    /// The transport client underneath: send your own [`Call`] of an
    /// [`operations`](crate::operations) descriptor with it.
    pub fn transport(&self) -> &Client {
        &self.transport
    }

    /// Sends a call of one of this crate's operations; PayFunc's error body refines the error.
    pub(crate) async fn execute<O>(&self, call: Call<O>) -> Result<O, Error> {
        self.transport.execute(&call).await.map_err(error::refine)
    }
}

/// Configures a [`P4pClient`]; [`P4pClientBuilder::build`] checks everything and says what is
/// missing.
///
/// Timeouts, retries, the body limit and layers of your own are set on the transport's
/// builder with [`P4pClientBuilder::transport`].
#[derive(Debug)]
pub struct P4pClientBuilder {
    key: Option<SecretString>,
    destination: Destination,
    transport: ClientBuilder,
}

impl Default for P4pClientBuilder {
    fn default() -> Self {
        Self {
            key: None,
            destination: Destination::default(),
            transport: Client::builder()
                .user_agent(concat!("mypages-p4p/", env!("CARGO_PKG_VERSION"))),
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

    /// The API root, instead of an environment's (e.g. the sandbox's
    /// `http://127.0.0.1:7070/p4p`). A path prefix is kept; `http://` only for loopback
    /// hosts. Setting both this and [`environment`](Self::environment) is a build error.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.destination.set_base_url(url);
        self
    }

    /// The environment to call (default [`Environment::Production`]). Setting both this and
    /// [`base_url`](Self::base_url) is a build error.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.destination.set_environment(environment.base_url());
        self
    }

    /// Configures the transport: timeouts, retries, body limit, user agent, layers. The
    /// base URL, provider name and key are this builder's own.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let client = p4p_client::P4pClient::builder()
    ///     .key("my-private-key")
    ///     .transport(|t| t.attempt_timeout(Duration::from_secs(5)))
    ///     .build();
    /// assert!(client.is_ok());
    /// ```
    pub fn transport(mut self, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        self.transport = configure(self.transport);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<P4pClient, Error> {
        let Some(key) = self.key else {
            return Err(Error::invalid_argument(
                "key",
                "is missing; pass your PayFunc private, public or account API key to P4pClientBuilder::key",
            ));
        };
        let text = key.expose_secret();
        if text.trim().is_empty() {
            return Err(Error::invalid_argument(
                "key",
                "is empty; pass your PayFunc API key",
            ));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            // The key itself stays out of the message.
            return Err(Error::invalid_argument(
                "key",
                "contains spaces or control characters; copy the API key without surrounding whitespace",
            ));
        }
        let base_url = self
            .destination
            .resolve(Some(Environment::default().base_url()))?;
        let transport = self
            .transport
            .provider("p4p")
            .base_url(base_url)
            .problem_reader(error::read_problem)
            .token(key)
            .build()?;
        Ok(P4pClient { transport })
    }
}
