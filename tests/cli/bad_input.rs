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
