//! The connection options every provider command takes.

use std::time::Duration;

use crate::exit::CliError;

/// Which of a provider's published environments to use when `--base-url` is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum EnvironmentArg {
    /// The provider's production root.
    #[default]
    Production,
    /// The provider's test root (Avarda stage, PayEx sandbox), where it has one.
    Stage,
}

/// `--base-url`, `--env`, `--timeout` and `--retries`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ConnectionArgs {
    /// API root; may carry a path prefix (http://127.0.0.1:7070/payex). Also read from
    /// MYPAGES_AVARDA_BASE_URL, MYPAGES_PAYEX_BASE_URL or MYPAGES_P4P_BASE_URL. http:// is
    /// accepted only for loopback hosts.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The provider environment to use when no base URL is given.
    #[arg(long = "env", value_enum, default_value_t = EnvironmentArg::Production)]
    environment: EnvironmentArg,
    /// Per-attempt timeout in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
    /// Extra attempts for retryable failures.
    #[arg(long, value_name = "N", default_value_t = 2)]
    retries: u32,
}

impl ConnectionArgs {
    /// The base URL from `--base-url`, else from the environment variable `env_var`.
    pub(crate) fn base_url(&self, env_var: &str) -> Option<String> {
        self.base_url.clone().or_else(|| {
            std::env::var(env_var)
                .ok()
                .filter(|value| !value.trim().is_empty())
        })
    }

    /// The environment chosen with `--env`.
    pub(crate) fn environment(&self) -> EnvironmentArg {
        self.environment
    }

    /// The per-attempt timeout; rejects zero, which would fail every call.
    pub(crate) fn timeout(&self) -> Result<Duration, CliError> {
        if self.timeout == 0 {
            return Err(CliError::usage("--timeout", "must be at least 1 second"));
        }
        Ok(Duration::from_secs(self.timeout))
    }

    /// Total attempts per call: the first one plus `--retries`.
    pub(crate) fn attempts(&self) -> u32 {
        self.retries.saturating_add(1)
    }
}
