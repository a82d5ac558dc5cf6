//! [`AvardaClient`], its builder and the [`Environment`]s.

use std::fmt;
use std::time::Duration;

use mypages_transport::{Client, RetryPolicy, SecretString};
use secrecy::ExposeSecret;

use crate::accounts::Accounts;
use crate::error::Error;
use crate::invoices::Invoices;
use crate::pay::Pay;
use crate::token::partner_token_source;

/// Avarda's published environments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// The test environment, `https://stage.avarda360-api.avarda.com`.
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
    /// Starts configuring a client.
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

    pub(crate) fn api(&self) -> &Client {
        &self.api
    }
}

/// How the client authenticates.
#[derive(Clone)]
enum Auth {
    Credentials { id: String, secret: SecretString },
    Token(SecretString),
}

/// Configures an [`AvardaClient`]; [`AvardaClientBuilder::build`] checks everything and
/// says what is missing.
///
/// Required: where (`environment` or `base_url`) and how to authenticate (`credentials`,
/// or a ready partner access `token`).
#[derive(Clone)]
pub struct AvardaClientBuilder {
    environment: Option<Environment>,
    base_url: Option<String>,
    auth: Vec<Auth>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    body_limit: Option<usize>,
    refresh_ahead: Duration,
    user_agent: Option<String>,
}

impl Default for AvardaClientBuilder {
    fn default() -> Self {
        Self {
            environment: None,
            base_url: None,
            auth: Vec::new(),
            connect_timeout: None,
            attempt_timeout: None,
            operation_timeout: None,
            retry: None,
            body_limit: None,
            refresh_ahead: Duration::from_secs(60),
            user_agent: None,
        }
    }
}

impl fmt::Debug for AvardaClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AvardaClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("credentials", &"[redacted]")
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .field("body_limit", &self.body_limit)
            .field("refresh_ahead", &self.refresh_ahead)
            .finish_non_exhaustive()
    }
}

impl AvardaClientBuilder {
    /// One of Avarda's environments (or give a `base_url` instead).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// Any API root instead of an environment, e.g. the sandbox's `http://127.0.0.1:7070/avarda`
    /// (a path prefix is kept; plain http only for loopback hosts).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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
    /// refreshed), so calls fail with [`ErrorKind::Unauthorized`](crate::ErrorKind::Unauthorized)
    /// once it expires.
    pub fn token(mut self, token: SecretString) -> Self {
        self.auth.push(Auth::Token(token));
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

    /// How long a whole call, retries included, may take (default: no limit beyond the
    /// attempts').
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// The retry policy (default: 3 attempts, 100 ms base delay). `POST /Pay` is never
    /// retried once it may have reached Avarda, whatever the policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How long before `tokenExpirationUtc` a new partner access token is fetched (default
    /// 60 s, at most half the token's lifetime).
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// The `User-Agent` header (default `mypages-transport/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    fn transport(&self, base_url: &str) -> mypages_transport::ClientBuilder {
        let mut builder = Client::builder().provider("avarda").base_url(base_url);
        if let Some(timeout) = self.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(timeout) = self.attempt_timeout {
            builder = builder.attempt_timeout(timeout);
        }
        if let Some(timeout) = self.operation_timeout {
            builder = builder.operation_timeout(timeout);
        }
        if let Some(policy) = &self.retry {
            builder = builder.retry(policy.clone());
        }
        if let Some(bytes) = self.body_limit {
            builder = builder.body_limit(bytes);
        }
        if let Some(user_agent) = &self.user_agent {
            builder = builder.user_agent(user_agent.clone());
        }
        builder
    }

    /// The largest response body decoded, in bytes (default 16 MiB); a larger answer fails
    /// with [`ErrorKind::Decode`](crate::ErrorKind::Decode) instead of being read whole.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent: the first partner
    /// access token is fetched by the first call.
    pub fn build(self) -> Result<AvardaClient, Error> {
        let invalid = |argument: &str, message: &str| {
            Error::from(mypages_transport::Error::invalid_request(argument, message))
        };
        let base_url = match (&self.base_url, self.environment) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "base_url",
                    "and environment are both set; choose one: an Environment or any API root",
                ));
            }
            (Some(url), None) => url.clone(),
            (None, Some(environment)) => environment.base_url().to_owned(),
            (None, None) => {
                return Err(invalid(
                    "environment",
                    "is missing; set .environment(Environment::Stage), .environment(Environment::Production) or .base_url(url)",
                ));
            }
        };
        let auth = match self.auth.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(invalid(
                    "credentials",
                    "are missing; set .credentials(client_id, client_secret) (the Checkout 3.0 credentials) or .token(partner_access_token)",
                ));
            }
            _ => {
                return Err(invalid(
                    "credentials",
                    "are set more than once; give either .credentials(id, secret) or .token(token), once",
                ));
            }
        };
        if self.refresh_ahead.is_zero() {
            return Err(invalid(
                "refresh_ahead",
                "must be longer than zero, or tokens would be used until the very last moment",
            ));
        }
        let api = match auth {
            Auth::Credentials { id, secret } => {
                if id.trim().is_empty() {
                    return Err(invalid("client_id", "must not be empty"));
                }
                if secret.expose_secret().trim().is_empty() {
                    return Err(invalid("client_secret", "must not be empty"));
                }
                // The token client does not retry by itself: a call whose token fetch failed
                // transiently is retried as a whole (nothing was sent), so one policy and one
                // budget bound every attempt.
                let token_client = self
                    .transport(&base_url)
                    .retry(RetryPolicy::never())
                    .build()?;
                let source = partner_token_source(token_client, id, secret, self.refresh_ahead);
                self.transport(&base_url).token_source(source).build()?
            }
            Auth::Token(token) => {
                if token.expose_secret().trim().is_empty() {
                    return Err(invalid("token", "must not be empty"));
                }
                self.transport(&base_url).token(token).build()?
            }
        };
        Ok(AvardaClient { api })
    }
}
