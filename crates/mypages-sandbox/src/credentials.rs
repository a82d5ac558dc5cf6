//! The sandbox's fixed credentials and the ids of its demo customer.
//!
//! They are the same in every sandbox, so scripts and merchants' own tests can rely on them
//! (see the `sandbox` section of the CLI contract). They are test values: none of them opens
//! anything at a real provider.

/// Avarda partner client id accepted by `POST /auth/token`.
pub const AVARDA_CLIENT_ID: &str = "sandbox-client";
/// Avarda partner client secret accepted by `POST /auth/token`.
pub const AVARDA_CLIENT_SECRET: &str = "sandbox-secret";
/// Avarda purchase id of the demo customer.
pub const AVARDA_PURCHASE_ID: &str = "sandbox-purchase";
/// Avarda customer token of the demo customer; it has already passed strong authentication.
pub const AVARDA_CUSTOMER_TOKEN: &str = "sandbox-customer";

/// PayEx bearer token accepted for [`PAYEX_LEDGER`].
pub const PAYEX_TOKEN: &str = "sandbox-token";
/// The only PayEx ledger number the sandbox serves.
pub const PAYEX_LEDGER: &str = "1000";
/// PayEx customer number of the demo customer.
pub const PAYEX_CUSTOMER_NO: &str = "100001";

/// PayFunc ("p4p") private API key.
pub const P4P_KEY: &str = "sandbox-key";
/// PayFunc account id of the demo customer.
pub const P4P_ACCOUNT_ID: &str = "sandboxdemoaccnt";
