//! [`AvardaClient`], its builder and the [`Environment`]s.

use std::fmt;
use std::time::Duration;

use mypages_transport::{Call, Client, ClientBuilder, Destination, RetryPolicy, SecretString};
use secrecy::ExposeSecret;

use crate::accounts::Accounts;
use crate::error::{self, Error};
use crate::invoices::Invoices;
use crate::pay::Pay;
use crate::token::partner_token_source;

/// Avarda's published environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Environment {
    /// The test environment, `https://stage.avarda360-api.avarda.com`: the default.
    #[default]
    Stage,
    /// The production environment, `https://avarda360-api.avarda.com`.
    Production,
}

impl Environment {
    /// The API root of the environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Stage => "https://stage.avarda360-api.avarda.com",
            Self::Production => "https://avarda360-api.avarda.com",
        }
    }
}

/// A client of Avarda's MyPages API.
///
/// It fetches the partner access token itself (from the client id and secret), caches it
/// for all calls and all customers, and refreshes it shortly before it expires (one fetch
/// however many calls need it at once) or when Avarda rejects it. Cloning is cheap: clones
/// share the connection pool and the token.
///
/// ```no_run
/// use avarda_client::{AvardaClient, Customer, Environment, StrongAuth, TokenProvider};
///
/// # async fn run() -> Result<(), avarda_client::Error> {
/// let avarda = AvardaClient::builder()
///     .environment(Environment::Stage)
///     .credentials("client-id", "client-secret")
///     .build()?;
/// let customer = Customer::new("4f1c0a7d9e", TokenProvider::Own)
///     .with_return_url("https://shop.example/my-pages/accounts");
/// match avarda.accounts().list(&customer, "purchase-id").await? {
///     StrongAuth::Authenticated(accounts) => println!("{} accounts", accounts.len()),
///     StrongAuth::AuthenticationRequired { redirect_url } => println!("redirect to {redirect_url}"),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AvardaClient {
    api: Client,
}

impl fmt::Debug for AvardaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvardaClient")
            .field("base_url", self.api.base_url())
            .finish_non_exhaustive()
    }
}

impl AvardaClient {
    /// Starts configuring a client; [`AvardaClientBuilder::credentials`] (or
    /// [`AvardaClientBuilder::token`]) is required.
    pub fn builder() -> AvardaClientBuilder {
        AvardaClientBuilder::default()
    }

    /// The customer's invoices.
    pub fn invoices(&self) -> Invoices<'_> {
        Invoices::new(self)
    }

    /// The customer's accounts (behind strong authentication).
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts::new(self)
    }

    /// Paying accounts and invoices through Checkout 3.0.
    pub fn pay(&self) -> Pay<'_> {
        Pay::new(self)
    }

    /// The transport client underneath (with the partner token source): send your own
    /// [`Call`] of an [`operations`](crate::operations) descriptor with it.
    pub fn transport(&self) -> &Client {
        &self.api
    }

    /// Sends a call of one of this crate's operations; Avarda's error code refines the
    /// error's category.
    pub(crate) async fn execute<O>(&self, call: Call<O>) -> Result<O, Error> {
        self.api.execute(&call).await.map_err(error::refine)
    }
}

/// How the client authenticates.
enum Auth {
    Credentials { id: String, secret: SecretString },
    Token(SecretString),
}

/// Configures an [`AvardaClient`]; [`AvardaClientBuilder::build`] checks everything and
/// says what is missing.
///
/// Required: how to authenticate ([`credentials`](Self::credentials), or a ready partner
/// access [`token`](Self::token)). Where: an [`environment`](Self::environment) or a
/// [`base_url`](Self::base_url), [`Environment::Stage`] when neither is set. Timeouts,
/// retries, the body limit, the user agent and layers of your own are set on the
/// transport's builder with [`transport`](Self::transport).
pub struct AvardaClientBuilder {
    auth: Vec<Auth>,
    refresh_ahead: Duration,
    destination: Destination,
    /// The client of the API calls.
    transport: ClientBuilder,
    /// The client that fetches partner access tokens (used with `credentials` only).
    token_transport: ClientBuilder,
}

impl Default for AvardaClientBuilder {
    fn default() -> Self {
        let transport =
            || Client::builder().user_agent(concat!("mypages-avarda/", env!("CARGO_PKG_VERSION")));
        Self {
            auth: Vec::new(),
            refresh_ahead: Duration::from_secs(60),
            destination: Destination::default(),
            transport: transport(),
            token_transport: transport(),
        }
    }
}

impl fmt::Debug for AvardaClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvardaClientBuilder")
            .field("destination", &self.destination)
            .field("credentials", &"[redacted]")
            .field("refresh_ahead", &self.refresh_ahead)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

impl AvardaClientBuilder {
    /// One of Avarda's environments (default [`Environment::Stage`]). Setting both this and
    /// [`base_url`](Self::base_url) is a build error.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.destination.set_environment(environment.base_url());
        self
    }

    /// Any API root instead of an environment, e.g. the sandbox's
    /// `http://127.0.0.1:7070/avarda` (a path prefix is kept; plain http only for loopback
    /// hosts). Setting both this and [`environment`](Self::environment) is a build error.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.destination.set_base_url(url);
        self
    }

    /// The client id and secret Avarda issued (the Checkout 3.0 credentials): the client
    /// fetches, caches and refreshes the partner access token itself.
    pub fn credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.auth.push(Auth::Credentials {
            id: client_id.into(),
            secret: SecretString::from(client_secret.into()),
        });
        self
    }

    /// A ready partner access token instead of credentials; it is used as it is (not
    /// refreshed), so calls fail with [`ErrorKind::Refused`](crate::ErrorKind::Refused)
    /// (status 401, [`Category::Unauthorized`](crate::Category::Unauthorized)) once it
    /// expires.
    pub fn token(mut self, token: SecretString) -> Self {
        self.auth.push(Auth::Token(token));
        self
    }

    /// How long before `tokenExpirationUtc` a new partner access token is fetched (default
    /// 60 s, at most half the token's lifetime).
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// Configures the transport: timeouts, retries, body limit, user agent (default
    /// `mypages-avarda/<version>`), layers. The base URL, provider name and authentication
    /// are this builder's own.
    ///
    /// `configure` is applied to the client of the API calls and to the one that fetches
    /// partner access tokens, so both keep the same timeouts, user agent, certificates and
    /// layers (hence `Fn`). The token fetch is never retried by itself: a call whose token
    /// fetch failed transiently is retried as a whole under the policy set here (nothing
    /// was sent), so one policy and one budget bound every attempt. `POST /Pay` is never
    /// retried once it may have reached Avarda, whatever the policy.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let client = avarda_client::AvardaClient::builder()
    ///     .credentials("client-id", "client-secret")
    ///     .transport(|t| t.attempt_timeout(Duration::from_secs(5)))
    ///     .build();
    /// assert!(client.is_ok());
    /// ```
    pub fn transport(mut self, configure: impl Fn(ClientBuilder) -> ClientBuilder) -> Self {
        self.transport = configure(self.transport);
        self.token_transport = configure(self.token_transport);
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent: the first partner
    /// access token is fetched by the first call.
    pub fn build(self) -> Result<AvardaClient, Error> {
        let mut auth = self.auth;
        let auth = match (auth.pop(), auth.is_empty()) {
            (Some(one), true) => one,
            (None, _) => {
                return Err(Error::invalid_argument(
                    "credentials",
                    "are missing; set .credentials(client_id, client_secret) (the Checkout 3.0 credentials) or .token(partner_access_token)",
                ));
            }
            (Some(_), false) => {
                return Err(Error::invalid_argument(
                    "credentials",
                    "are set more than once; give either .credentials(id, secret) or .token(token), once",
                ));
            }
        };
        if self.refresh_ahead.is_zero() {
            return Err(Error::invalid_argument(
                "refresh_ahead",
                "must be longer than zero, or tokens would be used until the very last moment",
            ));
        }
        let base_url = self
            .destination
            .resolve(Some(Environment::default().base_url()))?;
        let transport = self
            .transport
            .provider("avarda")
            .base_url(base_url.clone())
            .problem_reader(error::read_problem);
        let api = match auth {
            Auth::Credentials { id, secret } => {
                if id.trim().is_empty() {
                    return Err(Error::invalid_argument("client_id", "must not be empty"));
                }
                if secret.expose_secret().trim().is_empty() {
                    return Err(Error::invalid_argument(
                        "client_secret",
                        "must not be empty",
                    ));
                }
                let token_client = self
                    .token_transport
                    .provider("avarda")
                    .base_url(base_url)
                    .problem_reader(error::read_problem)
                    .retry(RetryPolicy::never())
                    .build()?;
                let source = partner_token_source(token_client, id, secret, self.refresh_ahead);
                transport.token_source(source).build()?
            }
            Auth::Token(token) => {
                if token.expose_secret().trim().is_empty() {
                    return Err(Error::invalid_argument("token", "must not be empty"));
                }
                transport.token(token).build()?
            }
        };
        Ok(AvardaClient { api })
    }
}
