//! The demo organisation's telemetry: builds, deployments, changes, incidents and usage.

use super::Rng;
use super::content::TEAMS;
use super::survey::{csv_bytes, people};

/// One demo telemetry file: kind, file name (in `fixtures/demo/telemetry`), bytes.
pub type TelemetryFile = (&'static str, &'static str, Vec<u8>);

/// Start of each demo quarter (2025-Q4 .. 2026-Q3) and the end of the last, UTC seconds.
const QUARTERS: [i64; 5] =
    [1_759_276_800, 1_767_225_600, 1_775_001_600, 1_782_864_000, 1_790_812_800];

fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .expect("valid timestamp")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Log-normal draw with the given median.
fn lognormal(rng: &mut Rng, median: f64, sigma: f64) -> f64 {
    median * (rng.normal() * sigma).exp()
}

/// A year of the demo organisation's telemetry (2025-Q4 .. 2026-Q3), with a story the
/// guardrails must find, and controls they must leave alone:
///
/// - **gamed target** — CI build time has a 10-minute target; in 2026-Q3 builds that would
///   have taken 10–12.5 minutes are cut to just under 10 (skipped test stages): the median
///   improves and the durations bunch at 9:35–9:59. The survey's CI-speed satisfaction rises
///   too, and the failure and flaky rates stay flat (controls for divergence and counters);
/// - **counter-metric regression** — deployment frequency almost doubles in 2026-Q3 while the
///   change failure rate doubles (8 % → 17 %);
/// - **divergence** — docs-portal use rises sharply in 2026-Q3 while satisfaction with the
///   documentation falls in the survey;
/// - **controls** — lead time, recovery time and observability use are flat; service-template
///   adoption grows together with the survey's "new service to production" item.
///
/// Builds look like a GitHub Actions runs export (its column names), incidents like a
/// PagerDuty export; usage events carry the developers' e-mails, which the import hashes.
pub fn demo_telemetry(seed: u64) -> Vec<TelemetryFile> {
    let mut rng = Rng::new(seed ^ 0x7e1e_e7e1);
    let services = [
        "checkout",
        "payments-api",
        "search-api",
        "mobile-bff",
        "identity",
        "ledger",
        "growth-web",
        "data-sync",
    ];
    // Builds.
    let mut builds = vec![
        [
            "id",
            "repository",
            "workflow_name",
            "head_branch",
            "head_sha",
            "run_attempt",
            "created_at",
            "run_started_at",
            "updated_at",
            "conclusion",
            "runner_name",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let medians = [760.0, 720.0, 690.0, 650.0];
    let mut id = 0u64;
    for q in 0..4 {
        let n = 2_500;
        let (s, e) = (QUARTERS[q], QUARTERS[q + 1]);
        for i in 0..n {
            let t = s + (e - s) * i / n + rng.below(600) as i64;
            let svc = services[rng.below(services.len())];
            let sha = format!("{:012x}", rng.next_u64() >> 16);
            let branch = if rng.chance(0.35) { "main" } else { "feature/work" };
            let runner = if rng.chance(0.5) { "ubuntu-latest-8core" } else { "ubuntu-latest" };
            let mut natural = lognormal(&mut rng, medians[q], 0.3).max(60.0);
            if q == 3 && (600.0..750.0).contains(&natural) && rng.chance(0.7) {
                natural = 575.0 + rng.f64() * 24.0;
            }
            let flaky = rng.chance(0.06);
            let failed = !flaky && rng.chance(0.09);
            let cancelled = !flaky && !failed && rng.chance(0.02);
            let attempts: Vec<(&str, f64)> = if flaky {
                vec![("failure", natural * 0.6), ("success", natural)]
            } else if failed {
                vec![("failure", natural * 0.5)]
            } else if cancelled {
                vec![("cancelled", natural * 0.3)]
            } else {
                vec![("success", natural)]
            };
            let mut start = t;
            for (a, (result, dur)) in attempts.iter().enumerate() {
                id += 1;
                let queue = 5 + rng.below(55) as i64;
                let st = start + queue;
                let fin = st + dur.round() as i64;
                builds.push(vec![
                    format!("{}", 9_000_000 + id),
                    svc.into(),
                    "ci".into(),
                    branch.into(),
                    sha.clone(),
                    (a + 1).to_string(),
                    rfc3339(start),
                    rfc3339(st),
                    rfc3339(fin),
                    (*result).into(),
                    runner.into(),
                ]);
                start = fin + 120;
            }
        }
    }
    // Deployments, changes, incidents.
    let mut deps = vec![
        [
            "deployment_id",
            "service",
            "environment",
            "commit_sha",
            "started_at",
            "finished_at",
            "result",
            "is_rollback",
            "is_unplanned",
            "related_incident_id",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut changes = vec![
        ["deployment_id", "change_id", "first_commit_at", "pr_opened_at", "pr_merged_at"]
            .map(String::from)
            .to_vec(),
    ];
    let mut incidents = vec![
        [
            "id",
            "service_name",
            "created_at",
            "last_status_change_at",
            "urgency",
            "caused_by_deployment_id",
            "is_change_failure",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let per_quarter = [170, 175, 180, 320];
    let cfr = [0.07, 0.07, 0.07, 0.2];
    let (mut did, mut iid) = (0u64, 0u64);
    for q in 0..4 {
        let (s, e) = (QUARTERS[q], QUARTERS[q + 1]);
        let n = per_quarter[q];
        for i in 0..n {
            let t = s + (e - s) * i / n + rng.below(3_600) as i64;
            let svc = services[rng.below(services.len())];
            let sha = format!("{:012x}", rng.next_u64() >> 16);
            did += 1;
            let dep_id = format!("deploy-{did:05}");
            // Staging first; it never counts.
            deps.push(vec![
                format!("{dep_id}-stg"),
                svc.into(),
                "staging".into(),
                sha.clone(),
                rfc3339(t - 3_000),
                rfc3339(t - 2_400),
                "success".into(),
                "false".into(),
                "false".into(),
                String::new(),
            ]);
            let pipeline_failed = rng.chance(0.04);
            deps.push(vec![
                dep_id.clone(),
                svc.into(),
                "production".into(),
                sha.clone(),
                rfc3339(t - 600),
                rfc3339(t),
                if pipeline_failed { "failed" } else { "succeeded" }.into(),
                "false".into(),
                "false".into(),
                String::new(),
            ]);
            if pipeline_failed {
                continue;
            }
            for c in 0..1 + rng.below(4) {
                let lead = (lognormal(&mut rng, 20.0, 0.8) * 3_600.0) as i64;
                let first = t - lead;
                let merged = t - (lead as f64 * 0.2) as i64;
                changes.push(vec![
                    dep_id.clone(),
                    format!("{sha}-{c}"),
                    rfc3339(first),
                    rfc3339(first + (lead as f64 * 0.4) as i64),
                    rfc3339(merged),
                ]);
            }
            if rng.chance(cfr[q]) {
                iid += 1;
                let opened = t + 1_800 + rng.below(4 * 3_600) as i64;
                let resolved = opened + (lognormal(&mut rng, 2.5, 0.7) * 3_600.0) as i64;
                let explicit = rng.chance(0.6);
                let inc = format!("P{:06}", 100_000 + iid);
                incidents.push(vec![
                    inc.clone(),
                    svc.into(),
                    rfc3339(opened),
                    rfc3339(resolved),
                    if rng.chance(0.3) { "high" } else { "low" }.into(),
                    if explicit { dep_id.clone() } else { String::new() },
                    if explicit { "true".into() } else { String::new() },
                ]);
                if rng.chance(0.5) {
                    // The fix ships as an unplanned hotfix deployment.
                    did += 1;
                    deps.push(vec![
                        format!("deploy-{did:05}"),
                        svc.into(),
                        "production".into(),
                        format!("{:012x}", rng.next_u64() >> 16),
                        rfc3339(resolved - 1_200),
                        rfc3339(resolved - 600),
                        "succeeded".into(),
                        "false".into(),
                        "true".into(),
                        inc,
                    ]);
                }
            }
        }
        // Incidents no change caused (a cloud-provider outage, a certificate expiry).
        for _ in 0..6 {
            iid += 1;
            let opened = s + rng.below((e - s) as usize) as i64;
            incidents.push(vec![
                format!("P{:06}", 100_000 + iid),
                services[rng.below(services.len())].into(),
                rfc3339(opened),
                rfc3339(opened + 5_400),
                "high".into(),
                String::new(),
                "false".into(),
            ]);
        }
    }
    // Capability usage by the survey's developers (same people, same e-mails).
    let people = people(&mut Rng::new(seed));
    let mut usage = vec![
        ["timestamp", "feature", "action", "team", "email", "outcome"].map(String::from).to_vec(),
    ];
    let caps: [(&str, [usize; 4]); 3] = [
        ("docs-portal", [220, 230, 240, 420]),
        ("observability", [500, 505, 510, 512]),
        ("service-templates", [100, 140, 180, 230]),
    ];
    for (cap, active) in caps {
        let mut prev: Vec<usize> = Vec::new();
        for q in 0..4 {
            let (s, e) = (QUARTERS[q], QUARTERS[q + 1]);
            // Most of last quarter's users come back; the rest are new.
            let mut users: Vec<usize> = prev.iter().copied().filter(|_| rng.chance(0.75)).collect();
            users.truncate(active[q]);
            while users.len() < active[q] {
                let p = rng.below(people.len());
                if !users.contains(&p) {
                    users.push(p);
                }
            }
            users.sort_unstable();
            for &p in &users {
                for _ in 0..1 + rng.below(3) {
                    let at = s + rng.below((e - s) as usize) as i64;
                    usage.push(vec![
                        rfc3339(at),
                        cap.into(),
                        "invoked".into(),
                        TEAMS[people[p].team].0.into(),
                        people[p].email.clone(),
                        if rng.chance(0.95) { "success" } else { "failure" }.into(),
                    ]);
                }
            }
            prev = users;
        }
    }
    // Usage rows in time order, as an event log would be.
    let header = usage.remove(0);
    usage.sort_by(|a, b| a[0].cmp(&b[0]).then_with(|| a[4].cmp(&b[4])));
    usage.insert(0, header);
    vec![
        ("builds", "github-actions-runs.csv", csv_bytes(&builds, false)),
        ("deployments", "deployments.csv", csv_bytes(&deps, false)),
        ("changes", "changes.csv", csv_bytes(&changes, false)),
        ("incidents", "pagerduty-incidents.csv", csv_bytes(&incidents, false)),
        ("usage", "capability-usage.csv", csv_bytes(&usage, false)),
    ]
}
