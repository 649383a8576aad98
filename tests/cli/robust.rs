//! Robustness of the binary as a whole (issue 11): a closed pipe on every printing command,
//! workspace discovery from a subfolder, `init` inside a workspace.

use std::process::Stdio;

use super::*;

/// Runs `pulse args` with stdout connected to a pipe whose reading end is already closed, as
/// in `pulse … | head -0`; returns (exit code, stderr).
fn closed_pipe(t: &CliTest, args: &[&str]) -> (Option<i32>, String) {
    let mut child = t
        .cmd()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning pulse");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waiting for pulse");
    (out.status.code(), text(&out.stderr))
}

// Regression (issue 11): several `println!` paths panicked on a closed pipe.
#[test]
fn closed_pipe_on_every_printing_command_exits_quietly() {
    let t = CliTest::new();
    t.ok(&["demo", "--out", "ws", "--no-report"]);
    let cases: &[&[&str]] = &[
        &["rounds"],
        &["questions"],
        &["query", "SELECT * FROM responses"],
        &["summary"],
        &["summary", "--segment", "team", "--format", "csv"],
        &["compare", "2026-Q2", "2026-Q3", "--format", "json"],
        &["trend", "get_new_service_production"],
        &["drivers"],
        &["reliability"],
        &["themes"],
        &["maturity"],
        &["metrics"],
        &["metrics", "--kind", "builds", "--format", "json"],
        &["check"],
        &["check", "--format", "json"],
    ];
    for args in cases {
        let mut full = vec!["-w", "ws"];
        full.extend_from_slice(args);
        let (code, stderr) = closed_pipe(&t, &full);
        assert!(!stderr.contains("panicked"), "pulse {args:?} panicked:\n{stderr}");
        // `check` exits 1 on the demo's planted alerts; nothing else may fail.
        let allowed: &[i32] = if args[0] == "check" { &[0, 1] } else { &[0] };
        assert!(
            code.is_some_and(|c| allowed.contains(&c)),
            "pulse {args:?} exited {code:?} on a closed pipe:\n{stderr}"
        );
    }
    for args in [&["init", "other"][..], &["generate", "demo", "--out", "gen"][..]] {
        let (code, stderr) = closed_pipe(&t, args);
        assert!(!stderr.contains("panicked"), "pulse {args:?} panicked:\n{stderr}");
        assert_eq!(code, Some(0), "pulse {args:?}: {stderr}");
    }
}

#[test]
fn commands_find_the_workspace_from_a_subfolder() {
    let t = CliTest::new();
    t.workspace();
    std::fs::create_dir_all(t.path("ws/exports/2026")).unwrap();
    let o = t
        .cmd()
        .args(["rounds", "--format", "json"])
        .current_dir(t.path("ws/exports/2026"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).trim(), "[]");
    // Outside any workspace the error says how to make one.
    let o = t.run(&["rounds"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not a pulse workspace"), "{}", text(&o.stderr));
}

#[test]
fn init_refuses_inside_an_existing_workspace() {
    let t = CliTest::new();
    t.workspace();
    let before = snapshot(&t.path("ws"));
    for dir in ["ws/inner", "ws"] {
        let o = t.run(&["init", dir]);
        assert_eq!(o.status.code(), Some(2), "init {dir}: {}", text(&o.stdout));
        assert!(text(&o.stderr).contains("workspace"), "{}", text(&o.stderr));
    }
    // From inside, a relative folder is inside too.
    let o = t.cmd().args(["init", "nested"]).current_dir(t.path("ws")).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert_eq!(snapshot(&t.path("ws")), before, "a refused init changed the workspace");
}

#[test]
fn pulse_toml_unknown_key_is_an_error_with_its_line() {
    let t = CliTest::new();
    let ws = t.workspace();
    let cfg = ws.join("pulse.toml");
    let body = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, body.replace("min_group_size = 5", "min_group_sise = 3")).unwrap();
    let o = t.run(&["-w", "ws", "rounds"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("pulse.toml") && err.contains("min_group_sise"), "{err}");
    assert!(err.contains("line"), "the message names the line: {err}");
}
