//! Checks on arguments before anything is sent, each naming the argument it rejects.

use http::Uri;
use mypages_transport::Error;

/// The longest id (purchase, invoice, account) accepted. Avarda's ids are GUIDs or short
/// references; anything this long is a mistake, not an id.
pub(crate) const MAX_ID_LEN: usize = 128;

/// The longest customer auth token accepted (a hash or a JWT fits easily).
pub(crate) const MAX_TOKEN_LEN: usize = 4096;

/// The longest return URL accepted.
pub(crate) const MAX_URL_LEN: usize = 2048;

/// An id that goes into a path or a query: not blank, at most [`MAX_ID_LEN`] characters,
/// no control characters. The value is never quoted in the error (it may be personal).
pub(crate) fn id(argument: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    if value.chars().count() > MAX_ID_LEN {
        return Err(Error::invalid_argument(
            argument,
            format_args!("is longer than {MAX_ID_LEN} characters; pass the id Avarda returned"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_argument(
            argument,
            "contains control characters (a line break or a tab?)",
        ));
    }
    Ok(())
}

/// A customer auth token: not blank, at most [`MAX_TOKEN_LEN`] characters, visible ASCII
/// only (it travels in an HTTP header). The token is never quoted in the error.
pub(crate) fn customer_token(argument: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_argument(
            argument,
            "must not be empty; use a token that is stable per customer (e.g. a hash of your customer id)",
        ));
    }
    if value.len() > MAX_TOKEN_LEN {
        return Err(Error::invalid_argument(
            argument,
            format_args!("is longer than {MAX_TOKEN_LEN} characters"),
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_argument(
            argument,
            "must be visible ASCII without spaces (it is sent in an HTTP header); hex- or base64-encode it",
        ));
    }
    Ok(())
}

/// The URL the customer returns to after strong authentication: an absolute `http(s)` URL
/// with a host, visible ASCII, at most [`MAX_URL_LEN`] characters.
pub(crate) fn return_url(argument: &str, value: &str) -> Result<(), Error> {
    if value.len() > MAX_URL_LEN {
        return Err(Error::invalid_argument(
            argument,
            format_args!("is longer than {MAX_URL_LEN} characters"),
        ));
    }
    let must = "must be an absolute http or https URL of your my pages, e.g. `https://shop.example/my-pages`";
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_argument(argument, must));
    }
    let Ok(uri) = value.parse::<Uri>() else {
        return Err(Error::invalid_argument(argument, must));
    };
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let host_ok = uri.host().is_some_and(|host| !host.is_empty());
    if !scheme_ok || !host_ok {
        return Err(Error::invalid_argument(argument, must));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_without_quoting_them() {
        assert!(id("purchase_id", "sandbox-purchase").is_ok());
        let error = id("purchase_id", "  ").unwrap_err();
        assert_eq!(error.argument(), Some("purchase_id"));
        let long = "x".repeat(MAX_ID_LEN + 1);
        let error = id("invoice_id", &long).unwrap_err();
        assert!(!error.to_string().contains(&long));
        assert!(id("account_id", "a\nb").is_err());
    }

    #[test]
    fn customer_tokens_must_fit_a_header() {
        assert!(customer_token("customer_token", "3f7a9c").is_ok());
        assert!(customer_token("customer_token", "").is_err());
        assert!(customer_token("customer_token", "has space").is_err());
        assert!(customer_token("customer_token", "åäö").is_err());
        let error = customer_token("customer_token", "secret\n").unwrap_err();
        assert!(!error.to_string().contains("secret"));
    }

    #[test]
    fn return_urls_must_be_absolute_http() {
        assert!(return_url("return_url", "https://shop.example/my-pages?x=1").is_ok());
        assert!(return_url("return_url", "http://127.0.0.1:8080/back").is_ok());
        for bad in [
            "",
            "/my-pages",
            "ftp://shop.example/",
            "https://",
            "https://shop .example/",
        ] {
            let error = return_url("return_url", bad).unwrap_err();
            assert_eq!(error.argument(), Some("return_url"), "{bad}");
        }
    }
}
