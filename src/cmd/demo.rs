//! `pulse demo`.
use crate::ExitStatus;
use crate::cli::DemoArgs;
use anyhow::Result;
/// Runs `pulse demo`.
pub fn run(_a: &DemoArgs) -> Result<ExitStatus> {
    Ok(ExitStatus::Success)
}
