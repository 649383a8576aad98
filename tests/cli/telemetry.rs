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
    t.ok(&["-w", "ws", "import", "telemetry", "b.csv", "--kind", "builds", "--source", "b-csv"]);
    let r = t.query("SELECT source, count(*) AS n, sum(duration_s) AS d, max(finished_at) AS last FROM builds GROUP BY source ORDER BY source");
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["n"], 5000);
    assert_eq!(r[0]["d"], r[1]["d"], "CSV and Parquet give the same data: {r:?}");
    assert_eq!(r[0]["last"], r[1]["last"]);
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
