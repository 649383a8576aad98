//! The series `pulse check` evaluates: how a source or a reference in `counter` /
//! `perception` resolves to one, and the value and sample of each in one period, read from
//! metrics already computed. Non-finite values are not data: a sample drops them and counts
//! how many it dropped.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};

use super::alert::Verdict;
use super::config::{BUILTINS, MetricDef, MetricsFile, builtin};
use super::coverage::{self, Coverage, Day, Days, Sources};
use super::stats::Sample;
use crate::analyse::delivery::BuildMetrics;
use crate::analyse::dora::DeployMetrics;
use crate::analyse::usage::UsageMetrics;

/// A series to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Series {
    /// A built-in telemetry source (`builds.duration_p50`, `usage.adoption:ci`).
    Builtin(String),
    /// A survey item's statistic (`top_box`, `mean`, `nps`).
    Survey {
        /// Question id.
        question: String,
        /// Statistic.
        stat: String,
    },
    /// SQL returning columns `period` and `value`.
    Sql(String),
}

/// What the catalog says about the survey questions.
#[derive(Debug, Clone, Default)]
pub struct Questions {
    /// Question ids.
    pub ids: BTreeSet<String>,
    /// Question id → higher is better.
    pub higher: BTreeMap<String, bool>,
}

/// Every series a metrics file names, under the name alerts use, with its direction.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Series by name (metric ids, and the references of counter / perception).
    pub series: BTreeMap<String, Series>,
    /// Series name → higher is better (the metric's `direction`, else the source's).
    pub higher: BTreeMap<String, bool>,
}

impl Plan {
    /// Resolves every metric and reference of `file`.
    pub fn new(file: &MetricsFile, questions: &Questions) -> Result<Plan> {
        let r = Resolver { file, questions };
        let mut series: BTreeMap<String, Series> = BTreeMap::new();
        for m in &file.metrics {
            series.insert(m.id.clone(), r.series_of(m)?);
            for x in m.counter.iter().chain(&m.perception) {
                let (name, s) = r.resolve(x).with_context(|| format!("metric {:?}", m.id))?;
                series.insert(name, s);
            }
        }
        let higher = series
            .iter()
            .map(|(name, s)| {
                let m = file.metrics.iter().find(|m| &m.id == name);
                let h = m.and_then(|m| m.direction).map_or_else(
                    || r.natural_direction(s),
                    super::alert::Direction::higher_is_better,
                );
                (name.clone(), h)
            })
            .collect();
        Ok(Plan { series, higher })
    }

    /// True when a built-in source starting with `prefix` (`builds.`) is in the plan.
    pub fn needs(&self, prefix: &str) -> bool {
        self.series.values().any(|s| matches!(s, Series::Builtin(b) if b.starts_with(prefix)))
    }

    /// True when any survey series is in the plan (`stat`: of that statistic only).
    pub fn needs_survey(&self, stat: Option<&str>) -> bool {
        self.series.values().any(
            |s| matches!(s, Series::Survey { stat: x, .. } if stat.is_none_or(|t| t == x.as_str())),
        )
    }
}

struct Resolver<'a> {
    file: &'a MetricsFile,
    questions: &'a Questions,
}

impl Resolver<'_> {
    /// Resolves a source string to a series.
    fn parse_source(&self, s: &str) -> Result<Series> {
        if let Some(rest) = s.strip_prefix("survey.") {
            let (q, stat) = rest
                .rsplit_once('.')
                .context("survey sources are survey.<question_id>.top_box|mean|nps")?;
            if !matches!(stat, "top_box" | "mean" | "nps") {
                bail!("{s}: survey statistics are top_box, mean and nps");
            }
            if !self.questions.ids.contains(q) {
                bail!(
                    "{s}: no question {q:?} in catalog.toml\nhint: pulse questions lists the ids"
                );
            }
            return Ok(Series::Survey { question: q.into(), stat: stat.into() });
        }
        if builtin(s).is_some() {
            return Ok(Series::Builtin(s.into()));
        }
        let names: Vec<&str> = BUILTINS.iter().map(|b| b.0).collect();
        bail!(
            "unknown source {s:?}\nhint: built-in sources are {}<capability>, and survey.<question_id>.top_box|mean|nps",
            names.join(", ")
        )
    }

    /// A reference in `counter` / `perception`: a metric id, a source, or a question id.
    fn resolve(&self, r: &str) -> Result<(String, Series)> {
        if let Some(m) = self.file.metrics.iter().find(|m| m.id == r) {
            return Ok((m.id.clone(), self.series_of(m)?));
        }
        if self.questions.ids.contains(r) {
            return Ok((r.into(), Series::Survey { question: r.into(), stat: "top_box".into() }));
        }
        self.parse_source(r).map(|s| (r.to_string(), s)).with_context(|| {
            format!("{r:?} is not a metric id in metrics.toml, a survey question id, or a source")
        })
    }

    fn series_of(&self, m: &MetricDef) -> Result<Series> {
        match (&m.source, &m.sql) {
            (Some(s), _) => self.parse_source(s).with_context(|| format!("metric {:?}", m.id)),
            (None, Some(q)) => Ok(Series::Sql(q.clone())),
            (None, None) => bail!("metric {:?} needs a source or sql", m.id),
        }
    }

    fn natural_direction(&self, s: &Series) -> bool {
        match s {
            Series::Builtin(b) => builtin(b).is_none_or(|x| x.1),
            Series::Survey { question, .. } => {
                *self.questions.higher.get(question).unwrap_or(&true)
            }
            Series::Sql(_) => true,
        }
    }
}

/// Telemetry metrics per period (the same period kind as the labels checked).
#[derive(Debug, Clone, Copy)]
pub struct Telemetry<'a> {
    /// Build metrics with their samples kept.
    pub builds: &'a BTreeMap<String, BuildMetrics>,
    /// Deployment metrics (pulse definition).
    pub deploys: &'a BTreeMap<String, DeployMetrics>,
    /// Usage metrics by (period, capability).
    pub usage: &'a BTreeMap<(String, String), UsageMetrics>,
    /// `organisation_size` of pulse.toml (the n of adoption).
    pub organisation_size: Option<u64>,
    /// The per-day data: coverage, counts per covered day, daily shares, who was active.
    pub sources: &'a Sources,
}

/// A sample of values with the non-finite ones dropped: (sample, how many were dropped).
pub fn finite_values(v: &[f64]) -> (Sample, usize) {
    let kept = crate::analyse::quantile::finite(v.iter().copied());
    let dropped = v.len() - kept.len();
    (Sample::values(kept), dropped)
}

/// The quantile (0..1) a source's test compares: 0.9 for `…_p90`, else the median.
pub fn quantile_of(source: &str) -> f64 {
    if source.ends_with("_p90") { 0.9 } else { 0.5 }
}

/// (day, count) of every covered day of period `p` in a source's days.
fn daily(days: &Days, p: &str) -> Vec<(i32, u64)> {
    let Some((s, e)) = coverage::bounds(p) else { return Vec::new() };
    coverage::covered_days(days, s, e)
        .into_iter()
        .map(|d| (d, days.get(&d).map_or(0, |x| x.events)))
        .collect()
}

/// The days of `days` inside period `p`.
fn within<'d>(days: &'d Days, p: &str) -> impl Iterator<Item = (&'d i32, &'d Day)> {
    let (s, e) = coverage::bounds(p).unwrap_or((0, 0));
    days.range(s..e.max(s))
}

/// A count per covered day: its value and the daily sample.
fn per_day(days: &Days, p: &str) -> (Option<f64>, Sample, usize) {
    let d = daily(days, p);
    let k: u64 = d.iter().map(|x| x.1).sum();
    let v = (!d.is_empty()).then(|| k as f64 / d.len() as f64);
    (v, if d.is_empty() { Sample::None } else { Sample::Daily(d) }, 0)
}

/// A reading of a built-in source in period `p`: its value, the sample to test it with, and
/// how many non-finite values the sample dropped.
pub fn reading(t: &Telemetry<'_>, b: &str, p: &str) -> (Option<f64>, Sample, usize) {
    let value = |v: Option<f64>| v.filter(|x| x.is_finite());
    let with = |v: Option<f64>, s: Sample| (value(v), s, 0);
    let values = |v: Option<f64>, s: &[f64]| {
        let (s, dropped) = finite_values(s);
        (value(v), s, dropped)
    };
    let src = t.sources;
    if let Some(m) = b.strip_prefix("builds.") {
        if m == "count" {
            return per_day(&src.builds, p);
        }
        let Some(x) = t.builds.get(p) else { return (None, Sample::None, 0) };
        let has_days = within(&src.builds, p).next().is_some();
        return match m {
            "duration_p50" | "duration_p90" if has_days => {
                let (mut v, mut day) = (Vec::new(), Vec::new());
                for (d, x) in within(&src.builds, p) {
                    for &u in x.durations.iter().filter(|u| u.is_finite()) {
                        v.push(u);
                        day.push(*d);
                    }
                }
                let val = if m == "duration_p50" { x.duration_p50 } else { x.duration_p90 };
                (value(val), Sample::Values { v, day }, 0)
            }
            "duration_p50" => values(x.duration_p50, &x.durations),
            "duration_p90" => values(x.duration_p90, &x.durations),
            "failure_rate" if has_days => with(
                x.failure_rate,
                Sample::DailyShare(
                    within(&src.builds, p).map(|(_, d)| (d.failure, d.trials)).collect(),
                ),
            ),
            "failure_rate" => {
                with(x.failure_rate, Sample::Proportion { k: x.failure, n: x.success + x.failure })
            }
            "queue_p50" => values(x.queue_p50, &x.queues),
            "flaky_rate" => with(x.flaky_rate, Sample::Proportion { k: x.flaky_pairs, n: x.pairs }),
            _ => (None, Sample::None, 0),
        };
    }
    if let Some(m) = b.strip_prefix("deployments.") {
        if m == "frequency" {
            return per_day(&src.deploys, p);
        }
        let Some(x) = t.deploys.get(p) else { return (None, Sample::None, 0) };
        return match m {
            "lead_time_p50" => values(x.lead_time_p50, &x.lead_times),
            "change_failure_rate" => with(
                x.change_failure_rate,
                Sample::Proportion {
                    k: x.failed + x.failed_attempts,
                    n: x.deployments + x.failed_attempts,
                },
            ),
            "recovery_time_p50" => values(x.recovery_p50, &x.recoveries),
            "rework_rate" => {
                with(x.rework_rate, Sample::Proportion { k: x.unplanned, n: x.deployments })
            }
            _ => (None, Sample::None, 0),
        };
    }
    let (stat, cap) = b.strip_prefix("usage.").and_then(|r| r.split_once(':')).unwrap_or(("", ""));
    let key = (p.to_string(), cap.to_string());
    let Some(x) = t.usage.get(&key).filter(|x| !x.suppressed) else {
        return (None, Sample::None, 0);
    };
    // The same developers are counted in both periods: a paired test of who was active.
    let members = src.actors.get(&key).map_or(Sample::None, |a| Sample::Members(a.clone()));
    match stat {
        "active_users" => with(Some(x.active_users as f64), members),
        "adoption" => with(x.adoption, members),
        _ => (None, Sample::None, 0),
    }
}

/// A series' values in the two periods, its test and verdict.
#[derive(Debug, Clone, Default)]
pub struct Eval {
    /// Value in the previous period.
    pub from: Option<f64>,
    /// Value in the period checked.
    pub to: Option<f64>,
    /// Test name ("" when none ran).
    pub test: String,
    /// Test statistic.
    pub statistic: Option<f64>,
    /// p-value (finite, or None).
    pub p: Option<f64>,
    /// q-value.
    pub q: Option<f64>,
    /// Verdict (None until decided).
    pub verdict: Option<Verdict>,
    /// Direction.
    pub higher_is_better: bool,
    /// The samples of the two periods.
    pub samples: (Sample, Sample),
    /// Non-finite values dropped from the samples.
    pub dropped: usize,
    /// Survey answers in the period checked.
    pub n_to: Option<usize>,
    /// Survey top-box shares in the two periods.
    pub top_box: (Option<f64>, Option<f64>),
    /// The test's estimate rose (None when no test ran): the direction of the verdict.
    pub up: Option<bool>,
    /// The source's coverage of (previous period, period checked), for telemetry.
    pub coverage: Option<(Coverage, Coverage)>,
}

impl Eval {
    /// True when the verdict is `v`.
    pub fn is(&self, v: Verdict) -> bool {
        self.verdict == Some(v)
    }

    /// The verdict's name ("" before one is decided).
    pub fn verdict_str(&self) -> &'static str {
        self.verdict.map_or("", Verdict::as_str)
    }
}
