//! Loading a round's answers and question metadata for the analyses (shared by summary,
//! compare and trend).

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use crate::analyse::summary::{Answers, Needs, QuestionMeta, Rows, collect};
use crate::ingest::scales::ScaleKind;
use crate::store::catalog::Catalog;
use crate::store::{frames, workspace::Workspace};

/// Checks that a round exists.
pub fn check_round(ws: &Workspace, round: &str) -> Result<()> {
    if !ws.config.rounds.contains_key(round) {
        let known = ws.round_ids().join(", ");
        bail!(
            "no round {round:?}\nhint: imported rounds: {}",
            if known.is_empty() { "none yet" } else { &known }
        );
    }
    Ok(())
}

/// The latest imported round.
pub fn latest_round(ws: &Workspace) -> Result<String> {
    ws.round_ids()
        .pop()
        .context("no rounds imported yet\nhint: pulse import survey FILE --round ID")
}

/// The round asked for, or the latest imported one; checked to exist.
pub fn round_or_latest(ws: &Workspace, round: Option<&String>) -> Result<String> {
    let round = match round {
        Some(r) => r.clone(),
        None => latest_round(ws)?,
    };
    check_round(ws, &round)?;
    Ok(round)
}

/// Question metadata of every question asked in `round`.
pub fn metas(catalog: &Catalog, round: &str) -> HashMap<String, QuestionMeta> {
    let mut out = HashMap::new();
    for q in &catalog.questions {
        let Some(a) = q.rounds.get(round) else { continue };
        // Maturity answers are levels 1-4 (provisional..optimizing) through the catalog's map.
        let scale = if q.kind == "maturity" {
            Some(ScaleKind::Numeric { low: 1, high: 4 })
        } else {
            ScaleKind::from_name(&a.scale)
        };
        let range = scale.as_ref().map(|s| match s {
            ScaleKind::Labelled(l) => (1.0, l.points.len() as f64),
            ScaleKind::Numeric { low, high } => (*low as f64, *high as f64),
        });
        out.insert(
            q.id.clone(),
            QuestionMeta {
                kind: q.kind.clone(),
                points: scale.as_ref().map(ScaleKind::points),
                range,
                higher_is_better: q.direction != "lower_is_better",
                scale_changed: a.scale_changed,
                wording_changed: a.wording_changed,
            },
        );
    }
    out
}

/// Segment columns available in a round's respondents.
fn segment_columns(ws: &Workspace, round: &str) -> Result<Vec<String>> {
    let mut lf = frames::table(ws, "respondents", Some(&[round.to_string()]))?;
    let schema = lf.collect_schema().map_err(anyhow::Error::from)?;
    let fixed = ["round", "respondent", "submitted_at", "duration_s", "complete", "quality_flags"];
    Ok(schema
        .iter_names()
        .map(|n| n.to_string())
        .filter(|n| !fixed.contains(&n.as_str()))
        .collect())
}

/// A round's responses (question_id, respondent, label, value[, group]) in store order.
pub fn responses(ws: &Workspace, round: &str, segment: Option<&str>) -> Result<DataFrame> {
    let r = [round.to_string()];
    let base = frames::table(ws, "responses", Some(&r))?.select([
        col("question_id"),
        col("respondent"),
        col("label"),
        col("value"),
    ]);
    let lf = match segment {
        None => base,
        Some(seg) => {
            let cols = segment_columns(ws, round)?;
            if !cols.iter().any(|c| c == seg) {
                bail!(
                    "round {round} has no segment {seg:?}\nhint: segments in this round: {}",
                    if cols.is_empty() { "none".to_string() } else { cols.join(", ") }
                );
            }
            let groups = frames::table(ws, "respondents", Some(&r))?
                .select([col("respondent"), col(seg).cast(DataType::String).alias("group")]);
            base.join(
                groups,
                [col("respondent")],
                [col("respondent")],
                JoinArgs::new(JoinType::Left),
            )
        }
    };
    // The store writes a round item by item, so rows already come grouped by question; no sort
    // (`collect` is correct either way, only faster on grouped rows).
    let df = lf
        .collect()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the responses of round {round}"))?;
    Ok(df)
}

/// Respondents per segment group in a round ("(none)" for a missing value).
pub fn group_sizes(ws: &Workspace, round: &str, segment: &str) -> Result<HashMap<String, usize>> {
    let df = frames::table(ws, "respondents", Some(&[round.to_string()]))?
        .select([col(segment).cast(DataType::String).alias("group")])
        .collect()
        .map_err(anyhow::Error::from)?;
    let mut out = HashMap::new();
    for g in df.column("group")?.str()?.iter() {
        *out.entry(g.unwrap_or("(none)").to_string()).or_default() += 1;
    }
    Ok(out)
}

/// Level maps of the catalog's maturity questions: question -> (answer label -> level).
pub fn maturity_levels(
    catalog: &Catalog,
) -> HashMap<String, std::collections::BTreeMap<String, u8>> {
    catalog
        .questions
        .iter()
        .filter(|q| q.kind == "maturity")
        .map(|q| (q.id.clone(), q.levels.clone()))
        .collect()
}

/// Groups a round's answers by (question, group). Maturity answers become their levels (an
/// answer without a level is not a value).
pub fn answers(
    df: &DataFrame,
    metas: &HashMap<String, QuestionMeta>,
    levels: &HashMap<String, std::collections::BTreeMap<String, u8>>,
    with_who: bool,
) -> Result<std::collections::BTreeMap<(String, String), Answers>> {
    let q = df.column("question_id")?.str()?;
    let resp = df.column("respondent")?.str()?;
    let label = df.column("label")?.str()?;
    let value = df.column("value")?.f64()?;
    let rows = Rows {
        question_id: q.iter().map(|s| s.unwrap_or("")).collect(),
        respondent: resp.iter().map(|s| s.unwrap_or("")).collect(),
        label: label.iter().collect(),
        value: {
            let mut cur: Option<(&str, Option<&std::collections::BTreeMap<String, u8>>)> = None;
            q.iter()
                .zip(label.iter())
                .zip(value.iter())
                .map(|((qid, l), v)| {
                    let qid = qid.unwrap_or("");
                    let map = match cur {
                        Some((c, m)) if c == qid => m,
                        _ => {
                            let m = levels.get(qid);
                            cur = Some((qid, m));
                            m
                        }
                    };
                    match map {
                        Some(m) => l.and_then(|l| m.get(l.trim())).map(|&x| f64::from(x)),
                        None => v,
                    }
                })
                .collect()
        },
        group: match df.column("group") {
            Ok(g) => Some(g.str()?.iter().collect()),
            Err(_) => None,
        },
    };
    Ok(collect(&rows, |qid| {
        let kind = metas.get(qid).map_or("", |m| m.kind.as_str());
        Needs { labels: matches!(kind, "single" | "multi"), who: with_who }
    }))
}
