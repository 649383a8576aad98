//! `pulse themes`: comment themes per round, change against the previous round, sentiment, and
//! anonymity-safe example comments.

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::{Global, ThemesArgs};
use crate::store::{read, workspace::Workspace};

/// Runs `pulse themes`.
pub fn run(g: &Global, a: &ThemesArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = read::round_or_latest(&ws, a.round.as_ref())?;
    let df = crate::analyse::survey::themes_frame(&ws, &round, a.exclusion.exclude)?;
    crate::output::print_frame(&df, a.format)?;
    crate::analyse::survey::print_exclusion_notes(&ws, &[&round], a.exclusion.exclude)?;
    Ok(ExitStatus::Success)
}
