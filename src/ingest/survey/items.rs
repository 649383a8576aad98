//! Question columns to items: multi-select option groups, grids sharing a scale, and the kind of
//! each single column (scale, numeric, single choice, joined multi-select, free text), from its
//! distinct answers. Cells are interned per column (in parallel), never copied per respondent.

use std::collections::HashMap;

use super::intern::{Coded, intern, intern_all};
use super::multi::{joined_multi, split_joined};
use super::ranking::{ranking_from_joined, ranking_group};
use super::{Answers, Item, ItemKind, NONE};
use crate::ingest::grid::Row;
use crate::ingest::layout::{ColumnSpec, Platform, Role};
use crate::ingest::scales::{ScaleKind, detect_scale, finite_number, is_excluded, normalise};

const OPTION_YES: &[&str] = &["1", "y", "yes", "true", "selected", "checked", "x"];
const OPTION_NO: &[&str] = &["0", "n", "no", "false", "not selected", "unchecked"];

/// A column is a multi-select option flag when its answers are only its own label or yes/no.
fn is_option_column(c: &ColumnSpec, data: &[Row]) -> bool {
    let sub = c.sub.as_deref().map(normalise).unwrap_or_default();
    let mut any = false;
    for r in data {
        let v = normalise(&r.cells[c.index]);
        if v.is_empty() {
            continue;
        }
        any = true;
        if v != sub && !OPTION_YES.contains(&v.as_str()) && !OPTION_NO.contains(&v.as_str()) {
            return false;
        }
    }
    any
}

pub(super) fn items(
    columns: &[ColumnSpec],
    data: &[Row],
    platform: Platform,
    warnings: &mut Vec<String>,
) -> Vec<Item> {
    let qcols: Vec<&ColumnSpec> = columns.iter().filter(|c| c.role == Role::Question).collect();
    let mut coded = intern_all(&qcols, data);
    let mut out = Vec::new();
    let mut used_keys: HashMap<String, usize> = HashMap::new();
    let mut unique_key = |k: &str| {
        let n = used_keys.entry(k.to_string()).or_insert(0);
        *n += 1;
        if *n == 1 { k.to_string() } else { format!("{k} ({n})") }
    };
    let mut empty = Vec::new();
    let mut i = 0;
    while i < qcols.len() {
        let c = qcols[i];
        // A run of columns sharing a parent: a multi-select or a grid.
        let mut j = i + 1;
        if c.parent.is_some() {
            while j < qcols.len()
                && qcols[j].parent == c.parent
                && qcols[j].index == qcols[j - 1].index + 1
            {
                j += 1;
            }
        }
        let group = &qcols[i..j];
        let position = out.len() + 1;
        if group.len() > 1 || c.parent.is_some() {
            let (texts, flags): (Vec<&ColumnSpec>, Vec<&ColumnSpec>) =
                // An "Other (please specify)" column that only holds its own label is the
                // option flag; the one beside it with what people wrote is the text.
                group.iter().partition(|g| g.text_hint && !is_option_column(g, data));
            let parent_text = c.parent.as_deref().unwrap_or_default();
            let option_like = (flags.len() >= 2
                || (flags.len() == 1 && crate::ingest::layout::says_select_all(parent_text)))
                && flags.iter().all(|g| is_option_column(g, data));
            let parent = c.parent.clone().unwrap_or_default();
            if option_like {
                let options: Vec<String> =
                    flags.iter().map(|g| g.sub.clone().unwrap_or_default()).collect();
                let sets = data
                    .iter()
                    .map(|r| {
                        flags
                            .iter()
                            .filter(|g| {
                                let v = normalise(&r.cells[g.index]);
                                !v.is_empty() && !OPTION_NO.contains(&v.as_str())
                            })
                            .map(|g| g.sub.clone().unwrap_or_default())
                            .collect()
                    })
                    .collect();
                out.push(Item {
                    key: unique_key(&strip_suffix_key(&c.header)),
                    text: parent.clone(),
                    group: None,
                    kind: ItemKind::Multi,
                    options,
                    position,
                    answers: Answers::Sets(sets),
                    why: format!(
                        "multi-select: {} option columns under one question, each holding its own label or yes/no",
                        flags.len()
                    ),
                    columns: flags.iter().map(|g| g.index).collect(),
                });
            } else if let Some(n) = ranking_group(&flags, data, &parent) {
                // A ranking: one column per option holding its rank; each option is one item
                // with the ranks 1..n as its scale.
                for g in &flags {
                    let mut it = single_column_item(
                        g,
                        data,
                        platform,
                        Some(ScaleKind::Rank { n }),
                        &mut coded,
                    );
                    it.kind = ItemKind::Scale(ScaleKind::Rank { n });
                    it.options = vec![];
                    it.key = unique_key(&g.header);
                    it.group = Some(parent.clone());
                    if let Some(sub) = &g.sub {
                        it.text = format!("{parent} [{sub}]");
                    }
                    it.why = format!(
                        "ranking: {} option columns, ranks 1..{n} distinct within each response",
                        flags.len()
                    );
                    it.position = out.len() + 1;
                    out.push(it);
                }
            } else {
                // A grid: every row is its own question; rows share one scale where they can.
                let all: Vec<String> = flags
                    .iter()
                    .flat_map(|g| data.iter().map(|r| &r.cells[g.index]))
                    .filter(|v| !is_excluded(v))
                    .map(str::to_string)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let refs: Vec<&str> = all.iter().map(String::as_str).collect();
                let shared = detect_scale(&refs, None);
                for g in &flags {
                    let mut it = single_column_item(g, data, platform, shared.clone(), &mut coded);
                    it.key = unique_key(&g.header);
                    it.group = (flags.len() > 1).then(|| parent.clone());
                    if let (Some(p), Some(sub)) = (&it.group, &g.sub) {
                        it.text = format!("{p} [{sub}]");
                    }
                    if flags.len() > 1 {
                        it.why = format!("grid row: {} ({} rows)", it.why, flags.len());
                    }
                    it.position = out.len() + 1;
                    out.push(it);
                }
            }
            for g in texts {
                let mut it = text_item(g, data);
                if let (Some(p), Some(sub)) = (&g.parent, &g.sub) {
                    it.text = format!("{p} [{sub}]");
                }
                it.key = unique_key(&g.header);
                it.position = out.len() + 1;
                out.push(it);
            }
            i = j;
            continue;
        }
        let mut it = single_column_item(c, data, platform, None, &mut coded);
        it.key = unique_key(if c.header.trim().is_empty() { "column" } else { &c.header });
        it.position = position;
        if let Some(ranked) = ranking_from_joined(&it) {
            for mut r in ranked {
                r.key = unique_key(&r.key);
                r.position = out.len() + 1;
                out.push(r);
            }
            i = j;
            continue;
        }
        if matches!(&it.answers, Answers::Coded { labels, .. } if labels.is_empty()) {
            let h: String = c.header.chars().take(50).collect();
            empty.push(if h.len() < c.header.len() { format!("{h}…") } else { h });
        } else {
            out.push(it);
        }
        i = j;
    }
    if !empty.is_empty() {
        let more =
            if empty.len() > 3 { format!(" and {} more", empty.len() - 3) } else { String::new() };
        warnings.push(format!(
            "{} column(s) have no answers and were not imported: {:?}{more}",
            empty.len(),
            &empty[..empty.len().min(3)]
        ));
    }
    out
}

fn strip_suffix_key(h: &str) -> String {
    match h.rsplit_once('_') {
        Some((p, s)) if s.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => p.to_string(),
        _ => h.to_string(),
    }
}

fn text_item(c: &ColumnSpec, data: &[Row]) -> Item {
    Item {
        key: c.header.clone(),
        text: c.text.clone(),
        group: None,
        kind: ItemKind::Text,
        options: vec![],
        position: 0,
        answers: Answers::Texts(data.iter().map(|r| r.cells[c.index].trim().to_string()).collect()),
        why: if c.text_hint {
            "free text: the platform marks the column as text".into()
        } else {
            "free text: answers are long or mostly distinct".into()
        },
        columns: vec![c.index],
    }
}

fn single_column_item(
    c: &ColumnSpec,
    data: &[Row],
    platform: Platform,
    shared: Option<ScaleKind>,
    coded: &mut HashMap<usize, Coded>,
) -> Item {
    if c.text_hint {
        return text_item(c, data);
    }
    let (labels, codes) = coded.remove(&c.index).unwrap_or_else(|| intern(c, data));
    let valid: Vec<&str> = labels.iter().map(String::as_str).filter(|l| !is_excluded(l)).collect();
    let nonblank = codes.iter().filter(|&&k| k != NONE).count();
    let all_numbers = !valid.is_empty() && valid.iter().all(|l| finite_number(l).is_some());
    let kind = if all_numbers && asks_for_quantity(&c.text) {
        ItemKind::Numeric
    } else if all_numbers && is_zero_to_ten(&c.text, &valid) {
        ItemKind::Scale(ScaleKind::Numeric { low: 0, high: 10 })
    } else if let Some(s) = shared.filter(|s| valid.iter().all(|l| s.value_of(l).is_some())) {
        ItemKind::Scale(s)
    } else if let Some(s) = detect_scale(&valid, None) {
        ItemKind::Scale(s)
    } else if all_numbers {
        ItemKind::Numeric
    } else if let Some((sep, options)) = joined_multi(&valid, &codes, &labels, platform) {
        let sets =
            codes
                .iter()
                .map(|&k| {
                    if k == NONE {
                        vec![]
                    } else {
                        split_joined(&labels[k as usize], sep, &options)
                    }
                })
                .collect();
        return Item {
            key: c.header.clone(),
            text: c.text.clone(),
            group: None,
            kind: ItemKind::Multi,
            why: format!(
                "multi-select: options joined with {sep:?} in one cell ({} options)",
                options.len()
            ),
            options,
            position: 0,
            answers: Answers::Sets(sets),
            columns: vec![c.index],
        };
    } else if looks_categorical(&valid, nonblank) && !asks_for_text(&c.text, &valid) {
        ItemKind::Single
    } else {
        return text_item(c, data);
    };
    let options = if kind == ItemKind::Single {
        valid.iter().map(|s| s.to_string()).collect()
    } else {
        vec![]
    };
    let why = match &kind {
        ItemKind::Numeric => "numeric: every answer is a number".to_string(),
        ItemKind::Scale(ScaleKind::Numeric { low: 0, high: 10 }) => {
            "0-10 likelihood: the question asks for 0-10 and every answer fits".to_string()
        }
        ItemKind::Scale(s) => format!("rating: every answer is a point of the {} scale", s.name()),
        ItemKind::Single => format!("single choice: {} distinct answers that repeat", valid.len()),
        _ => String::new(),
    };
    Item {
        key: c.header.clone(),
        text: c.text.clone(),
        group: None,
        kind,
        options,
        position: 0,
        answers: Answers::Coded { labels, codes },
        why,
        columns: vec![c.index],
    }
}

/// "How many hours…" asks for a quantity, even when every answer happens to fall in 0–10.
fn asks_for_quantity(question: &str) -> bool {
    let q = normalise(question);
    ["how many", "hours", "number of", "how much time", "minutes", "days", "per week", "per month"]
        .iter()
        .any(|c| q.contains(c))
        && !q.contains("likely")
}

/// "How likely are you to recommend…" / "(0-10)" items are 0–10 scales even when nobody
/// answered 0 or 10.
fn is_zero_to_ten(question: &str, valid: &[&str]) -> bool {
    let q = normalise(question);
    let cue = q.contains("recommend")
        || q.contains("0-10")
        || q.contains("0 to 10")
        || q.contains("0–10");
    cue && valid.iter().all(|v| v.trim().parse::<u8>().is_ok_and(|n| n <= 10))
}

/// Open questions ("What is the one thing we should improve?") answered at length are text even
/// when answers repeat.
fn asks_for_text(question: &str, valid: &[&str]) -> bool {
    let q = normalise(question);
    let strong = [
        "comment",
        "anything else",
        "feedback",
        "tell us",
        "free text",
        "in your own words",
        "please describe",
        "please specify",
        "freitext",
        "texte libre",
        "texto libre",
        "kommentar",
        "commentaire",
        "comentario",
    ]
    .iter()
    .any(|c| q.contains(c));
    let weak = ["improve", "why", "suggest", "what is the one thing", "explain"]
        .iter()
        .any(|c| q.contains(c));
    let avg_len = valid.iter().map(|v| v.chars().count()).sum::<usize>() / valid.len().max(1);
    strong || (weak && avg_len > 25)
}

fn looks_categorical(valid: &[&str], nonblank: usize) -> bool {
    if valid.is_empty() {
        return true;
    }
    let avg_len = valid.iter().map(|v| v.chars().count()).sum::<usize>() / valid.len();
    valid.len() <= 30 && (valid.len() * 2 <= nonblank.max(2) || valid.len() <= 3) && avg_len <= 80
}
