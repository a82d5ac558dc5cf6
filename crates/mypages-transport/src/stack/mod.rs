//! The tower stack, outermost first: trace -> operation deadline -> retry -> auth -> attempt
//! timeout -> body limit -> connector.
//!
//! Every stage is a public `tower::Layer` whose service takes an `http::Request<Bytes>`
//! (replayable, so retries and the 401 replay can resend it) carrying a [`RequestMeta`]
//! extension, and returns an `http::Response` or an [`Error`].

pub(crate) mod auth;
pub(crate) mod body_limit;
pub(crate) mod retry;
pub(crate) mod timeout;
pub(crate) mod trace;

pub use auth::{Auth, AuthLayer};
pub use body_limit::{BodyLimit, BodyLimitLayer};
pub use retry::{Retry, RetryLayer};
pub use timeout::{AttemptTimeout, AttemptTimeoutLayer, OperationDeadline, OperationDeadlineLayer};
pub use trace::{Trace, TraceLayer};

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use tower::util::BoxCloneSyncService;

use crate::error::{BoxError, Error};

/// The service type of every layer of the stack.
pub type HttpService =
    BoxCloneSyncService<http::Request<Bytes>, http::Response<ResponseBody>, Error>;

/// What the stack knows about a request, as an `http::Request` extension.
///
/// Layers added with [`ClientBuilder::layer`](crate::ClientBuilder::layer) can read it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RequestMeta {
    /// The endpoint's operation name.
    pub operation: &'static str,
    /// Whether the request may be retried after it may have reached the server.
    pub idempotent: bool,
    /// Whether a 2xx body is streamed to the caller instead of buffered within the limit.
    pub streaming: bool,
}

impl RequestMeta {
    /// The description of a buffered request, for using the layers in your own stack:
    /// insert it with `request.extensions_mut().insert(..)`. Without one, a request counts
    /// as not idempotent.
    pub fn new(operation: &'static str, idempotent: bool) -> RequestMeta {
        RequestMeta {
            operation,
            idempotent,
            streaming: false,
        }
    }
}

/// A response body inside the stack: buffered (within the body limit), or streaming (a
/// download).
pub struct ResponseBody {
    inner: BodyInner,
}

enum BodyInner {
    Buffered(Option<Bytes>),
    Streaming(UnsyncBoxBody<Bytes, BoxError>),
}

impl ResponseBody {
    /// A buffered body.
    pub fn buffered(bytes: Bytes) -> ResponseBody {
        ResponseBody {
            inner: BodyInner::Buffered(Some(bytes)),
        }
    }

    /// A streaming body over any `http_body::Body`.
    pub fn streaming<B>(body: B) -> ResponseBody
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        ResponseBody {
            inner: BodyInner::Streaming(UnsyncBoxBody::new(body.map_err(Into::into))),
        }
    }

    /// This body held to a minimum throughput (a buffered body has nothing left to wait for).
    pub(crate) fn guarded(self, min_bytes: u64, per: std::time::Duration) -> ResponseBody {
        match self.inner {
            BodyInner::Streaming(body) => ResponseBody {
                inner: BodyInner::Streaming(UnsyncBoxBody::new(body_limit::MinThroughput::new(
                    body, min_bytes, per,
                ))),
            },
            buffered => ResponseBody { inner: buffered },
        }
    }

    /// The buffered bytes, if this body was buffered (taken once).
    pub(crate) fn take_buffered(&mut self) -> Option<Bytes> {
        match &mut self.inner {
            BodyInner::Buffered(bytes) => bytes.take(),
            BodyInner::Streaming(_) => None,
        }
    }

    /// Reads the body up to `limit` bytes. With `truncate`, a longer body is cut at the
    /// limit; otherwise it is an [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) error.
    pub(crate) async fn collect_limited(
        self,
        limit: usize,
        truncate: bool,
    ) -> Result<Bytes, Error> {
        let mut body = match self.inner {
            BodyInner::Buffered(bytes) => {
                let bytes = bytes.unwrap_or_default();
                return if bytes.len() <= limit {
                    Ok(bytes)
                } else if truncate {
                    Ok(bytes.slice(..limit))
                } else {
                    Err(Error::body_too_large(limit))
                };
            }
            BodyInner::Streaming(body) => body,
        };
        let mut collected = bytes::BytesMut::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(Error::from_boxed)?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if collected.len() + data.len() > limit {
                if truncate {
                    let room = limit - collected.len();
                    collected.extend_from_slice(&data[..room]);
                    break;
                }
                return Err(Error::body_too_large(limit));
            }
            collected.extend_from_slice(&data);
        }
        Ok(collected.freeze())
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        match &mut self.get_mut().inner {
            BodyInner::Buffered(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            BodyInner::Streaming(body) => Pin::new(body)
                .poll_frame(cx)
                .map(|frame| frame.map(|result| result.map_err(Error::from_boxed))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            BodyInner::Buffered(bytes) => bytes.is_none(),
            BodyInner::Streaming(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            BodyInner::Buffered(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            BodyInner::Buffered(None) => SizeHint::with_exact(0),
            BodyInner::Streaming(body) => body.size_hint(),
        }
    }
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            BodyInner::Buffered(bytes) => f
                .debug_struct("ResponseBody")
                .field("buffered_len", &bytes.as_ref().map_or(0, Bytes::len))
                .finish(),
            BodyInner::Streaming(_) => f.write_str("ResponseBody(streaming)"),
        }
    }
}

pub(crate) fn meta_of<B>(request: &http::Request<B>) -> RequestMeta {
    request
        .extensions()
        .get::<RequestMeta>()
        .cloned()
        .unwrap_or(RequestMeta {
            operation: "request",
            idempotent: false,
            streaming: false,
        })
}
