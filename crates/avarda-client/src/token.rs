//! The partner access token: `getPartnerAccessToken` (`POST /auth/token`), and the cached
//! source built on it.

use std::time::Duration;

use mypages_models::avarda::{PartnerAccessToken, TokenRequest};
use mypages_transport::{CachedToken, Client, Error, ExpiringToken, Response, SecretString};
use secrecy::ExposeSecret;
use time::OffsetDateTime;

use crate::operations as op;

/// How long a partner access token lives by Avarda's documentation: assumed when the answer
/// carries neither `tokenExpirationUtc` nor a readable JWT `exp` claim.
const DOCUMENTED_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// A token source that fetches partner access tokens with `getPartnerAccessToken`
/// (`POST /auth/token`) through `token_client` (a client without auth), caches them across
/// calls and customers, refreshes them `refresh_ahead` before `tokenExpirationUtc`
/// (single-flight), and drops a token Avarda rejects with 401.
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
                let call = op::GET_PARTNER_ACCESS_TOKEN
                    .call(&[])?
                    .json_body(&request)?
                    .decode_with(json_or_text);
                let (answer, server_now) = client.execute(&call).await?;
                // `Date` has whole seconds: Avarda's true time is up to 1 s later.
                let now = server_now
                    .map(|date| date + time::Duration::SECOND)
                    .unwrap_or_else(OffsetDateTime::now_utc);
                let expires_at = answer
                    .token_expiration_utc
                    .or_else(|| jwt_expiry(answer.token.expose()))
                    .unwrap_or_else(|| now + DOCUMENTED_LIFETIME);
                let token = SecretString::from(answer.token.into_inner());
                // Judged by Avarda's clock, so a skewed local clock changes nothing.
                Ok(ExpiringToken::expiring_at_server_time(
                    token,
                    expires_at,
                    Some(now),
                ))
            }
        },
        refresh_ahead,
    )
}

/// The JSON answer, or the token alone as `text/plain` (Avarda's own client asks for
/// `Accept: text/plain`), bare or as a JSON string; with the server's clock when it
/// answered (its `Date` header).
fn json_or_text(response: Response) -> Result<(PartnerAccessToken, Option<OffsetDateTime>), Error> {
    let server_now = response.server_date();
    let text = std::str::from_utf8(response.body()).map_or("", str::trim);
    if text.is_empty() || text.starts_with('{') {
        return Ok((response.json()?, server_now));
    }
    let token = serde_json::from_str::<String>(text).unwrap_or_else(|_| text.to_owned());
    Ok((PartnerAccessToken::new(token.into()), server_now))
}

/// The `exp` claim of a JWT (its payload is base64url JSON), if it has a readable one. The
/// signature is not checked: the value only decides when to fetch a new token.
fn jwt_expiry(jwt: &str) -> Option<OffsetDateTime> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64url_decode(payload)?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_i64()?;
    OffsetDateTime::from_unix_timestamp(exp).ok()
}

/// Decodes unpadded (or padded) base64url; `None` on any other character.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_exp_claim_of_a_jwt() {
        // {"alg":"HS256"} . {"sub":"merchant","exp":1795302798} . signature
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZXJjaGFudCIsImV4cCI6MTc5NTMwMjc5OH0.c2ln";
        let exp = jwt_expiry(jwt).unwrap();
        assert_eq!(exp.unix_timestamp(), 1_795_302_798);
        assert_eq!(jwt_expiry("not-a-jwt"), None);
        assert_eq!(jwt_expiry("a.b!c.d"), None);
        assert_eq!(jwt_expiry("a.eyJub3RoaW5nIjp0cnVlfQ.d"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_token_text_is_read_without_panicking(text in "\\PC{0,200}") {
            let _ = jwt_expiry(&text);
            let _ = base64url_decode(&text);
        }
    }

    #[test]
    fn base64url_round_numbers() {
        assert_eq!(base64url_decode("TWFu").unwrap(), b"Man");
        assert_eq!(base64url_decode("TWE").unwrap(), b"Ma");
        assert_eq!(base64url_decode("TQ==").unwrap(), b"M");
        assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
    }
}
