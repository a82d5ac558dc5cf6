//! The minimal server of the `overhead` group, in a child process of its own: hyper 1 over
//! HTTP/1.1 on one thread, answering every GET with the same small PayEx account and every
//! other request (the POST) with `204 No Content` once its body is read.
//!
//! The child is this same binary, run as `mypages-bench serve-account`. It prints its base
//! URL on stdout and stops when its stdin closes, so it never outlives the benchmark.

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;

/// The account every GET is answered with: 460 bytes of the fields a PayEx account has
/// (`mypages_models::payex::Account`), with seven amounts and dates to decode.
pub(crate) const ACCOUNT: &str = concat!(
    r#"{"@id":"/ledger/account/v1/501/accounts/6000001","accountNo":"6000001","#,
    r#""startDate":"2025-07-08","description":"Kontokredit","accountProfileType":"kontokredit","#,
    r#""accountAlias":"kontokredit1","customerNo":"100002","status":"Open","#,
    r#""creditLimit":25000.00,"totalBalance":4312.50,"reservedAmount":150.00,"#,
    r#""availableAmount":20537.50,"maxPaymentAmount":9312.50,"#,
    r#""openBill":"/ledger/account/v1/501/accounts/6000001/bills/20261101","#,
    r#""charityDonation":false,"currency":"sek"}"#
);

/// The server child process.
pub(crate) struct AccountServer {
    child: Child,
    base_url: String,
}

impl AccountServer {
    /// Starts the server process and waits until it listens.
    pub(crate) fn start() -> Result<AccountServer, String> {
        let exe = std::env::current_exe()
            .map_err(|e| format!("cannot find the benchmark binary to start the server: {e}"))?;
        let mut child = Command::new(exe)
            .arg("serve-account")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the server process: {e}"))?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            BufReader::new(stdout)
                .read_line(&mut line)
                .map_err(|e| format!("the server process did not report its address: {e}"))?;
        }
        let base_url = line.trim().to_owned();
        if !base_url.starts_with("http://127.0.0.1:") {
            return Err(format!(
                "the server process did not start (it printed {base_url:?}); see its error above"
            ));
        }
        Ok(AccountServer { child, base_url })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for AccountServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The child's side: serves on 127.0.0.1 (a free port) until stdin closes.
pub(crate) fn serve() -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a Tokio runtime: {e}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("no local address: {e}"))?;
        println!("http://{address}");
        let stdin_closed = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        });
        let accept = async {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), hyper::service::service_fn(answer))
                        .await;
                });
            }
        };
        tokio::select! {
            _ = stdin_closed => Ok(()),
            () = accept => Ok(()),
        }
    })
}

async fn answer(request: http::Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = request.method().clone();
    // Read the whole request body, as a real server would before answering.
    let _ = request.into_body().collect().await;
    let mut response = if method == Method::GET {
        let mut response = Response::new(Full::new(Bytes::from_static(ACCOUNT.as_bytes())));
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        response
    } else {
        Response::new(Full::new(Bytes::new()))
    };
    if method != Method::GET {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    Ok(response)
}
