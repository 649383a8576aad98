//! `pulse metrics`: delivery metrics per period from imported telemetry — builds, deployments
//! (DORA, with levels of a named report year) and capability usage. Every row says which
//! definition produced it.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::delivery::{Build, BuildAcc, BuildMetrics, Period, pair_hash};
use crate::analyse::dora::{
    Change, Compat, DeployMetrics, DeployRow, DoraMetric, DoraYear, Incident, MIN_FOR_LEVEL,
    deploy_metrics, dora_level,
};
use crate::analyse::usage::{Event, UsageMetrics, usage_metrics};
use crate::cli::{CompatArg, DoraYearArg, Format, Global, MetricsArgs, MetricsKind, PeriodArg};
use crate::ingest::telemetry::is_resolved;
use crate::store::{frames, workspace::Workspace};

/// Definition of the build metrics (printed with every row).
pub const BUILD_DEFINITION: &str = "pulse-default: successful-run wall clock p50/p90, failure/(success+failure), flaky = (pipeline, commit) with both outcomes";

/// Definition of the deployment metrics.
pub fn deploy_definition(compat: Compat) -> &'static str {
    match compat {
        Compat::Pulse => {
            "pulse-default (DORA): production successes; lead time first commit→deploy, median; CFR = (deployments with a change failure (linked, same-service ≤7 d, or rolled back) + failed attempts) / attempts; recovery = failing deploy→resolved, median"
        }
        Compat::DevLake => {
            "devlake: production successes; incident → latest deployment before it, project-wide; lead time ceil minutes, lower median; recovery in-period, lower median; frequency level from deploy-days/week"
        }
    }
}

/// Definition of the usage metrics.
pub const USAGE_DEFINITION: &str = "pulse-default: distinct actors and teams per capability; adoption = users / organisation_size; retention = previous period's users active again";

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

fn strs(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    Ok(df.column(name)?.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

fn times(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    Ok(df.column(name)?.cast(&DataType::Int64)?.i64()?.iter().collect())
}

fn bools(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>> {
    Ok(df.column(name)?.bool()?.iter().collect())
}

fn collect(ws: &Workspace, kind: &str) -> Result<DataFrame> {
    frames::telemetry_table(ws, kind)?
        .collect()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the {kind} table"))
}

/// Build metrics per period; `keep_samples` keeps durations and queue times for tests.
pub fn builds(
    ws: &Workspace,
    period: Period,
    keep_samples: bool,
) -> Result<BTreeMap<String, BuildMetrics>> {
    let df = frames::telemetry_table(ws, "builds")?
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
    // One slice per core; the partial totals merge (the loop is per row, the columns are
    // already in memory).
    let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
    let n = df.height();
    let step = n.div_ceil(threads).max(1);
    let parts: Vec<DataFrame> =
        (0..n).step_by(step).map(|off| df.slice(off as i64, step.min(n - off))).collect();
    let mut acc = BuildAcc::default();
    let partials: Vec<Result<BuildAcc>> = std::thread::scope(|sc| {
        let handles: Vec<_> =
            parts.iter().map(|p| sc.spawn(move || build_slice(p, period))).collect();
        handles.into_iter().map(|h| h.join().expect("build metrics thread panicked")).collect()
    });
    for p in partials {
        acc.merge(p?);
    }
    Ok(acc.finish(keep_samples))
}

/// Totals of one slice of the builds frame.
fn build_slice(df: &DataFrame, period: Period) -> Result<BuildAcc> {
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
    let rows = started.iter().filter_map(move |st| {
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
    let mut acc = BuildAcc::default();
    acc.add(rows, period);
    Ok(acc)
}

/// Deployment metrics per period.
pub fn deploys(
    ws: &Workspace,
    period: Period,
    compat: Compat,
) -> Result<BTreeMap<String, DeployMetrics>> {
    let d = collect(ws, "deployments")?;
    let (id, service, env, sha, result, related) = (
        strs(&d, "deployment_id")?,
        strs(&d, "service")?,
        strs(&d, "environment")?,
        strs(&d, "commit_sha")?,
        strs(&d, "result")?,
        strs(&d, "related_incident_id")?,
    );
    let (finished, rollback, unplanned) =
        (times(&d, "finished_at")?, bools(&d, "is_rollback")?, bools(&d, "is_unplanned")?);
    let rows: Vec<DeployRow> = (0..d.height())
        .filter_map(|i| {
            Some(DeployRow {
                id: id[i].clone(),
                service: service[i].clone(),
                environment: env[i].clone(),
                commit_sha: sha[i].clone(),
                finished: finished[i]?,
                result: result[i].clone(),
                rollback: rollback[i].unwrap_or(false),
                unplanned: unplanned[i].unwrap_or(false),
                related_incident: related[i].clone(),
            })
        })
        .collect();
    let c = collect(ws, "changes")?;
    let (dep, first) = (strs(&c, "deployment_id")?, times(&c, "first_commit_at")?);
    let (opened, merged) = (times(&c, "pr_opened_at")?, times(&c, "pr_merged_at")?);
    let changes: Vec<Change> = dep
        .into_iter()
        .zip(first)
        .zip(opened.into_iter().zip(merged))
        .filter_map(|((deployment_id, t), (pr_opened, pr_merged))| {
            Some(Change { deployment_id, first_commit: t?, pr_opened, pr_merged })
        })
        .collect();
    let n = collect(ws, "incidents")?;
    let (iid, isvc, by_dep, by_sha) = (
        strs(&n, "incident_id")?,
        strs(&n, "service")?,
        strs(&n, "caused_by_deployment_id")?,
        strs(&n, "caused_by_commit_sha")?,
    );
    let (opened, resolved, cf) =
        (times(&n, "opened_at")?, times(&n, "resolved_at")?, bools(&n, "is_change_failure")?);
    let status = strs(&n, "status")?;
    let incidents: Vec<Incident> = (0..n.height())
        .filter_map(|i| {
            Some(Incident {
                id: iid[i].clone(),
                service: isvc[i].clone(),
                opened: opened[i]?,
                resolved: resolved[i].filter(|_| is_resolved(&status[i])),
                caused_by_deployment: by_dep[i].clone(),
                caused_by_commit: by_sha[i].clone(),
                change_failure: cf[i],
            })
        })
        .collect();
    Ok(deploy_metrics(&rows, &changes, &incidents, period, compat))
}

/// Usage metrics per (period, capability).
pub fn usage(ws: &Workspace, period: Period) -> Result<BTreeMap<(String, String), UsageMetrics>> {
    let u = collect(ws, "usage")?;
    let (cap, team, actor) = (strs(&u, "capability")?, strs(&u, "team")?, strs(&u, "actor")?);
    let at = times(&u, "occurred_at")?;
    let events = (0..u.height()).filter_map(|i| {
        Some(Event { at: at[i]?, capability: &cap[i], team: &team[i], actor: &actor[i] })
    });
    Ok(usage_metrics(events, period, ws.config.organisation_size, ws.config.min_group_size))
}

fn builds_frame(m: &BTreeMap<String, BuildMetrics>) -> Result<DataFrame> {
    let len = m.len();
    let o = |f: &dyn Fn(&BuildMetrics) -> Option<f64>| m.values().map(f).collect::<Vec<_>>();
    Ok(DataFrame::new(
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
            Column::new("definition".into(), vec![BUILD_DEFINITION; len]),
        ],
    )?)
}

/// The level of a metric, or `n/a` below the minimum sample.
pub fn level(year: DoraYear, m: DoraMetric, v: Option<f64>, n: usize) -> Option<String> {
    let v = v?;
    Some(if n < MIN_FOR_LEVEL {
        format!("n/a (n<{MIN_FOR_LEVEL})")
    } else {
        dora_level(year, m, v).to_string()
    })
}

/// DevLake's deployment-frequency buckets (2023 set): elite ≥ 5 deploy-days per week, high
/// ≥ 1 per week, medium ≥ 1 per month, else low (lower medians).
fn devlake_frequency_level(x: &DeployMetrics) -> Option<String> {
    let (w, mo) = (x.deploy_days_per_week?, x.deploy_days_per_month?);
    Some(
        if w >= 5.0 {
            "elite"
        } else if w >= 1.0 {
            "high"
        } else if mo >= 1.0 {
            "medium"
        } else {
            "low"
        }
        .into(),
    )
}

/// DevLake's 2023 buckets for lead time (< 1 d, < 7 d, < 30 d), CFR (≤ 5, 10, 15 %) and
/// recovery (< 1 h, < 1 d, < 7 d).
fn devlake_level(m: DoraMetric, v: Option<f64>) -> Option<String> {
    let v = v?;
    let (bounds, inclusive): ([f64; 3], bool) = match m {
        DoraMetric::LeadTime => ([24.0, 168.0, 720.0], false),
        DoraMetric::ChangeFailureRate => ([0.05, 0.10, 0.15], true),
        DoraMetric::RecoveryTime => ([1.0, 24.0, 168.0], false),
        DoraMetric::Frequency => return None,
    };
    let i = bounds.iter().position(|&b| if inclusive { v <= b } else { v < b }).unwrap_or(3);
    Some(crate::analyse::dora::LEVELS[i].into())
}

/// The deployment metrics as a frame.
pub fn deploys_frame(
    m: &BTreeMap<String, DeployMetrics>,
    compat: Compat,
    year: DoraYear,
) -> Result<DataFrame> {
    let len = m.len();
    let o = |f: &dyn Fn(&DeployMetrics) -> Option<f64>| m.values().map(f).collect::<Vec<_>>();
    let u =
        |f: &dyn Fn(&DeployMetrics) -> usize| m.values().map(|x| f(x) as u64).collect::<Vec<_>>();
    let s = |f: &dyn Fn(&DeployMetrics) -> Option<String>| m.values().map(f).collect::<Vec<_>>();
    let dl = compat == Compat::DevLake;
    let mut cols = vec![
        Column::new("period".into(), m.keys().cloned().collect::<Vec<_>>()),
        Column::new("deployments".into(), u(&|x| x.deployments)),
        Column::new("per_day".into(), o(&|x| x.per_day)),
        Column::new("per_week".into(), o(&|x| x.per_week)),
    ];
    if dl {
        cols.push(Column::new("deploy_days_per_week".into(), o(&|x| x.deploy_days_per_week)));
        cols.push(Column::new("deploy_days_per_month".into(), o(&|x| x.deploy_days_per_month)));
    }
    cols.extend([
        Column::new("lead_time_p50_h".into(), o(&|x| x.lead_time_p50)),
        Column::new("lead_time_p90_h".into(), o(&|x| x.lead_time_p90)),
        Column::new("lead_time_n".into(), u(&|x| x.lead_times.len())),
        Column::new("change_failure_rate".into(), o(&|x| x.change_failure_rate)),
        Column::new("failed_deployments".into(), u(&|x| x.failed)),
        Column::new("failed_attempts".into(), u(&|x| x.failed_attempts)),
        Column::new("recovery_p50_h".into(), o(&|x| x.recovery_p50)),
        Column::new("recovery_p90_h".into(), o(&|x| x.recovery_p90)),
        Column::new("recovery_n".into(), u(&|x| x.recoveries.len())),
        Column::new("rework_rate".into(), o(&|x| x.rework_rate)),
    ]);
    let lv = |metric: DoraMetric| {
        s(&|x: &DeployMetrics| {
            let (v, n) = match metric {
                DoraMetric::Frequency => (x.per_day, x.deployments),
                DoraMetric::LeadTime => (x.lead_time_p50, x.lead_times.len()),
                DoraMetric::ChangeFailureRate => {
                    (x.change_failure_rate, x.deployments + x.failed_attempts)
                }
                DoraMetric::RecoveryTime => (x.recovery_p50, x.recoveries.len()),
            };
            match (dl, metric) {
                (true, DoraMetric::Frequency) => devlake_frequency_level(x),
                (true, _) => devlake_level(metric, v),
                (false, _) => level(year, metric, v, n),
            }
        })
    };
    cols.extend([
        Column::new("level_frequency".into(), lv(DoraMetric::Frequency)),
        Column::new("level_lead_time".into(), lv(DoraMetric::LeadTime)),
        Column::new("level_change_failure".into(), lv(DoraMetric::ChangeFailureRate)),
        Column::new("level_recovery".into(), lv(DoraMetric::RecoveryTime)),
        Column::new("dora_year".into(), vec![year.label(); len]),
        Column::new("definition".into(), vec![deploy_definition(compat); len]),
    ]);
    Ok(DataFrame::new(len, cols)?)
}

fn usage_frame(m: &BTreeMap<(String, String), UsageMetrics>) -> Result<DataFrame> {
    let len = m.len();
    let o = |f: &dyn Fn(&UsageMetrics) -> Option<f64>| m.values().map(f).collect::<Vec<_>>();
    let u = |f: &dyn Fn(&UsageMetrics) -> usize| {
        m.values().map(|x| (!x.suppressed).then(|| f(x) as u64)).collect::<Vec<_>>()
    };
    Ok(DataFrame::new(
        len,
        vec![
            Column::new("period".into(), m.keys().map(|k| k.0.clone()).collect::<Vec<_>>()),
            Column::new("capability".into(), m.keys().map(|k| k.1.clone()).collect::<Vec<_>>()),
            Column::new("events".into(), u(&|x| x.events)),
            Column::new("active_users".into(), u(&|x| x.active_users)),
            Column::new("active_teams".into(), u(&|x| x.active_teams)),
            Column::new("adoption".into(), o(&|x| x.adoption)),
            Column::new("retention".into(), o(&|x| x.retention)),
            Column::new("suppressed".into(), m.values().map(|x| x.suppressed).collect::<Vec<_>>()),
            Column::new("definition".into(), vec![USAGE_DEFINITION; len]),
        ],
    )?)
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
