//! `pulse import telemetry`: formats, aliases, bad rows, pseudonymised actors, atomicity.

use super::*;

const BUILDS: &str = "id,repository,Workflow Name,head_sha,run_attempt,run_started_at,completed_at,conclusion\n\
1,api,ci,abc,1,2026-07-01T10:00:00Z,2026-07-01T10:09:50Z,success\n\
2,api,ci,abd,1,2026-07-01 11:00:00,1782904500,FAILED\n\
3,api,ci,abd,2,2026-07-01T11:20:00+02:00,2026-07-01T09:31:00Z,success\n\
4,web,ci,xyz,1,yesterday,2026-07-01T12:00:00Z,success\n";

#[test]
fn builds_csv_aliases_map_and_bad_rows() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write("gha-runs.csv", BUILDS.as_bytes());
    let before = snapshot(&t.path("ws"));
    let o = t.run(&[
        "-w",
        "ws",
        "import",
        "telemetry",
        f.to_str().unwrap(),
        "--kind",
        "builds",
        "--map",
        "pipeline=Workflow Name",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("gha-runs.csv:5: column 6 (run_started_at)")
            && err.contains("--skip-bad-rows"),
        "{err}"
    );
    assert!(snapshot(&t.path("ws")) == before, "a failed import leaves no trace");
    let out = t.ok(&[
        "-w",
        "ws",
        "import",
        "telemetry",
        f.to_str().unwrap(),
        "--kind",
        "builds",
        "--map",
        "pipeline=Workflow Name",
        "--skip-bad-rows",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 3);
    assert_eq!(v["skipped"], 1);
    assert_eq!(v["source"], "gha-runs");
    let r = t.query("SELECT build_id, pipeline, attempt, CAST(started_at AS VARCHAR) AS s, CAST(finished_at AS VARCHAR) AS f, result FROM builds ORDER BY build_id");
    assert_eq!(r.len(), 3);
    assert_eq!(r[0]["pipeline"], "ci", "--map");
    assert!(r[1]["f"].as_str().unwrap().starts_with("2026-07-01 11:15:00"), "epoch seconds: {r:?}");
    assert!(
        r[2]["s"].as_str().unwrap().starts_with("2026-07-01 09:20:00"),
        "+02:00 converted to UTC: {r:?}"
    );
    assert_eq!(r[1]["result"], "failure", "results normalised");
    // The same source again needs --replace.
    let o = t.run(&[
        "-w",
        "ws",
        "import",
        "telemetry",
        f.to_str().unwrap(),
        "--kind",
        "builds",
        "--map",
        "pipeline=Workflow Name",
        "--skip-bad-rows",
    ]);
    assert!(text(&o.stderr).contains("--replace"));
    // A required column that cannot be found names the fix.
    let g = t.write("bad.csv", b"foo,bar\n1,2\n");
    let o =
        t.run(&["-w", "ws", "import", "telemetry", g.to_str().unwrap(), "--kind", "deployments"]);
    assert!(text(&o.stderr).contains("--map deployment_id="), "{}", text(&o.stderr));
}

#[test]
fn jsonl_and_parquet_inputs() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "pagerduty.jsonl",
        b"{\"id\":\"P1\",\"service\":{\"summary\":\"api\"},\"created_at\":\"2026-07-02T08:00:00Z\",\"last_status_change_at\":\"2026-07-02T09:30:00Z\",\"urgency\":\"high\"}\n\
{\"id\":\"P2\",\"created_at\":\"2026-07-03T08:00:00Z\"}\nnot json\n",
    );
    let out = t.ok(&[
        "-w",
        "ws",
        "import",
        "telemetry",
        f.to_str().unwrap(),
        "--kind",
        "incidents",
        "--map",
        "service=service.summary",
        "--skip-bad-rows",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["rows"].as_u64(), v["skipped"].as_u64()), (Some(2), Some(1)));
    let r = t.query("SELECT incident_id, service, severity FROM incidents ORDER BY incident_id");
    assert_eq!(r[0]["service"], "api");
    assert_eq!(r[0]["severity"], "high");
    assert!(r[1]["service"].is_null());
    t.ok(&["generate", "builds", "--out", "b.parquet", "--respondents", "5000"]);
    t.ok(&["generate", "builds", "--out", "b.csv", "--respondents", "5000"]);
    t.ok(&["-w", "ws", "import", "telemetry", "b.parquet", "--kind", "builds"]);
    let sql = "SELECT source, count(*) AS n, sum(duration_s) AS d, max(finished_at) AS last FROM builds GROUP BY source ORDER BY source";
    let from_parquet = t.query(sql);
    assert_eq!(from_parquet[0]["n"], 5000);
    // The same builds again under another source are duplicates, not 5,000 more builds.
    let out = t.run(&[
        "-w",
        "ws",
        "import",
        "telemetry",
        "b.csv",
        "--kind",
        "builds",
        "--source",
        "b-csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("b.csv:2:") && err.contains("already imported from source \"b\""),
        "{err}"
    );
    // CSV and Parquet give the same data.
    t.ok(&[
        "-w",
        "ws",
        "import",
        "telemetry",
        "b.csv",
        "--kind",
        "builds",
        "--source",
        "b",
        "--replace",
    ]);
    assert_eq!(t.query(sql), from_parquet);
}

#[test]
fn usage_actors_are_pseudonymised_and_tables_exist_empty() {
    let t = CliTest::new();
    t.workspace();
    let empty = t.query("SELECT count(*) AS n FROM deployments");
    assert_eq!(empty[0]["n"], 0, "telemetry tables exist before any import");
    let f = t.write("usage.csv", b"timestamp,capability,team,user\n2026-07-01T10:00:00Z,templates,payments,jo@acme.example\n2026-07-02T10:00:00Z,templates,payments,jo@acme.example\n");
    t.ok(&["-w", "ws", "import", "telemetry", f.to_str().unwrap(), "--kind", "usage"]);
    let r = t.query("SELECT DISTINCT actor FROM usage");
    assert_eq!(r.len(), 1, "the same person, one pseudonym");
    let a = r[0]["actor"].as_str().unwrap();
    assert_eq!(a.len(), 20);
    assert!(!a.contains('@'));
    let o = t
        .cmd()
        .args([
            "-w",
            "ws",
            "import",
            "telemetry",
            f.to_str().unwrap(),
            "--kind",
            "usage",
            "--source",
            "again",
        ])
        .env("PULSE_CRASH_AT", "after-stage")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let r = t.query("SELECT DISTINCT source FROM usage");
    assert_eq!(r.len(), 1, "the crashed import left nothing");
}

#[test]
fn build_metrics_match_pandas_numpy() {
    // tests/reference/stats_reference.py ("builds"): pandas groupby quarter, numpy.percentile
    // (linear) on fixtures/telemetry/builds-small.csv:
    //   2026-Q3: 7 runs, p50 630, p90 702, failure 1/3, queue p50 30, flaky 0.2, rerun 1/7
    //   2026-Q4: 3 runs, p50 570, p90 690, failure 1/3, queue p50 60, flaky 0.5, rerun 0
    let t = CliTest::new();
    t.workspace();
    let f = repo().join("fixtures/telemetry/builds-small.csv");
    t.ok(&["-w", "ws", "import", "telemetry", f.to_str().unwrap(), "--kind", "builds"]);
    // `--kind all` (the default) gives one array per kind that has data.
    let all: serde_json::Value =
        serde_json::from_str(&t.ok(&["-w", "ws", "metrics", "--format", "json"])).unwrap();
    assert_eq!(all.as_object().unwrap().keys().collect::<Vec<_>>(), ["builds"]);
    let out = t.ok(&["-w", "ws", "metrics", "--kind", "builds", "--format", "json"]);
    let m: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(all["builds"], serde_json::Value::Array(m.clone()));
    let close = |v: &serde_json::Value, want: f64| {
        assert!((v.as_f64().unwrap() - want).abs() < 1e-12, "{v} vs {want}")
    };
    assert_eq!(m[0]["period"], "2026-Q3");
    assert_eq!(m[0]["builds"], 7);
    close(&m[0]["duration_p50_s"], 630.0);
    close(&m[0]["duration_p90_s"], 702.0);
    close(&m[0]["failure_rate"], 1.0 / 3.0);
    close(&m[0]["queue_p50_s"], 30.0);
    close(&m[0]["flaky_rate"], 0.2);
    close(&m[0]["rerun_rate"], 1.0 / 7.0);
    assert_eq!(m[1]["period"], "2026-Q4");
    close(&m[1]["duration_p50_s"], 570.0);
    close(&m[1]["duration_p90_s"], 690.0);
    close(&m[1]["queue_p50_s"], 60.0);
    close(&m[1]["flaky_rate"], 0.5);
    assert!(m[0]["definition"].as_str().unwrap().starts_with("pulse-default"));
    let monthly: Vec<serde_json::Value> =
        serde_json::from_str(&t.ok(&[
            "-w", "ws", "metrics", "--kind", "builds", "--period", "month", "--format", "json",
        ]))
        .unwrap();
    assert_eq!(monthly.len(), 4);
}
