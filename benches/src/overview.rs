//! The reference web app's overview (`examples/my-pages`): the server time of `GET /`,
//! which asks Avarda, PayEx and PayFunc at once (sandbox on loopback) and renders the page.
//!
//! The request goes straight into the app's router (no socket on the app's side), so the
//! time is the server's: the three providers' calls through the SDK, concurrently, and the
//! rendering. The sandbox runs in this process, on the same runtime.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use my_pages::App;
use my_pages::providers::Providers;
use mypages_sandbox::Sandbox;
use tower::ServiceExt;

use crate::harness::{self, Measured};
use crate::report::{self, Row};

/// `GET /` over and over, one at a time: p50, p90 and p99.
pub(crate) async fn run(quick: bool) -> Result<Vec<Row>, String> {
    let sandbox = Sandbox::builder()
        .start()
        .await
        .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    let app = App::new(Providers::sandbox(&sandbox)?, "http://127.0.0.1:8080")?;
    let router = app.router();
    let overview = || {
        let router = router.clone();
        async move {
            let request = Request::get("/")
                .body(Body::empty())
                .map_err(|e| e.to_string())?;
            let response = router.oneshot(request).await.map_err(|e| e.to_string())?;
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&body);
            if status != StatusCode::OK || text.contains("class=\"notice\"") {
                return Err(format!(
                    "the overview did not show every provider ({status})"
                ));
            }
            Ok::<usize, String>(body.len())
        }
    };
    overview().await?;
    let calls = if quick { 100 } else { 1_000 };
    let warm_up = Duration::from_millis(if quick { 100 } else { 1_000 });
    let started = Instant::now();
    while started.elapsed() < warm_up {
        overview().await?;
    }
    let failed = std::cell::Cell::new(0usize);
    let mut times = harness::times(calls, || async {
        if overview().await.is_err() {
            failed.set(failed.get() + 1);
        }
    })
    .await;
    let failed = failed.get();
    times.sort_unstable();
    let p99 = harness::percentile(&times, 99);
    let measured = Measured::of(times, 1);
    let mut row = Row::timed("GET / (overview), three providers at once", &measured)
        .throughput(report::per_s(1, measured.median, "pages"))
        .note(format!("p99 {}", report::duration(p99)))
        .note(format!(
            "{} requests after warm-up, one at a time; a new session each",
            report::grouped(calls as f64)
        ));
    if failed > 0 {
        row = row.note(format!(
            "{failed} requests FAILED (their times are included)"
        ));
    }
    sandbox
        .shutdown()
        .await
        .map_err(|e| format!("the sandbox did not stop cleanly: {e}"))?;
    Ok(vec![row])
}
