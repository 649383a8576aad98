//! The demo workspace end to end: four rounds from three platforms, and what the catalog makes
//! of them.

use super::*;

fn demo_ws(t: &CliTest) {
    t.ok(&["demo", "--out", "ws", "--no-report"]);
}

#[test]
fn demo_imports_four_rounds_from_three_platforms() {
    let t = CliTest::new();
    demo_ws(&t);
    let rows = t.query("SELECT round, platform, responses, invited FROM rounds ORDER BY round");
    let platforms: Vec<&str> = rows.iter().map(|r| r["platform"].as_str().unwrap()).collect();
    assert_eq!(platforms, ["google-forms", "surveymonkey", "qualtrics", "qualtrics"]);
    for r in &rows {
        let n = r["responses"].as_u64().unwrap();
        assert!((300..=1500).contains(&n), "{r}");
    }
}

#[test]
fn demo_catalog_links_reworded_rescaled_dropped_added() {
    let t = CliTest::new();
    demo_ws(&t);
    let q = t.query("SELECT question_id, round, wording_changed, scale_changed, scale_points FROM questions ORDER BY question_id, round");
    let find = |id: &str, round: &str| {
        q.iter().find(|r| r["question_id"] == id && r["round"] == round).cloned()
    };
    // Reworded in 2026-Q2, linked to the same ID.
    let docs = find("easy_find_documentation_need", "2026-Q2").expect("docs question linked in Q2");
    assert_eq!(docs["wording_changed"], true);
    assert_eq!(find("easy_find_documentation_need", "2026-Q3").unwrap()["wording_changed"], false);
    // Rescaled 5 -> 7.
    let ticket = find("get_new_service_production", "2026-Q2").unwrap();
    assert_eq!(ticket["scale_changed"], true);
    assert_eq!(ticket["scale_points"], 7);
    assert_eq!(find("get_new_service_production", "2026-Q1").unwrap()["scale_points"], 5);
    // Dropped in 2026-Q3, added in 2026-Q2.
    assert!(find("satisfied_call_load", "2026-Q2").is_some());
    assert!(find("satisfied_call_load", "2026-Q3").is_none());
    assert!(find("satisfied_local_development_environment", "2025-Q4").is_none());
    assert!(find("satisfied_local_development_environment", "2026-Q2").is_some());
    // Every round has the grid rows under one ID each.
    let grid = q.iter().filter(|r| r["question_id"] == "satisfied_part_ci_build_speed").count();
    assert_eq!(grid, 4);
}

#[test]
fn demo_store_holds_no_identities() {
    let t = CliTest::new();
    demo_ws(&t);
    // No e-mail, name or IP anywhere in the string columns of any table.
    for (table, cols) in [
        ("respondents", vec!["respondent", "team", "role", "tenure", "quality_flags"]),
        ("responses", vec!["respondent", "label"]),
        ("comments", vec!["respondent", "text"]),
    ] {
        for c in cols {
            let sql = format!(
                "SELECT count(*) AS n FROM {table} WHERE {c} LIKE '%@acme.example%' OR {c} LIKE '%+44 20%' OR {c} LIKE '10.%.%.%'"
            );
            let r = t.query(&sql);
            assert_eq!(r[0]["n"], 0, "{table}.{c} leaks identity");
        }
    }
    let scrubbed = t.query("SELECT count(*) AS n FROM comments WHERE text LIKE '%[email]%'");
    assert!(scrubbed[0]["n"].as_u64().unwrap() > 0, "the demo has comments with e-mails to scrub");
    let cols = t.query("SELECT * FROM respondents LIMIT 1");
    let keys: Vec<&String> = cols[0].as_object().unwrap().keys().collect();
    for forbidden in ["email", "email_address", "first_name", "ip_address", "recipientemail"] {
        assert!(!keys.iter().any(|k| k.as_str() == forbidden), "{keys:?}");
    }
    // The same person links across rounds through the pseudonym (panel analysis).
    let panel = t.query(
        "SELECT count(*) AS n FROM (SELECT respondent FROM respondents WHERE round = '2025-Q4') a \
         JOIN (SELECT respondent FROM respondents WHERE round = '2026-Q3') b ON a.respondent = b.respondent",
    );
    assert!(panel[0]["n"].as_u64().unwrap() > 200, "{panel:?}");
}

#[test]
fn demo_multiselect_resolves_options_with_commas() {
    let t = CliTest::new();
    demo_ws(&t);
    let r = t.query(
        "SELECT label, count(*) AS n FROM responses WHERE round = '2025-Q4' AND question_id = 'platform_capability_use' \
         AND label IS NOT NULL GROUP BY label ORDER BY label",
    );
    let labels: Vec<&str> = r.iter().map(|x| x["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        [
            "CI pipelines",
            "Deployments",
            "Logs, metrics and traces",
            "Secrets management",
            "Service templates"
        ]
    );
}

#[test]
fn demo_quality_flags_are_counted_not_dropped() {
    let t = CliTest::new();
    demo_ws(&t);
    let r = t.query("SELECT round, count(*) AS n, sum(CASE WHEN quality_flags LIKE '%duplicate%' THEN 1 ELSE 0 END) AS d, sum(CASE WHEN quality_flags LIKE '%speeder%' THEN 1 ELSE 0 END) AS s, sum(CASE WHEN quality_flags LIKE '%incomplete%' THEN 1 ELSE 0 END) AS i, sum(CASE WHEN quality_flags LIKE '%straightliner%' THEN 1 ELSE 0 END) AS sl FROM respondents GROUP BY round ORDER BY round");
    for row in &r {
        assert!(row["d"].as_u64().unwrap() > 0, "{row}");
        assert!(row["sl"].as_u64().unwrap() > 0, "{row}");
    }
    // Google Forms has no durations or completion info; the Qualtrics rounds do.
    assert_eq!(r[0]["s"], 0);
    assert!(r[3]["s"].as_u64().unwrap() > 0);
    assert!(r[3]["i"].as_u64().unwrap() > 0);
}

#[test]
fn demo_fixtures_match_the_generator() {
    // fixtures/demo is generated; a changed generator must regenerate it (`pulse generate demo`).
    let t = CliTest::new();
    t.ok(&["generate", "demo", "--out", "gen"]);
    let mut checked = 0;
    for sub in ["", "telemetry"] {
        for e in std::fs::read_dir(repo().join("fixtures/demo").join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "csv") {
                let name = p.file_name().unwrap();
                let generated = std::fs::read(t.path("gen").join(sub).join(name)).unwrap();
                assert!(
                    std::fs::read(&p).unwrap() == generated,
                    "{} differs from the generator",
                    p.display()
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 + 5, "four survey exports and five telemetry files");
}

#[test]
fn starter_queries_run_on_the_demo() {
    let t = CliTest::new();
    demo_ws(&t);
    for e in std::fs::read_dir(repo().join("queries")).unwrap() {
        let p = e.unwrap().path();
        let out = t.ok(&["-w", "ws", "query", p.to_str().unwrap(), "--format", "json"]);
        let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        assert!(!rows.is_empty(), "{} returned no rows", p.display());
    }
    // segment_sizes.sql applies the anonymity threshold: infra-tools (3 people) never shows.
    let out = t.ok(&["-w", "ws", "query", "queries/segment_sizes.sql", "--format", "csv"]);
    assert!(out.contains("payments") && !out.contains("infra-tools"), "{out}");
}

#[test]
fn output_formats_and_schema() {
    let t = CliTest::new();
    demo_ws(&t);
    let csv = t.ok(&["-w", "ws", "rounds", "--format", "csv"]);
    assert!(
        csv.starts_with("round,platform,source_file,imported_at,invited,responses,response_rate\n"),
        "{csv}"
    );
    let table = t.ok(&["-w", "ws", "questions"]);
    assert!(
        table.contains("2026-Q2: reworded") && table.contains("2026-Q2: scale agreement7"),
        "{table}"
    );
    let schema = t.ok(&["-w", "ws", "query", "--schema", "--format", "json"]);
    assert!(schema.contains("\"quality_flags\""));
    let bad = t.run(&["-w", "ws", "query", "SELECT nope FROM responses"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).starts_with("error: "), "{}", text(&bad.stderr));
}
