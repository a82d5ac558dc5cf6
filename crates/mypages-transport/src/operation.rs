//! Operations as data: the [`Operation`] descriptors that `cargo xtask codegen` derives from
//! each provider's spec, and [`Call`], the one [`Endpoint`] every client sends them with.
//!
//! A client never spells a method, a path or a retry rule itself: it takes the generated
//! descriptor (`operations::GET_ACCOUNT`), fills the path template's parameters, adds the
//! query parameters the spec documents, a body, and says how the answer decodes.
//!
//! ```
//! use http::Method;
//! use mypages_transport::{Answer, Endpoint, Operation, RetryClass};
//!
//! static GET_ACCOUNT: Operation =
//!     Operation::new("getAccount", Method::GET, "/ledger/{ledger}/accounts/{accountNo}")
//!         .with_query(&["expand"]);
//! static REGISTER_PAYMENT: Operation =
//!     Operation::new("registerPayment", Method::POST, "/ledger/{ledger}/payments")
//!         .with_retry(RetryClass::Never)
//!         .with_answer(Answer::JsonOrEmpty);
//!
//! # fn main() -> Result<(), mypages_transport::Error> {
//! let call = GET_ACCOUNT
//!     .call(&["501", "a/b"])?
//!     .query_param("expand", "bills")
//!     .expect_json::<serde_json::Value>();
//! assert_eq!(call.path()?, "/ledger/501/accounts/a%2Fb");
//! assert!(call.idempotent());
//! assert!(!REGISTER_PAYMENT.call(&["501"])?.expect_empty().idempotent());
//! # Ok(()) }
//! ```

use std::marker::PhantomData;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::endpoint::{Endpoint, RequestBody, Response, push_encoded};
use crate::error::Error;

/// Whether an operation may be sent again once it may have reached the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// Sending it twice has the effect of sending it once: retried after timeouts, broken
    /// connections and 408/429/5xx answers.
    Idempotent,
    /// It moves money or creates something: retried only when it certainly never left the
    /// client (the spec says `x-retry: never`).
    Never,
}

/// What a success answer holds, as the spec documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Answer {
    /// A JSON document.
    Json,
    /// A JSON document, or no body at all (a 204, or an answer the document shows none for).
    JsonOrEmpty,
    /// No body worth reading.
    Empty,
    /// Bytes to stream (a PDF), or an answer the client reads itself.
    Raw,
}

/// One operation of a provider's spec: its `operationId`, method, path template, documented
/// query parameters, retry class and answer.
///
/// Clients hold these as `static`s generated from `specs/*.yaml` (each client's
/// `operations` module) and send them as a [`Call`].
#[derive(Debug)]
pub struct Operation {
    id: &'static str,
    method: Method,
    path: &'static str,
    query: &'static [&'static str],
    retry: RetryClass,
    answer: Answer,
    secret_answer: bool,
    placeholders: Placeholders,
}

/// The most placeholders a path template may have.
const MAX_PLACEHOLDERS: usize = 8;

/// Where a path template's placeholders are, found when the operation is made (at compile
/// time for a `static`), so a call fills them in without scanning the template.
#[derive(Clone, Copy, Debug)]
struct Placeholders {
    /// The byte offsets of each placeholder's `{` and `}`, in order.
    spans: [(usize, usize); MAX_PLACEHOLDERS],
    count: usize,
    /// Why the template cannot be filled in, if it cannot.
    invalid: Option<&'static str>,
}

impl Placeholders {
    const fn of(path: &str) -> Placeholders {
        let bytes = path.as_bytes();
        let mut spans = [(0, 0); MAX_PLACEHOLDERS];
        let mut count = 0;
        let mut open = None;
        let mut at = 0;
        while at < bytes.len() {
            match (bytes[at], open) {
                (b'{', None) => open = Some(at),
                (b'}', Some(start)) => {
                    if count == MAX_PLACEHOLDERS {
                        return Placeholders {
                            spans,
                            count,
                            invalid: Some("has more than 8 placeholders in its path template"),
                        };
                    }
                    spans[count] = (start, at);
                    count += 1;
                    open = None;
                }
                _ => {}
            }
            at += 1;
        }
        Placeholders {
            spans,
            count,
            invalid: match open {
                Some(_) => Some("has a path template with an unclosed `{`"),
                None => None,
            },
        }
    }
}

impl Operation {
    /// An operation with `id` (the spec's `operationId`), `method` and `path` (a template
    /// with `{name}` placeholders). It defaults to no query parameters, the retry class the
    /// method implies (GET, HEAD, OPTIONS, PUT and DELETE are idempotent), and a JSON answer.
    pub const fn new(id: &'static str, method: Method, path: &'static str) -> Operation {
        let retry = match method {
            Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE => {
                RetryClass::Idempotent
            }
            _ => RetryClass::Never,
        };
        Operation {
            id,
            method,
            path,
            query: &[],
            retry,
            answer: Answer::Json,
            secret_answer: false,
            placeholders: Placeholders::of(path),
        }
    }

    /// The query parameters the spec documents; [`Call::query_param`] refuses any other name.
    pub const fn with_query(mut self, names: &'static [&'static str]) -> Operation {
        self.query = names;
        self
    }

    /// The retry class (the spec's `x-retry`).
    pub const fn with_retry(mut self, retry: RetryClass) -> Operation {
        self.retry = retry;
        self
    }

    /// What a success answer holds.
    pub const fn with_answer(mut self, answer: Answer) -> Operation {
        self.answer = answer;
        self
    }

    /// Marks the success answer as a secret (a token, a key, a login link; the spec's
    /// `x-secret-answer`): it is never kept in an error.
    pub const fn with_secret_answer(mut self) -> Operation {
        self.secret_answer = true;
        self
    }

    /// The spec's `operationId`, e.g. `getAccount`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template, e.g. `/account/{accountId}/balance`.
    pub fn path_template(&self) -> &'static str {
        self.path
    }

    /// The documented query parameters.
    pub fn query_names(&self) -> &'static [&'static str] {
        self.query
    }

    /// The retry class.
    pub fn retry(&self) -> RetryClass {
        self.retry
    }

    /// What a success answer holds.
    pub fn answer(&self) -> Answer {
        self.answer
    }

    /// Whether the success answer is a secret.
    pub fn has_secret_answer(&self) -> bool {
        self.secret_answer
    }

    /// Whether `method` and `path` (after the base URL's prefix, without a query) are a
    /// request of this operation: the same method, and the path matches the template with
    /// one non-empty segment per placeholder.
    pub fn matches(&self, method: &Method, path: &str) -> bool {
        if *method != self.method {
            return false;
        }
        let mut template = self.path.split('/');
        let mut actual = path.split('/');
        loop {
            match (template.next(), actual.next()) {
                (None, None) => return true,
                (Some(expected), Some(segment)) => {
                    let placeholder = expected.starts_with('{') && expected.ends_with('}');
                    if placeholder && segment.is_empty() || !placeholder && expected != segment {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    /// Starts a call of this operation: `params` fill the path template's placeholders, in
    /// the order they appear, each percent-encoded as one segment.
    ///
    /// A count that does not match the template is an
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) error naming the
    /// operation.
    pub fn call(&'static self, params: &[&str]) -> Result<Call<()>, Error> {
        let placeholders = &self.placeholders;
        if let Some(reason) = placeholders.invalid {
            return Err(Error::invalid_argument(self.id, reason));
        }
        if params.len() != placeholders.count {
            return Err(self.wrong_arity(params.len()));
        }
        let room: usize = params.iter().map(|param| param.len()).sum();
        let mut path = String::with_capacity(self.path.len() + room);
        // The template's text not yet copied starts at `text`.
        let mut text = 0;
        for (&(open, close), value) in placeholders.spans.iter().zip(params) {
            path.push_str(&self.path[text..open]);
            push_encoded(&mut path, value, false);
            text = close + 1;
        }
        path.push_str(&self.path[text..]);
        Ok(self.at(path))
    }

    /// A call of this operation at `path`, a link the provider returned that is already
    /// resolved against the base URL (see [`BaseUrl::resolve_link`](crate::BaseUrl::resolve_link)).
    pub fn at(&'static self, path: String) -> Call<()> {
        Call {
            operation: self,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            decode: |_| Ok(()),
            output: PhantomData,
        }
    }

    fn wrong_arity(&self, given: usize) -> Error {
        let expected = self.placeholders.count;
        Error::invalid_argument(
            self.id,
            format_args!(
                "takes {expected} path parameters ({}), {given} given",
                self.path
            ),
        )
    }
}

/// A call of an [`Operation`]: its path filled in, query, headers, body, and how its answer
/// decodes into `O`. It is the [`Endpoint`] every generated operation is sent as.
pub struct Call<O> {
    operation: &'static Operation,
    path: String,
    query: Vec<(&'static str, String)>,
    headers: HeaderMap,
    body: Option<RequestBody>,
    decode: fn(Response) -> Result<O, Error>,
    output: PhantomData<fn() -> O>,
}

impl<O> Call<O> {
    /// The operation this is a call of.
    pub fn operation_descriptor(&self) -> &'static Operation {
        self.operation
    }

    /// Adds a query parameter. A name the spec does not document for this operation makes
    /// the call fail before sending, naming it.
    pub fn query_param(mut self, name: &'static str, value: impl Into<String>) -> Call<O> {
        self.query.push((name, value.into()));
        self
    }

    /// Adds a query parameter when `value` is set.
    pub fn query_param_opt(self, name: &'static str, value: Option<impl Into<String>>) -> Call<O> {
        match value {
            Some(value) => self.query_param(name, value),
            None => self,
        }
    }

    /// Adds a request header; mark secrets with [`sensitive_header`](crate::sensitive_header).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Call<O> {
        self.headers.append(name, value);
        self
    }

    /// Sets the request body.
    pub fn request_body(mut self, body: RequestBody) -> Call<O> {
        self.body = Some(body);
        self
    }

    /// Sets a JSON request body.
    pub fn json_body<B: Serialize + ?Sized>(self, body: &B) -> Result<Call<O>, Error> {
        Ok(self.request_body(RequestBody::json(body)?))
    }

    /// The answer is a JSON document decoded into `T` (the spec's answer is JSON).
    pub fn expect_json<T: DeserializeOwned>(self) -> Call<T> {
        debug_assert_eq!(self.operation.answer, Answer::Json, "{}", self.operation.id);
        self.decode_with(|response| response.json())
    }

    /// The answer is a JSON document, or no body (`None`), as the spec documents.
    pub fn expect_json_or_empty<T: DeserializeOwned>(self) -> Call<Option<T>> {
        debug_assert_eq!(
            self.operation.answer,
            Answer::JsonOrEmpty,
            "{}",
            self.operation.id
        );
        self.decode_with(|response| {
            if response.body().iter().all(u8::is_ascii_whitespace) {
                Ok(None)
            } else {
                response.json().map(Some)
            }
        })
    }

    /// The answer's body is not read.
    pub fn expect_empty(self) -> Call<()> {
        self.decode_with(|_| Ok(()))
    }

    /// The answer is read by `decode`: for the answers a spec cannot type (Avarda's 202
    /// that asks for strong authentication).
    pub fn decode_with<T>(self, decode: fn(Response) -> Result<T, Error>) -> Call<T> {
        Call {
            operation: self.operation,
            path: self.path,
            query: self.query,
            headers: self.headers,
            body: self.body,
            decode,
            output: PhantomData,
        }
    }
}

impl<O> Clone for Call<O> {
    fn clone(&self) -> Call<O> {
        Call {
            operation: self.operation,
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            decode: self.decode,
            output: PhantomData,
        }
    }
}

impl<O> std::fmt::Debug for Call<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Path and query are not shown: they may hold customer numbers.
        f.debug_struct("Call")
            .field("operation", &self.operation.id)
            .finish_non_exhaustive()
    }
}

impl<O> Endpoint for Call<O> {
    type Output = O;

    fn operation(&self) -> &'static str {
        self.operation.id
    }

    fn method(&self) -> Method {
        self.operation.method.clone()
    }

    fn path(&self) -> Result<String, Error> {
        Ok(self.path.clone())
    }

    fn query(&self) -> Result<Vec<(&'static str, String)>, Error> {
        if let Some((name, _)) = self
            .query
            .iter()
            .find(|(name, _)| !self.operation.query.contains(name))
        {
            return Err(Error::invalid_argument(
                name,
                format_args!(
                    "is not a query parameter of {} in the provider's spec",
                    self.operation.id
                ),
            ));
        }
        Ok(self.query.clone())
    }

    fn headers(&self) -> Result<HeaderMap, Error> {
        Ok(self.headers.clone())
    }

    fn body(&self) -> Result<Option<RequestBody>, Error> {
        Ok(self.body.clone())
    }

    fn idempotent(&self) -> bool {
        self.operation.retry == RetryClass::Idempotent
    }

    fn secret_output(&self) -> bool {
        self.operation.secret_answer
    }

    fn decode(&self, response: Response) -> Result<O, Error> {
        (self.decode)(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    static SETTLE: Operation = Operation::new("settleBalance", Method::DELETE, "/a/{id}/balance")
        .with_retry(RetryClass::Never);
    static LIST: Operation = Operation::new("list", Method::GET, "/l").with_query(&["$top"]);

    #[test]
    fn the_retry_class_follows_the_method_unless_the_spec_says_never() {
        assert!(!SETTLE.call(&["x"]).unwrap().idempotent());
        assert!(LIST.call(&[]).unwrap().idempotent());
        static ADD: Operation = Operation::new("add", Method::POST, "/a");
        assert!(!ADD.call(&[]).unwrap().idempotent());
    }

    #[test]
    fn path_parameters_are_counted_and_encoded() {
        assert_eq!(
            SETTLE.call(&["a b"]).unwrap().path().unwrap(),
            "/a/a%20b/balance"
        );
        let error = SETTLE.call(&[]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert_eq!(error.argument(), Some("settleBalance"));
        assert!(SETTLE.call(&["a", "b"]).is_err());
    }

    #[test]
    fn placeholders_are_filled_in_order_with_the_text_between_them() {
        static NESTED: Operation =
            Operation::new("nested", Method::GET, "/l/{ledger}/x/{id}.json?{keep");
        static TWO: Operation = Operation::new("two", Method::GET, "/l/{a}/x/{b}.json");
        assert_eq!(
            TWO.call(&["1", "é/2"]).unwrap().path().unwrap(),
            "/l/1/x/%C3%A9%2F2.json"
        );
        let unclosed = NESTED.call(&["1", "2"]).unwrap_err();
        assert_eq!(unclosed.argument(), Some("nested"));
        assert!(unclosed.to_string().contains("unclosed"), "{unclosed}");
        static NINE: Operation =
            Operation::new("nine", Method::GET, "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}");
        let nine = NINE.call(&["1"; 9]).unwrap_err();
        assert_eq!(nine.kind(), ErrorKind::InvalidArgument);
        assert!(nine.to_string().contains("more than 8"), "{nine}");
        let arity = TWO.call(&["1"]).unwrap_err();
        assert!(
            arity.to_string().contains("takes 2 path parameters"),
            "{arity}"
        );
    }

    #[test]
    fn undocumented_query_names_are_refused_before_sending() {
        let call = LIST.call(&[]).unwrap().query_param("$top", "5");
        assert_eq!(call.query().unwrap(), vec![("$top", "5".to_owned())]);
        let error = LIST
            .call(&[])
            .unwrap()
            .query_param("toDate", "x")
            .query()
            .unwrap_err();
        assert_eq!(error.argument(), Some("toDate"));
    }

    #[test]
    fn matches_compares_method_and_template() {
        assert!(SETTLE.matches(&Method::DELETE, "/a/x/balance"));
        assert!(!SETTLE.matches(&Method::GET, "/a/x/balance"));
        assert!(!SETTLE.matches(&Method::DELETE, "/a//balance"));
        assert!(!SETTLE.matches(&Method::DELETE, "/a/x/balance/more"));
        assert!(!SETTLE.matches(&Method::DELETE, "/b/x/balance"));
    }

    static TOKEN: Operation = Operation::new("getToken", Method::POST, "/auth/token")
        .with_query(&["a", "b"])
        .with_answer(Answer::JsonOrEmpty)
        .with_secret_answer();

    #[test]
    fn the_descriptor_reads_back_what_it_was_built_with() {
        assert_eq!(TOKEN.id(), "getToken");
        assert_eq!(TOKEN.method(), &Method::POST);
        assert_eq!(TOKEN.path_template(), "/auth/token");
        assert_eq!(TOKEN.query_names(), ["a", "b"]);
        assert_eq!(TOKEN.retry(), RetryClass::Never);
        assert_eq!(TOKEN.answer(), Answer::JsonOrEmpty);
        assert!(TOKEN.has_secret_answer());
        assert_eq!(LIST.query_names(), ["$top"]);
        assert_eq!(LIST.answer(), Answer::Json);
        assert!(!LIST.has_secret_answer());
        for method in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            let retry = Operation::new("x", method.clone(), "/x").retry();
            assert_eq!(retry, RetryClass::Idempotent, "{method}");
        }
        for method in [Method::POST, Method::PATCH] {
            let retry = Operation::new("x", method.clone(), "/x").retry();
            assert_eq!(retry, RetryClass::Never, "{method}");
        }
    }

    #[test]
    fn a_call_carries_its_query_headers_and_body_and_hides_them_in_debug() {
        let call = TOKEN
            .call(&[])
            .unwrap()
            .query_param_opt("a", Some("1"))
            .query_param_opt("b", None::<String>)
            .header(
                HeaderName::from_static("x-one"),
                HeaderValue::from_static("1"),
            )
            .header(
                HeaderName::from_static("x-one"),
                HeaderValue::from_static("2"),
            )
            .json_body(&serde_json::json!({"k": 1}))
            .unwrap()
            .expect_json_or_empty::<serde_json::Value>();
        assert_eq!(call.operation(), "getToken");
        assert_eq!(call.method(), Method::POST);
        assert!(std::ptr::eq(call.operation_descriptor(), &TOKEN));
        assert!(call.secret_output() && !call.idempotent());
        assert!(!LIST.call(&[]).unwrap().secret_output());
        assert_eq!(format!("{call:?}"), r#"Call { operation: "getToken", .. }"#);
        for call in [call.clone(), call] {
            assert_eq!(call.path().unwrap(), "/auth/token");
            assert_eq!(call.query().unwrap(), vec![("a", "1".to_owned())]);
            let headers = call.headers().unwrap();
            let values: Vec<_> = headers.get_all("x-one").iter().collect();
            assert_eq!(values, ["1", "2"]);
            let body = call.body().unwrap().unwrap();
            assert_eq!(body.bytes().as_ref(), br#"{"k":1}"#);
        }
    }

    fn answer(body: &'static [u8]) -> Response {
        Response::new(
            "op",
            http::StatusCode::OK,
            HeaderMap::new(),
            bytes::Bytes::from_static(body),
        )
    }

    #[test]
    fn each_answer_kind_decodes_as_its_call_says() {
        let optional = TOKEN.call(&[]).unwrap().expect_json_or_empty::<u32>();
        assert_eq!(optional.decode(answer(b" \r\n")).unwrap(), None);
        assert_eq!(optional.decode(answer(b"")).unwrap(), None);
        assert_eq!(optional.decode(answer(b" 7 ")).unwrap(), Some(7));
        assert!(optional.decode(answer(b"x")).is_err());
        let json = LIST.call(&[]).unwrap().expect_json::<u32>();
        assert_eq!(json.decode(answer(b"8")).unwrap(), 8);
        assert!(json.decode(answer(b"")).is_err());
        let empty = LIST.call(&[]).unwrap().expect_empty();
        assert!(empty.decode(answer(b"not json")).is_ok());
        let raw = LIST
            .call(&[])
            .unwrap()
            .decode_with(|response| Ok(response.into_body()));
        assert_eq!(raw.decode(answer(b"%PDF")).unwrap(), "%PDF");
    }

    #[test]
    fn a_wrong_parameter_count_says_how_many_are_taken() {
        let error = SETTLE.call(&["a", "b"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid `settleBalance`: takes 1 path parameters (/a/{id}/balance), 2 given"
        );
        assert!(!SETTLE.matches(&Method::DELETE, "/a/x"));
    }

    #[test]
    fn only_a_whole_braced_segment_is_a_placeholder() {
        static ODD: Operation = Operation::new("odd", Method::GET, "/a/v1}/{b");
        assert!(ODD.matches(&Method::GET, "/a/v1}/{b"));
        assert!(!ODD.matches(&Method::GET, "/a/v2/{b"));
        assert!(!ODD.matches(&Method::GET, "/a/v1}/c"));
    }
}
