//! The [`Client`] and its builder.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};
use http_body::Body;
use http_body_util::Full;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use tokio::io::AsyncWrite;
use tower::util::BoxCloneSyncService;
use tower::{Layer, Service, ServiceBuilder, ServiceExt};

use crate::base_url::BaseUrl;
use crate::connector::{
    Connector, Identity, TlsSettings, authority_of, classify_boxed, refuse_plain_http,
};
use crate::download::Download;
use crate::endpoint::{Endpoint, Response, push_encoded};
use crate::error::{BoxError, Error, ProblemReader};
use crate::paging::{Link, Pages};
use crate::problem::Problem;
use crate::retry::RetryPolicy;
use crate::stack::body_limit::ERROR_BODY_LIMIT;
use crate::stack::meta::handing_down;
use crate::stack::{
    AttemptTimeout, AttemptTimeoutLayer, Auth, AuthLayer, BodyLimit, BodyLimitLayer, Either,
    HttpService, OperationDeadline, OperationDeadlineLayer, RequestMeta, ResponseBody, Retry,
    RetryLayer, Trace, TraceLayer,
};
use crate::token::{StaticToken, TokenSource};

/// The default response body limit: 16 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// An HTTP client for one provider: a base URL, credentials, and the tower stack.
///
/// Cloning is cheap (an `Arc`); clones share the connection pool, token cache and retry
/// budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    base_url: BaseUrl,
    provider: Arc<str>,
    user_agent: HeaderValue,
    attempt_timeout: Duration,
    body_limit: usize,
    read_problem: ProblemReader,
    service: Stack,
    /// Whether a merchant's layer or HTTP service is in the stack, so each request carries
    /// its [`RequestMeta`] as an extension for them; otherwise it is handed down beside it.
    meta_in_extensions: bool,
}

/// The connector: the built-in one, or the service given to
/// [`ClientBuilder::http_service`].
type Transport = Either<Connector, HttpService>;
/// One attempt: auth -> attempt timeout -> body limit -> connector; boxed when attempt
/// layers wrap it.
type Attempt = Either<Auth<AttemptTimeout<BodyLimit<Transport>>>, HttpService>;
/// The whole stack: trace -> operation deadline -> retry -> (each attempt); boxed when
/// layers wrap it.
type Stack = Either<Trace<OperationDeadline<Retry<Attempt>>>, HttpService>;

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.inner.provider)
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests are joined onto.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base_url
    }

    /// The provider name used in tracing and error messages.
    pub fn provider(&self) -> &str {
        &self.inner.provider
    }

    /// Sends `endpoint` and decodes its 2xx answer; any other status is an
    /// [`ErrorKind::Refused`](crate::ErrorKind::Refused) or [`ErrorKind::Transient`](crate::ErrorKind::Transient) error.
    pub async fn execute<E: Endpoint + ?Sized>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let response = self.send(|| self.request(endpoint, false)).await?;
        let (parts, mut body) = response.into_parts();
        let success = parts.status.is_success();
        // A success body is refused past the body limit, an error body cut at 64 KiB.
        let (limit, truncate) = if success {
            (self.inner.body_limit, false)
        } else {
            (ERROR_BODY_LIMIT, true)
        };
        let bytes = match body.take_buffered(limit, truncate) {
            Some(bytes) => bytes?,
            // Only a layer added with `ClientBuilder::layer` can hand back a streaming body.
            None => body.collect_limited(limit, truncate).await?,
        };
        if !success {
            return Err(Error::api(
                &self.inner.provider,
                parts.status,
                parts.headers,
                bytes,
                self.inner.read_problem,
            ));
        }
        let response = Response::new(endpoint.operation(), parts.status, parts.headers, bytes);
        endpoint.decode(if endpoint.secret_output() {
            response.secret()
        } else {
            response
        })
    }

    /// Sends `endpoint` and streams its 2xx body instead of decoding it (the endpoint's
    /// [`Endpoint::decode`] is not called, and the body limit does not apply). A non-2xx
    /// answer is an [`ErrorKind::Refused`](crate::ErrorKind::Refused) or [`ErrorKind::Transient`](crate::ErrorKind::Transient) error. While streaming, each
    /// chunk must arrive within the attempt timeout.
    pub async fn download<E: Endpoint + ?Sized>(&self, endpoint: &E) -> Result<Download, Error> {
        let response = self.send(|| self.request(endpoint, true)).await?;
        let (parts, body) = response.into_parts();
        if !parts.status.is_success() {
            let bytes = body.collect_limited(ERROR_BODY_LIMIT, true).await?;
            return Err(Error::api(
                &self.inner.provider,
                parts.status,
                parts.headers,
                bytes,
                self.inner.read_problem,
            ));
        }
        Ok(Download::new(
            parts.status,
            parts.headers,
            body,
            self.inner.attempt_timeout,
        ))
    }

    /// Downloads `endpoint`'s body into `writer`; returns the number of bytes written.
    pub async fn download_to<E, W>(&self, endpoint: &E, writer: &mut W) -> Result<u64, Error>
    where
        E: Endpoint + ?Sized,
        W: AsyncWrite + Unpin + ?Sized,
    {
        self.download(endpoint).await?.download_to(writer).await
    }

    /// A typed GET of a provider link (root-relative like
    /// `/ledger/account/v1/1000/accounts/1/bills?$top=2&$skip=2`, or absolute on the base
    /// URL's host), resolved against the base URL and its prefix.
    pub fn link<T>(&self, operation: &'static str, href: &str) -> Result<Link<T>, Error>
    where
        T: DeserializeOwned + Send + 'static,
    {
        Link::new(&self.inner.base_url, operation, href)
    }

    /// Follows a provider link with a GET and decodes the JSON answer; see [`Client::link`].
    pub async fn follow<T>(&self, operation: &'static str, href: &str) -> Result<T, Error>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let link = self.link::<T>(operation, href)?;
        self.execute(&link).await
    }

    /// Lazily fetches `first`, then each request `next` derives from the previous page,
    /// until it returns `None` (e.g. for `$top`/`$skip` paging).
    pub fn pages<E, F>(&self, first: E, next: F) -> Pages<E::Output>
    where
        E: Endpoint + 'static,
        E::Output: Send + 'static,
        F: FnMut(&E::Output) -> Option<E> + Send + 'static,
    {
        Pages::requests(self.clone(), first, next)
    }

    /// Lazily fetches `first`, then follows the link `next_link` finds in each page (e.g.
    /// PayEx's `view.next`) until it returns `None`. Later pages decode as JSON.
    pub fn link_pages<E, F>(&self, first: E, next_link: F) -> Pages<E::Output>
    where
        E: Endpoint + 'static,
        E::Output: DeserializeOwned + Send + 'static,
        F: FnMut(&E::Output) -> Option<String> + Send + 'static,
    {
        Pages::links(self.clone(), first, next_link)
    }

    /// The path and query an endpoint asks for, before the base URL's prefix.
    pub(crate) fn target_of<E: Endpoint + ?Sized>(endpoint: &E) -> Result<String, Error> {
        let mut target = endpoint.path()?;
        push_query(&mut target, endpoint.query()?);
        Ok(target)
    }

    /// The request of `endpoint`, with its metadata if that is to be handed down beside it
    /// rather than carried in its extensions.
    fn request<E: Endpoint + ?Sized>(
        &self,
        endpoint: &E,
        streaming: bool,
    ) -> Result<(http::Request<Bytes>, Option<RequestMeta>), Error> {
        let base_url = &self.inner.base_url;
        let path = endpoint.path()?;
        let query = endpoint.query()?;
        let prefix = base_url.prefix();
        // The prefix, path and query in one buffer, sized once.
        let target = if prefix.is_empty() {
            let mut target = path;
            push_query(&mut target, query);
            target
        } else {
            let mut target = String::with_capacity(prefix.len() + path.len());
            target.push_str(prefix);
            target.push_str(&path);
            push_query(&mut target, query);
            target
        };
        let uri = base_url.uri_of(target, prefix.len())?;
        // Built field by field (the builder moves a `Result` of the whole request at every
        // step); room for the headers set here and the `Authorization` the stack adds.
        let mut headers = HeaderMap::with_capacity(4);
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let body = match endpoint.body()? {
            Some(body) => {
                let (content_type, bytes) = body.into_parts();
                headers.insert(CONTENT_TYPE, content_type);
                bytes
            }
            None => Bytes::new(),
        };
        let mut request = http::Request::new(body);
        *request.method_mut() = endpoint.method();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let mut last = None;
        for (name, value) in endpoint.headers()? {
            match name {
                Some(name) => {
                    request.headers_mut().insert(name.clone(), value);
                    last = Some(name);
                }
                None => {
                    if let Some(name) = &last {
                        request.headers_mut().append(name.clone(), value);
                    }
                }
            }
        }
        let meta = RequestMeta {
            operation: endpoint.operation(),
            idempotent: endpoint.idempotent(),
            streaming,
        };
        if self.inner.meta_in_extensions {
            request.extensions_mut().insert(meta);
            return Ok((request, None));
        }
        Ok((request, Some(meta)))
    }

    /// Sends the request `build` makes through the stack, handing its metadata down with it.
    ///
    /// The request is made here rather than passed in: a future keeps its arguments for its
    /// whole life, but a local only while it is used, so the request does not add its 256
    /// bytes to the stack's future (and to every future that awaits this one).
    async fn send(
        &self,
        build: impl FnOnce() -> Result<(http::Request<Bytes>, Option<RequestMeta>), Error>,
    ) -> Result<http::Response<ResponseBody>, Error> {
        let (request, meta) = build()?;
        let mut service = self.inner.service.clone();
        let ready = service.ready().await?;
        handing_down(meta, || ready.call(request)).await
    }
}

/// Appends `query` to `target` (after `?`, or `&` when it has a query already),
/// percent-encoded.
fn push_query(target: &mut String, query: Vec<(&'static str, String)>) {
    if query.is_empty() {
        return;
    }
    let mut separator = if target.contains('?') { '&' } else { '?' };
    for (key, value) in query {
        target.push(separator);
        push_encoded(target, key, true);
        target.push('=');
        push_encoded(target, &value, true);
        separator = '&';
    }
}

type LayerFn = Box<dyn FnOnce(HttpService) -> HttpService + Send>;

/// A user layer, applied later to the stack below it, with its errors made ours.
fn boxed_layer<L>(layer: L) -> LayerFn
where
    L: Layer<HttpService> + Send + 'static,
    L::Service: Service<http::Request<Bytes>, Response = http::Response<ResponseBody>>
        + Clone
        + Send
        + Sync
        + 'static,
    <L::Service as Service<http::Request<Bytes>>>::Error: Into<BoxError>,
    <L::Service as Service<http::Request<Bytes>>>::Future: Send + 'static,
{
    Box::new(move |inner| {
        let service = layer
            .layer(inner)
            .map_err(|error| Error::from_boxed(error.into()));
        BoxCloneSyncService::new(service)
    })
}
/// Builds the custom inner service once the connect timeout is final.
type ServiceFn = Box<dyn FnOnce(Duration) -> HttpService + Send>;

/// Configures a [`Client`]; [`ClientBuilder::build`] validates everything and says what is
/// missing or wrong.
pub struct ClientBuilder {
    base_url: Option<String>,
    token_source: Option<Arc<dyn TokenSource>>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    operation_timeout: Option<Duration>,
    retry: RetryPolicy,
    body_limit: usize,
    identity: Option<Identity>,
    root_certificates: Vec<Vec<u8>>,
    user_agent: Option<String>,
    provider: Option<String>,
    read_problem: ProblemReader,
    http_service: Option<ServiceFn>,
    layers: Vec<LayerFn>,
    attempt_layers: Vec<LayerFn>,
    min_throughput: Option<(u64, Duration)>,
    pool_idle_timeout: Duration,
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            base_url: None,
            token_source: None,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            operation_timeout: None,
            retry: RetryPolicy::default(),
            body_limit: DEFAULT_BODY_LIMIT,
            identity: None,
            root_certificates: Vec::new(),
            user_agent: None,
            provider: None,
            read_problem: Problem::from_json,
            http_service: None,
            layers: Vec::new(),
            attempt_layers: Vec::new(),
            min_throughput: Some((1024, Duration::from_secs(10))),
            pool_idle_timeout: Duration::from_secs(50),
        }
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token_source", &self.token_source.is_some())
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .field("body_limit", &self.body_limit)
            .field("identity", &self.identity.is_some())
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The base URL (required): `https://…`, or `http://` for a loopback host only. A path
    /// prefix is kept: `http://127.0.0.1:7070/payex`.
    pub fn base_url(mut self, url: impl Into<String>) -> ClientBuilder {
        self.base_url = Some(url.into());
        self
    }

    /// Where bearer tokens come from. Without one, no `Authorization` header is sent.
    pub fn token_source(mut self, source: impl TokenSource) -> ClientBuilder {
        self.token_source = Some(Arc::new(source));
        self
    }

    /// A token source already shared behind an `Arc`.
    pub fn shared_token_source(mut self, source: Arc<dyn TokenSource>) -> ClientBuilder {
        self.token_source = Some(source);
        self
    }

    /// A static bearer token (shorthand for a [`StaticToken`] source).
    pub fn token(self, token: SecretString) -> ClientBuilder {
        self.token_source(StaticToken::new(token))
    }

    /// How long establishing a connection may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the whole buffered body (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.attempt_timeout = timeout;
        self
    }

    /// How long a whole operation, retries and waits included, may take (default: no limit
    /// beyond the attempts').
    pub fn operation_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.operation_timeout = Some(timeout);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> ClientBuilder {
        self.retry = policy;
        self
    }

    /// The largest response body buffered for decoding (default 16 MiB). Downloads are not
    /// bounded by it.
    pub fn body_limit(mut self, bytes: usize) -> ClientBuilder {
        self.body_limit = bytes;
        self
    }

    /// The slowest a response body may arrive: at least `bytes` every `per` (default
    /// 1 KiB every 10 s), for buffered bodies and downloads alike. A slower body ends with
    /// a [`TimeoutKind::Throughput`](crate::TimeoutKind::Throughput) error.
    pub fn min_throughput(mut self, bytes: u64, per: Duration) -> ClientBuilder {
        self.min_throughput = Some((bytes, per));
        self
    }

    /// How long an idle pooled connection is kept (default 50 s, below the 60 s idle
    /// limit of common load balancers, so the client does not reuse a connection the
    /// balancer has already dropped).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.pool_idle_timeout = timeout;
        self
    }

    /// A client certificate for mutual TLS.
    pub fn identity(mut self, identity: Identity) -> ClientBuilder {
        self.identity = Some(identity);
        self
    }

    /// Trusts an extra CA certificate (PEM), besides the default roots, e.g. for a test
    /// server.
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> ClientBuilder {
        self.root_certificates.push(pem.into());
        self
    }

    /// The `User-Agent` header (default `mypages-transport/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> ClientBuilder {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The provider name for tracing and error messages, e.g. `payex` (required).
    pub fn provider(mut self, name: impl Into<String>) -> ClientBuilder {
        self.provider = Some(name.into());
        self
    }

    /// How the provider's error bodies are read into a [`Problem`] (default: RFC 7807 in any
    /// key casing, [`Problem::from_json`]). A client whose provider has its own error shape
    /// (Avarda's `error`/`errorCode`) sets its reader here, so every error speaks one
    /// vocabulary.
    pub fn problem_reader(mut self, reader: ProblemReader) -> ClientBuilder {
        self.read_problem = reader;
        self
    }

    /// Replaces the innermost HTTP service (hyper over rustls) with `service`, e.g. one
    /// with a custom connector. It receives fully built requests, `Authorization` included,
    /// and handles TLS itself (so it cannot be combined with [`ClientBuilder::identity`] or
    /// [`ClientBuilder::add_root_certificate`]).
    /// Its errors are kept when they are this crate's [`Error`] and otherwise reported as
    /// transport errors (hyper-util's connect errors as connect errors).
    pub fn http_service<S, B>(mut self, service: S) -> ClientBuilder
    where
        S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        self.http_service = Some(Box::new(move |connect_timeout| {
            let service = tower::service_fn(move |request: http::Request<Bytes>| {
                let authority = authority_of(&request);
                let refused = refuse_plain_http(&request);
                let call = service.clone().oneshot(request.map(Full::new));
                async move {
                    refused?;
                    match call.await {
                        Ok(response) => Ok(response.map(ResponseBody::streaming)),
                        Err(error) => {
                            Err(classify_boxed(error.into(), connect_timeout, &authority))
                        }
                    }
                }
            });
            BoxCloneSyncService::new(service)
        }));
        self
    }

    /// Adds `layer` around the whole stack (outermost, so it sees each operation once,
    /// before any retry), e.g. `tower::limit::ConcurrencyLimitLayer`. Layers added later
    /// wrap earlier ones.
    ///
    /// The stack, outermost first, with the two places for your own layers:
    ///
    /// **[`layer`](ClientBuilder::layer)** -> trace -> operation deadline -> retry ->
    /// **[`attempt_layer`](ClientBuilder::attempt_layer)** -> auth -> attempt timeout ->
    /// body limit -> connector.
    ///
    /// Each of ours is a public layer ([`TraceLayer`](crate::layers::TraceLayer),
    /// [`OperationDeadlineLayer`](crate::layers::OperationDeadlineLayer),
    /// [`RetryLayer`](crate::layers::RetryLayer), [`AuthLayer`](crate::layers::AuthLayer),
    /// [`AttemptTimeoutLayer`](crate::layers::AttemptTimeoutLayer),
    /// [`BodyLimitLayer`](crate::layers::BodyLimitLayer)), usable in your own stack too.
    /// A layer reads the operation's [`RequestMeta`] from the request's extensions; its
    /// errors are kept when they are this crate's [`Error`] and otherwise reported as
    /// transport errors.
    pub fn layer<L>(mut self, layer: L) -> ClientBuilder
    where
        L: Layer<HttpService> + Send + 'static,
        L::Service: Service<http::Request<Bytes>, Response = http::Response<ResponseBody>>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as Service<http::Request<Bytes>>>::Error: Into<BoxError>,
        <L::Service as Service<http::Request<Bytes>>>::Future: Send + 'static,
    {
        self.layers.push(boxed_layer(layer));
        self
    }

    /// Adds `layer` around each attempt: inside the retry layer (so it sees every attempt,
    /// and its transient errors are retried) and outside auth (so the `Authorization` it
    /// sees is not yet set, and headers it adds go to the provider). See
    /// [`ClientBuilder::layer`] for the whole stack. Layers added later wrap earlier ones.
    pub fn attempt_layer<L>(mut self, layer: L) -> ClientBuilder
    where
        L: Layer<HttpService> + Send + 'static,
        L::Service: Service<http::Request<Bytes>, Response = http::Response<ResponseBody>>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as Service<http::Request<Bytes>>>::Error: Into<BoxError>,
        <L::Service as Service<http::Request<Bytes>>>::Future: Send + 'static,
    {
        self.attempt_layers.push(boxed_layer(layer));
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = match &self.base_url {
            Some(url) => BaseUrl::parse(url)?,
            None => {
                return Err(Error::invalid_argument(
                    "base_url",
                    "is missing; set ClientBuilder::base_url (e.g. `https://api.example.com`)",
                ));
            }
        };
        let provider: Arc<str> = match self.provider.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => Arc::from(name),
            _ => {
                return Err(Error::invalid_argument(
                    "provider",
                    "is missing; set ClientBuilder::provider (e.g. `payex`)",
                ));
            }
        };
        for (argument, timeout) in [
            ("connect_timeout", Some(self.connect_timeout)),
            ("attempt_timeout", Some(self.attempt_timeout)),
            ("operation_timeout", self.operation_timeout),
        ] {
            if timeout.is_some_and(|t| t.is_zero()) {
                return Err(Error::invalid_argument(
                    argument,
                    "must be longer than zero",
                ));
            }
        }
        if self.body_limit == 0 {
            return Err(Error::invalid_argument(
                "body_limit",
                "must be at least 1 byte",
            ));
        }
        let user_agent = self
            .user_agent
            .unwrap_or_else(|| concat!("mypages-transport/", env!("CARGO_PKG_VERSION")).to_owned());
        let user_agent = HeaderValue::try_from(user_agent).map_err(|_| {
            Error::invalid_argument("user_agent", "is not a valid HTTP header value")
        })?;
        let custom_tls = self.identity.is_some() || !self.root_certificates.is_empty();
        let meta_in_extensions = self.http_service.is_some()
            || !self.layers.is_empty()
            || !self.attempt_layers.is_empty();
        let mut retry = RetryLayer::new(self.retry);
        if self.http_service.is_none() && self.attempt_layers.is_empty() {
            retry = retry.over_own_attempt();
        }
        let connector = match self.http_service {
            Some(_) if custom_tls => {
                return Err(Error::invalid_argument(
                    "http_service",
                    "replaces the built-in connector, so `identity` and `add_root_certificate` would be ignored; configure TLS in your service instead",
                ));
            }
            Some(make) => Either::Right(make(self.connect_timeout)),
            None => {
                let mut extra_roots = Vec::new();
                for pem in &self.root_certificates {
                    use rustls_pki_types::pem::PemObject;
                    let certificates = rustls_pki_types::CertificateDer::pem_slice_iter(pem)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|_| {
                            Error::invalid_argument(
                                "root_certificate",
                                "is not a valid PEM certificate",
                            )
                        })?;
                    if certificates.is_empty() {
                        return Err(Error::invalid_argument(
                            "root_certificate",
                            "contains no `BEGIN CERTIFICATE` block",
                        ));
                    }
                    extra_roots.extend(certificates);
                }
                let settings = TlsSettings {
                    identity: self.identity,
                    extra_roots,
                };
                Either::Left(Connector::new(
                    settings,
                    self.connect_timeout,
                    self.pool_idle_timeout,
                    retry.connect_retries(),
                    self.attempt_timeout,
                )?)
            }
        };
        let mut auth = AuthLayer::new(&base_url);
        if let Some(source) = self.token_source {
            auth = auth.token_source(source);
        }
        let mut body_limit = BodyLimitLayer::new(self.body_limit);
        if let Some((bytes, per)) = self.min_throughput {
            body_limit = body_limit.min_throughput(bytes, per);
        }
        // One attempt: auth -> attempt timeout -> body limit -> connector.
        let attempt = ServiceBuilder::new()
            .layer(auth)
            .layer(AttemptTimeoutLayer::new(self.attempt_timeout))
            .layer(body_limit)
            .service(connector);
        let attempt: Attempt = if self.attempt_layers.is_empty() {
            Either::Left(attempt)
        } else {
            let mut boxed: HttpService = BoxCloneSyncService::new(attempt);
            for layer in self.attempt_layers {
                boxed = layer(boxed);
            }
            Either::Right(boxed)
        };
        // The operation: trace -> operation deadline -> retry -> (each attempt).
        let operation = ServiceBuilder::new()
            .layer(TraceLayer::new(provider.clone()))
            .layer(OperationDeadlineLayer::new(self.operation_timeout))
            .layer(retry)
            .service(attempt);
        let service: Stack = if self.layers.is_empty() {
            Either::Left(operation)
        } else {
            let mut boxed: HttpService = BoxCloneSyncService::new(operation);
            for layer in self.layers {
                boxed = layer(boxed);
            }
            Either::Right(boxed)
        };
        Ok(Client {
            inner: Arc::new(ClientInner {
                base_url,
                provider,
                user_agent,
                attempt_timeout: self.attempt_timeout,
                body_limit: self.body_limit,
                read_problem: self.read_problem,
                service,
                meta_in_extensions,
            }),
        })
    }
}
