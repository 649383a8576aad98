//! DORA levels: the clusters of the Accelerate State of DevOps reports, and DevLake's buckets.

use super::{Compat, DeployMetrics, DoraYear};

/// A DORA metric with levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoraMetric {
    /// Deployments per day.
    Frequency,
    /// Median lead time, hours.
    LeadTime,
    /// Change failure rate, fraction.
    ChangeFailureRate,
    /// Median failed deployment recovery time, hours.
    RecoveryTime,
}

/// Level names, best first.
pub const LEVELS: [&str; 4] = ["elite", "high", "medium", "low"];

/// A cluster's value: a range (lower, upper; hours or deployments per day) or a typical value.
#[derive(Debug, Clone, Copy)]
enum Cluster {
    Range(f64, f64),
    Point(f64),
}
use Cluster::{Point, Range};

const INF: f64 = f64::INFINITY;
const WEEK_H: f64 = 168.0;
const MONTH_H: f64 = 720.0;
const HALF_YEAR_H: f64 = 4380.0;

/// The clusters of the report year, elite..low (DEFINITIONS.md 2.1, from the Accelerate State
/// of DevOps reports as summarised by Octopus Deploy's posts of 2023-10 and 2024-10).
fn clusters(year: DoraYear, m: DoraMetric) -> [Cluster; 4] {
    use DoraMetric::*;
    match (year, m) {
        // Elite "on demand (multiple deploys per day)", high once per day–week, medium once
        // per week–month; low 2023 the same as medium, 2024 monthly–biannually.
        (DoraYear::Y2023, Frequency) => [
            Range(1.0, INF),
            Range(1.0 / 7.0, 1.0),
            Range(1.0 / 30.0, 1.0 / 7.0),
            Range(1.0 / 30.0, 1.0 / 7.0),
        ],
        (DoraYear::Y2024, Frequency) => [
            Range(1.0, INF),
            Range(1.0 / 7.0, 1.0),
            Range(1.0 / 30.0, 1.0 / 7.0),
            Range(1.0 / 182.5, 1.0 / 30.0),
        ],
        (DoraYear::Y2023, LeadTime) => {
            [Range(0.0, 24.0), Range(24.0, WEEK_H), Range(WEEK_H, MONTH_H), Range(WEEK_H, MONTH_H)]
        }
        (DoraYear::Y2024, LeadTime) => [
            Range(0.0, 24.0),
            Range(24.0, WEEK_H),
            Range(WEEK_H, MONTH_H),
            Range(MONTH_H, HALF_YEAR_H),
        ],
        // Typical values, not ranges; 2024's high and medium are inverted in the report.
        (DoraYear::Y2023, ChangeFailureRate) => {
            [Point(0.05), Point(0.10), Point(0.15), Point(0.64)]
        }
        (DoraYear::Y2024, ChangeFailureRate) => {
            [Point(0.05), Point(0.20), Point(0.10), Point(0.40)]
        }
        (DoraYear::Y2023, RecoveryTime) => {
            [Range(0.0, 1.0), Range(1.0, 24.0), Range(24.0, WEEK_H), Range(MONTH_H, HALF_YEAR_H)]
        }
        (DoraYear::Y2024, RecoveryTime) => {
            [Range(0.0, 1.0), Range(1.0, 24.0), Range(1.0, 24.0), Range(WEEK_H, MONTH_H)]
        }
    }
}

/// Minimum sample before a level is given (DEFINITIONS.md section 9).
pub const MIN_FOR_LEVEL: usize = 5;

/// The level of a value: the report year's cluster that contains it, else the nearest one
/// (log distance for times and frequencies, absolute for rates). Where two clusters tie, a
/// value inside both takes the better, one beyond both the worse.
pub fn dora_level(year: DoraYear, m: DoraMetric, v: f64) -> &'static str {
    let cs = clusters(year, m);
    let higher_is_better = m == DoraMetric::Frequency;
    let dist = |c: &Cluster| -> (f64, bool) {
        match *c {
            Point(p) => ((v - p).abs(), v > p),
            Range(lo, hi) => {
                let inside = v >= lo && (v < hi || (hi.is_infinite() && v.is_finite()));
                let inside = inside || (lo == hi && v == lo);
                if inside || (v == hi && higher_is_better) {
                    (0.0, false)
                } else if v < lo {
                    ((lo / v.max(1e-12)).ln(), false)
                } else {
                    ((v / hi).ln(), true)
                }
            }
        }
    };
    let d: Vec<(f64, bool)> = cs.iter().map(dist).collect();
    let best = d.iter().map(|x| x.0).fold(INF, f64::min);
    let tied: Vec<usize> = (0..4).filter(|&i| (d[i].0 - best).abs() < 1e-12).collect();
    // "Worse side": above the range for times and rates, below it for frequency.
    let beyond_worse = best > 0.0 && d[tied[0]].1 != higher_is_better;
    let pick = if beyond_worse { *tied.last().expect("non-empty") } else { tied[0] };
    LEVELS[pick]
}

/// The level bands of a metric between `lo` and `hi`: `(from, to, level)`, found by evaluating
/// [`dora_level`] on a fine geometric grid, so the bands are exactly where levels change.
pub fn level_bands(
    year: DoraYear,
    m: DoraMetric,
    lo: f64,
    hi: f64,
) -> Vec<(f64, f64, &'static str)> {
    let (lo, hi) = (lo.max(1e-4), hi.max(lo * 1.001));
    let steps = 2000;
    let at = |i: usize| lo * (hi / lo).powf(i as f64 / steps as f64);
    let mut out: Vec<(f64, f64, &'static str)> = Vec::new();
    for i in 0..=steps {
        let v = at(i);
        let l = dora_level(year, m, v);
        match out.last_mut() {
            Some(last) if last.2 == l => last.1 = v,
            _ => {
                if let Some(last) = out.last_mut() {
                    last.1 = v;
                }
                out.push((v, v, l));
            }
        }
    }
    out
}

/// The level of a metric, or `n/a` below the minimum sample.
pub fn level(year: DoraYear, m: DoraMetric, v: Option<f64>, n: usize) -> Option<String> {
    let v = v?;
    Some(if n < MIN_FOR_LEVEL {
        format!("n/a (n<{MIN_FOR_LEVEL})")
    } else {
        dora_level(year, m, v).to_string()
    })
}

/// DevLake's deployment-frequency buckets (2023 set): elite ≥ 5 deploy-days per week, high
/// ≥ 1 per week, medium ≥ 1 per month, else low (lower medians).
pub fn devlake_frequency_level(x: &DeployMetrics) -> Option<String> {
    let (w, mo) = (x.deploy_days_per_week?, x.deploy_days_per_month?);
    Some(
        if w >= 5.0 {
            "elite"
        } else if w >= 1.0 {
            "high"
        } else if mo >= 1.0 {
            "medium"
        } else {
            "low"
        }
        .into(),
    )
}

/// DevLake's 2023 buckets for lead time (< 1 d, < 7 d, < 30 d), CFR (≤ 5, 10, 15 %) and
/// recovery (< 1 h, < 1 d, < 7 d).
pub fn devlake_level(m: DoraMetric, v: Option<f64>) -> Option<String> {
    let v = v?;
    let (bounds, inclusive): ([f64; 3], bool) = match m {
        DoraMetric::LeadTime => ([24.0, 168.0, 720.0], false),
        DoraMetric::ChangeFailureRate => ([0.05, 0.10, 0.15], true),
        DoraMetric::RecoveryTime => ([1.0, 24.0, 168.0], false),
        DoraMetric::Frequency => return None,
    };
    let i = bounds.iter().position(|&b| if inclusive { v <= b } else { v < b }).unwrap_or(3);
    Some(LEVELS[i].into())
}

/// The level cell of a metric for one period's deployment metrics, in either definition.
pub fn level_of(
    x: &DeployMetrics,
    metric: DoraMetric,
    compat: Compat,
    year: DoraYear,
) -> Option<String> {
    let (v, n) = match metric {
        DoraMetric::Frequency => (x.per_day, x.deployments),
        DoraMetric::LeadTime => (x.lead_time_p50, x.lead_times.len()),
        DoraMetric::ChangeFailureRate => (x.change_failure_rate, x.deployments + x.failed_attempts),
        DoraMetric::RecoveryTime => (x.recovery_p50, x.recoveries.len()),
    };
    match (compat, metric) {
        (Compat::DevLake, DoraMetric::Frequency) => devlake_frequency_level(x),
        (Compat::DevLake, _) => devlake_level(metric, v),
        (Compat::Pulse, _) => level(year, metric, v, n),
    }
}
