//! `pulse query`: polars SQL over the store.

use anyhow::{Result, bail};
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
    if !args.safe {
        let df = execute(&ws, &sql)?;
        crate::output::print_frame(&df, args.format)?;
        return Ok(ExitStatus::Success);
    }
    {
        let declared = crate::render::spec::query_header(&sql)?.count;
        let Some(count) = args.count.clone().or(declared) else {
            bail!(
                "--safe needs the column that counts the people behind each row\nhint: --count COLUMN, or a `-- count: COLUMN` line at the top of the SQL"
            );
        };
        let latest = crate::store::read::latest_round(&ws).ok();
        let (plans, segments) = match &latest {
            Some(r) => {
                (crate::analyse::survey::plans(&ws, r)?, crate::analyse::survey::segments(&ws, r)?)
            }
            None => Default::default(),
        };
        let df = execute(&ws, &sql)?;
        let p = crate::analyse::disclosure::query::protect(
            df,
            Some(&count),
            &segments,
            &plans,
            latest.as_deref(),
            ws.config.min_group_size,
        )?;
        if p.dropped {
            eprintln!(
                "note: rows that could describe fewer than {} people were left out",
                ws.config.min_group_size
            );
        }
        crate::output::print_frame(&p.frame, args.format)?;
    }
    Ok(ExitStatus::Success)
}
