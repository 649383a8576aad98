//! Typed reads of the telemetry tables (builds, deployments, changes, incidents, usage): the
//! store's side of `pulse metrics` and `pulse check`. No metric is computed here.

use anyhow::{Context, Result};
use polars::prelude::*;

use crate::analyse::dora::{Change, DeployRow, Incident};
use crate::ingest::telemetry::is_resolved;
use crate::store::{frames, workspace::Workspace};

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

/// The builds table with the columns `analyse::delivery::build_metrics_of_frame` reads (times
/// as i64 ms).
pub fn builds(ws: &Workspace) -> Result<DataFrame> {
    frames::telemetry_table(ws, "builds")?
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
        .context("reading the builds table")
}

/// The deployment rows with a finish time.
pub fn deployments(ws: &Workspace) -> Result<Vec<DeployRow>> {
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
    Ok((0..d.height())
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
        .collect())
}

/// The changes with a first-commit time.
pub fn changes(ws: &Workspace) -> Result<Vec<Change>> {
    let c = collect(ws, "changes")?;
    let (dep, first) = (strs(&c, "deployment_id")?, times(&c, "first_commit_at")?);
    let (opened, merged) = (times(&c, "pr_opened_at")?, times(&c, "pr_merged_at")?);
    Ok(dep
        .into_iter()
        .zip(first)
        .zip(opened.into_iter().zip(merged))
        .filter_map(|((deployment_id, t), (pr_opened, pr_merged))| {
            Some(Change { deployment_id, first_commit: t?, pr_opened, pr_merged })
        })
        .collect())
}

/// The incidents with an opening time; `resolved` only when the status says so.
pub fn incidents(ws: &Workspace) -> Result<Vec<Incident>> {
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
    Ok((0..n.height())
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
        .collect())
}

/// The usage events as columns (borrow them as `analyse::usage::Event`s with
/// [`UsageEvents::events`]).
#[derive(Debug, Clone, Default)]
pub struct UsageEvents {
    /// Capability per event.
    pub capability: Vec<String>,
    /// Team per event ("" when unknown).
    pub team: Vec<String>,
    /// Pseudonymised actor per event ("" when unknown).
    pub actor: Vec<String>,
    /// Time per event (UTC ms).
    pub at: Vec<Option<i64>>,
}

impl UsageEvents {
    /// The events with a time.
    pub fn events(&self) -> impl Iterator<Item = crate::analyse::usage::Event<'_>> {
        (0..self.at.len()).filter_map(|i| {
            Some(crate::analyse::usage::Event {
                at: self.at[i]?,
                capability: &self.capability[i],
                team: &self.team[i],
                actor: &self.actor[i],
            })
        })
    }
}

/// The usage table.
pub fn usage(ws: &Workspace) -> Result<UsageEvents> {
    let u = collect(ws, "usage")?;
    Ok(UsageEvents {
        capability: strs(&u, "capability")?,
        team: strs(&u, "team")?,
        actor: strs(&u, "actor")?,
        at: times(&u, "occurred_at")?,
    })
}

/// The row keys (see `key_fields`) of every other imported source of this kind, so a row
/// imported twice under two sources is a duplicate, not two builds.
pub fn other_sources_keys(
    ws: &Workspace,
    kind: &str,
    source: &str,
) -> Result<Vec<(String, Vec<u64>)>> {
    use crate::ingest::telemetry::rows::{KeyPart, key_fields, key_hash};
    let Some(fields) = crate::ingest::telemetry::fields(kind) else { return Ok(vec![]) };
    let keys: Vec<&str> =
        fields.iter().map(|f| f.name).filter(|n| key_fields(fields[0].name).contains(n)).collect();
    if keys.is_empty() || !ws.path(&format!("store/{kind}")).exists() {
        return Ok(vec![]);
    }
    let mut cols = vec![col("source")];
    cols.extend(keys.iter().map(|k| col(*k)));
    let df = frames::telemetry_table(ws, kind)?
        .filter(col("source").neq(lit(source)))
        .select(cols)
        .collect()?;
    let src = df.column("source")?.str()?.clone();
    let parts: Vec<Column> =
        keys.iter().map(|k| df.column(k).cloned()).collect::<PolarsResult<_>>()?;
    let mut by_source: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
    for i in 0..df.height() {
        let key: Vec<KeyPart> = parts
            .iter()
            .map(|c| match c.dtype() {
                DataType::String => {
                    c.str().ok().and_then(|s| s.get(i)).map_or(KeyPart::Null, KeyPart::Str)
                }
                _ => c.f64().ok().and_then(|s| s.get(i)).map_or(KeyPart::Null, KeyPart::Num),
            })
            .collect();
        by_source
            .entry(src.get(i).unwrap_or_default().to_string())
            .or_default()
            .push(key_hash(&key));
    }
    Ok(by_source.into_iter().collect())
}
