//! `pulse check`: evaluates `metrics.toml` for one period against the one before and raises
//! Goodhart alerts — SLO breach, counter-metric regression, target bunching, survey/telemetry
//! divergence, saturation, lone target, survey health. Exit 1 when any alert fires.
//!
//! Noise: telemetry changes are tested on the underlying events (Mann–Whitney U on durations
//! and lead times, two-proportion z on rates, an exact Poisson-rate test on counts) with
//! Benjamini–Hochberg over every telemetry test of the run; survey items use `pulse compare`'s
//! tests and q-values. "Beyond noise" means q < alpha (default 0.05).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::*;
use serde_json::json;

use crate::ExitStatus;
use crate::analyse::compare::{CompareOptions, CompareRow};
use crate::analyse::delivery::{BuildMetrics, Period, percentile};
use crate::analyse::dora::{Compat, DeployMetrics, previous_period};
use crate::analyse::guardrails::{Sample, bunching, change_test, relative_iqr};
use crate::analyse::hypothesis::benjamini_hochberg;
use crate::analyse::usage::UsageMetrics;
use crate::cli::{CheckArgs, Format, Global};
use crate::store::workspace::Workspace;

mod config;

use config::{Ctx, MetricDef, Series, builtin};
pub use config::{Defaults, MetricsFile, Slo, load};

/// A series' values in the two periods, its test and verdict.
#[derive(Debug, Clone, Default)]
struct Eval {
    from: Option<f64>,
    to: Option<f64>,
    test: String,
    statistic: Option<f64>,
    p: Option<f64>,
    q: Option<f64>,
    /// improved, worsened, no detectable change, untested, withheld, no data
    verdict: String,
    higher_is_better: bool,
    samples: (Sample, Sample),
    n_to: Option<usize>,
    top_box: (Option<f64>, Option<f64>),
}

/// One alert.
#[derive(Debug, Clone)]
pub struct Alert {
    /// slo_breach, counter_regression, target_bunching, divergence, saturation, lone_target,
    /// survey_health.
    pub kind: &'static str,
    /// Metric id.
    pub metric: String,
    /// Period checked.
    pub period: String,
    /// high, medium, low, info.
    pub severity: &'static str,
    /// One-line explanation with the numbers.
    pub message: String,
    /// The numbers, test and p-value.
    pub evidence: serde_json::Value,
    /// What to do.
    pub action: String,
    /// The period's values behind the alert (target bunching only: for its histogram).
    pub sample: Vec<f64>,
}

struct Data {
    builds: BTreeMap<String, BuildMetrics>,
    deploys: BTreeMap<String, DeployMetrics>,
    usage: BTreeMap<(String, String), UsageMetrics>,
}

fn reading(d: &Data, b: &str, p: &str, org: Option<u64>) -> (Option<f64>, Sample) {
    if let Some(m) = b.strip_prefix("builds.") {
        let Some(x) = d.builds.get(p) else { return (None, Sample::None) };
        let durations = || Sample::Values(x.durations.clone());
        return match m {
            "count" => (Some(x.builds as f64), Sample::Count { k: x.builds, days: days(p) }),
            "duration_p50" => (x.duration_p50, durations()),
            "duration_p90" => (x.duration_p90, durations()),
            "failure_rate" => {
                (x.failure_rate, Sample::Proportion { k: x.failure, n: x.success + x.failure })
            }
            "queue_p50" => (x.queue_p50, Sample::Values(x.queues.clone())),
            "flaky_rate" => (x.flaky_rate, Sample::Proportion { k: x.flaky_pairs, n: x.pairs }),
            _ => (None, Sample::None),
        };
    }
    if let Some(m) = b.strip_prefix("deployments.") {
        let Some(x) = d.deploys.get(p) else { return (None, Sample::None) };
        return match m {
            "frequency" => (x.per_day, Sample::Count { k: x.deployments, days: x.days }),
            "lead_time_p50" => (x.lead_time_p50, Sample::Values(x.lead_times.clone())),
            "change_failure_rate" => (
                x.change_failure_rate,
                Sample::Proportion {
                    k: x.failed + x.failed_attempts,
                    n: x.deployments + x.failed_attempts,
                },
            ),
            "recovery_time_p50" => (x.recovery_p50, Sample::Values(x.recoveries.clone())),
            "rework_rate" => {
                (x.rework_rate, Sample::Proportion { k: x.unplanned, n: x.deployments })
            }
            _ => (None, Sample::None),
        };
    }
    let (stat, cap) = b.strip_prefix("usage.").and_then(|r| r.split_once(':')).unwrap_or(("", ""));
    let Some(x) = d.usage.get(&(p.to_string(), cap.to_string())).filter(|x| !x.suppressed) else {
        return (None, Sample::None);
    };
    let prop =
        org.map_or(Sample::None, |n| Sample::Proportion { k: x.active_users, n: n as usize });
    match stat {
        "active_users" => (Some(x.active_users as f64), prop),
        "adoption" => (x.adoption, prop),
        _ => (None, Sample::None),
    }
}

fn days(label: &str) -> f64 {
    crate::analyse::dora::label_bounds(label).map_or(1.0, |(s, e)| (e - s).num_days() as f64)
}

fn fmt(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(x) if x.abs() >= 100.0 => format!("{x:.0}"),
        Some(x) if x.abs() >= 1.0 => format!("{x:.2}"),
        Some(x) => format!("{x:.3}"),
    }
}

fn fmt_p(p: Option<f64>) -> String {
    p.map_or("-".into(), |p| if p < 1e-4 { format!("{p:.1e}") } else { format!("{p:.4}") })
}

/// What `pulse check` found for one period.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Period checked.
    pub period: String,
    /// The period it was checked against.
    pub previous: String,
    /// Alerts, in the order they were raised.
    pub alerts: Vec<Alert>,
    /// Changes inside the noise that would otherwise have been alerts.
    pub notes: Vec<String>,
    /// Per series: its values in both periods, test, q-value and verdict.
    pub series: DataFrame,
}

/// Evaluates the metrics file (default: the workspace's metrics.toml) for `period` (default:
/// the latest with data) against the period before.
pub fn evaluate(ws: &Workspace, period: Option<&str>, metrics: Option<&Path>) -> Result<Checked> {
    evaluate_with(ws, period, metrics, &Computed::default())
}

/// Metrics a caller already computed (per calendar quarter, pulse definitions, build samples
/// kept), so [`evaluate_with`] does not compute them again.
#[derive(Debug, Default, Clone, Copy)]
pub struct Computed<'a> {
    /// `metrics::builds(ws, Period::Quarter, true)`.
    pub builds: Option<&'a BTreeMap<String, BuildMetrics>>,
    /// `metrics::deploys(ws, Period::Quarter, Compat::Pulse)`.
    pub deploys: Option<&'a BTreeMap<String, DeployMetrics>>,
    /// `metrics::usage(ws, Period::Quarter)`.
    pub usage: Option<&'a BTreeMap<(String, String), UsageMetrics>>,
}

/// [`evaluate`], reusing quarterly metrics the caller has (used only for quarter periods).
pub fn evaluate_with(
    ws: &Workspace,
    period: Option<&str>,
    metrics: Option<&Path>,
    pre: &Computed<'_>,
) -> Result<Checked> {
    let path: PathBuf = metrics.map_or_else(|| ws.path("metrics.toml"), Path::to_path_buf);
    let file = load(&path)?;
    let catalog = super::questions::load_catalog(ws)?;
    let ctx = Ctx {
        file: &file,
        questions: catalog.questions.iter().map(|q| q.id.clone()).collect(),
        question_higher: catalog
            .questions
            .iter()
            .map(|q| (q.id.clone(), q.direction != "lower_is_better"))
            .collect(),
    };
    // Every series the file names, under the name alerts use.
    let mut series: BTreeMap<String, Series> = BTreeMap::new();
    for m in &file.metrics {
        series.insert(m.id.clone(), ctx.series_of(m)?);
        for r in m.counter.iter().chain(&m.perception) {
            let (name, s) = ctx.resolve(r).with_context(|| format!("metric {:?}", m.id))?;
            series.insert(name, s);
        }
    }
    let needs = |prefix: &str| {
        series.values().any(|s| matches!(s, Series::Builtin(b) if b.starts_with(prefix)))
    };
    // The period: given, else the latest with telemetry, else the latest round.
    let probe = period.map_or(Period::Quarter, Period::of_label);
    let quarter = probe == Period::Quarter;
    let data = Data {
        builds: match (needs("builds."), pre.builds.filter(|_| quarter)) {
            (false, _) => BTreeMap::new(),
            (true, Some(b)) => b.clone(),
            (true, None) => super::metrics::builds(ws, probe, true)?,
        },
        deploys: match (needs("deployments."), pre.deploys.filter(|_| quarter)) {
            (false, _) => BTreeMap::new(),
            (true, Some(d)) => d.clone(),
            (true, None) => super::metrics::deploys(ws, probe, Compat::Pulse)?,
        },
        usage: match (needs("usage."), pre.usage.filter(|_| quarter)) {
            (false, _) => BTreeMap::new(),
            (true, Some(u)) => u.clone(),
            (true, None) => super::metrics::usage(ws, probe)?,
        },
    };
    let period = match period {
        Some(p) => p.to_string(),
        None => data
            .builds
            .keys()
            .chain(data.deploys.keys())
            .chain(data.usage.keys().map(|k| &k.0))
            .max()
            .cloned()
            .or_else(|| ws.round_ids().last().cloned())
            .context("nothing to check: no telemetry and no survey rounds imported")?,
    };
    let prev = previous_period(&period, Period::of_label(&period)).with_context(|| {
        format!("{period:?} is not a period label like 2026-Q3, 2026-07 or 2026-W27")
    })?;
    let defaults = &file.defaults;
    let org = ws.config.organisation_size;

    // Survey side: the round named like the period, and the round before it.
    let rounds = ws.round_ids();
    let survey_pair: Option<(String, String)> = rounds
        .iter()
        .position(|r| *r == period)
        .filter(|&i| i > 0)
        .map(|i| (rounds[i - 1].clone(), rounds[i].clone()));
    let any_survey = series.values().any(|s| matches!(s, Series::Survey { .. }));
    let (compare_rows, summaries) = match (&survey_pair, any_survey) {
        (Some((r0, r1)), true) => {
            let opts = CompareOptions {
                min_n: ws.config.min_group_size,
                rescale: false,
                paired: false,
                alpha: defaults.alpha,
            };
            let rows = super::compare::rows(ws, r0, r1, None, opts)?;
            let need_nps =
                series.values().any(|s| matches!(s, Series::Survey { stat, .. } if stat == "nps"));
            let sums = if need_nps {
                Some((super::summary::rows(ws, r0, None)?, super::summary::rows(ws, r1, None)?))
            } else {
                None
            };
            (rows, sums)
        }
        _ => (Vec::new(), None),
    };
    let mut alerts: Vec<Alert> = Vec::new();
    let alert = |kind, metric: &str, severity, message: String, evidence, action: &str| Alert {
        kind,
        metric: metric.to_string(),
        period: period.clone(),
        severity,
        message,
        evidence,
        action: action.to_string(),
        sample: Vec::new(),
    };

    // Survey health: response rate and n, per round pair.
    let mut withheld: BTreeSet<String> = BTreeSet::new();
    let survey_metrics: Vec<&MetricDef> = file
        .metrics
        .iter()
        .filter(|m| {
            std::iter::once(&m.id)
                .chain(&m.counter)
                .chain(&m.perception)
                .any(|r| matches!(series.get(r), Some(Series::Survey { .. })))
        })
        .collect();
    if let Some((r0, r1)) = &survey_pair {
        let rate = |r: &str| ws.config.rounds.get(r).and_then(|m| m.response_rate());
        if let (Some(x0), Some(x1)) = (rate(r0), rate(r1))
            && (x0 - x1) * 100.0 > defaults.max_response_rate_drop
        {
            for (name, _) in series.iter().filter(|(_, s)| matches!(s, Series::Survey { .. })) {
                withheld.insert(name.clone());
            }
            for m in &survey_metrics {
                alerts.push(alert(
                    "survey_health",
                    &m.id,
                    "medium",
                    format!(
                        "response rate fell {:.1} points ({:.1} % in {r0} → {:.1} % in {r1}); survey trends withheld",
                        (x0 - x1) * 100.0, x0 * 100.0, x1 * 100.0
                    ),
                    json!({"round_from": r0, "round_to": r1, "response_rate_from": x0, "response_rate_to": x1, "max_drop_points": defaults.max_response_rate_drop}),
                    "Find out why fewer people answered (survey fatigue, timing, trust) before reading this round's trends.",
                ));
            }
        }
    }

    // Evaluate every series.
    let mut evals: BTreeMap<String, Eval> = BTreeMap::new();
    for (name, s) in &series {
        let mut e = Eval { higher_is_better: ctx.natural_direction(s), ..Eval::default() };
        if let Some(m) = file.metrics.iter().find(|m| &m.id == name)
            && let Some(d) = &m.direction
        {
            e.higher_is_better = d == "higher_is_better";
        }
        match s {
            Series::Builtin(b) => {
                let (v0, s0) = reading(&data, b, &prev, org);
                let (v1, s1) = reading(&data, b, &period, org);
                e.from = v0;
                e.to = v1;
                e.samples = (s0, s1);
                if let Some((t, stat, p)) = change_test(&e.samples.0, &e.samples.1) {
                    e.test = t.into();
                    e.statistic = Some(stat);
                    e.p = Some(p);
                }
            }
            Series::Sql(q) => {
                let df = super::query::execute(ws, q)
                    .with_context(|| format!("metric {name:?}: sql"))?;
                let (pc, vc) = (df.column("period"), df.column("value"));
                let (Ok(pc), Ok(vc)) = (pc, vc) else {
                    bail!("metric {name:?}: the sql must return columns period and value");
                };
                let vc = vc.cast(&DataType::Float64)?;
                for i in 0..df.height() {
                    let label = crate::output::cell_text(&pc.get(i)?).unwrap_or_default();
                    let v = vc.f64()?.get(i);
                    if label == period {
                        e.to = v;
                    } else if label == prev {
                        e.from = v;
                    }
                }
                e.test = "none (sql)".into();
            }
            Series::Survey { question, stat } => {
                let row: Option<&CompareRow> = compare_rows.iter().find(|r| {
                    r.question_id == *question && r.group.is_empty() && r.option.is_empty()
                });
                if let Some(r) = row {
                    e.top_box = (r.top_box_from, r.top_box_to);
                    e.n_to = Some(r.n_to);
                    (e.from, e.to) = match stat.as_str() {
                        "mean" => (r.mean_from, r.mean_to),
                        "nps" => {
                            let nps = |rows: &[crate::analyse::summary::SummaryRow]| {
                                rows.iter()
                                    .find(|x| x.question_id == *question && x.group.is_empty())
                                    .and_then(|x| x.nps.map(|n| n.0))
                            };
                            summaries.as_ref().map_or((None, None), |(a, b)| (nps(a), nps(b)))
                        }
                        _ => (r.top_box_from, r.top_box_to),
                    };
                    e.test = r.test.clone();
                    e.statistic = r.statistic;
                    e.p = r.p_value;
                    e.q = r.q_value;
                    e.verdict = match r.verdict.as_str() {
                        "improved" => "improved",
                        "declined" => "worsened",
                        "not comparable" => "untested",
                        _ => "no detectable change",
                    }
                    .into();
                }
            }
        }
        evals.insert(name.clone(), e);
    }
    // BH over the telemetry tests of this run; verdicts.
    let tele: Vec<String> = evals
        .iter()
        .filter(|(n, e)| e.p.is_some() && matches!(series[*n], Series::Builtin(_)))
        .map(|(n, _)| n.clone())
        .collect();
    let qs = benjamini_hochberg(
        &tele.iter().map(|n| evals[n].p.unwrap_or(f64::NAN)).collect::<Vec<_>>(),
    );
    for (n, q) in tele.iter().zip(qs) {
        let e = evals.get_mut(n).expect("present");
        e.q = Some(q);
        let up = match (e.from, e.to) {
            (Some(a), Some(b)) => b > a,
            _ => false,
        };
        e.verdict = if q >= defaults.alpha {
            "no detectable change".into()
        } else if up == e.higher_is_better {
            "improved".into()
        } else {
            "worsened".into()
        };
    }
    for (name, e) in evals.iter_mut() {
        if e.verdict.is_empty() {
            e.verdict =
                if e.from.is_none() || e.to.is_none() { "no data" } else { "untested" }.into();
        }
        if let Series::Survey { .. } = series[name]
            && e.n_to.is_some_and(|n| n < defaults.min_n)
        {
            withheld.insert(name.clone());
        }
        if withheld.contains(name) && e.verdict != "no data" {
            e.verdict = "withheld".into();
        }
    }
    let ev = |e: &Eval| {
        json!({"from": e.from, "to": e.to, "test": e.test, "statistic": e.statistic,
               "p_value": e.p, "q_value": e.q, "verdict": e.verdict})
    };
    let change = |e: &Eval| format!("{} → {}", fmt(e.from), fmt(e.to));

    // Survey health: low n.
    for m in &survey_metrics {
        for r in std::iter::once(&m.id).chain(&m.counter).chain(&m.perception) {
            if let (Some(Series::Survey { question, .. }), Some(e)) = (series.get(r), evals.get(r))
                && let Some(n) = e.n_to.filter(|&n| n < defaults.min_n)
            {
                alerts.push(alert(
                    "survey_health",
                    &m.id,
                    "medium",
                    format!("{question}: n = {n} answers, below the minimum of {}; its trend is withheld", defaults.min_n),
                    json!({"question": question, "n": n, "min_n": defaults.min_n}),
                    "Collect more answers (or pool rounds) before reading this item's trend.",
                ));
            }
        }
    }

    let mut notes: Vec<String> = Vec::new();
    for m in &file.metrics {
        let e = &evals[&m.id];
        let unit = match &series[&m.id] {
            Series::Builtin(b) => builtin(b).map_or("", |x| x.2),
            _ => "",
        };
        // 1. SLO breach. A limit on the change is tested against noise; a limit on the level
        // is not (above the maximum is a breach however noisy the trend).
        if let (Some(slo), Some(to)) = (m.slo, e.to) {
            let pct = e.from.filter(|&f| f != 0.0).map(|f| (to - f) / f.abs() * 100.0);
            let mut change_breach = Vec::new();
            if let (Some(lim), Some(p)) = (slo.max_increase_pct, pct)
                && p > lim
            {
                change_breach.push(format!("up {p:.1} % (limit {lim} %)"));
            }
            if let (Some(lim), Some(p)) = (slo.max_decrease_pct, pct)
                && -p > lim
            {
                change_breach.push(format!("down {:.1} % (limit {lim} %)", -p));
            }
            let mut breach = Vec::new();
            if slo.max.is_some_and(|x| to > x) {
                breach.push(format!("{} above the maximum {}", fmt(Some(to)), fmt(slo.max)));
            }
            if slo.min.is_some_and(|x| to < x) {
                breach.push(format!("{} below the minimum {}", fmt(Some(to)), fmt(slo.min)));
            }
            // A change inside the noise is not a breach (where pulse can test it).
            let beyond_noise = e.p.is_none() || e.verdict == "worsened";
            if !change_breach.is_empty() && !beyond_noise {
                notes.push(format!(
                    "{}: {} ({}) is not a worsening beyond noise ({}, q = {}): no SLO alert",
                    m.id,
                    change_breach.join("; "),
                    change(e),
                    e.verdict,
                    fmt_p(e.q)
                ));
            }
            if beyond_noise {
                breach.splice(0..0, change_breach);
            }
            if !breach.is_empty() {
                alerts.push(alert(
                    "slo_breach",
                    &m.id,
                    "high",
                    format!("{} {} {unit} vs {prev}: {}", m.id, change(e), breach.join("; ")),
                    json!({"previous_period": prev, "from": e.from, "to": to, "change_pct": pct,
                           "slo": {"max_increase_pct": slo.max_increase_pct, "max_decrease_pct": slo.max_decrease_pct, "max": slo.max, "min": slo.min},
                           "test": e.test, "p_value": e.p, "q_value": e.q}),
                    "Act before the regression becomes the new normal: the CNCF maturity model's example is a >15 % build-time rise that frustrates developers long after it is fixed.",
                ));
            }
        }
        // 2. Counter-metric regression.
        if e.verdict == "improved" {
            for c in &m.counter {
                let ce = &evals[c];
                if ce.verdict == "worsened" {
                    alerts.push(alert(
                        "counter_regression",
                        &m.id,
                        "high",
                        format!(
                            "{} improved ({}, q = {}) while its counter {c} worsened ({}, {} q = {})",
                            m.id, change(e), fmt_p(e.q), change(ce), ce.test, fmt_p(ce.q)
                        ),
                        json!({"previous_period": prev, "metric": ev(e), "counter": c, "counter_change": ev(ce)}),
                        "Do not celebrate the improvement yet: find out whether it was bought with the counter-metric (Goodhart's law).",
                    ));
                }
            }
        }
        // 3. Target bunching.
        if let (Some(t), (_, Sample::Values(v))) = (m.target, &e.samples) {
            let bin = m.bunching_bin.unwrap_or(t.abs() * 0.05);
            if let Some(b) = bunching(v, t, bin, !e.higher_is_better)
                && b.p_value < defaults.bunching_alpha
                && b.excess >= 1.25
            {
                let side = if e.higher_is_better { "at or above" } else { "just under" };
                let mut x = alert(
                    "target_bunching",
                    &m.id,
                    "high",
                    format!(
                        "{} of {} values fall {side} the target {} {unit} (bin {}) vs {} just past it; {:.2}× the expected share, binomial p = {}",
                        b.inside[0],
                        b.inside[0] + b.outside[0],
                        fmt(Some(t)),
                        fmt(Some(bin)),
                        b.outside[0],
                        b.excess,
                        fmt_p(Some(b.p_value))
                    ),
                    json!({"target": t, "bin": bin, "inside_bins": b.inside, "outside_bins": b.outside,
                           "expected_inside_share": b.expected_share, "excess": b.excess,
                           "test": "binomial (one-sided, adjacent bins)", "p_value": b.p_value}),
                    "Values pile up just inside the target: look for work shaped to the number (timeouts, skipped steps, split work) and add a counter-metric.",
                );
                x.sample = v.clone();
                alerts.push(x);
            }
        }
        // 4. Divergence between the number and how it feels.
        if let Some(pr) = &m.perception {
            let pe = &evals[pr];
            let opposite = (e.verdict == "improved" && pe.verdict == "worsened")
                || (e.verdict == "worsened" && pe.verdict == "improved");
            if opposite {
                alerts.push(alert(
                    "divergence",
                    &m.id,
                    "medium",
                    format!(
                        "{} {} ({}, q = {}) but developers' perception {pr} {} ({}, q = {})",
                        m.id, e.verdict, change(e), fmt_p(e.q), pe.verdict, change(pe), fmt_p(pe.q)
                    ),
                    json!({"previous_period": prev, "metric": ev(e), "perception": pr, "perception_change": ev(pe)}),
                    "The number and the experience disagree: ask developers (comments, interviews) what the metric misses before acting on either.",
                ));
            }
        }
        // 6. Lone target.
        if m.target.is_some() && m.counter.is_empty() {
            alerts.push(alert(
                "lone_target",
                &m.id,
                "info",
                format!("{} has a target but no counter-metric", m.id),
                json!({"target": m.target}),
                "Add counter = [...] with metrics that would suffer if this one were gamed (DORA: pick metrics with tension between them).",
            ));
        }
    }
    // 5. Saturation, once per series.
    for (name, e) in &evals {
        if let Series::Survey { question, .. } = &series[name] {
            if let (Some(a0), Some(a1)) = e.top_box
                && a0 >= defaults.saturation_top_box
                && a1 >= defaults.saturation_top_box
            {
                alerts.push(alert(
                    "saturation",
                    name,
                    "low",
                    format!("{question}: top box {:.1} % and {:.1} % in two rounds running; it no longer discriminates", a0 * 100.0, a1 * 100.0),
                    json!({"top_box_from": a0, "top_box_to": a1, "threshold": defaults.saturation_top_box}),
                    "Rotate the item out (or raise the bar of its wording) and spend the survey's attention elsewhere.",
                ));
            }
            continue;
        }
        let collapsed = match &e.samples {
            (Sample::Values(a), Sample::Values(b)) if a.len() >= 20 && b.len() >= 20 => {
                match (relative_iqr(a), relative_iqr(b)) {
                    (Some(x0), Some(x1)) if x1 < 0.1 && x1 < 0.5 * x0 => {
                        let mut s = b.clone();
                        s.sort_by(f64::total_cmp);
                        let p50 = percentile(&s, 50.0);
                        Some(json!({"relative_iqr_from": x0, "relative_iqr_to": x1, "p50_to": p50}))
                    }
                    _ => None,
                }
            }
            (Sample::Proportion { k: k0, n: n0 }, Sample::Proportion { k: k1, n: n1 })
                if *n0 > 0 && *n1 > 0 =>
            {
                let (x0, x1) = (*k0 as f64 / *n0 as f64, *k1 as f64 / *n1 as f64);
                let stuck = |x: f64| !(0.01..=0.99).contains(&x);
                (stuck(x0) && stuck(x1)).then(|| json!({"share_from": x0, "share_to": x1}))
            }
            _ => None,
        };
        if let Some(evidence) = collapsed {
            alerts.push(alert(
                "saturation",
                name,
                "low",
                format!("{name}: its spread collapsed ({}); it no longer discriminates", evidence),
                evidence,
                "Rotate the metric or measure a finer-grained one; a number that cannot move cannot guide.",
            ));
        }
    }

    let names: Vec<&String> = evals.keys().collect();
    let e: Vec<&Eval> = names.iter().map(|n| &evals[*n]).collect();
    let series = DataFrame::new(
        names.len(),
        vec![
            Column::new("series".into(), names.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            Column::new(prev.as_str().into(), e.iter().map(|x| x.from).collect::<Vec<_>>()),
            Column::new(period.as_str().into(), e.iter().map(|x| x.to).collect::<Vec<_>>()),
            Column::new("test".into(), e.iter().map(|x| x.test.clone()).collect::<Vec<_>>()),
            Column::new("q_value".into(), e.iter().map(|x| x.q).collect::<Vec<_>>()),
            Column::new("verdict".into(), e.iter().map(|x| x.verdict.clone()).collect::<Vec<_>>()),
        ],
    )?;
    Ok(Checked { period, previous: prev, alerts, notes, series })
}

/// Runs `pulse check`.
pub fn run(g: &Global, a: &CheckArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let Checked { period, previous: prev, alerts, notes, series: df } =
        evaluate(&ws, a.period.as_deref(), a.metrics.as_deref())?;
    // Output.
    match a.format {
        Format::Json => {
            let arr: Vec<serde_json::Value> = alerts
                .iter()
                .map(|x| {
                    json!({"kind": x.kind, "metric": x.metric, "period": x.period, "severity": x.severity,
                           "message": x.message, "evidence": x.evidence, "action": x.action})
                })
                .collect();
            crate::output::print_line(&serde_json::to_string_pretty(&arr)?)?;
        }
        f => {
            if f == Format::Table {
                crate::output::print_line(&format!("{period} against {prev}:"))?;
                crate::output::print_frame(&df, Format::Table)?;
                crate::output::print_line("")?;
            }
            let len = alerts.len();
            let df = DataFrame::new(
                len,
                vec![
                    Column::new("kind".into(), alerts.iter().map(|x| x.kind).collect::<Vec<_>>()),
                    Column::new(
                        "metric".into(),
                        alerts.iter().map(|x| x.metric.clone()).collect::<Vec<_>>(),
                    ),
                    Column::new(
                        "period".into(),
                        alerts.iter().map(|x| x.period.clone()).collect::<Vec<_>>(),
                    ),
                    Column::new(
                        "severity".into(),
                        alerts.iter().map(|x| x.severity).collect::<Vec<_>>(),
                    ),
                    Column::new(
                        "message".into(),
                        alerts.iter().map(|x| x.message.clone()).collect::<Vec<_>>(),
                    ),
                    Column::new(
                        "action".into(),
                        alerts.iter().map(|x| x.action.clone()).collect::<Vec<_>>(),
                    ),
                    Column::new(
                        "evidence".into(),
                        alerts.iter().map(|x| x.evidence.to_string()).collect::<Vec<_>>(),
                    ),
                ],
            )?;
            if f == Format::Table {
                for x in &alerts {
                    crate::output::print_line(&format!(
                        "[{}] {} {} ({}): {}\n  → {}",
                        x.severity, x.kind, x.metric, x.period, x.message, x.action
                    ))?;
                }
                for n in &notes {
                    crate::output::print_line(&format!("note: {n}"))?;
                }
                crate::output::print_line(&format!(
                    "{} alert{} for {period}",
                    len,
                    if len == 1 { "" } else { "s" }
                ))?;
            } else {
                crate::output::print_frame(&df, f)?;
            }
        }
    }
    Ok(if alerts.is_empty() { ExitStatus::Success } else { ExitStatus::Failure })
}
