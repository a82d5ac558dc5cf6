//! `Retry-After` parsing, with no cap on the wait.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mypages_transport::RetryPolicy;

fuzz_target!(|input: &[u8]| {
    let Ok(value) = http::HeaderValue::from_bytes(input) else {
        return;
    };
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::RETRY_AFTER, value);
    let policy = RetryPolicy::default().max_retry_after(Duration::MAX);
    let _ = policy.retry_after(&headers);
});
