//! What the stack knows about a request, and the two ways it travels down the stack.
//!
//! The public way is an `http::Request` extension: a merchant's layers and HTTP service
//! read it there, and the client puts it there whenever one of them is in its stack. When
//! none is, the stack is the client's own from top to bottom, and an extension would cost
//! three allocations per call for nothing. There the client hands the metadata down beside
//! the request instead: [`handing_down`] makes it the current metadata for the duration of
//! one synchronous `call` of the service below, and the layers read it in their own `call`
//! with [`meta_of`]. A layer that calls the service below it later, from its future (the
//! retry layer, the auth layer while it waits for a token), keeps the metadata and hands it
//! down again around that call. A request's own extension always comes first.

use std::cell::Cell;

/// What the stack knows about a request, as an `http::Request` extension.
///
/// Layers added with [`ClientBuilder::layer`](crate::ClientBuilder::layer) or
/// [`ClientBuilder::attempt_layer`](crate::ClientBuilder::attempt_layer), and a service
/// given to [`ClientBuilder::http_service`](crate::ClientBuilder::http_service), can read it.
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

thread_local! {
    /// The metadata handed down with the request being called on this thread, if any.
    static HANDED_DOWN: Cell<Option<RequestMeta>> = const { Cell::new(None) };
}

/// Calls `call` (one synchronous `call` of a service) with `meta` handed down to the layers
/// it reaches; what was handed down before is back when it returns, or if it panics.
pub(crate) fn handing_down<R>(meta: Option<RequestMeta>, call: impl FnOnce() -> R) -> R {
    /// Puts back what was handed down before.
    struct Restore(Option<RequestMeta>);

    impl Drop for Restore {
        fn drop(&mut self) {
            HANDED_DOWN.set(self.0.take());
        }
    }

    let _restore = Restore(HANDED_DOWN.replace(meta));
    call()
}

/// The metadata of `request`: its extension, else what was handed down with it; without
/// either, an operation named `request` that is not idempotent.
pub(crate) fn meta_of<B>(request: &http::Request<B>) -> RequestMeta {
    let found = match request.extensions().get::<RequestMeta>() {
        Some(meta) => Some(meta.clone()),
        None => handed_down(),
    };
    found.unwrap_or(RequestMeta {
        operation: "request",
        idempotent: false,
        streaming: false,
    })
}

/// What is handed down with the request being called, if anything.
pub(crate) fn handed_down() -> Option<RequestMeta> {
    HANDED_DOWN.with(|current| {
        let meta = current.take();
        current.set(meta.clone());
        meta
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation_of(request: &http::Request<()>) -> &'static str {
        meta_of(request).operation
    }

    #[test]
    fn an_extension_comes_before_what_is_handed_down() {
        let plain = http::Request::new(());
        let mut tagged = http::Request::new(());
        tagged
            .extensions_mut()
            .insert(RequestMeta::new("from_extension", true));
        assert_eq!(operation_of(&plain), "request");
        handing_down(Some(RequestMeta::new("handed_down", true)), || {
            assert_eq!(operation_of(&plain), "handed_down");
            assert_eq!(operation_of(&tagged), "from_extension");
        });
        assert_eq!(operation_of(&plain), "request", "only for the call");
    }

    #[test]
    fn a_nested_call_hands_down_its_own_and_the_outer_one_comes_back() {
        let plain = http::Request::new(());
        handing_down(Some(RequestMeta::new("outer", true)), || {
            handing_down(Some(RequestMeta::new("inner", false)), || {
                assert_eq!(operation_of(&plain), "inner");
            });
            handing_down(None, || assert_eq!(operation_of(&plain), "request"));
            assert_eq!(operation_of(&plain), "outer");
        });
    }

    #[test]
    fn a_panicking_call_hands_nothing_down_afterwards() {
        let caught = std::panic::catch_unwind(|| {
            handing_down(Some(RequestMeta::new("panics", true)), || panic!("in call"))
        });
        assert!(caught.is_err());
        assert!(handed_down().is_none());
    }
}
