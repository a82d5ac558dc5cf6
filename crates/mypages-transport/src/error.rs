//! The one error type of the transport and every client built on it.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::problem::Problem;

/// A boxed error as used by tower services.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Reads the provider's problem document out of an error answer's body; see
/// [`ClientBuilder::problem_reader`](crate::ClientBuilder::problem_reader).
pub type ProblemReader = fn(&[u8]) -> Option<Problem>;

/// What went wrong, for `match err.kind()`: the one vocabulary of every mypages client.
///
/// `avarda_client`, `payex_client` and `p4p_client` all return this [`Error`] and these
/// kinds; what only one provider says (PayEx's problem type, PayFunc's error type, Avarda's
/// error code) is nested in [`Error::problem`] and read with that client's typed helpers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument or the configuration was refused before anything was sent; see
    /// [`Error::argument`] for which.
    InvalidArgument,
    /// No connection could be made (DNS, TCP or TLS handshake failed): nothing was sent.
    Connect,
    /// A connect, attempt or operation timeout elapsed; see [`Error::timeout_kind`].
    Timeout,
    /// The response body was larger than the configured limit.
    BodyTooLarge,
    /// A success response could not be decoded; see [`Error::json_path`].
    Decode,
    /// The provider answered and refused the request (a 4xx other than 408 and 429); see
    /// [`Error::status`] and [`Error::problem`].
    Refused,
    /// A failure that may pass, still there after the retries the call was allowed: a 408,
    /// 429, 500, 502, 503 or 504 answer, or a connection that broke during the call.
    Transient,
}

/// The cross-provider meaning of an error, for a service that maps every provider's errors
/// onto its own answers (a 400 page, a "not found", a sign-in, a "try again later").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// The input was wrong: refused before sending ([`ErrorKind::InvalidArgument`]) or by
    /// the provider as invalid (400, 405, 422 or a validation problem). Fix the input.
    InvalidInput,
    /// The provider has no such resource (404, 410, or a not-found problem).
    NotFound,
    /// The credentials were refused (401, 403, or the token source failed).
    Unauthorized,
    /// The shopper must authenticate strongly first (where a provider answers that as an
    /// error rather than as a redirect value).
    StrongAuthenticationRequired,
    /// Try again later: a connect error, a timeout, or a [`ErrorKind::Transient`] failure.
    Transient,
    /// The provider refused for a reason of its own (a conflict, a payment that failed).
    Rejected,
    /// The answer could not be read ([`ErrorKind::Decode`], [`ErrorKind::BodyTooLarge`]):
    /// the provider may have changed its format.
    Unexpected,
}

/// Which timeout elapsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the TCP/TLS connection took too long.
    Connect,
    /// One attempt (sending the request and reading the response) took too long.
    Attempt,
    /// The whole operation, retries included, took too long.
    Operation,
    /// The token source took longer than its load timeout to fetch a bearer token
    /// (nothing was sent).
    TokenFetch,
    /// A response body arrived more slowly than the minimum throughput.
    Throughput,
}

/// How far a request got before it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Nothing was sent: failed before dispatch (bad input, token source failure).
    BeforeSend,
    /// No connection was established, so nothing was sent.
    Connect,
    /// The request may have been (partly) sent.
    MaybeSent,
    /// The server answered.
    Answered,
}

/// The error of every transport and client call.
///
/// Inspect it with [`Error::kind`], [`Error::status`], [`Error::problem`], [`Error::body`]
/// and [`Error::may_have_reached_server`]. Its `Display` says what happened and what to
/// do; neither `Display` nor `Debug` ever contains a token, a header value or a body.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    phase: Phase,
    message: String,
    /// What a Rust caller can do about it, appended by `Display` (`; raise ...`).
    advice: Option<String>,
    argument: Option<String>,
    timeout: Option<TimeoutKind>,
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    body: Option<Bytes>,
    problem: Option<Problem>,
    json_path: Option<String>,
    category: Option<Category>,
    token_source: bool,
    source: Option<BoxError>,
    /// The request, when it failed before it was sent and a layer gave it back, so the
    /// retry layer can send it without having kept a copy. Never shown.
    unsent: Option<http::Request<Bytes>>,
    /// A connect error the built-in connector has already retried by the retry policy.
    connects_retried: bool,
}

impl Error {
    fn new(kind: ErrorKind, phase: Phase, message: String) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                phase,
                message,
                advice: None,
                argument: None,
                timeout: None,
                status: None,
                headers: None,
                body: None,
                problem: None,
                json_path: None,
                category: None,
                token_source: false,
                source: None,
                unsent: None,
                connects_retried: false,
            }),
        }
    }

    /// An invalid-argument error: `argument` is wrong, nothing was sent.
    ///
    /// Clients use this to report validation failures, e.g.
    /// `Error::invalid_argument("customer_no", "must not be empty")`.
    pub fn invalid_argument(argument: &str, message: impl fmt::Display) -> Error {
        let mut error = Error::new(
            ErrorKind::InvalidArgument,
            Phase::BeforeSend,
            format!("invalid `{argument}`: {message}"),
        );
        error.inner.argument = Some(argument.to_owned());
        error
    }

    pub(crate) fn connect(source: BoxError, authority: &str) -> Error {
        let message = format!(
            "could not connect to {authority}: {}; check the base URL, the network and the provider's status",
            chain(&*source)
        );
        Error::new(ErrorKind::Connect, Phase::Connect, message).with_source(source)
    }

    pub(crate) fn transport(source: BoxError) -> Error {
        let message = format!(
            "the connection failed during the request: {}; the request may have reached the provider",
            chain(&*source)
        );
        Error::new(ErrorKind::Transient, Phase::MaybeSent, message).with_source(source)
    }

    pub(crate) fn timeout(kind: TimeoutKind, after: Duration) -> Error {
        let (what, phase, hint) = match kind {
            TimeoutKind::Connect => (
                "connecting",
                Phase::Connect,
                "ClientBuilder::connect_timeout",
            ),
            TimeoutKind::Attempt => (
                "one attempt",
                Phase::MaybeSent,
                "ClientBuilder::attempt_timeout",
            ),
            TimeoutKind::Operation => (
                "the operation",
                Phase::MaybeSent,
                "ClientBuilder::operation_timeout",
            ),
            TimeoutKind::TokenFetch => (
                "fetching a bearer token",
                Phase::BeforeSend,
                "CachedToken::load_timeout",
            ),
            TimeoutKind::Throughput => (
                "reading the body",
                Phase::Answered,
                "ClientBuilder::min_throughput",
            ),
        };
        let mut error = Error::new(
            ErrorKind::Timeout,
            phase,
            format!("{what} timed out after {} ms", after.as_millis()),
        );
        error.inner.advice = Some(format!("; raise {hint} if the provider is slow"));
        error.inner.timeout = Some(kind);
        error
    }

    /// A body that arrived more slowly than `min_bytes` every `per`.
    pub(crate) fn too_slow(min_bytes: u64, per: Duration) -> Error {
        let mut error = Error::new(
            ErrorKind::Timeout,
            Phase::Answered,
            format!(
                "the response body arrived more slowly than {min_bytes} bytes every {} ms",
                per.as_millis()
            ),
        );
        error.inner.advice =
            Some("; lower ClientBuilder::min_throughput if the provider is this slow".to_owned());
        error.inner.timeout = Some(TimeoutKind::Throughput);
        error
    }

    /// A list with more items than a collecting call allows.
    pub(crate) fn too_many_items(max_items: usize) -> Error {
        let mut error = Error::new(
            ErrorKind::BodyTooLarge,
            Phase::Answered,
            format!("the list has more than {max_items} items"),
        );
        error.inner.advice = Some("; read it item by item as a stream instead".to_owned());
        error
    }

    pub(crate) fn body_too_large(limit: usize) -> Error {
        let mut error = Error::new(
            ErrorKind::BodyTooLarge,
            Phase::Answered,
            format!("the response body exceeds the limit of {limit} bytes"),
        );
        error.inner.advice =
            Some("; raise ClientBuilder::body_limit or download it as a stream".to_owned());
        error
    }

    pub(crate) fn api(
        provider: &str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        read_problem: ProblemReader,
    ) -> Error {
        let problem = read_problem(&body);
        let mut message = format!("{provider} answered {status}");
        if let Some(problem) = &problem {
            // The provider's text is bounded and escaped: the whole of it is in
            // `Error::problem` and `Error::body`.
            for (part, max) in [
                (&problem.r#type, 120),
                (&problem.title, 200),
                (&problem.detail, 400),
            ] {
                if let Some(part) = part {
                    message.push_str(": ");
                    message.push_str(&bounded(part, max));
                }
            }
            for field in problem.problems.iter().take(MESSAGE_FIELDS) {
                message.push_str(&format!(
                    " [{}: {}]",
                    bounded(&field.name, 60),
                    bounded(&field.message, 160)
                ));
            }
            if let Some(more) = problem.problems.len().checked_sub(MESSAGE_FIELDS)
                && more > 0
            {
                message.push_str(&format!(" (and {more} more in Error::problem)"));
            }
        }
        let kind = if is_retryable_status(status) {
            ErrorKind::Transient
        } else {
            ErrorKind::Refused
        };
        let mut error = Error::new(kind, Phase::Answered, message);
        error.inner.status = Some(status);
        error.inner.headers = Some(headers);
        error.inner.body = Some(body);
        error.inner.problem = problem;
        error
    }

    pub(crate) fn decode(
        operation: &str,
        path: String,
        detail: String,
        status: StatusCode,
        body: Option<Bytes>,
    ) -> Error {
        let shown = if path.is_empty() || path == "." {
            "the top level".to_owned()
        } else {
            format!("`{path}`")
        };
        let mut error = Error::new(
            ErrorKind::Decode,
            Phase::Answered,
            format!(
                "could not decode the response of {operation} at {shown}: {detail}; the provider may have changed its format"
            ),
        );
        if body.is_some() {
            error.inner.advice = Some(" (the raw body is in Error::body)".to_owned());
        }
        error.inner.status = Some(status);
        error.inner.json_path = Some(path);
        error.inner.body = body;
        error
    }

    /// A paging link or request that repeats one the same stream already made.
    pub(crate) fn repeated_page(operation: &str, target: &str) -> Error {
        // The query is left out: it may hold a customer number.
        let path = target.split('?').next().unwrap_or_default();
        Error::new(
            ErrorKind::Decode,
            Phase::Answered,
            format!(
                "the pages of {operation} lead back to `{}`, a page already read; the list ends here instead of looping",
                bounded(path, 200)
            ),
        )
    }

    pub(crate) fn with_source(mut self, source: BoxError) -> Error {
        self.inner.source = Some(source);
        self
    }

    /// Marks an error of the token source: the request itself never left the client.
    pub(crate) fn token_source_failure(mut self) -> Error {
        self.inner.phase = Phase::BeforeSend;
        self.inner.token_source = true;
        // How the token's own request was retried is not this request's concern.
        self.inner.connects_retried = false;
        self.inner.message = format!("getting a bearer token failed: {}", self.inner.message);
        self
    }

    /// This error carrying `request`, which failed before it was sent, back to the retry
    /// layer.
    pub(crate) fn with_unsent(mut self, request: http::Request<Bytes>) -> Error {
        self.inner.unsent = Some(request);
        self
    }

    /// This connect error, marked as retried by the connector already (so the retry layer
    /// does not retry it again).
    pub(crate) fn with_connects_retried(mut self) -> Error {
        self.inner.connects_retried = true;
        self
    }

    /// Whether the connector has already retried this connect error.
    pub(crate) fn connects_retried(&self) -> bool {
        self.inner.connects_retried
    }

    /// The request this error carries back unsent, if any (taken once).
    pub(crate) fn take_unsent(&mut self) -> Option<http::Request<Bytes>> {
        self.inner.unsent.take()
    }

    /// A copy of this error without its body, headers or source, for a cache that
    /// answers with a failure it remembers.
    pub(crate) fn remembered(&self) -> Error {
        let mut copy = Error::new(
            self.inner.kind,
            self.inner.phase,
            self.inner.message.clone(),
        );
        copy.inner.advice = self.inner.advice.clone();
        copy.inner.argument = self.inner.argument.clone();
        copy.inner.timeout = self.inner.timeout;
        copy.inner.status = self.inner.status;
        copy.inner.problem = self.inner.problem.clone();
        copy.inner.token_source = self.inner.token_source;
        copy
    }

    pub(crate) fn phase(&self) -> Phase {
        self.inner.phase
    }

    /// Turns any error from a tower service into an [`Error`], keeping ours as they are.
    pub(crate) fn from_boxed(error: BoxError) -> Error {
        match error.downcast::<Error>() {
            Ok(ours) => *ours,
            Err(other) => Error::transport(other),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Which timeout elapsed, for [`ErrorKind::Timeout`].
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        self.inner.timeout
    }

    /// The HTTP status the provider answered with ([`ErrorKind::Refused`],
    /// [`ErrorKind::Transient`] or [`ErrorKind::Decode`]).
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The response headers of an error answer.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The raw response body of an error answer or an [`ErrorKind::Decode`] error,
    /// bounded (an error body is cut at 64 KiB). Log it with care: it may hold personal data.
    pub fn body(&self) -> Option<&Bytes> {
        self.inner.body.as_ref()
    }

    /// The provider's problem document of an error answer, when the body is one (RFC 7807
    /// in any key casing, or the provider's own error shape as its client reads it).
    pub fn problem(&self) -> Option<&Problem> {
        self.inner.problem.as_ref()
    }

    /// The JSON path (e.g. `items[3].amount`) where decoding failed.
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// The argument an [`ErrorKind::InvalidArgument`] error is about.
    pub fn argument(&self) -> Option<&str> {
        self.inner.argument.as_deref()
    }

    /// Whether the request may have reached the provider (and so may have taken effect).
    ///
    /// `false` means certainly not: nothing was sent (invalid request, token failure,
    /// connection never established). Before repeating a non-idempotent call after an
    /// error where this is `true`, check with the provider whether it took effect.
    pub fn may_have_reached_server(&self) -> bool {
        matches!(self.inner.phase, Phase::MaybeSent | Phase::Answered)
    }

    /// Whether this error came from the token source (e.g. the token endpoint refused the
    /// client credentials) rather than from the request itself, which was then not sent.
    pub fn is_token_source_failure(&self) -> bool {
        self.inner.token_source
    }

    /// What happened, without the advice `Display` adds for Rust callers (which builder
    /// setting to raise, where the raw body is): for tools that give their own advice,
    /// such as a command line naming its flags.
    pub fn summary(&self) -> &str {
        &self.inner.message
    }

    /// Whether this failure is transient: a connect error, a timeout, a broken connection,
    /// or a 408, 429, 500, 502, 503 or 504 answer.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.inner.kind,
            ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Transient
        )
    }

    /// The cross-provider meaning of this error; see [`Category`].
    ///
    /// It follows from the kind and the status, refined by the provider's client where the
    /// provider says more (PayEx's `account-not-found` problem is [`Category::NotFound`]).
    pub fn category(&self) -> Category {
        if let Some(category) = self.inner.category {
            return category;
        }
        if self.inner.token_source && !self.is_transient() {
            return Category::Unauthorized;
        }
        match self.inner.kind {
            ErrorKind::InvalidArgument => Category::InvalidInput,
            ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Transient => Category::Transient,
            ErrorKind::BodyTooLarge | ErrorKind::Decode => Category::Unexpected,
            ErrorKind::Refused => match self.inner.status.map(|status| status.as_u16()) {
                Some(400 | 405 | 422) => Category::InvalidInput,
                Some(401 | 403) => Category::Unauthorized,
                Some(404 | 410) => Category::NotFound,
                _ => Category::Rejected,
            },
        }
    }

    /// Sets the [`Category`], for a provider's client that knows more than the status
    /// says (its problem type or error code).
    pub fn with_category(mut self, category: Category) -> Error {
        self.inner.category = Some(category);
        self
    }
}

/// How many of a problem's field messages an error message shows.
const MESSAGE_FIELDS: usize = 3;

/// Provider text made safe for a message or a log line: control characters escaped (`\n`,
/// `\u{1b}`), so a provider cannot forge log lines or move the cursor, and cut after
/// `max` characters with `…`. Clients use it wherever provider text reaches `Display` or
/// `Debug`.
///
/// ```
/// assert_eq!(mypages_transport::bounded("a\nb", 10), "a\\nb");
/// assert_eq!(mypages_transport::bounded("abcdef", 3), "abc…");
/// ```
pub fn bounded(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 8));
    for (count, c) in text.chars().enumerate() {
        if count >= max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The statuses worth retrying for idempotent requests.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The messages of an error and its sources, joined; our own messages never hold secrets.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        match &self.inner.advice {
            Some(advice) => f.write_str(advice),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Error");
        debug.field("kind", &self.inner.kind);
        if let Some(timeout) = self.inner.timeout {
            debug.field("timeout", &timeout);
        }
        if let Some(status) = self.inner.status {
            debug.field("status", &status);
        }
        if let Some(argument) = &self.inner.argument {
            debug.field("argument", argument);
        }
        if let Some(path) = &self.inner.json_path {
            debug.field("json_path", path);
        }
        if let Some(problem) = &self.inner.problem {
            debug.field(
                "problem_type",
                &problem.r#type.as_deref().map(|t| bounded(t, 120)),
            );
        }
        debug.field("message", &self.inner.message);
        debug.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_adds_rust_advice_that_summary_leaves_out() {
        let error = Error::timeout(TimeoutKind::Attempt, Duration::from_millis(250));
        assert_eq!(error.summary(), "one attempt timed out after 250 ms");
        assert_eq!(
            error.to_string(),
            "one attempt timed out after 250 ms; raise ClientBuilder::attempt_timeout if the provider is slow"
        );
        let error = Error::body_too_large(64);
        assert!(
            !error.summary().contains("ClientBuilder"),
            "{}",
            error.summary()
        );
        assert!(
            error.to_string().contains("ClientBuilder::body_limit"),
            "{error}"
        );
        let error = Error::decode(
            "get",
            "items[0]".into(),
            "bad".into(),
            StatusCode::OK,
            Some(Bytes::new()),
        );
        assert!(
            !error.summary().contains("Error::body"),
            "{}",
            error.summary()
        );
        assert!(
            error
                .to_string()
                .ends_with("(the raw body is in Error::body)"),
            "{error}"
        );
        // Errors without advice read the same both ways.
        let error = Error::invalid_argument("amount", "must be positive");
        assert_eq!(error.summary(), error.to_string());
    }

    fn answered(status: u16) -> Error {
        Error::api(
            "PayEx",
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            Bytes::new(),
            Problem::from_json,
        )
    }

    #[test]
    fn the_category_follows_the_kind_and_the_status() {
        let cases = [
            (Error::invalid_argument("a", "b"), Category::InvalidInput),
            (Error::connect("refused".into(), "h:1"), Category::Transient),
            (Error::transport("reset".into()), Category::Transient),
            (
                Error::timeout(TimeoutKind::Attempt, Duration::ZERO),
                Category::Transient,
            ),
            (Error::body_too_large(1), Category::Unexpected),
            (Error::too_many_items(1), Category::Unexpected),
            (
                Error::decode("op", "a".into(), "b".into(), StatusCode::OK, None),
                Category::Unexpected,
            ),
            (answered(400), Category::InvalidInput),
            (answered(405), Category::InvalidInput),
            (answered(422), Category::InvalidInput),
            (answered(401), Category::Unauthorized),
            (answered(403), Category::Unauthorized),
            (answered(404), Category::NotFound),
            (answered(410), Category::NotFound),
            (answered(409), Category::Rejected),
            (answered(503), Category::Transient),
            // A token source that was refused is a credentials problem, whatever its status;
            // one that timed out may pass.
            (answered(400).token_source_failure(), Category::Unauthorized),
            (
                Error::timeout(TimeoutKind::TokenFetch, Duration::ZERO).token_source_failure(),
                Category::Transient,
            ),
            (
                answered(409).with_category(Category::StrongAuthenticationRequired),
                Category::StrongAuthenticationRequired,
            ),
        ];
        for (error, category) in cases {
            assert_eq!(error.category(), category, "{error:?}");
        }
    }

    #[test]
    fn transience_and_reach_follow_the_kind_and_the_phase() {
        let connect = Error::connect("refused".into(), "h:1");
        assert!(connect.is_transient() && !connect.may_have_reached_server());
        let broken = Error::transport("reset".into());
        assert!(broken.is_transient() && broken.may_have_reached_server());
        let refused = answered(409);
        assert!(!refused.is_transient() && refused.may_have_reached_server());
        let invalid = Error::invalid_argument("a", "b");
        assert!(!invalid.is_transient() && !invalid.may_have_reached_server());
        assert!(!invalid.is_token_source_failure());
        let token = answered(401).token_source_failure();
        assert!(token.is_token_source_failure() && !token.may_have_reached_server());
    }

    #[test]
    fn an_api_message_shows_three_field_messages_and_counts_the_rest() {
        let with_fields = |count: usize| {
            let problems: Vec<String> = (0..count)
                .map(|i| format!(r#"{{"f{i}":"bad {i}"}}"#))
                .collect();
            let body = format!(
                r#"{{"title":"Invalid","problems":[{}]}}"#,
                problems.join(",")
            );
            Error::api(
                "PayEx",
                StatusCode::BAD_REQUEST,
                HeaderMap::new(),
                Bytes::from(body),
                Problem::from_json,
            )
            .to_string()
        };
        assert_eq!(
            with_fields(3),
            "PayEx answered 400 Bad Request: Invalid [f0: bad 0] [f1: bad 1] [f2: bad 2]"
        );
        assert_eq!(
            with_fields(5),
            "PayEx answered 400 Bad Request: Invalid [f0: bad 0] [f1: bad 1] [f2: bad 2] (and 2 more in Error::problem)"
        );
    }

    #[test]
    fn a_decode_error_names_the_top_level_or_the_path() {
        let at = |path: &str| {
            Error::decode("get_x", path.to_owned(), "bad".into(), StatusCode::OK, None).to_string()
        };
        for top in ["", "."] {
            assert_eq!(
                at(top),
                "could not decode the response of get_x at the top level: bad; the provider may have changed its format"
            );
        }
        assert_eq!(
            at("items[0]"),
            "could not decode the response of get_x at `items[0]`: bad; the provider may have changed its format"
        );
    }

    #[derive(Debug)]
    struct Outer(&'static str, std::io::Error);

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Outer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.1)
        }
    }

    #[test]
    fn connect_errors_name_each_cause_once_and_keep_the_source() {
        let reset = || std::io::Error::other("connection reset");
        let error = Error::connect(Box::new(Outer("handshake failed", reset())), "h:443");
        assert_eq!(
            error.summary(),
            "could not connect to h:443: handshake failed: connection reset; check the base URL, the network and the provider's status"
        );
        assert_eq!(
            StdError::source(&error).map(ToString::to_string).as_deref(),
            Some("handshake failed")
        );
        let error = Error::transport(Box::new(Outer("tls: connection reset", reset())));
        assert_eq!(
            error.summary(),
            "the connection failed during the request: tls: connection reset; the request may have reached the provider"
        );
        assert!(StdError::source(&Error::invalid_argument("a", "b")).is_none());
    }

    #[test]
    fn debug_shows_the_kind_and_the_message_but_not_the_body() {
        let error = Error::timeout(TimeoutKind::Attempt, Duration::from_millis(250));
        assert_eq!(
            format!("{error:?}"),
            r#"Error { kind: Timeout, timeout: Attempt, message: "one attempt timed out after 250 ms" }"#
        );
        let error = Error::api(
            "PayEx",
            StatusCode::CONFLICT,
            HeaderMap::new(),
            Bytes::from_static(br#"{"type":"t\nx","detail":"customer 19121212"}"#),
            Problem::from_json,
        );
        assert_eq!(
            format!("{error:?}"),
            r#"Error { kind: Refused, status: 409, problem_type: Some("t\\nx"), message: "PayEx answered 409 Conflict: t\\nx: customer 19121212" }"#
        );
        let error = Error::invalid_argument("amount", "must be positive");
        assert_eq!(
            format!("{error:?}"),
            r#"Error { kind: InvalidArgument, argument: "amount", message: "invalid `amount`: must be positive" }"#
        );
        let error = Error::decode("op", "a.b".into(), "bad".into(), StatusCode::OK, None);
        assert!(
            format!("{error:?}")
                .starts_with(r#"Error { kind: Decode, status: 200, json_path: "a.b", "#),
            "{error:?}"
        );
    }

    #[test]
    fn bounded_cuts_after_max_characters_and_escapes_controls() {
        assert_eq!(bounded("abc", 3), "abc");
        assert_eq!(bounded("abcd", 3), "abc…");
        assert_eq!(bounded("åäö", 2), "åä…");
        assert_eq!(bounded("a\tb\u{7}", 10), "a\\tb\\u{7}");
        assert_eq!(bounded("", 0), "");
    }
}
