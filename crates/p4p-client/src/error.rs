//! [`Error`]: every failure of a PayFunc call, with PayFunc's own error body parsed.

use std::fmt;

use http::StatusCode;
use mypages_models::p4p::ApiError;

/// What went wrong, for `match err.kind()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Refused before anything was sent: a bad argument or configuration; see
    /// [`Error::argument`].
    InvalidRequest,
    /// PayFunc rejected the request's content (`invalid content`, `malformed content`, an
    /// invalid path or query argument; usually 400).
    InvalidContent,
    /// The key is missing, wrong, or not allowed to do this (401, 403): check which key
    /// (private, public or account) the call needs.
    NotAuthorized,
    /// The account, subscription or order does not exist (404).
    NotFound,
    /// A payment failed, e.g. the card was declined (402, or an `error` code in the body).
    PaymentFailed,
    /// The request conflicts with the resource's state (409), e.g. changing the currency of
    /// an account whose total is not 0.
    Conflict,
    /// PayFunc failed (5xx); retry later.
    ServerError,
    /// Any other error status.
    OtherApi,
    /// No connection could be made.
    Connect,
    /// A timeout elapsed.
    Timeout,
    /// The connection broke while the request was in flight.
    Transport,
    /// A success answer was not what the API documents; see [`Error::json_path`].
    Decode,
    /// The answer was larger than the configured body limit.
    BodyTooLarge,
}

/// The error of every call of this crate.
///
/// It wraps the transport's [`mypages_transport::Error`] (status, headers, raw body, retry
/// facts) and adds PayFunc's error body, `{status, type, content: {type, description}}`,
/// parsed into [`ApiError`] when the answer holds one. Neither `Display` nor `Debug` shows the
/// key or a request body.
pub struct Error {
    inner: mypages_transport::Error,
    api: Option<Box<ApiError>>,
}

impl Error {
    pub(crate) fn invalid(argument: &str, message: impl fmt::Display) -> Error {
        Error::from(mypages_transport::Error::invalid_request(argument, message))
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        use mypages_transport::ErrorKind as T;
        match self.inner.kind() {
            T::InvalidRequest => ErrorKind::InvalidRequest,
            T::Connect => ErrorKind::Connect,
            T::Timeout => ErrorKind::Timeout,
            T::Transport => ErrorKind::Transport,
            T::Decode => ErrorKind::Decode,
            T::BodyTooLarge => ErrorKind::BodyTooLarge,
            T::Api => self.api_kind(),
            _ => ErrorKind::OtherApi,
        }
    }

    fn api_kind(&self) -> ErrorKind {
        let error_type = self
            .api
            .as_ref()
            .and_then(|api| api.r#type.as_deref())
            .map(str::to_ascii_lowercase);
        let has_payment_code = self.api.as_ref().is_some_and(|api| api.error.is_some());
        match error_type.as_deref() {
            Some(
                "invalid content"
                | "malformed content"
                | "flawed content"
                | "invalid path argument"
                | "invalid query argument"
                | "missing query argument",
            ) => return ErrorKind::InvalidContent,
            Some("not authorized" | "unauthorized" | "forbidden" | "missing header") => {
                return ErrorKind::NotAuthorized;
            }
            Some("not found") => return ErrorKind::NotFound,
            Some("payment failed" | "card declined") => return ErrorKind::PaymentFailed,
            _ => {}
        }
        match self.inner.status().map(|status| status.as_u16()) {
            Some(400 | 422) if has_payment_code => ErrorKind::PaymentFailed,
            Some(400 | 422) => ErrorKind::InvalidContent,
            Some(401 | 403) => ErrorKind::NotAuthorized,
            Some(402) => ErrorKind::PaymentFailed,
            Some(404) => ErrorKind::NotFound,
            Some(409) => ErrorKind::Conflict,
            Some(500..=599) => ErrorKind::ServerError,
            _ if has_payment_code => ErrorKind::PaymentFailed,
            _ => ErrorKind::OtherApi,
        }
    }

    /// PayFunc's error body, when the answer held one.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.api.as_deref()
    }

    /// PayFunc's error type, e.g. `invalid content`.
    pub fn error_type(&self) -> Option<&str> {
        self.api.as_ref().and_then(|api| api.r#type.as_deref())
    }

    /// The HTTP status of an error answer.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status()
    }

    /// The raw body of an error answer (any body, also one that is not PayFunc's error
    /// format), bounded by the transport. It may hold personal data.
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.body().map(|body| body.as_ref())
    }

    /// The argument an [`ErrorKind::InvalidRequest`] is about.
    pub fn argument(&self) -> Option<&str> {
        self.inner.argument()
    }

    /// The JSON path where decoding a success answer failed.
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path()
    }

    /// Whether the request may have reached PayFunc (and so may have taken effect). Before
    /// repeating an account or order creation after such an error, look for it by your own
    /// `number`.
    pub fn may_have_reached_server(&self) -> bool {
        self.inner.may_have_reached_server()
    }

    /// Whether the failure is transient (connect error, timeout, 408, 429, 5xx).
    pub fn is_transient(&self) -> bool {
        self.inner.is_transient()
    }

    /// The transport error underneath, with every detail the transport keeps.
    pub fn transport(&self) -> &mypages_transport::Error {
        &self.inner
    }

    /// Unwraps the transport error underneath.
    pub fn into_transport(self) -> mypages_transport::Error {
        self.inner
    }
}

impl From<mypages_transport::Error> for Error {
    fn from(inner: mypages_transport::Error) -> Error {
        let api = match inner.kind() {
            mypages_transport::ErrorKind::Api => inner
                .body()
                .and_then(|body| serde_json::from_slice::<ApiError>(body).ok())
                .filter(|api| api.r#type.is_some() || api.content.is_some() || api.error.is_some())
                .map(Box::new),
            _ => None,
        };
        Error { inner, api }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (Some(api), Some(status)) = (&self.api, self.inner.status()) else {
            return fmt::Display::fmt(&self.inner, f);
        };
        write!(f, "PayFunc answered {status}")?;
        for part in [
            api.r#type.as_deref(),
            api.error.as_deref(),
            api.description.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            write!(f, ": {part}")?;
        }
        if let Some(content) = &api.content {
            for part in [content.r#type.as_deref(), content.description.as_deref()]
                .into_iter()
                .flatten()
            {
                write!(f, ": {part}")?;
            }
        }
        let hint = match self.kind() {
            ErrorKind::InvalidContent => "; correct the request and send it again",
            ErrorKind::NotAuthorized => {
                "; check the API key and whether this call needs the private, public or account key"
            }
            ErrorKind::NotFound => "; check the id",
            ErrorKind::PaymentFailed => "; ask the customer for another payment method",
            ErrorKind::ServerError => "; try again later",
            _ => "",
        };
        f.write_str(hint)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind())
            .field("error_type", &self.error_type())
            .field("transport", &self.inner)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.inner)
    }
}
