//! [`Error`]: what a PayEx call can fail with, and [`ErrorKind`] to `match` on.

use std::fmt;

use http::StatusCode;
use mypages_transport::{Problem, ProblemField};

use crate::problem_kind::ProblemKind;

/// What went wrong, for `match err.kind()`.
///
/// ```no_run
/// # async fn show(payex: &payex_client::PayexClient) -> Result<(), payex_client::Error> {
/// use payex_client::{ErrorKind, ProblemKind};
///
/// match payex.accounts().get("NNN").await {
///     Ok(account) => println!("{}", account.total_balance),
///     Err(err) if err.kind() == ErrorKind::Problem(ProblemKind::AccountNotFound) => {
///         println!("no such account")
///     }
///     Err(err) => return Err(err),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument was rejected before anything was sent; see [`Error::argument`].
    InvalidArgument,
    /// PayEx answered with a problem of this type; see [`Error::problem`].
    Problem(ProblemKind),
    /// PayEx answered with an error status and no problem document; see [`Error::status`].
    Status,
    /// No connection could be made (DNS, TCP or TLS, e.g. a rejected client certificate).
    Connect,
    /// A connect, attempt or operation timeout elapsed.
    Timeout,
    /// The connection failed while the request or response was in flight.
    Transport,
    /// A success response did not decode as the API documents; see [`Error::json_path`].
    Decode,
    /// The response body was larger than the configured limit.
    BodyTooLarge,
    /// Writing a downloaded document to its destination failed.
    Write,
}

/// The error of every PayEx call.
///
/// [`Error::kind`] says what went wrong; an API problem keeps its status, type, title,
/// detail, `instance` (quote it in a support ticket) and field problems. Neither `Display`
/// nor `Debug` contains the token, a header value or a body.
pub struct Error {
    repr: Repr,
}

enum Repr {
    Transport(mypages_transport::Error),
    Write(std::io::Error),
}

impl Error {
    /// An argument was rejected before anything was sent.
    pub(crate) fn invalid(argument: &str, message: impl fmt::Display) -> Self {
        Self::from(mypages_transport::Error::invalid_request(argument, message))
    }

    pub(crate) fn write(source: std::io::Error) -> Self {
        Self {
            repr: Repr::Write(source),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        use mypages_transport::ErrorKind as T;
        let error = match &self.repr {
            Repr::Transport(error) => error,
            Repr::Write(_) => return ErrorKind::Write,
        };
        match error.kind() {
            T::InvalidRequest => ErrorKind::InvalidArgument,
            T::Api => match error
                .problem()
                .and_then(|problem| problem.r#type.as_deref())
            {
                Some(problem_type) => ErrorKind::Problem(ProblemKind::from_type(problem_type)),
                None => ErrorKind::Status,
            },
            T::Connect => ErrorKind::Connect,
            T::Timeout => ErrorKind::Timeout,
            T::Decode => ErrorKind::Decode,
            T::BodyTooLarge => ErrorKind::BodyTooLarge,
            _ => ErrorKind::Transport,
        }
    }

    /// The problem type of a [`ErrorKind::Problem`] error.
    pub fn problem_kind(&self) -> Option<ProblemKind> {
        match self.kind() {
            ErrorKind::Problem(kind) => Some(kind),
            _ => None,
        }
    }

    /// The HTTP status PayEx answered with, for API errors.
    pub fn status(&self) -> Option<StatusCode> {
        self.transport().and_then(mypages_transport::Error::status)
    }

    /// The problem document PayEx answered with (type, title, detail, instance, field problems).
    pub fn problem(&self) -> Option<&Problem> {
        self.transport().and_then(mypages_transport::Error::problem)
    }

    /// The problem's `instance`: the identifier of this occurrence to quote to PayEx support.
    pub fn instance(&self) -> Option<&str> {
        self.problem()
            .and_then(|problem| problem.instance.as_deref())
    }

    /// The per-parameter problems of a `validation` problem (empty otherwise).
    pub fn field_problems(&self) -> &[ProblemField] {
        self.problem()
            .map_or(&[], |problem| problem.problems.as_slice())
    }

    /// The argument an [`ErrorKind::InvalidArgument`] error is about (`credit_limit`, ...).
    pub fn argument(&self) -> Option<&str> {
        self.transport()
            .and_then(mypages_transport::Error::argument)
    }

    /// Where in the response document decoding failed, for [`ErrorKind::Decode`].
    pub fn json_path(&self) -> Option<&str> {
        self.transport()
            .and_then(mypages_transport::Error::json_path)
    }

    /// Whether the request may have reached PayEx (and so may have taken effect). Before
    /// repeating a payment registration after an error where this is `true`, check the
    /// account's transactions.
    pub fn may_have_reached_server(&self) -> bool {
        match &self.repr {
            Repr::Transport(error) => error.may_have_reached_server(),
            Repr::Write(_) => true,
        }
    }

    /// Whether trying again later may succeed: a connect error, a timeout, a broken
    /// connection, or a 408, 429, 500, 502, 503 or 504 answer. A failed write of a download
    /// is not.
    pub fn is_transient(&self) -> bool {
        self.transport()
            .is_some_and(mypages_transport::Error::is_transient)
    }

    /// The underlying transport error, unless this is a [`ErrorKind::Write`] error.
    pub fn transport(&self) -> Option<&mypages_transport::Error> {
        match &self.repr {
            Repr::Transport(error) => Some(error),
            Repr::Write(_) => None,
        }
    }

    /// Converts into the underlying transport error, or gives back the write error.
    pub fn into_transport(self) -> Result<mypages_transport::Error, std::io::Error> {
        match self.repr {
            Repr::Transport(error) => Ok(error),
            Repr::Write(error) => Err(error),
        }
    }
}

impl From<mypages_transport::Error> for Error {
    fn from(error: mypages_transport::Error) -> Self {
        Self {
            repr: Repr::Transport(error),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Transport(error) => fmt::Display::fmt(error, f),
            Repr::Write(error) => write!(
                f,
                "could not write the document: {error}; check the destination (disk space, permissions)"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Transport(error) => fmt::Debug::fmt(error, f),
            Repr::Write(error) => f.debug_tuple("Write").field(error).finish(),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.repr {
            Repr::Transport(error) => Some(error),
            Repr::Write(error) => Some(error),
        }
    }
}
