//! `pulse drivers` and `pulse reliability`: what moves the outcome, and whether constructs hold
//! together.

use anyhow::Result;

use crate::ExitStatus;
use crate::analyse::survey;
use crate::cli::{DriversArgs, Global, ReliabilityArgs};
use crate::store::{read, workspace::Workspace};

/// Runs `pulse drivers`.
pub fn run(g: &Global, a: &DriversArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = read::round_or_latest(&ws, a.round.as_ref())?;
    let df = survey::drivers_frame(&ws, &round, a.outcome.as_deref(), a.exclusion.exclude)?;
    crate::output::print_frame(&df, a.format)?;
    survey::print_exclusion_notes(&ws, &[&round], a.exclusion.exclude)?;
    Ok(ExitStatus::Success)
}

/// Runs `pulse reliability`.
pub fn reliability(g: &Global, a: &ReliabilityArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = read::round_or_latest(&ws, a.round.as_ref())?;
    let df = survey::reliability_frame(&ws, &round, a.exclusion.exclude)?;
    crate::output::print_frame(&df, a.format)?;
    survey::print_exclusion_notes(&ws, &[&round], a.exclusion.exclude)?;
    Ok(ExitStatus::Success)
}
