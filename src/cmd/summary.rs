//! `pulse summary`: per-question estimates with 95 % intervals, optionally per segment group,
//! small groups suppressed.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::anonymity::suppress;
use crate::analyse::summary::{SummaryRow, summarise};
use crate::cli::{Global, SummaryArgs};
use crate::store::workspace::Workspace;

/// Computes the summary rows of a round (suppression applied when segmented).
pub fn rows(ws: &Workspace, round: &str, segment: Option<&str>) -> Result<Vec<SummaryRow>> {
    let catalog = super::questions::load_catalog(ws)?;
    let metas = super::load::metas(&catalog, round);
    let df = super::load::responses(ws, round, segment)?;
    let answers =
        super::load::answers(&df, &metas, &super::load::maturity_levels(&catalog), false)?;
    let mut out: Vec<SummaryRow> = Vec::new();
    let mut by_question: BTreeMap<&str, Vec<SummaryRow>> = BTreeMap::new();
    for ((q, g), a) in &answers {
        let Some(meta) = metas.get(q) else { continue };
        if meta.kind == "text" {
            continue;
        }
        by_question.entry(q.as_str()).or_default().extend(summarise(q, g, meta, a));
    }
    let min = ws.config.min_group_size;
    for (_, mut rows) in by_question {
        if segment.is_some() {
            // One breakdown per question (and option): suppress small groups, and one more when
            // exactly one is hidden.
            // A group's size here is its valid answers (respondents for a multi-select).
            let options: std::collections::BTreeSet<String> =
                rows.iter().map(|r| r.option.clone()).collect();
            for opt in options {
                let idx: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].option == opt).collect();
                let sizes: Vec<usize> = idx.iter().map(|&i| rows[i].n).collect();
                let hide = suppress(&sizes, min);
                for (k, &i) in idx.iter().enumerate() {
                    if hide[k] {
                        rows[i] = SummaryRow {
                            question_id: rows[i].question_id.clone(),
                            group: rows[i].group.clone(),
                            option: rows[i].option.clone(),
                            kind: rows[i].kind.clone(),
                            suppressed: true,
                            ..SummaryRow::default()
                        };
                    }
                }
            }
        }
        out.extend(rows);
    }
    Ok(out)
}

fn lo(x: Option<(f64, f64)>) -> Option<f64> {
    x.map(|p| p.0)
}
fn hi(x: Option<(f64, f64)>) -> Option<f64> {
    x.map(|p| p.1)
}

/// The rows as a frame with the documented field names.
pub fn frame(rows: &[SummaryRow], round: &str, segment: Option<&str>) -> Result<DataFrame> {
    let s = |f: &dyn Fn(&SummaryRow) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: &dyn Fn(&SummaryRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let n = |f: &dyn Fn(&SummaryRow) -> Option<u64>| rows.iter().map(f).collect::<Vec<_>>();
    let cols = vec![
        Column::new("round".into(), vec![round; rows.len()]),
        Column::new("question_id".into(), s(&|r| r.question_id.clone())),
        Column::new("segment".into(), vec![segment.unwrap_or(""); rows.len()]),
        Column::new("group".into(), s(&|r| r.group.clone())),
        Column::new("option".into(), s(&|r| r.option.clone())),
        Column::new("kind".into(), s(&|r| r.kind.clone())),
        Column::new("n".into(), n(&|r| (!r.suppressed).then_some(r.n as u64))),
        Column::new("excluded".into(), n(&|r| (!r.suppressed).then_some(r.excluded as u64))),
        Column::new("mean".into(), o(&|r| r.mean)),
        Column::new("mean_ci_low".into(), o(&|r| lo(r.mean_ci))),
        Column::new("mean_ci_high".into(), o(&|r| hi(r.mean_ci))),
        Column::new("top_box".into(), o(&|r| r.top_box)),
        Column::new("top_box_ci_low".into(), o(&|r| lo(r.top_box_ci))),
        Column::new("top_box_ci_high".into(), o(&|r| hi(r.top_box_ci))),
        Column::new("bottom_box".into(), o(&|r| r.bottom_box)),
        Column::new("nps".into(), o(&|r| r.nps.map(|x| x.0))),
        Column::new("nps_ci_low".into(), o(&|r| r.nps.map(|x| x.1))),
        Column::new("nps_ci_high".into(), o(&|r| r.nps.map(|x| x.2))),
        Column::new(
            "distribution".into(),
            s(&|r| if r.suppressed { "suppressed".into() } else { r.distribution.clone() }),
        ),
        Column::new("suppressed".into(), rows.iter().map(|r| r.suppressed).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(rows.len(), cols)?)
}

/// Runs `pulse summary`.
pub fn run(g: &Global, a: &SummaryArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = super::load::round_or_latest(&ws, a.round.as_ref())?;
    let rows = rows(&ws, &round, a.segment.as_deref())?;
    let mut df = frame(&rows, &round, a.segment.as_deref())?;
    if a.format == crate::cli::Format::Table {
        // The table view keeps the columns a reader needs; CSV and JSON carry every field.
        let segmented = a.segment.is_some();
        let mut keep = vec!["question_id"];
        if segmented {
            keep.push("group");
        }
        keep.extend(["option", "n"]);
        if !segmented {
            keep.push("excluded");
        }
        keep.extend([
            "mean",
            "mean_ci_low",
            "mean_ci_high",
            "top_box",
            "top_box_ci_low",
            "top_box_ci_high",
            "nps",
            "distribution",
        ]);
        df = df.select(keep)?;
    }
    crate::output::print_frame(&df, a.format)?;
    Ok(ExitStatus::Success)
}
