//! The shape every customer read shares: a GET with `purchaseId` in the query and the
//! customer headers.

use http::{HeaderMap, Method};
use mypages_models::avarda::AuthenticationRedirect;
use mypages_transport::{Endpoint, Error, Response};
use serde::de::DeserializeOwned;

use crate::customer::Customer;
use crate::strong_auth::StrongAuth;

/// A GET of one customer's data.
pub(crate) struct CustomerRead<'a, T> {
    pub(crate) operation: &'static str,
    pub(crate) path: String,
    pub(crate) purchase_id: &'a str,
    pub(crate) customer: &'a Customer,
    /// Whether the call carries `customerAuthenticationReturnUrl` (the accounts calls).
    pub(crate) with_return_url: bool,
    pub(crate) decode: fn(Response) -> Result<T, Error>,
}

impl<T> Endpoint for CustomerRead<'_, T> {
    type Output = T;

    fn operation(&self) -> &'static str {
        self.operation
    }

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String, Error> {
        Ok(self.path.clone())
    }

    fn query(&self) -> Result<Vec<(&'static str, String)>, Error> {
        Ok(vec![("purchaseId", self.purchase_id.to_owned())])
    }

    fn headers(&self) -> Result<HeaderMap, Error> {
        self.customer.headers(self.with_return_url)
    }

    fn decode(&self, response: Response) -> Result<T, Error> {
        (self.decode)(response)
    }
}

/// Decodes a JSON answer.
pub(crate) fn json<T: DeserializeOwned>(response: Response) -> Result<T, Error> {
    response.json()
}

/// Decodes an answer that may be Avarda's 202 `{redirectUrl}` (strong authentication
/// needed) or the data.
pub(crate) fn gated<T: DeserializeOwned>(response: Response) -> Result<StrongAuth<T>, Error> {
    if response.status() == http::StatusCode::ACCEPTED {
        let redirect: AuthenticationRedirect = response.json()?;
        return Ok(StrongAuth::AuthenticationRequired {
            redirect_url: redirect.redirect_url,
        });
    }
    response.json().map(StrongAuth::Authenticated)
}
