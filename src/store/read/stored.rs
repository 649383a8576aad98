//! A round's stored codes and dictionaries, read once per process.

use anyhow::{Context, Result};

use crate::store::frames;
use crate::store::responses::{self, Codes, Dicts};
use crate::store::workspace::Workspace;

/// What identifies a round's stored files: the `responses` file and its dictionaries' files,
/// with their sizes and modification times (an import replaces them all).
type StoredKey = Vec<(std::path::PathBuf, u64, Option<std::time::SystemTime>)>;

/// A round's stored codes and their dictionaries (None for a round stored before the codes),
/// read once per process: a command reads a round's answers, then the disclosure plan reads
/// them again for the round's population. The arrays are shared, not copied; the last few
/// rounds read are kept.
pub(crate) fn stored(ws: &Workspace, round: &str) -> Result<Option<(Codes, Dicts)>> {
    use std::sync::Mutex;
    const KEEP: usize = 3;
    static MEMO: Mutex<Vec<(StoredKey, (Codes, Dicts))>> = Mutex::new(Vec::new());
    let Some(f) = responses::file(ws, round).filter(|f| responses::is_coded(f).unwrap_or(false))
    else {
        return Ok(None);
    };
    let key: StoredKey = std::iter::once(f.clone())
        .chain(
            ["respondents", "questions", "labels"]
                .iter()
                .map(|t| ws.path(&frames::partition(t, round)).join("part-0.parquet")),
        )
        .map(|p| {
            let m = std::fs::metadata(&p).ok();
            let len = m.as_ref().map_or(0, std::fs::Metadata::len);
            let modified = m.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect();
    if let Some(hit) =
        MEMO.lock().ok().and_then(|m| m.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()))
    {
        return Ok(Some(hit));
    }
    let (codes, dicts) = rayon::join(|| responses::codes(&f), || Dicts::read(ws, round));
    let got = (
        codes.with_context(|| format!("reading the responses of round {round}"))?,
        dicts.with_context(|| format!("reading the responses of round {round}"))?,
    );
    if let Ok(mut m) = MEMO.lock() {
        m.retain(|(k, _)| *k != key);
        if m.len() >= KEEP {
            m.remove(0);
        }
        m.push((key, got.clone()));
    }
    Ok(Some(got))
}
