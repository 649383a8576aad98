//! Atomicity and locking: an import killed midway leaves no trace; one killed after its commit
//! point is finished by the next command; concurrent imports are serialised.

use super::*;

const CSV: &[u8] = b"Which team are you on?,How satisfied are you with CI?\npayments,Satisfied\nsearch,Dissatisfied\n";

#[test]
fn import_killed_before_commit_leaves_no_trace() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write("r.csv", CSV);
    t.ok(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "r1"]);
    let before = snapshot(&t.path("ws"));
    for point in ["after-stage", "before-commit"] {
        let o = t
            .cmd()
            .args(["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "r2"])
            .env("PULSE_CRASH_AT", point)
            .output()
            .unwrap();
        assert!(!o.status.success(), "the crash hook fired at {point}");
        // The next command cleans up; the workspace is byte-for-byte as before.
        t.ok(&["-w", "ws", "rounds"]);
        assert!(snapshot(&t.path("ws")) == before, "{point}: workspace changed");
    }
}

#[test]
fn import_killed_after_commit_is_rolled_forward() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write("r.csv", CSV);
    let o = t
        .cmd()
        .args(["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", "r1"])
        .env("PULSE_CRASH_AT", "mid-commit")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let rounds = t.query("SELECT round, responses FROM rounds");
    assert_eq!(rounds.len(), 1, "{rounds:?}");
    let n = t.query("SELECT count(*) AS n FROM responses WHERE round = 'r1'");
    assert_eq!(n[0]["n"], 2);
    assert!(!t.path("ws/.pulse/txn").exists());
}

#[test]
fn concurrent_imports_are_serialised() {
    let t = CliTest::new();
    t.workspace();
    let f = t.write("r.csv", CSV);
    let children: Vec<_> = (1..=4)
        .map(|i| {
            t.cmd()
                .args([
                    "-w",
                    "ws",
                    "import",
                    "survey",
                    f.to_str().unwrap(),
                    "--round",
                    &format!("r{i}"),
                ])
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        assert!(c.wait_with_output().unwrap().status.success());
    }
    let rounds = t.query("SELECT round FROM rounds ORDER BY round");
    assert_eq!(rounds.len(), 4, "every import kept: {rounds:?}");
    let q = t.query("SELECT DISTINCT round FROM questions");
    assert_eq!(q.len(), 4, "the catalog has every round: {q:?}");
}

#[test]
fn privacy_pii_dropped_unless_kept_and_pseudonyms_keyed() {
    let t = CliTest::new();
    t.workspace();
    let csv = b"Email,Phone,Which team are you on?,Anything else?\njo@acme.example,+1 555 0100,payments,Mail jo@acme.example or call +1 (555) 010-0999\n";
    let f = t.write("p.csv", csv);
    let out = t.ok(&[
        "-w",
        "ws",
        "import",
        "survey",
        f.to_str().unwrap(),
        "--round",
        "r1",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["dropped_columns"], serde_json::json!(["Email", "Phone"]));
    let c = t.query("SELECT text, respondent FROM comments");
    assert_eq!(c[0]["text"], "Mail [email] or call [phone]");
    let pseud = c[0]["respondent"].as_str().unwrap().to_string();
    assert_eq!(pseud.len(), 20);
    assert!(!pseud.contains("acme"));
    // Kept on request.
    t.ok(&[
        "-w",
        "ws",
        "import",
        "survey",
        f.to_str().unwrap(),
        "--round",
        "r2",
        "--keep-column",
        "Email",
    ]);
    let k = t.query("SELECT email FROM respondents WHERE round = 'r2'");
    assert_eq!(k[0]["email"], "jo@acme.example");
    // Another workspace has another secret: the same person gets another pseudonym.
    t.ok(&["init", "ws2"]);
    t.ok(&["-w", "ws2", "import", "survey", f.to_str().unwrap(), "--round", "r1"]);
    let out =
        t.ok(&["-w", "ws2", "query", "SELECT respondent FROM respondents", "--format", "csv"]);
    assert!(!out.contains(&pseud));
}
