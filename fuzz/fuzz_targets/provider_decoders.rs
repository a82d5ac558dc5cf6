//! Every generated decoder of every provider: no panic, and what decodes re-encodes stably.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    for table in [
        mypages_models::avarda::ROUND_TRIPS,
        mypages_models::payex::ROUND_TRIPS,
        mypages_models::p4p::ROUND_TRIPS,
    ] {
        for (name, round_trip) in table {
            if let Ok(first) = round_trip(input) {
                let second = round_trip(first.as_bytes())
                    .unwrap_or_else(|e| panic!("{name}: {first} no longer decodes: {e}"));
                assert_eq!(second, first, "{name} is not stable");
            }
        }
    }
});
