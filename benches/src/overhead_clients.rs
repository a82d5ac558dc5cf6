//! The three clients the `overhead` group compares, each making the same two calls as a
//! merchant would write them: GET a PayEx account (decoded into
//! `mypages_models::payex::Account`), and POST a PSP payment (a JSON body, `204` back).
//!
//! - raw hyper 1: hyper-util's legacy pooled client over plain TCP, `serde_json`;
//! - reqwest (default features off: HTTP/1.1 over plain TCP), `serde_json`;
//! - the SDK: `payex-client`'s `accounts().get()` and `accounts().register_psp_payment()`.
//!
//! All three send the same request line, `Authorization` and `Accept` headers (and the POST
//! the same body and `Content-Type`); the SDK adds its `User-Agent`. The hand-written
//! clients build the URL with `format!` on every call, as the SDK builds its path.

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use http::{Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use mypages_models::payex::{Account, PspPayment};
use mypages_models::{Date, Decimal};
use payex_client::{PayexClient, SecretString};

/// The ledger of the calls.
const LEDGER: &str = "501";
/// The account of the calls.
const ACCOUNT_NO: &str = "6000001";
/// The bearer token all three send.
const TOKEN: &str = "bench-token";

/// One of the compared clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// hyper-util's legacy client and `serde_json`.
    Hyper,
    /// reqwest and `serde_json`.
    Reqwest,
    /// `payex-client`.
    Sdk,
}

impl Kind {
    /// The three, the baseline first.
    pub(crate) const ALL: [Kind; 3] = [Kind::Hyper, Kind::Reqwest, Kind::Sdk];

    /// The name in tables and on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Hyper => "hyper",
            Kind::Reqwest => "reqwest",
            Kind::Sdk => "payex-client",
        }
    }

    /// The kind named `name` (see [`Kind::name`]).
    pub(crate) fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// The call made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// GET the account and decode it.
    Get,
    /// POST a PSP payment; the answer is `204 No Content`.
    Post,
}

impl Op {
    /// Both calls.
    pub(crate) const ALL: [Op; 2] = [Op::Get, Op::Post];

    /// The name in tables and on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Op::Get => "GET",
            Op::Post => "POST",
        }
    }

    /// The call named `name` (see [`Op::name`]).
    pub(crate) fn parse(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// The three clients, each with its own connection pool, on one server.
pub(crate) struct Clients {
    base_url: String,
    authorization: HeaderValue,
    payment: PspPayment,
    hyper: HyperClient<HttpConnector, Full<Bytes>>,
    reqwest: reqwest::Client,
    sdk: PayexClient,
}

impl Clients {
    /// The clients of the server at `base_url` (`http://127.0.0.1:PORT`).
    pub(crate) fn new(base_url: &str) -> Result<Clients, String> {
        let mut connector = HttpConnector::new();
        // As the SDK and reqwest do: without it, small writes may wait for an ACK.
        connector.set_nodelay(true);
        let hyper = HyperClient::builder(TokioExecutor::new()).build(connector);
        let reqwest = reqwest::Client::builder()
            .build()
            .map_err(|e| format!("cannot build the reqwest client: {e}"))?;
        let sdk = PayexClient::builder()
            .base_url(base_url)
            .ledger(LEDGER)
            .token(SecretString::from(TOKEN))
            .build()
            .map_err(|e| format!("cannot build the payex client: {e}"))?;
        let authorization = HeaderValue::from_str(&format!("Bearer {TOKEN}"))
            .map_err(|e| format!("bad token header: {e}"))?;
        let date = Date::from_calendar_date(2026, time::Month::November, 20)
            .map_err(|e| format!("bad date: {e}"))?;
        Ok(Clients {
            base_url: base_url.to_owned(),
            authorization,
            payment: PspPayment::new(Decimal::new(125_050, 2), date, "psp-7781-2026".to_owned()),
            hyper,
            reqwest,
            sdk,
        })
    }

    /// Makes one `op` call with `kind`; `Err` says why it failed.
    pub(crate) async fn call(&self, kind: Kind, op: Op) -> Result<(), String> {
        match (kind, op) {
            (Kind::Hyper, Op::Get) => self.hyper_get().await.map(drop),
            (Kind::Hyper, Op::Post) => self.hyper_post().await,
            (Kind::Reqwest, Op::Get) => self.reqwest_get().await.map(drop),
            (Kind::Reqwest, Op::Post) => self.reqwest_post().await,
            (Kind::Sdk, Op::Get) => self
                .sdk
                .accounts()
                .get(ACCOUNT_NO)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            (Kind::Sdk, Op::Post) => self
                .sdk
                .accounts()
                .register_psp_payment(ACCOUNT_NO, &self.payment)
                .await
                .map_err(|e| e.to_string()),
        }
    }

    fn account_url(&self) -> String {
        format!(
            "{}/ledger/account/v1/{LEDGER}/accounts/{ACCOUNT_NO}",
            self.base_url
        )
    }

    fn payment_url(&self) -> String {
        format!(
            "{}/ledger/account/v1/{LEDGER}/accounts/{ACCOUNT_NO}/register-psp-payment",
            self.base_url
        )
    }

    async fn hyper_get(&self) -> Result<Account, String> {
        let uri: Uri = self.account_url().parse().map_err(|e| format!("{e}"))?;
        let request = Request::get(uri)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        let response = self
            .hyper
            .request(request)
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    async fn hyper_post(&self) -> Result<(), String> {
        let uri: Uri = self.payment_url().parse().map_err(|e| format!("{e}"))?;
        let body = serde_json::to_vec(&self.payment).map_err(|e| e.to_string())?;
        let request = Request::post(uri)
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let response = self
            .hyper
            .request(request)
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        response
            .into_body()
            .collect()
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    async fn reqwest_get(&self) -> Result<Account, String> {
        let response = self
            .reqwest
            .get(self.account_url())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    async fn reqwest_post(&self) -> Result<(), String> {
        let body = serde_json::to_vec(&self.payment).map_err(|e| e.to_string())?;
        let response = self
            .reqwest
            .post(self.payment_url())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        response.bytes().await.map(drop).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account_server::ACCOUNT;

    #[test]
    fn the_served_account_decodes_into_the_model() {
        let account: Account = serde_json::from_str(ACCOUNT).expect("the account decodes");
        assert_eq!(account.account_no, ACCOUNT_NO);
        assert_eq!(account.credit_limit, Some(Decimal::new(2_500_000, 2)));
    }

    #[test]
    fn kinds_and_ops_parse_back_from_their_names() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.name()), Some(kind));
        }
        for op in Op::ALL {
            assert_eq!(Op::parse(op.name()), Some(op));
        }
        assert_eq!(Kind::parse("curl"), None);
    }
}
