//! [`StrongAuth`]: the answer of the accounts calls, either the data or where to send the
//! customer for strong authentication.

use http::StatusCode;
use mypages_models::avarda::AuthenticationRedirect;
use mypages_transport::{Error, Response};
use serde::de::DeserializeOwned;

/// The answer of an accounts call: the accounts, or the URL where the customer must first
/// complete strong authentication (Avarda's 202 answer).
///
/// Loans are sensitive, so Avarda shows a customer's accounts only after the customer has
/// identified themselves (e.g. with BankID). Until then the call answers with a redirect URL:
/// send the customer's browser there; when they are done Avarda sends them back to the
/// customer's return URL ([`Customer::with_return_url`](crate::Customer::with_return_url)),
/// and the same call then returns the accounts.
///
/// This enum is deliberately exhaustive (not `#[non_exhaustive]`): a `match` must handle
/// both answers, and a new kind of answer would need every merchant's attention anyway.
///
/// ```
/// use avarda_client::StrongAuth;
///
/// fn page(answer: StrongAuth<Vec<String>>) -> String {
///     match answer {
///         StrongAuth::Authenticated(accounts) => format!("{} accounts", accounts.len()),
///         StrongAuth::AuthenticationRequired { redirect_url } => format!("303 to {redirect_url}"),
///     }
/// }
/// assert_eq!(page(StrongAuth::Authenticated(vec![])), "0 accounts");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrongAuth<T> {
    /// The customer has passed strong authentication: here is the data.
    Authenticated(T),
    /// The customer must complete strong authentication first, at `redirect_url`.
    AuthenticationRequired {
        /// Where to send the customer's browser.
        redirect_url: String,
    },
}

impl<T> StrongAuth<T> {
    /// The data, if the customer was authenticated.
    pub fn authenticated(self) -> Option<T> {
        match self {
            Self::Authenticated(value) => Some(value),
            Self::AuthenticationRequired { .. } => None,
        }
    }

    /// The strong-authentication URL, if the customer must authenticate first.
    pub fn redirect_url(&self) -> Option<&str> {
        match self {
            Self::Authenticated(_) => None,
            Self::AuthenticationRequired { redirect_url } => Some(redirect_url),
        }
    }

    /// Whether the customer must authenticate first.
    pub fn is_authentication_required(&self) -> bool {
        matches!(self, Self::AuthenticationRequired { .. })
    }

    /// Transforms the data, keeping a redirect as it is.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> StrongAuth<U> {
        match self {
            Self::Authenticated(value) => StrongAuth::Authenticated(f(value)),
            Self::AuthenticationRequired { redirect_url } => {
                StrongAuth::AuthenticationRequired { redirect_url }
            }
        }
    }
}

/// Reads an accounts answer: Avarda's 202 `{redirectUrl}` (strong authentication needed) or
/// the data. The decoder of the accounts calls ([`Call::decode_with`](mypages_transport::Call::decode_with)).
pub(crate) fn decode<T: DeserializeOwned>(response: Response) -> Result<StrongAuth<T>, Error> {
    if response.status() == StatusCode::ACCEPTED {
        let redirect: AuthenticationRedirect = response.json()?;
        return Ok(StrongAuth::AuthenticationRequired {
            redirect_url: redirect.redirect_url,
        });
    }
    response.json().map(StrongAuth::Authenticated)
}
