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

use chrono::Datelike;

/// Calendar period for grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// `2026-Q3` (aligned with survey rounds named the same).
    Quarter,
    /// `2026-07`.
    Month,
    /// ISO week `2026-W27`.
    Week,
}

impl Period {
    /// The kind of a period label: `2026-Q3` a quarter, `2026-W27` a week, anything else a
    /// month (whether it really is one, `dora::label_bounds` tells).
    pub fn of_label(label: &str) -> Period {
        if label.contains("-Q") {
            Period::Quarter
        } else if label.contains("-W") {
            Period::Week
        } else {
            Period::Month
        }
    }
}

/// The period label of a UTC timestamp in milliseconds.
pub fn period_of(ms: i64, p: Period) -> String {
    let d = chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(|| chrono::DateTime::UNIX_EPOCH.date_naive(), |d| d.date_naive());
    match p {
        Period::Quarter => format!("{}-Q{}", d.year(), d.month0() / 3 + 1),
        Period::Month => format!("{}-{:02}", d.year(), d.month()),
        Period::Week => {
            let w = d.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
    }
}

/// Linear-interpolation percentile of sorted values (`numpy.percentile`, method "linear").
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

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

/// p50 and p90 by selection (O(n)), matching [`percentile`] on the sorted values; reorders `v`.
pub fn p50_p90(v: &mut [f64]) -> (Option<f64>, Option<f64>) {
    let pick = |v: &mut [f64], q: f64| -> Option<f64> {
        if v.is_empty() {
            return None;
        }
        let pos = q / 100.0 * (v.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        let (_, a, rest) = v.select_nth_unstable_by(lo, f64::total_cmp);
        let a = *a;
        let b = if hi > lo { rest.iter().copied().min_by(f64::total_cmp).unwrap_or(a) } else { a };
        Some(a + (b - a) * (pos - lo as f64))
    };
    (pick(v, 50.0), pick(v, 90.0))
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
                    let day = b.started.div_euclid(86_400_000) * 86_400_000;
                    cur = Some((day, day + 86_400_000, ix));
                    ix
                }
            };
            let a = &mut acc[ix];
            a.builds += 1;
            if b.attempt.is_some_and(|x| x > 1.0) {
                a.reruns += 1;
            }
            if let Some(q) =
                b.queued_s.or_else(|| b.queued.map(|q| (b.started - q) as f64 / 1000.0))
            {
                a.queues.push(q);
            }
            let bit = match b.result {
                "success" => {
                    a.success += 1;
                    if let Some(d) =
                        b.finished.map(|f| (f - b.started) as f64 / 1000.0).or(b.duration_s)
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
}
