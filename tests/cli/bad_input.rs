//! Bad input: a clear error naming file, line and field, exit code 2, never a panic, and the
//! workspace untouched.

use super::*;

fn fails(t: &CliTest, name: &str, bytes: &[u8], extra: &[&str]) -> String {
    let ws = t.path("ws");
    let before = snapshot(&ws);
    let f = t.write(name, bytes);
    let mut args = vec!["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "2026-Q1"];
    args.extend_from_slice(extra);
    let o = t.run(&args);
    let err = text(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{name}: expected exit 2, got {:?}\n{err}",
        o.status.code()
    );
    assert!(err.starts_with("error: "), "{name}: {err}");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(err.contains(name), "{name}: error does not name the file: {err}");
    assert!(snapshot(&ws) == before, "{name}: the workspace changed");
    err
}

#[test]
fn bad_inputs_are_clear_errors() {
    let t = CliTest::new();
    t.workspace();
    let e = fails(&t, "empty.csv", b"", &[]);
    assert!(e.contains("empty"), "{e}");
    let e = fails(&t, "header-only.csv", b"team,How satisfied are you?\n", &[]);
    assert!(e.contains("no responses"), "{e}");
    let e = fails(&t, "ragged.csv", b"team,q1,q2\na,Agree,Agree\nb,Agree\n", &[]);
    assert!(e.contains("ragged.csv:3: field 3"), "{e}");
    let e = fails(&t, "quote.csv", b"team,q1\na,Agree\nb,\"Agree\n", &[]);
    assert!(e.contains("quote.csv:3: field 2") && e.contains("never closed"), "{e}");
    let garbage: Vec<u8> =
        (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let e = fails(&t, "garbage.bin", &garbage, &[]);
    assert!(e.contains("binary"), "{e}");
    let e = fails(&t, "bad-utf8.csv", b"\xEF\xBB\xBFteam,q1\na,\xff\xfe\n", &[]);
    assert!(e.contains("invalid UTF-8") && e.contains("bad-utf8.csv:2"), "{e}");
    let e = fails(&t, "bad-utf16.csv", b"\xFF\xFEt\x00e\x00a", &[]);
    assert!(e.contains("utf-16"), "{e}");
    let e = fails(&t, "dup.csv", b"team,q1,q1\na,Agree,Agree\n", &[]);
    assert!(e.contains("duplicate header \"q1\"") && e.contains("dup.csv:1: field 3"), "{e}");
    let mut big = b"team,q1\na,\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 10 << 20));
    big.extend_from_slice(b"\"\n");
    let e = fails(&t, "big.csv", &big, &[]);
    assert!(e.contains("big.csv:2: field 2") && e.contains("MB"), "{e}");
    let e = fails(&t, "notqualtrics.csv", b"team,q1\na,Agree\n", &["--platform", "qualtrics"]);
    assert!(e.contains("not a qualtrics export"), "{e}");
}

#[test]
fn existing_round_needs_replace_and_bad_round_ids_are_refused() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "r.csv",
        b"Which team are you on?,Deploys are easy.\npayments,Agree\nsearch,Disagree\n",
    );
    t.ok(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "2026-Q1"]);
    let o = t.run(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "2026-Q1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--replace"));
    t.ok(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "2026-Q1", "--replace"]);
    let o = t.run(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "../evil"]);
    assert_eq!(o.status.code(), Some(2));
    let o = t.run(&["-w", "nowhere", "rounds"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not a pulse workspace"));
}

#[test]
fn encodings_and_dialects_import() {
    let t = CliTest::new();
    t.workspace();
    let plain = "Which team are you on?;How satisfied are you with CI?;Comments\r\npayments;Very satisfied;\"fast; really\nfast\"\r\nsearch;N/A;ok\r\n";
    // UTF-16 LE with BOM, semicolons, CRLF, embedded newline and delimiter.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in plain.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let f = t.write("u16.csv", &utf16);
    t.ok(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "r1"]);
    // Windows-1252 with an em dash, tab-separated.
    let f = t.write("cp.tsv", b"Which team are you on?\tHow satisfied are you with CI?\nsearch\tSatisfied \x97 mostly\npayments\tSatisfied\n");
    let o = t.ok(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "r2"]);
    assert!(o.contains("windows-1252"), "{o}");
    let rows =
        t.query("SELECT round, label, value FROM responses WHERE round = 'r1' ORDER BY label");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["label"], "Very satisfied");
    assert_eq!(rows[1]["value"], 5.0);
    assert_eq!(rows[0]["label"], "N/A");
    assert!(rows[0]["value"].is_null(), "N/A is not a value");
    let c = t.query("SELECT text FROM comments WHERE round = 'r1' ORDER BY text");
    assert_eq!(c[0]["text"], "fast; really\nfast");
}

/// `pulse -w ws import survey FILE --round ROUND EXTRA…`.
fn import_survey(t: &CliTest, f: &Path, round: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", round];
    args.extend_from_slice(extra);
    t.run(&args)
}

/// Issue 11: `"NaN".parse::<f64>()` succeeds, so "NaN", "inf" and "-Infinity" answers were stored
/// as numbers. They are missing answers now (label kept, no value), counted in the summary.
#[test]
fn nan_and_infinity_answers_are_not_values() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "nan.csv",
        b"Which team are you on?,How many hours per week do you wait for CI?\n\
          payments,3\nsearch,NaN\nsearch,inf\npayments,-Infinity\nsearch,5\n",
    );
    let o = import_survey(&t, &f, "r1", &["--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["non_finite"], 3, "{v}");
    let rows = t.query("SELECT label, value FROM responses ORDER BY label");
    assert_eq!(rows.len(), 5, "{rows:?}");
    for r in &rows {
        match r["label"].as_str().unwrap() {
            "3" => assert_eq!(r["value"], 3.0),
            "5" => assert_eq!(r["value"], 5.0),
            other => assert!(r["value"].is_null(), "{other} is not a value: {rows:?}"),
        }
    }
    let kinds = t.query("SELECT kind FROM questions");
    assert_eq!(kinds[0]["kind"], "numeric", "still a numeric question: {kinds:?}");
    let f =
        t.write("nan2.csv", b"Which team are you on?,How many hours do you wait?\na,1\nb,nan\n");
    let out = text(&import_survey(&t, &f, "r2", &[]).stdout);
    assert!(out.contains("non-finite: 1 cell(s)"), "{out}");
}

fn telemetry(t: &CliTest, name: &str, body: &str, extra: &[&str]) -> std::process::Output {
    let f = t.write(name, body.as_bytes());
    let mut args = vec!["-w", "ws", "import", "telemetry", f.to_str().unwrap(), "--kind", "builds"];
    args.extend_from_slice(extra);
    t.run(&args)
}

/// Issue 11: a NaN, infinite or negative duration in telemetry is a bad row: exit 2 naming
/// file, line and column, or skipped and counted per reason with --skip-bad-rows.
#[test]
fn nan_and_negative_telemetry_durations_are_bad_rows() {
    let t = CliTest::new();
    t.workspace();
    let before = snapshot(&t.path("ws"));
    let body = "id,run_started_at,conclusion,duration\n\
                1,2026-07-01T10:00:00Z,success,590\n\
                2,2026-07-01T11:00:00Z,success,NaN\n\
                3,2026-07-01T12:00:00Z,failure,-inf\n\
                4,2026-07-01T13:00:00Z,success,-5\n\
                5,2026-07-01T14:00:00Z,success,60\n";
    let o = telemetry(&t, "nan-builds.csv", body, &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "nan-builds.csv:3: column 4 (duration): duration_s: \"NaN\" is not a finite number"
        ),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(snapshot(&t.path("ws")) == before, "a failed import leaves no trace");
    let o = telemetry(
        &t,
        "neg.csv",
        "id,run_started_at,conclusion,duration\n1,2026-07-01T10:00:00Z,success,-5\n",
        &[],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("neg.csv:2: column 4 (duration)") && err.contains("negative"), "{err}");
    let o = telemetry(&t, "nan-builds.csv", body, &["--skip-bad-rows", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["rows"].as_u64(), v["skipped"].as_u64()), (Some(2), Some(3)), "{v}");
    assert_eq!(v["skipped_reasons"]["duration_s: is not a finite number"], 2, "{v}");
    assert_eq!(v["skipped_reasons"]["duration_s: is a negative duration"], 1, "{v}");
    let r = t.query("SELECT min(duration_s) AS lo, max(duration_s) AS hi FROM builds");
    assert_eq!((r[0]["lo"].as_f64(), r[0]["hi"].as_f64()), (Some(60.0), Some(590.0)));
}

/// Issue 11: timestamps at the edges (year 9999, 1970, i64::MAX epoch values, absurd offsets)
/// must not overflow a subtraction or panic.
#[test]
fn extreme_timestamps_do_not_panic() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "edges.csv",
        "Start Date,Submitted At,Which team are you on?,Deploys are easy.\n\
         1970-01-01 00:00:00,9999-12-31 23:59:59,a,Agree\n\
         9999-12-31 23:59:59,1970-01-01 00:00:00,b,Disagree\n\
         2021/10/13 2:04:34 PM GMT+99999999999999,2021/10/13 2:04:34 PM GMT+9223372036854775807,c,Agree\n"
            .as_bytes(),
    );
    let o = import_survey(&t, &f, "r1", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r = t.query("SELECT duration_s FROM respondents ORDER BY duration_s");
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r.iter().filter(|x| !x["duration_s"].is_null()).count() == 1, "{r:?}");
    let body = "id,run_started_at,conclusion\n1,9223372036854775807,success\n";
    let o = telemetry(&t, "epoch.csv", body, &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("epoch.csv:2: column 2 (run_started_at)") && !err.contains("panicked"),
        "{err}"
    );
    // The calendar's edges parse without overflow, and are refused as telemetry times (issue
    // 13: no CI system wrote a 1970 or a year-9999 timestamp), naming the cell.
    let body = "id,run_started_at,finished_at,conclusion\n1,1970-01-01T00:00:00Z,9999-12-31T23:59:59Z,success\n";
    let o = telemetry(&t, "edge-builds.csv", body, &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("edge-builds.csv:2: column 2 (run_started_at)")
            && err.contains("outside 1990-01-01")
            && !err.contains("panicked"),
        "{err}"
    );
}

/// Issue 11: byte-slicing user text panicked when the byte index fell inside a multi-byte
/// character (a long non-ASCII header, a non-ASCII first cell).
#[test]
fn non_ascii_header_on_a_utf8_boundary_does_not_panic() {
    let t = CliTest::new();
    t.workspace();
    let header = "Zufriedenheit – Büro ✓ Arbeitsplatz, Küche und Besprechungsräume (Größe, Lärm, Licht) – bitte bewerten ✓✓";
    let body = format!(
        "Timestamp,\"{header} [Küche ✓]\",\"{header} [Büro ✓]\",Team ✓\n\
         ✓✓ 2016/04/22,Gut,Schlecht,Süd\n\
         4/22/2016 19:57:50,Schlecht,Gut,Nörd\n"
    );
    let f = t.write("umlaut.csv", body.as_bytes());
    let o = import_survey(&t, &f, "r1", &[]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Issue 11: catalog.toml was not validated, so `direction = "lower_is_beter"` silently read as
/// higher-is-better and flipped verdicts. It is an error naming the line, listing valid values.
#[test]
fn misspelt_catalog_direction_is_refused() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write(
        "r.csv",
        b"Which team are you on?,Deploys are easy.\npayments,Agree\nsearch,Disagree\n",
    );
    assert!(import_survey(&t, &f, "2026-Q1", &[]).status.success());
    let cat = t.path("ws/catalog.toml");
    let text0 = std::fs::read_to_string(&cat).unwrap();
    let pos = text0.find("kind = \"likert\"\n").expect("a likert question") + 16;
    let edited = format!("{}direction = \"lower_is_beter\"\n{}", &text0[..pos], &text0[pos..]);
    std::fs::write(&cat, &edited).unwrap();
    let line = edited[..pos].matches('\n').count() + 1;
    let before = snapshot(&t.path("ws"));
    let o = import_survey(&t, &f, "2026-Q2", &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("catalog.toml:{line}:13: unknown direction \"lower_is_beter\"")),
        "{err}"
    );
    assert!(
        err.contains("hint: direction is one of \"higher_is_better\", \"lower_is_better\""),
        "{err}"
    );
    assert!(snapshot(&t.path("ws")) == before, "the store is untouched");
}

/// Issue 13: every fixture of fixtures/fidelity cut short at several points (a half-written
/// download) imports or fails with exit 2 naming the file, never a panic, and a failure leaves
/// the workspace byte-identical. The in-process property test (`src/ingest/fuzz.rs`) covers
/// generated dialects and mutations at scale.
#[test]
fn truncated_exports_fail_cleanly_or_import() {
    let t = CliTest::new();
    t.workspace();
    let dir = repo().join("fixtures/fidelity");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut round = 0;
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        for cut in [bytes.len() / 7, bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
            round += 1;
            let ws = t.path("ws");
            let before = snapshot(&ws);
            let cut_name = format!("cut{round}-{name}");
            let p = t.write(&cut_name, &bytes[..cut]);
            let id = format!("2026-{round:03}");
            let o = t.run(&[
                "-w",
                "ws",
                "import",
                "survey",
                p.to_str().unwrap(),
                "--round",
                &id,
                "--date",
                "2026-06-01",
            ]);
            let err = text(&o.stderr);
            assert!(!err.contains("panicked"), "{cut_name}: {err}");
            match o.status.code() {
                Some(0) => {}
                Some(2) => {
                    assert!(
                        err.contains(&cut_name),
                        "{cut_name}: error does not name the file: {err}"
                    );
                    assert!(snapshot(&ws) == before, "{cut_name}: the workspace changed");
                }
                other => panic!("{cut_name}: exit {other:?}: {err}"),
            }
        }
    }
}
