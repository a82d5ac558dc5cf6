//! How the examples connect: to `MYPAGES_PAYEX_BASE_URL` when it is set (e.g. a
//! `mypages sandbox` in another terminal, or PayEx's own sandbox with `PAYEX_TOKEN` and
//! `PAYEX_LEDGER`), otherwise to a sandbox started inside the example on 127.0.0.1.

use mypages_sandbox::{RunningSandbox, Sandbox, credentials};
use payex_client::{PayexClient, SecretString};

/// The client and, when the example started one, the sandbox (kept alive while in scope).
pub(crate) struct Connection {
    pub(crate) payex: PayexClient,
    pub(crate) customer_no: String,
    /// Keep it bound while the example runs: dropping it stops the sandbox.
    pub(crate) sandbox: Option<RunningSandbox>,
}

pub(crate) async fn connect() -> Result<Connection, Box<dyn std::error::Error>> {
    let env =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let (base_url, sandbox) = match std::env::var("MYPAGES_PAYEX_BASE_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let sandbox = Sandbox::builder().start().await?;
            (sandbox.payex_url(), Some(sandbox))
        }
    };
    let payex = PayexClient::builder()
        .base_url(base_url)
        .ledger(env("PAYEX_LEDGER", credentials::PAYEX_LEDGER))
        .token(SecretString::from(env(
            "PAYEX_TOKEN",
            credentials::PAYEX_TOKEN,
        )))
        .build()?;
    Ok(Connection {
        payex,
        customer_no: env("PAYEX_CUSTOMER_NO", credentials::PAYEX_CUSTOMER_NO),
        sandbox,
    })
}
