//! Our own small fixtures for the platforms without a redistributable real export
//! (fixtures/platforms), plus catalog edits and segments.

use super::*;

fn import_fixture(t: &CliTest, name: &str, round: &str, extra: &[&str]) -> serde_json::Value {
    t.import_json(&repo().join("fixtures/platforms").join(name), round, extra)
}

#[test]
fn typeform_option_columns_token_and_network_id() {
    let t = CliTest::new();
    t.workspace();
    let v = import_fixture(&t, "typeform.csv", "tf", &[]);
    assert_eq!(v["platform"], "typeform");
    assert_eq!(v["responses"], 4);
    assert_eq!(v["dropped_columns"], serde_json::json!(["Network ID"]));
    let opts = t.query("SELECT label, count(*) AS n FROM responses r JOIN questions q ON q.question_id = r.question_id AND q.round = r.round WHERE q.kind = 'multi' AND label IS NOT NULL GROUP BY label ORDER BY label");
    let got: Vec<(String, u64)> = opts
        .iter()
        .map(|o| (o["label"].as_str().unwrap().to_string(), o["n"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("CI pipelines".into(), 3),
            ("Deployments".into(), 3),
            ("Logs, metrics and traces".into(), 2)
        ]
    );
    // "Other" text and the comment are comments (scrubbed); leading whitespace trimmed.
    let c = t.query("SELECT text FROM comments ORDER BY text");
    let texts: Vec<&str> = c.iter().map(|x| x["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Backstage", "Docs are thin.", "Faster builds please, ping [email]"]);
    let nps =
        t.query("SELECT kind, scale_points FROM questions WHERE question_id LIKE '%recommend%'");
    assert_eq!(nps[0]["kind"], "likelihood");
    assert_eq!(nps[0]["scale_points"], 11);
}

#[test]
fn microsoft_forms_cp1252_semicolons_joined_multiselect() {
    let t = CliTest::new();
    t.workspace();
    let v = import_fixture(&t, "microsoft-forms.csv", "ms", &[]);
    assert_eq!(v["platform"], "microsoft-forms");
    assert_eq!(v["encoding"], "windows-1252");
    assert_eq!(v["dropped_columns"], serde_json::json!(["Email", "Name"]));
    let m = t.query("SELECT label, count(*) AS n FROM responses WHERE question_id LIKE 'capabilit%' AND label IS NOT NULL GROUP BY label ORDER BY label");
    let got: Vec<&str> = m.iter().map(|o| o["label"].as_str().unwrap()).collect();
    assert_eq!(got, ["CI pipelines", "Deployments", "Secrets management"]);
    let ease = t.query("SELECT label, value FROM responses WHERE question_id LIKE 'easy_deploy%' ORDER BY respondent");
    assert_eq!(ease.len(), 4);
    assert!(ease.iter().any(|r| r["label"] == "Don't know" && r["value"].is_null()));
    assert!(ease.iter().any(|r| r["label"] == "Very difficult" && r["value"] == 1.0));
    let c = t.query("SELECT text FROM comments ORDER BY text");
    assert_eq!(c[0]["text"], "Call me at [phone]");
    assert_eq!(c[1]["text"], "Great — really");
    let s = t.query("SELECT submitted_at, duration_s FROM respondents ORDER BY submitted_at");
    assert_eq!(s[0]["duration_s"], 600.0, "two-digit-year times parse: {s:?}");
    // Two anonymous answers must not be merged into one person.
    let p = t.query("SELECT count(DISTINCT respondent) AS n FROM respondents");
    assert_eq!(p[0]["n"], 4);
}

#[test]
fn google_forms_download_grid_and_zone() {
    let t = CliTest::new();
    t.workspace();
    let v = import_fixture(&t, "google-forms-download.csv", "gf", &[]);
    assert_eq!(v["platform"], "google-forms");
    assert_eq!(v["variant"], "Forms download");
    let q =
        t.query("SELECT question_id, kind, grid, scale_points FROM questions ORDER BY question_id");
    let grid: Vec<&serde_json::Value> = q.iter().filter(|r| r["grid"] != "").collect();
    assert_eq!(grid.len(), 2, "{q:?}");
    assert!(grid.iter().all(|r| r["scale_points"] == 5));
    let m = t.query("SELECT label, count(*) AS n FROM responses WHERE question_id LIKE 'capabilit%' AND label IS NOT NULL GROUP BY label ORDER BY label");
    let got: Vec<&str> = m.iter().map(|o| o["label"].as_str().unwrap()).collect();
    assert_eq!(got, ["CI pipelines", "Deployments", "Logs, metrics and traces"]);
    // `GMT+2` converts to UTC.
    let s = t.query(
        "SELECT CAST(submitted_at AS VARCHAR) AS s FROM respondents ORDER BY submitted_at LIMIT 1",
    );
    assert!(s[0]["s"].as_str().unwrap().starts_with("2026-06-22 09:07:29"), "{s:?}");
}

#[test]
fn limesurvey_csv_option_columns_and_incomplete() {
    let t = CliTest::new();
    t.workspace();
    let v = import_fixture(&t, "limesurvey.csv", "ls", &[]);
    assert_eq!(v["platform"], "limesurvey");
    let r = t.query("SELECT complete, duration_s FROM respondents ORDER BY duration_s");
    assert_eq!(r[0]["complete"], false, "an empty `Date submitted` is incomplete");
    assert_eq!(r[0]["duration_s"], 120.0);
    let m = t.query("SELECT label, count(*) AS n FROM responses r JOIN questions q USING (round, question_id) WHERE q.kind = 'multi' AND label IS NOT NULL GROUP BY label ORDER BY label");
    let got: Vec<(String, u64)> = m
        .iter()
        .map(|o| (o["label"].as_str().unwrap().to_string(), o["n"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, vec![("CI".into(), 2), ("Deploy".into(), 2)]);
    let c = t.query("SELECT text FROM comments");
    assert_eq!(c[0]["text"], "Nomad");
}

#[test]
fn catalog_edits_are_respected_on_reimport_and_segments_map() {
    let t = CliTest::new();
    t.workspace();
    let f1 = t.write("q1.csv", b"Squad,Deploys are easy.,How satisfied are you with CI?\na,Agree,Satisfied\nb,Disagree,Dissatisfied\n");
    t.ok(&[
        "-w",
        "ws",
        "import",
        "survey",
        f1.to_str().unwrap(),
        "--round",
        "2026-Q1",
        "--segment",
        "team=Squad",
    ]);
    let seg = t.query("SELECT team FROM respondents ORDER BY team");
    assert_eq!(seg[0]["team"], "a");
    assert!(
        t.query("SELECT * FROM questions WHERE text = 'Squad'").is_empty(),
        "a segment is not a question"
    );
    // The user renames an ID, tags a construct and records an alias by hand.
    let cat = std::fs::read_to_string(t.path("ws/catalog.toml")).unwrap();
    let cat = cat.replacen(
        "id = \"deploy_easy\"",
        "id = \"deploy_ease\"\nconstruct = \"delivery\"\naliases = [\"Shipping is painless.\"]",
        1,
    );
    std::fs::write(t.path("ws/catalog.toml"), cat).unwrap();
    // Tags show at once (the questions table comes from the catalog).
    let q = t.query("SELECT construct FROM questions WHERE question_id = 'deploy_ease'");
    assert_eq!(q[0]["construct"], "delivery");
    // Re-import Q1 with --replace: the responses follow the new ID.
    t.ok(&[
        "-w",
        "ws",
        "import",
        "survey",
        f1.to_str().unwrap(),
        "--round",
        "2026-Q1",
        "--replace",
        "--segment",
        "team=Squad",
    ]);
    let r = t.query("SELECT count(*) AS n FROM responses WHERE question_id = 'deploy_ease'");
    assert_eq!(r[0]["n"], 2);
    // The alias links the next round's wording exactly; it is flagged as reworded.
    let f2 = t.write(
        "q2.csv",
        b"Squad,Shipping is painless.,How satisfied are you with CI?\na,Agree,Satisfied\n",
    );
    let out = t.ok(&[
        "-w",
        "ws",
        "import",
        "survey",
        f2.to_str().unwrap(),
        "--round",
        "2026-Q2",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["linked"], 2, "{v}");
    let w = t.query("SELECT wording_changed FROM questions WHERE question_id = 'deploy_ease' AND round = '2026-Q2'");
    assert_eq!(w[0]["wording_changed"], true);
    // A broken catalog is a clear error, not a panic.
    std::fs::write(t.path("ws/catalog.toml"), "[[question]]\nid = 1\n").unwrap();
    let o = t.run(&["-w", "ws", "questions"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("catalog.toml"), "{}", text(&o.stderr));
}

/// Regression: `count(*)` over several rounds once returned 0, and with a WHERE failed with
/// "casting from UInt32 to UInt128" (a union of per-round Parquet scans in polars 0.55).
#[test]
fn count_star_across_rounds_with_differing_segments() {
    let t = CliTest::new();
    t.workspace();
    let a = t.write("a.csv", b"Squad,Deploys are easy.\nx,Agree\ny,Agree\nz,Disagree\n");
    let b = t.write("b.csv", b"Deploys are easy.\nAgree\nDisagree\n");
    t.ok(&[
        "-w",
        "ws",
        "import",
        "survey",
        a.to_str().unwrap(),
        "--round",
        "r1",
        "--segment",
        "team=Squad",
    ]);
    t.ok(&["-w", "ws", "import", "survey", b.to_str().unwrap(), "--round", "r2"]);
    assert_eq!(t.query("SELECT count(*) AS n FROM respondents")[0]["n"], 5);
    assert_eq!(t.query("SELECT count(*) AS n FROM responses WHERE label = 'Agree'")[0]["n"], 3);
    let r = t.query(
        "SELECT round, count(team) AS with_team FROM respondents GROUP BY round ORDER BY round",
    );
    assert_eq!(r[0]["with_team"], 3);
    assert_eq!(r[1]["with_team"], 0, "r2 has no team column: nulls");
}
