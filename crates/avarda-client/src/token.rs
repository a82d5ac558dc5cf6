//! The partner access token: `POST /auth/token`, and the cached source built on it.

use std::time::Duration;

use http::Method;
use mypages_models::avarda::{PartnerAccessToken, TokenRequest};
use mypages_transport::{
    CachedToken, Client, Endpoint, Error, ExpiringToken, RequestBody, Response, SecretString,
};
use secrecy::ExposeSecret;

/// `POST /auth/token`: exchanges the client id and secret for a partner access token.
pub(crate) struct GetPartnerAccessToken {
    pub(crate) request: TokenRequest,
}

impl Endpoint for GetPartnerAccessToken {
    type Output = PartnerAccessToken;

    fn operation(&self) -> &'static str {
        "get_partner_access_token"
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> Result<String, Error> {
        Ok("/auth/token".to_owned())
    }

    fn body(&self) -> Result<Option<RequestBody>, Error> {
        RequestBody::json(&self.request).map(Some)
    }

    /// Issuing a token changes nothing at Avarda: safe to repeat.
    fn idempotent(&self) -> bool {
        true
    }

    fn decode(&self, response: Response) -> Result<Self::Output, Error> {
        response.json()
    }
}

/// A token source that fetches partner access tokens from `POST /auth/token` through
/// `token_client` (a client without auth), caches them across calls and customers, refreshes
/// them `refresh_ahead` before `tokenExpirationUtc` (single-flight), and drops a token Avarda
/// rejects with 401.
pub(crate) fn partner_token_source(
    token_client: Client,
    client_id: String,
    client_secret: SecretString,
    refresh_ahead: Duration,
) -> CachedToken {
    CachedToken::with_refresh_ahead(
        move || {
            let client = token_client.clone();
            let request = TokenRequest::new(
                client_id.clone(),
                client_secret.expose_secret().to_owned().into(),
            );
            async move {
                let answer = client.execute(&GetPartnerAccessToken { request }).await?;
                let token = SecretString::from(answer.token.into_inner());
                Ok(ExpiringToken::expiring_at(
                    token,
                    answer.token_expiration_utc,
                ))
            }
        },
        refresh_ahead,
    )
}
