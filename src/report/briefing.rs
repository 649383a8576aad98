//! The briefing half of the executive summary: the Goodhart alerts told in plain language with
//! the metrics' titles from metrics.toml, and the three things to do next (from the alerts, the
//! items that declined and the maturity model's next steps). Test names and q-values stay in
//! the guardrails section and the methods; here every number is a value a reader can check there.

use super::blocks::*;
use crate::analyse::guardrails::{self, AlertKind, Severity};

/// What the reader is told about the metrics: titles from metrics.toml, by metric ID and by
/// source (a counter may be named either way).
pub struct Titles(BTreeMap<String, String>);

impl Titles {
    /// The titles of the workspace's metrics.toml (none without one).
    pub fn load(ctx: &Ctx<'_>) -> Titles {
        let mut m = BTreeMap::new();
        if let Ok(f) = guardrails::load(&ctx.ws.path("metrics.toml")) {
            for d in f.metrics {
                let t = d.title.clone().unwrap_or_else(|| human(&d.id));
                if let Some(s) = &d.source {
                    m.entry(s.clone()).or_insert_with(|| t.clone());
                }
                m.insert(d.id, t);
            }
        }
        Titles(m)
    }

    /// The title of a metric ID or source, else its name made readable.
    pub fn of(&self, id: &str) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| human(id))
    }
}

/// A title inside a sentence: `Production deployments per day` → `production deployments per
/// day`, but `CI failure rate` stays (an acronym keeps its capitals).
pub fn in_sentence(title: &str) -> String {
    let mut c = title.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(title.chars().skip(1)).collect()
        }
        _ => title.to_string(),
    }
}

/// `deployments.change_failure_rate` → `change failure rate`.
fn human(id: &str) -> String {
    id.rsplit('.').next().unwrap_or(id).replace(['_', ':'], " ")
}

/// A metric's value as the reader expects it: rates and shares in percent, else a number.
fn value(id: &str, v: f64) -> String {
    let rate = ["rate", "adoption", "share"].iter().any(|k| id.contains(k));
    if rate && (0.0..=1.0).contains(&v) { pct1(v) } else { num(v) }
}

fn from_to(id: &str, e: &serde_json::Value) -> Option<String> {
    Some(format!("{} → {}", value(id, e["from"].as_f64()?), value(id, e["to"].as_f64()?)))
}

/// One finding and the action it calls for, worded for the reader.
pub struct Finding {
    /// Alert severity.
    pub severity: Severity,
    /// What happened, in a sentence.
    pub text: String,
    /// What to do, in a sentence.
    pub action: String,
}

/// A target metric's counter regressions: severity, what the metric did, and each worsened
/// counter (its title in a sentence) with its change.
type Regression = (Severity, String, Vec<(String, String)>);

/// The alerts of `c` in plain language, most severe first; counter regressions of one metric
/// are told once, naming every counter that worsened. `info` advice on the metrics file is left
/// to the guardrails section.
pub fn findings(ctx: &Ctx<'_>, c: &inputs::Checked, titles: &Titles) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let mut counters: BTreeMap<&str, Regression> = BTreeMap::new();
    for a in c.alerts.iter().filter(|a| a.severity != Severity::Info) {
        let e = &a.evidence;
        let title = titles.of(&a.metric);
        match a.kind {
            AlertKind::CounterRegression => {
                let counter = e["counter"].as_str().unwrap_or("");
                let ch = from_to(counter, &e["counter_change"]).unwrap_or_default();
                let entry = counters.entry(&a.metric).or_insert_with(|| {
                    let moved = from_to(&a.metric, &e["metric"])
                        .map_or(String::new(), |s| format!(" ({s})"));
                    (a.severity, format!("{title} improved{moved}"), Vec::new())
                });
                entry.0 = entry.0.max(a.severity);
                entry.2.push((in_sentence(&titles.of(counter)), ch));
            }
            AlertKind::TargetBunching => {
                let inside = e["inside_bins"][0].as_u64().unwrap_or(0);
                let outside = e["outside_bins"][0].as_u64().unwrap_or(0);
                let target = e["target"].as_f64().map_or(String::new(), num);
                let bin = e["bin"].as_f64().map_or(String::new(), num);
                out.push(Finding {
                    severity: a.severity,
                    text: format!(
                        "{title}: {inside} of the {} values within {bin} of the target \
                         ({target}) fall just under it, {:.1}× the expected share: the number \
                         may be managed rather than the work improved.",
                        inside + outside,
                        e["excess"].as_f64().unwrap_or(1.0)
                    ),
                    action: format!(
                        "Audit the {inside} values just under the {target} target of \
                         {}: look for raised timeouts, skipped steps or split work before \
                         reporting it as progress.",
                        in_sentence(&title)
                    ),
                });
            }
            AlertKind::Divergence => {
                let q = e["perception"].as_str().unwrap_or("");
                let label = ctx.label(q);
                let metric = from_to(&a.metric, &e["metric"]).unwrap_or_default();
                let felt = match (
                    e["perception_change"]["from"].as_f64(),
                    e["perception_change"]["to"].as_f64(),
                ) {
                    (Some(f), Some(t)) => format!("{} → {} favourable", pct1(f), pct1(t)),
                    _ => String::new(),
                };
                let verb = |k: &str| match e[k]["verdict"].as_str() {
                    Some("improved") => "improved",
                    Some("worsened" | "declined") => "worsened",
                    _ => "moved",
                };
                out.push(Finding {
                    severity: a.severity,
                    text: format!(
                        "{title} {} ({metric}) but developers' rating of {label} {} ({felt}).",
                        verb("metric"),
                        verb("perception_change")
                    ),
                    action: format!(
                        "Ask developers why {label} and {} disagree (read this round's comments \
                         on it, or interview a few teams) before acting on either number.",
                        in_sentence(&title)
                    ),
                });
            }
            _ => out.push(Finding {
                severity: a.severity,
                text: format!("{title}: {}", a.message),
                action: format!("{title}: {}", a.action),
            }),
        }
    }
    for (metric, (severity, head, worse)) in counters {
        let title = titles.of(metric);
        out.push(Finding {
            severity,
            text: format!(
                "{head}, but {}.",
                join_and(
                    &worse.iter().map(|(c, ch)| format!("{c} worsened ({ch})")).collect::<Vec<_>>()
                )
            ),
            action: format!(
                "Before celebrating {}, find out whether it was bought with quality: review the \
                 failures behind {}.",
                in_sentence(&title),
                join_and(&worse.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>())
            ),
        });
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The maturity aspect with the lowest median level and its next step, as an action.
pub fn maturity_step(ctx: &Ctx<'_>) -> Result<Option<String>> {
    let has = ctx.catalog.questions.iter().any(|q| !q.aspect.is_empty());
    if !has {
        return Ok(None);
    }
    let df = ctx.maturity(&ctx.round)?;
    let (aspect, source, level, name, next) = (
        col_str(&df, "aspect")?,
        col_str(&df, "source")?,
        col_f64(&df, "median_level")?,
        col_str(&df, "level_name")?,
        col_str(&df, "next_level")?,
    );
    let lowest = (0..aspect.len())
        .filter(|&i| source[i] == "self-assessed" && !next[i].is_empty())
        .filter_map(|i| level[i].map(|l| (l, i)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    Ok(lowest.map(|(_, i)| {
        format!(
            "Raise platform {} from {} (the lowest-rated aspect of the CNCF maturity model): {}",
            aspect[i], name[i], next[i]
        )
    }))
}
