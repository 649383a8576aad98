//! `pulse trend`: per question and round, mean and top box with 95 % intervals; the series
//! breaks (and says why) where the catalog marks a scale change.

use anyhow::{Result, bail};
use polars::prelude::*;

use crate::ExitStatus;
use crate::cli::{Global, TrendArgs};
use crate::store::workspace::Workspace;

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

/// Per question (all when `questions` is empty), group and round: the summary row plus
/// `series` (a new number after each scale change), `break` and `wording_changed`.
pub fn frame(
    ws: &Workspace,
    questions: &[String],
    rounds: Option<&str>,
    segment: Option<&str>,
) -> Result<DataFrame> {
    let catalog = super::questions::load_catalog(ws)?;
    let rounds = select_rounds(&ws.round_ids(), rounds)?;
    for q in questions {
        if catalog.get(q).is_none() {
            bail!("no question {q:?} in the catalog\nhint: `pulse questions` lists the IDs");
        }
    }
    let mut frames = Vec::new();
    for r in &rounds {
        let rows = super::summary::rows(ws, r, segment)?;
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|x| questions.is_empty() || questions.contains(&x.question_id))
            .filter(|x| x.kind != "single")
            .collect();
        frames.push(super::summary::frame(&rows, r, segment)?);
    }
    let mut df = match frames.len() {
        0 => DataFrame::empty(),
        _ => {
            let mut it = frames.into_iter();
            let mut first = it.next().expect("one frame");
            for f in it {
                first.vstack_mut(&f)?;
            }
            first
        }
    };
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

/// Runs `pulse trend`.
pub fn run(g: &Global, a: &TrendArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let mut df = frame(&ws, &a.questions, a.rounds.as_deref(), a.segment.as_deref())?;
    if a.format == crate::cli::Format::Table {
        let mut keep = vec!["question_id"];
        if a.segment.is_some() {
            keep.push("group");
        }
        keep.extend([
            "option",
            "round",
            "series",
            "n",
            "mean",
            "mean_ci_low",
            "mean_ci_high",
            "top_box",
            "top_box_ci_low",
            "top_box_ci_high",
            "break",
            "wording_changed",
        ]);
        df = df.select(keep)?;
    }
    crate::output::print_frame(&df, a.format)?;
    Ok(ExitStatus::Success)
}
