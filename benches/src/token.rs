//! The token cache: what a call costs with a cached, expiring token (`CachedToken`) against
//! a static one (`StaticToken`), alone and as part of a GET; and what the first call of a
//! new Avarda client pays for fetching its partner token.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use avarda_client::{AvardaClient, Customer, TokenProvider};
use futures_util::StreamExt;
use futures_util::stream;
use mypages_sandbox::credentials::{
    AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET, AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID,
    PAYEX_LEDGER, PAYEX_TOKEN,
};
use mypages_transport::{CachedToken, ExpiringToken, StaticToken, TokenSource};
use payex_client::{PayexClient, SecretString};

use crate::e2e::{self, Failures, PAYEX_ACCOUNT};
use crate::harness::{self, Budget, Measured};
use crate::report::{self, Row};
use crate::sandbox_process::SandboxProcess;

/// A cache whose fetcher hands out the sandbox's PayEx token, valid for an hour, counting
/// how often it runs.
fn counting_cache() -> (CachedToken, Arc<AtomicUsize>) {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let cache = CachedToken::new(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        async {
            Ok(ExpiringToken::new(
                SecretString::from(PAYEX_TOKEN),
                Duration::from_secs(3600),
            ))
        }
    });
    (cache, fetches)
}

fn payex_with(sandbox: &SandboxProcess, source: CachedToken) -> Result<PayexClient, String> {
    PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(PAYEX_LEDGER)
        .token_source(source)
        .build()
        .map_err(|e| e.to_string())
}

/// Every token case.
pub(crate) async fn run(budget: Budget, quick: bool) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();

    // The sources alone.
    let fixed = StaticToken::new(SecretString::from(PAYEX_TOKEN));
    let (cache, _) = counting_cache();
    cache.token().await.map_err(|e| e.to_string())?;
    let measured = harness::batched(budget, || fixed.token()).await;
    rows.push(Row::timed("StaticToken::token()", &measured).note(batch_note(&measured)));
    let measured = harness::batched(budget, || cache.token()).await;
    rows.push(
        Row::timed("CachedToken::token(), token cached", &measured).note(batch_note(&measured)),
    );

    // A PayEx GET with each, call by call in turn (A B B A ...), so a change in the
    // machine's load hits both alike.
    let sandbox = SandboxProcess::start(5, 12)?;
    let with_static = e2e::payex(&sandbox)?;
    let (cache, fetches) = counting_cache();
    let with_cache = payex_with(&sandbox, cache)?;
    let calls = if quick { 200 } else { 4_000 };
    let failed = Failures::default();
    let get = |client: &PayexClient| {
        let client = client.clone();
        failed.count(async move { client.accounts().get(PAYEX_ACCOUNT).await })
    };
    let warm_up = Duration::from_millis(if quick { 100 } else { 1_000 });
    harness::each(warm_up, 10, || get(&with_static)).await;
    harness::each(warm_up, 10, || get(&with_cache)).await;
    let (mut static_times, mut cached_times) = (Vec::new(), Vec::new());
    for call in 0..calls {
        if call % 2 == 0 {
            static_times.extend(harness::times(1, || get(&with_static)).await);
            cached_times.extend(harness::times(1, || get(&with_cache)).await);
        } else {
            cached_times.extend(harness::times(1, || get(&with_cache)).await);
            static_times.extend(harness::times(1, || get(&with_static)).await);
        }
    }
    let static_get = Measured::of(static_times, 1);
    let cached_get = Measured::of(cached_times, 1);
    let note = format!(
        "{} calls, in turn with the other row's",
        report::grouped(calls as f64)
    );
    rows.push(
        Row::timed("payex GET account, StaticToken", &static_get)
            .note(&note)
            .note(failed.note()),
    );
    rows.push(
        Row::timed("payex GET account, CachedToken (cached)", &cached_get)
            .note(&note)
            .note(format!(
                "fetcher ran {} time(s); median {:+.1}% vs static",
                fetches.load(Ordering::Relaxed),
                (cached_get.median.as_secs_f64() / static_get.median.as_secs_f64() - 1.0) * 100.0
            )),
    );

    // Single flight: many first calls at once on a cold cache fetch once.
    let (cache, fetches) = counting_cache();
    let cold = payex_with(&sandbox, cache)?;
    let concurrent = 100;
    let started = Instant::now();
    let ok = stream::iter(0..concurrent)
        .map(|_| get(&cold))
        .buffer_unordered(concurrent)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    rows.push(Row {
        case: format!("{concurrent} concurrent first calls on a cold CachedToken"),
        median: report::duration(started.elapsed()),
        notes: format!(
            "time for all {concurrent}; {ok} succeeded; fetcher ran {} time(s)",
            fetches.load(Ordering::Relaxed)
        ),
        ..Row::default()
    });

    // Avarda: the first call of a new client fetches the partner token (POST /auth/token).
    let customer = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);
    let avarda = || {
        AvardaClient::builder()
            .base_url(sandbox.avarda_url())
            .credentials(AVARDA_CLIENT_ID, AVARDA_CLIENT_SECRET)
            .build()
            .map_err(|e| e.to_string())
    };
    let samples = if quick { 20 } else { 200 };
    let mut first_calls = Vec::with_capacity(samples);
    for _ in 0..samples {
        let client = avarda()?;
        let started = Instant::now();
        client
            .invoices()
            .list(&customer, AVARDA_PURCHASE_ID)
            .await
            .map_err(|e| format!("an Avarda call failed, so nothing was measured: {e}"))?;
        first_calls.push(started.elapsed());
    }
    let first = Measured::of(first_calls, 1);
    rows.push(
        Row::timed(
            "avarda GET invoices, first call of a new client (token fetch + GET)",
            &first,
        )
        .note(format!(
            "{samples} new clients; includes opening a connection"
        )),
    );
    let mut baseline = Vec::with_capacity(samples);
    for _ in 0..samples {
        let client = e2e::payex(&sandbox)?;
        let started = Instant::now();
        client
            .accounts()
            .get(PAYEX_ACCOUNT)
            .await
            .map_err(|e| format!("a PayEx call failed, so nothing was measured: {e}"))?;
        baseline.push(started.elapsed());
    }
    rows.push(
        Row::timed(
            "baseline: payex GET account, first call of a new client (StaticToken)",
            &Measured::of(baseline, 1),
        )
        .note(format!(
            "{samples} new clients; the connection cost without a token fetch"
        )),
    );
    let client = avarda()?;
    let warm = harness::each(warm_up, samples, || {
        client.invoices().list(&customer, AVARDA_PURCHASE_ID)
    })
    .await;
    rows.push(
        Row::timed("avarda GET invoices, later calls (token cached)", &warm)
            .note(format!("{samples} calls on one client after warm-up")),
    );
    Ok(rows)
}

fn batch_note(measured: &Measured) -> String {
    format!(
        "{} samples of {} calls; no I/O",
        measured.samples,
        report::grouped(f64::from(measured.batch))
    )
}
