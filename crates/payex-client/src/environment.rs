//! [`Environment`]: PayEx's published API roots.

/// One of PayEx's published environments. Sandbox and production use separate credentials.
///
/// Any other root (a proxy, a local simulator) is given with
/// [`PayexClientBuilder::base_url`](crate::PayexClientBuilder::base_url).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// The sandbox, `https://api.sandbox.payex.com`.
    Sandbox,
    /// Production, `https://lf-api.payex.com`.
    Production,
}

impl Environment {
    /// The API root of this environment; routes (`/ledger/account/v1/...`) are appended to it.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Sandbox => "https://api.sandbox.payex.com",
            Self::Production => "https://lf-api.payex.com",
        }
    }
}
