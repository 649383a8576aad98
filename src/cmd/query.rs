//! `pulse query`: polars SQL over the store.

use anyhow::Result;
use polars::prelude::*;

use crate::ExitStatus;
use crate::cli::{Global, QueryArgs};
use crate::store::read::sql::{SCHEMA, sql_text};
use crate::store::workspace::Workspace;

use crate::store::read::sql::execute;

/// Runs `pulse query`.
pub fn run(g: &Global, args: &QueryArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    if args.schema {
        let df = DataFrame::new(
            SCHEMA.len(),
            vec![
                Column::new("table".into(), SCHEMA.iter().map(|s| s.0).collect::<Vec<_>>()),
                Column::new("column".into(), SCHEMA.iter().map(|s| s.1).collect::<Vec<_>>()),
                Column::new("type".into(), SCHEMA.iter().map(|s| s.2).collect::<Vec<_>>()),
                Column::new("meaning".into(), SCHEMA.iter().map(|s| s.3).collect::<Vec<_>>()),
            ],
        )?;
        crate::output::print_frame(&df, args.format)?;
        return Ok(ExitStatus::Success);
    }
    let sql = sql_text(&ws, args.sql.as_deref().unwrap_or_default())?;
    let df = execute(&ws, &sql)?;
    crate::output::print_frame(&df, args.format)?;
    Ok(ExitStatus::Success)
}
