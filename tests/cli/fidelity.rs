//! Import fidelity on exports nobody cleaned (issue 13): one small fixture of our own per class
//! of defect (fixtures/fidelity, written from the platforms' documentation), each with the
//! result a user should get.

use super::*;

fn import(t: &CliTest, name: &str, round: &str, extra: &[&str]) -> serde_json::Value {
    t.import_json(&repo().join("fixtures/fidelity").join(name), round, extra)
}

/// Every string cell the store holds, from every table a user can query.
fn everything_stored(t: &CliTest) -> String {
    let mut all = String::new();
    for table in ["responses", "respondents", "questions", "comments"] {
        for row in t.query(&format!("SELECT * FROM {table}")) {
            all.push_str(&row.to_string());
            all.push('\n');
        }
    }
    all
}

fn kinds(t: &CliTest) -> Vec<(String, String)> {
    t.query("SELECT DISTINCT question_id, kind FROM questions ORDER BY question_id")
        .iter()
        .map(|r| (r["question_id"].as_str().unwrap().into(), r["kind"].as_str().unwrap().into()))
        .collect()
}

#[test]
fn qualtrics_contact_block_under_bare_export_tags_never_reaches_the_store() {
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, "qualtrics-bare-tags.csv", "2026-Q2", &[]);
    let dropped: Vec<&str> =
        v["dropped_columns"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
    for h in ["Q7", "program_contact_1_TEXT", "program_contact_2_TEXT", "Q8", "Q9"] {
        assert!(dropped.contains(&h), "{h} not dropped: {dropped:?}");
    }
    let stored = everything_stored(&t);
    // Phone fragments with their separators: a bare "555" or "7946" also turns up by chance in
    // the 20-hex-digit pseudonyms (the test failed once that way).
    for secret in
        ["Lovelace", "Grace", "Analytical Way", "7946 0018", "(555)", "555-01", "Helsinki"]
    {
        assert!(!stored.contains(secret), "{secret} reached the store");
    }
    // The bare-tagged free-text column is text (its ImportId says _TEXT), not single choice;
    // the "Selected Choice" cells joined with a bare "," are one multi-select.
    let k = kinds(&t);
    assert!(k.iter().any(|(q, kind)| q.contains("improve") && kind == "text"), "{k:?}");
    assert!(k.iter().any(|(q, kind)| q.contains("capabilit") && kind == "multi"), "{k:?}");
    let opts = t.query(
        "SELECT label, count(*) AS n FROM responses r JOIN questions q USING (round, question_id) \
         WHERE q.kind = 'multi' AND label IS NOT NULL GROUP BY label ORDER BY label",
    );
    let got: Vec<(String, u64)> = opts
        .iter()
        .map(|o| (o["label"].as_str().unwrap().into(), o["n"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, [("CI".into(), 4), ("Deployments".into(), 4), ("Secrets".into(), 2)]);
}

#[test]
fn kobo_geolocation_in_any_naming_is_dropped() {
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, "kobo-geopoint.csv", "2026-Q2", &[]);
    let dropped = v["dropped_columns"].to_string();
    for h in ["point", "_point_latitude", "_point_longitude", "_point_altitude", "deviceid"] {
        assert!(dropped.contains(&format!("\"{h}\"")), "{h} not dropped: {dropped}");
    }
    assert_eq!(v["questions"], 1, "{v}");
    let stored = everything_stored(&t);
    assert!(!stored.contains("47.37") && !stored.contains("8.54"), "coordinates stored");
    assert!(!stored.contains("uuid-") && !stored.contains("enketo"), "bookkeeping stored");
}

#[test]
fn uk_dates_are_read_day_first_and_ambiguous_ones_warn() {
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, "microsoft-forms-uk.csv", "uk", &[]);
    assert_eq!(v["date_order"]["order"], "dmy", "{v}");
    let r =
        t.query("SELECT strftime(submitted_at, '%Y-%m-%d %H:%M') AS s FROM respondents ORDER BY s");
    let got: Vec<&str> = r.iter().map(|x| x["s"].as_str().unwrap()).collect();
    // 03/10 is 3 October (not 10 March) once 16/10 proves the file day-first.
    assert_eq!(
        got,
        [
            "2024-10-03 09:00",
            "2024-10-03 09:10",
            "2024-10-16 16:50",
            "2024-10-16 16:56",
            "2024-10-28 11:00",
            "2024-10-28 11:04"
        ]
    );

    let v = import(&t, "microsoft-forms-ambiguous.csv", "amb", &[]);
    assert_eq!(v["date_order"]["order"], "mdy");
    assert!(v["warnings"].to_string().contains("--date-order"), "{v}");
    let v = import(&t, "microsoft-forms-ambiguous.csv", "amb2", &["--date-order", "dmy"]);
    assert_eq!(v["date_order"]["order"], "dmy");
    assert!(!v["warnings"].to_string().contains("ambiguous"), "{v}");
    let r = t.query("SELECT min(submitted_at)::VARCHAR AS s FROM respondents WHERE round = 'amb2'");
    assert!(r[0]["s"].as_str().unwrap().starts_with("2024-02-01"), "{r:?}");
}

#[test]
fn contradicting_dates_are_refused_with_the_fix() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "mixed.csv",
        b"ID,Start time,Completion time,Email,Name,How easy?\n\
          1,16/10/2024 10:00,16/10/2024 10:05,anonymous,,Easy\n\
          2,10/16/2024 10:00,10/16/2024 10:05,anonymous,,Easy\n",
    );
    let out = t.import_run(&f, "m", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("mixed.csv") && err.contains("--date-order"), "{err}");
    assert!(!t.path("ws/data/responses").join("round=m").exists());
}

#[test]
fn a_file_without_timestamps_has_no_placeholder_dates() {
    let t = CliTest::new();
    t.workspace();
    import(&t, "no-timestamps.csv", "2026-Q2", &[]);
    let r = t.query("SELECT count(submitted_at) AS n FROM respondents");
    assert_eq!(r[0]["n"], 0);
    t.ok(&["-w", "ws", "report", "--formats", "md", "--out", "r"]);
    let md: String = std::fs::read_dir(t.path("r"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .collect();
    let html = md;
    assert!(!html.contains("2000-01-01") && !html.contains("1999"), "placeholder date");
    assert!(html.contains("dates not recorded"), "the report should say so");
}

#[test]
fn surveymonkey_ranking_is_a_ranking_with_mean_rank_first_share_and_borda() {
    let t = CliTest::new();
    t.workspace();
    import(&t, "surveymonkey-ranking.csv", "2026-Q2", &[]);
    let k = kinds(&t);
    assert_eq!(k.iter().filter(|(_, kind)| kind == "ranking").count(), 4, "{k:?}");
    let s: Vec<serde_json::Value> =
        serde_json::from_str(&t.ok(&["-w", "ws", "summary", "--format", "json"])).unwrap();
    let ci = s
        .iter()
        .find(|r| r["kind"] == "ranking" && r["question_id"].as_str().unwrap().ends_with("ci"))
        .or_else(|| s.iter().find(|r| r["kind"] == "ranking"))
        .unwrap();
    // CI ranks in the fixture: 1,2,1,1,2,1,3 -> mean 11/7, ranked first 4/7, Borda
    // mean((4-r)/3) = (3+2+3+3+2+3+1)/21 = 17/21.
    assert!((ci["mean"].as_f64().unwrap() - 11.0 / 7.0).abs() < 1e-9, "{ci}");
    assert!((ci["top_box"].as_f64().unwrap() - 4.0 / 7.0).abs() < 1e-9, "{ci}");
    assert!((ci["borda"].as_f64().unwrap() - 100.0 * 17.0 / 21.0).abs() < 1e-9, "{ci}");
}

#[test]
fn microsoft_forms_ranking_cells_become_ranks_not_a_multi_select() {
    let t = CliTest::new();
    t.workspace();
    import(&t, "microsoft-forms-uk.csv", "uk", &[]);
    let k = kinds(&t);
    assert_eq!(k.iter().filter(|(_, kind)| kind == "ranking").count(), 4, "{k:?}");
    assert!(!k.iter().any(|(_, kind)| kind == "multi"), "{k:?}");
    // Deployments was ranked first in 3 of 6 responses (orders in the fixture).
    let s: Vec<serde_json::Value> =
        serde_json::from_str(&t.ok(&["-w", "ws", "summary", "--format", "json"])).unwrap();
    let d = s
        .iter()
        .find(|r| r["kind"] == "ranking" && r["question_id"].as_str().unwrap().contains("deploy"))
        .unwrap();
    assert!((d["top_box"].as_f64().unwrap() - 0.5).abs() < 1e-9, "{d}");
}

#[test]
fn flattened_option_columns_are_one_multi_select() {
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, "surveymonkey-condensed.csv", "2026-Q2", &[]);
    assert_eq!(v["questions"], 3, "{v}");
    let k = kinds(&t);
    assert_eq!(k.iter().filter(|(_, kind)| kind == "multi").count(), 1, "{k:?}");
    let opts = t.query(
        "SELECT label, count(*) AS n FROM responses r JOIN questions q USING (round, question_id) \
         WHERE q.kind = 'multi' AND label IS NOT NULL GROUP BY label ORDER BY label",
    );
    let got: Vec<(String, u64)> = opts
        .iter()
        .map(|o| (o["label"].as_str().unwrap().into(), o["n"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("GitHub Actions".into(), 3),
            ("GitLab CI".into(), 2),
            ("Jenkins".into(), 3),
            ("Other (please specify)".into(), 2)
        ]
    );
    let c = t.query("SELECT text FROM comments ORDER BY text");
    let texts: Vec<&str> = c.iter().map(|x| x["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Buildkite", "Drone"]);
}

#[test]
fn typeform_neighbouring_multi_selects_with_the_same_option_names_stay_apart() {
    let t = CliTest::new();
    t.workspace();
    import(&t, "typeform-repeated-options.csv", "tf", &[]);
    let k = kinds(&t);
    assert_eq!(k.iter().filter(|(_, kind)| kind == "multi").count(), 2, "{k:?}");
    let dup = t.query(
        "SELECT respondent, question_id, label, count(*) AS n FROM responses \
         WHERE label IS NOT NULL GROUP BY ALL HAVING count(*) > 1",
    );
    assert!(dup.is_empty(), "duplicate (respondent, question, option) rows: {dup:?}");
}

#[test]
fn a_group_row_above_the_header_is_skipped_and_reported() {
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, "group-row.csv", "2026-Q2", &[]);
    assert_eq!(v["responses"], 4, "{v}");
    assert!(v["warnings"].to_string().contains("group-row.csv:1: skipped a group row"), "{v}");
}

#[test]
fn a_second_header_row_is_not_a_respondent_who_chose_everything() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "two-rows.csv",
        b"id,Which tools do you use?,,,How fast is CI?\n\
          ,Jenkins,GitHub Actions,GitLab,Response\n\
          1,Jenkins,,,Fast\n2,,GitHub Actions,,Slow\n3,Jenkins,,GitLab,Fast\n4,,,GitLab,Fast\n",
    );
    let v = t.import_json(&f, "r", &[]);
    assert_eq!(v["responses"], 4, "{v}");
    assert!(v["warnings"].to_string().contains("two-rows.csv:2:"), "{v}");
    let k = kinds(&t);
    assert_eq!(k.iter().filter(|(_, kind)| kind == "multi").count(), 1, "{k:?}");
}

#[test]
fn emails_and_phones_are_scrubbed_in_every_kind_of_answer() {
    let t = CliTest::new();
    t.workspace();
    // A short "other" column with few distinct answers reads as single choice; its e-mail
    // and phone answers must still be scrubbed.
    let f = t.write(
        "other.csv",
        b"team,Who should we contact?\nA,platform team\nB,platform team\nA,ops@acme.example\nB,platform team\nA,+1 415 555 0100\nB,platform team\n",
    );
    t.ok(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "r"]);
    let stored = everything_stored(&t);
    assert!(!stored.contains("ops@acme") && !stored.contains("555 0100"), "{stored}");
}

#[test]
fn dry_run_explains_every_column_and_writes_nothing() {
    let t = CliTest::new();
    t.workspace();
    let f = repo().join("fixtures/fidelity/qualtrics-bare-tags.csv");
    let before = std::fs::read_dir(t.path("ws")).unwrap().count();
    let out = t.ok(&[
        "-w",
        "ws",
        "import",
        "survey",
        f.to_str().unwrap(),
        "--round",
        "x",
        "--dry-run",
        "--format",
        "json",
    ]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), 18);
    let q7 = rows.iter().find(|r| r["header"] == "Q7").unwrap();
    assert_eq!(q7["identifying"], true);
    assert!(q7["reason"].as_str().unwrap().contains("name"), "{q7}");
    let q1 = rows.iter().find(|r| r["header"] == "Q1").unwrap();
    assert_eq!(
        (q1["kind"].as_str(), q1["scale"].as_str()),
        (Some("likert"), Some("satisfaction5"))
    );
    assert!(!q1["reason"].as_str().unwrap().is_empty());
    assert_eq!(std::fs::read_dir(t.path("ws")).unwrap().count(), before);
    assert!(t.query("SELECT * FROM respondents").is_empty());
}

#[test]
fn xlsx_workbooks_and_zipped_downloads_import() {
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, "microsoft-forms.xlsx", "x", &[]);
    assert_eq!(
        (v["platform"].as_str(), v["responses"].as_u64()),
        (Some("microsoft-forms"), Some(4))
    );
    assert!(v["warnings"].to_string().contains("--sheet"), "{v}");
    // Excel stores dates as serial numbers: read exactly, never through a locale.
    let r = t.query("SELECT strftime(min(submitted_at), '%Y-%m-%d %H:%M') AS s FROM respondents");
    assert_eq!(r[0]["s"], "2024-10-03 09:10");
    let c = t.query("SELECT text FROM comments ORDER BY text");
    assert_eq!(c[0]["text"], "Builds are slow");
    assert_eq!(c[1]["text"], "Line one\nline two");
    assert!(!everything_stored(&t).contains("Jo Kim"));
    // --sheet picks another sheet and names the ones there are when it is wrong.
    let f = repo().join("fixtures/fidelity/microsoft-forms.xlsx");
    let out = t.import_run(&f, "y", &["--sheet", "Nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Notes"), "{}", text(&out.stderr));

    let v = import(&t, "qualtrics-download.zip", "z", &[]);
    assert_eq!((v["platform"].as_str(), v["responses"].as_u64()), (Some("qualtrics"), Some(6)));
}

#[test]
fn binary_files_name_the_accepted_formats_and_leave_the_workspace_alone() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write("chart.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    let out = t.import_run(&f, "r", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("chart.png") && err.contains(".xlsx") && err.contains(".zip"), "{err}");
    assert!(t.query("SELECT * FROM respondents").is_empty());
}

#[test]
fn excel_unicode_text_with_a_quoted_multiline_comment() {
    let t = CliTest::new();
    t.workspace();
    let text16 = "team\tHow satisfied are you with CI?\tComments\r\n\
                  payments\tSatisfied\t\"Builds are slow.\r\nAlso: \"\"flaky\"\" tests\"\r\n\
                  search\tDissatisfied\tok\r\n\
                  payments\tVery satisfied\t\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text16.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let f = t.write("unicode.txt", &bytes);
    let v = t.import_json(&f, "u", &[]);
    assert_eq!((v["encoding"].as_str(), v["responses"].as_u64()), (Some("utf-16le"), Some(3)));
    let c = t.query("SELECT text FROM comments ORDER BY text");
    assert_eq!(c[0]["text"], "Builds are slow.\r\nAlso: \"flaky\" tests");
}

#[test]
fn telemetry_bad_rows_are_named_or_counted_per_reason() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "builds.csv",
        b"build_id,service,started_at,finished_at,result,duration_s\n\
          1,api,2026-07-01T10:00:00Z,2026-07-01T10:05:00Z,success,300\n\
          2,api,2026-07-01T11:00:00Z,2026-07-01T11:05:00Z,success,NaN\n\
          3,api,2026-07-01T12:00:00Z,2026-07-01T12:05:00Z,failure,-5\n\
          4,api,1970-01-01T00:00:00Z,1970-01-01T00:05:00Z,success,300\n\
          5,api,2199-01-01T00:00:00Z,2199-01-01T00:05:00Z,success,300\n\
          1,api,2026-07-01T10:00:00Z,2026-07-01T10:05:00Z,success,300\n\
          6,api,2026-07-02T10:00:00Z,2026-07-02T10:05:00Z,success,inf\n",
    );
    let out = t.run(&["-w", "ws", "import", "telemetry", f.to_str().unwrap(), "--kind", "builds"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("builds.csv:3: column 6 (duration_s)"), "{err}");
    assert!(!t.path("ws/store/builds").exists(), "nothing half-written");
    let out = t.ok(&[
        "-w",
        "ws",
        "import",
        "telemetry",
        f.to_str().unwrap(),
        "--kind",
        "builds",
        "--skip-bad-rows",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"], 1, "{v}");
    let reasons = v["skipped_reasons"].as_object().unwrap();
    let count = |needle: &str| -> u64 {
        reasons.iter().filter(|(k, _)| k.contains(needle)).map(|(_, n)| n.as_u64().unwrap()).sum()
    };
    assert_eq!(count("not a finite number"), 2, "{reasons:?}");
    assert_eq!(count("negative duration"), 1, "{reasons:?}");
    assert_eq!(count("outside 1990-01-01"), 2, "{reasons:?}");
    assert_eq!(count("duplicate"), 1, "{reasons:?}");
}

#[test]
fn a_round_id_that_sorts_against_its_dates_is_refused() {
    let t = CliTest::new();
    t.workspace();
    import(&t, "no-timestamps.csv", "Q4-2025", &["--date", "2025-11-14"]);
    let f = repo().join("fixtures/fidelity/no-timestamps.csv");
    let out = t.import_run(&f, "Q1-2026", &["--date", "2026-02-13"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("Q1-2026") && err.contains("2026-Q1"), "{err}");
    // IDs that sort by date are fine; the date is kept with the round.
    let t = CliTest::new();
    t.workspace();
    import(&t, "no-timestamps.csv", "2025-Q4", &["--date", "2025-11-14"]);
    import(&t, "no-timestamps.csv", "2026-Q1", &["--date", "2026-02-13"]);
    let toml = std::fs::read_to_string(t.path("ws/pulse.toml")).unwrap();
    assert!(toml.contains("date = \"2026-02-13\""), "{toml}");
}

#[test]
fn a_rewording_inside_the_compared_span_is_flagged() {
    let t = CliTest::new();
    t.workspace();
    let rows = "\nA,Satisfied\nB,Dissatisfied\nA,Very satisfied\nB,Satisfied\nA,Satisfied\nB,Neither satisfied nor dissatisfied\n";
    let before = format!("team,How satisfied are you with CI build speed?{rows}");
    let after = format!("team,How satisfied are you with the speed of CI builds?{rows}");
    for (round, body) in [("2026-Q1", &before), ("2026-Q2", &after), ("2026-Q3", &after)] {
        let f = t.write(&format!("{round}.csv"), body.as_bytes());
        t.ok(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", round]);
    }
    let rows: Vec<serde_json::Value> = serde_json::from_str(
        &t.ok(&["-w", "ws", "compare", "2026-Q1", "2026-Q3", "--format", "json"]),
    )
    .unwrap();
    let flags = rows[0]["flags"].to_string();
    assert!(flags.contains("wording_changed"), "{rows:?}");
    // Q2 -> Q3 asked the same words: no flag.
    let rows: Vec<serde_json::Value> = serde_json::from_str(
        &t.ok(&["-w", "ws", "compare", "2026-Q2", "2026-Q3", "--format", "json"]),
    )
    .unwrap();
    assert!(!rows[0]["flags"].to_string().contains("wording_changed"), "{rows:?}");
}

#[test]
fn a_column_override_wins_and_is_kept_for_later_rounds() {
    let t = CliTest::new();
    t.workspace();
    let body = b"team,City,How satisfied are you with CI?\nA,Berlin,Satisfied\nB,Zurich,Dissatisfied\nA,Berlin,Satisfied\nB,Zurich,Very satisfied\nA,Berlin,Satisfied\n";
    let f = t.write("r.csv", body);
    let import = |round: &str, extra: &[&str]| t.import_json(&f, round, extra);
    // "City" reads as part of an address: dropped.
    let v = import("2026-Q1", &[]);
    assert!(v["dropped_columns"].to_string().contains("City"), "{v}");
    // The user says it is a question (an office): imported, and remembered.
    let v = import("2026-Q2", &["--as", "City=question"]);
    assert_eq!(v["dropped_columns"].as_array().unwrap().len(), 0, "{v}");
    assert!(
        std::fs::read_to_string(t.path("ws/pulse.toml")).unwrap().contains("City = \"question\"")
    );
    let v = import("2026-Q3", &[]);
    assert_eq!(v["questions"], 2, "{v}");
    let out = t.import_run(&f, "x", &["--as", "City=maybe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("identifying"), "{}", text(&out.stderr));
}

#[test]
fn a_catalog_id_rename_applies_to_every_round_without_a_reimport() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "r.csv",
        b"team,How satisfied are you with CI?,How satisfied are you with docs?
A,Satisfied,Satisfied
B,Dissatisfied,Satisfied
A,Very satisfied,Dissatisfied
B,Satisfied,Satisfied
A,Satisfied,Very satisfied
B,Satisfied,Satisfied
",
    );
    let import = |round: &str| {
        t.import_json(&f, round, &[]);
    };
    import("2026-Q1");
    import("2026-Q2");
    let path = t.path("ws/catalog.toml");
    let cat = std::fs::read_to_string(&path).unwrap();
    let old = cat
        .lines()
        .find_map(|l| l.strip_prefix("id = \"").filter(|x| x.contains("ci")))
        .map(|x| x.trim_end_matches('"').to_string())
        .expect("a CI question id");
    // The user edits the `id` line only (the per-round `stored_id` lines stay as written).
    let edited: String = cat
        .lines()
        .map(|l| {
            if l == format!("id = \"{old}\"") {
                "id = \"ci_satisfaction\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, edited).unwrap();
    // A new round imported after the rename, then every read sees one question.
    import("2026-Q3");
    let rows: Vec<serde_json::Value> = serde_json::from_str(
        &t.ok(&["-w", "ws", "compare", "2026-Q1", "2026-Q3", "--format", "json"]),
    )
    .unwrap();
    let ci: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["question_id"] == "ci_satisfaction").collect();
    assert_eq!(ci.len(), 1, "{rows:?}");
    assert_eq!((ci[0]["n_from"].as_u64(), ci[0]["n_to"].as_u64()), (Some(6), Some(6)), "{rows:?}");
    assert!(!rows.iter().any(|r| r["question_id"] == old.as_str()), "{rows:?}");
    let q = t.query("SELECT DISTINCT question_id FROM responses WHERE question_id LIKE '%ci%'");
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0]["question_id"], "ci_satisfaction");
}

#[test]
fn a_multi_select_where_nobody_chose_two_options_stays_a_multi_select() {
    let t = CliTest::new();
    t.workspace();
    let v = import(&t, "qualtrics-bare-tags.csv", "2026-Q1", &[]);
    assert_eq!(v["new"].as_array().unwrap().len(), 3, "{v}");
    let src =
        std::fs::read_to_string(repo().join("fixtures/fidelity/qualtrics-bare-tags.csv")).unwrap();
    let single =
        src.replace("\"CI,Secrets,Deployments\"", "Secrets").replace("\"CI,Deployments\"", "CI");
    assert!(!single.contains("\"CI,"));
    let f = t.write("q2.csv", single.as_bytes());
    let v = t.import_json(&f, "2026-Q2", &[]);
    assert_eq!(v["linked"], 3, "{v}");
    assert!(
        v["new"].as_array().unwrap().is_empty() && v["dropped"].as_array().unwrap().is_empty(),
        "{v}"
    );
    let k = t.query("SELECT DISTINCT round, kind FROM questions WHERE question_id LIKE '%capabilit%' ORDER BY round");
    assert_eq!(k.len(), 2, "{k:?}");
    assert!(k.iter().all(|r| r["kind"] == "multi"), "{k:?}");
}

#[test]
fn age_does_not_link_to_an_unrelated_header_that_mentions_age() {
    let t = CliTest::new();
    t.workspace();
    let rows = "\nA,25-34\nB,35-44\nA,25-34\nB,18-24\nA,35-44\nB,25-34\n";
    let a = t.write("a.csv", format!("team,Age{rows}").as_bytes());
    // LimeSurvey's expression manager writes headers like this one.
    let b = t.write(
        "b.csv",
        format!("team,\"Age of the page you last edited (EM: {{if(age>0, age, '')}})\"{rows}")
            .as_bytes(),
    );
    t.ok(&["-w", "ws", "import", "survey", a.to_str().unwrap(), "--round", "2026-Q1"]);
    let v = t.import_json(&b, "2026-Q2", &[]);
    assert!(v["reworded"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(v["new"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["dropped"].as_array().unwrap().len(), 1, "{v}");
}
