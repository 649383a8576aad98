//! E-mail addresses and phone numbers inside choice labels and multi-select options become
//! `[email]` and `[phone]` (free text is scrubbed at the store).

use std::collections::HashMap;

use super::{Answers, Item, ItemKind, NONE};

/// E-mail addresses and phone numbers inside answers of every kind that carries text (single
/// choice labels, multi-select options; free text is scrubbed at the store) become `[email]` and
/// `[phone]`: an "Other" answer or a column with few distinct answers is still free text.
pub(super) fn scrub_labels(items: &mut [Item]) {
    use crate::ingest::privacy::scrub;
    for it in items.iter_mut() {
        match (&it.kind, &mut it.answers) {
            (ItemKind::Single, Answers::Coded { labels, codes }) => {
                let scrubbed: Vec<String> = labels.iter().map(|l| scrub(l)).collect();
                if scrubbed == *labels {
                    continue;
                }
                // Two addresses both become `[email]`: one label, one code.
                let mut merged: Vec<String> = Vec::new();
                let remap: Vec<u32> = scrubbed
                    .into_iter()
                    .map(|l| match merged.iter().position(|m| *m == l) {
                        Some(k) => k as u32,
                        None => {
                            merged.push(l);
                            (merged.len() - 1) as u32
                        }
                    })
                    .collect();
                for k in codes.iter_mut().filter(|k| **k != NONE) {
                    *k = remap[*k as usize];
                }
                *labels = merged;
                it.options = distinct_in_order(it.options.iter().map(|o| scrub(o)));
            }
            (ItemKind::Multi, Answers::Sets(sets)) => {
                let distinct: std::collections::HashSet<&String> = sets.iter().flatten().collect();
                let changed: HashMap<String, String> = distinct
                    .into_iter()
                    .filter_map(|l| {
                        let s = scrub(l);
                        (s != *l).then(|| (l.clone(), s))
                    })
                    .collect();
                if changed.is_empty() && it.options.iter().all(|o| scrub(o) == *o) {
                    continue;
                }
                for set in sets.iter_mut() {
                    *set = distinct_in_order(
                        set.iter().map(|l| changed.get(l).cloned().unwrap_or_else(|| l.clone())),
                    );
                }
                it.options = distinct_in_order(it.options.iter().map(|o| scrub(o)));
            }
            _ => {}
        }
    }
}

/// The values in first-seen order, each once (two scrubbed addresses are one `[email]`).
fn distinct_in_order(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}
