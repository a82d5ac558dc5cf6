//! The body limit layer: buffers response bodies within the configured limit, and holds
//! every body to a minimum throughput.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use pin_project_lite::pin_project;
use std::future::Future;
use std::task::ready;
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

use super::meta::meta_of;
use super::{Collected, ResponseBody, into_error};
use crate::error::{BoxError, Error};

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
    S: Service<http::Request<Bytes>, Response = http::Response<ResponseBody>>,
    S::Error: Into<BoxError>,
{
    type Response = http::Response<ResponseBody>;
    type Error = Error;
    type Future = BodyLimitFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let streaming = meta_of(&request).streaming;
        BodyLimitFuture {
            inner: self.inner.call(request),
            layer: self.layer,
            streaming,
            collecting: None,
        }
    }
}

pin_project! {
    /// The future of [`BodyLimit`]: the inner service's response, then its buffered body.
    pub struct BodyLimitFuture<F> {
        #[pin]
        inner: F,
        layer: BodyLimitLayer,
        streaming: bool,
        // Set once the inner service answered and its body has to be waited for (boxed:
        // a body that is there at once never needs it, and the future stays small).
        collecting: Option<Box<Collecting>>,
    }
}

/// A response whose body is being buffered.
struct Collecting {
    parts: http::response::Parts,
    body: ResponseBody,
    collected: Collected,
    limit: usize,
    truncate: bool,
    /// The minimum throughput, until the body is held to it: only a body that has to be
    /// waited for needs the clock reading and the timer a guard costs.
    unguarded: Option<(u64, Duration)>,
}

impl<F, E> Future for BodyLimitFuture<F>
where
    F: Future<Output = Result<http::Response<ResponseBody>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<http::Response<ResponseBody>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut collecting = match this.collecting.take() {
            Some(collecting) => *collecting,
            None => {
                let response = ready!(this.inner.poll(cx)).map_err(into_error)?;
                let BodyLimitLayer {
                    limit,
                    min_throughput,
                } = *this.layer;
                let success = response.status().is_success();
                let (parts, mut body) = response.into_parts();
                if success && *this.streaming {
                    if let Some((bytes, per)) = min_throughput {
                        body = body.guarded(bytes, per);
                    }
                    return Poll::Ready(Ok(http::Response::from_parts(parts, body)));
                }
                if success {
                    let declared = parts
                        .headers
                        .get(http::header::CONTENT_LENGTH)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok());
                    if declared.is_some_and(|len| len > limit as u64) {
                        return Poll::Ready(Err(Error::body_too_large(limit)));
                    }
                }
                Collecting {
                    parts,
                    body,
                    collected: Collected::default(),
                    limit: if success {
                        limit
                    } else {
                        ERROR_BODY_LIMIT.min(limit)
                    },
                    truncate: !success,
                    unguarded: min_throughput,
                }
            }
        };
        loop {
            let polled = collecting.body.poll_collect(
                cx,
                &mut collecting.collected,
                collecting.limit,
                collecting.truncate,
            );
            let Poll::Ready(bytes) = polled else {
                // A body that has to be waited for is held to the minimum throughput from
                // here, counting what came at once (the same poll: the body's start); it is
                // polled again so its first window's timer is set.
                if let Some((min_bytes, per)) = collecting.unguarded.take() {
                    let body = std::mem::replace(
                        &mut collecting.body,
                        ResponseBody::buffered(Bytes::new()),
                    );
                    collecting.body = body.guarded(min_bytes, per);
                    collecting.body.count_received(collecting.collected.len());
                    continue;
                }
                *this.collecting = Some(Box::new(collecting));
                return Poll::Pending;
            };
            return Poll::Ready(Ok(http::Response::from_parts(
                collecting.parts,
                ResponseBody::buffered(bytes?),
            )));
        }
    }
}

/// The minimum throughput a body is held to: at least `min_bytes` in every window of
/// `window` from the start of the body, until it ends.
pub(crate) struct Throughput {
    min_bytes: u64,
    window: Duration,
    received: u64,
    /// The end of the current window; `None` once a window would end past the clock's range.
    window_end: Option<Instant>,
    /// The timer of the current window, set the first time the body has to be waited for
    /// (a body that is there at once never needs one).
    timer: Option<Pin<Box<Sleep>>>,
}

impl Throughput {
    pub(crate) fn new(min_bytes: u64, window: Duration) -> Throughput {
        Throughput {
            min_bytes,
            window,
            received: 0,
            window_end: Instant::now().checked_add(window),
            timer: None,
        }
    }

    /// Counts `len` bytes received.
    pub(crate) fn received(&mut self, len: usize) {
        self.received = self.received.saturating_add(len as u64);
    }

    /// Checks every window that has ended, while the body is waited for: an error if one
    /// carried too few bytes.
    pub(crate) fn check(&mut self, cx: &mut Context<'_>) -> Result<(), Error> {
        while let Some(end) = self.window_end {
            let timer = self
                .timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(end)));
            if timer.as_mut().poll(cx).is_pending() {
                return Ok(());
            }
            if self.received < self.min_bytes {
                self.window_end = None;
                return Err(Error::too_slow(self.min_bytes, self.window));
            }
            self.received = 0;
            self.window_end = end.checked_add(self.window);
            if let Some(next) = self.window_end {
                timer.as_mut().reset(next);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::{Body, Frame};
    use http_body_util::BodyExt;
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
        let mut body = ResponseBody::streaming(Chunks(rx)).guarded(4, Duration::from_secs(1));
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
        assert_eq!(error.timeout_kind(), Some(crate::TimeoutKind::Throughput));
    }

    /// The answer of the layer (4 bytes a second at least) over a response whose body's
    /// chunks come when the test sends them.
    fn answer(
        rx: mpsc::UnboundedReceiver<Bytes>,
    ) -> impl Future<Output = Result<http::Response<ResponseBody>, Error>> + Send {
        let mut rx = Some(rx);
        let inner = tower::service_fn(move |_request: http::Request<Bytes>| {
            let rx = rx.take().expect("one call");
            std::future::ready(Ok::<_, Error>(http::Response::new(
                ResponseBody::streaming(Chunks(rx)),
            )))
        });
        BodyLimitLayer::new(1024)
            .min_throughput(4, Duration::from_secs(1))
            .layer(inner)
            .call(http::Request::new(Bytes::new()))
    }

    #[tokio::test(start_paused = true)]
    async fn a_buffered_body_counts_what_came_at_once_in_its_first_window() {
        let (tx, rx) = mpsc::unbounded_channel();
        tx.send(Bytes::from_static(b"abcd")).unwrap();
        let answer = tokio::spawn(answer(rx));
        // The first window (to 1 s) got its 4 bytes at once; the second gets 4 at 1.5 s.
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        tx.send(Bytes::from_static(b"efgh")).unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(tx);
        let response = answer.await.unwrap().unwrap();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "abcdefgh");
    }

    #[tokio::test(start_paused = true)]
    async fn a_buffered_body_that_stalls_is_too_slow() {
        let (tx, rx) = mpsc::unbounded_channel();
        tx.send(Bytes::from_static(b"abcd")).unwrap();
        let error = answer(rx).await.unwrap_err();
        // The second window got nothing.
        assert_eq!(error.timeout_kind(), Some(crate::TimeoutKind::Throughput));
        drop(tx);
    }
}
