//! Small real HTTP servers on 127.0.0.1 for the transport tests.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use mypages_transport::{ClientBuilder, Endpoint, Error, RequestBody, Response, RetryPolicy};
use serde_json::Value;
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) index: usize,
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// A hyper server on 127.0.0.1 that records every request.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    /// Starts a server answering with `handler`.
    pub(crate) async fn start<F, Fut>(handler: F) -> Server
    where
        F: Fn(Seen) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = http::Response<Full<Bytes>>> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let recorded = seen.clone();
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = connections.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                accepted.fetch_add(1, Ordering::SeqCst);
                let handler = handler.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: http::Request<Incoming>| {
                        let handler = handler.clone();
                        let recorded = recorded.clone();
                        async move {
                            let (parts, body) = request.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            let seen = {
                                let mut all = recorded.lock().unwrap();
                                let seen = Seen {
                                    index: all.len(),
                                    method: parts.method,
                                    uri: parts.uri,
                                    headers: parts.headers,
                                    body,
                                };
                                all.push(seen.clone());
                                seen
                            };
                            Ok::<_, Infallible>(handler(seen).await)
                        }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Server {
            addr,
            seen,
            connections,
        }
    }

    /// How many TCP connections the server accepted.
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// A server answering every request with `status` and a JSON `body`.
    pub(crate) async fn fixed(status: u16, body: &'static str) -> Server {
        Server::start(move |_| async move { respond(status, body) }).await
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn hits(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A response with a status and a JSON body.
pub(crate) fn respond(status: u16, body: impl Into<Bytes>) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json")
        .body(Full::new(body.into()))
        .unwrap()
}

/// A raw TCP server that reads one request head per connection and closes the connection
/// without answering: the request reached the server, the answer never came.
pub(crate) async fn hang_up_server() -> (SocketAddr, Arc<AtomicUsize>) {
    raw_server(None).await
}

/// A raw TCP server that writes `reply` and then keeps the connection open, silent.
pub(crate) async fn stalling_server(reply: Vec<u8>) -> SocketAddr {
    raw_server_with(Some(reply), true).await.0
}

/// A raw TCP server that reads one request head per connection, writes `reply` (if any)
/// verbatim, and closes the connection.
pub(crate) async fn raw_server(reply: Option<Vec<u8>>) -> (SocketAddr, Arc<AtomicUsize>) {
    raw_server_with(reply, false).await
}

async fn raw_server_with(reply: Option<Vec<u8>>, hold: bool) -> (SocketAddr, Arc<AtomicUsize>) {
    use tokio::io::AsyncReadExt;
    use tokio::io::AsyncWriteExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 4096];
                let mut read = Vec::new();
                while !read.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read.extend_from_slice(&buffer[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                if let Some(reply) = reply {
                    let _ = stream.write_all(&reply).await;
                    if hold {
                        tokio::time::sleep(Duration::from_secs(10)).await;
                    }
                    let _ = stream.shutdown().await;
                }
                drop(stream);
            });
        }
    });
    (addr, count)
}

/// A raw TCP server that accepts connections and never reads or writes: a TLS handshake
/// (or an HTTP answer) never comes. Returns the address and the number of connections.
pub(crate) async fn silent_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (addr, count)
}

/// A raw HTTP server that answers each request head with `head` and then writes `body`
/// one byte every `gap`, keeping the connection open.
pub(crate) async fn trickle_server(head: &'static str, body: Vec<u8>, gap: Duration) -> SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 4096];
                let mut read = Vec::new();
                while !read.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read.extend_from_slice(&buffer[..n]),
                    }
                }
                let _ = stream.write_all(head.as_bytes()).await;
                for byte in body {
                    tokio::time::sleep(gap).await;
                    if stream.write_all(&[byte]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// A loopback address where nothing listens.
pub(crate) async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// A builder for `url` with tiny retry delays, as every test wants.
pub(crate) fn builder(url: &str) -> ClientBuilder {
    mypages_transport::Client::builder()
        .provider("test")
        .base_url(url)
        .retry(fast_retries())
}

pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
}

/// A JSON endpoint for tests: any method, path and query, optional body.
#[derive(Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Value>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) headers: HeaderMap,
    pub(crate) secret: bool,
}

impl Call {
    pub(crate) fn get(path: &str) -> Call {
        Call {
            method: Method::GET,
            path: path.to_owned(),
            query: Vec::new(),
            body: None,
            idempotent: None,
            headers: HeaderMap::new(),
            secret: false,
        }
    }

    pub(crate) fn post(path: &str, body: Value) -> Call {
        Call {
            method: Method::POST,
            body: Some(body),
            ..Call::get(path)
        }
    }
}

impl Endpoint for Call {
    type Output = Value;

    fn operation(&self) -> &'static str {
        "test_call"
    }

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path(&self) -> Result<String, Error> {
        Ok(self.path.clone())
    }

    fn query(&self) -> Result<Vec<(&'static str, String)>, Error> {
        Ok(self.query.clone())
    }

    fn headers(&self) -> Result<HeaderMap, Error> {
        Ok(self.headers.clone())
    }

    fn body(&self) -> Result<Option<RequestBody>, Error> {
        self.body.as_ref().map(RequestBody::json).transpose()
    }

    fn idempotent(&self) -> bool {
        self.idempotent.unwrap_or(self.method == Method::GET)
    }

    fn secret_output(&self) -> bool {
        self.secret
    }

    fn decode(&self, response: Response) -> Result<Value, Error> {
        if response.body().is_empty() {
            response.empty().map(|()| Value::Null)
        } else {
            response.json()
        }
    }
}

/// Captured tracing output (all levels, span closes included) of the current thread.
///
/// One global subscriber is installed for the whole test binary (thread-local subscribers
/// racing in parallel tests make tracing's callsite cache drop events); it writes into the
/// buffer of the thread that captures, and discards output of other threads.
#[derive(Clone, Default)]
pub(crate) struct Logs(Arc<Mutex<Vec<u8>>>);

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<Logs>> = const { std::cell::RefCell::new(None) };
}

/// Stops capturing on drop.
pub(crate) struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|capture| capture.borrow_mut().take());
    }
}

impl Logs {
    /// Captures the current thread's tracing output until the guard is dropped.
    pub(crate) fn capture() -> (Logs, CaptureGuard) {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(ThreadWriter)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                .with_ansi(false)
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
        });
        let logs = Logs::default();
        CAPTURE.with(|capture| *capture.borrow_mut() = Some(logs.clone()));
        (logs, CaptureGuard)
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// The `attempts` recorded on the last closed operation span.
    pub(crate) fn last_attempts(&self) -> Option<u32> {
        let text = self.text();
        let at = text.rfind("attempts=")?;
        let digits: String = text[at + "attempts=".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }
}

/// Writes into the capturing thread's buffer, if any.
struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|capture| {
            if let Some(logs) = capture.borrow().as_ref() {
                logs.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ThreadWriter {
    type Writer = ThreadWriter;

    fn make_writer(&'a self) -> ThreadWriter {
        ThreadWriter
    }
}
