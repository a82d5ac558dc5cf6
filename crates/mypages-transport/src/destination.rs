//! [`Destination`]: where a provider client sends its calls, by the one rule every
//! provider builder follows.

use crate::error::Error;

/// Where a provider client sends its calls: a named environment's URL, or a base URL of
/// your own (a sandbox, a proxy), never both.
///
/// Every provider builder (`AvardaClientBuilder`, `PayexClientBuilder`, `P4pClientBuilder`)
/// keeps one of these, so the rule is the same for all three: setting both is a build error
/// naming both; setting neither uses the provider's default environment, or is a build error
/// naming both where the provider has no safe default.
///
/// ```
/// use mypages_transport::Destination;
///
/// let mut destination = Destination::default();
/// destination.set_environment("https://api.example.com");
/// assert_eq!(destination.clone().resolve(None).unwrap(), "https://api.example.com");
/// destination.set_base_url("http://127.0.0.1:7070/payex");
/// let error = destination.resolve(Some("https://default.example.com")).unwrap_err();
/// assert!(error.to_string().contains("environment") && error.to_string().contains("base_url"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Destination {
    environment: Option<&'static str>,
    base_url: Option<String>,
}

impl Destination {
    /// Sends calls to an environment's URL.
    pub fn set_environment(&mut self, url: &'static str) {
        self.environment = Some(url);
    }

    /// Sends calls to `url` instead of an environment.
    pub fn set_base_url(&mut self, url: impl Into<String>) {
        self.base_url = Some(url.into());
    }

    /// The URL calls go to: the environment's, the base URL, or `default` when neither was
    /// set. Both set, or neither without a default, is an
    /// [`ErrorKind::InvalidArgument`](crate::ErrorKind::InvalidArgument) error naming both.
    pub fn resolve(self, default: Option<&'static str>) -> Result<String, Error> {
        match (self.environment, self.base_url) {
            (Some(_), Some(_)) => Err(Error::invalid_argument(
                "base_url",
                "and `environment` are both set; set one: `environment` for the provider's own URL, `base_url` for a sandbox or proxy",
            )),
            (Some(url), None) => Ok(url.to_owned()),
            (None, Some(url)) => Ok(url),
            (None, None) => default.map(str::to_owned).ok_or_else(|| {
                Error::invalid_argument(
                    "base_url",
                    "and `environment` are both missing; set `environment` for the provider's own URL or `base_url` for a sandbox or proxy",
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROVIDER: &str = "https://api.provider.example";

    #[test]
    fn one_of_environment_base_url_or_the_default() {
        let mut environment = Destination::default();
        environment.set_environment(PROVIDER);
        assert_eq!(environment.resolve(None).unwrap(), PROVIDER);

        let mut sandbox = Destination::default();
        sandbox.set_base_url("http://127.0.0.1:7070/payex");
        assert_eq!(
            sandbox.resolve(Some(PROVIDER)).unwrap(),
            "http://127.0.0.1:7070/payex"
        );

        assert_eq!(
            Destination::default().resolve(Some(PROVIDER)).unwrap(),
            PROVIDER
        );
        let missing = Destination::default().resolve(None).unwrap_err();
        assert_eq!(missing.argument(), Some("base_url"));
        assert!(missing.to_string().contains("both missing"), "{missing}");

        let mut both = Destination::default();
        both.set_environment(PROVIDER);
        both.set_base_url("http://127.0.0.1:7070");
        let error = both.resolve(Some(PROVIDER)).unwrap_err();
        assert_eq!(error.argument(), Some("base_url"));
        assert!(error.to_string().contains("both set"), "{error}");
    }
}
