//! The deployment metrics as a frame, with levels and the definition that produced them.

use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;

use super::levels::level_of;
use super::{Compat, DeployMetrics, DoraMetric, DoraYear};

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
        m.values().map(|x| level_of(x, metric, compat, year)).collect::<Vec<_>>()
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
