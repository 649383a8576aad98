//! `pulse trend`: per question and round, mean and top box with 95 % intervals; the series
//! breaks (and says why) where the catalog marks a scale change.

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::{Global, TrendArgs};
use crate::store::workspace::Workspace;

/// Runs `pulse trend`.
pub fn run(g: &Global, a: &TrendArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let mut df = crate::analyse::survey::trend_frame(
        &ws,
        &a.questions,
        a.rounds.as_deref(),
        a.segment.as_deref(),
        a.exclusion.exclude,
    )?;
    let rounds = crate::analyse::trend::select_rounds(&ws.round_ids(), a.rounds.as_deref())?;
    let rounds: Vec<&str> = rounds.iter().map(String::as_str).collect();
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
    crate::analyse::survey::print_exclusion_notes(&ws, &rounds, a.exclusion.exclude)?;
    Ok(ExitStatus::Success)
}
