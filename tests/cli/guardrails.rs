//! `pulse check` on the demo workspace: every guardrail fires on the case planted in the demo
//! telemetry (src/synth.rs `demo_telemetry`) and stays silent on the controls; the exit status
//! gates a CI job (0 quiet, 1 alerts, 2 error).

use super::*;

fn check_full(t: &CliTest, args: &[&str]) -> (i32, serde_json::Value) {
    let mut a = vec!["-w", "ws", "check", "--format", "json"];
    a.extend_from_slice(args);
    let out = t.run(&a);
    let code = out.status.code().unwrap();
    assert!(code != 2, "{}", text(&out.stderr));
    (code, serde_json::from_str(&text(&out.stdout)).unwrap())
}

fn check(t: &CliTest, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let (code, v) = check_full(t, args);
    (code, v["alerts"].as_array().unwrap().clone())
}

fn kinds(alerts: &[serde_json::Value], metric: &str) -> Vec<String> {
    alerts
        .iter()
        .filter(|a| a["metric"] == metric)
        .map(|a| a["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_finds_the_planted_cases_and_spares_the_controls() {
    let t = CliTest::new();
    t.ok(&["demo", "--out", "ws", "--no-report"]);
    let (code, alerts) = check(&t, &[]);
    assert_eq!(code, 1, "alerts fired: exit 1");
    for a in &alerts {
        assert_eq!(a["period"], "2026-Q3");
        for k in ["kind", "metric", "severity", "message", "evidence", "action"] {
            assert!(!a[k].is_null(), "{a}");
        }
    }
    // Gamed target: builds cut to just under 10 minutes.
    let bunch = alerts.iter().find(|a| a["kind"] == "target_bunching").unwrap();
    assert_eq!(bunch["metric"], "build_p50");
    let ev = &bunch["evidence"];
    assert_eq!(ev["target"], 600.0);
    assert!(ev["p_value"].as_f64().unwrap() < 1e-10, "{ev}");
    let (inside, outside) =
        (ev["inside_bins"][0].as_u64().unwrap(), ev["outside_bins"][0].as_u64().unwrap());
    assert!(inside > 5 * outside, "{ev}");
    // Counter-metric regression: deployment frequency doubled while CFR rose.
    let cr: Vec<&serde_json::Value> =
        alerts.iter().filter(|a| a["kind"] == "counter_regression").collect();
    assert!(cr.iter().all(|a| a["metric"] == "deploy_frequency"), "{cr:?}");
    assert!(cr.iter().any(|a| a["evidence"]["counter"] == "deployments.change_failure_rate"));
    let cfr = &cr[0]["evidence"]["counter_change"];
    assert!(cfr["q_value"].as_f64().unwrap() < 0.05 && cfr["verdict"] == "worsened", "{cfr}");
    // Divergence: docs-portal use up, documentation satisfaction down.
    assert_eq!(kinds(&alerts, "docs_portal_users"), ["divergence"]);
    // Controls: flat or honestly improving metrics raise nothing. Build time improved, but its
    // counters (failure, flaky) did not worsen and its perception rose with it.
    for control in [
        "lead_time",
        "recovery_time",
        "observability_users",
        "template_adoption",
        "build_failure_rate",
        "build_flaky_rate",
    ] {
        assert!(kinds(&alerts, control).is_empty(), "{control}: {:?}", kinds(&alerts, control));
    }
    assert_eq!(kinds(&alerts, "build_p50"), ["target_bunching"]);
    // Before the gaming started nothing bunches at the target.
    let (_, q2) = check(&t, &["--period", "2026-Q2"]);
    assert!(q2.iter().all(|a| a["kind"] != "target_bunching"), "{q2:?}");
    // The table form says the same and names the period pair.
    let out = t.run(&["-w", "ws", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(s.contains("2026-Q3 against 2026-Q2") && s.contains("target_bunching"), "{s}");
    // recovery_time rose 52 % (SLO 50 %) but within noise: a note, not an alert.
    assert!(s.contains("note: recovery_time"), "{s}");
}

#[test]
fn check_slo_lone_target_survey_health_saturation_and_exit_codes() {
    let t = CliTest::new();
    t.ok(&["demo", "--out", "ws", "--no-report"]);
    let toml =
        |name: &str, body: &str| t.write(name, body.as_bytes()).to_str().unwrap().to_string();
    // SLO: the change failure rate more than doubled (beyond noise); an absolute limit on the
    // build p90 (949 s > 900 s) fires even though p90 improved. A lone target; survey n below
    // a raised minimum; a saturation threshold low enough for two rounds running.
    let f = toml(
        "m1.toml",
        r#"
[defaults]
min_n = 1000
saturation_top_box = 0.45

[[metric]]
id = "cfr"
source = "deployments.change_failure_rate"
slo = { max_increase_pct = 50 }

[[metric]]
id = "p90"
source = "builds.duration_p90"
slo = { max = 900 }

[[metric]]
id = "queue"
source = "builds.queue_p50"
target = 30

[[metric]]
id = "deploy_pipeline"
source = "survey.satisfied_part_deployment_pipeline.top_box"
"#,
    );
    let (code, alerts) = check(&t, &["--metrics", &f]);
    assert_eq!(code, 1);
    let cfr = alerts.iter().find(|a| a["metric"] == "cfr").unwrap();
    assert_eq!(cfr["kind"], "slo_breach");
    assert!(cfr["evidence"]["change_pct"].as_f64().unwrap() > 50.0);
    assert_eq!(kinds(&alerts, "p90"), ["slo_breach"]);
    assert_eq!(kinds(&alerts, "queue"), ["lone_target"]);
    let dp = kinds(&alerts, "deploy_pipeline");
    assert!(dp.contains(&"survey_health".to_string()), "{dp:?}");
    // satisfied_part_deployment_pipeline: top box 0.488 and 0.522, both ≥ 0.45.
    assert!(dp.contains(&"saturation".to_string()), "{dp:?}");

    // Quiet: flat observability use and perception; exit 0 and an empty list.
    let quiet = toml(
        "m2.toml",
        r#"
[[metric]]
id = "obs"
source = "usage.active_users:observability"
perception = "satisfied_part_observability"
"#,
    );
    let (code, alerts) = check(&t, &["--metrics", &quiet]);
    assert_eq!((code, alerts.len()), (0, 0), "{alerts:?}");

    // Errors exit 2 and name the file and the problem.
    for (body, want) in [
        ("[[metric]]\nid = \"x\"\nsource = \"builds.nope\"\n", "unknown source"),
        ("[[metric]]\nid = \"x\"\nsourse = \"builds.count\"\n", "sourse"),
        ("[[metric]]\nid = \"x\"\nsource = \"survey.no_such_q.mean\"\n", "no_such_q"),
    ] {
        let f = toml("bad.toml", body);
        let out = t.run(&["-w", "ws", "check", "--metrics", &f]);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn an_info_alert_does_not_fail_check_unless_fail_on_info() {
    let t = CliTest::new();
    t.ok(&["demo", "--out", "ws", "--no-report"]);
    let f = t.write(
        "lone.toml",
        b"[[metric]]\nid = \"queue\"\nsource = \"builds.queue_p50\"\ntarget = 30\n",
    );
    let f = f.to_str().unwrap();
    let (code, alerts) = check(&t, &["--metrics", f]);
    assert_eq!(kinds(&alerts, "queue"), ["lone_target"]);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(code, 0, "an info alert alone exits 0 by default");
    assert_eq!(check(&t, &["--metrics", f, "--fail-on", "warning"]).0, 0);
    assert_eq!(check(&t, &["--metrics", f, "--fail-on", "info"]).0, 1);
    // High only: the demo's high alerts (bunching, counter regression) still fail.
    assert_eq!(check(&t, &["--fail-on", "high"]).0, 1);
    let help = text(&t.run(&["check", "--help"]).stdout);
    assert!(help.contains("--fail-on") && help.contains("warning"), "{help}");
}

#[test]
fn metrics_toml_errors_name_the_line_and_the_fix() {
    let t = CliTest::new();
    t.ok(&["demo", "--out", "ws", "--no-report"]);
    let head =
        "[defaults]\nmin_n = 30\n\n[[metric]]\nid = \"b\"\nsource = \"builds.duration_p50\"\n";
    for (body, line, want) in [
        (format!("{head}colour = \"red\"\n"), 7, "colour"),
        ("[defaults]\nalpha = 7\n".to_string(), 2, "alpha"),
        ("[defaults]\nalpha = nan\n".to_string(), 2, "alpha"),
        (format!("{head}target = 600\nbunching_bin = 0\n"), 8, "bunching_bin"),
        (format!("{head}counter = [\"b\"]\n"), 7, "its own counter"),
    ] {
        t.write("ws/metrics.toml", body.as_bytes());
        let before = std::fs::read_dir(t.path("ws")).unwrap().count();
        let out = t.run(&["-w", "ws", "check"]);
        assert_eq!(out.status.code(), Some(2), "{body}");
        let err = text(&out.stderr);
        assert!(err.contains(&format!("metrics.toml:{line}:")), "{body}\n{err}");
        assert!(err.contains(want) && err.contains("hint:"), "{err}");
        assert!(text(&out.stdout).is_empty());
        assert_eq!(std::fs::read(t.path("ws/metrics.toml")).unwrap(), body.as_bytes());
        assert_eq!(std::fs::read_dir(t.path("ws")).unwrap().count(), before);
    }
    // A mutual pair is fine.
    t.write(
        "ws/metrics.toml",
        b"[[metric]]\nid = \"f\"\nsource = \"deployments.frequency\"\ncounter = [\"c\"]\n\n[[metric]]\nid = \"c\"\nsource = \"deployments.change_failure_rate\"\ncounter = [\"f\"]\n",
    );
    let out = t.run(&["-w", "ws", "check", "--format", "json"]);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn check_period_2026_q0_is_an_error_not_a_panic() {
    let t = CliTest::new();
    t.ok(&["demo", "--out", "ws", "--no-report"]);
    for p in ["2026-Q0", "2026-Q5", "2026-13", "2026-W54"] {
        let out = t.run(&["-w", "ws", "check", "--period", p]);
        assert_eq!(out.status.code(), Some(2), "{p}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.contains("is not a period label") && err.contains("hint:"), "{err}");
    }
}

/// Issue 14: one build retried after midnight on 30 September, an incident resolved on
/// 2 October and a build dated weeks after the data ends (a year ahead is refused at import
/// since issue 13) made a near-empty "latest" quarter that plain
/// `pulse check` compared (exit 0) while `--period 2026-Q3` raised the planted alerts.
#[test]
fn check_a_row_past_the_quarter_end_keeps_the_quarter() {
    let t = CliTest::new();
    t.ok(&["demo", "--out", "ws", "--no-report"]);
    let (code_q3, q3) = check_full(&t, &["--period", "2026-Q3"]);
    let builds = "id,repository,workflow_name,head_branch,head_sha,run_attempt,created_at,run_started_at,updated_at,conclusion,runner_name\n\
        9900001,ledger,ci,main,d95175adf697,2,2026-09-30T23:59:40Z,2026-10-01T00:00:20Z,2026-10-01T00:09:02Z,success,ubuntu-latest\n\
        9900002,ledger,ci,main,aaaaaaaaaaaa,1,2026-11-20T10:00:00Z,2026-11-20T10:00:05Z,2026-11-20T10:08:00Z,failure,ubuntu-latest\n";
    let incidents = "id,service_name,created_at,last_status_change_at,urgency,caused_by_deployment_id,is_change_failure\n\
        P199999,identity,2026-09-30T22:00:00Z,2026-10-02T09:00:00Z,low,,false\n";
    let b = t.write("late-builds.csv", builds.as_bytes());
    let i = t.write("late-incidents.csv", incidents.as_bytes());
    for (f, kind) in [(&b, "builds"), (&i, "incidents")] {
        t.ok(&["-w", "ws", "import", "telemetry", "--kind", kind, f.to_str().unwrap()]);
    }
    let (code, out) = check_full(&t, &[]);
    assert_eq!(
        (out["period"].as_str(), out["previous"].as_str()),
        (Some("2026-Q3"), Some("2026-Q2"))
    );
    let why = out["why"].as_str().unwrap();
    assert!(why.contains("latest complete period") && why.contains("2026-Q4 passed over"), "{why}");
    let kinds = |v: &serde_json::Value| -> Vec<String> {
        v["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| format!("{}/{}", a["kind"], a["metric"]))
            .collect()
    };
    assert_eq!((code, kinds(&out)), (code_q3, kinds(&q3)));
    // The coverage of each source is stated, for both periods.
    let cov = out["coverage"].as_array().unwrap();
    let builds = cov.iter().find(|c| c["source"] == "builds").unwrap();
    assert_eq!(builds["period"]["covered_days"], 92, "{builds}");
    assert_eq!(builds["previous"]["covered_days"], 91, "{builds}");
    assert!(out["multiple_testing"].as_str().unwrap().starts_with("Benjamini–Hochberg over the"));
    // The text form says the same.
    let s = text(&t.run(&["-w", "ws", "check"]).stdout);
    assert!(s.contains("2026-Q3 against 2026-Q2 (latest complete period"), "{s}");
    assert!(
        s.contains("coverage: builds 91 of 91 days in 2026-Q2, 92 of 92 days in 2026-Q3"),
        "{s}"
    );
    // --partial takes the current period only when it is covered: a lone future row is not.
    let (_, out) = check_full(&t, &["--partial"]);
    assert_eq!(out["period"], "2026-Q3", "{}", out["why"]);
    assert!(out["why"].as_str().unwrap().starts_with("latest period with data"), "{out}");
    let o = t.run(&["-w", "ws", "check", "--partial", "--period", "2026-Q3"]);
    assert_eq!(o.status.code(), Some(2), "--partial conflicts with --period");
    // Asked for explicitly, the near-empty quarter is not compared: its series are
    // "low coverage", never a verdict.
    let (code, out) = check_full(&t, &["--period", "2026-Q4"]);
    assert_eq!(code, 0, "{out}");
    let s = text(&t.run(&["-w", "ws", "check", "--period", "2026-Q4"]).stdout);
    assert!(s.contains("low coverage") && !s.contains("worsened"), "{s}");
}
