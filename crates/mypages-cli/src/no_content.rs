//! docs/cli.md: "A command that answers 'no content' (HTTP 204) prints nothing and exits 0."
//!
//! The SDK gives an empty answer its own type only where the documents allow one
//! (specs/CONVENTIONS.md, "No content"); elsewhere a 204 does not decode. The contract of the
//! CLI is wider, so it watches the status of each answer through a layer of its own, added
//! with the clients' public `ClientBuilder::layer`, and a command whose last answer was a 204
//! prints nothing and succeeds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mypages_transport::reexports::bytes::Bytes;
use mypages_transport::reexports::http::{Request, Response, StatusCode};
use mypages_transport::{ClientBuilder, ResponseBody};
use tower::ServiceBuilder;
use tower::util::{MapRequestLayer, MapResponseLayer};

/// Whether the last answer of a command was `204 No Content`; shared by the command's client
/// (which sets it) and its output (which reads it).
#[derive(Debug, Clone, Default)]
pub(crate) struct NoContent {
    seen: Arc<AtomicBool>,
}

impl NoContent {
    /// True when the last answer received was `204 No Content`.
    pub(crate) fn seen(&self) -> bool {
        self.seen.load(Ordering::Relaxed)
    }

    /// `builder` with the layer that records each answer's status: every request clears the
    /// mark, a 204 sets it, so a failure after a 204 (a later request that could not connect)
    /// is still reported.
    pub(crate) fn watch(&self, builder: ClientBuilder) -> ClientBuilder {
        let on_request = Arc::clone(&self.seen);
        let on_response = Arc::clone(&self.seen);
        builder.layer(
            ServiceBuilder::new()
                .layer(MapRequestLayer::new(move |request: Request<Bytes>| {
                    on_request.store(false, Ordering::Relaxed);
                    request
                }))
                .layer(MapResponseLayer::new(
                    move |response: Response<ResponseBody>| {
                        on_response.store(
                            response.status() == StatusCode::NO_CONTENT,
                            Ordering::Relaxed,
                        );
                        response
                    },
                )),
        )
    }
}
