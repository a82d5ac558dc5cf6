//! The `--config` file of `mypages overview`: which providers to ask, where, with which
//! credentials (named by environment variable, never written in the file) and which
//! customer.
//!
//! ```toml
//! [avarda]
//! environment = "stage"                      # or base_url = "https://..."
//! client_id_env = "AVARDA_CLIENT_ID"         # or token_env = "AVARDA_TOKEN"
//! client_secret_env = "AVARDA_CLIENT_SECRET"
//! customer_token_env = "AVARDA_CUSTOMER_TOKEN"
//! token_provider = "Self"                    # or "Google"
//! return_url = "https://shop.example/my-pages"
//! purchase_id = "4c5b7e0a"
//!
//! [payex]
//! environment = "sandbox"                    # or "production", or base_url
//! token_env = "PAYEX_TOKEN"
//! ledger = "501"
//! customer_no = "100001"
//! client_cert = "client.pem"                 # optional, mutual TLS
//! client_key = "client.key"
//!
//! [p4p]
//! key_env = "P4P_KEY"
//! account_id = "sandboxdemoaccnt"
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use avarda_client::{AvardaClient, Customer, TokenProvider};
use p4p_client::P4pClient;
use p4p_client::models::AccountId;
use payex_client::PayexClient;
use secrecy::SecretString;
use serde::Deserialize;

use super::gather::{AvardaSource, P4pSource, PayexSource, Sources};
use crate::exit::CliError;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    avarda: Option<AvardaConfig>,
    payex: Option<PayexConfig>,
    p4p: Option<P4pConfig>,
    /// Per-attempt timeout in seconds for every provider (default 30).
    timeout_secs: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AvardaConfig {
    base_url: Option<String>,
    environment: Option<String>,
    client_id_env: Option<String>,
    client_secret_env: Option<String>,
    token_env: Option<String>,
    customer_token_env: String,
    token_provider: Option<String>,
    return_url: String,
    purchase_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayexConfig {
    base_url: Option<String>,
    environment: Option<String>,
    token_env: String,
    ledger: String,
    customer_no: String,
    client_cert: Option<PathBuf>,
    client_key: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct P4pConfig {
    base_url: Option<String>,
    key_env: String,
    account_id: String,
}

impl Config {
    /// Reads and parses the file at `path`.
    pub(crate) fn load(path: &Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage("--config", format!("cannot read {}: {e}", path.display()))
        })?;
        Self::parse(&text).map_err(|message| {
            CliError::usage("--config", format!("{}: {message}", path.display()))
        })
    }

    /// Parses the text of a config file.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if config.avarda.is_none() && config.payex.is_none() && config.p4p.is_none() {
            return Err(
                "configures no provider: add an [avarda], [payex] or [p4p] table".to_owned(),
            );
        }
        Ok(config)
    }

    /// Builds the clients, reading each credential from the environment variable the file
    /// names.
    pub(crate) fn sources(&self) -> Result<Sources, CliError> {
        let timeout = Duration::from_secs(self.timeout_secs.unwrap_or(30).max(1));
        Ok(Sources {
            avarda: self
                .avarda
                .as_ref()
                .map(|c| c.source(timeout))
                .transpose()?,
            payex: self.payex.as_ref().map(|c| c.source(timeout)).transpose()?,
            p4p: self.p4p.as_ref().map(|c| c.source(timeout)).transpose()?,
        })
    }
}

/// The value of the environment variable that `key` (e.g. `avarda.token_env`) names.
fn from_env(key: &str, variable: &str) -> Result<String, CliError> {
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(CliError::usage(
            "--config",
            format!("{key} names the environment variable {variable}, which is not set"),
        )),
    }
}

impl AvardaConfig {
    fn source(&self, timeout: Duration) -> Result<AvardaSource, CliError> {
        let mut builder = AvardaClient::builder().transport(|t| t.attempt_timeout(timeout));
        builder = match (&self.base_url, self.environment.as_deref()) {
            (Some(url), _) => builder.base_url(url.clone()),
            (None, None | Some("production")) => {
                builder.environment(avarda_client::Environment::Production)
            }
            (None, Some("stage")) => builder.environment(avarda_client::Environment::Stage),
            (None, Some(other)) => {
                return Err(config_error(format!(
                    "avarda.environment: expected stage or production, not {other:?}"
                )));
            }
        };
        builder = match (
            &self.token_env,
            &self.client_id_env,
            &self.client_secret_env,
        ) {
            (Some(token), None, None) => {
                builder.token(SecretString::from(from_env("avarda.token_env", token)?))
            }
            (None, Some(id), Some(secret)) => builder.credentials(
                from_env("avarda.client_id_env", id)?,
                from_env("avarda.client_secret_env", secret)?,
            ),
            _ => {
                return Err(config_error(
                    "avarda: give token_env, or both client_id_env and client_secret_env"
                        .to_owned(),
                ));
            }
        };
        let client = builder.build().map_err(CliError::from)?;
        let provider = match self.token_provider.as_deref() {
            None => TokenProvider::Own,
            Some(text) => text
                .parse::<TokenProvider>()
                .map_err(|e| config_error(format!("avarda.token_provider: {e}")))?,
        };
        let token = from_env("avarda.customer_token_env", &self.customer_token_env)?;
        let customer = Customer::new(token, provider).with_return_url(self.return_url.clone());
        Ok(AvardaSource {
            client,
            customer,
            purchase_id: self.purchase_id.clone(),
        })
    }
}

impl PayexConfig {
    fn source(&self, timeout: Duration) -> Result<PayexSource, CliError> {
        let mut builder = PayexClient::builder()
            .ledger(self.ledger.clone())
            .token(SecretString::from(from_env(
                "payex.token_env",
                &self.token_env,
            )?))
            .transport(|t| t.attempt_timeout(timeout));
        builder = match (&self.base_url, self.environment.as_deref()) {
            (Some(url), _) => builder.base_url(url.clone()),
            (None, None | Some("production")) => {
                builder.environment(payex_client::Environment::Production)
            }
            (None, Some("sandbox" | "stage")) => {
                builder.environment(payex_client::Environment::Sandbox)
            }
            (None, Some(other)) => {
                return Err(config_error(format!(
                    "payex.environment: expected sandbox or production, not {other:?}"
                )));
            }
        };
        match (&self.client_cert, &self.client_key) {
            (Some(cert), Some(key)) => {
                let read = |path: &PathBuf, key: &str| {
                    std::fs::read(path).map_err(|e| {
                        config_error(format!("{key}: cannot read {}: {e}", path.display()))
                    })
                };
                builder = builder.identity_pem(
                    &read(cert, "payex.client_cert")?,
                    &read(key, "payex.client_key")?,
                );
            }
            (None, None) => {}
            _ => {
                return Err(config_error(
                    "payex: give both client_cert and client_key, or neither".to_owned(),
                ));
            }
        }
        let client = builder.build().map_err(CliError::from)?;
        Ok(PayexSource {
            client,
            customer_no: self.customer_no.clone(),
        })
    }
}

impl P4pConfig {
    fn source(&self, timeout: Duration) -> Result<P4pSource, CliError> {
        let mut builder = P4pClient::builder()
            .key(SecretString::from(from_env("p4p.key_env", &self.key_env)?))
            .transport(|t| t.attempt_timeout(timeout));
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.clone());
        }
        let client = builder.build().map_err(CliError::from)?;
        let account_id = AccountId::new(self.account_id.clone())
            .map_err(|e| config_error(format!("p4p.account_id: {e}")))?;
        Ok(P4pSource { client, account_id })
    }
}

fn config_error(message: String) -> CliError {
    CliError::usage("--config", message)
}
