//! `pulse metrics`: delivery metrics per period from imported telemetry — builds, deployments
//! (DORA, with levels of a named report year) and capability usage. Every row says which
//! definition produced it. Glue: typed reads from `store::telemetry`, metrics and frames from
//! `analyse::{delivery, dora, usage}`.

use anyhow::{Result, bail};
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::delivery::{Period, builds_frame};
use crate::analyse::dora::deploys_frame;
use crate::analyse::dora::{Compat, DoraYear};
use crate::analyse::telemetry::{builds, deploys, usage};
use crate::analyse::usage::usage_frame;
use crate::cli::{CompatArg, DoraYearArg, Format, Global, MetricsArgs, MetricsKind, PeriodArg};
use crate::store::workspace::Workspace;

/// The period enum of an argument.
pub fn period(p: PeriodArg) -> Period {
    match p {
        PeriodArg::Quarter => Period::Quarter,
        PeriodArg::Month => Period::Month,
        PeriodArg::Week => Period::Week,
    }
}

/// The report year to use: the argument, else 2024 (2023 for DevLake, which has no 2024 set).
pub fn dora_year(arg: Option<DoraYearArg>, compat: Compat) -> Result<DoraYear> {
    Ok(match (arg, compat) {
        (Some(DoraYearArg::Y2024), Compat::DevLake) => {
            bail!(
                "DevLake has no 2024 benchmark set (its dora_report is 2021 or 2023)\nhint: use --dora-year 2023 with --compat devlake"
            )
        }
        (Some(DoraYearArg::Y2023), _) | (None, Compat::DevLake) => DoraYear::Y2023,
        (Some(DoraYearArg::Y2024), _) | (None, Compat::Pulse) => DoraYear::Y2024,
    })
}

/// Runs `pulse metrics`.
pub fn run(g: &Global, a: &MetricsArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let p = period(a.period);
    let compat = match a.compat {
        CompatArg::Pulse => Compat::Pulse,
        CompatArg::Devlake => Compat::DevLake,
    };
    let year = dora_year(a.dora_year, compat)?;
    let want = |k: MetricsKind| a.kind == MetricsKind::All || a.kind == k;
    let mut sections: Vec<(&str, DataFrame, &str)> = Vec::new();
    if want(MetricsKind::Builds) {
        let m = builds(&ws, p, false)?;
        sections.push(("builds", builds_frame(&m)?, "pulse import telemetry FILE --kind builds"));
    }
    if want(MetricsKind::Deployments) {
        let m = deploys(&ws, p, compat)?;
        sections.push((
            "deployments",
            deploys_frame(&m, compat, year)?,
            "pulse import telemetry FILE --kind deployments (and changes, incidents)",
        ));
    }
    if want(MetricsKind::Usage) {
        let m = usage(&ws, p)?;
        sections.push(("usage", usage_frame(&m)?, "pulse import telemetry FILE --kind usage"));
    }
    let all = a.kind == MetricsKind::All;
    if all {
        // Only the kinds with data, unless none has any.
        if sections.iter().all(|(_, df, _)| df.height() == 0) {
            eprintln!(
                "note: no telemetry imported yet\nhint: pulse import telemetry FILE --kind builds|deployments|changes|incidents|usage"
            );
        }
        sections.retain(|(_, df, _)| df.height() > 0);
    } else if let Some((kind, df, hint)) = sections.first()
        && df.height() == 0
    {
        eprintln!("note: no {kind} imported yet\nhint: {hint}");
    }
    match a.format {
        Format::Json if all => {
            let mut obj = serde_json::Map::new();
            for (kind, df, _) in &sections {
                obj.insert((*kind).into(), crate::output::frame_json(df)?);
            }
            crate::output::print_line(&serde_json::to_string_pretty(&obj)?)?;
        }
        Format::Csv if all && sections.len() > 1 => {
            bail!("CSV holds one table: choose --kind builds, deployments or usage")
        }
        Format::Table => {
            for (i, (kind, df, _)) in sections.iter().enumerate() {
                if all {
                    crate::output::print_line(&format!("{}{kind}", if i > 0 { "\n" } else { "" }))?;
                }
                let def = df.column("definition")?.str()?.get(0).unwrap_or("").to_string();
                crate::output::print_frame(&df.drop("definition")?, Format::Table)?;
                if !def.is_empty() {
                    crate::output::print_line(&format!("definition: {def}"))?;
                }
            }
        }
        f => {
            let df = sections.first().map(|(_, df, _)| df.clone()).unwrap_or_default();
            crate::output::print_frame(&df, f)?;
        }
    }
    Ok(ExitStatus::Success)
}
