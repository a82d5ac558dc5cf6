//! The body limit layer: buffers response bodies within the configured limit, and holds
//! every body to a minimum throughput.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service, ServiceExt};

use super::{ResponseBody, meta_of};
use crate::error::{BoxError, Error};
use crate::token::BoxFuture;

/// Error bodies are kept up to this many bytes (cut, not refused).
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Buffers 2xx bodies up to a limit (refusing larger ones) unless the request streams (see
/// [`RequestMeta::streaming`](crate::RequestMeta::streaming)), and always buffers non-2xx
/// bodies, cut at 64 KiB, so the retry layer and the API error can use them. With
/// [`BodyLimitLayer::min_throughput`], every body (buffered or streamed) that arrives more
/// slowly than the minimum ends with a
/// [`TimeoutKind::Throughput`](crate::TimeoutKind::Throughput) error. The innermost layer,
/// right above the connector.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimitLayer {
    limit: usize,
    min_throughput: Option<(u64, Duration)>,
}

impl BodyLimitLayer {
    /// Bodies of at most `limit` bytes, without a minimum throughput.
    pub fn new(limit: usize) -> BodyLimitLayer {
        BodyLimitLayer {
            limit,
            min_throughput: None,
        }
    }

    /// At least `bytes` must arrive in every `per` while a body is read (unless it ends).
    pub fn min_throughput(mut self, bytes: u64, per: Duration) -> BodyLimitLayer {
        self.min_throughput = Some((bytes, per));
        self
    }
}

impl<S> Layer<S> for BodyLimitLayer {
    type Service = BodyLimit<S>;

    fn layer(&self, inner: S) -> BodyLimit<S> {
        BodyLimit {
            inner,
            layer: *self,
        }
    }
}

/// The service of [`BodyLimitLayer`].
#[derive(Clone, Debug)]
pub struct BodyLimit<S> {
    inner: S,
    layer: BodyLimitLayer,
}

impl<S> Service<http::Request<Bytes>> for BodyLimit<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<ResponseBody>>
        + Clone
        + Send
        + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Response = http::Response<ResponseBody>;
    type Error = Error;
    type Future = BoxFuture<'static, Result<Self::Response, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let inner = self.inner.clone();
        let BodyLimitLayer {
            limit,
            min_throughput,
        } = self.layer;
        let streaming = meta_of(&request).streaming;
        Box::pin(async move {
            let response = inner
                .oneshot(request)
                .await
                .map_err(|error| Error::from_boxed(error.into()))?;
            let success = response.status().is_success();
            let (parts, mut body) = response.into_parts();
            if let Some((bytes, per)) = min_throughput {
                body = body.guarded(bytes, per);
            }
            if success && streaming {
                return Ok(http::Response::from_parts(parts, body));
            }
            if success {
                let declared = parts
                    .headers
                    .get(http::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                if declared.is_some_and(|len| len > limit as u64) {
                    return Err(Error::body_too_large(limit));
                }
            }
            let bytes = if success {
                body.collect_limited(limit, false).await?
            } else {
                body.collect_limited(ERROR_BODY_LIMIT.min(limit), true)
                    .await?
            };
            Ok(http::Response::from_parts(
                parts,
                ResponseBody::buffered(bytes),
            ))
        })
    }
}

/// A body that fails when fewer than `min_bytes` arrive in a window of `window`.
pub(crate) struct MinThroughput<B> {
    inner: B,
    min_bytes: u64,
    window: Duration,
    received: u64,
    /// The end of the current window; `None` once a window would end past the clock's range.
    timer: Option<Pin<Box<Sleep>>>,
}

impl<B> MinThroughput<B> {
    pub(crate) fn new(inner: B, min_bytes: u64, window: Duration) -> MinThroughput<B> {
        let timer = Instant::now()
            .checked_add(window)
            .map(|end| Box::pin(tokio::time::sleep_until(end)));
        MinThroughput {
            inner,
            min_bytes,
            window,
            received: 0,
            timer,
        }
    }

    /// Checks every window that has ended: an error if one carried too few bytes.
    fn check(&mut self, cx: &mut Context<'_>) -> Result<(), Error> {
        while let Some(timer) = self.timer.as_mut() {
            if timer.as_mut().poll(cx).is_pending() {
                return Ok(());
            }
            if self.received < self.min_bytes {
                self.timer = None;
                return Err(Error::too_slow(self.min_bytes, self.window));
            }
            self.received = 0;
            let next = timer.deadline().checked_add(self.window);
            match next {
                Some(end) => timer.as_mut().reset(end),
                None => self.timer = None,
            }
        }
        Ok(())
    }
}

impl<B> Body for MinThroughput<B>
where
    B: Body<Data = Bytes, Error = BoxError> + Unpin,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received = this.received.saturating_add(data.len() as u64);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other),
            Poll::Pending => match this.check(cx) {
                Ok(()) => Poll::Pending,
                Err(error) => Poll::Ready(Some(Err(Box::new(error)))),
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::{BodyExt, Full};
    use tokio::sync::mpsc;

    /// A body whose chunks arrive when the test sends them.
    struct Chunks(mpsc::UnboundedReceiver<Bytes>);

    impl Body for Chunks {
        type Data = Bytes;
        type Error = BoxError;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
            self.0
                .poll_recv(cx)
                .map(|chunk| chunk.map(|c| Ok(Frame::data(c))))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_that_got_exactly_the_minimum_passes() {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut body = MinThroughput::new(Chunks(rx), 4, Duration::from_secs(1));
        tx.send(Bytes::from_static(b"abcd")).unwrap();
        let frame = body.frame().await.unwrap().unwrap();
        assert_eq!(frame.into_data().unwrap(), "abcd");
        // The first window (to 1 s) got its 4 bytes; nothing more arrives.
        let waiting = tokio::time::timeout(Duration::from_millis(1_500), body.frame()).await;
        assert!(waiting.is_err(), "no error at the end of a full window");
        // The second window (to 2 s) gets nothing: too slow.
        let error = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("the empty window fails")
            .unwrap()
            .unwrap_err();
        let error = error.downcast::<Error>().unwrap();
        assert_eq!(error.timeout_kind(), Some(crate::TimeoutKind::Throughput));
    }

    #[tokio::test(start_paused = true)]
    async fn the_guard_passes_on_the_end_and_the_size_of_the_body() {
        let inner = Full::new(Bytes::from_static(b"abc")).map_err(|never| match never {});
        let mut body = MinThroughput::new(inner, 1, Duration::from_secs(1));
        assert_eq!(body.size_hint().exact(), Some(3));
        assert!(!body.is_end_stream());
        let frame = body.frame().await.unwrap().unwrap();
        assert_eq!(frame.into_data().unwrap(), "abc");
        assert!(body.is_end_stream());
        assert!(body.frame().await.is_none());
    }
}
