//! The RFC 7807 problem decoder and the transport's JSON decoding with path tracking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mypages_transport::{Problem, decode_json};

fuzz_target!(|input: &[u8]| {
    let _ = Problem::from_json(input);
    let body = bytes::Bytes::copy_from_slice(input);
    if let Err(error) = decode_json::<serde_json::Value>("fuzz", http::StatusCode::OK, &body) {
        let _ = (error.to_string(), format!("{error:?}"));
    }
});
