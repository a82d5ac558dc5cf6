//! The innermost service: hyper 1 over hyper-rustls, and the TLS configuration.

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http::uri::{Authority, Scheme};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tower::Service;

use crate::base_url::is_loopback;
use crate::error::{BoxError, Error, Phase, TimeoutKind};
use crate::stack::ResponseBody;
use crate::stack::retry::ConnectRetries;
use crate::token::BoxFuture;

/// A client certificate and its private key, for mutual TLS (PayEx issues one per tenant).
///
/// `Debug` never shows the key.
pub struct Identity {
    certificates: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Identity {
    /// Reads a PEM certificate chain (leaf first) and a PEM private key (PKCS#8, PKCS#1 or
    /// SEC1).
    pub fn from_pem(certificate_pem: &[u8], key_pem: &[u8]) -> Result<Identity, Error> {
        let certificates = CertificateDer::pem_slice_iter(certificate_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                Error::invalid_argument(
                    "identity certificate",
                    "is not a valid PEM certificate chain",
                )
            })?;
        if certificates.is_empty() {
            return Err(Error::invalid_argument(
                "identity certificate",
                "contains no `BEGIN CERTIFICATE` block",
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|_| {
            Error::invalid_argument(
                "identity key",
                "is not a PEM private key (PKCS#8, PKCS#1 or SEC1)",
            )
        })?;
        Ok(Identity { certificates, key })
    }
}

impl Clone for Identity {
    fn clone(&self) -> Identity {
        Identity {
            certificates: self.certificates.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("certificates", &self.certificates.len())
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// The TLS settings of the connector.
pub(crate) struct TlsSettings {
    pub(crate) identity: Option<Identity>,
    pub(crate) extra_roots: Vec<CertificateDer<'static>>,
}

fn root_store(extra: Vec<CertificateDer<'static>>) -> Result<RootCertStore, Error> {
    let mut roots = RootCertStore::empty();
    #[cfg(feature = "native-roots")]
    {
        let loaded = rustls_native_certs::load_native_certs();
        let (added, _) = roots.add_parsable_certificates(loaded.certs);
        if added == 0 {
            return Err(Error::invalid_argument(
                "native-roots",
                "no usable root certificate was found in the operating system's store; install the CA certificates or build without the `native-roots` feature",
            ));
        }
    }
    #[cfg(not(feature = "native-roots"))]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for certificate in extra {
        roots.add(certificate).map_err(|error| {
            Error::invalid_argument(
                "root_certificate",
                format_args!("is not a usable CA certificate ({error})"),
            )
        })?;
    }
    Ok(roots)
}

fn tls_config(settings: TlsSettings) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| Error::invalid_argument("tls", error))?
        .with_root_certificates(root_store(settings.extra_roots)?);
    match settings.identity {
        Some(identity) => builder
            .with_client_auth_cert(identity.certificates, identity.key)
            .map_err(|error| {
                Error::invalid_argument(
                    "identity",
                    format_args!("the certificate and key do not form a usable identity ({error})"),
                )
            }),
        None => Ok(builder.with_no_client_auth()),
    }
}

/// Establishes connections: each try bounded as a whole (DNS, TCP and the TLS handshake;
/// elapsing is an `io::ErrorKind::TimedOut` error, which [`classify_hyper`] reports as a
/// connect timeout), and a failed try retried by the client's retry policy. Connecting
/// again here, where hyper-util holds the request until it has a connection, is what lets
/// a request that may not be sent twice go without a copy: nothing was sent while connects
/// fail.
#[derive(Clone)]
pub(crate) struct ConnectTimeout<C> {
    inner: C,
    timeout: Duration,
    retries: ConnectRetries,
    /// The attempt timeout: no try starts that it could cut short, so connecting ends in a
    /// connect error (nothing sent) rather than an attempt timeout (maybe sent).
    attempt_timeout: Duration,
}

impl<C> Service<Uri> for ConnectTimeout<C>
where
    C: Service<Uri> + Clone + Send + 'static,
    C::Error: Into<BoxError>,
    C::Future: Send + 'static,
    C::Response: Send,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<C::Response, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let first = self.inner.call(uri.clone());
        let mut inner = self.inner.clone();
        let (timeout, attempt_timeout) = (self.timeout, self.attempt_timeout);
        let retries = self.retries.clone();
        Box::pin(async move {
            let started = tokio::time::Instant::now();
            let mut result = connect_within(timeout, first).await;
            let (mut tried, mut spent) = (1, 0);
            loop {
                let error = match result {
                    Ok(connection) => {
                        retries.refund(spent);
                        return Ok(connection);
                    }
                    Err(error) => error,
                };
                let Some((delay, cost)) = retries.next(tried, has_timed_out(&*error)) else {
                    return Err(error);
                };
                if started.elapsed() + delay + timeout > attempt_timeout {
                    retries.refund(cost);
                    tracing::debug!(tried, "no time left in the attempt; not connecting again");
                    return Err(error);
                }
                spent += cost;
                tracing::debug!(
                    tried,
                    delay_ms = delay.as_millis() as u64,
                    "connecting failed; connecting again"
                );
                tokio::time::sleep(delay).await;
                tried += 1;
                let ready = tower::ServiceExt::ready(&mut inner)
                    .await
                    .map_err(Into::into)?;
                result = connect_within(timeout, ready.call(uri.clone())).await;
            }
        })
    }
}

/// One connect, bounded by `timeout`.
async fn connect_within<F, T, E>(timeout: Duration, connecting: F) -> Result<T, BoxError>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    match tokio::time::timeout(timeout, connecting).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(Box::new(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "establishing the connection (DNS, TCP, TLS) timed out",
        ))),
    }
}

type Https = HttpsConnector<HttpConnector>;

/// The default connector service: hyper-util's pooled client over hyper-rustls, shared
/// behind one `Arc` (a clone is one increment).
#[derive(Clone)]
pub(crate) struct Connector {
    client: Arc<HyperClient<ConnectTimeout<Https>, Full<Bytes>>>,
    connect_timeout: Duration,
}

impl Connector {
    pub(crate) fn new(
        settings: TlsSettings,
        connect_timeout: Duration,
        pool_idle_timeout: Duration,
        retries: ConnectRetries,
        attempt_timeout: Duration,
    ) -> Result<Connector, Error> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls_config(settings)?)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(pool_idle_timeout)
            .pool_timer(TokioTimer::new())
            .build(ConnectTimeout {
                inner: https,
                timeout: connect_timeout,
                retries,
                attempt_timeout,
            });
        Ok(Connector {
            client: Arc::new(client),
            connect_timeout,
        })
    }
}

impl Service<http::Request<Bytes>> for Connector {
    type Response = http::Response<ResponseBody>;
    type Error = Error;
    type Future = ConnectorFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        if let Err(refused) = refuse_plain_http(&request) {
            return ConnectorFuture {
                inner: Err(Some(refused)),
                authority: None,
                connect_timeout: self.connect_timeout,
            };
        }
        let authority = request.uri().authority().cloned();
        ConnectorFuture {
            inner: Ok(self.client.request(request.map(Full::new))),
            authority,
            connect_timeout: self.connect_timeout,
        }
    }
}

/// The future of [`Connector`]: hyper-util's response (or the refusal of a request that
/// must not be sent), its errors classified.
pub(crate) struct ConnectorFuture {
    inner: Result<hyper_util::client::legacy::ResponseFuture, Option<Error>>,
    /// Where the request goes, for a connect error's message.
    authority: Option<http::uri::Authority>,
    connect_timeout: Duration,
}

impl Future for ConnectorFuture {
    type Output = Result<http::Response<ResponseBody>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (hyper-util's future is boxed).
        let this = self.get_mut();
        let response = match &mut this.inner {
            Ok(future) => ready!(Pin::new(future).poll(cx)),
            Err(refused) => {
                return Poll::Ready(Err(refused.take().unwrap_or_else(|| {
                    Error::invalid_argument("request", "was polled after it was refused")
                })));
            }
        };
        Poll::Ready(match response {
            Ok(response) => Ok(response.map(ResponseBody::incoming)),
            Err(error) => {
                let authority = this
                    .authority
                    .as_ref()
                    .map_or_else(|| "the provider".to_owned(), ToString::to_string);
                let error = classify_hyper(error, this.connect_timeout, &authority);
                // Connects are retried by `ConnectTimeout`, not again by the retry layer.
                Err(if error.phase() == Phase::Connect {
                    error.with_connects_retried()
                } else {
                    error
                })
            }
        })
    }
}

/// Maps a hyper-util client error to our kinds: connect (nothing sent), connect timeout, or
/// transport (the request may have been sent).
pub(crate) fn classify_hyper(
    error: hyper_util::client::legacy::Error,
    connect_timeout: Duration,
    authority: &str,
) -> Error {
    if error.is_connect() {
        if has_timed_out(&error) {
            Error::timeout(TimeoutKind::Connect, connect_timeout).with_source(Box::new(error))
        } else {
            Error::connect(Box::new(error), authority)
        }
    } else {
        Error::transport(Box::new(error))
    }
}

fn has_timed_out(error: &(dyn StdError + 'static)) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(cause) = current {
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        current = cause.source();
    }
    false
}

/// Maps the error of a user-supplied inner service.
pub(crate) fn classify_boxed(error: BoxError, connect_timeout: Duration, authority: &str) -> Error {
    match error.downcast::<hyper_util::client::legacy::Error>() {
        Ok(hyper) => classify_hyper(*hyper, connect_timeout, authority),
        Err(other) => Error::from_boxed(other),
    }
}

/// Refuses a request over plain `http` to a host that is not loopback, whoever built it
/// (a link, a layer): a bearer token or personal data must not travel in clear.
pub(crate) fn refuse_plain_http<B>(request: &http::Request<B>) -> Result<(), Error> {
    let uri = request.uri();
    if uri.scheme() == Some(&Scheme::HTTPS) {
        return Ok(());
    }
    let host = uri.authority().map_or("", host_of);
    if uri.scheme() == Some(&Scheme::HTTP) && is_loopback(host) {
        return Ok(());
    }
    Err(Error::invalid_argument(
        "url",
        format_args!(
            "`{}://{host}` is refused: plain http is allowed only for loopback hosts; use https",
            uri.scheme_str().unwrap_or("(none)")
        ),
    ))
}

/// The host of `authority`, as [`Authority::host`] finds it, in one pass over its bytes when
/// it has no user info and no IPv6 literal (`host` or `host:port`, as the client makes
/// them), where `Authority::host`'s searches cost a loopback call more than the rest of
/// this check.
fn host_of(authority: &Authority) -> &str {
    let text = authority.as_str();
    // Outside user info and brackets, `http` accepts one `:` at most (before the port).
    let mut colon = None;
    for (i, byte) in text.bytes().enumerate() {
        match byte {
            b'@' | b'[' => return authority.host(),
            b':' => colon = Some(i),
            _ => {}
        }
    }
    colon.map_or(text, |i| &text[..i])
}

/// The `host:port` a request goes to, for error messages (never a path or query).
pub(crate) fn authority_of<B>(request: &http::Request<B>) -> String {
    request
        .uri()
        .authority()
        .map_or_else(|| "the provider".to_owned(), |a| a.to_string())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_host_is_found_as_http_finds_it() {
        for text in [
            "127.0.0.1:8080",
            "localhost",
            "example.com:443",
            "user:secret@example.com:80",
            "user@127.0.0.1",
            "[::1]:443",
            "[::1]",
        ] {
            let authority: Authority = text.parse().unwrap();
            assert_eq!(host_of(&authority), authority.host(), "{text}");
        }
    }

    proptest! {
        #[test]
        fn any_authority_has_the_host_http_finds(text in "[a1.:@\\[\\]%-]{0,16}") {
            if let Ok(authority) = text.parse::<Authority>() {
                prop_assert_eq!(host_of(&authority), authority.host());
            }
        }
    }
}
