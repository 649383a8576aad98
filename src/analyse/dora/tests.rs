//! The DORA metrics on hand-made deployments, incidents and changes.

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
