//! Writing one survey round into the workspace, all or nothing: under the workspace lock, link
//! the round's items into the catalog, build its tables, stage them with the catalog and
//! `pulse.toml`, and commit.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::build::{self, RoundFrames};
use super::catalog::{Catalog, Linked};
use super::frames;
use super::workspace::{self, CATALOG, RoundMeta, Txn, Workspace, crash_point};
use crate::ingest::survey::Survey;

/// What to write.
#[derive(Debug, Clone)]
pub struct RoundImport<'a> {
    /// Round ID (checked by the caller).
    pub round: &'a str,
    /// Replace the round if it was imported before.
    pub replace: bool,
    /// People invited (kept from the previous import of the round when None).
    pub invited: Option<u64>,
    /// The export's file name, for `rounds`.
    pub source_file: String,
    /// When the round ran (YYYY-MM-DD), if known.
    pub date: Option<String>,
    /// Column overrides to keep in pulse.toml for later rounds (header, how).
    pub columns: Vec<(String, String)>,
}

/// What was written.
#[derive(Debug)]
pub struct Imported {
    /// How the items were linked into the catalog.
    pub linked: Linked,
    /// The round's tables.
    pub frames: RoundFrames,
    /// The workspace as it is after the import.
    pub ws: Workspace,
}

/// Imports a parsed round. `phase` hears what is being done (for progress messages);
/// `on_wait` is called when another command holds the workspace lock.
pub fn import_round(
    root: &Path,
    r: &RoundImport,
    parsed: &mut Survey,
    phase: &dyn Fn(&str),
    on_wait: impl FnOnce(),
) -> Result<Imported> {
    let lock = workspace::lock(root, on_wait)?;
    let mut ws = Workspace::open_locked(root, &lock)?;
    if ws.config.rounds.contains_key(r.round) && !r.replace {
        bail!("round {} is already imported\nhint: pass --replace to import it again", r.round);
    }
    phase("linking questions");
    let mut catalog = Catalog::load(&ws)?;
    catalog.remove_round(r.round);
    let linked = catalog.link(r.round, &mut parsed.items);
    let ids: Vec<String> = linked.links.iter().map(|(id, _)| id.clone()).collect();
    let secret = ws.secret()?;
    phase("building tables");
    let mut rf = build::round_frames(parsed, &ids, &secret)?;
    phase("writing Parquet");

    let mut txn = Txn::begin(root)?;
    let mut staged = Vec::new();
    for table in frames::ROUND_TABLES {
        let dir = txn.stage(&frames::partition(table, r.round))?;
        staged.push(dir.join("part-0.parquet"));
    }
    // The tables at once: `responses` is most of the work, the rest come free.
    let respondents = parsed.respondents.len();
    let tables = [
        &mut rf.responses,
        &mut rf.labels,
        &mut rf.respondents,
        &mut rf.comments,
        &mut rf.questions,
    ];
    let written: Vec<Result<()>> = {
        use rayon::prelude::*;
        tables
            .into_par_iter()
            .zip(staged.par_iter())
            .enumerate()
            .map(|(k, (df, path))| match k {
                0 => frames::write_responses(path, df, respondents),
                _ => frames::write_parquet(path, df),
            })
            .collect()
    };
    written.into_iter().collect::<Result<Vec<()>>>()?;
    crash_point("after-stage");
    txn.write(CATALOG, catalog.to_toml()?.as_bytes())?;
    let invited = r.invited.or_else(|| ws.config.rounds.get(r.round).and_then(|m| m.invited));
    ws.config.rounds.insert(
        r.round.to_string(),
        RoundMeta {
            invited,
            platform: parsed.platform.name().to_string(),
            source_file: r.source_file.clone(),
            imported_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            responses: parsed.respondents.len() as u64,
            segments: parsed.segments.iter().map(|s| s.name.clone()).collect(),
            date: r.date.clone(),
        },
    );
    for (h, how) in &r.columns {
        ws.config.columns.insert(h.clone(), how.clone());
    }
    txn.write("pulse.toml", ws.render_config()?.as_bytes())?;
    phase("committing");
    txn.commit().context("writing the round into the workspace")?;
    drop(lock);
    Ok(Imported { linked, frames: rf, ws })
}
