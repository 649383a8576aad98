//! `pulse maturity`: CNCF maturity levels per aspect and round, change against the previous
//! round, next-level notes, and the evidence-based Measurement score.

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::{Global, MaturityArgs};
use crate::store::{read, workspace::Workspace};

/// Runs `pulse maturity`.
pub fn run(g: &Global, a: &MaturityArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = read::round_or_latest(&ws, a.round.as_ref())?;
    let df = crate::analyse::survey::maturity_frame(&ws, &round, a.exclusion.exclude)?;
    crate::output::print_frame(&df, a.format)?;
    crate::analyse::survey::print_exclusion_notes(&ws, &[&round], a.exclusion.exclude)?;
    Ok(ExitStatus::Success)
}
