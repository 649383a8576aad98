//! The real platform exports in ../shared/real-exports (skipped with a message when absent,
//! failing in CI).

use super::*;

fn shared() -> Option<PathBuf> {
    shared_dir("real-exports")
}
fn import(t: &CliTest, file: &Path, round: &str) -> serde_json::Value {
    t.import_json(file, round, &[])
}

#[test]
fn real_exports_import_with_the_right_platform() {
    let Some(dir) = shared() else { return };
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
        // One workspace each: these are different surveys from different years, not rounds.
        let t = CliTest::new();
        t.workspace();
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

/// FiveThirtyEight's Star Wars survey (SurveyMonkey 2-row): a multi-select with one column per
/// film, a ranking (ranks 1-6), a 14-row grid. Expected values computed from the raw file with
/// Python's csv module (encoding mac_roman): per ranking column the count of non-blank ranks,
/// their mean and the count of 1s; per "seen" column the count of non-blank cells.
#[test]
fn real_starwars_ranking_and_option_columns() {
    let Some(dir) = shared() else { return };
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, &dir.join("surveymonkey/fivethirtyeight_starwars.csv"), "sw");
    assert_eq!(v["responses"], 1186);
    let kinds = t.query("SELECT kind, count(*) AS n FROM questions GROUP BY kind ORDER BY kind");
    let k: Vec<(String, u64)> = kinds
        .iter()
        .map(|r| (r["kind"].as_str().unwrap().into(), r["n"].as_u64().unwrap()))
        .collect();
    // 6 ranks, 1 multi-select; the 14 grid rows and 10 other choice questions are single.
    assert_eq!(k, [("multi".into(), 1), ("ranking".into(), 6), ("single".into(), 25)], "{k:?}");
    let s: Vec<serde_json::Value> =
        serde_json::from_str(&t.ok(&["-w", "ws", "summary", "--format", "json"])).unwrap();
    let mut ranks: Vec<(u64, f64, f64)> = s
        .iter()
        .filter(|r| r["kind"] == "ranking")
        .map(|r| {
            (r["n"].as_u64().unwrap(), r["mean"].as_f64().unwrap(), r["top_box"].as_f64().unwrap())
        })
        .collect();
    ranks.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Episode V: 836 ranks, mean 2.513157894736842, ranked first 289 times.
    assert_eq!(ranks[0].0, 836);
    assert!((ranks[0].1 - 2.513157894736842).abs() < 1e-12);
    assert!((ranks[0].2 - 289.0 / 836.0).abs() < 1e-12);
    // Episode III ranks last on average: 835 ranks, mean 4.341317365269461.
    assert!((ranks[5].1 - 4.341317365269461).abs() < 1e-12);
    let mut seen: Vec<u64> = s
        .iter()
        .filter(|r| r["kind"] == "multi")
        .map(|r| r["distribution"].as_str().unwrap().rsplit('=').next().unwrap().parse().unwrap())
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, [550, 571, 607, 673, 738, 758]);
    assert!(s.iter().filter(|r| r["kind"] == "multi").all(|r| r["n"] == 835));
}

/// FiveThirtyEight's Thanksgiving survey, flattened by the publisher to one header row: four
/// multi-selects (one of them offers a single option, "Macy's Parade") as `Question - Option` columns with "Other (please specify)" flag and text
/// columns. Counts from the raw file with Python's csv module.
#[test]
fn real_thanksgiving_flattened_option_groups() {
    let Some(dir) = shared() else { return };
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, &dir.join("surveymonkey/fivethirtyeight_thanksgiving-2015.csv"), "tg");
    assert_eq!(v["responses"], 1058);
    let multi = t.query("SELECT question_id FROM questions WHERE kind = 'multi'");
    assert_eq!(multi.len(), 4, "{multi:?}");
    let s: Vec<serde_json::Value> =
        serde_json::from_str(&t.ok(&["-w", "ws", "summary", "--format", "json"])).unwrap();
    let mashed = s.iter().find(|r| r["option"] == "Mashed potatoes").unwrap();
    // 817 chose it; 964 chose at least one side dish.
    assert_eq!(mashed["n"], 964);
    assert!((mashed["top_box"].as_f64().unwrap() - 817.0 / 964.0).abs() < 1e-12);
    // No option column became its own single-choice question.
    let singles = t.query(
        "SELECT count(*) AS n FROM questions WHERE kind = 'single' AND text LIKE '%select all%'",
    );
    assert_eq!(singles[0]["n"], 0);
}
