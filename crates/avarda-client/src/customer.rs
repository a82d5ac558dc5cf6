//! The customer a call is made for: [`Customer`] and its [`TokenProvider`].

use std::fmt;
use std::str::FromStr;

use http::{HeaderName, HeaderValue};
use mypages_transport::{Call, Error, SecretString, sensitive_header};
use secrecy::ExposeSecret;

use crate::validate;

/// Who issued a customer auth token (Avarda's `customerTokenProvider` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum TokenProvider {
    /// The merchant issued the token itself (wire value `Self`): the usual case.
    #[default]
    Own,
    /// The token is a Google identity (wire value `Google`).
    Google,
}

impl TokenProvider {
    /// The value Avarda expects in the `customerTokenProvider` header.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Own => "Self",
            Self::Google => "Google",
        }
    }
}

impl fmt::Display for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text is not a [`TokenProvider`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenProviderError;

impl fmt::Display for TokenProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected `Self` or `Google`")
    }
}

impl std::error::Error for TokenProviderError {}

impl FromStr for TokenProvider {
    type Err = TokenProviderError;

    /// Reads `Self` (also `Own`) or `Google`, in any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "self" | "own" => Ok(Self::Own),
            "google" => Ok(Self::Google),
            _ => Err(TokenProviderError),
        }
    }
}

/// The customer whose invoices and accounts are read: their auth token, who issued it, and
/// (for accounts) where they come back to after strong authentication.
///
/// The customer auth token identifies the customer to Avarda. It must be the same every time
/// for the same customer and never shared between customers (Avarda's own client sends a
/// SHA-256 of the merchant's customer id). It is a secret: `Debug` never shows it.
///
/// ```
/// use avarda_client::{Customer, TokenProvider};
///
/// let customer = Customer::new("4f1c0a7d9e", TokenProvider::Own)
///     .with_return_url("https://shop.example/my-pages/accounts");
/// assert!(!format!("{customer:?}").contains("4f1c0a7d9e"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Customer {
    token: SecretString,
    provider: TokenProvider,
    return_url: Option<String>,
}

impl Customer {
    /// A customer identified by `token`, issued by `provider`. Add the return URL with
    /// [`Customer::with_return_url`] before reading accounts.
    pub fn new(token: impl Into<String>, provider: TokenProvider) -> Self {
        Self {
            token: SecretString::from(token.into()),
            provider,
            return_url: None,
        }
    }

    /// Sets the URL the customer returns to after strong authentication (Avarda's
    /// `customerAuthenticationReturnUrl`); required by the accounts calls.
    pub fn with_return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// Who issued the token.
    pub fn provider(&self) -> TokenProvider {
        self.provider
    }

    /// The return URL, if set.
    pub fn return_url(&self) -> Option<&str> {
        self.return_url.as_deref()
    }

    /// Adds the customer headers to `call`: `customerAuthToken` (marked sensitive) and
    /// `customerTokenProvider`, plus `customerAuthenticationReturnUrl` when `with_return_url`
    /// is true (then the URL is required).
    pub(crate) fn add_headers<O>(
        &self,
        call: Call<O>,
        with_return_url: bool,
    ) -> Result<Call<O>, Error> {
        let token = self.token.expose_secret();
        validate::customer_token("customer_token", token)?;
        let mut call = call
            .header(
                HeaderName::from_static("customerauthtoken"),
                sensitive_header("customer_token", token)?,
            )
            .header(
                HeaderName::from_static("customertokenprovider"),
                HeaderValue::from_static(self.provider.as_str()),
            );
        if with_return_url {
            let Some(url) = self.return_url.as_deref() else {
                return Err(Error::invalid_argument(
                    "return_url",
                    "is missing; accounts are sensitive, so set Customer::with_return_url to the page the customer returns to after strong authentication",
                ));
            };
            validate::return_url("return_url", url)?;
            let value = HeaderValue::from_str(url).map_err(|_| {
                Error::invalid_argument("return_url", "is not a valid header value")
            })?;
            call = call.header(
                HeaderName::from_static("customerauthenticationreturnurl"),
                value,
            );
        }
        Ok(call)
    }
}

impl fmt::Debug for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Customer")
            .field("token", &"[redacted]")
            .field("provider", &self.provider)
            .field("return_url", &self.return_url)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations as op;
    use http::HeaderMap;
    use mypages_transport::Endpoint;

    fn headers(customer: &Customer, with_return_url: bool) -> Result<HeaderMap, Error> {
        let call = op::LIST_ACCOUNTS.call(&[])?.expect_empty();
        customer.add_headers(call, with_return_url)?.headers()
    }

    #[test]
    fn token_provider_reads_and_writes_avarda_values() {
        assert_eq!("Self".parse(), Ok(TokenProvider::Own));
        assert_eq!("self".parse(), Ok(TokenProvider::Own));
        assert_eq!("GOOGLE".parse(), Ok(TokenProvider::Google));
        assert_eq!("Apple".parse::<TokenProvider>(), Err(TokenProviderError));
        assert_eq!(TokenProvider::Own.to_string(), "Self");
    }

    #[test]
    fn headers_carry_the_token_marked_sensitive() {
        let customer = Customer::new("abc123", TokenProvider::Google)
            .with_return_url("https://shop.example/back");
        let headers = headers(&customer, true).unwrap();
        assert!(headers["customerauthtoken"].is_sensitive());
        assert_eq!(headers["customerauthtoken"], "abc123");
        assert_eq!(headers["customertokenprovider"], "Google");
        assert_eq!(
            headers["customerauthenticationreturnurl"],
            "https://shop.example/back"
        );
        assert!(!format!("{headers:?}").contains("abc123"));
        assert!(!format!("{customer:?}").contains("abc123"));
    }

    #[test]
    fn accounts_need_a_return_url() {
        let customer = Customer::new("abc123", TokenProvider::Own);
        assert!(headers(&customer, false).is_ok());
        let error = headers(&customer, true).unwrap_err();
        assert_eq!(error.argument(), Some("return_url"));
        let error = headers(&Customer::new("", TokenProvider::Own), false).unwrap_err();
        assert_eq!(error.argument(), Some("customer_token"));
    }
}
