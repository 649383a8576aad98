//! `metrics.toml`: the schema (`[defaults]`, `[[metric]]`) and its validation on load. Every
//! error names the file, line and column and gives the fix on a `hint:` line.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::alert::Direction;

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
    /// Least share of a period's days a telemetry source must cover, in both periods, for a
    /// comparison.
    #[serde(default = "min_coverage")]
    pub min_coverage: f64,
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
fn min_coverage() -> f64 {
    0.5
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            alpha: alpha(),
            min_n: min_n(),
            max_response_rate_drop: rate_drop(),
            bunching_alpha: bunching_alpha(),
            saturation_top_box: saturation(),
            min_coverage: min_coverage(),
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
    pub direction: Option<Direction>,
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

/// Where a key sits in the file: `[defaults]` or the n-th `[[metric]]` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Defaults,
    Metric(usize),
}

/// 1-based line and column of `key` in `table` (the table's header when the key is not
/// written, e.g. a default; 1:1 when neither is). A key inside an inline table
/// (`slo = { max = 1 }`) is found by its outer key.
fn locate(text: &str, table: Table, key: &str) -> (usize, usize) {
    let mut cur: Option<Table> = None;
    let mut metrics = 0usize;
    let mut header = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('[') {
            let name: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            cur = if name.starts_with("[[metric]]") {
                metrics += 1;
                Some(Table::Metric(metrics - 1))
            } else if name.starts_with("[defaults]") {
                Some(Table::Defaults)
            } else {
                None
            };
            if cur == Some(table) {
                header = Some((i + 1, line.len() - t.len() + 1));
            }
            continue;
        }
        if cur == Some(table)
            && let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return (i + 1, line.len() - t.len() + 1);
        }
    }
    header.unwrap_or((1, 1))
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Loads and validates `metrics.toml`.
pub fn load(path: &Path) -> Result<MetricsFile> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading {}\nhint: write a metrics.toml (see README, \"Guardrails\")",
            path.display()
        )
    })?;
    parse(&text, path)
}

/// Parses and validates the text of a metrics file (`path` names it in errors).
pub fn parse(text: &str, path: &Path) -> Result<MetricsFile> {
    let f: MetricsFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
            bail!(
                "{}:{line}:{col}: {}\nhint: fix this spot; the README's \"Guardrails\" section lists every table and field of metrics.toml",
                path.display(),
                e.message().trim_end()
            );
        }
    };
    validate(&f, text).map_err(|(table, key, msg, hint)| {
        let (line, col) = locate(text, table, key);
        anyhow::anyhow!("{}:{line}:{col}: {msg}\nhint: {hint}", path.display())
    })?;
    Ok(f)
}

type Invalid = (Table, &'static str, String, String);

fn open_unit(x: f64) -> bool {
    x > 0.0 && x < 1.0
}

/// The semantic checks: ranges, finiteness, ids, self-references.
fn validate(f: &MetricsFile, _text: &str) -> std::result::Result<(), Invalid> {
    let d = &f.defaults;
    let bad = |key: &'static str, msg: String, hint: &str| {
        Err((Table::Defaults, key, msg, hint.to_string()))
    };
    if !open_unit(d.alpha) {
        return bad(
            "alpha",
            format!("alpha = {} is not between 0 and 1", d.alpha),
            "alpha is the significance level on q-values, 0 < alpha < 1 (default 0.05)",
        );
    }
    if !open_unit(d.bunching_alpha) {
        return bad(
            "bunching_alpha",
            format!("bunching_alpha = {} is not between 0 and 1", d.bunching_alpha),
            "bunching_alpha is the significance level of the bunching test, 0 < bunching_alpha < 1 (default 0.01)",
        );
    }
    if d.min_n < 1 {
        return bad(
            "min_n",
            "min_n = 0 answers".into(),
            "min_n is the number of survey answers below which a trend is withheld, at least 1 (default 30)",
        );
    }
    if !(0.0..=100.0).contains(&d.max_response_rate_drop) {
        return bad(
            "max_response_rate_drop",
            format!(
                "max_response_rate_drop = {} is not between 0 and 100 points",
                d.max_response_rate_drop
            ),
            "max_response_rate_drop is a drop in percentage points, 0 to 100 (default 10)",
        );
    }
    if !(d.saturation_top_box > 0.0 && d.saturation_top_box <= 1.0) {
        return bad(
            "saturation_top_box",
            format!("saturation_top_box = {} is not a share in (0, 1]", d.saturation_top_box),
            "saturation_top_box is a top-box share, 0 < x <= 1 (default 0.9)",
        );
    }
    if !(d.min_coverage > 0.0 && d.min_coverage <= 1.0) {
        return bad(
            "min_coverage",
            format!("min_coverage = {} is not a share in (0, 1]", d.min_coverage),
            "min_coverage is the least share of a period's days a telemetry source must cover, 0 < x <= 1 (default 0.5)",
        );
    }
    let mut seen = BTreeSet::new();
    for (i, m) in f.metrics.iter().enumerate() {
        let bad = |key: &'static str, msg: String, hint: &str| {
            Err((Table::Metric(i), key, msg, hint.to_string()))
        };
        if !seen.insert(m.id.as_str()) {
            return bad(
                "id",
                format!("metric id {:?} is declared twice", m.id),
                "give each [[metric]] its own id",
            );
        }
        if m.source.is_some() == m.sql.is_some() {
            return bad(
                if m.sql.is_some() { "sql" } else { "id" },
                format!("metric {:?} needs exactly one of source or sql", m.id),
                "write either source = \"builds.duration_p50\" (a built-in or survey source) or sql = \"…\" returning period and value",
            );
        }
        if let Some(t) = m.target.filter(|t| !t.is_finite()) {
            return bad(
                "target",
                format!("metric {:?}: target = {t} is not a finite number", m.id),
                "target is a value in the metric's unit, e.g. target = 600",
            );
        }
        if let Some(b) = m.bunching_bin.filter(|b| !(b.is_finite() && *b > 0.0)) {
            return bad(
                "bunching_bin",
                format!("metric {:?}: bunching_bin = {b} is not a width above 0", m.id),
                "bunching_bin is the bin width of the bunching test in the metric's unit, above 0 (default: 5 % of the target)",
            );
        }
        if let Some(s) = &m.slo {
            let limits = [s.max_increase_pct, s.max_decrease_pct, s.max, s.min];
            if let Some(x) = limits.into_iter().flatten().find(|x| !x.is_finite()) {
                return bad(
                    "slo",
                    format!("metric {:?}: an SLO limit is {x}, not a finite number", m.id),
                    "SLO limits are finite numbers: slo = { max_increase_pct = 15 }",
                );
            }
        }
        if m.counter.iter().any(|c| *c == m.id || m.source.as_ref() == Some(c)) {
            return bad(
                "counter",
                format!("metric {:?} names itself as its own counter-metric", m.id),
                "a counter-metric is another metric that would suffer if this one were gamed: remove the metric's own id from counter",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, Path::new("ws/metrics.toml")).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_file_line_column_and_fix() {
        let e = err("[defaults]\nalpha = 7\n");
        assert!(e.starts_with("ws/metrics.toml:2:1: alpha = 7"), "{e}");
        assert!(e.contains("\nhint: "), "{e}");
        let e = err("[defaults]\nalpha = nan\n");
        assert!(e.starts_with("ws/metrics.toml:2:1:"), "{e}");
        let e = err(
            "[[metric]]\nid = \"a\"\nsource = \"builds.count\"\n\n[[metric]]\nid = \"b\"\nsource = \"builds.count\"\n  bunching_bin = 0\n",
        );
        assert!(e.starts_with("ws/metrics.toml:8:3: metric \"b\": bunching_bin"), "{e}");
        let e = err("[[metric]]\nid = \"x\"\nsourse = \"builds.count\"\n");
        assert!(e.starts_with("ws/metrics.toml:3:1:") && e.contains("sourse"), "{e}");
        let e = err("[defaults]\nmin_coverage = 0\n");
        assert!(e.starts_with("ws/metrics.toml:2:1: min_coverage = 0"), "{e}");
        let e = err("[defaults]\nalpha = -1\n");
        assert!(e.starts_with("ws/metrics.toml:2:1: alpha = -1"), "{e}");
        let e = err("[defaults]\nbunching_alpha = -1\n");
        assert!(e.starts_with("ws/metrics.toml:2:1: bunching_alpha = -1"), "{e}");
        let e = err("[[metric]]\nid = \"b\"\nsource = \"builds.duration_p50\"\ntarget = nan\n");
        assert!(e.starts_with("ws/metrics.toml:4:1: metric \"b\": target = NaN"), "{e}");
        let e = err("[defaults]\nmin_n = 0\n");
        assert!(e.starts_with("ws/metrics.toml:2:1:"), "{e}");
        let e = err("[defaults]\nbunching_alpha = 1.0\n");
        assert!(e.contains("bunching_alpha"), "{e}");
        let e = err("[[metric]]\nid = \"x\"\nsource = \"builds.count\"\ndirection = \"up\"\n");
        assert!(e.starts_with("ws/metrics.toml:4:") && e.contains("lower_is_better"), "{e}");
    }

    #[test]
    fn a_metric_cannot_be_its_own_counter_but_pairs_may_counter_each_other() {
        let e = err("[[metric]]\nid = \"x\"\nsource = \"builds.count\"\ncounter = [\"x\"]\n");
        assert!(e.starts_with("ws/metrics.toml:4:1:") && e.contains("its own counter"), "{e}");
        // Naming its own source is the same series under another name.
        let e = err(
            "[[metric]]\nid = \"x\"\nsource = \"builds.count\"\ncounter = [\"builds.count\"]\n",
        );
        assert!(e.contains("its own counter"), "{e}");
        let pair = "[[metric]]\nid = \"f\"\nsource = \"deployments.frequency\"\ncounter = [\"c\"]\n\
                    [[metric]]\nid = \"c\"\nsource = \"deployments.change_failure_rate\"\ncounter = [\"f\"]\n";
        assert!(parse(pair, Path::new("m.toml")).is_ok());
    }

    #[test]
    fn the_demo_file_is_valid() {
        let text = include_str!("../../../fixtures/demo/metrics.toml");
        assert!(parse(text, Path::new("metrics.toml")).is_ok());
    }
}
