//! `metrics.toml`: the schema (`[defaults]`, `[[metric]]`), its validation, and how a source
//! or a reference in `counter` / `perception` resolves to a series `pulse check` evaluates.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// `metrics.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsFile {
    /// Thresholds for the whole file.
    #[serde(default)]
    pub defaults: Defaults,
    /// The metrics that matter.
    #[serde(default, rename = "metric")]
    pub metrics: Vec<MetricDef>,
}

/// `[defaults]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Significance level on q-values.
    #[serde(default = "alpha")]
    pub alpha: f64,
    /// Survey answers below which trends are withheld.
    #[serde(default = "min_n")]
    pub min_n: usize,
    /// Response-rate drop (points) that withholds survey trends.
    #[serde(default = "rate_drop")]
    pub max_response_rate_drop: f64,
    /// Significance level of the bunching test.
    #[serde(default = "bunching_alpha")]
    pub bunching_alpha: f64,
    /// Top-box share at which a survey item is saturated (two rounds running).
    #[serde(default = "saturation")]
    pub saturation_top_box: f64,
}

fn alpha() -> f64 {
    0.05
}
fn min_n() -> usize {
    30
}
fn rate_drop() -> f64 {
    10.0
}
fn bunching_alpha() -> f64 {
    0.01
}
fn saturation() -> f64 {
    0.9
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            alpha: alpha(),
            min_n: min_n(),
            max_response_rate_drop: rate_drop(),
            bunching_alpha: bunching_alpha(),
            saturation_top_box: saturation(),
        }
    }
}

/// One `[[metric]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    /// Identifier used in alerts and references.
    pub id: String,
    /// Human title.
    #[serde(default)]
    pub title: Option<String>,
    /// Built-in source (`builds.duration_p50`, `survey.<question>.top_box`, …).
    #[serde(default)]
    pub source: Option<String>,
    /// Or SQL returning columns `period` and `value`.
    #[serde(default)]
    pub sql: Option<String>,
    /// `lower_is_better` or `higher_is_better` (default: the source's natural direction).
    #[serde(default)]
    pub direction: Option<String>,
    /// Target value, in the metric's unit.
    #[serde(default)]
    pub target: Option<f64>,
    /// Counter-metrics: metric ids, sources or survey question ids.
    #[serde(default)]
    pub counter: Vec<String>,
    /// The survey item that should move with it.
    #[serde(default)]
    pub perception: Option<String>,
    /// Service-level objective on the change from the previous period.
    #[serde(default)]
    pub slo: Option<Slo>,
    /// Bin width of the bunching test (default: 5 % of the target).
    #[serde(default)]
    pub bunching_bin: Option<f64>,
}

/// `slo = { … }`.
#[derive(Debug, Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Alert when the value rises more than this many percent.
    pub max_increase_pct: Option<f64>,
    /// Alert when the value falls more than this many percent.
    pub max_decrease_pct: Option<f64>,
    /// Alert above this value.
    pub max: Option<f64>,
    /// Alert below this value.
    pub min: Option<f64>,
}

/// Built-in telemetry sources, their natural direction (true: higher is better) and unit.
pub const BUILTINS: &[(&str, bool, &str)] = &[
    ("builds.count", true, "runs"),
    ("builds.duration_p50", false, "s"),
    ("builds.duration_p90", false, "s"),
    ("builds.failure_rate", false, "share"),
    ("builds.queue_p50", false, "s"),
    ("builds.flaky_rate", false, "share"),
    ("deployments.frequency", true, "per day"),
    ("deployments.lead_time_p50", false, "h"),
    ("deployments.change_failure_rate", false, "share"),
    ("deployments.recovery_time_p50", false, "h"),
    ("deployments.rework_rate", false, "share"),
    ("usage.active_users:", true, "users"),
    ("usage.adoption:", true, "share"),
];

/// The built-in entry of a source: an exact name, or a `prefix:` followed by a capability.
pub fn builtin(s: &str) -> Option<&'static (&'static str, bool, &'static str)> {
    BUILTINS.iter().find(|(b, _, _)| {
        if b.ends_with(':') { s.starts_with(b) && s.len() > b.len() } else { s == *b }
    })
}

/// A series to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Series {
    Builtin(String),
    Survey { question: String, stat: String },
    Sql(String),
}

/// Loads and validates `metrics.toml`.
pub fn load(path: &std::path::Path) -> Result<MetricsFile> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading {}\nhint: write a metrics.toml (see README, \"Guardrails\")",
            path.display()
        )
    })?;
    let f: MetricsFile =
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let mut seen = BTreeSet::new();
    for m in &f.metrics {
        if !seen.insert(m.id.as_str()) {
            bail!("{}: metric id {:?} is declared twice", path.display(), m.id);
        }
        if m.source.is_some() == m.sql.is_some() {
            bail!("{}: metric {:?} needs exactly one of source or sql", path.display(), m.id);
        }
        if let Some(d) = &m.direction
            && d != "lower_is_better"
            && d != "higher_is_better"
        {
            bail!(
                "{}: metric {:?}: direction must be lower_is_better or higher_is_better, not {d:?}",
                path.display(),
                m.id
            );
        }
    }
    Ok(f)
}

pub(super) struct Ctx<'a> {
    /// The metrics file.
    pub file: &'a MetricsFile,
    /// Question ids of the catalog.
    pub questions: BTreeSet<String>,
    /// Question id → higher is better.
    pub question_higher: BTreeMap<String, bool>,
}

impl Ctx<'_> {
    /// Resolves a source string or reference to a series.
    pub(super) fn parse_source(&self, s: &str) -> Result<Series> {
        if let Some(rest) = s.strip_prefix("survey.") {
            let (q, stat) = rest
                .rsplit_once('.')
                .context("survey sources are survey.<question_id>.top_box|mean|nps")?;
            if !matches!(stat, "top_box" | "mean" | "nps") {
                bail!("{s}: survey statistics are top_box, mean and nps");
            }
            if !self.questions.contains(q) {
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
    pub(super) fn resolve(&self, r: &str) -> Result<(String, Series)> {
        if let Some(m) = self.file.metrics.iter().find(|m| m.id == r) {
            return Ok((m.id.clone(), self.series_of(m)?));
        }
        if self.questions.contains(r) {
            return Ok((r.into(), Series::Survey { question: r.into(), stat: "top_box".into() }));
        }
        self.parse_source(r).map(|s| (r.to_string(), s)).with_context(|| {
            format!("{r:?} is not a metric id in metrics.toml, a survey question id, or a source")
        })
    }

    pub(super) fn series_of(&self, m: &MetricDef) -> Result<Series> {
        match (&m.source, &m.sql) {
            (Some(s), _) => self.parse_source(s).with_context(|| format!("metric {:?}", m.id)),
            (None, Some(q)) => Ok(Series::Sql(q.clone())),
            (None, None) => bail!("metric {:?} needs a source or sql", m.id),
        }
    }

    pub(super) fn natural_direction(&self, s: &Series) -> bool {
        match s {
            Series::Builtin(b) => builtin(b).is_none_or(|x| x.1),
            Series::Survey { question, .. } => *self.question_higher.get(question).unwrap_or(&true),
            Series::Sql(_) => true,
        }
    }
}
