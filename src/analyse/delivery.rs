//! Delivery metrics from telemetry. So far: build metrics per period, following
//! `../shared/real-telemetry/DEFINITIONS.md` section 6 (CircleCI Insights, GitLab, Mergify):
//!
//! - duration: wall clock (finished − started; the provider's `duration_s` when times are
//!   missing) of **successful** runs, p50 and p90 (failures are often short and would flatter it);
//! - failure rate: failure / (success + failure), so cancelled runs do not inflate it;
//! - queue: started − queued (or `queued_s`), p50;
//! - flaky rate: share of (pipeline, commit) pairs with both a failed and a successful attempt
//!   among pairs with a completed attempt; rerun rate: runs with attempt > 1 / runs.
//!
//! Percentiles interpolate linearly between order statistics, as `numpy.percentile` does.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;
use rayon::prelude::*;

pub use super::period::{Period, period_of};
pub use super::quantile::{p50_p90, percentile};

/// One build run.
#[derive(Debug, Clone, Copy)]
pub struct Build<'a> {
    /// Hash of (service, pipeline, commit): the unit of flakiness.
    pub pair: u64,
    /// Retry number (1 = first).
    pub attempt: Option<f64>,
    /// Queued, started, finished (UTC ms).
    pub queued: Option<i64>,
    /// Start time.
    pub started: i64,
    /// End time.
    pub finished: Option<i64>,
    /// Normalised result.
    pub result: &'a str,
    /// Provider-reported running time.
    pub duration_s: Option<f64>,
    /// Provider-reported queue time.
    pub queued_s: Option<f64>,
}

/// Build metrics of one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BuildMetrics {
    /// Runs started in the period.
    pub builds: usize,
    /// p50 of successful runs' durations (s).
    pub duration_p50: Option<f64>,
    /// p90 of successful runs' durations (s).
    pub duration_p90: Option<f64>,
    /// failure / (success + failure).
    pub failure_rate: Option<f64>,
    /// p50 queue time (s).
    pub queue_p50: Option<f64>,
    /// Share of (pipeline, commit) pairs with both outcomes.
    pub flaky_rate: Option<f64>,
    /// Runs with attempt > 1 / runs.
    pub rerun_rate: Option<f64>,
    /// Successful runs.
    pub success: usize,
    /// Failed runs.
    pub failure: usize,
    /// (pipeline, commit) pairs with both outcomes.
    pub flaky_pairs: usize,
    /// (pipeline, commit) pairs with a completed attempt.
    pub pairs: usize,
    /// Successful runs' durations (s), kept only when asked for (the tests in `pulse check`).
    pub durations: Vec<f64>,
    /// Queue times (s), kept only when asked for.
    pub queues: Vec<f64>,
}

/// Per-period running totals of one slice of the builds (see [`BuildAcc::merge`]).
#[derive(Default)]
struct Acc {
    builds: usize,
    durations: Vec<f64>,
    queues: Vec<f64>,
    success: usize,
    failure: usize,
    reruns: usize,
    /// Flakiness units of completed runs: the pair hash with its low two bits replaced by the
    /// outcome (1 success, 2 failure). Sorting and scanning this is much faster than a hash
    /// map of 10 M entries, and dropping two hash bits leaves 62 (collisions stay negligible).
    pairs: Vec<u64>,
}

/// Hash of a flakiness unit: (service, pipeline, commit), FNV-1a (fast; 64 bits make
/// collisions negligible at 10 M pairs).
pub fn pair_hash(service: &str, pipeline: &str, commit: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [service, pipeline, commit] {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Build totals by period label, for one slice of the runs; slices merge.
#[derive(Default)]
pub struct BuildAcc {
    by_period: BTreeMap<String, Acc>,
}

impl BuildAcc {
    /// Accumulates runs (in any order; runs roughly in time order are fastest).
    pub fn add<'a>(&mut self, builds: impl Iterator<Item = Build<'a>>, period: Period) {
        // Index of the current day's period: periods never split a UTC day.
        let mut labels: Vec<String> = Vec::new();
        let mut acc: Vec<Acc> = Vec::new();
        let mut cur: Option<(i64, i64, usize)> = None;
        for b in builds {
            let ix = match cur {
                Some((lo, hi, ix)) if b.started >= lo && b.started < hi => ix,
                _ => {
                    let k = period_of(b.started, period);
                    let ix = labels.iter().position(|l| *l == k).unwrap_or_else(|| {
                        labels.push(k);
                        acc.push(Acc::default());
                        acc.len() - 1
                    });
                    // Saturating: a timestamp at the ends of i64 must not overflow.
                    let day = b.started.div_euclid(86_400_000).saturating_mul(86_400_000);
                    cur = Some((day, day.saturating_add(86_400_000), ix));
                    ix
                }
            };
            let a = &mut acc[ix];
            a.builds += 1;
            if b.attempt.is_some_and(|x| x > 1.0) {
                a.reruns += 1;
            }
            // Non-finite times are not values: they never reach a percentile.
            if let Some(q) = b
                .queued_s
                .or_else(|| {
                    b.queued.and_then(|q| b.started.checked_sub(q)).map(|d| d as f64 / 1000.0)
                })
                .filter(|q| q.is_finite())
            {
                a.queues.push(q);
            }
            let bit = match b.result {
                "success" => {
                    a.success += 1;
                    if let Some(d) = b
                        .finished
                        .map(|f| f.checked_sub(b.started).map(|d| d as f64 / 1000.0))
                        .unwrap_or(b.duration_s)
                        .filter(|d| d.is_finite())
                    {
                        a.durations.push(d);
                    }
                    1
                }
                "failure" => {
                    a.failure += 1;
                    2
                }
                _ => 0,
            };
            if bit > 0 {
                a.pairs.push((b.pair & !3) | bit);
            }
        }
        for (k, a) in labels.into_iter().zip(acc) {
            self.merge_period(k, a);
        }
    }

    fn merge_period(&mut self, k: String, a: Acc) {
        let t = self.by_period.entry(k).or_default();
        t.builds += a.builds;
        t.success += a.success;
        t.failure += a.failure;
        t.reruns += a.reruns;
        t.durations.extend(a.durations);
        t.queues.extend(a.queues);
        t.pairs.extend(a.pairs);
    }

    /// Adds another slice's totals.
    pub fn merge(&mut self, other: BuildAcc) {
        for (k, a) in other.by_period {
            self.merge_period(k, a);
        }
    }

    /// The metrics per period; `keep_samples` keeps durations and queue times for tests.
    pub fn finish(self, keep_samples: bool) -> BTreeMap<String, BuildMetrics> {
        self.by_period
            .into_iter()
            .map(|(k, mut a)| {
                let (d50, d90) = p50_p90(&mut a.durations);
                let (q50, _) = p50_p90(&mut a.queues);
                let done = a.success + a.failure;
                a.pairs.sort_unstable();
                let (mut pairs, mut flaky) = (0usize, 0usize);
                for run in a.pairs.chunk_by(|x, y| x >> 2 == y >> 2) {
                    pairs += 1;
                    let bits = run.iter().fold(0, |acc, x| acc | (x & 3));
                    flaky += usize::from(bits == 3);
                }
                let m = BuildMetrics {
                    builds: a.builds,
                    duration_p50: d50,
                    duration_p90: d90,
                    failure_rate: (done > 0).then(|| a.failure as f64 / done as f64),
                    queue_p50: q50,
                    flaky_rate: (pairs > 0).then(|| flaky as f64 / pairs as f64),
                    rerun_rate: (a.builds > 0).then(|| a.reruns as f64 / a.builds as f64),
                    success: a.success,
                    failure: a.failure,
                    flaky_pairs: flaky,
                    pairs,
                    durations: if keep_samples { a.durations } else { Vec::new() },
                    queues: if keep_samples { a.queues } else { Vec::new() },
                };
                (k, m)
            })
            .collect()
    }
}

/// Computes build metrics per period (sorted by period label).
pub fn build_metrics<'a>(
    builds: impl Iterator<Item = Build<'a>>,
    period: Period,
    keep_samples: bool,
) -> BTreeMap<String, BuildMetrics> {
    let mut acc = BuildAcc::default();
    acc.add(builds, period);
    acc.finish(keep_samples)
}

/// Definition of the build metrics (printed with every row).
pub const BUILD_DEFINITION: &str = "pulse-default: successful-run wall clock p50/p90, failure/(success+failure), flaky = (pipeline, commit) with both outcomes";

/// Build metrics per period from the builds frame of `store::telemetry::builds` (columns
/// service, pipeline, commit_sha, result: str; attempt, duration_s, queued_s: f64; queued_at,
/// started_at, finished_at: i64 ms). One slice per rayon task; the partial totals merge.
pub fn build_metrics_of_frame(
    df: &DataFrame,
    period: Period,
    keep_samples: bool,
) -> Result<BTreeMap<String, BuildMetrics>> {
    let n = df.height();
    let step = n.div_ceil(rayon::current_num_threads().clamp(1, 8)).max(1);
    let offsets: Vec<usize> = (0..n).step_by(step).collect();
    let acc = offsets
        .into_par_iter()
        .map(|off| build_slice(&df.slice(off as i64, step.min(n - off)), period))
        .try_reduce(BuildAcc::default, |mut a, b| {
            a.merge(b);
            Ok(a)
        })?;
    Ok(acc.finish(keep_samples))
}

/// Totals of one slice of the builds frame.
fn build_slice(df: &DataFrame, period: Period) -> Result<BuildAcc> {
    let s = |n: &str| -> Result<StringChunked> { Ok(df.column(n)?.str()?.clone()) };
    let f = |n: &str| -> Result<Float64Chunked> { Ok(df.column(n)?.f64()?.clone()) };
    let t = |n: &str| -> Result<Int64Chunked> { Ok(df.column(n)?.i64()?.clone()) };
    let (service, pipeline, sha, result) =
        (s("service")?, s("pipeline")?, s("commit_sha")?, s("result")?);
    let (attempt, dur, qs) = (f("attempt")?, f("duration_s")?, f("queued_s")?);
    let (queued, started, finished) = (t("queued_at")?, t("started_at")?, t("finished_at")?);
    // Column iterators in step (no per-row lookups).
    let mut it_service = service.iter();
    let mut it_pipe = pipeline.iter();
    let mut it_sha = sha.iter();
    let mut it_result = result.iter();
    let mut it_attempt = attempt.iter();
    let mut it_dur = dur.iter();
    let mut it_qs = qs.iter();
    let mut it_queued = queued.iter();
    let mut it_finished = finished.iter();
    let rows = started.iter().filter_map(move |st| {
        let (sv, pl, sh, re) =
            (it_service.next()?, it_pipe.next()?, it_sha.next()?, it_result.next()?);
        let (at, du, q) = (it_attempt.next()?, it_dur.next()?, it_qs.next()?);
        let (qa, fi) = (it_queued.next()?, it_finished.next()?);
        Some(Build {
            pair: pair_hash(sv.unwrap_or(""), pl.unwrap_or(""), sh.unwrap_or("")),
            attempt: at,
            queued: qa,
            started: st?,
            finished: fi,
            result: re.unwrap_or(""),
            duration_s: du,
            queued_s: q,
        })
    });
    let mut acc = BuildAcc::default();
    acc.add(rows, period);
    Ok(acc)
}

/// The build metrics as a frame (one row per period).
pub fn builds_frame(m: &BTreeMap<String, BuildMetrics>) -> Result<DataFrame> {
    let len = m.len();
    let o = |f: &dyn Fn(&BuildMetrics) -> Option<f64>| m.values().map(f).collect::<Vec<_>>();
    Ok(DataFrame::new(
        len,
        vec![
            Column::new("period".into(), m.keys().cloned().collect::<Vec<_>>()),
            Column::new("builds".into(), m.values().map(|x| x.builds as u64).collect::<Vec<_>>()),
            Column::new("duration_p50_s".into(), o(&|x| x.duration_p50)),
            Column::new("duration_p90_s".into(), o(&|x| x.duration_p90)),
            Column::new("failure_rate".into(), o(&|x| x.failure_rate)),
            Column::new("queue_p50_s".into(), o(&|x| x.queue_p50)),
            Column::new("flaky_rate".into(), o(&|x| x.flaky_rate)),
            Column::new("rerun_rate".into(), o(&|x| x.rerun_rate)),
            Column::new("definition".into(), vec![BUILD_DEFINITION; len]),
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_numpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [50, 90]) -> [3.0, 7.6]
        let v = [1., 2., 3., 4., 10.];
        assert_eq!(percentile(&v, 50.0), Some(3.0));
        assert!((percentile(&v, 90.0).unwrap() - 7.6).abs() < 1e-12);
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[5.0], 90.0), Some(5.0));
        // Selection gives the same as sorting.
        let mut w = vec![10., 4., 1., 3., 2.];
        let (p50, p90) = p50_p90(&mut w);
        assert_eq!(p50, Some(3.0));
        assert!((p90.unwrap() - 7.6).abs() < 1e-12);
    }

    #[test]
    fn periods() {
        let ms = 1_782_907_200_000; // 2026-07-01T12:00:00Z
        assert_eq!(period_of(ms, Period::Quarter), "2026-Q3");
        assert_eq!(period_of(ms, Period::Month), "2026-07");
        assert_eq!(period_of(ms, Period::Week), "2026-W27");
    }

    fn run(started: i64, finished: Option<i64>, duration_s: Option<f64>) -> Build<'static> {
        Build {
            pair: 1,
            attempt: None,
            queued: None,
            started,
            finished,
            result: "success",
            duration_s,
            queued_s: Some(f64::NAN),
        }
    }

    #[test]
    fn non_finite_durations_never_reach_a_percentile() {
        let t = 1_782_907_200_000;
        let runs = [
            run(t, Some(t + 10_000), None),
            run(t, None, Some(f64::NAN)),
            run(t, None, Some(f64::INFINITY)),
            run(t, None, Some(30.0)),
        ];
        let m = build_metrics(runs.into_iter(), Period::Quarter, true);
        let q = &m["2026-Q3"];
        assert_eq!(q.durations, vec![10.0, 30.0]);
        assert_eq!(q.duration_p50, Some(20.0));
        assert_eq!(q.queue_p50, None, "NaN queue times are not values");
    }

    #[test]
    fn extreme_timestamps_do_not_panic() {
        let runs = [
            run(i64::MIN, Some(i64::MAX), None),
            run(i64::MAX, Some(i64::MIN), None),
            run(i64::MAX, Some(i64::MAX), Some(1.0)),
        ];
        let m = build_metrics(runs.into_iter(), Period::Week, true);
        assert_eq!(m.values().map(|x| x.builds).sum::<usize>(), 3);
    }
}
