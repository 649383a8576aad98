//! `pulse metrics`: delivery metrics per period from imported telemetry. So far the build
//! metrics; deployment (DORA), incident and usage metrics follow (issue 4).

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::delivery::{Build, Period, build_metrics};
use crate::cli::{Global, MetricsArgs, PeriodArg};
use crate::store::{frames, workspace::Workspace};

/// Which definition produced the numbers (printed with every row).
pub const DEFINITION: &str = "pulse-default: successful-run wall clock p50/p90, failure/(success+failure), flaky = (pipeline, commit) with both outcomes";

/// Runs `pulse metrics`.
pub fn run(g: &Global, a: &MetricsArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let period = match a.period {
        PeriodArg::Quarter => Period::Quarter,
        PeriodArg::Month => Period::Month,
        PeriodArg::Week => Period::Week,
    };
    let df = frames::telemetry_table(&ws, "builds")?
        .select([
            concat_str(
                [col("service").fill_null(lit("")), col("pipeline").fill_null(lit(""))],
                "/",
                false,
            )
            .alias("pipe"),
            col("commit_sha").fill_null(lit("")),
            col("attempt"),
            col("queued_at").cast(DataType::Int64),
            col("started_at").cast(DataType::Int64),
            col("finished_at").cast(DataType::Int64),
            col("result"),
            col("duration_s"),
            col("queued_s"),
        ])
        .collect()
        .map_err(anyhow::Error::from)
        .context("reading the builds table")?;
    let pipe = df.column("pipe")?.str()?.clone();
    let sha = df.column("commit_sha")?.str()?.clone();
    let attempt = df.column("attempt")?.f64()?.clone();
    let queued = df.column("queued_at")?.i64()?.clone();
    let started = df.column("started_at")?.i64()?.clone();
    let finished = df.column("finished_at")?.i64()?.clone();
    let result = df.column("result")?.str()?.clone();
    let dur = df.column("duration_s")?.f64()?.clone();
    let qs = df.column("queued_s")?.f64()?.clone();
    let builds = (0..df.height()).filter_map(|i| {
        Some(Build {
            pipeline: pipe.get(i).unwrap_or(""),
            commit: sha.get(i).unwrap_or(""),
            attempt: attempt.get(i),
            queued: queued.get(i),
            started: started.get(i)?,
            finished: finished.get(i),
            result: result.get(i).unwrap_or(""),
            duration_s: dur.get(i),
            queued_s: qs.get(i),
        })
    });
    let m = build_metrics(builds, period);
    let len = m.len();
    let o = |f: &dyn Fn(&crate::analyse::delivery::BuildMetrics) -> Option<f64>| {
        m.values().map(f).collect::<Vec<_>>()
    };
    let out = DataFrame::new(
        len,
        vec![
            Column::new("period".into(), m.keys().cloned().collect::<Vec<_>>()),
            Column::new("builds".into(), m.values().map(|x| x.builds as u64).collect::<Vec<_>>()),
            Column::new("duration_p50_s".into(), o(&|x| x.duration_p50)),
            Column::new("duration_p90_s".into(), o(&|x| x.duration_p90)),
            Column::new("failure_rate".into(), o(&|x| x.failure_rate)),
            Column::new("queue_p50_s".into(), o(&|x| x.queue_p50)),
            Column::new("flaky_rate".into(), o(&|x| x.flaky_rate)),
            Column::new("rerun_rate".into(), o(&|x| x.rerun_rate)),
            Column::new("definition".into(), vec![DEFINITION; len]),
        ],
    )?;
    let out = if a.format == crate::cli::Format::Table { out.drop("definition")? } else { out };
    crate::output::print_frame(&out, a.format)?;
    if a.format == crate::cli::Format::Table {
        println!("definition: {DEFINITION}");
    }
    Ok(ExitStatus::Success)
}
