//! `pulse maturity`: CNCF maturity levels per aspect and round, change against the previous
//! round, next-level notes, and the evidence-based Measurement score.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::maturity::{Evidence, LEVELS, aspect_levels, measurement_level, next_level};
use crate::cli::{Global, MaturityArgs};
use crate::store::{frames, workspace::Workspace};

/// Levels per aspect for one round: aspect -> answered levels.
fn round_levels(
    ws: &Workspace,
    catalog: &crate::store::catalog::Catalog,
    round: &str,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mq: Vec<&crate::store::catalog::Question> = catalog
        .questions
        .iter()
        .filter(|q| q.kind == "maturity" && q.rounds.contains_key(round))
        .collect();
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    if mq.is_empty() {
        return Ok(out);
    }
    let ids: Vec<String> = mq.iter().map(|q| q.id.clone()).collect();
    let df = frames::table(ws, "responses", Some(&[round.to_string()]))?
        .filter(col("question_id").is_in(lit(Series::new("ids".into(), ids)).implode(true), false))
        .select([col("question_id"), col("label")])
        .collect()
        .map_err(anyhow::Error::from)?;
    let q = df.column("question_id")?.str()?.clone();
    let l = df.column("label")?.str()?.clone();
    for (qid, label) in q.iter().zip(l.iter()) {
        let (Some(qid), Some(label)) = (qid, label) else { continue };
        let Some(question) = mq.iter().find(|x| x.id == qid) else { continue };
        if let Some(level) = question.levels.get(label.trim()) {
            let aspect = if question.aspect.is_empty() {
                question.id.clone()
            } else {
                question.aspect.clone()
            };
            out.entry(aspect).or_default().push(*level);
        }
    }
    Ok(out)
}

fn evidence(ws: &Workspace, catalog: &crate::store::catalog::Catalog, upto: &str) -> Evidence {
    let rounds: Vec<String> = ws.round_ids().into_iter().filter(|r| r.as_str() <= upto).collect();
    let shares: Vec<f64> = rounds
        .windows(2)
        .filter_map(|w| {
            let asked: Vec<_> =
                catalog.questions.iter().filter(|q| q.rounds.contains_key(&w[0])).collect();
            let again = asked.iter().filter(|q| q.rounds.contains_key(&w[1])).count();
            (!asked.is_empty()).then(|| again as f64 / asked.len() as f64)
        })
        .collect();
    let telemetry = ["builds", "deployments", "incidents", "usage", "changes"]
        .iter()
        .any(|t| ws.path(&format!("store/{t}")).exists());
    let counter_metrics = std::fs::read_to_string(ws.path("metrics.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("metric").and_then(|m| m.as_array()).cloned())
        .is_some_and(|ms| {
            !ms.is_empty()
                && ms.iter().all(|m| {
                    m.get("target").is_none()
                        || m.get("counter")
                            .and_then(|c| c.as_array())
                            .is_some_and(|c| !c.is_empty())
                })
        });
    Evidence {
        rounds: rounds.len(),
        stability: (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64),
        telemetry,
        counter_metrics,
    }
}

/// Per aspect of `round`: level counts, median, agreement, change, next-level note; last, the
/// evidence-based Measurement score.
pub fn frame(ws: &Workspace, round: &str) -> Result<DataFrame> {
    let catalog = super::questions::load_catalog(ws)?;
    let prev_round = ws.round_ids().into_iter().rfind(|r| r.as_str() < round);
    let now = round_levels(ws, &catalog, round)?;
    let prev = match &prev_round {
        Some(p) => round_levels(ws, &catalog, p)?,
        None => BTreeMap::new(),
    };
    let min = ws.config.min_group_size;
    let mut rows: Vec<[Option<String>; 13]> = Vec::new();
    for (aspect, levels) in &now {
        let s = aspect_levels(levels);
        let hidden = s.n < min;
        let p = prev.get(aspect).map(|l| aspect_levels(l));
        let change = match (&p, s.median) {
            (Some(p), Some(m)) if p.n >= min && !hidden => {
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
    let (level, why) = measurement_level(&evidence(ws, &catalog, round));
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
        } else if ["agreement"].contains(n) {
            c.cast(&DataType::Float64)?
        } else if *n == "median_change" {
            c.cast(&DataType::Int64)?
        } else {
            c
        });
    }
    Ok(DataFrame::new(len, cols)?)
}

/// Runs `pulse maturity`.
pub fn run(g: &Global, a: &MaturityArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = super::load::round_or_latest(&ws, a.round.as_ref())?;
    let df = frame(&ws, &round)?;
    crate::output::print_frame(&df, a.format)?;
    Ok(ExitStatus::Success)
}
