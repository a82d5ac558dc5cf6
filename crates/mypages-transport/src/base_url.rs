//! The base URL: validation, joining endpoint paths onto it, and resolving provider links.

use std::fmt;
use std::net::IpAddr;

use http::Uri;
use http::uri::{Authority, PathAndQuery, Scheme};

use crate::error::Error;

/// A validated base URL: `https://host[:port][/prefix]`, or `http://` for a loopback host.
///
/// Endpoint paths are joined after the prefix: `http://127.0.0.1:7070/payex` +
/// `/ledger/account/v1/501/accounts` gives `http://127.0.0.1:7070/payex/ledger/account/v1/501/accounts`.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    scheme: Scheme,
    authority: Authority,
    /// The path prefix without a trailing slash; empty for none.
    prefix: String,
}

impl BaseUrl {
    /// Parses and validates a base URL.
    ///
    /// It must be absolute, `https`, or `http` only when the host is loopback
    /// (`localhost`, `127.0.0.0/8`, `[::1]`), and carry no query or fragment.
    pub fn parse(text: &str) -> Result<BaseUrl, Error> {
        const ARG: &str = "base_url";
        let uri: Uri = text.trim().parse().map_err(|error| {
            Error::invalid_argument(
                ARG,
                format_args!(
                    "`{text}` is not a URL ({error}); write e.g. `https://api.example.com`"
                ),
            )
        })?;
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            return Err(Error::invalid_argument(
                ARG,
                format_args!("`{text}` is not absolute; write e.g. `https://api.example.com`"),
            ));
        };
        if authority.as_str().contains('@') {
            return Err(Error::invalid_argument(
                ARG,
                "must not contain user information; pass credentials through the client builder",
            ));
        }
        if *scheme == Scheme::HTTP {
            if !is_loopback(authority.host()) {
                return Err(Error::invalid_argument(
                    ARG,
                    format_args!(
                        "plain http is refused for `{}`: use https (http is allowed only for loopback hosts)",
                        authority.host()
                    ),
                ));
            }
        } else if *scheme != Scheme::HTTPS {
            return Err(Error::invalid_argument(
                ARG,
                format_args!("scheme `{scheme}` is not supported; use https"),
            ));
        }
        if uri.query().is_some() || text.contains('#') {
            return Err(Error::invalid_argument(
                ARG,
                "must not contain a query or a fragment",
            ));
        }
        let prefix = uri.path().trim_end_matches('/').to_owned();
        Ok(BaseUrl {
            scheme: scheme.clone(),
            authority: authority.clone(),
            prefix,
        })
    }

    /// The scheme, `https` (or `http` for a loopback host).
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The authority (`host[:port]`) requests go to; the only one that receives credentials.
    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The path prefix, without a trailing slash (empty when there is none).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Joins a path (starting with `/`, optionally followed by `?query`) after the prefix.
    pub fn join(&self, path_and_query: &str) -> Result<Uri, Error> {
        let mut target = String::with_capacity(self.prefix.len() + path_and_query.len());
        target.push_str(&self.prefix);
        target.push_str(path_and_query);
        self.uri_of(target, self.prefix.len())
    }

    /// The URI of `target`: the prefix (its first `prefixed` bytes, none or all of it) and
    /// a path (starting with `/`, optionally followed by `?query`); checked like
    /// [`BaseUrl::join`]'s argument.
    pub(crate) fn uri_of(&self, target: String, prefixed: usize) -> Result<Uri, Error> {
        let path_and_query = &target[prefixed..];
        if !path_and_query.starts_with('/') || path_and_query.starts_with("//") {
            return Err(Error::invalid_argument(
                "path",
                format_args!("`{path_and_query}` must start with a single `/`"),
            ));
        }
        // One buffer, not copied: `http` keeps the bytes it checked (the clone only counts
        // a reference, and keeps the text for the error message).
        let bytes = bytes::Bytes::from(target);
        let parsed = PathAndQuery::from_maybe_shared(bytes.clone()).map_err(|error| {
            Error::invalid_argument(
                "path",
                format_args!(
                    "`{}` is not a valid URL path ({error})",
                    String::from_utf8_lossy(&bytes[prefixed..])
                ),
            )
        });
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(parsed?);
        Uri::from_parts(parts).map_err(|error| {
            Error::invalid_argument("path", format_args!("is not a valid URL ({error})"))
        })
    }

    /// Resolves a provider link into a path (with its query) relative to the prefix.
    ///
    /// A root-relative link (`/ledger/account/v1/1000/accounts/1/bills?$top=2&$skip=2`) is
    /// taken relative to the prefix; if it already starts with the prefix it is not prefixed
    /// twice. An absolute link must point to the base URL's own scheme and authority, so
    /// credentials never travel to another host.
    pub fn resolve_link(&self, link: &str) -> Result<String, Error> {
        const ARG: &str = "link";
        let link = link.trim();
        let path_and_query = if link.starts_with('/') && !link.starts_with("//") {
            link.to_owned()
        } else {
            let uri: Uri = link.parse().map_err(|error| {
                Error::invalid_argument(ARG, format_args!("`{link}` is not a URL ({error})"))
            })?;
            match (uri.scheme(), uri.authority()) {
                (Some(scheme), Some(authority))
                    if *scheme == self.scheme && *authority == self.authority =>
                {
                    uri.path_and_query()
                        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned())
                }
                (Some(_), Some(authority)) => {
                    return Err(Error::invalid_argument(
                        ARG,
                        format_args!(
                            "the link points to `{authority}`, not to the configured `{}`; it is not followed so credentials stay with the provider",
                            self.authority
                        ),
                    ));
                }
                _ => {
                    return Err(Error::invalid_argument(
                        ARG,
                        format_args!("`{link}` is neither absolute nor root-relative"),
                    ));
                }
            }
        };
        if self.prefix.is_empty() {
            return Ok(path_and_query);
        }
        match path_and_query.strip_prefix(&self.prefix) {
            Some("") => Ok("/".to_owned()),
            Some(rest) if rest.starts_with(['/', '?']) => Ok(if rest.starts_with('?') {
                format!("/{rest}")
            } else {
                rest.to_owned()
            }),
            _ => Ok(path_and_query),
        }
    }
}

/// Whether `host` names this machine: `localhost`, `127.0.0.0/8` or `::1`.
pub(crate) fn is_loopback(host: &str) -> bool {
    if host == "127.0.0.1" || host == "localhost" {
        return true;
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.prefix)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn join_keeps_the_prefix() {
        let base = BaseUrl::parse("http://127.0.0.1:7070/payex/").unwrap();
        assert_eq!(
            base.join("/ledger/account/v1/501/accounts?customerNo=4")
                .unwrap()
                .to_string(),
            "http://127.0.0.1:7070/payex/ledger/account/v1/501/accounts?customerNo=4"
        );
        let bare = BaseUrl::parse("https://api.example.com").unwrap();
        assert_eq!(
            bare.join("/a").unwrap().to_string(),
            "https://api.example.com/a"
        );
        assert!(bare.join("a").is_err());
        assert!(bare.join("//evil.example/a").is_err());
    }

    #[test]
    fn http_is_refused_for_non_loopback_hosts() {
        for text in [
            "http://example.com",
            "http://10.0.0.1:80",
            "http://localhost.example.com",
        ] {
            let error = BaseUrl::parse(text).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidArgument);
            assert_eq!(error.argument(), Some("base_url"));
            assert!(error.to_string().contains("https"), "{error}");
        }
        for text in [
            "http://localhost:1",
            "http://127.0.0.1:7070/p",
            "http://127.1.2.3",
            "http://[::1]:8080",
            "https://example.com",
        ] {
            BaseUrl::parse(text).unwrap();
        }
        assert!(BaseUrl::parse("ftp://example.com").is_err());
        assert!(BaseUrl::parse("example.com").is_err());
        assert!(BaseUrl::parse("https://example.com?x=1").is_err());
        assert!(BaseUrl::parse("https://user:pw@example.com").is_err());
    }

    #[test]
    fn the_parts_and_the_text_of_a_base_url() {
        let base = BaseUrl::parse(" http://127.0.0.1:7070/payex/ ").unwrap();
        assert_eq!(base.scheme(), &Scheme::HTTP);
        assert_eq!(base.authority().as_str(), "127.0.0.1:7070");
        assert_eq!(base.prefix(), "/payex");
        assert_eq!(base.to_string(), "http://127.0.0.1:7070/payex");
        assert_eq!(format!("{base:?}"), "BaseUrl(http://127.0.0.1:7070/payex)");
        let bare = BaseUrl::parse("https://api.example.com/").unwrap();
        assert_eq!(bare.prefix(), "");
        assert_eq!(bare.to_string(), "https://api.example.com");
    }

    #[test]
    fn a_link_to_the_prefix_itself_is_the_root() {
        let base = BaseUrl::parse("http://127.0.0.1:7070/payex").unwrap();
        assert_eq!(base.resolve_link("/payex").unwrap(), "/");
        assert_eq!(base.resolve_link("/payex?$skip=2").unwrap(), "/?$skip=2");
        assert_eq!(
            base.resolve_link("http://127.0.0.1:7070/payex").unwrap(),
            "/"
        );
    }

    #[test]
    fn a_link_is_followed_only_to_the_same_scheme_and_authority() {
        let base = BaseUrl::parse("http://127.0.0.1:7070").unwrap();
        for other in [
            "http://127.0.0.1:7071/x",
            "http://localhost:7070/x",
            "https://127.0.0.1:7070/x",
        ] {
            let error = base.resolve_link(other).unwrap_err();
            assert_eq!(error.argument(), Some("link"), "{other}");
            assert!(
                error
                    .to_string()
                    .contains("not to the configured `127.0.0.1:7070`"),
                "{other}: {error}"
            );
        }
        assert_eq!(base.resolve_link("http://127.0.0.1:7070").unwrap(), "/");
    }

    #[test]
    fn links_resolve_against_the_prefix() {
        let base = BaseUrl::parse("http://127.0.0.1:7070/payex").unwrap();
        let link = "/ledger/account/v1/1000/accounts/1/bills?$top=2&$skip=2";
        let path = base.resolve_link(link).unwrap();
        assert_eq!(path, link);
        assert_eq!(
            base.join(&path).unwrap().to_string(),
            "http://127.0.0.1:7070/payex/ledger/account/v1/1000/accounts/1/bills?$top=2&$skip=2"
        );
        assert_eq!(
            base.resolve_link("/payex/ledger/x?$skip=2").unwrap(),
            "/ledger/x?$skip=2"
        );
        assert_eq!(base.resolve_link("/payexample/x").unwrap(), "/payexample/x");
        assert_eq!(
            base.resolve_link("http://127.0.0.1:7070/payex/ledger/y")
                .unwrap(),
            "/ledger/y"
        );
        let error = base
            .resolve_link("https://evil.example/ledger/y")
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument);
        assert!(base.resolve_link("//evil.example/ledger").is_err());
        assert!(base.resolve_link("ledger/relative").is_err());
    }
}
