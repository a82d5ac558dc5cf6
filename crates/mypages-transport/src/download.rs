//! Streaming downloads (e.g. bill PDFs), not bounded by the JSON body limit.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, StatusCode};
use http_body::Body;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, Sleep};

use crate::endpoint::content_type_of;
use crate::error::{Error, TimeoutKind};
use crate::stack::ResponseBody;

/// A 2xx response whose body is streamed: a [`Stream`] of byte chunks.
///
/// Each chunk must arrive within the client's attempt timeout, otherwise the stream ends
/// with an [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) error.
pub struct Download {
    status: StatusCode,
    headers: HeaderMap,
    body: ResponseBody,
    idle_timeout: Duration,
    idle: Pin<Box<Sleep>>,
    done: bool,
}

impl Download {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: ResponseBody,
        idle_timeout: Duration,
    ) -> Download {
        Download {
            status,
            headers,
            body,
            idle_timeout,
            idle: Box::pin(tokio::time::sleep(idle_timeout)),
            done: false,
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type`, e.g. `application/pdf`.
    pub fn content_type(&self) -> Option<&str> {
        content_type_of(&self.headers)
    }

    /// The `Content-Length`, when the provider sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// Writes the whole body into `writer` and flushes it; returns the number of bytes.
    pub async fn download_to<W>(mut self, writer: &mut W) -> Result<u64, Error>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let mut written = 0u64;
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(write_error)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(write_error)?;
        Ok(written)
    }
}

fn write_error(error: std::io::Error) -> Error {
    Error::invalid_argument(
        "writer",
        format_args!("writing the download failed ({error}); check the destination"),
    )
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    // A timeout too large to add to the clock leaves the far-future sleep.
                    if let Some(deadline) = Instant::now().checked_add(this.idle_timeout) {
                        this.idle.as_mut().reset(deadline);
                    }
                    match frame.into_data() {
                        Ok(data) if !data.is_empty() => return Poll::Ready(Some(Ok(data))),
                        _ => continue,
                    }
                }
                Poll::Ready(Some(Err(error))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => {
                    ready!(this.idle.as_mut().poll(cx));
                    this.done = true;
                    return Poll::Ready(Some(Err(Error::timeout(
                        TimeoutKind::Attempt,
                        this.idle_timeout,
                    ))));
                }
            }
        }
    }
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.status)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;
    use http_body::Frame;
    use http_body_util::StreamBody;

    #[tokio::test]
    async fn empty_data_and_trailer_frames_yield_no_chunk() {
        let frames = vec![
            Ok::<_, std::convert::Infallible>(Frame::data(Bytes::from_static(b"ab"))),
            Ok(Frame::data(Bytes::new())),
            Ok(Frame::data(Bytes::from_static(b"c"))),
            Ok(Frame::trailers(HeaderMap::new())),
        ];
        let body = ResponseBody::streaming(StreamBody::new(futures_util::stream::iter(frames)));
        let download = Download::new(
            StatusCode::OK,
            HeaderMap::new(),
            body,
            Duration::from_secs(30),
        );
        let chunks: Vec<Bytes> = download.try_collect().await.unwrap();
        assert_eq!(chunks, ["ab", "c"]);
    }
}
