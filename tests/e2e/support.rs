//! What every end-to-end test needs: a sandbox with a fixed "today", the three typed clients
//! pointed at it with short delays, and an exact count of the requests the sandbox saw.

use std::time::Duration;

use avarda_client::AvardaClient;
use http::Method;
use mypages_models::{Date, Decimal};
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, P4P_KEY, PAYEX_LEDGER, PAYEX_TOKEN,
};
use mypages_sandbox::{FaultId, FaultKind, FaultRule, Provider, RunningSandbox, Sandbox};
use mypages_transport::{Client, Endpoint, Response, SecretString};
use p4p_client::P4pClient;
use payex_client::PayexClient;
use time::macros::date;

/// The day every sandbox of these tests takes as today, so dates in assertions are fixed.
pub(crate) const TODAY: Date = date!(2026 - 03 - 16);

/// A sandbox on an ephemeral loopback port, with the demo customers and one generated
/// customer per provider.
pub(crate) async fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .today(TODAY)
        .generated_customers(1)
        .start()
        .await
        .expect("the sandbox starts on 127.0.0.1")
}

/// The retry policy of these tests: the default attempts and budget, millisecond backoffs.
pub(crate) fn fast_retries() -> payex_client::RetryPolicy {
    payex_client::RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

/// A PayEx client of the sandbox's ledger, through the `/payex` path prefix.
pub(crate) fn payex(sandbox: &RunningSandbox) -> PayexClient {
    payex_with(sandbox, fast_retries())
}

/// A PayEx client with this retry policy.
pub(crate) fn payex_with(
    sandbox: &RunningSandbox,
    retry: payex_client::RetryPolicy,
) -> PayexClient {
    PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(PAYEX_LEDGER)
        .token(SecretString::from(PAYEX_TOKEN))
        .transport(|t| t.retry(retry.clone()))
        .build()
        .expect("a valid PayEx configuration")
}

/// An Avarda client with the sandbox's partner credentials (the token is fetched by the
/// first call).
pub(crate) fn avarda(sandbox: &RunningSandbox) -> AvardaClient {
    avarda_with(sandbox, fast_retries())
}

/// An Avarda client with this retry policy.
pub(crate) fn avarda_with(
    sandbox: &RunningSandbox,
    retry: avarda_client::RetryPolicy,
) -> AvardaClient {
    AvardaClient::builder()
        .base_url(sandbox.avarda_url())
        .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
        .transport(|t| t.retry(retry.clone()))
        .build()
        .expect("a valid Avarda configuration")
}

/// A PayFunc client with the sandbox's private key.
pub(crate) fn p4p(sandbox: &RunningSandbox) -> P4pClient {
    p4p_with(sandbox, fast_retries())
}

/// A PayFunc client with this retry policy.
pub(crate) fn p4p_with(sandbox: &RunningSandbox, retry: p4p_client::RetryPolicy) -> P4pClient {
    P4pClient::builder()
        .base_url(sandbox.p4p_url())
        .key(P4P_KEY)
        .transport(|t| t.retry(retry.clone()))
        .build()
        .expect("a valid PayFunc configuration")
}

/// An exact decimal from its text (`"2000.00"` keeps its two decimals).
pub(crate) fn dec(text: &str) -> Decimal {
    text.parse().expect("a decimal literal")
}

/// A fault rule of one provider, method and path (relative to the provider's root).
pub(crate) fn fault(provider: Provider, method: Method, path: &str, kind: FaultKind) -> FaultRule {
    FaultRule::new(kind)
        .provider(provider)
        .method(method)
        .path(path)
}

/// How many uses a counter rule starts with; far more than any test sends.
const COUNTER_START: u32 = 1_000_000;

/// Counts the requests the sandbox receives on one provider, method and path.
///
/// It is a zero-latency `next = N` fault rule: a latency rule fires on every matching
/// request (even one another rule fails or drops) and so uses up one of its N, and the
/// admin route `GET /_admin/faults` tells how many are left. Requests refused by the
/// client before sending never reach it; retries do, one each.
pub(crate) struct RequestCounter {
    id: FaultId,
    admin: Client,
}

impl RequestCounter {
    /// Starts counting from zero.
    pub(crate) fn start(
        sandbox: &RunningSandbox,
        provider: Provider,
        method: Method,
        path: &str,
    ) -> Self {
        let id = sandbox.add_fault(
            fault(provider, method, path, FaultKind::Latency(Duration::ZERO)).next(COUNTER_START),
        );
        let admin = Client::builder()
            .provider("sandbox-admin")
            .base_url(sandbox.base_url())
            .build()
            .expect("the admin client builds");
        Self { id, admin }
    }

    /// The requests seen so far.
    pub(crate) async fn count(&self) -> u32 {
        let rules = self
            .admin
            .execute(&ListFaults)
            .await
            .expect("the sandbox lists its fault rules");
        let left = rules
            .iter()
            .find(|rule| rule["id"].as_u64() == Some(self.id.0))
            .and_then(|rule| rule["next"].as_u64())
            .expect("the counter rule is still active");
        COUNTER_START - u32::try_from(left).expect("a count that fits u32")
    }
}

/// `GET /_admin/faults`: the active rules as JSON.
struct ListFaults;

impl Endpoint for ListFaults {
    type Output = Vec<serde_json::Value>;

    fn operation(&self) -> &'static str {
        "list_faults"
    }

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Result<String, mypages_transport::Error> {
        Ok("/_admin/faults".to_owned())
    }

    fn decode(&self, response: Response) -> Result<Self::Output, mypages_transport::Error> {
        response.json()
    }
}
