//! Faults on demand: failing statuses, `429` with `Retry-After`, added latency, dropped
//! connections and truncated bodies, per provider, method and path.
//!
//! Rules are set at start ([`SandboxBuilder::fault`](crate::SandboxBuilder::fault)), at run
//! time from Rust ([`RunningSandbox::add_fault`](crate::RunningSandbox::add_fault)) or over
//! HTTP on the admin routes:
//!
//! | route | effect |
//! |---|---|
//! | `GET /_admin/faults` | the active rules, as a JSON array |
//! | `POST /_admin/faults` | add a rule (JSON below); answers `201` with the rule and its `id` |
//! | `DELETE /_admin/faults` | remove every rule (`204`) |
//! | `DELETE /_admin/faults/{id}` | remove one rule (`204`, or `404`) |
//!
//! A rule in JSON (every field optional except the fault):
//!
//! ```json
//! {"provider": "payex", "method": "GET", "path": "/ledger/account/v1/1000/accounts/*",
//!  "fault": "status", "status": 503, "next": 2}
//! ```
//!
//! `fault` is one of `status` (with `status`, default 500), `too-many-requests` (with
//! `retryAfter` seconds, default 1), `latency` (with `latencyMs`), `drop` (close the
//! connection without answering) or `truncate` (answer with the first half of the body, its
//! `Content-Length` matching the cut, so the JSON is invalid). The trigger is `next` (the
//! next N matching requests, then the rule removes itself; deterministic, for tests), or
//! `rate` (a probability from 0 to 1 per request), or neither (every matching request).
//!
//! `path` is relative to the provider's root (`/ledger/...`, not `/payex/ledger/...`); a `*`
//! segment matches any one segment and a final `**` any rest. Without `provider`, `method`
//! or `path` the rule matches every value of that part.
//!
//! The same rule as one line, the form [`FaultRule::from_str`](std::str::FromStr) reads (for
//! command-line flags): `payex GET /ledger/account/v1/1000/accounts/* status=503 next=2`.
//! Tokens, separated by spaces: a provider (`avarda`, `payex`, `p4p` or `*`), then optionally
//! a method and a path (starting with `/`), then one fault (`status=CODE`,
//! `retry-after=SECS`, `latency-ms=MS`, `drop`, `truncate`) and optionally `rate=P` or
//! `next=N`.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::server::{ConnInfo, Shared, lock};
use crate::wire::{self, BodyError, JsonObject};

/// One of the three simulated providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Provider {
    /// Avarda MyPages API, served under `/avarda`.
    Avarda,
    /// PayEx Ledger Account API, served under `/payex`.
    Payex,
    /// Payments for Programmers (PayFunc) account API, served under `/p4p`.
    P4p,
}

impl Provider {
    /// The provider's name as used in paths, rules and JSON (`avarda`, `payex`, `p4p`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avarda => "avarda",
            Self::Payex => "payex",
            Self::P4p => "p4p",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Provider {
    type Err = FaultParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "avarda" => Ok(Self::Avarda),
            "payex" => Ok(Self::Payex),
            "p4p" | "payfunc" => Ok(Self::P4p),
            _ => Err(FaultParseError(format!(
                "unknown provider {text:?}; use avarda, payex or p4p"
            ))),
        }
    }
}

/// What a fault does to a matching request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status (`500`, `503`, ...) in the provider's error format.
    Status(u16),
    /// Answer `429 Too Many Requests` with `Retry-After` set to this many seconds.
    TooManyRequests {
        /// Seconds in the `Retry-After` header.
        retry_after_secs: u64,
    },
    /// Wait this long, then answer normally (combines with the other kinds).
    Latency(Duration),
    /// Close the connection without sending a response.
    Drop,
    /// Answer with the first half of the real body (the JSON no longer parses).
    Truncate,
}

/// When a rule fires.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Trigger {
    /// On every matching request.
    Always,
    /// On each matching request with this probability (0 to 1).
    Rate(f64),
    /// On the next N matching requests, then the rule removes itself.
    Next(u32),
}

/// A fault and the requests it applies to.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct FaultRule {
    /// The provider it applies to; `None` for all.
    pub provider: Option<Provider>,
    /// The HTTP method it applies to; `None` for all.
    pub method: Option<Method>,
    /// The path pattern (relative to the provider root) it applies to; `None` for all.
    pub path: Option<String>,
    /// What happens.
    pub kind: FaultKind,
    /// When it happens.
    pub trigger: Trigger,
}

impl FaultRule {
    /// A rule applying `kind` to every request of every provider; narrow it with the other
    /// methods: `FaultRule::new(FaultKind::Status(503)).provider(Provider::Payex).next(2)`.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            provider: None,
            method: None,
            path: None,
            kind,
            trigger: Trigger::Always,
        }
    }

    /// Applies only to this provider.
    pub fn provider(mut self, provider: Provider) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Applies only to this method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Applies only to paths matching this pattern (relative to the provider root; `*` is one
    /// segment, a final `**` any rest).
    pub fn path(mut self, pattern: impl Into<String>) -> Self {
        self.path = Some(pattern.into());
        self
    }

    /// Fires on the next `n` matching requests only.
    pub fn next(mut self, n: u32) -> Self {
        self.trigger = Trigger::Next(n);
        self
    }

    /// Fires with probability `rate` (clamped to 0..=1).
    pub fn rate(mut self, rate: f64) -> Self {
        self.trigger = Trigger::Rate(if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        });
        self
    }

    fn matches(&self, provider: Provider, method: &Method, path: &str) -> bool {
        self.provider.is_none_or(|p| p == provider)
            && self.method.as_ref().is_none_or(|m| m == method)
            && self
                .path
                .as_deref()
                .is_none_or(|pattern| path_matches(pattern, path))
    }

    fn validate(&self) -> Result<(), FaultParseError> {
        if let FaultKind::Status(code) = self.kind
            && !(400..=599).contains(&code)
        {
            return Err(FaultParseError(format!(
                "status {code} is not an error status; use 400 to 599"
            )));
        }
        if let Some(path) = &self.path
            && !path.starts_with('/')
        {
            return Err(FaultParseError(format!(
                "path {path:?} must start with '/'"
            )));
        }
        Ok(())
    }
}

/// `*` matches one segment, a final `**` any rest (including nothing).
fn path_matches(pattern: &str, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let mut want = pattern.trim_end_matches('/').split('/');
    let mut have = path.split('/');
    loop {
        match (want.next(), have.next()) {
            (Some("**"), _) => return true,
            (Some(w), Some(h)) if w == "*" || w.eq_ignore_ascii_case(h) => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// A fault rule that could not be read; the message says which part and what to write.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault rule: {0}")]
pub struct FaultParseError(String);

impl FromStr for FaultRule {
    type Err = FaultParseError;

    /// Reads the one-line form: `payex GET /ledger/** status=503 next=2`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut provider = None;
        let mut method = None;
        let mut path = None;
        let mut kind = None;
        let mut trigger = Trigger::Always;
        for (index, token) in text.split_whitespace().enumerate() {
            let (key, value) = token.split_once('=').unwrap_or((token, ""));
            let number = |what: &str| -> Result<u64, FaultParseError> {
                value
                    .parse()
                    .map_err(|_| FaultParseError(format!("{what} needs a whole number: {token:?}")))
            };
            match key.to_ascii_lowercase().as_str() {
                "*" if index == 0 => {}
                "status" => {
                    kind = Some(FaultKind::Status(
                        u16::try_from(number("status")?).unwrap_or(0),
                    ))
                }
                "retry-after" => {
                    kind = Some(FaultKind::TooManyRequests {
                        retry_after_secs: number("retry-after")?,
                    })
                }
                "latency-ms" => {
                    kind = Some(FaultKind::Latency(Duration::from_millis(number(
                        "latency-ms",
                    )?)))
                }
                "drop" => kind = Some(FaultKind::Drop),
                "truncate" => kind = Some(FaultKind::Truncate),
                "next" => {
                    trigger = Trigger::Next(u32::try_from(number("next")?).unwrap_or(u32::MAX))
                }
                "rate" => {
                    let rate: f64 = value.parse().map_err(|_| {
                        FaultParseError(format!("rate needs a number from 0 to 1: {token:?}"))
                    })?;
                    if !(0.0..=1.0).contains(&rate) {
                        return Err(FaultParseError(format!(
                            "rate must be from 0 to 1: {token:?}"
                        )));
                    }
                    trigger = Trigger::Rate(rate);
                }
                _ if index == 0 => provider = Some(token.parse()?),
                _ if token.starts_with('/') => path = Some(token.to_owned()),
                _ if method.is_none() && token.chars().all(|c| c.is_ascii_alphabetic()) => {
                    method = Some(
                        Method::from_bytes(token.to_ascii_uppercase().as_bytes())
                            .map_err(|_| FaultParseError(format!("bad method {token:?}")))?,
                    );
                }
                _ => {
                    return Err(FaultParseError(format!(
                        "unexpected {token:?}; write e.g. \"payex GET /ledger/** status=503 next=2\""
                    )));
                }
            }
        }
        let kind = kind.ok_or_else(|| {
            FaultParseError(
                "no fault given; add one of status=CODE, retry-after=SECS, latency-ms=MS, drop, truncate".into(),
            )
        })?;
        let rule = FaultRule {
            provider,
            method,
            path,
            kind,
            trigger,
        };
        rule.validate()?;
        Ok(rule)
    }
}

/// The id of an active rule, for removing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FaultId(pub u64);

/// The active rules.
#[derive(Debug)]
pub(crate) struct FaultTable {
    rules: Vec<(FaultId, FaultRule)>,
    next_id: u64,
    rng: fastrand::Rng,
}

/// What the middleware must do for one request.
#[derive(Debug, Default)]
struct Decision {
    latency: Duration,
    failure: Option<FaultKind>,
}

impl FaultTable {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            rules: Vec::new(),
            next_id: 1,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    pub(crate) fn add(&mut self, rule: FaultRule) -> FaultId {
        let id = FaultId(self.next_id);
        self.next_id += 1;
        self.rules.push((id, rule));
        id
    }

    pub(crate) fn remove(&mut self, id: FaultId) -> bool {
        let before = self.rules.len();
        self.rules.retain(|(rule_id, _)| *rule_id != id);
        self.rules.len() != before
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    fn decide(&mut self, provider: Provider, method: &Method, path: &str) -> Decision {
        let mut decision = Decision::default();
        let mut spent = Vec::new();
        for (id, rule) in &mut self.rules {
            if !rule.matches(provider, method, path) {
                continue;
            }
            // A failure already chosen: later failure rules do not fire (nor use up a count).
            let is_latency = matches!(rule.kind, FaultKind::Latency(_));
            if decision.failure.is_some() && !is_latency {
                continue;
            }
            let fires = match &mut rule.trigger {
                Trigger::Always => true,
                Trigger::Rate(rate) => self.rng.f64() < *rate,
                Trigger::Next(left) => {
                    // `next: 0` never fires; the last of N removes the rule.
                    let fires = *left > 0;
                    *left = left.saturating_sub(1);
                    if *left == 0 {
                        spent.push(*id);
                    }
                    fires
                }
            };
            if !fires {
                continue;
            }
            match rule.kind {
                FaultKind::Latency(delay) => decision.latency += delay,
                other => decision.failure = Some(other),
            }
        }
        self.rules.retain(|(id, _)| !spent.contains(id));
        decision
    }

    fn list(&self) -> Vec<FaultSpec> {
        self.rules
            .iter()
            .map(|(id, rule)| FaultSpec::from_rule(*id, rule))
            .collect()
    }
}

/// A rule as JSON on the admin routes.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct FaultSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<FaultId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<Provider>,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    fault: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<u32>,
}

impl FaultSpec {
    fn from_rule(id: FaultId, rule: &FaultRule) -> Self {
        let mut spec = FaultSpec {
            id: Some(id),
            provider: rule.provider,
            method: rule.method.as_ref().map(ToString::to_string),
            path: rule.path.clone(),
            ..FaultSpec::default()
        };
        match rule.kind {
            FaultKind::Status(code) => {
                spec.fault = "status";
                spec.status = Some(code);
            }
            FaultKind::TooManyRequests { retry_after_secs } => {
                spec.fault = "too-many-requests";
                spec.retry_after = Some(retry_after_secs);
            }
            FaultKind::Latency(delay) => {
                spec.fault = "latency";
                spec.latency_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
            }
            FaultKind::Drop => spec.fault = "drop",
            FaultKind::Truncate => spec.fault = "truncate",
        }
        match rule.trigger {
            Trigger::Always => {}
            Trigger::Rate(rate) => spec.rate = Some(rate),
            Trigger::Next(n) => spec.next = Some(n),
        }
        spec
    }
}

/// Reads a rule from its JSON form.
fn rule_from_json(body: &Bytes) -> Result<FaultRule, BodyError> {
    let object = JsonObject::from_body(body, false)?;
    let bad = |field: &str, message: String| BodyError::field(field, message);
    let fault = object.non_empty_str("fault")?;
    let kind = match fault.as_str() {
        "status" => {
            let code = object.opt_i64("status")?.unwrap_or(500);
            FaultKind::Status(
                u16::try_from(code).map_err(|_| bad("status", "must be 400 to 599".into()))?,
            )
        }
        "too-many-requests" => FaultKind::TooManyRequests {
            retry_after_secs: u64::try_from(object.opt_i64("retryAfter")?.unwrap_or(1))
                .map_err(|_| bad("retryAfter", "must not be negative".into()))?,
        },
        "latency" => FaultKind::Latency(Duration::from_millis(
            u64::try_from(
                object
                    .opt_i64("latencyMs")?
                    .ok_or_else(|| bad("latencyMs", "is required".into()))?,
            )
            .map_err(|_| bad("latencyMs", "must not be negative".into()))?,
        )),
        "drop" => FaultKind::Drop,
        "truncate" => FaultKind::Truncate,
        other => {
            return Err(bad(
                "fault",
                format!(
                    "unknown fault {other:?}; use status, too-many-requests, latency, drop or truncate"
                ),
            ));
        }
    };
    let mut rule = FaultRule::new(kind);
    if let Some(provider) = object.opt_str("provider")? {
        rule.provider = Some(
            provider
                .parse()
                .map_err(|err: FaultParseError| bad("provider", err.0))?,
        );
    }
    if let Some(method) = object.opt_str("method")? {
        rule.method = Some(
            Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| bad("method", format!("{method:?} is not an HTTP method")))?,
        );
    }
    rule.path = object.opt_str("path")?;
    if let Some(n) = object.opt_i64("next")? {
        rule.trigger =
            Trigger::Next(u32::try_from(n).map_err(|_| bad("next", "must be 0 or more".into()))?);
    } else if let Some(rate) = object.opt_decimal("rate")? {
        let rate: f64 = rate.to_string().parse().unwrap_or(-1.0);
        if !(0.0..=1.0).contains(&rate) {
            return Err(bad("rate", "must be from 0 to 1".into()));
        }
        rule.trigger = Trigger::Rate(rate);
    }
    rule.validate().map_err(|err| bad("", err.0))?;
    Ok(rule)
}

fn admin_error(status: StatusCode, message: &str) -> Response {
    wire::json(status, &serde_json::json!({ "error": message }))
}

/// `GET /_admin/faults`.
pub(crate) async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    let list = lock(&shared.faults).list();
    wire::json(StatusCode::OK, &list)
}

/// `POST /_admin/faults`.
pub(crate) async fn add_fault(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match rule_from_json(&body) {
        Ok(rule) => {
            let mut table = lock(&shared.faults);
            let id = table.add(rule.clone());
            wire::json(StatusCode::CREATED, &FaultSpec::from_rule(id, &rule))
        }
        Err(err) => {
            let message = match err.field_name() {
                "" => err.message().to_owned(),
                field => format!("{field} {}", err.message()),
            };
            admin_error(StatusCode::BAD_REQUEST, &message)
        }
    }
}

/// `DELETE /_admin/faults`.
pub(crate) async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    lock(&shared.faults).clear();
    wire::no_content()
}

/// `DELETE /_admin/faults/{id}`.
pub(crate) async fn remove_fault(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<u64>, axum::extract::rejection::PathRejection>,
) -> Response {
    let Ok(Path(id)) = id else {
        return admin_error(
            StatusCode::BAD_REQUEST,
            "the fault id must be a whole number",
        );
    };
    if lock(&shared.faults).remove(FaultId(id)) {
        wire::no_content()
    } else {
        admin_error(StatusCode::NOT_FOUND, "no active fault rule has this id")
    }
}

/// Unknown admin route.
pub(crate) async fn admin_not_found() -> Response {
    admin_error(
        StatusCode::NOT_FOUND,
        "unknown admin route; see GET/POST/DELETE /_admin/faults",
    )
}

/// State of the fault middleware of one provider.
#[derive(Clone)]
pub(crate) struct FaultLayerState {
    pub(crate) shared: Arc<Shared>,
    pub(crate) provider: Provider,
}

/// The middleware that applies the rules to the requests of one provider.
pub(crate) async fn apply_faults(
    State(ctx): State<FaultLayerState>,
    request: Request,
    next: Next,
) -> Response {
    let decision = {
        let mut table = lock(&ctx.shared.faults);
        table.decide(ctx.provider, request.method(), request.uri().path())
    };
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    match decision.failure {
        None => next.run(request).await,
        Some(FaultKind::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            crate::server::provider_error(
                ctx.provider,
                status,
                "the sandbox injected this failure (fault rule)",
            )
        }
        Some(FaultKind::TooManyRequests { retry_after_secs }) => {
            let mut response = crate::server::provider_error(
                ctx.provider,
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests (sandbox fault rule); retry after the time in Retry-After",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            response
        }
        Some(FaultKind::Drop) => {
            if let Some(ConnectInfo(conn)) = request.extensions().get::<ConnectInfo<ConnInfo>>() {
                conn.kill.store(true, Ordering::SeqCst);
            }
            // The connection refuses every write from now on, so this is never sent.
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Some(FaultKind::Truncate) => {
            let response = next.run(request).await;
            let (mut parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(cut.len()));
            Response::from_parts(parts, Body::from(cut))
        }
        Some(FaultKind::Latency(_)) => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_segments() {
        assert!(path_matches(
            "/ledger/**",
            "/ledger/account/v1/1000/accounts"
        ));
        assert!(path_matches(
            "/ledger/account/v1/*/accounts",
            "/ledger/account/v1/1000/accounts/"
        ));
        assert!(!path_matches(
            "/ledger/account/v1/*/accounts",
            "/ledger/account/v1/1000/accounts/1"
        ));
        assert!(path_matches("/Invoices", "/invoices"));
    }

    #[test]
    fn one_line_rules_parse() {
        let rule: FaultRule = "payex GET /ledger/** status=503 next=2".parse().unwrap();
        assert_eq!(rule.provider, Some(Provider::Payex));
        assert_eq!(rule.method, Some(Method::GET));
        assert_eq!(rule.kind, FaultKind::Status(503));
        assert_eq!(rule.trigger, Trigger::Next(2));
        let rule: FaultRule = "* retry-after=3 rate=0.5".parse().unwrap();
        assert_eq!(rule.provider, None);
        assert_eq!(
            rule.kind,
            FaultKind::TooManyRequests {
                retry_after_secs: 3
            }
        );
        assert!("payex".parse::<FaultRule>().is_err());
        assert!("payex status=200".parse::<FaultRule>().is_err());
        assert!("mars drop".parse::<FaultRule>().is_err());
    }

    #[test]
    fn next_n_fires_n_times_then_goes() {
        let mut table = FaultTable::new(1);
        table.add(
            FaultRule::new(FaultKind::Status(500))
                .provider(Provider::P4p)
                .next(2),
        );
        for _ in 0..2 {
            assert_eq!(
                table
                    .decide(Provider::P4p, &Method::GET, "/account")
                    .failure,
                Some(FaultKind::Status(500))
            );
        }
        assert_eq!(
            table
                .decide(Provider::P4p, &Method::GET, "/account")
                .failure,
            None
        );
        assert!(table.rules.is_empty());
        table.add(FaultRule::new(FaultKind::Status(500)).next(0));
        let decision = table.decide(Provider::P4p, &Method::GET, "/account");
        assert_eq!(decision.failure, None, "next: 0 never fires");
        assert!(table.rules.is_empty());
    }
}
