//! The HTTP server: one listener, the three providers nested under `/avarda`, `/payex` and
//! `/p4p`, the admin routes under `/_admin`, and connections that a fault can drop.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::Connected;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{delete, get};
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::faults::{self, FaultLayerState, FaultTable, Provider};
use crate::{avarda, p4p, payex};

/// Everything the routes share: each provider's state and the fault rules. No `Debug`: the
/// state holds tokens.
pub(crate) struct Shared {
    pub(crate) avarda: Mutex<avarda::State>,
    pub(crate) payex: Mutex<payex::State>,
    pub(crate) p4p: Mutex<p4p::State>,
    pub(crate) faults: Mutex<FaultTable>,
    /// The address the server listens on, for absolute links when a request has no `Host`.
    pub(crate) addr: SocketAddr,
    /// How long Avarda partner tokens live.
    pub(crate) avarda_token_lifetime: Duration,
    /// Whether Avarda's accounts list answers one object instead of an array.
    pub(crate) avarda_accounts_as_object: bool,
    /// Whether PayEx problems use lowercase keys and a path-style type.
    pub(crate) payex_lowercase_problems: bool,
    /// The day taken as today, when fixed by the builder.
    pub(crate) today: Option<time::Date>,
}

/// Locks a mutex; a panic elsewhere cannot poison the sandbox's state for good, since every
/// critical section leaves the state consistent before anything that can fail.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// The day the sandbox takes as today.
    pub(crate) fn today(&self) -> time::Date {
        self.today
            .unwrap_or_else(|| time::OffsetDateTime::now_utc().date())
    }

    /// `http://HOST` of a request (its `Host` header, else the listening address).
    pub(crate) fn origin(&self, headers: &HeaderMap) -> String {
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .filter(|host| !host.is_empty() && host.bytes().all(|b| b.is_ascii_graphic()))
            .map_or_else(|| self.addr.to_string(), str::to_owned);
        format!("http://{host}")
    }
}

/// An error answer in the provider's own format (used for injected faults and fallbacks).
pub(crate) fn provider_error(provider: Provider, status: StatusCode, detail: &str) -> Response {
    match provider {
        Provider::Avarda => avarda::error(status, detail),
        Provider::Payex => payex::problem_for_status(status, detail),
        Provider::P4p => p4p::error_for_status(status, detail),
    }
}

/// Builds the whole application.
pub(crate) fn app(shared: Arc<Shared>) -> Router {
    let with_faults = |router: Router, provider: Provider| {
        router
            .layer(axum::middleware::from_fn_with_state(provider, limit_body))
            .layer(axum::middleware::from_fn_with_state(
                FaultLayerState {
                    shared: shared.clone(),
                    provider,
                },
                faults::apply_faults,
            ))
    };
    let admin = Router::new()
        .route(
            "/faults",
            get(faults::list_faults)
                .post(faults::add_fault)
                .delete(faults::clear_faults),
        )
        .route("/faults/{id}", delete(faults::remove_fault))
        .fallback(faults::admin_not_found)
        .with_state(shared.clone());
    Router::new()
        .nest(
            "/avarda",
            with_faults(avarda::router(shared.clone()), Provider::Avarda),
        )
        .nest(
            "/payex",
            with_faults(payex::router(shared.clone()), Provider::Payex),
        )
        .nest(
            "/p4p",
            with_faults(p4p::router(shared.clone()), Provider::P4p),
        )
        .nest("/_admin", admin)
        .fallback(root_not_found)
}

/// The largest request body the sandbox reads.
const MAX_BODY: usize = 1024 * 1024;

/// Reads the request body up front, so a body that is too large or breaks off is answered
/// in the provider's own error format (not a plain-text rejection).
async fn limit_body(State(provider): State<Provider>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return provider_error(
            provider,
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than 1 MiB",
        );
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => provider_error(
            provider,
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than 1 MiB or could not be read",
        ),
    }
}

async fn root_not_found() -> Response {
    crate::wire::json(
        StatusCode::NOT_FOUND,
        &serde_json::json!({
            "error": "unknown sandbox route; the providers are served under /avarda, /payex and /p4p",
        }),
    )
}

/// What the server knows about one connection: the switch that drops it.
#[derive(Clone, Debug)]
pub(crate) struct ConnInfo {
    /// Set to make every further read and write on the connection fail, which closes it.
    pub(crate) kill: Arc<AtomicBool>,
}

impl Connected<IncomingStream<'_, SandboxListener>> for ConnInfo {
    fn connect_info(stream: IncomingStream<'_, SandboxListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP listener whose connections a fault rule can drop.
pub(crate) struct SandboxListener {
    pub(crate) inner: TcpListener,
}

impl Listener for SandboxListener {
    type Io = KillableStream;
    type Addr = ConnInfo;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, _remote)) => {
                    let _ = stream.set_nodelay(true);
                    let kill = Arc::new(AtomicBool::new(false));
                    return (
                        KillableStream {
                            inner: stream,
                            kill: kill.clone(),
                        },
                        ConnInfo { kill },
                    );
                }
                // Out of file descriptors and the like: wait and try again.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()?;
        Ok(ConnInfo {
            kill: Arc::new(AtomicBool::new(false)),
        })
    }
}

/// A TCP stream that fails every operation once its switch is set.
pub(crate) struct KillableStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

impl KillableStream {
    fn killed(&self) -> bool {
        self.kill.load(Ordering::SeqCst)
    }
}

fn dropped() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionReset,
        "connection dropped by a sandbox fault rule",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
