//! Endpoints as data: the [`Endpoint`] trait and the request and response values around it.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// One provider operation, described as data.
///
/// The [`Client`](crate::Client) turns an endpoint into an HTTP request (method, path joined
/// onto the base URL, query, headers, optional body), sends it through the stack, and hands
/// a 2xx response to [`Endpoint::decode`]. Non-2xx responses never reach `decode`: they
/// become an [`ErrorKind::Refused`](crate::ErrorKind::Refused) or
/// [`ErrorKind::Transient`](crate::ErrorKind::Transient) error.
///
/// ```
/// use mypages_transport::{Endpoint, Error, Response, encode_segment};
/// use http::Method;
///
/// struct GetAccount { ledger: String, account_no: String }
///
/// impl Endpoint for GetAccount {
///     type Output = serde_json::Value;
///     fn operation(&self) -> &'static str { "get_account" }
///     fn method(&self) -> Method { Method::GET }
///     fn path(&self) -> Result<String, Error> {
///         Ok(format!(
///             "/ledger/account/v1/{}/accounts/{}",
///             encode_segment(&self.ledger),
///             encode_segment(&self.account_no)
///         ))
///     }
///     fn decode(&self, response: Response) -> Result<Self::Output, Error> {
///         response.json()
///     }
/// }
/// ```
pub trait Endpoint: Send + Sync {
    /// What a successful call returns.
    type Output;

    /// A stable name for tracing and error messages, e.g. `list_accounts`.
    fn operation(&self) -> &'static str;

    /// The HTTP method.
    fn method(&self) -> Method;

    /// The path after the base URL's prefix, starting with `/`. Put typed parameters in it
    /// with [`encode_segment`]. It may end in `?query` (a followed link does).
    fn path(&self) -> Result<String, Error>;

    /// Query parameters, appended (percent-encoded) after the path. They are never logged.
    fn query(&self) -> Result<Vec<(&'static str, String)>, Error> {
        Ok(Vec::new())
    }

    /// Extra request headers. Mark values that hold secrets with [`sensitive_header`].
    ///
    /// An `Authorization` header set here replaces the client's token source for this
    /// request (no 401 refresh then). An `Accept` header replaces the default
    /// `application/json`.
    fn headers(&self) -> Result<HeaderMap, Error> {
        Ok(HeaderMap::new())
    }

    /// The request body, if any; see [`RequestBody::json`].
    fn body(&self) -> Result<Option<RequestBody>, Error> {
        Ok(None)
    }

    /// Whether sending the request twice has the same effect as sending it once.
    ///
    /// Only idempotent requests are retried after they may have reached the server. The
    /// default is `true` for GET, HEAD, OPTIONS, PUT and DELETE and `false` otherwise;
    /// override it to mark a POST that is safe to repeat.
    fn idempotent(&self) -> bool {
        let method = self.method();
        method == Method::GET
            || method == Method::HEAD
            || method == Method::OPTIONS
            || method == Method::PUT
            || method == Method::DELETE
    }

    /// Whether a successful answer holds a secret (a partner token, an account key, a
    /// login link). A decode error of such an answer never keeps the body: `Error::body`
    /// is `None` and no part of it reaches a message. Default `false`.
    fn secret_output(&self) -> bool {
        false
    }

    /// Decodes a 2xx response into the output. See [`Response::json`] and
    /// [`Response::empty`].
    fn decode(&self, response: Response) -> Result<Self::Output, Error>;
}

/// A request body with its content type.
#[derive(Clone)]
pub struct RequestBody {
    content_type: HeaderValue,
    bytes: Bytes,
}

impl RequestBody {
    /// A JSON body (`application/json`) serialized from any `Serialize` value.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<RequestBody, Error> {
        let bytes = serde_json::to_vec(value).map_err(|error| {
            Error::invalid_argument(
                "body",
                format_args!("could not be serialized as JSON ({error})"),
            )
        })?;
        Ok(RequestBody {
            content_type: HeaderValue::from_static("application/json"),
            bytes: Bytes::from(bytes),
        })
    }

    /// A body of any content type, e.g. `application/x-www-form-urlencoded`.
    pub fn new(content_type: HeaderValue, bytes: impl Into<Bytes>) -> RequestBody {
        RequestBody {
            content_type,
            bytes: bytes.into(),
        }
    }

    /// The content type.
    pub fn content_type(&self) -> &HeaderValue {
        &self.content_type
    }

    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    pub(crate) fn into_parts(self) -> (HeaderValue, Bytes) {
        (self.content_type, self.bytes)
    }
}

impl std::fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBody")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A successful (2xx) response, buffered within the client's body limit, given to
/// [`Endpoint::decode`].
#[derive(Clone)]
pub struct Response {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The body holds a secret: a decode error must not keep it.
    secret: bool,
}

impl Response {
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        Response {
            operation,
            status,
            headers,
            body,
            secret: false,
        }
    }

    /// Marks the body as holding a secret (see [`Endpoint::secret_output`]).
    pub(crate) fn secret(mut self) -> Response {
        self.secret = true;
        self
    }

    /// The status, e.g. 200 or 202 (Avarda answers 202 when strong authentication is needed).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's clock when it answered, from the `Date` header: compare the
    /// provider's own times (a token's expiry) with it rather than with the local clock,
    /// which may be skewed.
    pub fn server_date(&self) -> Option<time::OffsetDateTime> {
        let text = self.headers.get(http::header::DATE)?.to_str().ok()?;
        let at = httpdate::parse_http_date(text).ok()?;
        Some(time::OffsetDateTime::from(at))
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Takes the raw body.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// Decodes the body as JSON; a failure names the JSON path, e.g. `items[2].amount`.
    ///
    /// The error message never quotes the offending value (it might be personal data).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(value),
            Err(_) => {
                decode_json_tracking_path(self.operation, self.status, &self.body, !self.secret)
            }
        }
    }

    /// Accepts any body and returns `()`: for 204 No Content and other empty answers.
    pub fn empty(&self) -> Result<(), Error> {
        Ok(())
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Decodes JSON `bytes` into `T`, naming the JSON path of a failure.
///
/// `operation` names the call in the error message. The offending value is never quoted.
/// A document that decodes pays nothing for the path tracking: only a failed decode is
/// run again with it, to say where it failed.
pub fn decode_json<T: DeserializeOwned>(
    operation: &str,
    status: StatusCode,
    bytes: &Bytes,
) -> Result<T, Error> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(_) => decode_json_tracking_path(operation, status, bytes, true),
    }
}

/// The slow path of [`decode_json`]: the same decode, recording the path it reached. The
/// error keeps the body only with `keep_body`.
fn decode_json_tracking_path<T: DeserializeOwned>(
    operation: &str,
    status: StatusCode,
    bytes: &Bytes,
    keep_body: bool,
) -> Result<T, Error> {
    let fail = |path: String, error: serde_json::Error| {
        let detail = format!(
            "{} (line {}, column {})",
            redact_value(&error.to_string()),
            error.line(),
            error.column()
        );
        Error::decode(
            operation,
            path,
            detail,
            status,
            keep_body.then(|| bytes.clone()),
        )
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        fail(path, error.into_inner())
    })?;
    deserializer
        .end()
        .map_err(|error| fail(String::new(), error))?;
    Ok(value)
}

/// Removes the offending value from serde's "invalid type/value", "unknown variant" and
/// "unknown field" messages, and the position suffix (reported separately), so no response
/// data reaches an error.
///
/// serde writes a string value with `Debug` escapes (`"a\"b"`, so the value ends at the
/// first unescaped quote), and a variant or field name, a number or a character between
/// backticks without escapes (so the value ends at the backtick before serde's own
/// `, expected` / `, there are no`).
fn redact_value(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(index) => &message[..index],
        None => message,
    };
    let leads = [
        "invalid type: ",
        "invalid value: ",
        "unknown variant ",
        "unknown field ",
    ];
    if !leads.iter().any(|lead| message.starts_with(lead)) {
        return message.to_owned();
    }
    let Some(open) = message.find(['"', '`']) else {
        // An unquoted value such as `null` or `a map`: a type, not data.
        return message.to_owned();
    };
    let rest = &message[open + 1..];
    let close = if message[open..].starts_with('"') {
        let mut escaped = false;
        rest.char_indices()
            .find(|&(_, c)| {
                let end = !escaped && c == '"';
                escaped = !escaped && c == '\\';
                end
            })
            .map(|(index, _)| index)
    } else {
        [", expected", ", there are no"]
            .iter()
            .filter_map(|tail| rest.rfind(&format!("`{tail}")))
            .max()
            .or_else(|| rest.rfind('`'))
    };
    match close {
        Some(close) => format!("{}<redacted>{}", &message[..open], &rest[close + 1..]),
        None => format!("{}<redacted>", &message[..open]),
    }
}

/// Percent-encodes one path segment: everything but `A-Z a-z 0-9 - . _ ~`.
///
/// Use it for every typed parameter placed in a path, so `a/b` cannot change the route.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    push_encoded(&mut out, segment, false);
    out
}

/// Appends `text` to `out` percent-encoded as a path segment (see [`encode_segment`]), or
/// as a query key or value when `query` (then `$` is kept, so OData names read as `$top`).
pub(crate) fn push_encoded(out: &mut String, text: &str, query: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // Runs of bytes that need no encoding are copied whole.
    let mut run = 0;
    for (at, byte) in text.bytes().enumerate() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || (query && byte == b'$')
        {
            continue;
        }
        // A run of ASCII bytes starts and ends on character boundaries.
        if let Some(unencoded) = text.get(run..at) {
            out.push_str(unencoded);
        }
        out.push('%');
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        run = at + 1;
    }
    if let Some(unencoded) = text.get(run..) {
        out.push_str(unencoded);
    }
}

/// A header value marked sensitive (never printed by `http`'s `Debug`, never logged here).
///
/// `argument` names the value in the error when it is not a valid header value.
pub fn sensitive_header(argument: &str, value: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::invalid_argument(
            argument,
            "contains characters that are not allowed in an HTTP header (e.g. a line break)",
        )
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// Inserts a header, for building [`Endpoint::headers`] from `&'static str` names.
pub fn insert_header(
    headers: &mut HeaderMap,
    name: &'static str,
    value: HeaderValue,
) -> Result<(), Error> {
    let name = HeaderName::try_from(name)
        .map_err(|_| Error::invalid_argument(name, "is not a valid HTTP header name"))?;
    headers.insert(name, value);
    Ok(())
}

pub(crate) fn content_type_of(headers: &HeaderMap) -> Option<&str> {
    headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        amount: u32,
    }

    #[test]
    fn decode_errors_name_the_path_and_hide_the_value() {
        let body = Bytes::from_static(br#"{"items":[{"amount":1},{"amount":"19121212-1212"}]}"#);
        let error = decode_json::<Page>("list", StatusCode::OK, &body).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert_eq!(error.json_path(), Some("items[1].amount"));
        let text = error.to_string();
        assert!(text.contains("items[1].amount"), "{text}");
        assert!(!text.contains("19121212"), "{text}");
        assert!(!format!("{error:?}").contains("19121212"));

        let body = Bytes::from_static(br#"{"items":[{"amount":191212121212}]}"#);
        let error = decode_json::<Page>("list", StatusCode::OK, &body).unwrap_err();
        assert!(!error.to_string().contains("191212121212"), "{error}");

        let error =
            decode_json::<Page>("list", StatusCode::OK, &Bytes::from_static(b"{} x")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
    }

    #[test]
    fn redaction_does_not_end_at_an_escaped_quote() {
        let body = Bytes::from_static(br#"{"items":[{"amount":"x\" 19121212-1212 \\"}]}"#);
        let error = decode_json::<Page>("list", StatusCode::OK, &body).unwrap_err();
        assert_eq!(error.json_path(), Some("items[0].amount"));
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains("19121212"), "{text}");
            assert!(text.contains("expected u32"), "{text}");
        }
    }

    #[test]
    fn redaction_covers_unknown_variants_with_backticks() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        enum Kind {
            Known,
        }
        let body = Bytes::from_static(br#""a` 19121212-1212 `b""#);
        let error = decode_json::<Kind>("get", StatusCode::OK, &body).unwrap_err();
        let text = error.to_string();
        assert!(!text.contains("19121212"), "{text}");
        assert!(text.contains("`Known`"), "{text}");
    }

    #[test]
    fn segments_and_query_components_are_encoded() {
        assert_eq!(encode_segment("a/b c?"), "a%2Fb%20c%3F");
        let query = |text| {
            let mut out = String::new();
            push_encoded(&mut out, text, true);
            out
        };
        assert_eq!(query("$top"), "$top");
        assert_eq!(query("a&b=c"), "a%26b%3Dc");
        assert_eq!(encode_segment("$é"), "%24%C3%A9");
    }

    #[test]
    fn sensitive_headers_are_marked_and_validated() {
        let value = sensitive_header("customer_token", "secret").unwrap();
        assert!(value.is_sensitive());
        let error = sensitive_header("customer_token", "a\nb").unwrap_err();
        assert_eq!(error.argument(), Some("customer_token"));
        assert!(!error.to_string().contains("a\nb"));
    }

    /// An endpoint that only says its method: everything else is the trait's default.
    struct ByMethod(Method);

    impl Endpoint for ByMethod {
        type Output = ();

        fn operation(&self) -> &'static str {
            "by_method"
        }

        fn method(&self) -> Method {
            self.0.clone()
        }

        fn path(&self) -> Result<String, Error> {
            Ok("/".to_owned())
        }

        fn decode(&self, response: Response) -> Result<(), Error> {
            response.empty()
        }
    }

    #[test]
    fn the_defaults_send_nothing_extra_and_retry_by_method() {
        let get = ByMethod(Method::GET);
        assert!(get.query().unwrap().is_empty());
        assert!(get.headers().unwrap().is_empty());
        assert!(get.body().unwrap().is_none());
        assert!(!get.secret_output());
        for method in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            assert!(ByMethod(method.clone()).idempotent(), "{method}");
        }
        for method in [Method::POST, Method::PATCH, Method::CONNECT] {
            assert!(!ByMethod(method.clone()).idempotent(), "{method}");
        }
    }

    #[test]
    fn bodies_and_responses_show_their_parts_and_only_sizes_in_debug() {
        let body = RequestBody::json(&serde_json::json!({"ssn": "19121212"})).unwrap();
        assert_eq!(body.content_type(), "application/json");
        assert_eq!(body.bytes().as_ref(), br#"{"ssn":"19121212"}"#);
        assert_eq!(
            format!("{body:?}"),
            r#"RequestBody { content_type: "application/json", len: 18 }"#
        );
        let form = RequestBody::new(
            HeaderValue::from_static("application/x-www-form-urlencoded"),
            "a=1",
        );
        let (content_type, bytes) = form.into_parts();
        assert_eq!(
            (content_type.to_str().unwrap(), bytes.as_ref()),
            ("application/x-www-form-urlencoded", b"a=1".as_ref())
        );

        let mut headers = HeaderMap::new();
        headers.insert(
            "date",
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        headers.insert("x-request", HeaderValue::from_static("r-1"));
        let response = Response::new(
            "get_x",
            StatusCode::ACCEPTED,
            headers,
            Bytes::from_static(b"[19121212]"),
        );
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert_eq!(response.headers()["x-request"], "r-1");
        assert_eq!(
            response.server_date().map(|at| at.unix_timestamp()),
            Some(784_111_777)
        );
        assert_eq!(
            format!("{response:?}"),
            r#"Response { operation: "get_x", status: 202, body_len: 10 }"#
        );
        assert_eq!(response.body().as_ref(), b"[19121212]");
        assert_eq!(response.clone().into_body().as_ref(), b"[19121212]");
        let no_date = Response::new("get_x", StatusCode::OK, HeaderMap::new(), Bytes::new());
        assert_eq!(no_date.server_date(), None);
    }

    #[test]
    fn a_decode_error_keeps_the_body_unless_the_answer_is_secret() {
        let body = Bytes::from_static(br#"{"items":"x"}"#);
        let plain = Response::new("get", StatusCode::OK, HeaderMap::new(), body.clone());
        let error = plain.json::<Page>().unwrap_err();
        assert_eq!(error.body(), Some(&body));
        let secret = Response::new("get", StatusCode::OK, HeaderMap::new(), body).secret();
        assert_eq!(secret.json::<Page>().unwrap_err().body(), None);
    }

    #[test]
    fn insert_header_sets_a_valid_name_and_refuses_another() {
        let mut headers = HeaderMap::new();
        insert_header(&mut headers, "x-api-key", HeaderValue::from_static("k1")).unwrap();
        insert_header(&mut headers, "x-api-key", HeaderValue::from_static("k2")).unwrap();
        let values: Vec<_> = headers.get_all("x-api-key").iter().collect();
        assert_eq!(values, ["k2"], "replaced, not appended");
        let error =
            insert_header(&mut headers, "bad name", HeaderValue::from_static("v")).unwrap_err();
        assert_eq!(error.argument(), Some("bad name"));
        assert_eq!(headers.len(), 1);
    }
}
