//! `pulse init DIR`: create a workspace.

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::InitArgs;
use crate::store::workspace;

/// Runs `pulse init`.
pub fn run(args: &InitArgs) -> Result<ExitStatus> {
    let org = args.org.clone().unwrap_or_else(|| {
        args.dir
            .file_name()
            .map_or_else(|| "my-organisation".into(), |n| n.to_string_lossy().to_string())
    });
    workspace::init(&args.dir, &org, super::STARTER_QUERIES)?;
    super::write_report_files(&args.dir)?;
    crate::outln!("created workspace {} for {org}", args.dir.display())?;
    crate::outln!(
        "next: cd {} && pulse import survey EXPORT.csv --round 2026-Q1 --invited N",
        args.dir.display()
    )?;
    Ok(ExitStatus::Success)
}
