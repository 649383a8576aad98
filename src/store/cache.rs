//! A cache of derived results in the private `.pulse/cache/` folder, keyed by a fingerprint of
//! everything they are derived from (pulse.toml, catalog.toml, the survey tables' files). A
//! stale or unreadable entry is recomputed, never trusted; a cache that cannot be written is
//! skipped silently (a read-only workspace still works).

use std::fs;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::workspace::Workspace;

/// Bump when what a cached result means changes (it is part of every fingerprint).
const VERSION: &str = "pulse-cache-2";

/// A fingerprint of the workspace's data: pulse.toml and catalog.toml as written, and the path,
/// size and modification time of every file of the store.
pub fn survey_fingerprint(ws: &Workspace) -> String {
    let mut h = blake3::Hasher::new();
    h.update(VERSION.as_bytes());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for f in ["pulse.toml", "catalog.toml"] {
        h.update(f.as_bytes());
        h.update(&fs::read(ws.path(f)).unwrap_or_default());
    }
    hash_tree(&mut h, &ws.path("store"));
    h.finalize().to_hex().to_string()
}

fn hash_tree(h: &mut blake3::Hasher, dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        h.update(p.to_string_lossy().as_bytes());
        if p.is_dir() {
            hash_tree(h, &p);
        } else if let Ok(m) = fs::metadata(&p) {
            h.update(&m.len().to_le_bytes());
            let t = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            h.update(&t.map_or(0, |d| d.as_nanos()).to_le_bytes());
        }
    }
}

#[derive(Serialize, serde::Deserialize)]
struct Entry<T> {
    key: String,
    value: T,
}

/// The cached `name` when it was stored under `key`.
pub fn load<T: DeserializeOwned>(ws: &Workspace, name: &str, key: &str) -> Option<T> {
    let bytes = fs::read(ws.path(&format!(".pulse/cache/{name}.json"))).ok()?;
    let e: Entry<T> = serde_json::from_slice(&bytes).ok()?;
    (e.key == key).then_some(e.value)
}

/// Stores `value` as `name` under `key` (atomically: a temporary file renamed into place).
pub fn save<T: Serialize>(ws: &Workspace, name: &str, key: &str, value: &T) {
    let dir = ws.path(".pulse/cache");
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(&dir)?;
        let tmp = dir.join(format!("{name}.json.{}", std::process::id()));
        let bytes = serde_json::to_vec(&Entry { key: key.to_string(), value })?;
        fs::write(&tmp, bytes)?;
        fs::rename(&tmp, dir.join(format!("{name}.json")))
    };
    let _ = write();
}
