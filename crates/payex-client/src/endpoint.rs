//! The endpoints of the Ledger Account API as data: a GET decoding JSON, a write with a JSON
//! body, and the bill-document download. Every typed call of this crate is one of these.

use std::marker::PhantomData;

use http::Method;
use http::header::{ACCEPT, HeaderValue};
use mypages_transport::{Endpoint, Error, RequestBody, Response};
use serde::de::DeserializeOwned;

/// A GET of `path` (with `query`) decoding the JSON answer into `T`.
pub(crate) struct Fetch<T> {
    operation: &'static str,
    path: String,
    query: Vec<(&'static str, String)>,
    output: PhantomData<fn() -> T>,
}

impl<T> Fetch<T> {
    pub(crate) fn new(operation: &'static str, path: String) -> Self {
        Self {
            operation,
            path,
            query: Vec::new(),
            output: PhantomData,
        }
    }

    pub(crate) fn with_query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }
}

impl<T: DeserializeOwned + Send + 'static> Endpoint for Fetch<T> {
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
        Ok(self.query.clone())
    }

    fn decode(&self, response: Response) -> Result<T, Error> {
        response.json()
    }
}

/// What a write answers: nothing (`()`: 204, or a body that is not needed), or a resource
/// that the server may or may not send (`Option<T>`: `None` for an empty body).
pub(crate) trait Answer: Sized + Send + 'static {
    fn from_response(response: &Response) -> Result<Self, Error>;
}

impl Answer for () {
    fn from_response(response: &Response) -> Result<(), Error> {
        response.empty()
    }
}

impl<T: DeserializeOwned + Send + 'static> Answer for Option<T> {
    fn from_response(response: &Response) -> Result<Option<T>, Error> {
        if response.body().iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        response.json().map(Some)
    }
}

/// A POST, PATCH or DELETE of `path` with an optional JSON body.
pub(crate) struct Write<A> {
    operation: &'static str,
    method: Method,
    path: String,
    body: Option<RequestBody>,
    idempotent: bool,
    answer: PhantomData<fn() -> A>,
}

impl<A> Write<A> {
    /// A write that is never repeated once it may have reached the server.
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        path: String,
        body: Option<RequestBody>,
    ) -> Self {
        Self {
            operation,
            method,
            path,
            body,
            idempotent: false,
            answer: PhantomData,
        }
    }

    /// Marks the write safe to repeat (it sets values rather than adding effects).
    pub(crate) fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }
}

impl<A: Answer> Endpoint for Write<A> {
    type Output = A;

    fn operation(&self) -> &'static str {
        self.operation
    }

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path(&self) -> Result<String, Error> {
        Ok(self.path.clone())
    }

    fn body(&self) -> Result<Option<RequestBody>, Error> {
        Ok(self.body.clone())
    }

    fn idempotent(&self) -> bool {
        self.idempotent
    }

    fn decode(&self, response: Response) -> Result<A, Error> {
        A::from_response(&response)
    }
}

/// The GET of a bill's PDF document, asking for `application/pdf`.
pub(crate) struct Document {
    path: String,
}

impl Document {
    pub(crate) fn new(path: String) -> Self {
        Self { path }
    }
}

impl Endpoint for Document {
    type Output = bytes::Bytes;

    fn operation(&self) -> &'static str {
        "get_bill_document"
    }

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String, Error> {
        Ok(self.path.clone())
    }

    fn headers(&self) -> Result<http::HeaderMap, Error> {
        let mut headers = http::HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/pdf"));
        Ok(headers)
    }

    fn decode(&self, response: Response) -> Result<bytes::Bytes, Error> {
        Ok(response.into_body())
    }
}
