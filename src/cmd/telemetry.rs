//! `pulse import telemetry`: builds, deployments, changes, incidents or usage events from CSV,
//! JSON lines or Parquet into `store/<kind>/source=<name>/part-N.parquet`.
//!
//! Glue only: arguments, the workspace lock and staging, one read
//! ([`crate::ingest::telemetry::read`]) feeding the part writer ([`crate::store::parts`]), and
//! the summary. The import is all-or-nothing, as survey imports are.

use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::ExitStatus;
use crate::cli::{Global, ImportTelemetryArgs, SummaryFormat};
use crate::ingest::telemetry::fields;
use crate::ingest::telemetry::read::{ReadOptions, read};
use crate::store::parts::write_parts;
use crate::store::workspace::{self, Txn, Workspace};

/// Runs `pulse import telemetry`.
pub fn run(g: &Global, a: &ImportTelemetryArgs) -> Result<ExitStatus> {
    let t0 = Instant::now();
    let Some(fields) = fields(&a.kind) else { bail!("unknown telemetry kind {:?}", a.kind) };
    let maps: Vec<(String, String)> = a
        .map
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(o, t)| (o.trim().to_string(), t.trim().to_string()))
                .with_context(|| format!("--map {m:?}: expected OUR=THEIRS"))
        })
        .collect::<Result<_>>()?;
    for (ours, _) in &maps {
        if !fields.iter().any(|f| f.name == ours) {
            bail!(
                "--map {ours}=…: {} has no column {ours:?}\nhint: columns: {}",
                a.kind,
                fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
            );
        }
    }
    let root = g.root();
    Workspace::open(&root)?;
    let source = a.source.clone().unwrap_or_else(|| {
        let stem =
            a.file.file_stem().map_or("telemetry".into(), |s| s.to_string_lossy().to_lowercase());
        stem.chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
            .take(40)
            .collect()
    });
    super::import::check_round_id(&source).context("--source")?;
    let lock = workspace::lock(&root, || {
        eprintln!("waiting for another pulse command to finish with this workspace…")
    })?;
    let ws = Workspace::open_locked(&root, &lock)?;
    let rel = format!("store/{}/source={source}", a.kind);
    if ws.path(&rel).exists() && !a.replace {
        bail!(
            "{} from source {source:?} is already imported\nhint: pass --replace, or --source NAME for another source",
            a.kind
        );
    }
    let mut txn = Txn::begin(&root)?;
    let dir = txn.stage(&rel)?;
    std::fs::create_dir_all(&dir)?;
    let file = a.file.display().to_string();
    if !a.file.is_file() {
        bail!("{file}: no such file");
    }
    let known = crate::store::telemetry::other_sources_keys(&ws, &a.kind, &source)?;
    let opts = ReadOptions {
        fields,
        maps: &maps,
        skip_bad_rows: a.skip_bad_rows,
        secret: ws.secret()?,
        known,
    };
    let mut summary = None;
    let parts = write_parts(dir, |w| {
        summary = Some(read(&a.file, &opts, &mut |df| w.write(df))?);
        Ok(())
    })?;
    let summary = summary.context("the telemetry read did not finish")?;
    if summary.rows == 0 {
        bail!("{file}: no rows to import");
    }
    workspace::crash_point("after-stage");
    txn.commit().context("writing the telemetry into the workspace")?;
    drop(lock);
    let skipped: usize = summary.skipped.values().sum();
    let range = |t: Option<i64>| {
        t.and_then(chrono::DateTime::from_timestamp_millis)
            .map(|d| d.format("%Y-%m-%d").to_string())
    };
    if a.format == SummaryFormat::Json {
        let v = serde_json::json!({
            "kind": a.kind, "source": source, "rows": summary.rows, "skipped": skipped,
            "skipped_reasons": summary.skipped, "parts": parts,
            "from": range(summary.min_time), "to": range(summary.max_time), "seconds": t0.elapsed().as_secs_f64(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "imported {} {} rows from {file} as source {source:?} ({} part(s){}) in {:.2} s",
            summary.rows,
            a.kind,
            parts,
            match (range(summary.min_time), range(summary.max_time)) {
                (Some(a), Some(b)) => format!(", {a} .. {b}"),
                _ => String::new(),
            },
            t0.elapsed().as_secs_f64()
        );
        if skipped > 0 {
            println!(
                "skipped {skipped} bad row(s): {}",
                summary
                    .skipped
                    .iter()
                    .map(|(r, n)| format!("{n} × {r}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }
    Ok(ExitStatus::Success)
}
