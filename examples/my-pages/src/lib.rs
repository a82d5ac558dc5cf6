//! A reference "My Pages" web app on the mypages SDK: what a shopper owes at Avarda, PayEx
//! and Payments for Programmers (PayFunc), and where they pay, as server-rendered pages
//! that work without JavaScript.
//!
//! `cargo run -p my-pages` serves it on the embedded sandbox; `--config FILE` points it at
//! real providers with the same file as `mypages overview`. See the crate README.
//!
//! - [`providers`]: every call to the SDK (the one module to change when the SDK changes);
//! - `routes`: the handlers, `views`: the maud templates, `session`: cookie and CSRF.

mod config;
pub mod providers;
mod routes;
mod session;
mod views;

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

use crate::providers::Providers;
use crate::session::Sessions;

/// What every handler shares.
pub(crate) struct AppState {
    providers: Providers,
    sessions: Sessions,
    /// The app's public root (`http://127.0.0.1:8080`), without a trailing slash: where
    /// providers send the shopper back to.
    public_url: String,
}

/// The app: its providers, sessions and public URL.
#[derive(Clone)]
pub struct App {
    state: Arc<AppState>,
}

impl App {
    /// The app on `providers`, served at `public_url` (the root a browser uses, e.g.
    /// `http://127.0.0.1:8080`). The session cookie is `Secure` unless that URL is on
    /// loopback.
    pub fn new(providers: Providers, public_url: &str) -> Result<Self, String> {
        let public_url = public_url.trim_end_matches('/').to_owned();
        let sessions = Sessions::new(!is_loopback(&public_url))?;
        Ok(Self {
            state: Arc::new(AppState {
                providers,
                sessions,
                public_url,
            }),
        })
    }

    /// The app on the providers a config file names (the TOML of `mypages overview
    /// --config`), with credentials from the environment variables the file names.
    pub fn from_config(config: &Path, public_url: &str) -> Result<Self, String> {
        let config = config::Config::load(config)?;
        Self::new(Providers::from_config(&config)?, public_url)
    }

    /// The routes, ready to serve.
    pub fn router(&self) -> Router {
        routes::router(self.state.clone())
    }

    /// Serves the app on `listener` until `shutdown` completes, then lets the requests in
    /// flight finish.
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Whether the URL's host is a loopback address (`127.0.0.0/8`, `localhost`, `[::1]`).
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default().to_owned()
    };
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_hosts_are_told_apart_from_others() {
        assert!(is_loopback("http://127.0.0.1:8080"));
        assert!(is_loopback("http://localhost:3000/x"));
        assert!(is_loopback("http://[::1]:8080"));
        assert!(!is_loopback("https://shop.example/my-pages"));
        assert!(!is_loopback("https://127.0.0.1.example.com"));
    }
}
