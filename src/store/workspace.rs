//! A pulse workspace on disk: `pulse.toml`, `catalog.toml`, `queries/`, `store/` and the private
//! `.pulse/` folder (secret, lock, transaction journal).
//!
//! Every change to a workspace goes through a [`Txn`]: new files are staged under
//! `.pulse/txn/new/`, a `COMMIT` marker is written atomically, and only then are the staged files
//! renamed into place. A process killed before the marker leaves nothing behind (the next command
//! deletes the staging area); one killed after it is rolled forward by the next command.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// Settings in `pulse.toml` that a user edits. Unknown keys are errors (a misspelt
/// `min_group_sise` must not silently leave the default threshold in force).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Organisation name, shown on reports.
    pub organisation: String,
    /// Groups smaller than this are never shown (anonymity threshold).
    #[serde(default = "default_min_group")]
    pub min_group_size: usize,
    /// Number of developers in the organisation (for adoption rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_size: Option<u64>,
    /// Outcome question for driver analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Segment name -> header texts that name its column in an export.
    #[serde(default)]
    pub segments: BTreeMap<String, Vec<String>>,
    /// Per-round metadata, written by `pulse import`.
    #[serde(default)]
    pub rounds: BTreeMap<String, RoundMeta>,
    /// Column header -> how to read it, overriding pulse's interpretation: `question`, `text`,
    /// `identifying` or `metadata`. `import survey --as HEADER=HOW` adds one; every later
    /// import applies it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
}

fn default_min_group() -> usize {
    5
}

/// What pulse records about an imported round.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoundMeta {
    /// Developers invited to answer (for the response rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited: Option<u64>,
    /// Platform that wrote the export.
    #[serde(default)]
    pub platform: String,
    /// File name of the export (no directory: paths can name people).
    #[serde(default)]
    pub source_file: String,
    /// When it was imported (UTC, RFC 3339).
    #[serde(default)]
    pub imported_at: String,
    /// Responses imported.
    #[serde(default)]
    pub responses: u64,
    /// Segment columns of the round's respondents (configured and `--segment`); every other
    /// extra column is an identifying column kept on request. Empty in workspaces written before
    /// pulse recorded it: then every extra column counts as a segment (the safe reading).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<String>,
    /// When the round ran (YYYY-MM-DD): the median submission, or `import --date`. Round IDs
    /// must sort the way these dates do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

impl RoundMeta {
    /// Responses / invited, when invited is known.
    pub fn response_rate(&self) -> Option<f64> {
        self.invited.filter(|&i| i > 0).map(|i| self.responses as f64 / i as f64)
    }
}

/// An open workspace.
#[derive(Debug)]
pub struct Workspace {
    /// Root folder.
    pub root: PathBuf,
    /// Parsed `pulse.toml`.
    pub config: Config,
}

const CONFIG: &str = "pulse.toml";
/// Name of the catalog file in a workspace.
pub const CATALOG: &str = "catalog.toml";

/// Template for a new `pulse.toml`; the `[rounds.*]` tables below it are written by pulse.
pub fn config_template(org: &str) -> String {
    format!(
        r#"# pulse workspace settings. Edit freely above the [rounds.*] tables; pulse rewrites those.

# Organisation name, shown on reports.
organisation = {org:?}

# Anonymity threshold: groups with fewer respondents are suppressed in every output.
min_group_size = 5

# Number of developers in the organisation (used for capability adoption rates).
# organisation_size = 1200

# The survey item that driver analysis explains (a question_id from catalog.toml).
# outcome = "overall_satisfaction"

# Segment columns stored in `respondents`: name = [header texts that mean it].
[segments]
team = ["Team", "Which team are you on?", "Which team are you in?"]
role = ["Role", "What is your role?"]
tenure = ["Tenure", "How long have you been here?", "How long have you worked here?"]
location = ["Location", "Office", "Where do you work?"]
"#
    )
}

impl Workspace {
    /// Opens the workspace at `root`, recovering from an interrupted transaction first.
    pub fn open(root: &Path) -> Result<Workspace> {
        check_is_workspace(root)?;
        recover(root)?;
        Workspace::load(root)
    }

    /// Opens the workspace while the caller holds its lock (recovering without re-locking).
    pub fn open_locked(root: &Path, _lock: &Lock) -> Result<Workspace> {
        check_is_workspace(root)?;
        recover_locked(root)?;
        Workspace::load(root)
    }

    fn load(root: &Path) -> Result<Workspace> {
        let cfg_path = root.join(CONFIG);
        let text = fs::read_to_string(&cfg_path)
            .with_context(|| format!("reading {}", cfg_path.display()))?;
        let config: Config =
            toml::from_str(&text).with_context(|| format!("parsing {}", cfg_path.display()))?;
        if config.min_group_size < 2 {
            bail!(
                "{}: min_group_size = {} is too small: a group of 1 is a person\nhint: use 5 or more (at least 2)",
                cfg_path.display(),
                config.min_group_size
            );
        }
        if config.min_group_size < 5 {
            eprintln!(
                "warning: {}: min_group_size = {} is below 5, the usual minimum for anonymous survey results",
                cfg_path.display(),
                config.min_group_size
            );
        }
        Ok(Workspace { root: root.to_path_buf(), config })
    }

    /// Path of a file inside the workspace.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The workspace secret (32 bytes) used for pseudonyms.
    pub fn secret(&self) -> Result<[u8; 32]> {
        let p = self.root.join(".pulse/secret");
        let hex = fs::read_to_string(&p)
            .with_context(|| format!("reading the workspace secret {}", p.display()))?;
        let hex = hex.trim();
        let mut out = [0u8; 32];
        if hex.len() != 64 {
            bail!("{} is damaged: expected 64 hex digits", p.display());
        }
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .with_context(|| format!("{} is damaged: not hex", p.display()))?;
        }
        Ok(out)
    }

    /// Rounds in order (round IDs sort as text: `2025-Q4` < `2026-Q1`).
    pub fn round_ids(&self) -> Vec<String> {
        self.config.rounds.keys().cloned().collect()
    }

    /// Renders `pulse.toml` with the current rounds, keeping the user's part of the file verbatim.
    pub fn render_config(&self) -> Result<String> {
        let cfg_path = self.root.join(CONFIG);
        let text = fs::read_to_string(&cfg_path)
            .with_context(|| format!("reading {}", cfg_path.display()))?;
        let mut head = String::new();
        // `[columns]` is rewritten from the config (imports add to it); every other line the
        // user wrote above the rounds is kept as written.
        let mut in_columns = false;
        for line in text.lines() {
            let t = line.trim_start();
            if t.starts_with("[rounds") {
                break;
            }
            if t.starts_with('[') {
                in_columns = t.starts_with("[columns]");
            }
            if !in_columns {
                head.push_str(line);
                head.push('\n');
            }
        }
        let head = head.trim_end().to_string();
        let mut out = head;
        out.push_str("\n\n");
        if !self.config.columns.is_empty() {
            out.push_str("# How to read these columns in every import (question, text, identifying, metadata).\n[columns]\n");
            for (h, how) in &self.config.columns {
                out.push_str(&format!("{} = {}\n", toml_key(h), toml::Value::String(how.clone())));
            }
            out.push('\n');
        }
        for (id, meta) in &self.config.rounds {
            out.push_str(&format!("[rounds.{}]\n", toml_key(id)));
            out.push_str(&toml::to_string(meta).context("writing round metadata")?);
            out.push('\n');
        }
        Ok(out)
    }
}

/// The nearest folder from `start` upwards that holds a `pulse.toml`, if any: `start` itself
/// as given when it is one (so printed paths stay as the user wrote them), else absolute.
pub fn discover(start: &Path) -> Option<PathBuf> {
    if start.join(CONFIG).is_file() {
        return Some(start.to_path_buf());
    }
    let abs = std::path::absolute(start).ok()?;
    abs.ancestors().find(|d| d.join(CONFIG).is_file()).map(Path::to_path_buf)
}

fn check_is_workspace(root: &Path) -> Result<()> {
    if !root.join(CONFIG).exists() {
        bail!(
            "{} is not a pulse workspace (no {CONFIG})\nhint: run `pulse init DIR`, or pass --workspace / set PULSE_WORKSPACE",
            root.display()
        );
    }
    Ok(())
}

fn toml_key(k: &str) -> String {
    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}

/// Creates a new workspace folder.
pub fn init(root: &Path, org: &str, starter_queries: &[(&str, &str)]) -> Result<()> {
    if root.join(CONFIG).exists() {
        bail!(
            "{} is already a pulse workspace\nhint: pick another folder, or keep using this one",
            root.display()
        );
    }
    // A workspace inside another one would be found by discovery from its subfolders in
    // place of the outer one, and its store would sit inside the outer workspace's tree.
    let parent = root.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Some(outer) = discover(parent) {
        bail!(
            "{} is inside the pulse workspace {}\nhint: create the workspace outside it, or keep using {}",
            root.display(),
            outer.display(),
            outer.display()
        );
    }
    fs::create_dir_all(root.join(".pulse"))
        .with_context(|| format!("creating {}", root.display()))?;
    fs::create_dir_all(root.join("store"))
        .with_context(|| format!("creating {}/store", root.display()))?;
    fs::create_dir_all(root.join("queries"))
        .with_context(|| format!("creating {}/queries", root.display()))?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| anyhow::anyhow!("no OS randomness for the workspace secret: {e}"))?;
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&root.join(".pulse/secret"), hex.as_bytes())?;
    fs::write(root.join(".pulse/.gitignore"), "*\n")?;
    fs::write(root.join(".gitignore"), ".pulse/\n")?;
    fs::write(root.join(CONFIG), config_template(org)).context("writing pulse.toml")?;
    fs::write(root.join(CATALOG), super::catalog::Catalog::default().to_toml()?)
        .context("writing catalog.toml")?;
    for (name, sql) in starter_queries {
        fs::write(root.join("queries").join(name), sql)
            .with_context(|| format!("writing queries/{name}"))?;
    }
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

/// An exclusive lock on a workspace, released on drop.
#[derive(Debug)]
pub struct Lock {
    _file: fs::File,
}

/// Takes the workspace lock, waiting (and saying so) when another pulse holds it.
pub fn lock(root: &Path, on_wait: impl FnOnce()) -> Result<Lock> {
    let p = root.join(".pulse/lock");
    fs::create_dir_all(root.join(".pulse"))?;
    let f = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&p)
        .with_context(|| format!("opening the lock file {}", p.display()))?;
    match f.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            on_wait();
            f.lock().with_context(|| format!("waiting for the lock {}", p.display()))?;
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("locking {}", p.display()));
        }
    }
    Ok(Lock { _file: f })
}

/// A staged, all-or-nothing change to a workspace.
#[derive(Debug)]
pub struct Txn {
    root: PathBuf,
    ops: Vec<String>,
}

fn txn_dir(root: &Path) -> PathBuf {
    root.join(".pulse/txn")
}

impl Txn {
    /// Starts a transaction (the caller holds the lock).
    pub fn begin(root: &Path) -> Result<Txn> {
        let d = txn_dir(root);
        if d.exists() {
            fs::remove_dir_all(&d).with_context(|| format!("clearing {}", d.display()))?;
        }
        fs::create_dir_all(d.join("new"))?;
        Ok(Txn { root: root.to_path_buf(), ops: Vec::new() })
    }

    /// A path to write the new version of `rel` (a file or a folder) to.
    pub fn stage(&mut self, rel: &str) -> Result<PathBuf> {
        let p = txn_dir(&self.root).join("new").join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        self.ops.push(format!("put\t{rel}"));
        Ok(p)
    }

    /// Writes the new content of file `rel`.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        let p = self.stage(rel)?;
        fs::write(&p, bytes).with_context(|| format!("staging {rel}"))
    }

    /// Schedules the removal of `rel`.
    pub fn remove(&mut self, rel: &str) {
        self.ops.push(format!("del\t{rel}"));
    }

    /// Makes the change: marks it committed, then moves every staged file into place.
    pub fn commit(self) -> Result<()> {
        let d = txn_dir(&self.root);
        let tmp = d.join("COMMIT.tmp");
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(self.ops.join("\n").as_bytes())?;
            f.sync_all()?;
        }
        crash_point("before-commit");
        fs::rename(&tmp, d.join("COMMIT")).context("committing the transaction")?;
        apply(&self.root)
    }
}

/// Test hook: `PULSE_CRASH_AT=<point>` aborts the process there, to prove atomicity.
pub fn crash_point(point: &str) {
    if std::env::var("PULSE_CRASH_AT").is_ok_and(|p| p == point) {
        std::process::abort();
    }
}

fn apply(root: &Path) -> Result<()> {
    let d = txn_dir(root);
    let ops = fs::read_to_string(d.join("COMMIT")).context("reading the transaction journal")?;
    for (n, op) in ops.lines().enumerate() {
        let Some((kind, rel)) = op.split_once('\t') else {
            continue;
        };
        let dst = root.join(rel);
        let old = d.join("old").join(rel);
        let new = d.join("new").join(rel);
        match kind {
            "put" if new.exists() => {
                move_aside(&dst, &old)?;
                if let Some(p) = dst.parent() {
                    fs::create_dir_all(p)?;
                }
                fs::rename(&new, &dst).with_context(|| format!("moving {rel} into place"))?;
            }
            "del" => move_aside(&dst, &old)?,
            _ => {}
        }
        if n == 0 {
            crash_point("mid-commit");
        }
    }
    fs::remove_dir_all(&d).with_context(|| format!("removing {}", d.display()))?;
    Ok(())
}

fn move_aside(dst: &Path, old: &Path) -> Result<()> {
    if dst.exists() {
        if old.exists() {
            remove_any(dst)?;
        } else {
            if let Some(p) = old.parent() {
                fs::create_dir_all(p)?;
            }
            fs::rename(dst, old).with_context(|| format!("moving {} aside", dst.display()))?;
        }
    }
    Ok(())
}

fn remove_any(p: &Path) -> Result<()> {
    if p.is_dir() { fs::remove_dir_all(p) } else { fs::remove_file(p) }
        .with_context(|| format!("removing {}", p.display()))
}

/// Finishes or discards an interrupted transaction.
pub fn recover(root: &Path) -> Result<()> {
    let d = txn_dir(root);
    if !d.exists() {
        return Ok(());
    }
    let _l = lock(root, || {})?;
    recover_locked(root)
}

fn recover_locked(root: &Path) -> Result<()> {
    let d = txn_dir(root);
    if !d.exists() {
        return Ok(());
    }
    if d.join("COMMIT").exists() {
        apply(root)
    } else {
        fs::remove_dir_all(&d)
            .with_context(|| format!("discarding the unfinished change in {}", d.display()))
    }
}
