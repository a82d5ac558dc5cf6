//! The measuring harness: warm-up, then timed samples; median and p90 of wall time.
//!
//! Small operations are timed in batches (each sample times enough calls to last about a
//! millisecond, then divides), so the clock's own cost does not show; calls across the
//! network are timed one by one, as a caller would see them.

use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How long to run before measuring, and how much to measure.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    /// Time spent calling the operation before any sample is kept.
    pub(crate) warm_up: Duration,
    /// Samples kept (at most; see `max_time`).
    pub(crate) samples: usize,
    /// Stop sampling after this long even if fewer samples were taken (at least 5 are).
    pub(crate) max_time: Duration,
}

impl Budget {
    /// The budget for a full run, or a short one for `--quick`.
    pub(crate) fn new(quick: bool) -> Budget {
        if quick {
            Budget {
                warm_up: Duration::from_millis(50),
                samples: 15,
                max_time: Duration::from_millis(500),
            }
        } else {
            Budget {
                warm_up: Duration::from_millis(500),
                samples: 100,
                max_time: Duration::from_secs(5),
            }
        }
    }
}

/// The distribution of the time of one call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Measured {
    /// Median time of one call.
    pub(crate) median: Duration,
    /// 90th percentile of the time of one call.
    pub(crate) p90: Duration,
    /// How many samples the figures come from.
    pub(crate) samples: usize,
    /// Calls per sample (1 for calls timed one by one).
    pub(crate) batch: u32,
}

impl Measured {
    /// Median and p90 of `times` (each the time of one call); `batch` is recorded as given.
    pub(crate) fn of(mut times: Vec<Duration>, batch: u32) -> Measured {
        times.sort_unstable();
        Measured {
            median: percentile(&times, 50),
            p90: percentile(&times, 90),
            samples: times.len(),
            batch,
        }
    }
}

/// The `pct`th percentile of sorted `times` (nearest rank); zero for no samples.
pub(crate) fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (pct * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

/// Measures a synchronous operation, batching calls so each sample lasts about 1 ms.
pub(crate) fn sync<R>(budget: Budget, mut operation: impl FnMut() -> R) -> Measured {
    let started = Instant::now();
    let mut calls = 0u32;
    while calls < 3 || started.elapsed() < budget.warm_up {
        black_box(operation());
        calls = calls.saturating_add(1);
    }
    let per_call = started.elapsed() / calls.max(1);
    let batch = batch_for(per_call);
    let mut times = Vec::with_capacity(budget.samples);
    let sampling = Instant::now();
    while times.len() < budget.samples && (times.len() < 5 || sampling.elapsed() < budget.max_time)
    {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(operation());
        }
        times.push(start.elapsed() / batch);
    }
    Measured::of(times, batch)
}

/// Measures two synchronous operations sample by sample in turn (A, B, B, A, ...), each
/// batched like [`sync`], so a change in the machine's load hits both alike: for
/// comparisons.
pub(crate) fn interleaved<R, S>(
    budget: Budget,
    mut a: impl FnMut() -> R,
    mut b: impl FnMut() -> S,
) -> (Measured, Measured) {
    let started = Instant::now();
    let (mut calls, mut a_time, mut b_time) = (0u32, Duration::ZERO, Duration::ZERO);
    while calls < 3 || started.elapsed() < budget.warm_up {
        let start = Instant::now();
        black_box(a());
        a_time += start.elapsed();
        let start = Instant::now();
        black_box(b());
        b_time += start.elapsed();
        calls = calls.saturating_add(1);
    }
    let (a_batch, b_batch) = (
        batch_for(a_time / calls.max(1)),
        batch_for(b_time / calls.max(1)),
    );
    let (mut a_times, mut b_times) = (Vec::new(), Vec::new());
    let sampling = Instant::now();
    while a_times.len() < budget.samples
        && (a_times.len() < 5 || sampling.elapsed() < budget.max_time * 2)
    {
        let mut sample_a = || {
            let start = Instant::now();
            for _ in 0..a_batch {
                black_box(a());
            }
            start.elapsed() / a_batch
        };
        let mut sample_b = || {
            let start = Instant::now();
            for _ in 0..b_batch {
                black_box(b());
            }
            start.elapsed() / b_batch
        };
        if a_times.len() % 2 == 0 {
            a_times.push(sample_a());
            b_times.push(sample_b());
        } else {
            b_times.push(sample_b());
            a_times.push(sample_a());
        }
    }
    (
        Measured::of(a_times, a_batch),
        Measured::of(b_times, b_batch),
    )
}

/// Measures an async operation, batching like [`sync`].
pub(crate) async fn batched<R, F>(budget: Budget, mut operation: impl FnMut() -> F) -> Measured
where
    F: Future<Output = R>,
{
    let started = Instant::now();
    let mut calls = 0u32;
    while calls < 3 || started.elapsed() < budget.warm_up {
        black_box(operation().await);
        calls = calls.saturating_add(1);
    }
    let batch = batch_for(started.elapsed() / calls.max(1));
    let mut times = Vec::with_capacity(budget.samples);
    let sampling = Instant::now();
    while times.len() < budget.samples && (times.len() < 5 || sampling.elapsed() < budget.max_time)
    {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(operation().await);
        }
        times.push(start.elapsed() / batch);
    }
    Measured::of(times, batch)
}

/// Measures an async operation call by call (`calls` samples after the warm-up): for
/// requests, whose spread is the point.
pub(crate) async fn each<R, F>(
    warm_up: Duration,
    calls: usize,
    mut operation: impl FnMut() -> F,
) -> Measured
where
    F: Future<Output = R>,
{
    let started = Instant::now();
    let mut warm = 0;
    while warm < 3 || started.elapsed() < warm_up {
        black_box(operation().await);
        warm += 1;
    }
    Measured::of(times(calls, operation).await, 1)
}

/// The time of each of `calls` calls of `operation`, one after another, without warm-up.
pub(crate) async fn times<R, F>(calls: usize, mut operation: impl FnMut() -> F) -> Vec<Duration>
where
    F: Future<Output = R>,
{
    let mut times = Vec::with_capacity(calls);
    for _ in 0..calls {
        let start = Instant::now();
        black_box(operation().await);
        times.push(start.elapsed());
    }
    times
}

fn batch_for(per_call: Duration) -> u32 {
    let target = Duration::from_millis(1);
    if per_call.is_zero() {
        return 1000;
    }
    let batch = target.as_nanos() / per_call.as_nanos().max(1);
    u32::try_from(batch).unwrap_or(u32::MAX).clamp(1, 100_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let times: Vec<Duration> = (1..=10).map(Duration::from_millis).collect();
        assert_eq!(percentile(&times, 50), Duration::from_millis(5));
        assert_eq!(percentile(&times, 90), Duration::from_millis(9));
        assert_eq!(percentile(&times[..1], 90), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }
}
