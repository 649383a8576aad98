//! `pulse rounds`: the imported rounds.

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::{Global, TableArgs};
use crate::store::{frames, workspace::Workspace};

/// Runs `pulse rounds`.
pub fn run(g: &Global, args: &TableArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let df = frames::rounds_frame(&ws)?;
    crate::output::print_frame(&df, args.format)?;
    Ok(ExitStatus::Success)
}
