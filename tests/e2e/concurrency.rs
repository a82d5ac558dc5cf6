//! The fault suite under concurrency (issue 14): 32 concurrent callers per client against
//! the sandbox's faults. Every call ends in a success or a correctly classified error,
//! nothing panics, no money-moving call is sent twice, a total outage costs at most the
//! retry budget in extra requests, and each partner-token expiry causes exactly one fetch.
//!
//! The errors are judged by what every client's error says the same way
//! (`may_have_reached_server`, `is_transient`, `status`) and by the requests the sandbox
//! counted, not by kind names.

use std::future::Future;
use std::time::Duration;

use avarda_client::{Customer, TokenProvider};
use http::Method;
use mypages_sandbox::credentials::{AVARDA_CUSTOMER_TOKEN, AVARDA_PURCHASE_ID, P4P_ACCOUNT_ID};
use mypages_sandbox::{FaultKind, Provider, RunningSandbox, Sandbox};
use p4p_client::models::AccountId;
use payex_client::models::PspPayment;

use crate::support::{self, RequestCounter, TODAY, dec, fault};

/// Callers per client.
const CALLERS: usize = 32;
const MAIN: &str = "5000001";
const PAYMENT_PATH: &str = "/ledger/account/v1/1000/accounts/5000001/register-psp-payment";

/// How a call ended, in the terms every client's error shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    Failed {
        transient: bool,
        maybe_sent: bool,
        status: Option<u16>,
    },
}

macro_rules! outcome_of {
    ($result:expr) => {
        match $result {
            Ok(_) => Outcome::Ok,
            Err(error) => Outcome::Failed {
                transient: error.is_transient(),
                maybe_sent: error.may_have_reached_server(),
                status: error.status().map(|status| status.as_u16()),
            },
        }
    };
}

/// Runs `call` from `CALLERS` spawned tasks at once; a panic in any fails the test.
async fn concurrently<F, Fut>(call: F) -> Vec<Outcome>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    let tasks: Vec<_> = (0..CALLERS).map(|_| tokio::spawn(call())).collect();
    let mut outcomes = Vec::with_capacity(CALLERS);
    for task in tasks {
        outcomes.push(task.await.expect("no caller panics"));
    }
    outcomes
}

/// 32 concurrent reads at each client: PayEx account, PayFunc account, Avarda invoices.
async fn reads_at_every_client(sandbox: &RunningSandbox) -> Vec<Outcome> {
    let payex = support::payex(sandbox);
    let p4p = support::p4p(sandbox);
    let avarda = support::avarda(sandbox);
    let mut outcomes = concurrently(|| {
        let payex = payex.clone();
        async move { outcome_of!(payex.accounts().get(MAIN).await) }
    })
    .await;
    outcomes.extend(
        concurrently(|| {
            let p4p = p4p.clone();
            async move {
                let id = AccountId::new(P4P_ACCOUNT_ID).unwrap();
                outcome_of!(p4p.accounts().get(&id).await)
            }
        })
        .await,
    );
    outcomes.extend(
        concurrently(|| {
            let avarda = avarda.clone();
            async move {
                let customer = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);
                outcome_of!(avarda.invoices().list(&customer, AVARDA_PURCHASE_ID).await)
            }
        })
        .await,
    );
    outcomes
}

/// Adds `kind` on every GET of every provider, at `rate`.
fn on_every_read(sandbox: &RunningSandbox, kind: FaultKind, rate: f64) {
    for provider in [Provider::Payex, Provider::P4p, Provider::Avarda] {
        sandbox.add_fault(fault(provider, Method::GET, "/**", kind).rate(rate));
    }
}

/// Asserts every outcome is a success or matches `expected`, and that some failed.
fn assert_classified(outcomes: &[Outcome], expected: impl Fn(&Outcome) -> bool, what: &str) {
    for outcome in outcomes {
        assert!(
            *outcome == Outcome::Ok || expected(outcome),
            "{what}: {outcome:?}"
        );
    }
    assert_eq!(outcomes.len(), 3 * CALLERS);
}

#[tokio::test]
async fn bursts_of_503_end_in_successes_or_transient_503s() {
    let sandbox = support::sandbox().await;
    on_every_read(&sandbox, FaultKind::Status(503), 0.4);
    let outcomes = reads_at_every_client(&sandbox).await;
    assert_classified(
        &outcomes,
        |o| {
            *o == Outcome::Failed {
                transient: true,
                maybe_sent: true,
                status: Some(503),
            }
        },
        "503 burst",
    );
    // With three attempts at 40 %, most calls get through.
    let ok = outcomes.iter().filter(|o| **o == Outcome::Ok).count();
    assert!(ok > outcomes.len() / 2, "{ok} of {}", outcomes.len());
}

#[tokio::test]
async fn a_429_storm_is_waited_out_as_retry_after_asks() {
    let sandbox = support::sandbox().await;
    let counter = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, "/**");
    sandbox.add_fault(
        fault(
            Provider::Payex,
            Method::GET,
            "/**",
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
        )
        .next(CALLERS as u32),
    );
    let payex = support::payex(&sandbox);
    let started = std::time::Instant::now();
    let outcomes = concurrently(|| {
        let payex = payex.clone();
        async move { outcome_of!(payex.accounts().get(MAIN).await) }
    })
    .await;
    assert!(outcomes.iter().all(|o| *o == Outcome::Ok), "{outcomes:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert_eq!(counter.count().await, 2 * CALLERS as u32, "one retry each");
}

#[tokio::test]
async fn answers_slower_than_the_attempt_timeout_end_as_transient_timeouts() {
    let sandbox = support::sandbox().await;
    on_every_read(
        &sandbox,
        FaultKind::Latency(Duration::from_millis(800)),
        0.4,
    );
    let payex = payex_client::PayexClient::builder()
        .base_url(sandbox.payex_url())
        .ledger(mypages_sandbox::credentials::PAYEX_LEDGER)
        .token(mypages_sandbox::credentials::PAYEX_TOKEN.into())
        .transport(|t| {
            t.retry(support::fast_retries())
                .attempt_timeout(Duration::from_millis(300))
        })
        .build()
        .unwrap();
    let outcomes = concurrently(|| {
        let payex = payex.clone();
        async move { outcome_of!(payex.accounts().get(MAIN).await) }
    })
    .await;
    for outcome in &outcomes {
        assert!(
            *outcome == Outcome::Ok
                || *outcome
                    == Outcome::Failed {
                        transient: true,
                        maybe_sent: true,
                        status: None,
                    },
            "{outcome:?}"
        );
    }
}

#[tokio::test]
async fn connections_dropped_mid_answer_end_as_transient_failures() {
    let sandbox = support::sandbox().await;
    on_every_read(&sandbox, FaultKind::Drop, 0.4);
    let outcomes = reads_at_every_client(&sandbox).await;
    assert_classified(
        &outcomes,
        |o| {
            *o == Outcome::Failed {
                transient: true,
                maybe_sent: true,
                status: None,
            }
        },
        "dropped connection",
    );
}

#[tokio::test]
async fn truncated_bodies_end_as_decode_failures_that_are_not_retried() {
    let sandbox = support::sandbox().await;
    let counter = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, "/**");
    on_every_read(&sandbox, FaultKind::Truncate, 0.4);
    let outcomes = reads_at_every_client(&sandbox).await;
    assert_classified(
        &outcomes,
        |o| {
            matches!(
                o,
                Outcome::Failed {
                    transient: false,
                    maybe_sent: true,
                    ..
                }
            )
        },
        "truncated body",
    );
    assert_eq!(
        counter.count().await,
        CALLERS as u32,
        "a bad body is not retried"
    );
}

#[tokio::test]
async fn no_payment_is_sent_twice_under_503s_and_drops() {
    let sandbox = support::sandbox().await;
    let counter = RequestCounter::start(&sandbox, Provider::Payex, Method::POST, PAYMENT_PATH);
    sandbox.add_fault(
        fault(
            Provider::Payex,
            Method::POST,
            PAYMENT_PATH,
            FaultKind::Status(503),
        )
        .rate(0.3),
    );
    sandbox
        .add_fault(fault(Provider::Payex, Method::POST, PAYMENT_PATH, FaultKind::Drop).rate(0.3));
    let payex = support::payex(&sandbox);
    let outcomes = concurrently(|| {
        let payex = payex.clone();
        async move {
            let payment = PspPayment::new(dec("1.00"), TODAY, "e2e-concurrent".to_owned());
            outcome_of!(payex.accounts().register_psp_payment(MAIN, &payment).await)
        }
    })
    .await;
    for outcome in &outcomes {
        assert!(
            matches!(
                outcome,
                Outcome::Ok
                    | Outcome::Failed {
                        maybe_sent: true,
                        ..
                    }
            ),
            "{outcome:?}"
        );
    }
    assert_eq!(
        counter.count().await,
        CALLERS as u32,
        "each payment sent exactly once"
    );
}

#[tokio::test]
async fn a_total_outage_costs_at_most_the_retry_budget_in_extra_requests() {
    let sandbox = support::sandbox().await;
    let counter = RequestCounter::start(&sandbox, Provider::Payex, Method::GET, "/**");
    sandbox.add_fault(fault(
        Provider::Payex,
        Method::GET,
        "/**",
        FaultKind::Status(503),
    ));
    // The default budget (500 tokens, 5 a retry) with millisecond backoffs.
    let payex = support::payex(&sandbox);
    let rounds = 4;
    for _ in 0..rounds {
        let outcomes = concurrently(|| {
            let payex = payex.clone();
            async move { outcome_of!(payex.accounts().get(MAIN).await) }
        })
        .await;
        assert!(outcomes.iter().all(|o| matches!(
            o,
            Outcome::Failed {
                transient: true,
                status: Some(503),
                ..
            }
        )));
    }
    let first_attempts = (rounds * CALLERS) as u32;
    let budget_retries = 500 / payex_client::RetryPolicy::RETRY_COST;
    // 128 calls of 3 attempts would be 384 requests; the budget allows 100 retries.
    assert_eq!(counter.count().await, first_attempts + budget_retries);
}

#[tokio::test]
async fn each_partner_token_expiry_causes_exactly_one_fetch() {
    let sandbox = Sandbox::builder()
        .today(TODAY)
        .avarda_token_lifetime(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let fetches = RequestCounter::start(&sandbox, Provider::Avarda, Method::POST, "/auth/token");
    let avarda = support::avarda(&sandbox);
    let round = || {
        concurrently(|| {
            let avarda = avarda.clone();
            async move {
                let customer = Customer::new(AVARDA_CUSTOMER_TOKEN, TokenProvider::Own);
                outcome_of!(avarda.invoices().list(&customer, AVARDA_PURCHASE_ID).await)
            }
        })
    };
    assert!(round().await.iter().all(|o| *o == Outcome::Ok));
    assert_eq!(fetches.count().await, 1, "one fetch for 32 callers");
    // Past the refresh point (half the lifetime): one refresh for 32 callers.
    tokio::time::sleep(Duration::from_millis(1_050)).await;
    assert!(round().await.iter().all(|o| *o == Outcome::Ok));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(fetches.count().await, 2);
    // Past the expiry of the refreshed token: one fetch again.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert!(round().await.iter().all(|o| *o == Outcome::Ok));
    assert_eq!(fetches.count().await, 3);
}
