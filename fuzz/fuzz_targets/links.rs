//! Base URL parsing, link resolution and joining: no panic, and a resolved link stays on
//! the base URL's origin.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mypages_transport::BaseUrl;

fuzz_target!(|input: &str| {
    let _ = BaseUrl::parse(input);
    let Ok(base) = BaseUrl::parse("https://api.example.com/payex") else {
        return;
    };
    if let Ok(path) = base.resolve_link(input) {
        if let Ok(uri) = base.join(&path) {
            assert_eq!(uri.host(), Some("api.example.com"), "{input:?} left the host");
        }
    }
    let _ = base.join(input);
});
