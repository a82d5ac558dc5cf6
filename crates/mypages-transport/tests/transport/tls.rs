//! TLS through rustls: extra roots, and client certificates for mutual TLS (PayEx).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use mypages_transport::{Identity, RetryPolicy};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;

use crate::support::{Call, Logs, builder};

const CA: &[u8] = include_bytes!("../fixtures/tls/ca.pem");
const SERVER_CERT: &[u8] = include_bytes!("../fixtures/tls/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("../fixtures/tls/server.key");
const CLIENT_CERT: &[u8] = include_bytes!("../fixtures/tls/client.pem");
const CLIENT_KEY: &[u8] = include_bytes!("../fixtures/tls/client.key");

/// An HTTPS server on 127.0.0.1 that requires a client certificate signed by the test CA;
/// counts the requests that got through.
async fn mutual_tls_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let (addr, _connections, served) = flaky_mutual_tls_server(|_| false).await;
    (addr, served)
}

/// [`mutual_tls_server`] that closes the connections `refuse` picks (by their index, from
/// 0) before the TLS handshake, a connect error for the client, and every other one after
/// its first answer; counts the connections too.
async fn flaky_mutual_tls_server(
    refuse: impl Fn(usize) -> bool + Send + 'static,
) -> (SocketAddr, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(CA).unwrap())
        .unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            CertificateDer::pem_slice_iter(SERVER_CERT)
                .collect::<Result<Vec<_>, _>>()
                .unwrap(),
            PrivateKeyDer::from_pem_slice(SERVER_KEY).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let connections = Arc::new(AtomicUsize::new(0));
    let connected = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            if refuse(connected.fetch_add(1, Ordering::SeqCst)) {
                drop(stream);
                continue;
            }
            let acceptor = acceptor.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service = service_fn(move |_request: http::Request<hyper::body::Incoming>| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    async {
                        let mut response =
                            http::Response::new(Full::new(Bytes::from_static(b"{\"tls\":true}")));
                        response.headers_mut().insert(
                            http::header::CONNECTION,
                            http::HeaderValue::from_static("close"),
                        );
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (addr, connections, served)
}

#[tokio::test]
async fn mutual_tls_with_a_client_certificate() {
    let (addr, served) = mutual_tls_server().await;
    let url = format!("https://localhost:{}", addr.port());
    let client = builder(&url)
        .add_root_certificate(CA)
        .identity(Identity::from_pem(CLIENT_CERT, CLIENT_KEY).unwrap())
        .build()
        .unwrap();
    let value = client.execute(&Call::get("/x")).await.unwrap();
    assert_eq!(value, serde_json::json!({"tls": true}));
    assert_eq!(served.load(Ordering::SeqCst), 1);

    // Without the client certificate the server refuses the connection.
    let anonymous = builder(&url)
        .add_root_certificate(CA)
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    anonymous.execute(&Call::get("/x")).await.unwrap_err();
    assert_eq!(served.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unknown_server_certificate_is_a_connect_error() {
    let (addr, served) = mutual_tls_server().await;
    let client = builder(&format!("https://localhost:{}", addr.port()))
        .identity(Identity::from_pem(CLIENT_CERT, CLIENT_KEY).unwrap())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_failed_to_connect(&error);
    assert_eq!(served.load(Ordering::SeqCst), 0);
}

/// `error` is a connect error: nothing was sent.
fn assert_failed_to_connect(error: &mypages_transport::Error) {
    assert_eq!(
        error.kind(),
        mypages_transport::ErrorKind::Connect,
        "{error}"
    );
    assert!(!error.may_have_reached_server());
}

/// A client of `addr` over mutual TLS, with the tests' quick retries.
fn mutual_tls_client(addr: SocketAddr) -> mypages_transport::Client {
    builder(&format!("https://localhost:{}", addr.port()))
        .add_root_certificate(CA)
        .identity(Identity::from_pem(CLIENT_CERT, CLIENT_KEY).unwrap())
        .build()
        .unwrap()
}

// A request waits in the connection pool while its connect is retried: it is sent once,
// in one attempt, however it was made.

#[tokio::test]
async fn a_post_waits_while_failed_connects_are_retried_and_is_sent_once() {
    let (addr, connections, served) = flaky_mutual_tls_server(|n| n < 2).await;
    let client = mutual_tls_client(addr);
    let (logs, _guard) = Logs::capture();
    let value = client
        .execute(&Call::post("/orders", serde_json::json!({})))
        .await
        .unwrap();
    assert_eq!(value, serde_json::json!({"tls": true}));
    assert_eq!(connections.load(Ordering::SeqCst), 3);
    assert_eq!(served.load(Ordering::SeqCst), 1);
    assert_eq!(logs.last_attempts(), Some(1));
    assert_eq!(logs.text().matches("connecting again").count(), 2);
}

#[tokio::test]
async fn connects_are_tried_as_often_as_the_policy_allows_attempts() {
    let (addr, connections, served) = flaky_mutual_tls_server(|n| n < 3).await;
    let client = mutual_tls_client(addr);
    let (logs, _guard) = Logs::capture();
    let error = client.execute(&Call::get("/x")).await.unwrap_err();
    assert_failed_to_connect(&error);
    // The retry layer does not retry what the connector has: three connects, not nine,
    // although a GET could be sent again.
    assert_eq!(connections.load(Ordering::SeqCst), 3);
    assert_eq!(served.load(Ordering::SeqCst), 0);
    assert_eq!(logs.last_attempts(), Some(1));

    // The fourth connection is served.
    let value = client
        .execute(&Call::post("/orders", serde_json::json!({})))
        .await
        .unwrap();
    assert_eq!(value, serde_json::json!({"tls": true}));
    assert_eq!(connections.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_connect_that_succeeds_after_retries_gives_their_budget_back() {
    // Each call's first two connections are refused (each answer closes its connection).
    let (addr, connections, served) = flaky_mutual_tls_server(|n| n % 3 != 2).await;
    // Room for two retries (5 tokens each), as the first call leaves it if it gives back.
    let client = builder(&format!("https://localhost:{}", addr.port()))
        .add_root_certificate(CA)
        .identity(Identity::from_pem(CLIENT_CERT, CLIENT_KEY).unwrap())
        .retry(crate::support::fast_retries().budget(10))
        .build()
        .unwrap();
    for _ in 0..2 {
        client
            .execute(&Call::post("/orders", serde_json::json!({})))
            .await
            .unwrap();
    }
    assert_eq!(connections.load(Ordering::SeqCst), 6);
    assert_eq!(served.load(Ordering::SeqCst), 2);
}

#[test]
fn bad_identities_are_refused_with_the_argument_named() {
    let error = Identity::from_pem(b"not pem", CLIENT_KEY).unwrap_err();
    assert_eq!(error.argument(), Some("identity certificate"));
    let error = Identity::from_pem(CLIENT_CERT, b"not pem").unwrap_err();
    assert_eq!(error.argument(), Some("identity key"));
    let error = mypages_transport::Client::builder()
        .provider("p")
        .base_url("https://localhost")
        .add_root_certificate(b"not pem".to_vec())
        .build()
        .unwrap_err();
    assert_eq!(error.argument(), Some("root_certificate"));
}

#[test]
fn identity_debug_counts_the_certificates_and_hides_the_key() {
    let identity = Identity::from_pem(CLIENT_CERT, CLIENT_KEY).unwrap();
    assert_eq!(
        format!("{:?}", identity.clone()),
        r#"Identity { certificates: 1, key: "[REDACTED]" }"#
    );
}
