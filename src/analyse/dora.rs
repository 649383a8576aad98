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

use chrono::{Datelike, NaiveDate};

use super::delivery::{Period, p50_p90, period_of};

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

/// Whole minutes from `a` to `b`, rounded up; None when negative (DevLake's span rule).
fn ceil_minutes(a: i64, b: i64) -> Option<f64> {
    (b >= a).then(|| ((b - a) as f64 / 60_000.0).ceil())
}

/// DevLake's PR cycle time in minutes: coding (first commit → PR opened) + review (opened →
/// merged) + deploy (merged → deployment finished), each part ceiled on its own and a negative
/// part counted as 0 (`change_lead_time_calculator.go`). Without PR times: one ceiled span.
fn devlake_cycle_minutes(c: &Change, deployed: i64) -> f64 {
    match (c.pr_opened, c.pr_merged) {
        (Some(o), Some(m)) => {
            [ceil_minutes(c.first_commit, o), ceil_minutes(o, m), ceil_minutes(m, deployed)]
                .into_iter()
                .map(|x| x.unwrap_or(0.0))
                .sum()
        }
        _ => ceil_minutes(c.first_commit, deployed).unwrap_or(0.0),
    }
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
                        .filter(|&i| inc.opened - deps[i].finished <= LOOK_BACK_MS)
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

/// Lower median: the largest value whose percent rank is ≤ 0.5 (DevLake's SQL).
pub fn lower_median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    // percent_rank = (rank − 1)/(n − 1) ≤ 0.5 → index ≤ (n − 1)/2.
    Some(s[(s.len() - 1) / 2])
}

/// First day and the day after the last of a period label of any kind (2026-Q3, 2026-07,
/// 2026-W27); `None` when the label is not one.
pub fn label_bounds(label: &str) -> Option<(NaiveDate, NaiveDate)> {
    period_bounds(label, Period::of_label(label))
}

/// First and one-past-last day of a period label.
pub fn period_bounds(label: &str, p: Period) -> Option<(NaiveDate, NaiveDate)> {
    match p {
        Period::Quarter => {
            let (y, q) = label.split_once("-Q")?;
            let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
            let start = NaiveDate::from_ymd_opt(y, (q - 1) * 3 + 1, 1)?;
            Some((start, start.checked_add_months(chrono::Months::new(3))?))
        }
        Period::Month => {
            let (y, m) = label.split_once('-')?;
            let start = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
            Some((start, start.checked_add_months(chrono::Months::new(1))?))
        }
        Period::Week => {
            let (y, w) = label.split_once("-W")?;
            let start =
                NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, chrono::Weekday::Mon)?;
            Some((start, start + chrono::Days::new(7)))
        }
    }
}

/// The period before `label`.
pub fn previous_period(label: &str, p: Period) -> Option<String> {
    let (start, _) = period_bounds(label, p)?;
    let prev = start.pred_opt()?.and_hms_opt(12, 0, 0)?.and_utc().timestamp_millis();
    Some(period_of(prev, p))
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
            let mut weeks: BTreeMap<NaiveDate, f64> = BTreeMap::new();
            let mut months: BTreeMap<(i32, u32), f64> = BTreeMap::new();
            let mut day = ps;
            while day < pe {
                let monday =
                    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
                let hit = f64::from(u8::from(days_with.contains(&day)));
                *weeks.entry(monday).or_default() += hit;
                *months.entry((day.year(), day.month())).or_default() += hit;
                day = day.succ_opt().expect("in range");
            }
            m.deploy_days_per_week = lower_median(&weeks.into_values().collect::<Vec<_>>());
            m.deploy_days_per_month = lower_median(&months.into_values().collect::<Vec<_>>());
        }
    }
    // Lead time.
    let index: HashMap<&str, usize> =
        deps.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    for c in changes {
        let Some(&i) = index.get(c.deployment_id.as_str()) else { continue };
        let span = deps[i].finished - c.first_commit;
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
            Compat::Pulse => (end - start) as f64 / HOUR,
            Compat::DevLake => {
                if rp != dep_period[f.deployment] {
                    continue;
                }
                // TIMESTAMPDIFF(MINUTE, …) truncates toward zero.
                ((end - start) as f64 / 60_000.0).trunc() / 60.0
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

/// A DORA metric with levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoraMetric {
    /// Deployments per day.
    Frequency,
    /// Median lead time, hours.
    LeadTime,
    /// Change failure rate, fraction.
    ChangeFailureRate,
    /// Median failed deployment recovery time, hours.
    RecoveryTime,
}

/// Level names, best first.
pub const LEVELS: [&str; 4] = ["elite", "high", "medium", "low"];

/// A cluster's value: a range (lower, upper; hours or deployments per day) or a typical value.
#[derive(Debug, Clone, Copy)]
enum Cluster {
    Range(f64, f64),
    Point(f64),
}
use Cluster::{Point, Range};

const INF: f64 = f64::INFINITY;
const WEEK_H: f64 = 168.0;
const MONTH_H: f64 = 720.0;
const HALF_YEAR_H: f64 = 4380.0;

/// The clusters of the report year, elite..low (DEFINITIONS.md 2.1, from the Accelerate State
/// of DevOps reports as summarised by Octopus Deploy's posts of 2023-10 and 2024-10).
fn clusters(year: DoraYear, m: DoraMetric) -> [Cluster; 4] {
    use DoraMetric::*;
    match (year, m) {
        // Elite "on demand (multiple deploys per day)", high once per day–week, medium once
        // per week–month; low 2023 the same as medium, 2024 monthly–biannually.
        (DoraYear::Y2023, Frequency) => [
            Range(1.0, INF),
            Range(1.0 / 7.0, 1.0),
            Range(1.0 / 30.0, 1.0 / 7.0),
            Range(1.0 / 30.0, 1.0 / 7.0),
        ],
        (DoraYear::Y2024, Frequency) => [
            Range(1.0, INF),
            Range(1.0 / 7.0, 1.0),
            Range(1.0 / 30.0, 1.0 / 7.0),
            Range(1.0 / 182.5, 1.0 / 30.0),
        ],
        (DoraYear::Y2023, LeadTime) => {
            [Range(0.0, 24.0), Range(24.0, WEEK_H), Range(WEEK_H, MONTH_H), Range(WEEK_H, MONTH_H)]
        }
        (DoraYear::Y2024, LeadTime) => [
            Range(0.0, 24.0),
            Range(24.0, WEEK_H),
            Range(WEEK_H, MONTH_H),
            Range(MONTH_H, HALF_YEAR_H),
        ],
        // Typical values, not ranges; 2024's high and medium are inverted in the report.
        (DoraYear::Y2023, ChangeFailureRate) => {
            [Point(0.05), Point(0.10), Point(0.15), Point(0.64)]
        }
        (DoraYear::Y2024, ChangeFailureRate) => {
            [Point(0.05), Point(0.20), Point(0.10), Point(0.40)]
        }
        (DoraYear::Y2023, RecoveryTime) => {
            [Range(0.0, 1.0), Range(1.0, 24.0), Range(24.0, WEEK_H), Range(MONTH_H, HALF_YEAR_H)]
        }
        (DoraYear::Y2024, RecoveryTime) => {
            [Range(0.0, 1.0), Range(1.0, 24.0), Range(1.0, 24.0), Range(WEEK_H, MONTH_H)]
        }
    }
}

/// Minimum sample before a level is given (DEFINITIONS.md section 9).
pub const MIN_FOR_LEVEL: usize = 5;

/// The level of a value: the report year's cluster that contains it, else the nearest one
/// (log distance for times and frequencies, absolute for rates). Where two clusters tie, a
/// value inside both takes the better, one beyond both the worse.
pub fn dora_level(year: DoraYear, m: DoraMetric, v: f64) -> &'static str {
    let cs = clusters(year, m);
    let higher_is_better = m == DoraMetric::Frequency;
    let dist = |c: &Cluster| -> (f64, bool) {
        match *c {
            Point(p) => ((v - p).abs(), v > p),
            Range(lo, hi) => {
                let inside = v >= lo && (v < hi || (hi.is_infinite() && v.is_finite()));
                let inside = inside || (lo == hi && v == lo);
                if inside || (v == hi && higher_is_better) {
                    (0.0, false)
                } else if v < lo {
                    ((lo / v.max(1e-12)).ln(), false)
                } else {
                    ((v / hi).ln(), true)
                }
            }
        }
    };
    let d: Vec<(f64, bool)> = cs.iter().map(dist).collect();
    let best = d.iter().map(|x| x.0).fold(INF, f64::min);
    let tied: Vec<usize> = (0..4).filter(|&i| (d[i].0 - best).abs() < 1e-12).collect();
    // "Worse side": above the range for times and rates, below it for frequency.
    let beyond_worse = best > 0.0 && d[tied[0]].1 != higher_is_better;
    let pick = if beyond_worse { *tied.last().expect("non-empty") } else { tied[0] };
    LEVELS[pick]
}

/// The level bands of a metric between `lo` and `hi`: `(from, to, level)`, found by evaluating
/// [`dora_level`] on a fine geometric grid, so the bands are exactly where levels change.
pub fn level_bands(
    year: DoraYear,
    m: DoraMetric,
    lo: f64,
    hi: f64,
) -> Vec<(f64, f64, &'static str)> {
    let (lo, hi) = (lo.max(1e-4), hi.max(lo * 1.001));
    let steps = 2000;
    let at = |i: usize| lo * (hi / lo).powf(i as f64 / steps as f64);
    let mut out: Vec<(f64, f64, &'static str)> = Vec::new();
    for i in 0..=steps {
        let v = at(i);
        let l = dora_level(year, m, v);
        match out.last_mut() {
            Some(last) if last.2 == l => last.1 = v,
            _ => {
                if let Some(last) = out.last_mut() {
                    last.1 = v;
                }
                out.push((v, v, l));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_bands_split_where_levels_change() {
        use DoraMetric::*;
        let b = level_bands(DoraYear::Y2024, LeadTime, 1.0, 10_000.0);
        let names: Vec<&str> = b.iter().map(|x| x.2).collect();
        assert_eq!(names, ["elite", "high", "medium", "low"]);
        // Elite is under a day: the first boundary is at 24 h (grid resolution 0.5 %).
        assert!((b[0].1 / 24.0 - 1.0).abs() < 0.005, "{:?}", b[0]);
        for w in b.windows(2) {
            assert_eq!(w[0].1, w[1].0, "bands touch");
        }
    }

    const H: i64 = 3_600_000;
    // 2026-07-06T00:00:00Z, a Monday.
    const T0: i64 = 1_783_296_000_000;

    fn dep(id: &str, service: &str, finished: i64) -> DeployRow {
        DeployRow {
            id: id.into(),
            service: service.into(),
            environment: "production".into(),
            commit_sha: format!("sha-{id}"),
            finished,
            result: "success".into(),
            ..DeployRow::default()
        }
    }

    #[test]
    fn levels_follow_the_report_year() {
        use DoraMetric::*;
        assert_eq!(dora_level(DoraYear::Y2024, Frequency, 3.0), "elite");
        assert_eq!(dora_level(DoraYear::Y2024, Frequency, 1.0), "elite");
        assert_eq!(dora_level(DoraYear::Y2024, Frequency, 0.5), "high");
        assert_eq!(dora_level(DoraYear::Y2024, Frequency, 0.05), "medium");
        assert_eq!(dora_level(DoraYear::Y2024, Frequency, 0.01), "low");
        assert_eq!(dora_level(DoraYear::Y2024, Frequency, 0.0001), "low");
        // 2023: low and medium report the same frequency; below both is low.
        assert_eq!(dora_level(DoraYear::Y2023, Frequency, 0.05), "medium");
        assert_eq!(dora_level(DoraYear::Y2023, Frequency, 0.01), "low");
        assert_eq!(dora_level(DoraYear::Y2024, LeadTime, 2.0), "elite");
        assert_eq!(dora_level(DoraYear::Y2024, LeadTime, 48.0), "high");
        assert_eq!(dora_level(DoraYear::Y2024, LeadTime, 300.0), "medium");
        assert_eq!(dora_level(DoraYear::Y2024, LeadTime, 2000.0), "low");
        assert_eq!(dora_level(DoraYear::Y2023, LeadTime, 2000.0), "low", "beyond both: worse");
        // Change failure rates are typical values: nearest wins; 2024 inverts high/medium.
        assert_eq!(dora_level(DoraYear::Y2024, ChangeFailureRate, 0.04), "elite");
        assert_eq!(dora_level(DoraYear::Y2024, ChangeFailureRate, 0.11), "medium");
        assert_eq!(dora_level(DoraYear::Y2024, ChangeFailureRate, 0.19), "high");
        assert_eq!(dora_level(DoraYear::Y2023, ChangeFailureRate, 0.11), "high");
        assert_eq!(dora_level(DoraYear::Y2023, ChangeFailureRate, 0.5), "low");
        assert_eq!(dora_level(DoraYear::Y2024, RecoveryTime, 0.5), "elite");
        assert_eq!(dora_level(DoraYear::Y2024, RecoveryTime, 5.0), "high");
        assert_eq!(dora_level(DoraYear::Y2024, RecoveryTime, 400.0), "low");
        assert_eq!(dora_level(DoraYear::Y2023, RecoveryTime, 100.0), "medium");
    }

    #[test]
    fn periods_and_bounds() {
        let (s, e) = period_bounds("2026-Q3", Period::Quarter).unwrap();
        assert_eq!((s.to_string(), e.to_string()), ("2026-07-01".into(), "2026-10-01".into()));
        assert_eq!(previous_period("2026-Q1", Period::Quarter).unwrap(), "2025-Q4");
        assert_eq!(previous_period("2026-01", Period::Month).unwrap(), "2025-12");
        assert_eq!(previous_period("2026-W01", Period::Week).unwrap(), "2025-W52");
        assert_eq!(lower_median(&[4.0, 1.0, 3.0, 2.0]), Some(2.0));
        assert_eq!(lower_median(&[3.0, 1.0, 2.0]), Some(2.0));
    }

    #[test]
    fn pulse_definition_end_to_end() {
        // Four api deployments and one web deployment in one week; d2 caused an incident
        // (explicit link), d3 was rolled back by d4; an unrelated web incident is external.
        let mut rows = vec![
            dep("d1", "api", T0),
            dep("d2", "api", T0 + 24 * H),
            dep("d3", "api", T0 + 48 * H),
            dep("d4", "api", T0 + 50 * H),
            dep("w1", "web", T0 + 10 * H),
            DeployRow { environment: "staging".into(), ..dep("s1", "api", T0 + H) },
            DeployRow { result: "failure".into(), ..dep("f1", "api", T0 + 2 * H) },
        ];
        rows[3].rollback = true;
        let changes = vec![
            Change { deployment_id: "d1".into(), first_commit: T0 - 10 * H, ..Change::default() },
            Change { deployment_id: "d1".into(), first_commit: T0 - 2 * H, ..Change::default() },
            Change { deployment_id: "d2".into(), first_commit: T0 + 20 * H, ..Change::default() },
            Change { deployment_id: "d2".into(), first_commit: T0 + 30 * H, ..Change::default() }, // negative: dropped
            Change { deployment_id: "s1".into(), first_commit: T0, ..Change::default() }, // not production
        ];
        let incidents = vec![
            Incident {
                id: "i1".into(),
                service: "api".into(),
                opened: T0 + 25 * H,
                resolved: Some(T0 + 27 * H),
                caused_by_deployment: "d2".into(),
                ..Incident::default()
            },
            Incident {
                id: "i2".into(),
                service: "web".into(),
                opened: T0 + 11 * H,
                resolved: Some(T0 + 12 * H),
                change_failure: Some(false),
                ..Incident::default()
            },
        ];
        let m = deploy_metrics(&rows, &changes, &incidents, Period::Quarter, Compat::Pulse);
        let q = &m["2026-Q3"];
        assert_eq!(q.deployments, 5);
        // Observed span: 2026-07-06 .. 2026-07-08 = 3 days.
        assert_eq!(q.days, 3.0);
        assert_eq!(q.per_day, Some(5.0 / 3.0));
        // Lead times 10 h, 2 h, 4 h: numpy.percentile([2, 4, 10], [50, 90]) = [4.0, 8.8].
        assert_eq!(q.lead_time_p50, Some(4.0));
        assert!((q.lead_time_p90.unwrap() - 8.8).abs() < 1e-12);
        // d2 (incident) and d3 (rolled back) failed, and f1 failed to deploy: (2 + 1) / (5 + 1).
        assert_eq!((q.failed, q.failed_attempts), (2, 1));
        assert_eq!(q.change_failure_rate, Some(0.5));
        // Recovery: i1 resolved 3 h after d2 finished; d3 → rollback 2 h later.
        assert_eq!(q.recoveries.len(), 2);
        assert_eq!(q.recovery_p50, Some(2.5));
        // d4 is a rollback: unplanned.
        assert_eq!(q.rework_rate, Some(0.2));
    }

    #[test]
    fn attribution_scopes() {
        let rows = vec![dep("a1", "api", T0), dep("w1", "web", T0 + H)];
        let deps = deployments(&rows);
        let inc = |id: &str, service: &str, opened: i64| Incident {
            id: id.into(),
            service: service.into(),
            opened,
            ..Incident::default()
        };
        let incidents = vec![
            inc("i-api", "api", T0 + 2 * H),
            inc("i-late", "api", T0 + 8 * 24 * H),
            Incident { caused_by_commit: "sha-w1".into(), ..inc("i-sha", "", T0 + 3 * H) },
        ];
        let pulse = attribute(&deps, &rows, &incidents, Compat::Pulse);
        let got: Vec<(&str, &str)> =
            pulse.iter().map(|f| (f.incident.as_str(), deps[f.deployment].id.as_str())).collect();
        // Same service within 7 days; the late one is not attributed; the commit link wins.
        assert_eq!(got, [("i-api", "a1"), ("i-sha", "w1")]);
        // DevLake: latest deployment before, whatever the service or age.
        let dl = attribute(&deps, &rows, &incidents, Compat::DevLake);
        let got: Vec<&str> = dl.iter().map(|f| deps[f.deployment].id.as_str()).collect();
        assert_eq!(got, ["w1", "w1", "w1"]);
    }

    #[test]
    fn devlake_frequency_medians() {
        // Deployments on two days of the week of T0 only, in 2026-Q3 (14 Monday weeks touch
        // it: 2026-06-29 .. 2026-09-28). Weekly deploy-days: one 2, thirteen 0 → lower median 0.
        let rows =
            vec![dep("a", "api", T0), dep("b", "api", T0 + 30 * H), dep("c", "api", T0 + 31 * H)];
        let m = deploy_metrics(&rows, &[], &[], Period::Quarter, Compat::DevLake);
        let q = &m["2026-Q3"];
        assert_eq!(q.deploy_days_per_week, Some(0.0));
        assert_eq!(q.deploy_days_per_month, Some(0.0));
        assert_eq!(q.rework_rate, None, "DevLake has no rework rate");
    }
}
