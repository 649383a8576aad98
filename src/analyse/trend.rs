//! Trend: per question, group and round, the summary row plus `series` (a new number after each
//! scale change the catalog marks), `break` (why) and `wording_changed`.

use anyhow::{Result, bail};
use polars::prelude::*;

use super::summary::{SummaryRow, frame as summary_frame};
use crate::store::catalog::Catalog;

/// Rounds selected by `A..B` (inclusive), `A..`, `..B` or a single round.
pub fn select_rounds(all: &[String], spec: Option<&str>) -> Result<Vec<String>> {
    let Some(spec) = spec else { return Ok(all.to_vec()) };
    let (a, b) = spec.split_once("..").unwrap_or((spec, spec));
    let out: Vec<String> = all
        .iter()
        .filter(|r| (a.is_empty() || r.as_str() >= a) && (b.is_empty() || r.as_str() <= b))
        .cloned()
        .collect();
    if out.is_empty() {
        bail!("no imported round in {spec:?}\nhint: imported rounds: {}", all.join(", "));
    }
    Ok(out)
}

/// Fails with a hint for a question the catalog does not know.
pub fn check_questions(catalog: &Catalog, questions: &[String]) -> Result<()> {
    for q in questions {
        if catalog.get(q).is_none() {
            bail!("no question {q:?} in the catalog\nhint: `pulse questions` lists the IDs");
        }
    }
    Ok(())
}

/// The trend frame from each selected round's summary rows (`per_round` in round order):
/// single-choice rows and questions not in `questions` (when given) are left out.
pub fn frame(
    catalog: &Catalog,
    per_round: &[(String, Vec<SummaryRow>)],
    questions: &[String],
    segment: Option<&str>,
) -> Result<DataFrame> {
    let rounds: Vec<String> = per_round.iter().map(|(r, _)| r.clone()).collect();
    let mut df: Option<DataFrame> = None;
    for (r, rows) in per_round {
        let rows: Vec<SummaryRow> = rows
            .iter()
            .filter(|x| questions.is_empty() || questions.contains(&x.question_id))
            .filter(|x| x.kind != "single")
            .cloned()
            .collect();
        let f = summary_frame(&rows, r, segment)?;
        match &mut df {
            None => df = Some(f),
            Some(d) => {
                d.vstack_mut(&f)?;
            }
        }
    }
    let mut df = df.unwrap_or_else(DataFrame::empty);
    // Series breaks: a new series starts where the catalog marks a scale change.
    let mut series = Vec::with_capacity(df.height());
    let mut brk = Vec::with_capacity(df.height());
    let mut reworded = Vec::with_capacity(df.height());
    let qs = df.column("question_id")?.str()?.clone();
    let rs = df.column("round")?.str()?.clone();
    for (q, r) in qs.iter().zip(rs.iter()) {
        let (q, r) = (q.unwrap_or(""), r.unwrap_or(""));
        let asked = catalog.get(q).map(|c| &c.rounds);
        let breaks_before: usize = asked.map_or(0, |m| {
            m.iter()
                .filter(|(k, v)| k.as_str() <= r && v.scale_changed && rounds.contains(k))
                .count()
        });
        series.push(breaks_before as u32 + 1);
        let here = asked.and_then(|m| m.get(r));
        brk.push(
            here.filter(|a| a.scale_changed)
                .map_or(String::new(), |a| format!("scale changed to {}", a.scale)),
        );
        reworded.push(here.is_some_and(|a| a.wording_changed));
    }
    df.with_column(Column::new("series".into(), series))?;
    df.with_column(Column::new("break".into(), brk))?;
    df.with_column(Column::new("wording_changed".into(), reworded))?;
    Ok(df.sort(
        ["question_id", "group", "option", "round"],
        SortMultipleOptions::default().with_maintain_order(true),
    )?)
}
