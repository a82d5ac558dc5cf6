//! The tower stack, outermost first: trace -> operation deadline -> retry -> auth -> attempt
//! timeout -> body limit -> connector.
//!
//! Every stage is a public `tower::Layer` whose service takes an `http::Request<Bytes>`
//! (replayable, so retries and the 401 replay can resend it) carrying a [`RequestMeta`]
//! extension, and returns an `http::Response` or an [`Error`]. In the client's own stack,
//! with no layer or service of the merchant's in it, the metadata is handed down beside
//! the request instead (see [`meta`]).

pub(crate) mod auth;
pub(crate) mod body_limit;
pub(crate) mod meta;
pub(crate) mod retry;
pub(crate) mod timeout;
pub(crate) mod trace;

pub use auth::{Auth, AuthFuture, AuthLayer};
pub use body_limit::{BodyLimit, BodyLimitFuture, BodyLimitLayer};
pub use meta::RequestMeta;
pub use retry::{Retry, RetryFuture, RetryLayer};
pub use timeout::{
    AttemptTimeout, AttemptTimeoutFuture, AttemptTimeoutLayer, OperationDeadline,
    OperationDeadlineFuture, OperationDeadlineLayer,
};
pub use trace::{Trace, TraceFuture, TraceLayer};

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use pin_project_lite::pin_project;
use tower::util::BoxCloneSyncService;

use crate::error::{BoxError, Error};

/// The service type of every layer of the stack.
pub type HttpService =
    BoxCloneSyncService<http::Request<Bytes>, http::Response<ResponseBody>, Error>;

/// A response body inside the stack: buffered (within the body limit), or streaming (a
/// download).
pub struct ResponseBody {
    inner: BodyInner,
}

enum BodyInner {
    Buffered(Option<Bytes>),
    Streaming {
        body: Stream,
        /// The minimum throughput the body is held to, if any.
        guard: Option<body_limit::Throughput>,
    },
}

/// A streaming body: hyper's own (the built-in connector's, not boxed again), or any other.
enum Stream {
    Hyper(hyper::body::Incoming),
    Boxed(UnsyncBoxBody<Bytes, BoxError>),
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
            inner: BodyInner::Streaming {
                body: Stream::Boxed(UnsyncBoxBody::new(body.map_err(Into::into))),
                guard: None,
            },
        }
    }

    /// The body of a response of the built-in connector.
    pub(crate) fn incoming(body: hyper::body::Incoming) -> ResponseBody {
        ResponseBody {
            inner: BodyInner::Streaming {
                body: Stream::Hyper(body),
                guard: None,
            },
        }
    }

    /// This body held to a minimum throughput (a buffered body has nothing left to wait for).
    pub(crate) fn guarded(mut self, min_bytes: u64, per: std::time::Duration) -> ResponseBody {
        if let BodyInner::Streaming { guard, .. } = &mut self.inner {
            *guard = Some(body_limit::Throughput::new(min_bytes, per));
        }
        self
    }

    /// Counts `len` bytes as already received under this body's throughput guard, if any.
    pub(crate) fn count_received(&mut self, len: usize) {
        if let BodyInner::Streaming {
            guard: Some(guard), ..
        } = &mut self.inner
        {
            guard.received(len);
        }
    }

    /// The buffered bytes, if this body was buffered (taken once), held to `limit` as
    /// [`ResponseBody::collect_limited`] holds a streamed body: a buffered body may come from
    /// a merchant's layer, not only from ours.
    pub(crate) fn take_buffered(
        &mut self,
        limit: usize,
        truncate: bool,
    ) -> Option<Result<Bytes, Error>> {
        match &mut self.inner {
            BodyInner::Buffered(bytes) => Some(within_limit(bytes.take()?, limit, truncate)),
            BodyInner::Streaming { .. } => None,
        }
    }

    /// Reads the body up to `limit` bytes. With `truncate`, a longer body is cut at the
    /// limit; otherwise it is an [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) error.
    pub(crate) async fn collect_limited(
        mut self,
        limit: usize,
        truncate: bool,
    ) -> Result<Bytes, Error> {
        let mut collected = Collected::default();
        std::future::poll_fn(|cx| self.poll_collect(cx, &mut collected, limit, truncate)).await
    }

    /// Polls the collection of this body into `collected`, up to `limit` bytes (see
    /// [`ResponseBody::collect_limited`]).
    pub(crate) fn poll_collect(
        &mut self,
        cx: &mut Context<'_>,
        collected: &mut Collected,
        limit: usize,
        truncate: bool,
    ) -> Poll<Result<Bytes, Error>> {
        if let BodyInner::Buffered(bytes) = &mut self.inner {
            let bytes = bytes.take().unwrap_or_default();
            return Poll::Ready(within_limit(bytes, limit, truncate));
        }
        loop {
            let frame = match ready!(Pin::new(&mut *self).poll_frame(cx)) {
                None => return Poll::Ready(Ok(collected.take())),
                Some(Err(error)) => return Poll::Ready(Err(error)),
                Some(Ok(frame)) => frame,
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if collected.len() + data.len() > limit {
                if truncate {
                    let room = limit - collected.len();
                    collected.push(data.slice(..room));
                    return Poll::Ready(Ok(collected.take()));
                }
                return Poll::Ready(Err(Error::body_too_large(limit)));
            }
            collected.push(data);
        }
    }
}

/// `bytes` if they fit in `limit`; longer, cut at `limit` with `truncate`, otherwise an
/// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge) error.
fn within_limit(bytes: Bytes, limit: usize, truncate: bool) -> Result<Bytes, Error> {
    if bytes.len() <= limit {
        Ok(bytes)
    } else if truncate {
        Ok(bytes.slice(..limit))
    } else {
        Err(Error::body_too_large(limit))
    }
}

/// What a body collection has gathered: nothing, one chunk (kept as it came, without a
/// copy), or several (copied together).
#[derive(Default)]
pub(crate) enum Collected {
    #[default]
    Empty,
    One(Bytes),
    Many(bytes::BytesMut),
}

impl Collected {
    fn len(&self) -> usize {
        match self {
            Collected::Empty => 0,
            Collected::One(bytes) => bytes.len(),
            Collected::Many(bytes) => bytes.len(),
        }
    }

    fn push(&mut self, data: Bytes) {
        if data.is_empty() {
            return;
        }
        *self = match std::mem::take(self) {
            Collected::Empty => Collected::One(data),
            Collected::One(first) => {
                let mut all = bytes::BytesMut::with_capacity(first.len() + data.len());
                all.extend_from_slice(&first);
                all.extend_from_slice(&data);
                Collected::Many(all)
            }
            Collected::Many(mut all) => {
                all.extend_from_slice(&data);
                Collected::Many(all)
            }
        };
    }

    /// The bytes gathered, leaving this empty.
    fn take(&mut self) -> Bytes {
        match std::mem::take(self) {
            Collected::Empty => Bytes::new(),
            Collected::One(bytes) => bytes,
            Collected::Many(bytes) => bytes.freeze(),
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let (body, guard) = match &mut self.get_mut().inner {
            BodyInner::Buffered(bytes) => {
                return Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b))));
            }
            BodyInner::Streaming { body, guard } => (body, guard),
        };
        let polled = match body {
            Stream::Hyper(body) => Pin::new(body).poll_frame(cx).map(|frame| {
                frame.map(|result| result.map_err(|error| Error::transport(Box::new(error))))
            }),
            Stream::Boxed(body) => Pin::new(body)
                .poll_frame(cx)
                .map(|frame| frame.map(|result| result.map_err(Error::from_boxed))),
        };
        match (polled, guard) {
            (Poll::Ready(Some(Ok(frame))), Some(guard)) => {
                if let Some(data) = frame.data_ref() {
                    guard.received(data.len());
                }
                Poll::Ready(Some(Ok(frame)))
            }
            (Poll::Pending, Some(guard)) => match guard.check(cx) {
                Ok(()) => Poll::Pending,
                Err(error) => Poll::Ready(Some(Err(error))),
            },
            (polled, _) => polled,
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            BodyInner::Buffered(bytes) => bytes.is_none(),
            BodyInner::Streaming {
                body: Stream::Hyper(body),
                ..
            } => body.is_end_stream(),
            BodyInner::Streaming {
                body: Stream::Boxed(body),
                ..
            } => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            BodyInner::Buffered(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            BodyInner::Buffered(None) => SizeHint::with_exact(0),
            BodyInner::Streaming {
                body: Stream::Hyper(body),
                ..
            } => body.size_hint(),
            BodyInner::Streaming {
                body: Stream::Boxed(body),
                ..
            } => body.size_hint(),
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
            BodyInner::Streaming { .. } => f.write_str("ResponseBody(streaming)"),
        }
    }
}

/// An inner service's error as this crate's [`Error`] (kept when it is one).
pub(crate) fn into_error(error: impl Into<BoxError>) -> Error {
    Error::from_boxed(error.into())
}

pin_project! {
    /// The future of a layer that only passes the request on: the inner service's future,
    /// its error made this crate's [`Error`].
    pub(crate) struct PassFuture<F> {
        #[pin]
        inner: F,
    }
}

impl<F> PassFuture<F> {
    pub(crate) fn new(inner: F) -> PassFuture<F> {
        PassFuture { inner }
    }
}

impl<F, T, E> Future for PassFuture<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx).map_err(into_error)
    }
}

/// One of two services with the same requests and responses: the client's own stack, or
/// the same boxed with a user's layers around it (so the stack without user layers is
/// neither boxed nor cloned layer by layer).
#[derive(Clone)]
pub(crate) enum Either<A, B> {
    Left(A),
    Right(B),
}

impl<A, B, R> tower::Service<http::Request<Bytes>> for Either<A, B>
where
    A: tower::Service<http::Request<Bytes>, Response = R>,
    A::Error: Into<BoxError>,
    B: tower::Service<http::Request<Bytes>, Response = R>,
    B::Error: Into<BoxError>,
{
    type Response = R;
    type Error = Error;
    type Future = EitherFuture<A::Future, B::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        match self {
            Either::Left(service) => service.poll_ready(cx).map_err(into_error),
            Either::Right(service) => service.poll_ready(cx).map_err(into_error),
        }
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        match self {
            Either::Left(service) => EitherFuture::Left {
                inner: service.call(request),
            },
            Either::Right(service) => EitherFuture::Right {
                inner: service.call(request),
            },
        }
    }
}

pin_project! {
    /// The future of [`Either`].
    #[project = EitherProj]
    pub(crate) enum EitherFuture<A, B> {
        Left {
            #[pin]
            inner: A,
        },
        Right {
            #[pin]
            inner: B,
        },
    }
}

impl<A, B, T, EA, EB> Future for EitherFuture<A, B>
where
    A: Future<Output = Result<T, EA>>,
    EA: Into<BoxError>,
    B: Future<Output = Result<T, EB>>,
    EB: Into<BoxError>,
{
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            EitherProj::Left { inner } => inner.poll(cx).map_err(into_error),
            EitherProj::Right { inner } => inner.poll(cx).map_err(into_error),
        }
    }
}
