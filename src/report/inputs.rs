//! The report's inputs: every analysis and store read the report stage needs, one small function
//! each, over `store::read` and the analyses' entry points (`analyse::survey`,
//! `analyse::telemetry`). The sections name no other source of data, so what a report shows is
//! listed here.
//!
//! Functions that the analyses will take a loaded [`Catalog`] for already receive the report's
//! one catalog (read once per report); until the analyses accept it they read their own.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::Result;
use polars::prelude::DataFrame;

use crate::analyse::compare::{CompareOptions, CompareRow};
use crate::analyse::delivery::{BuildMetrics, Period};
use crate::analyse::disclosure::RoundPlan;
use crate::analyse::dora::{Compat, DeployMetrics, DoraMetric, DoraYear};
use crate::analyse::guardrails;
use crate::analyse::summary::SummaryRow;
use crate::analyse::usage::UsageMetrics;
use crate::analyse::{survey, telemetry};
use crate::store::catalog::{Catalog, Question};
use crate::store::read;
use crate::store::read::FlagSet;
use crate::store::workspace::Workspace;

/// `pulse check`'s result for a period.
pub type Checked = guardrails::Checked;
/// One guardrail alert.
pub type Alert = guardrails::Alert;

/// The question catalog (read once per report).
pub fn catalog(ws: &Workspace) -> Result<Catalog> {
    Catalog::load(ws)
}

/// `round` when given (checked), else the latest round.
pub fn round_or_latest(ws: &Workspace, round: Option<&String>) -> Result<String> {
    read::round_or_latest(ws, round)
}

/// Respondents per group of `segment` in `round`.
pub fn group_sizes(
    ws: &Workspace,
    round: &str,
    segment: &str,
    exclude: FlagSet,
) -> Result<HashMap<String, usize>> {
    read::group_sizes(ws, round, segment, exclude)
}

/// Every segment name of the workspace and of `round` (configured and given at import).
pub fn segments(ws: &Workspace, round: &str) -> Result<Vec<String>> {
    survey::segments(ws, round)
}

/// The disclosure plans of every round up to `round`.
pub fn plans(ws: &Workspace, round: &str) -> Result<BTreeMap<String, RoundPlan>> {
    survey::plans(ws, round)
}

/// `pulse summary` rows of `round`, whole round or per group of `segment` (with the plans).
pub fn summary(
    ws: &Workspace,
    _catalog: &Catalog,
    round: &str,
    segment: Option<&str>,
    exclude: FlagSet,
    plans: &BTreeMap<String, RoundPlan>,
) -> Result<Vec<SummaryRow>> {
    survey::summary_rows_with(ws, round, segment, exclude, plans)
}

/// `pulse compare from to` rows (whole rounds).
pub fn compare(
    ws: &Workspace,
    _catalog: &Catalog,
    from: &str,
    to: &str,
    exclude: FlagSet,
    opts: CompareOptions,
) -> Result<Vec<CompareRow>> {
    survey::compare_rows(ws, from, to, None, exclude, opts)
}

/// The rounds a report on `round` covers: every round up to it, as `pulse trend ..ROUND` selects.
pub fn trend_rounds(ws: &Workspace, round: &str) -> Result<Vec<String>> {
    crate::analyse::trend::select_rounds(&ws.round_ids(), Some(&format!("..{round}")))
}

/// `pulse summary` rows (whole round) of each of `rounds`, with the plans.
pub fn round_summaries(
    ws: &Workspace,
    rounds: &[String],
    exclude: FlagSet,
    plans: &BTreeMap<String, RoundPlan>,
) -> Result<Vec<(String, Vec<SummaryRow>)>> {
    survey::round_summaries(ws, rounds, None, exclude, plans)
}

/// `pulse trend` of every question, whole rounds, from the rounds' summary rows.
pub fn trend_of(ws: &Workspace, per_round: &[(String, Vec<SummaryRow>)]) -> Result<DataFrame> {
    survey::trend_of(ws, per_round, &[], None)
}

/// `pulse drivers` of `round` against `outcome`.
pub fn drivers(
    ws: &Workspace,
    _catalog: &Catalog,
    round: &str,
    outcome: &str,
    exclude: FlagSet,
) -> Result<DataFrame> {
    survey::drivers_frame(ws, round, Some(outcome), exclude)
}

/// `pulse themes` of `round`.
pub fn themes(
    ws: &Workspace,
    _catalog: &Catalog,
    round: &str,
    exclude: FlagSet,
) -> Result<DataFrame> {
    survey::themes_frame(ws, round, exclude)
}

/// `pulse maturity` of `round`.
pub fn maturity(
    ws: &Workspace,
    _catalog: &Catalog,
    round: &str,
    exclude: FlagSet,
) -> Result<DataFrame> {
    survey::maturity_frame(ws, round, exclude)
}

/// The round whose comment themes `exclude` cannot show ([`survey::themes_refused`]).
pub fn themes_refused(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<Option<String>> {
    survey::themes_refused(ws, round, exclude)
}

/// True when `round`'s figures without the people `exclude` leaves out are published
/// ([`survey::exclusion_shown`]).
pub fn exclusion_shown(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<bool> {
    survey::exclusion_shown(ws, round, exclude)
}

/// How many of `round`'s respondents `exclude` leaves out, when that may be published
/// ([`survey::excluded_shown`]).
pub fn excluded_count(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<Option<usize>> {
    survey::excluded_shown(ws, round, exclude)
}

/// Build metrics per quarter, with samples (for the bunching histogram).
pub fn builds(ws: &Workspace) -> Result<BTreeMap<String, BuildMetrics>> {
    telemetry::builds(ws, Period::Quarter, true)
}

/// Deployment metrics per quarter (pulse's definitions).
pub fn deploys(ws: &Workspace) -> Result<BTreeMap<String, DeployMetrics>> {
    telemetry::deploys(ws, Period::Quarter, Compat::Pulse)
}

/// Usage per quarter and capability.
pub fn usage(ws: &Workspace) -> Result<BTreeMap<(String, String), UsageMetrics>> {
    telemetry::usage(ws, Period::Quarter)
}

/// A DORA metric's performance level as text (`None` below the sample minimum).
pub fn dora_level(year: DoraYear, m: DoraMetric, v: Option<f64>, n: usize) -> Option<String> {
    crate::analyse::dora::level(year, m, v, n)
}

/// `pulse check` of `period` with the workspace's metrics.toml, reusing the report's quarterly
/// metrics.
pub fn check(
    ws: &Workspace,
    period: &str,
    builds: &BTreeMap<String, BuildMetrics>,
    deploys: &BTreeMap<String, DeployMetrics>,
    usage: &BTreeMap<(String, String), UsageMetrics>,
    exclude: FlagSet,
) -> Result<Checked> {
    let pre =
        telemetry::Computed { builds: Some(builds), deploys: Some(deploys), usage: Some(usage) };
    telemetry::evaluate_with(ws, Some(period), None, &pre, exclude)
}

/// The build-time target in seconds: the target (or SLO maximum) of the metric on
/// `builds.duration_p50` in `metrics`; `None` when the file or the metric is absent.
pub fn build_target(metrics: &Path) -> Option<f64> {
    let f = guardrails::load(metrics).ok()?;
    f.metrics
        .iter()
        .find(|m| m.source.as_deref() == Some("builds.duration_p50"))
        .and_then(|m| m.target.or(m.slo.as_ref().and_then(|s| s.max)))
}

/// A query file's SQL with `{{period_start}}`-style placeholders filled for `period`.
pub fn fill_period(ws: &Workspace, sql: &str, period: &str) -> Result<String> {
    read::sql::fill_period(ws, sql, Some(period))
}

/// Runs SQL on the workspace's tables.
pub fn query(ws: &Workspace, sql: &str) -> Result<DataFrame> {
    read::sql::execute(ws, sql)
}

/// An alert's severity (`high`, `medium`, `low`, `info`).
pub fn severity(a: &Alert) -> &str {
    a.severity.as_str()
}

/// An alert's kind (`target_bunching`, `lone_target`, …).
pub fn alert_kind(a: &Alert) -> &str {
    a.kind.as_str()
}

/// A comparison's verdict (`improved`, `declined`, `no detectable change`, `not comparable`).
pub fn verdict(r: &CompareRow) -> &str {
    &r.verdict
}

/// True unless a low answer to `q` is the good one.
pub fn higher_is_better(q: &Question) -> bool {
    q.direction != "lower_is_better"
}

/// True for a rated (Likert) question.
pub fn is_likert(q: &Question) -> bool {
    q.kind == "likert"
}
