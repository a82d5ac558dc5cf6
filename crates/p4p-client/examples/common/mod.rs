//! What every example shares: a client of the sandbox's PayFunc.
//!
//! Without `MYPAGES_P4P_BASE_URL` the example starts the sandbox in-process on a free
//! loopback port; with it (e.g. `http://127.0.0.1:7070/p4p` from `mypages sandbox`) it uses
//! that server and the key in `P4P_KEY` (default: the sandbox's `sandbox-key`).

use mypages_sandbox::{RunningSandbox, Sandbox, credentials};
use p4p_client::models::AccountId;
use p4p_client::{P4pClient, SecretString};

/// A connected client, and the in-process sandbox when the example started one.
pub(crate) struct Connection {
    pub(crate) client: P4pClient,
    base_url: String,
    sandbox: Option<RunningSandbox>,
}

impl Connection {
    /// Connects as described in the module documentation.
    pub(crate) async fn open() -> Result<Connection, Box<dyn std::error::Error>> {
        let (base_url, sandbox) = match std::env::var("MYPAGES_P4P_BASE_URL") {
            Ok(url) => (url, None),
            Err(_) => {
                let sandbox = Sandbox::builder().start().await?;
                (sandbox.p4p_url(), Some(sandbox))
            }
        };
        let key = std::env::var("P4P_KEY").unwrap_or_else(|_| credentials::P4P_KEY.to_owned());
        let client = P4pClient::builder()
            .key(SecretString::from(key))
            .base_url(&base_url)
            .build()?;
        Ok(Connection {
            client,
            base_url,
            sandbox,
        })
    }

    /// Another client of the same server, with another key (e.g. an account key).
    #[allow(dead_code)] // Only the account-key example opens a second client.
    pub(crate) fn client_with_key(
        &self,
        key: SecretString,
    ) -> Result<P4pClient, p4p_client::Error> {
        P4pClient::builder()
            .key(key)
            .base_url(&self.base_url)
            .build()
    }

    /// Stops the in-process sandbox, if any.
    pub(crate) async fn close(self) -> Result<(), Box<dyn std::error::Error>> {
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await?;
        }
        Ok(())
    }
}

/// The sandbox's demo account.
#[allow(dead_code)] // Not every example uses the demo account.
pub(crate) fn demo_account() -> Result<AccountId, p4p_client::models::IdError> {
    AccountId::new(credentials::P4P_ACCOUNT_ID)
}
