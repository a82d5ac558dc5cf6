//! The JSON documents the CLI reads with `--file` (`mypages p4p balance add --file`, `orders
//! create`, `accounts update`, `customer set`, `subscriptions create|update`; `mypages payex
//! cards add|replace`): each is decoded as the model type the command takes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mypages_models::{p4p, payex};

fuzz_target!(|input: &[u8]| {
    let _ = serde_json::from_slice::<p4p::Items>(input);
    let _ = serde_json::from_slice::<p4p::OrderCreatable>(input);
    let _ = serde_json::from_slice::<p4p::AccountUpdate>(input);
    let _ = serde_json::from_slice::<p4p::Customer>(input);
    let _ = serde_json::from_slice::<p4p::SubscriptionCreatable>(input);
    let _ = serde_json::from_slice::<p4p::SubscriptionUpdate>(input);
    let _ = serde_json::from_slice::<payex::CardRegistration>(input);
});
