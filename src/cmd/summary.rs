//! `pulse summary`: per-question estimates with 95 % intervals, optionally per segment group,
//! small groups suppressed.

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::{Global, SummaryArgs};
use crate::store::{read, workspace::Workspace};

/// Runs `pulse summary`.
pub fn run(g: &Global, a: &SummaryArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = read::round_or_latest(&ws, a.round.as_ref())?;
    let rows = crate::analyse::survey::summary_rows(
        &ws,
        &round,
        a.segment.as_deref(),
        a.exclusion.exclude,
    )?;
    let mut df = crate::analyse::summary::frame(&rows, &round, a.segment.as_deref())?;
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
    crate::analyse::survey::print_exclusion_notes(&ws, &[&round], a.exclusion.exclude)?;
    Ok(ExitStatus::Success)
}
