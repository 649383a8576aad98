//! Arguments of the telemetry commands: metrics and check.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Format;

/// Calendar period for telemetry metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PeriodArg {
    /// Calendar quarters (`2026-Q3`), aligned with survey rounds of the same name.
    #[default]
    Quarter,
    /// Calendar months.
    Month,
    /// ISO weeks.
    Week,
}

/// Which metrics `pulse metrics` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum MetricsKind {
    /// Every kind that has data (JSON: an object with one array per kind).
    #[default]
    All,
    /// CI builds: count, p50/p90 duration, failure, queue, flaky and rerun rates.
    Builds,
    /// Deployments: frequency, lead time, change failure rate, recovery time, rework, levels.
    Deployments,
    /// Capability usage: active users and teams, adoption, retention.
    Usage,
}

/// Definition of the deployment metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CompatArg {
    /// pulse's default, following DORA's own definitions (medians; change-caused failures).
    #[default]
    Pulse,
    /// Apache DevLake's DORA plugin and dashboard (lower medians, project-wide attribution).
    Devlake,
}

/// Report year of the DORA clusters used for levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoraYearArg {
    /// Accelerate State of DevOps 2023.
    #[value(name = "2023")]
    Y2023,
    /// Accelerate State of DevOps 2024 (default, except DevLake's 2023 set with --compat devlake).
    #[value(name = "2024")]
    Y2024,
}

/// `pulse metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Which metrics.
    #[arg(long, value_enum, default_value_t)]
    pub kind: MetricsKind,
    /// Period to group by.
    #[arg(long, value_enum, default_value_t)]
    pub period: PeriodArg,
    /// Definition of the deployment metrics.
    #[arg(long, value_enum, default_value_t)]
    pub compat: CompatArg,
    /// DORA report year whose clusters name the levels.
    #[arg(long, value_enum, value_name = "YEAR")]
    pub dora_year: Option<DoraYearArg>,
    /// Output format (CSV needs one --kind).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Period to check, e.g. 2026-Q3, against the one before (default: the latest complete
    /// period whose telemetry covers both sides; the output says which and why).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Default to the current, incomplete period (counts per covered day).
    #[arg(long, conflicts_with = "period")]
    pub partial: bool,
    /// Metrics file (default: metrics.toml in the workspace).
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
    /// Respondents left out of the survey metrics by quality flag.
    #[command(flatten)]
    pub exclusion: super::Exclusion,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Least alert severity that makes the run fail (exit 1): `info` fails on any alert,
    /// `warning` on low, medium or high ones, `high` on high ones only. Info alerts (a target
    /// without a counter-metric) are advice: by default they print and exit 0.
    #[arg(long, value_enum, default_value_t, value_name = "LEVEL")]
    pub fail_on: FailOn,
}

/// Which alerts fail `pulse check` (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// Any alert, info included.
    Info,
    /// Alerts of severity low, medium or high.
    #[default]
    Warning,
    /// High-severity alerts only.
    High,
}
