//! `pulse metrics`: delivery metrics per period from imported telemetry. So far the build
//! metrics; deployment (DORA), incident and usage metrics follow (issue 4).

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::delivery::{Build, Period, build_metrics, pair_hash};
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
            col("service"),
            col("pipeline"),
            col("commit_sha"),
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
    let s = |n: &str| -> Result<StringChunked> { Ok(df.column(n)?.str()?.clone()) };
    let f = |n: &str| -> Result<Float64Chunked> { Ok(df.column(n)?.f64()?.clone()) };
    let t = |n: &str| -> Result<Int64Chunked> { Ok(df.column(n)?.i64()?.clone()) };
    let (service, pipeline, sha, result) =
        (s("service")?, s("pipeline")?, s("commit_sha")?, s("result")?);
    let (attempt, dur, qs) = (f("attempt")?, f("duration_s")?, f("queued_s")?);
    let (queued, started, finished) = (t("queued_at")?, t("started_at")?, t("finished_at")?);
    // Column iterators in step (no per-row lookups).
    let mut it_service = service.iter();
    let mut it_pipe = pipeline.iter();
    let mut it_sha = sha.iter();
    let mut it_result = result.iter();
    let mut it_attempt = attempt.iter();
    let mut it_dur = dur.iter();
    let mut it_qs = qs.iter();
    let mut it_queued = queued.iter();
    let mut it_finished = finished.iter();
    let builds = started.iter().filter_map(move |st| {
        let (sv, pl, sh, re) =
            (it_service.next()?, it_pipe.next()?, it_sha.next()?, it_result.next()?);
        let (at, du, q) = (it_attempt.next()?, it_dur.next()?, it_qs.next()?);
        let (qa, fi) = (it_queued.next()?, it_finished.next()?);
        Some(Build {
            pair: pair_hash(sv.unwrap_or(""), pl.unwrap_or(""), sh.unwrap_or("")),
            attempt: at,
            queued: qa,
            started: st?,
            finished: fi,
            result: re.unwrap_or(""),
            duration_s: du,
            queued_s: q,
        })
    });
    let m = build_metrics(builds, period);
    if m.is_empty() {
        eprintln!("note: no builds imported yet\nhint: pulse import telemetry FILE --kind builds");
    }
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
