//! The real platform exports in ../shared/real-exports (skipped with a message when absent,
//! failing in CI).

use super::*;

fn shared() -> Option<PathBuf> {
    shared_dir("real-exports")
}
fn import(t: &CliTest, file: &Path, round: &str) -> serde_json::Value {
    let out = t.ok(&[
        "-w",
        "ws",
        "import",
        "survey",
        file.to_str().unwrap(),
        "--round",
        round,
        "--format",
        "json",
    ]);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn real_exports_import_with_the_right_platform() {
    let Some(dir) = shared() else { return };
    let t = CliTest::new();
    t.workspace();
    let cases: &[(&str, &str, u64)] = &[
        ("qualtrics/qualtRics_sample.csv", "qualtrics", 1),
        ("qualtrics/qualtRics_sample_legacy.csv", "qualtrics", 1),
        ("qualtrics/QualtricsTools_Multiple_Answer_MC_Questions_Insights.csv", "qualtrics", 5),
        ("qualtrics/QualtricsTools_Single_Answer_Matrix_Questions_legacy.csv", "qualtrics", 5),
        ("surveymonkey/fivethirtyeight_steak-risk-survey.csv", "surveymonkey", 550),
        ("surveymonkey/fivethirtyeight_food-world-cup-data.csv", "surveymonkey", 1373),
        ("google-forms/jupyter_2016-05-education-survey_responses.csv", "google-forms", 125),
        ("limesurvey/limonaid_survey_998192_R_data_file.csv", "limesurvey", 7),
        // PROVENANCE says 4 responses; the file holds 3 records and a trailing blank line.
        ("limesurvey/limonaid_survey_100001_R_data_file.csv", "limesurvey", 3),
    ];
    for (i, (file, platform, n)) in cases.iter().enumerate() {
        let v = import(&t, &dir.join(file), &format!("r{i}"));
        assert_eq!(v["platform"], *platform, "{file}");
        assert_eq!(v["responses"], *n, "{file}");
        assert!(v["questions"].as_u64().unwrap() > 0, "{file}");
    }
}

#[test]
fn qualtrics_current_and_legacy_hold_the_same_response() {
    let Some(dir) = shared() else { return };
    let t = CliTest::new();
    t.workspace();
    let a = import(&t, &dir.join("qualtrics/qualtRics_sample.csv"), "current");
    let b = import(&t, &dir.join("qualtrics/qualtRics_sample_legacy.csv"), "legacy");
    for v in [&a, &b] {
        let dropped: Vec<&str> =
            v["dropped_columns"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
        assert!(
            dropped.contains(&"IPAddress") && dropped.iter().any(|d| d.starts_with("LocationLat")),
            "{dropped:?}"
        );
    }
    // Same ResponseId -> same pseudonym; the legacy labels link to the current questions.
    let r = t.query("SELECT round, respondent FROM respondents ORDER BY round");
    assert_eq!(r[0]["respondent"], r[1]["respondent"]);
    let c = t.query("SELECT text FROM comments");
    assert!(c.iter().all(|x| x["text"] == "Hello World!"), "{c:?}");
    assert_eq!(b["linked"], 2, "{b}");
}

#[test]
fn real_qualtrics_matrix_and_multiselect_shapes() {
    let Some(dir) = shared() else { return };
    let t = CliTest::new();
    t.workspace();
    import(
        &t,
        &dir.join("qualtrics/QualtricsTools_Multiple_Answer_MC_Questions_Insights.csv"),
        "ins",
    );
    let kinds = t.query("SELECT kind, count(*) AS n FROM questions GROUP BY kind ORDER BY kind");
    let multi = kinds.iter().find(|k| k["kind"] == "multi").expect("multi-select questions found");
    assert!(multi["n"].as_u64().unwrap() >= 3, "{kinds:?}");
    import(
        &t,
        &dir.join("qualtrics/QualtricsTools_Single_Answer_Matrix_Questions_legacy.csv"),
        "mat",
    );
    // Recode values 10-13 are not assumed to be a 1..N scale.
    let grid = t.query("SELECT count(*) AS n FROM questions WHERE round = 'mat' AND grid <> ''");
    assert!(grid[0]["n"].as_u64().unwrap() >= 6, "{grid:?}");
}

#[test]
fn real_surveymonkey_and_google_values() {
    let Some(dir) = shared() else { return };
    let t = CliTest::new();
    t.workspace();
    import(&t, &dir.join("surveymonkey/fivethirtyeight_food-world-cup-data.csv"), "food");
    // Likert 1-5 codes with literal N/A: N/A is excluded, not a value.
    let r = t.query("SELECT count(*) AS n, count(value) AS valid, min(value) AS lo, max(value) AS hi FROM responses WHERE question_id LIKE 'like_traditional_cuisine_algeria%'");
    assert_eq!(r[0]["n"], 1373);
    assert!(r[0]["valid"].as_u64().unwrap() < 1373);
    assert_eq!(r[0]["lo"], 1.0);
    assert_eq!(r[0]["hi"], 5.0);
    // Mac Roman NBSP decoded, not a stray Ê.
    let q = t.query("SELECT text FROM questions WHERE text LIKE '%Ê%'");
    assert!(q.is_empty(), "{q:?}");
    import(&t, &dir.join("google-forms/jupyter_2016-05-education-survey_responses.csv"), "gf");
    let m = t.query("SELECT count(*) AS n FROM questions WHERE round = 'gf' AND kind = 'multi'");
    assert!(m[0]["n"].as_u64().unwrap() >= 2, "{m:?}");
}
