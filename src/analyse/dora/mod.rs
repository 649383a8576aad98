//! Deployment (DORA) metrics per period, in two documented definitions.
//!
//! Sources: DORA's guide (dora.dev `guides/dora-metrics`, 2026-01) and metric history (2023:
//! failed deployment recovery time replaces MTTR and counts change-caused failures only; 2024:
//! deployment rework rate), the clusters of the 2023 and 2024 Accelerate State of DevOps
//! reports, and Apache DevLake's DORA plugin and dashboard SQL (`backend/plugins/dora`,
//! `grafana/dashboards/DORA.json` @ 420e494b). `../shared/real-telemetry/DEFINITIONS.md` compares
//! the implementations.
//!
//! **pulse** (default; DEFINITIONS.md section 9):
//! - a deployment is a distinct `deployment_id` with a successful production row; its time is
//!   the latest such row's `finished_at` (multi-repo deployments have one row per repository);
//! - frequency: deployments / days observed in the period (per day, and × 7 per week);
//! - lead time: per change, deployment finished − `first_commit_at` (negative spans dropped),
//!   median and p90 in hours (linear interpolation, `numpy.percentile`);
//! - change failure rate: (deployments with at least one change failure + failed production
//!   attempts) / (deployments + failed production attempts). A failed attempt is a deployment id
//!   with a failed production row and no successful one (a retried-then-successful deployment is
//!   a success). A change failure is an incident linked by `caused_by_deployment_id` or `caused_by_commit_sha`, else
//!   an incident not marked `is_change_failure = false` attributed to the latest deployment of
//!   the same service finished within 7 days before it opened, or a rollback (it fails the
//!   deployment it rolls back). Deployments are counted, not incidents;
//! - failed deployment recovery time: for change failures, resolved − failing deployment's
//!   finish (a rollback's finish when no incident says more), by the period of resolution;
//!   median and p90 in hours;
//! - rework rate: unplanned deployments (`is_unplanned`, rollbacks, or `related_incident_id`)
//!   / deployments.
//!
//! **devlake** (`--compat devlake`): the same deployments; an incident belongs to the latest
//! successful production deployment row finished strictly before it was created, project-wide
//! (no service scope, no look-back limit, explicit links ignored); lead time = PR cycle time
//! (coding + review + deploy, each in whole minutes rounded up, a negative part as 0) with the
//! lower median; recovery = resolution − deployment finish in whole minutes
//! for incidents resolved in the period whose deployment finished in the period, lower median;
//! frequency level from the lower median of distinct deployment days per Monday-start week
//! (and per month); no rework rate.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::period::{Period, period_of};
use super::quantile::p50_p90;

mod devlake;
mod frame;
mod levels;
#[cfg(test)]
mod tests;

use devlake::devlake_cycle_minutes;
pub use frame::{deploy_definition, deploys_frame};
pub use levels::{
    DoraMetric, LEVELS, MIN_FOR_LEVEL, devlake_frequency_level, devlake_level, dora_level, level,
    level_bands, level_of,
};
// Old paths of the one period and quantile helpers.
pub use super::period::{label_bounds, period_bounds, previous_period};
pub use super::quantile::lower_median;

const HOUR: f64 = 3_600_000.0;
const DAY_MS: i64 = 86_400_000;

/// Which definition computes the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compat {
    /// pulse's documented default (DORA's definitions).
    Pulse,
    /// Apache DevLake's DORA plugin and dashboard.
    DevLake,
}

/// The report year whose clusters name the levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoraYear {
    /// Accelerate State of DevOps 2023.
    Y2023,
    /// Accelerate State of DevOps 2024.
    Y2024,
}

impl DoraYear {
    /// "2023" or "2024".
    pub fn label(self) -> &'static str {
        match self {
            DoraYear::Y2023 => "2023",
            DoraYear::Y2024 => "2024",
        }
    }
}

/// One deployment row (one per repository of a deployment).
#[derive(Debug, Clone, Default)]
pub struct DeployRow {
    /// Logical deployment.
    pub id: String,
    /// Service.
    pub service: String,
    /// Environment as imported.
    pub environment: String,
    /// Deployed revision.
    pub commit_sha: String,
    /// Finish time (UTC ms).
    pub finished: i64,
    /// Normalised result.
    pub result: String,
    /// A rollback to an earlier revision.
    pub rollback: bool,
    /// Unplanned (hotfix, fix-forward).
    pub unplanned: bool,
    /// Incident this deployment remediates.
    pub related_incident: String,
}

/// One change shipped by a deployment.
#[derive(Debug, Clone, Default)]
pub struct Change {
    /// The deployment that shipped it.
    pub deployment_id: String,
    /// Authored time of its first commit (UTC ms).
    pub first_commit: i64,
    /// Pull request opened (UTC ms), when the change came through one.
    pub pr_opened: Option<i64>,
    /// Pull request merged (UTC ms).
    pub pr_merged: Option<i64>,
}

/// One incident.
#[derive(Debug, Clone, Default)]
pub struct Incident {
    /// Identifier.
    pub id: String,
    /// Affected service ("" when unknown).
    pub service: String,
    /// Opened (UTC ms).
    pub opened: i64,
    /// Resolved (UTC ms).
    pub resolved: Option<i64>,
    /// Explicit link to the deployment that caused it.
    pub caused_by_deployment: String,
    /// Explicit link to the commit that caused it.
    pub caused_by_commit: String,
    /// Whether a change caused it (None: unknown).
    pub change_failure: Option<bool>,
}

/// Is this environment production? (DevLake's PRODUCTION, GitLab's production tier.)
pub fn is_production(env: &str) -> bool {
    matches!(env.trim().to_ascii_lowercase().as_str(), "production" | "prod" | "prd" | "live")
}

impl DeployRow {
    /// A successful row in production: the rows every definition counts as deployed.
    pub fn is_production_success(&self) -> bool {
        self.result == "success" && is_production(&self.environment)
    }
}

/// A deployment as the metrics see it.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// Identifier.
    pub id: String,
    /// Service.
    pub service: String,
    /// Revisions deployed.
    pub commits: Vec<String>,
    /// Latest successful production row's finish.
    pub finished: i64,
    /// Unplanned, rollback or remediation.
    pub unplanned: bool,
    /// Rollback.
    pub rollback: bool,
}

/// Groups successful production rows by deployment id (finish = the latest row's).
pub fn deployments(rows: &[DeployRow]) -> Vec<Deployment> {
    let mut by_id: HashMap<&str, Deployment> = HashMap::new();
    for r in rows.iter().filter(|r| r.is_production_success()) {
        let d = by_id.entry(r.id.as_str()).or_insert_with(|| Deployment {
            id: r.id.clone(),
            service: r.service.clone(),
            commits: Vec::new(),
            finished: r.finished,
            unplanned: false,
            rollback: false,
        });
        d.finished = d.finished.max(r.finished);
        if !r.commit_sha.is_empty() {
            d.commits.push(r.commit_sha.clone());
        }
        d.rollback |= r.rollback;
        d.unplanned |= r.unplanned || r.rollback || !r.related_incident.is_empty();
    }
    let mut out: Vec<Deployment> = by_id.into_values().collect();
    out.sort_by(|a, b| a.finished.cmp(&b.finished).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Finish times of failed production attempts: deployment ids with a failed production row and
/// no successful one (the latest failed row's finish).
pub fn failed_attempts(rows: &[DeployRow]) -> Vec<i64> {
    let ok: HashSet<&str> =
        rows.iter().filter(|r| r.is_production_success()).map(|r| r.id.as_str()).collect();
    let mut failed: HashMap<&str, i64> = HashMap::new();
    for r in rows.iter().filter(|r| r.result == "failure" && is_production(&r.environment)) {
        if !ok.contains(r.id.as_str()) {
            let f = failed.entry(r.id.as_str()).or_insert(r.finished);
            *f = (*f).max(r.finished);
        }
    }
    let mut out: Vec<i64> = failed.into_values().collect();
    out.sort_unstable();
    out
}

/// A change failure: the deployment it failed, and when it was recovered.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Index into the deployments.
    pub deployment: usize,
    /// Incident ("" for a rollback without incident).
    pub incident: String,
    /// Recovery end (incident resolved, or the rollback's finish).
    pub recovered: Option<i64>,
}

/// Look-back for attributing an unlinked incident to a deployment (pulse definition).
pub const LOOK_BACK_MS: i64 = 7 * DAY_MS;

/// Attributes incidents (and rollbacks) to deployments. `deps` sorted by finish.
pub fn attribute(
    deps: &[Deployment],
    rows: &[DeployRow],
    incidents: &[Incident],
    compat: Compat,
) -> Vec<Failure> {
    let mut out = Vec::new();
    match compat {
        Compat::DevLake => {
            // Latest successful production *row* finished strictly before the incident opened.
            let index: HashMap<&str, usize> =
                deps.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
            let mut prod: Vec<(&str, i64)> = rows
                .iter()
                .filter(|r| r.is_production_success())
                .map(|r| (r.id.as_str(), r.finished))
                .collect();
            prod.sort_by_key(|&(_, f)| f);
            for inc in incidents {
                let k = prod.partition_point(|&(_, f)| f < inc.opened);
                if k > 0 {
                    out.push(Failure {
                        deployment: index[prod[k - 1].0],
                        incident: inc.id.clone(),
                        recovered: inc.resolved,
                    });
                }
            }
        }
        Compat::Pulse => {
            let by_id: HashMap<&str, usize> =
                deps.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
            let mut by_commit: HashMap<&str, Vec<usize>> = HashMap::new();
            let mut by_service: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, d) in deps.iter().enumerate() {
                for c in &d.commits {
                    by_commit.entry(c.as_str()).or_default().push(i);
                }
                by_service.entry(d.service.as_str()).or_default().push(i);
            }
            // Latest of `cands` (sorted by finish) finished at or before `t`.
            let latest = |cands: &[usize], t: i64| -> Option<usize> {
                let k = cands.partition_point(|&i| deps[i].finished <= t);
                (k > 0).then(|| cands[k - 1])
            };
            let mut failed: HashSet<usize> = HashSet::new();
            for inc in incidents {
                if inc.change_failure == Some(false) {
                    continue;
                }
                let linked = by_id.get(inc.caused_by_deployment.as_str()).copied().or_else(|| {
                    by_commit.get(inc.caused_by_commit.as_str()).and_then(|c| latest(c, inc.opened))
                });
                let dep = linked.or_else(|| {
                    let cands: Vec<usize> = if inc.service.is_empty() {
                        (0..deps.len()).collect()
                    } else {
                        by_service.get(inc.service.as_str()).cloned().unwrap_or_default()
                    };
                    latest(&cands, inc.opened)
                        .filter(|&i| inc.opened.saturating_sub(deps[i].finished) <= LOOK_BACK_MS)
                });
                if let Some(d) = dep {
                    failed.insert(d);
                    out.push(Failure {
                        deployment: d,
                        incident: inc.id.clone(),
                        recovered: inc.resolved,
                    });
                }
            }
            // A rollback fails the service's previous deployment.
            for (i, d) in deps.iter().enumerate().filter(|(_, d)| d.rollback) {
                let cands = &by_service[d.service.as_str()];
                let k = cands.partition_point(|&j| j < i);
                if k > 0 && !failed.contains(&cands[k - 1]) {
                    failed.insert(cands[k - 1]);
                    out.push(Failure {
                        deployment: cands[k - 1],
                        incident: String::new(),
                        recovered: Some(d.finished),
                    });
                }
            }
        }
    }
    out
}

/// Deployment metrics of one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployMetrics {
    /// Successful production deployments finished in the period.
    pub deployments: usize,
    /// Days of the period inside the observed span.
    pub days: f64,
    /// Deployments per day.
    pub per_day: Option<f64>,
    /// Deployments per week.
    pub per_week: Option<f64>,
    /// devlake: lower median of distinct deployment days per Monday-start week.
    pub deploy_days_per_week: Option<f64>,
    /// devlake: lower median of distinct deployment days per calendar month.
    pub deploy_days_per_month: Option<f64>,
    /// Lead time samples (hours), one per change.
    pub lead_times: Vec<f64>,
    /// Median lead time (hours).
    pub lead_time_p50: Option<f64>,
    /// p90 lead time (hours).
    pub lead_time_p90: Option<f64>,
    /// Deployments with a change failure.
    pub failed: usize,
    /// Production deployment attempts that failed (no successful row): change failures in the
    /// pulse definition, ignored by DevLake's.
    pub failed_attempts: usize,
    /// (failed + failed attempts) / (deployments + failed attempts); DevLake: failed / deployments.
    pub change_failure_rate: Option<f64>,
    /// Recovery samples (hours).
    pub recoveries: Vec<f64>,
    /// Median recovery time (hours).
    pub recovery_p50: Option<f64>,
    /// p90 recovery time (hours).
    pub recovery_p90: Option<f64>,
    /// Unplanned deployments.
    pub unplanned: usize,
    /// unplanned / deployments.
    pub rework_rate: Option<f64>,
}

fn day_of(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms).map_or(NaiveDate::MIN, |d| d.date_naive())
}

/// Computes deployment metrics per period (labels sorted).
pub fn deploy_metrics(
    rows: &[DeployRow],
    changes: &[Change],
    incidents: &[Incident],
    period: Period,
    compat: Compat,
) -> BTreeMap<String, DeployMetrics> {
    let deps = deployments(rows);
    let mut out: BTreeMap<String, DeployMetrics> = BTreeMap::new();
    if deps.is_empty() {
        return out;
    }
    let label = |ms: i64| period_of(ms, period);
    if compat == Compat::Pulse {
        for f in failed_attempts(rows) {
            out.entry(label(f)).or_default().failed_attempts += 1;
        }
    }
    let dep_period: Vec<String> = deps.iter().map(|d| label(d.finished)).collect();
    for (d, p) in deps.iter().zip(&dep_period) {
        let m = out.entry(p.clone()).or_default();
        m.deployments += 1;
        m.unplanned += usize::from(d.unplanned);
    }
    // Frequency over the days of each period inside the observed span.
    let (first, last) = (day_of(deps[0].finished), day_of(deps[deps.len() - 1].finished));
    let mut days_with: HashSet<NaiveDate> = HashSet::new();
    for d in &deps {
        days_with.insert(day_of(d.finished));
    }
    for (p, m) in out.iter_mut() {
        let Some((s, e)) = period_bounds(p, period) else { continue };
        let (s, e) = (s.max(first), e.min(last.succ_opt().unwrap_or(last)));
        m.days = (e - s).num_days().max(1) as f64;
        m.per_day = Some(m.deployments as f64 / m.days);
        m.per_week = Some(m.deployments as f64 / m.days * 7.0);
        if compat == Compat::DevLake {
            // Every Monday-start week and calendar month touching the period, zeros included.
            let (ps, pe) = period_bounds(p, period).expect("checked");
            (m.deploy_days_per_week, m.deploy_days_per_month) =
                devlake::deploy_day_medians(ps, pe, &days_with);
        }
    }
    // Lead time.
    let index: HashMap<&str, usize> =
        deps.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    for c in changes {
        let Some(&i) = index.get(c.deployment_id.as_str()) else { continue };
        let span = deps[i].finished.saturating_sub(c.first_commit);
        let v = match compat {
            Compat::Pulse if span < 0 => continue,
            Compat::Pulse => span as f64 / HOUR,
            Compat::DevLake => devlake_cycle_minutes(c, deps[i].finished) / 60.0,
        };
        out.get_mut(&dep_period[i]).expect("period exists").lead_times.push(v);
    }
    // Failures and recovery.
    let failures = attribute(&deps, rows, incidents, compat);
    let mut failed: HashSet<usize> = HashSet::new();
    for f in &failures {
        if failed.insert(f.deployment) {
            out.get_mut(&dep_period[f.deployment]).expect("period exists").failed += 1;
        }
        let Some(end) = f.recovered else { continue };
        let start = deps[f.deployment].finished;
        let rp = label(end);
        let v = match compat {
            Compat::Pulse => end.saturating_sub(start) as f64 / HOUR,
            Compat::DevLake => {
                if rp != dep_period[f.deployment] {
                    continue;
                }
                // TIMESTAMPDIFF(MINUTE, …) truncates toward zero.
                (end.saturating_sub(start) as f64 / 60_000.0).trunc() / 60.0
            }
        };
        out.entry(rp).or_default().recoveries.push(v);
    }
    for m in out.values_mut() {
        let n = m.deployments as f64;
        let attempts = m.deployments + m.failed_attempts;
        if attempts > 0 {
            m.change_failure_rate = Some((m.failed + m.failed_attempts) as f64 / attempts as f64);
        }
        if m.deployments > 0 && compat == Compat::Pulse {
            m.rework_rate = Some(m.unplanned as f64 / n);
        }
        match compat {
            Compat::Pulse => {
                (m.lead_time_p50, m.lead_time_p90) = p50_p90(&mut m.lead_times);
                (m.recovery_p50, m.recovery_p90) = p50_p90(&mut m.recoveries);
            }
            Compat::DevLake => {
                m.lead_time_p50 = lower_median(&m.lead_times);
                m.recovery_p50 = lower_median(&m.recoveries);
            }
        }
    }
    out
}
