//! Mutual TLS as PayEx requires it: an HTTPS server on 127.0.0.1 that only accepts clients
//! presenting a certificate signed by its CA; the client configured with
//! `identity_pem` gets through, one without an identity does not.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions panic like tests do

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use payex_client::{ErrorKind, PayexClient, RetryPolicy, SecretString};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

const CA: &[u8] = include_bytes!("fixtures/tls/ca.pem");
const SERVER_CERT: &[u8] = include_bytes!("fixtures/tls/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("fixtures/tls/server.key");
const CLIENT_CERT: &[u8] = include_bytes!("fixtures/tls/client.pem");
const CLIENT_KEY: &[u8] = include_bytes!("fixtures/tls/client.key");

/// Starts the server; returns its address and the request targets and authorization
/// headers it served.
async fn server() -> (SocketAddr, Arc<Mutex<Vec<(String, String)>>>) {
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(Mutex::new(Vec::new()));
    let log = served.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, log) = (acceptor.clone(), log.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                    let auth = request
                        .headers()
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    log.lock().unwrap().push((request.uri().to_string(), auth));
                    async {
                        let body = r#"{"accountNo":"NNN","customerNo":"456","status":"Open","creditLimit":2000.00,"totalBalance":-1900.0,"currency":"sek"}"#;
                        let response = http::Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(body.as_bytes())))
                            .unwrap();
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (addr, served)
}

fn builder(addr: SocketAddr) -> payex_client::PayexClientBuilder {
    PayexClient::builder()
        .base_url(format!("https://localhost:{}/payex", addr.port()))
        .ledger("501")
        .token(SecretString::from("mtls-token"))
        .transport(|t| t.add_root_certificate(CA).retry(RetryPolicy::never()))
}

#[tokio::test]
async fn the_client_certificate_opens_the_door() {
    let (addr, served) = server().await;
    let payex = builder(addr)
        .identity_pem(CLIENT_CERT, CLIENT_KEY)
        .build()
        .unwrap();
    let account = payex.accounts().get("NNN").await.unwrap();
    assert_eq!(account.credit_limit.unwrap().to_string(), "2000.00");
    let served = served.lock().unwrap().clone();
    assert_eq!(served.len(), 1);
    assert!(
        served[0]
            .0
            .ends_with("/payex/ledger/account/v1/501/accounts/NNN"),
        "{served:?}"
    );
    assert_eq!(served[0].1, "Bearer mtls-token");
}

#[tokio::test]
async fn without_the_client_certificate_nothing_is_served() {
    let (addr, served) = server().await;
    let payex = builder(addr).build().unwrap();
    let error = payex.accounts().get("NNN").await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Connect | ErrorKind::Transient),
        "the handshake is refused: {error:?}"
    );
    assert!(served.lock().unwrap().is_empty());
    assert!(!format!("{error} {error:?}").contains("mtls-token"));
}

#[test]
fn a_key_that_does_not_parse_is_refused_when_building() {
    let error = PayexClient::builder()
        .base_url("https://localhost:1")
        .ledger("501")
        .token(SecretString::from("t"))
        .identity_pem(
            CLIENT_CERT,
            b"-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n",
        )
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert!(error.argument().unwrap().contains("key"), "{error:?}");
    assert!(!error.to_string().contains("not base64"));
}
