//! The error of every Avarda call: [`Error`] with its [`ErrorKind`], the HTTP status,
//! headers and body, and the fields Avarda sends in error bodies.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use mypages_transport::ErrorKind as TransportKind;
use mypages_transport::bounded;
use serde_json::Value;

/// What went wrong, for `match err.kind()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument or the configuration was refused before anything was sent; see
    /// [`Error::argument`].
    InvalidArgument,
    /// Avarda's token endpoint refused the client id and secret (or answered an error while a
    /// partner access token was fetched): nothing else was sent.
    InvalidCredentials,
    /// Avarda answered 401 to a call even with a freshly fetched partner access token (or
    /// refused a ready token given with `token`).
    Unauthorized,
    /// Avarda answered 403: the merchant may not read this customer's data.
    Forbidden,
    /// Avarda answered 404: no such purchase, invoice, account or payment.
    NotFound,
    /// Avarda answered 400, 405 or 422: the request was refused as invalid.
    Rejected,
    /// Avarda answered 429: too many requests.
    RateLimited,
    /// Avarda answered 5xx.
    Server,
    /// Avarda answered another non-success status.
    OtherStatus,
    /// No connection could be made, or it broke during the call.
    Connection,
    /// A timeout elapsed.
    Timeout,
    /// A success answer was not what the API documents (invalid or truncated JSON, too
    /// large); see [`Error::json_path`].
    Decode,
}

/// The error of an Avarda call.
///
/// Avarda publishes no error schema. This error keeps the status, headers and raw body of
/// any error answer, and reads the fields Avarda is seen to send (`error`,
/// `error_description`, `errorCode`, `message`, in any key casing) when the body is a JSON
/// object. `Display` says what happened and what to do; neither `Display` nor `Debug`
/// contains a token, a secret or a header value.
pub struct Error {
    kind: ErrorKind,
    fields: ErrorFields,
    source: mypages_transport::Error,
}

/// The fields of an Avarda error body that were present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ErrorFields {
    error: Option<String>,
    error_description: Option<String>,
    error_code: Option<String>,
    message: Option<String>,
}

impl ErrorFields {
    fn parse(body: &[u8]) -> Self {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return Self::default();
        };
        let mut fields = Self::default();
        for (key, value) in map {
            let text = match value {
                Value::String(text) => text,
                Value::Number(number) => number.to_string(),
                _ => continue,
            };
            let slot = match key.to_ascii_lowercase().as_str() {
                "error" => &mut fields.error,
                "error_description" | "errordescription" => &mut fields.error_description,
                "errorcode" | "error_code" | "code" => &mut fields.error_code,
                "message" => &mut fields.message,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(text);
            }
        }
        fields
    }

    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Error {
    fn classify(error: &mypages_transport::Error) -> ErrorKind {
        match error.kind() {
            TransportKind::InvalidRequest => ErrorKind::InvalidArgument,
            TransportKind::Connect | TransportKind::Transport => ErrorKind::Connection,
            TransportKind::Timeout => ErrorKind::Timeout,
            TransportKind::Decode | TransportKind::BodyTooLarge => ErrorKind::Decode,
            TransportKind::Api if error.is_token_source_failure() => {
                match error.status().map(|s| s.as_u16()) {
                    Some(code) if code >= 500 => ErrorKind::Server,
                    Some(429) => ErrorKind::RateLimited,
                    _ => ErrorKind::InvalidCredentials,
                }
            }
            TransportKind::Api => match error.status().map(|s| s.as_u16()) {
                Some(401) => ErrorKind::Unauthorized,
                Some(403) => ErrorKind::Forbidden,
                Some(404) => ErrorKind::NotFound,
                Some(400 | 405 | 422) => ErrorKind::Rejected,
                Some(429) => ErrorKind::RateLimited,
                Some(code) if code >= 500 => ErrorKind::Server,
                _ => ErrorKind::OtherStatus,
            },
            _ => ErrorKind::OtherStatus,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status of an error answer (or of a success answer that did not decode).
    pub fn status(&self) -> Option<StatusCode> {
        self.source.status()
    }

    /// The headers of an error answer.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.source.headers()
    }

    /// The raw body of an error answer (cut at 64 KiB), or of a success answer that did not
    /// decode. It may hold personal data: log it with care.
    pub fn body(&self) -> Option<&Bytes> {
        self.source.body()
    }

    /// The OAuth-style `error` code of the body (the token endpoint sends it), if present.
    pub fn error(&self) -> Option<&str> {
        self.fields.error.as_deref()
    }

    /// The OAuth-style `error_description` of the body, if present.
    pub fn error_description(&self) -> Option<&str> {
        self.fields.error_description.as_deref()
    }

    /// Avarda's `errorCode` of the body (a number is given as its digits), if present.
    pub fn error_code(&self) -> Option<&str> {
        self.fields.error_code.as_deref()
    }

    /// The `message` of the body, if present.
    pub fn message(&self) -> Option<&str> {
        self.fields.message.as_deref()
    }

    /// The argument an [`ErrorKind::InvalidArgument`] error is about, e.g. `purchase_id`.
    pub fn argument(&self) -> Option<&str> {
        self.source.argument()
    }

    /// The JSON path (e.g. `[2].balance`) where decoding a success answer failed.
    pub fn json_path(&self) -> Option<&str> {
        self.source.json_path()
    }

    /// Whether the request may have reached Avarda. `false` means certainly not. Before
    /// repeating [`Pay::start`](crate::Pay::start) after an error where this is `true`,
    /// ask [`Pay::status`](crate::Pay::status) or the customer whether a payment started.
    pub fn may_have_reached_server(&self) -> bool {
        self.source.may_have_reached_server()
    }

    /// Whether the failure is transient (a connection failure, a timeout, or a 408, 429,
    /// 500, 502, 503 or 504 answer) and the call may succeed later.
    pub fn is_transient(&self) -> bool {
        self.source.is_transient()
    }

    /// The transport error underneath, with everything the transport knows.
    pub fn transport(&self) -> &mypages_transport::Error {
        &self.source
    }

    /// Takes the transport error underneath, e.g. to hand it to code that speaks only
    /// `mypages_transport`.
    pub fn into_transport(self) -> mypages_transport::Error {
        self.source
    }

    /// What to do about this kind of failure.
    fn advice(&self) -> &'static str {
        match self.kind {
            ErrorKind::InvalidCredentials => {
                "check the client id and secret (the Checkout 3.0 credentials Avarda issued) and the environment (stage or production)"
            }
            ErrorKind::Unauthorized => {
                "the partner access token was refused; check the credentials or the ready token and the environment"
            }
            ErrorKind::Forbidden => {
                "the merchant may not read this; check the purchase id and the customer auth token"
            }
            ErrorKind::NotFound => {
                "check the purchase id and the invoice, account or purchase id; they must belong to this customer"
            }
            ErrorKind::Rejected => "Avarda refused the request as invalid; see its message",
            ErrorKind::RateLimited => "too many requests; wait and try again",
            ErrorKind::Server => "Avarda had a problem; try again later",
            _ => "",
        }
    }
}

impl From<mypages_transport::Error> for Error {
    fn from(source: mypages_transport::Error) -> Self {
        let fields = match source.kind() {
            TransportKind::Api => source
                .body()
                .map(|body| ErrorFields::parse(body))
                .unwrap_or_default(),
            _ => ErrorFields::default(),
        };
        Self {
            kind: Self::classify(&source),
            fields,
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if !self.fields.is_empty() {
            let parts: Vec<String> = [
                &self.fields.error_code,
                &self.fields.error,
                &self.fields.message,
                &self.fields.error_description,
            ]
            .into_iter()
            .filter_map(|part| part.as_deref())
            .map(|part| bounded(part, 300))
            .collect();
            write!(f, " ({})", parts.join(": "))?;
        }
        let advice = self.advice();
        if !advice.is_empty() {
            write!(f, "; {advice}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = |text: &Option<String>| text.as_deref().map(|text| bounded(text, 300));
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("status", &self.status())
            .field("error", &field(&self.fields.error))
            .field("error_code", &field(&self.fields.error_code))
            .field("message", &field(&self.fields.message))
            .field("error_description", &field(&self.fields.error_description))
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_in_any_casing_and_as_numbers() {
        let fields = ErrorFields::parse(
            br#"{"ErrorCode": 1234, "Message": "No such purchase", "error": "invalid_client", "error_description": "bad secret", "other": [1]}"#,
        );
        assert_eq!(fields.error_code.as_deref(), Some("1234"));
        assert_eq!(fields.message.as_deref(), Some("No such purchase"));
        assert_eq!(fields.error.as_deref(), Some("invalid_client"));
        assert_eq!(fields.error_description.as_deref(), Some("bad secret"));
        assert!(ErrorFields::parse(b"<html>oops</html>").is_empty());
        assert!(ErrorFields::parse(b"[1,2]").is_empty());
        assert!(ErrorFields::parse(b"").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_error_body_parses_without_panicking(body in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = ErrorFields::parse(&body);
        }

        #[test]
        fn any_json_object_parses_without_panicking(key in "[a-zA-Z_]{0,20}", value in "\\PC{0,40}") {
            let body = serde_json::json!({ key: value, "errorCode": value }).to_string();
            let fields = ErrorFields::parse(body.as_bytes());
            proptest::prop_assert_eq!(fields.error_code.as_deref(), Some(value.as_str()));
        }
    }

    #[test]
    fn invalid_arguments_keep_their_argument() {
        let error = Error::from(mypages_transport::Error::invalid_request(
            "purchase_id",
            "must not be empty",
        ));
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(error.argument(), Some("purchase_id"));
        assert!(!error.may_have_reached_server());
        assert!(error.to_string().contains("purchase_id"), "{error}");
    }
}
