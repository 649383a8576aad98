//! Entry points of the telemetry analyses, for the commands and the report: delivery metrics per
//! period and the guardrail check. Each reads its input once through [`crate::store`]
//! (`store::telemetry`, `store::read`) and hands it to the pure functions of
//! `analyse::{delivery, dora, usage, guardrails}`. With `survey.rs`, the only files of `analyse`
//! that take a [`Workspace`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use super::compare::CompareOptions;
use super::delivery::pair_hash;
use super::delivery::{BuildMetrics, build_metrics_of_frame};
use super::dora::{Compat, DeployMetrics, deploy_metrics};
use super::guardrails::coverage::{Days, Sources, day_of_ms};
use super::guardrails::{self as g, Plan, Questions, Series, load};
use super::period::{Period, previous_period};
use super::survey;
use super::usage::{UsageMetrics, usage_metrics};
use crate::store::catalog::Catalog;
use crate::store::read::FlagSet;
use crate::store::{read, telemetry, workspace::Workspace};

/// Build metrics per period; `keep_samples` keeps durations and queue times for tests.
pub fn builds(
    ws: &Workspace,
    period: Period,
    keep_samples: bool,
) -> Result<BTreeMap<String, BuildMetrics>> {
    build_metrics_of_frame(&telemetry::builds(ws)?, period, keep_samples)
}

/// Deployment metrics per period.
pub fn deploys(
    ws: &Workspace,
    period: Period,
    compat: Compat,
) -> Result<BTreeMap<String, DeployMetrics>> {
    let (rows, changes, incidents) =
        (telemetry::deployments(ws)?, telemetry::changes(ws)?, telemetry::incidents(ws)?);
    Ok(deploy_metrics(&rows, &changes, &incidents, period, compat))
}

/// Usage metrics per (period, capability).
pub fn usage(ws: &Workspace, period: Period) -> Result<BTreeMap<(String, String), UsageMetrics>> {
    let u = telemetry::usage(ws)?;
    Ok(usage_metrics(u.events(), period, ws.config.organisation_size, ws.config.min_group_size))
}

/// Evaluates the metrics file (default: the workspace's metrics.toml) for `period` (default:
/// the latest complete period with enough coverage, or with `partial` the latest with data)
/// against the period before.
pub fn evaluate(
    ws: &Workspace,
    period: Option<&str>,
    metrics: Option<&Path>,
    partial: bool,
    exclude: FlagSet,
) -> Result<g::Checked> {
    evaluate_full(ws, period, metrics, partial, &Computed::default(), exclude)
}

/// Metrics a caller already computed (per calendar quarter, pulse definitions, build samples
/// kept), so [`evaluate_with`] does not compute them again.
#[derive(Debug, Default, Clone, Copy)]
pub struct Computed<'a> {
    /// [`builds`]`(ws, Period::Quarter, true)`.
    pub builds: Option<&'a BTreeMap<String, BuildMetrics>>,
    /// [`deploys`]`(ws, Period::Quarter, Compat::Pulse)`.
    pub deploys: Option<&'a BTreeMap<String, DeployMetrics>>,
    /// [`usage`]`(ws, Period::Quarter)`.
    pub usage: Option<&'a BTreeMap<(String, String), UsageMetrics>>,
}

/// [`evaluate`] of complete periods, reusing quarterly metrics the caller has (used only for
/// quarter periods).
pub fn evaluate_with(
    ws: &Workspace,
    period: Option<&str>,
    metrics: Option<&Path>,
    pre: &Computed<'_>,
    exclude: FlagSet,
) -> Result<g::Checked> {
    evaluate_full(ws, period, metrics, false, pre, exclude)
}

/// The days of the builds frame of `store::telemetry::builds`: runs by start day, outcomes,
/// and successful runs' durations (the wall clock, else `duration_s`, as `analyse::delivery`).
fn build_days(df: &DataFrame) -> Result<Days> {
    let mut days = Days::new();
    let (st, fi) = (df.column("started_at")?.i64()?, df.column("finished_at")?.i64()?);
    let (re, du) = (df.column("result")?.str()?, df.column("duration_s")?.f64()?);
    for (((s, f), r), d) in st.iter().zip(fi.iter()).zip(re.iter()).zip(du.iter()) {
        let Some(s) = s else { continue };
        let day = days.entry(day_of_ms(s)).or_default();
        day.events += 1;
        match r.unwrap_or("") {
            "success" => {
                day.trials += 1;
                let dur = f.map(|f| f.checked_sub(s).map(|x| x as f64 / 1000.0)).unwrap_or(d);
                if let Some(x) = dur.filter(|x| x.is_finite()) {
                    day.durations.push(x);
                }
            }
            "failure" => {
                day.trials += 1;
                day.failure += 1;
            }
            _ => {}
        }
    }
    Ok(days)
}

/// The columns of the builds table [`build_days`] reads (times as i64 ms).
fn build_day_columns(ws: &Workspace) -> Result<DataFrame> {
    crate::store::frames::telemetry_table(ws, "builds")?
        .select([
            col("started_at").cast(DataType::Int64),
            col("finished_at").cast(DataType::Int64),
            col("result"),
            col("duration_s"),
        ])
        .collect()
        .map_err(anyhow::Error::from)
        .context("reading the builds table")
}

/// The per-day data of the sources the plan reads.
fn sources(
    ws: &Workspace,
    plan: &Plan,
    kind: Period,
    build_frame: Option<&DataFrame>,
) -> Result<Sources> {
    let mut out = Sources::default();
    if let Some(df) = build_frame {
        out.builds = build_days(df)?;
    }
    if plan.needs("deployments.") {
        for d in super::dora::deployments(&telemetry::deployments(ws)?) {
            out.deploys.entry(day_of_ms(d.finished)).or_default().events += 1;
        }
    }
    if plan.needs("usage.") {
        let u = telemetry::usage(ws)?;
        for e in u.events() {
            out.usage.entry(day_of_ms(e.at)).or_default().events += 1;
            if !e.actor.is_empty() {
                let key = (super::period::period_of(e.at, kind), e.capability.to_string());
                out.actors.entry(key).or_default().push(pair_hash(e.actor, "", ""));
            }
        }
        for v in out.actors.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
    }
    Ok(out)
}

fn evaluate_full(
    ws: &Workspace,
    period: Option<&str>,
    metrics: Option<&Path>,
    partial: bool,
    pre: &Computed<'_>,
    exclude: FlagSet,
) -> Result<g::Checked> {
    let path: PathBuf = metrics.map_or_else(|| ws.path("metrics.toml"), Path::to_path_buf);
    let file = load(&path)?;
    let catalog = Catalog::load(ws)?;
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
    // The builds frame: all columns when the metrics are computed here, else only the four
    // the per-day data needs (the report passes its metrics in).
    let build_frame = match (plan.needs("builds."), pre.builds.filter(|_| quarter)) {
        (false, _) => None,
        (true, None) => Some(telemetry::builds(ws)?),
        (true, Some(_)) => Some(build_day_columns(ws)?),
    };
    let builds: Cow<'_, BTreeMap<String, BuildMetrics>> =
        match (plan.needs("builds."), pre.builds.filter(|_| quarter)) {
            (false, _) => Cow::Owned(BTreeMap::new()),
            (true, Some(b)) => Cow::Borrowed(b),
            (true, None) => Cow::Owned(build_metrics_of_frame(
                build_frame.as_ref().expect("read when builds are needed"),
                probe,
                true,
            )?),
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
    // The period: given, else the latest complete one whose sources cover both sides, else
    // (no telemetry) the latest round.
    let src = sources(ws, &plan, probe, build_frame.as_ref())?;
    let min = file.defaults.min_coverage;
    let has_telemetry = src.all().iter().any(|(_, d)| !d.is_empty());
    let (period, why) = match period {
        Some(p) => (p.to_string(), "given with --period".to_string()),
        None if has_telemetry => match g::coverage::choose(&src, probe, partial, min) {
            Ok(c) => (c.period, c.why),
            Err(reasons) => bail!(
                "no period to check: {}\nhint: import more telemetry, pass --period, or lower min_coverage in metrics.toml",
                reasons.join("; ")
            ),
        },
        None => (
            ws.round_ids()
                .last()
                .cloned()
                .context("nothing to check: no telemetry and no survey rounds imported")?,
            "latest survey round (no telemetry)".to_string(),
        ),
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
            let rows = survey::compare_rows(ws, r0, r1, None, exclude, opts)?;
            let sums = if plan.needs_survey(Some("nps")) {
                Some((
                    survey::summary_rows(ws, r0, None, exclude)?,
                    survey::summary_rows(ws, r1, None, exclude)?,
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
            sources: &src,
        },
        survey,
        sql: &sql,
        why: &why,
        min_coverage: min,
    };
    g::evaluate(&file, &plan, &inputs)
}

/// Runs the SQL series: (period label, value) rows per series name.
fn sql_rows(ws: &Workspace, plan: &Plan) -> Result<g::SqlRows> {
    let mut out = BTreeMap::new();
    for (name, s) in &plan.series {
        let Series::Sql(q) = s else { continue };
        let df = read::sql::execute(ws, q).with_context(|| format!("metric {name:?}: sql"))?;
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
