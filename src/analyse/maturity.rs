//! CNCF Platform Engineering Maturity Model: self-assessed levels per aspect, and an
//! evidence-based score for the *Measurement* aspect from what pulse itself holds.
//!
//! Levels: 1 provisional, 2 operational, 3 scalable, 4 optimizing.

use std::collections::BTreeMap;

use polars::prelude::{Column, DataFrame, DataType, PolarsResult};

/// Level names.
pub const LEVELS: [&str; 4] = ["provisional", "operational", "scalable", "optimizing"];

/// The five aspects of the model.
pub const ASPECTS: [&str; 5] =
    ["investment", "adoption", "interfaces", "operations", "measurement"];

/// What to work on to reach the next level, per aspect and current level (our own words).
pub fn next_level(aspect: &str, level: usize) -> &'static str {
    match (aspect, level) {
        (_, 4) => "Hold the level: keep evidence current and revisit the bets that no longer pay.",
        ("investment", 1) => {
            "Name a team and a budget for the platform instead of borrowing spare time."
        }
        ("investment", 2) => {
            "Fund the platform as a product: a roadmap, a product owner, users' needs first."
        }
        ("investment", _) => {
            "Tie investment to measured value: what each capability saves developers and the business."
        }
        ("adoption", 1) => "Publish what exists and how to start; make the platform discoverable.",
        ("adoption", 2) => {
            "Stop mandating: make the golden path the easiest path, then measure who chooses it."
        }
        ("adoption", _) => {
            "Open the platform to contributions so teams extend it rather than route around it."
        }
        ("interfaces", 1) => "Replace one-off tickets with documented, repeatable processes.",
        ("interfaces", 2) => {
            "Turn the most common requests into self-service (portal, CLI or API)."
        }
        ("interfaces", _) => {
            "Make capabilities composable building blocks with stable, versioned interfaces."
        }
        ("operations", 1) => "Track what the platform runs and who owns it.",
        ("operations", 2) => "Let teams serve themselves within central guardrails.",
        ("operations", _) => {
            "Run capabilities as managed services with SLOs, error budgets and automation."
        }
        ("measurement", 1) => "Start collecting: a regular developer survey and basic usage data.",
        ("measurement", 2) => {
            "Keep questions stable across rounds and report changes with their uncertainty."
        }
        (_, _) => {
            "Pair every target metric with counter-metrics and read survey and telemetry together."
        }
    }
}

/// Self-assessed levels of one aspect in one round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AspectLevels {
    /// Answers mapped to a level.
    pub n: usize,
    /// Count per level 1..=4.
    pub counts: [usize; 4],
    /// Median level (lower median for even n).
    pub median: Option<usize>,
    /// Most common level (lowest on ties).
    pub modal: Option<usize>,
    /// Share of answers at the modal level.
    pub agreement: Option<f64>,
}

/// Summarises levels (1..=4).
pub fn aspect_levels(levels: &[u8]) -> AspectLevels {
    let mut counts = [0usize; 4];
    for &l in levels.iter().filter(|l| (1..=4).contains(*l)) {
        counts[usize::from(l) - 1] += 1;
    }
    let n: usize = counts.iter().sum();
    if n == 0 {
        return AspectLevels::default();
    }
    let valid: Vec<f64> =
        levels.iter().filter(|l| (1..=4).contains(*l)).map(|&l| f64::from(l)).collect();
    let median = super::quantile::lower_median(&valid).map(|m| m as usize);
    let (mi, &mc) = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .expect("four levels");
    Some(mi + 1)
        .map(|modal| AspectLevels {
            n,
            counts,
            median,
            modal: Some(modal),
            agreement: Some(mc as f64 / n as f64),
        })
        .expect("some")
}

/// Evidence about the organisation's measurement practice.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Survey rounds imported.
    pub rounds: usize,
    /// Mean share of a round's questions asked again in the next round.
    pub stability: Option<f64>,
    /// Telemetry (builds, deployments, …) imported.
    pub telemetry: bool,
    /// metrics.toml declares metrics, and every metric with a target has counter-metrics.
    pub counter_metrics: bool,
}

/// The evidence-based Measurement level, with the reasons.
pub fn measurement_level(e: &Evidence) -> (usize, Vec<String>) {
    let mut why = Vec::new();
    let mut level = 1;
    if e.rounds >= 2 {
        level = 2;
        why.push(format!("{} survey rounds collected consistently", e.rounds));
    } else {
        why.push(format!("only {} survey round(s): no consistent collection yet", e.rounds));
    }
    let stable = e.stability.is_some_and(|s| s >= 0.8);
    match e.stability {
        Some(s) => {
            why.push(format!("{:.0} % of questions asked again in the next round", s * 100.0))
        }
        None => why.push("question stability unknown (one round)".into()),
    }
    if level == 2 && e.rounds >= 3 && stable {
        level = 3;
        why.push("stable questions over 3+ rounds: trends with uncertainty are possible".into());
    }
    why.push(if e.telemetry {
        "telemetry imported".into()
    } else {
        "no telemetry imported".into()
    });
    why.push(if e.counter_metrics {
        "every target metric has counter-metrics".into()
    } else {
        "no metrics.toml pairing targets with counter-metrics".into()
    });
    if level == 3 && e.telemetry && e.counter_metrics {
        level = 4;
    }
    (level, why)
}

/// Levels per aspect from a round's maturity answers: `answers` are (question, label) pairs;
/// an answer counts through the question's level map, under its aspect (or its ID).
pub fn round_levels(
    catalog: &crate::store::catalog::Catalog,
    answers: &[(String, String)],
) -> BTreeMap<String, Vec<u8>> {
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut cur: Option<(&str, Option<&crate::store::catalog::Question>)> = None;
    for (qid, label) in answers {
        let question = match cur {
            Some((c, q)) if c == qid => q,
            _ => {
                let q = catalog.questions.iter().find(|x| &x.id == qid && x.kind == "maturity");
                cur = Some((qid, q));
                q
            }
        };
        let Some(question) = question else { continue };
        if let Some(level) = question.levels.get(label.trim()) {
            let aspect = if question.aspect.is_empty() { &question.id } else { &question.aspect };
            out.entry(aspect.clone()).or_default().push(*level);
        }
    }
    out
}

/// Per aspect of a round: level counts, median, agreement, change against `prev` (the round
/// before), next-level note, suppressed below `min` answers; last, the evidence-based
/// Measurement score.
pub fn frame(
    round: &str,
    now: &BTreeMap<String, Vec<u8>>,
    prev: &BTreeMap<String, Vec<u8>>,
    evidence: &Evidence,
    min: usize,
) -> PolarsResult<DataFrame> {
    let mut rows: Vec<[Option<String>; 13]> = Vec::new();
    for (aspect, levels) in now {
        let s = aspect_levels(levels);
        let hidden = !super::disclosure::total_shown(s.n, min);
        let p = prev.get(aspect).map(|l| aspect_levels(l));
        let change = match (&p, s.median) {
            (Some(p), Some(m)) if super::disclosure::total_shown(p.n, min) && !hidden => {
                p.median.map(|pm| (m as i64 - pm as i64).to_string())
            }
            _ => None,
        };
        let show = |v: String| (!hidden).then_some(v);
        rows.push([
            Some(aspect.clone()),
            Some("self-assessed".into()),
            show(s.n.to_string()),
            show(s.counts[0].to_string()),
            show(s.counts[1].to_string()),
            show(s.counts[2].to_string()),
            show(s.counts[3].to_string()),
            s.median.and_then(|m| show(m.to_string())),
            s.median.and_then(|m| show(LEVELS[m - 1].to_string())),
            s.agreement.and_then(|x| show(format!("{x:.3}"))),
            change,
            s.median.and_then(|m| show(next_level(aspect, m).to_string())),
            Some(if hidden { "suppressed".into() } else { String::new() }),
        ]);
    }
    let (level, why) = measurement_level(evidence);
    rows.push([
        Some("measurement".into()),
        Some("evidence".into()),
        None,
        None,
        None,
        None,
        None,
        Some(level.to_string()),
        Some(LEVELS[level - 1].to_string()),
        None,
        None,
        Some(format!("{} Evidence: {}.", next_level("measurement", level), why.join("; "))),
        Some(String::new()),
    ]);
    let names = [
        "aspect",
        "source",
        "n",
        "level_1",
        "level_2",
        "level_3",
        "level_4",
        "median_level",
        "level_name",
        "agreement",
        "median_change",
        "next_level",
        "note",
    ];
    let numeric = ["n", "level_1", "level_2", "level_3", "level_4", "median_level"];
    let len = rows.len();
    let mut cols = vec![Column::new("round".into(), vec![round; len])];
    for (i, n) in names.iter().enumerate() {
        let vals: Vec<Option<String>> = rows.iter().map(|r| r[i].clone()).collect();
        let c = Column::new((*n).into(), vals);
        cols.push(if numeric.contains(n) {
            c.cast(&DataType::UInt64)?
        } else if *n == "agreement" {
            c.cast(&DataType::Float64)?
        } else if *n == "median_change" {
            c.cast(&DataType::Int64)?
        } else {
            c
        });
    }
    DataFrame::new(len, cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_median_modal_agreement() {
        let a = aspect_levels(&[1, 2, 2, 3, 2, 4, 0]);
        assert_eq!(a.n, 6, "out-of-range answers ignored");
        assert_eq!(a.counts, [1, 3, 1, 1]);
        assert_eq!(a.median, Some(2));
        assert_eq!(a.modal, Some(2));
        assert_eq!(a.agreement, Some(0.5));
        assert_eq!(aspect_levels(&[]), AspectLevels::default());
        assert_eq!(aspect_levels(&[1, 4]).median, Some(1), "lower median");
    }

    #[test]
    fn measurement_evidence_levels() {
        assert_eq!(measurement_level(&Evidence { rounds: 1, ..Default::default() }).0, 1);
        assert_eq!(
            measurement_level(&Evidence { rounds: 2, stability: Some(0.9), ..Default::default() })
                .0,
            2
        );
        assert_eq!(
            measurement_level(&Evidence { rounds: 4, stability: Some(0.9), ..Default::default() })
                .0,
            3
        );
        assert_eq!(
            measurement_level(&Evidence { rounds: 4, stability: Some(0.6), ..Default::default() })
                .0,
            2
        );
        let full =
            Evidence { rounds: 4, stability: Some(0.9), telemetry: true, counter_metrics: true };
        assert_eq!(measurement_level(&full).0, 4);
    }
}
