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

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

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
    /// Pipeline (with service) the run belongs to.
    pub pipeline: &'a str,
    /// Built commit.
    pub commit: &'a str,
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
}

#[derive(Default)]
struct Acc {
    builds: usize,
    durations: Vec<f64>,
    queues: Vec<f64>,
    success: usize,
    failure: usize,
    reruns: usize,
    pairs: HashMap<u64, u8>,
}

/// Computes build metrics per period (sorted by period label).
pub fn build_metrics<'a>(
    builds: impl Iterator<Item = Build<'a>>,
    period: Period,
) -> BTreeMap<String, BuildMetrics> {
    let mut acc: HashMap<String, Acc> = HashMap::new();
    // Runs arrive roughly in time order: remember the current period's bounds.
    let mut cur: Option<(i64, i64, String)> = None;
    for b in builds {
        let key = match &cur {
            Some((lo, hi, k)) if b.started >= *lo && b.started < *hi => k.clone(),
            _ => {
                let k = period_of(b.started, period);
                // Cache by the UTC day; periods never split a day.
                let day = b.started.div_euclid(86_400_000) * 86_400_000;
                cur = Some((day, day + 86_400_000, k.clone()));
                k
            }
        };
        let a = acc.entry(key).or_default();
        a.builds += 1;
        if b.attempt.is_some_and(|x| x > 1.0) {
            a.reruns += 1;
        }
        if let Some(q) = b.queued_s.or_else(|| b.queued.map(|q| (b.started - q) as f64 / 1000.0)) {
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
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (b.pipeline, b.commit).hash(&mut h);
            *a.pairs.entry(h.finish()).or_default() |= bit;
        }
    }
    acc.into_iter()
        .map(|(k, mut a)| {
            a.durations.sort_by(f64::total_cmp);
            a.queues.sort_by(f64::total_cmp);
            let done = a.success + a.failure;
            let m = BuildMetrics {
                builds: a.builds,
                duration_p50: percentile(&a.durations, 50.0),
                duration_p90: percentile(&a.durations, 90.0),
                failure_rate: (done > 0).then(|| a.failure as f64 / done as f64),
                queue_p50: percentile(&a.queues, 50.0),
                flaky_rate: (!a.pairs.is_empty()).then(|| {
                    a.pairs.values().filter(|&&v| v == 3).count() as f64 / a.pairs.len() as f64
                }),
                rerun_rate: (a.builds > 0).then(|| a.reruns as f64 / a.builds as f64),
            };
            (k, m)
        })
        .collect()
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
    }

    #[test]
    fn periods() {
        let ms = 1_782_907_200_000; // 2026-07-01T12:00:00Z
        assert_eq!(period_of(ms, Period::Quarter), "2026-Q3");
        assert_eq!(period_of(ms, Period::Month), "2026-07");
        assert_eq!(period_of(ms, Period::Week), "2026-W27");
    }
}
