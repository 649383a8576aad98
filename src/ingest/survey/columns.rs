//! Column roles beyond the layout's: the user's overrides (pulse.toml `[columns]`, `--as`),
//! question columns whose content identifies people, segment columns, identifying columns
//! dropped or kept, and unique headers in a plain CSV. Reading answers is `items`'.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{Segment, SegmentSpec};
use crate::ingest::decode::{InputError, Pos};
use crate::ingest::grid::{Grid, Row};
use crate::ingest::layout::{ColumnSpec, Layout, Role};
use crate::ingest::scales::{is_excluded, normalise};

/// Applies the user's column overrides.
pub(super) fn apply_overrides(columns: &mut [ColumnSpec], overrides: &[(String, String)]) {
    for c in columns.iter_mut() {
        let (h, t) = (normalise(&c.header), normalise(&c.text));
        let Some((_, how)) =
            overrides.iter().rev().find(|(k, _)| normalise(k) == h || normalise(k) == t)
        else {
            continue;
        };
        let (role, text_hint) = match how.as_str() {
            "question" => (Role::Question, false),
            "text" => (Role::Question, true),
            "identifying" => (Role::Pii { person_key: false }, false),
            _ => (Role::Meta, false),
        };
        c.role = role;
        c.text_hint = text_hint;
        c.reason = format!("{how}: set by the user (pulse.toml [columns] or --as)");
    }
}

/// The segment columns `specs` name, marked as metadata, with their values (None when blank or
/// excluded).
pub(super) fn segments(
    columns: &mut [ColumnSpec],
    data: &[Row],
    specs: &[SegmentSpec],
) -> Vec<Segment> {
    let mut segments = Vec::new();
    for spec in specs {
        let wanted: Vec<String> =
            spec.headers.iter().chain([&spec.name]).map(|h| normalise(h)).collect();
        if let Some(c) = columns.iter_mut().find(|c| {
            // A segment the user names wins over "identifying by name" (an office location),
            // never over an e-mail or external reference.
            matches!(c.role, Role::Question | Role::Meta | Role::Pii { person_key: false })
                && (wanted.contains(&normalise(&c.header)) || wanted.contains(&normalise(&c.text)))
        }) {
            c.role = Role::Meta;
            let index = c.index;
            // A segment has few distinct values: each is checked once per run of rows.
            let values = data
                .par_chunks(4096)
                .flat_map_iter(|rows| {
                    let mut excluded: HashMap<&str, bool> = HashMap::new();
                    rows.iter()
                        .map(|r| {
                            let v = r.cells[index].trim();
                            let x = *excluded.entry(v).or_insert_with(|| is_excluded(v));
                            (!x).then(|| v.to_string())
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            segments.push(Segment { name: spec.name.clone(), header: c.header.clone(), values });
        }
    }
    segments
}

/// Identifying columns: the headers dropped, and the ones `keep` names with their values.
pub(super) fn identifying(
    columns: &[ColumnSpec],
    data: &[Row],
    keep: &[String],
) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let keep: Vec<String> = keep.iter().map(|k| normalise(k)).collect();
    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    for c in columns {
        if let Role::Pii { .. } = c.role {
            if keep.contains(&normalise(&c.header)) || keep.contains(&normalise(&c.text)) {
                kept.push((
                    c.header.clone(),
                    data.iter().map(|r| r.cells[c.index].to_string()).collect(),
                ));
            } else {
                dropped.push(c.header.clone());
            }
        }
    }
    (dropped, kept)
}

pub(super) fn check_unique_headers(
    file: &str,
    grid: &Grid,
    layout: &Layout,
) -> Result<(), InputError> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for c in &layout.columns {
        let k = normalise(&c.header);
        if k.is_empty() {
            continue;
        }
        if let Some(prev) = seen.insert(k, c.index) {
            return Err(InputError {
                file: file.to_string(),
                pos: Some(Pos { line: grid.rows[0].line, field: c.index + 1 }),
                message: format!("duplicate header {:?} (also field {})", c.header, prev + 1),
                hint: Some(
                    "rename one of the columns, or pass --platform if this is a platform export"
                        .into(),
                ),
            });
        }
    }
    Ok(())
}

/// Question columns whose answers are mostly e-mail, IP or phone numbers or coordinates identify
/// people, whatever kind they would have been.
pub(super) fn reclassify_by_content(columns: &mut [ColumnSpec], data: &[Row]) {
    for c in columns.iter_mut().filter(|c| c.role == Role::Question) {
        let vals: Vec<&str> = data
            .iter()
            .map(|r| r.cells[c.index].trim())
            .filter(|v| !v.is_empty() && !is_excluded(v))
            .take(200)
            .collect();
        if let Some(id) = crate::ingest::identify::by_content(&vals) {
            c.reason = format!("identifying: {}", id.what);
            c.role = Role::Pii { person_key: id.person_key };
        }
    }
}
