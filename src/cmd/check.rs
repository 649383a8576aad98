//! `pulse check`: evaluates `metrics.toml` for one period against the one before and raises
//! Goodhart alerts — SLO breach, counter-metric regression, target bunching, survey/telemetry
//! divergence, saturation, lone target, survey health. Exit 1 when an alert at or above
//! `--fail-on` fires (default: any but info).
//!
//! Glue: reads the metrics file, the catalog and the telemetry through the store, computes the
//! period's metrics with `analyse::{delivery, dora, usage}`, and hands them to
//! `analyse::guardrails::evaluate` (statistics, rules and alerts live there).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::compare::CompareOptions;
use crate::analyse::delivery::{BuildMetrics, build_metrics_of_frame};
use crate::analyse::dora::{Compat, DeployMetrics, deploy_metrics};
use crate::analyse::guardrails::{self as g, Plan, Questions, Series, Severity};
use crate::analyse::period::{Period, previous_period};
use crate::analyse::usage::{UsageMetrics, usage_metrics};
use crate::cli::{CheckArgs, FailOn, Format, Global};
use crate::store::{telemetry, workspace::Workspace};

// Old paths: the metrics file schema moved to `analyse::guardrails::config`.
pub use crate::analyse::guardrails::{Defaults, MetricsFile, Slo, load};

/// One alert, with kind and severity as strings (the shape the report stage reads; the typed
/// alert is `analyse::guardrails::Alert`).
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

/// What `pulse check` found for one period, alerts as [`Alert`] (string kind and severity).
pub type Checked = g::Checked<Alert>;

impl From<g::Alert> for Alert {
    fn from(a: g::Alert) -> Alert {
        Alert {
            kind: a.kind.as_str(),
            metric: a.metric,
            period: a.period,
            severity: a.severity.as_str(),
            message: a.message,
            evidence: a.evidence,
            action: a.action,
            sample: a.sample,
        }
    }
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
    Ok(evaluate_typed(ws, period, metrics, pre)?.map_alerts(Alert::from))
}

/// [`evaluate_with`], with typed alerts.
pub fn evaluate_typed(
    ws: &Workspace,
    period: Option<&str>,
    metrics: Option<&Path>,
    pre: &Computed<'_>,
) -> Result<g::Checked> {
    let path: PathBuf = metrics.map_or_else(|| ws.path("metrics.toml"), Path::to_path_buf);
    let file = load(&path)?;
    // Shim: the catalog read moves to the store with the survey commands' loader.
    let catalog = crate::cmd::questions::load_catalog(ws)?;
    let questions = Questions {
        ids: catalog.questions.iter().map(|q| q.id.clone()).collect(),
        higher: catalog
            .questions
            .iter()
            .map(|q| (q.id.clone(), q.direction != "lower_is_better"))
            .collect(),
    };
    let plan = Plan::new(&file, &questions)?;
    // Telemetry metrics of the period kind, computed only for the sources the file names.
    let probe = period.map_or(Period::Quarter, Period::of_label);
    let quarter = probe == Period::Quarter;
    let builds: Cow<'_, BTreeMap<String, BuildMetrics>> =
        match (plan.needs("builds."), pre.builds.filter(|_| quarter)) {
            (false, _) => Cow::Owned(BTreeMap::new()),
            (true, Some(b)) => Cow::Borrowed(b),
            (true, None) => {
                Cow::Owned(build_metrics_of_frame(&telemetry::builds(ws)?, probe, true)?)
            }
        };
    let deploys: Cow<'_, BTreeMap<String, DeployMetrics>> =
        match (plan.needs("deployments."), pre.deploys.filter(|_| quarter)) {
            (false, _) => Cow::Owned(BTreeMap::new()),
            (true, Some(d)) => Cow::Borrowed(d),
            (true, None) => {
                let (rows, changes, incidents) = (
                    telemetry::deployments(ws)?,
                    telemetry::changes(ws)?,
                    telemetry::incidents(ws)?,
                );
                Cow::Owned(deploy_metrics(&rows, &changes, &incidents, probe, Compat::Pulse))
            }
        };
    let usage: Cow<'_, BTreeMap<(String, String), UsageMetrics>> =
        match (plan.needs("usage."), pre.usage.filter(|_| quarter)) {
            (false, _) => Cow::Owned(BTreeMap::new()),
            (true, Some(u)) => Cow::Borrowed(u),
            (true, None) => {
                let ev = telemetry::usage(ws)?;
                let (org, min) = (ws.config.organisation_size, ws.config.min_group_size);
                Cow::Owned(usage_metrics(ev.events(), probe, org, min))
            }
        };
    // The period: given, else the latest with telemetry, else the latest round.
    let period = match period {
        Some(p) => p.to_string(),
        None => builds
            .keys()
            .chain(deploys.keys())
            .chain(usage.keys().map(|k| &k.0))
            .max()
            .cloned()
            .or_else(|| ws.round_ids().last().cloned())
            .context("nothing to check: no telemetry and no survey rounds imported")?,
    };
    let prev = previous_period(&period, Period::of_label(&period)).with_context(|| {
        format!(
            "{period:?} is not a period label like 2026-Q3, 2026-07 or 2026-W27\nhint: pass --period with a quarter, month or ISO week label"
        )
    })?;

    // Survey side: the round named like the period, and the round before it.
    let rounds = ws.round_ids();
    let survey_pair: Option<(String, String)> = rounds
        .iter()
        .position(|r| *r == period)
        .filter(|&i| i > 0)
        .map(|i| (rounds[i - 1].clone(), rounds[i].clone()));
    let (compare_rows, summaries) = match (&survey_pair, plan.needs_survey(None)) {
        (Some((r0, r1)), true) => {
            let opts = CompareOptions {
                min_n: ws.config.min_group_size,
                rescale: false,
                paired: false,
                alpha: file.defaults.alpha,
            };
            // Shims: `pulse compare` / `pulse summary` rows until their store reads move.
            let rows = crate::cmd::compare::rows(ws, r0, r1, None, opts)?;
            let sums = if plan.needs_survey(Some("nps")) {
                Some((
                    crate::cmd::summary::rows(ws, r0, None)?,
                    crate::cmd::summary::rows(ws, r1, None)?,
                ))
            } else {
                None
            };
            (rows, sums)
        }
        _ => (Vec::new(), None),
    };
    let rate = |r: &str| ws.config.rounds.get(r).and_then(|m| m.response_rate());
    let survey = survey_pair.as_ref().map(|(r0, r1)| g::Survey {
        rounds: (r0.as_str(), r1.as_str()),
        response_rates: (rate(r0), rate(r1)),
        compare: &compare_rows,
        summaries: summaries.as_ref().map(|(a, b)| (a.as_slice(), b.as_slice())),
    });
    let sql = sql_rows(ws, &plan)?;
    let inputs = g::Inputs {
        period: &period,
        previous: &prev,
        telemetry: g::Telemetry {
            builds: &builds,
            deploys: &deploys,
            usage: &usage,
            organisation_size: ws.config.organisation_size,
        },
        survey,
        sql: &sql,
    };
    g::evaluate(&file, &plan, &inputs)
}

/// Runs the SQL series: (period label, value) rows per series name.
fn sql_rows(ws: &Workspace, plan: &Plan) -> Result<g::SqlRows> {
    let mut out = BTreeMap::new();
    for (name, s) in &plan.series {
        let Series::Sql(q) = s else { continue };
        // Shim: `pulse query`'s SQL context until it moves to the store.
        let df =
            crate::cmd::query::execute(ws, q).with_context(|| format!("metric {name:?}: sql"))?;
        let (Ok(pc), Ok(vc)) = (df.column("period"), df.column("value")) else {
            bail!(
                "metric {name:?}: the sql must return columns period and value\nhint: end the query with SELECT … AS period, … AS value"
            );
        };
        let vc = vc.cast(&DataType::Float64)?;
        let mut rows = Vec::with_capacity(df.height());
        for i in 0..df.height() {
            let label = crate::output::cell_text(&pc.get(i)?).unwrap_or_default();
            rows.push((label, vc.f64()?.get(i)));
        }
        out.insert(name.clone(), rows);
    }
    Ok(out)
}

/// The least severity that fails the run.
fn threshold(f: FailOn) -> Severity {
    match f {
        FailOn::Info => Severity::Info,
        FailOn::Warning => Severity::Low,
        FailOn::High => Severity::High,
    }
}

/// Runs `pulse check`.
pub fn run(gl: &Global, a: &CheckArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&gl.root())?;
    let g::Checked { period, previous: prev, alerts, notes, series: df } =
        evaluate_typed(&ws, a.period.as_deref(), a.metrics.as_deref(), &Computed::default())?;
    match a.format {
        Format::Json => {
            let arr: Vec<serde_json::Value> = alerts.iter().map(g::Alert::to_json).collect();
            crate::output::print_line(&serde_json::to_string_pretty(&arr)?)?;
        }
        f => {
            if f == Format::Table {
                crate::output::print_line(&format!("{period} against {prev}:"))?;
                crate::output::print_frame(&df, Format::Table)?;
                crate::output::print_line("")?;
            }
            let len = alerts.len();
            let col = |name: &str, v: Vec<String>| Column::new(name.into(), v);
            let strs = |f: &dyn Fn(&g::Alert) -> String| alerts.iter().map(f).collect::<Vec<_>>();
            let df = DataFrame::new(
                len,
                vec![
                    col("kind", strs(&|x| x.kind.to_string())),
                    col("metric", strs(&|x| x.metric.clone())),
                    col("period", strs(&|x| x.period.clone())),
                    col("severity", strs(&|x| x.severity.to_string())),
                    col("message", strs(&|x| x.message.clone())),
                    col("action", strs(&|x| x.action.clone())),
                    col("evidence", strs(&|x| x.evidence.to_string())),
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
    let fail = threshold(a.fail_on);
    Ok(if alerts.iter().any(|x| g::fails(x.severity, fail)) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
