//! CLI tests: the real `pulse` binary on temporary workspaces.
//!
//! The harness gives each test a temp folder and runs the binary with a clean environment.

mod atomic;
mod bad_input;
mod conformance;
mod demo;
mod disclosure;
mod exclude;
mod fidelity;
mod guardrails;
mod platforms;
mod real_exports;
mod report;
mod robust;
mod stats;
mod telemetry;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary folder for one test, removed on drop.
pub struct CliTest {
    /// The folder.
    pub dir: tempfile::TempDir,
}

impl Default for CliTest {
    fn default() -> Self {
        Self::new()
    }
}

impl CliTest {
    pub fn new() -> CliTest {
        CliTest { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `pulse` with a clean environment, run in the temp folder.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pulse"));
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .current_dir(self.dir.path());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("running pulse")
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "pulse {args:?} failed:\nstdout: {}\nstderr: {}",
            text(&o.stdout),
            text(&o.stderr)
        );
        text(&o.stdout)
    }

    /// `pulse -w ws import survey FILE --round ROUND --format json EXTRA…`, which must
    /// succeed: its JSON summary.
    pub fn import_json(&self, file: &Path, round: &str, extra: &[&str]) -> serde_json::Value {
        let args = import_args(file, round, &[&["--format", "json"], extra].concat());
        serde_json::from_str(&self.ok(&args)).expect("import JSON")
    }

    /// `pulse -w ws import survey FILE --round ROUND EXTRA…`, whatever its outcome.
    pub fn import_run(&self, file: &Path, round: &str, extra: &[&str]) -> Output {
        self.run(&import_args(file, round, extra))
    }

    /// A fresh workspace `ws` in the temp folder.
    pub fn workspace(&self) -> PathBuf {
        self.ok(&["init", "ws", "--org", "test-org"]);
        self.path("ws")
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(rel);
        std::fs::write(&p, bytes).expect("writing fixture");
        p
    }

    /// Runs a SQL query in workspace `ws` and returns the JSON rows.
    pub fn query(&self, sql: &str) -> Vec<serde_json::Value> {
        let out = self.ok(&["-w", "ws", "query", sql, "--format", "json"]);
        serde_json::from_str::<Vec<serde_json::Value>>(&out).expect("query JSON")
    }
}

/// The arguments of `pulse -w ws import survey FILE --round ROUND EXTRA…`.
fn import_args<'a>(file: &'a Path, round: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["-w", "ws", "import", "survey", file.to_str().unwrap(), "--round", round];
    args.extend_from_slice(extra);
    args
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// A path under `../shared` (the real exports and telemetry fixtures beside the clone), or
/// `None` with a "skipped:" line when it is absent. In CI (`CI` set, as `.ci/run` runs) or with
/// `PULSE_REQUIRE_SHARED=1` a missing `../shared` fails the test instead: a green CI must mean
/// the real files were read.
pub fn shared_dir(rel: &str) -> Option<PathBuf> {
    let p = repo().join("../shared").join(rel);
    if p.exists() {
        return Some(p);
    }
    let required = ["CI", "PULSE_REQUIRE_SHARED"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|x| !x.is_empty() && x != "0" && x != "false"));
    assert!(!required, "../shared/{rel} is missing, and CI / PULSE_REQUIRE_SHARED requires it");
    eprintln!("skipped: ../shared/{rel} is not here");
    None
}

/// The repository root (fixtures live there).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// All files under a folder with their bytes (for "nothing changed" checks).
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != "lock") {
                out.push((
                    p.strip_prefix(dir).expect("prefix").display().to_string(),
                    std::fs::read(&p).expect("read"),
                ));
            }
        }
    }
    out.sort();
    out
}
