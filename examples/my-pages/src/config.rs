//! The config file that points the app at real providers: the same TOML as
//! `mypages overview --config FILE` (see `shared/cli.md` and the crate README). Credentials
//! are named by environment variable, never written in the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    pub(crate) avarda: Option<AvardaConfig>,
    pub(crate) payex: Option<PayexConfig>,
    pub(crate) p4p: Option<P4pConfig>,
    /// Per-attempt timeout in seconds for every provider (default 30).
    pub(crate) timeout_secs: Option<u64>,
}

/// `[avarda]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AvardaConfig {
    pub(crate) base_url: Option<String>,
    pub(crate) environment: Option<String>,
    pub(crate) client_id_env: Option<String>,
    pub(crate) client_secret_env: Option<String>,
    pub(crate) token_env: Option<String>,
    pub(crate) customer_token_env: String,
    pub(crate) token_provider: Option<String>,
    /// The CLI's return URL, accepted so that one file serves both; the app sends the
    /// shopper back to the page they asked for, on its own public URL, instead.
    #[serde(rename = "return_url")]
    _return_url: Option<serde::de::IgnoredAny>,
    pub(crate) purchase_id: String,
}

/// `[payex]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PayexConfig {
    pub(crate) base_url: Option<String>,
    pub(crate) environment: Option<String>,
    pub(crate) token_env: String,
    pub(crate) ledger: String,
    pub(crate) customer_no: String,
    pub(crate) client_cert: Option<PathBuf>,
    pub(crate) client_key: Option<PathBuf>,
}

/// `[p4p]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct P4pConfig {
    pub(crate) base_url: Option<String>,
    pub(crate) key_env: String,
    pub(crate) account_id: String,
}

impl Config {
    /// Reads and parses the file at `path`.
    pub(crate) fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let config: Config =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if config.avarda.is_none() && config.payex.is_none() && config.p4p.is_none() {
            return Err(format!(
                "{}: configures no provider: add an [avarda], [payex] or [p4p] table",
                path.display()
            ));
        }
        Ok(config)
    }
}
