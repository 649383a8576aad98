//! `pulse check`: evaluates `metrics.toml` for one period against the one before and raises
//! Goodhart alerts — SLO breach, counter-metric regression, target bunching, survey/telemetry
//! divergence, saturation, lone target, survey health. Exit 1 when an alert at or above
//! `--fail-on` fires (default: any but info).
//!
//! Glue: `analyse::telemetry::evaluate` reads the metrics file, the catalog and the telemetry
//! and runs `analyse::guardrails` (statistics, rules and alerts live there); this prints.

use anyhow::Result;
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::guardrails::{self as g, Severity};
use crate::analyse::telemetry;
use crate::cli::{CheckArgs, FailOn, Format, Global};
use crate::store::workspace::Workspace;

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
    let g::Checked { period, previous: prev, alerts, notes, series: df, why, coverage, family } =
        telemetry::evaluate(
            &ws,
            a.period.as_deref(),
            a.metrics.as_deref(),
            a.partial,
            a.exclusion.exclude,
        )?;
    let rounds: Vec<&str> = [prev.as_str(), period.as_str()]
        .into_iter()
        .filter(|r| ws.config.rounds.contains_key(*r))
        .collect();
    crate::analyse::survey::print_exclusion_notes(&ws, &rounds, a.exclusion.exclude)?;
    match a.format {
        Format::Json => {
            let arr: Vec<serde_json::Value> = alerts.iter().map(g::Alert::to_json).collect();
            let cov: Vec<serde_json::Value> = coverage
                .iter()
                .map(|(s, c0, c1)| {
                    let one = |c: &g::coverage::Coverage| {
                        serde_json::json!({"covered_days": c.covered, "days": c.days,
                            "share": c.fraction(), "complete": c.complete})
                    };
                    serde_json::json!({"source": s, "previous": one(c0), "period": one(c1)})
                })
                .collect();
            let out = serde_json::json!({"period": period, "previous": prev, "why": why,
                "coverage": cov, "multiple_testing": family, "notes": notes, "alerts": arr});
            crate::output::print_line(&serde_json::to_string_pretty(&out)?)?;
        }
        f => {
            if f == Format::Table {
                crate::output::print_line(&format!("{period} against {prev} ({why}):"))?;
                for (s, c0, c1) in &coverage {
                    crate::output::print_line(&format!(
                        "  coverage: {s} {} in {prev}, {} in {period}{}",
                        c0.describe(),
                        c1.describe(),
                        if c1.complete { "" } else { " (incomplete: counts per covered day)" }
                    ))?;
                }
                crate::output::print_line(&format!("  q-values: {family}"))?;
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
