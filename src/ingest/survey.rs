//! A parsed survey round: respondents with metadata and segments, and items (questions) with
//! their answers, kinds and scales. Built from a [`Grid`] and its [`Layout`]; knows nothing of
//! the catalog or the store.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::decode::{Encoding, Grid};
use super::layout::{ColumnSpec, Layout, Platform, Role};
use super::privacy::{looks_like_email, looks_like_ip};
use super::scales::{ScaleKind, detect_scale, is_excluded, normalise};
use super::timestamp;

/// Sentinel code for a blank or excluded answer.
pub const NONE: u32 = u32::MAX;

/// The kind of a question.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// Ordinal rating on a known scale (Likert, numeric 1..N, 0–10 likelihood).
    Scale(ScaleKind),
    /// One option from a list.
    Single,
    /// Any number of options from a list.
    Multi,
    /// A number (hours, count).
    Numeric,
    /// Free text: goes to `comments`, scrubbed.
    Text,
}

impl ItemKind {
    /// The catalog name of the kind.
    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::Scale(ScaleKind::Numeric { low: 0, high: 10 }) => "likelihood",
            ItemKind::Scale(_) => "likert",
            ItemKind::Single => "single",
            ItemKind::Multi => "multi",
            ItemKind::Numeric => "numeric",
            ItemKind::Text => "text",
        }
    }
}

/// Answers to one item, one entry per respondent.
#[derive(Debug, Clone)]
pub enum Answers {
    /// A code into `labels` per respondent ([`NONE`] when blank).
    Coded {
        /// Distinct answer labels as written.
        labels: Vec<String>,
        /// Per respondent.
        codes: Vec<u32>,
    },
    /// Chosen option labels per respondent (multi-select).
    Sets(Vec<Vec<String>>),
    /// Free text per respondent (empty when blank).
    Texts(Vec<String>),
}

/// One question of the round (one grid row counts as one question).
#[derive(Debug, Clone)]
pub struct Item {
    /// Column header (export tag), unique within the file.
    pub key: String,
    /// The question as asked; grid rows are `Parent [Row]`.
    pub text: String,
    /// Grid / matrix parent text, shared by its rows.
    pub group: Option<String>,
    /// Kind and scale.
    pub kind: ItemKind,
    /// Known options (choice and multi-select), in first-seen order.
    pub options: Vec<String>,
    /// Position of the item in the export (1-based), for `questions`.
    pub position: usize,
    /// The answers.
    pub answers: Answers,
}

/// Metadata of one response.
#[derive(Debug, Clone, Default)]
pub struct Respondent {
    /// Line of the record in the file.
    pub line: u64,
    /// Stable key for the pseudonym: e-mail or external reference when present, else response id.
    pub person_key: String,
    /// Submission time.
    pub submitted: Option<NaiveDateTime>,
    /// Seconds taken.
    pub duration_s: Option<f64>,
    /// Whether the response is complete.
    pub complete: bool,
}

/// A segment column mapped from the export.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Segment name (`team`).
    pub name: String,
    /// Column header it came from.
    pub header: String,
    /// Value per respondent (None when blank).
    pub values: Vec<Option<String>>,
}

/// How to find a segment's column: the segment name and header texts that mean it.
#[derive(Debug, Clone)]
pub struct SegmentSpec {
    /// Segment name in `respondents`.
    pub name: String,
    /// Header texts (case- and space-insensitive) that name this segment's column.
    pub headers: Vec<String>,
}

/// Options for reading an export.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Forced platform; None detects it.
    pub platform: Option<Platform>,
    /// Identifying columns the user chose to keep (by header).
    pub keep_columns: Vec<String>,
    /// Segment columns to map.
    pub segments: Vec<SegmentSpec>,
}

/// A parsed round.
#[derive(Debug)]
pub struct Survey {
    /// Platform that wrote the export.
    pub platform: Platform,
    /// Export variant.
    pub variant: &'static str,
    /// Whether the platform was detected (true) or forced.
    pub detected: bool,
    /// Encoding read.
    pub encoding: Encoding,
    /// Respondents, in file order.
    pub respondents: Vec<Respondent>,
    /// Questions.
    pub items: Vec<Item>,
    /// Segments.
    pub segments: Vec<Segment>,
    /// Identifying columns dropped.
    pub dropped: Vec<String>,
    /// Identifying columns kept on request: header and values.
    pub kept: Vec<(String, Vec<String>)>,
    /// Things the user should know.
    pub warnings: Vec<String>,
}

/// Error for a layout pulse cannot place.
#[derive(Debug)]
pub struct UnknownLayout {
    /// First header cells, to show the user.
    pub first_headers: String,
}

/// Reads a survey from a grid.
pub fn read(
    grid: Grid,
    opts: &ReadOptions,
    file: &str,
) -> Result<Survey, super::decode::InputError> {
    let (platform, variant, detected) = match opts.platform {
        Some(p) if p != Platform::Plain => match super::layout::detect(&grid) {
            Some((d, v)) if d == p => (p, v, false),
            other => {
                return Err(super::decode::InputError {
                    file: file.to_string(),
                    pos: Some(super::decode::Pos { line: 1, field: 1 }),
                    message: format!(
                        "the header layout is not a {} export (it looks like {})",
                        p.name(),
                        other.map_or("no known platform", |(d, _)| d.name())
                    ),
                    hint: Some(
                        "use --platform auto, or --platform csv to read it as one header row"
                            .into(),
                    ),
                });
            }
        },
        Some(p) => (p, "one header row", false),
        None => match super::layout::detect(&grid) {
            Some((p, v)) => (p, v, true),
            None => (Platform::Plain, "one header row", true),
        },
    };
    let layout = super::layout::layout(&grid, platform, variant);
    if grid.rows.len() <= layout.header_rows {
        return Err(super::decode::InputError {
            file: file.to_string(),
            pos: None,
            message: format!("the file has {} header row(s) and no responses", layout.header_rows),
            hint: Some("export the survey again after responses have come in".into()),
        });
    }
    if platform == Platform::Plain {
        check_unique_headers(file, &grid, &layout)?;
    }
    let data = &grid.rows[layout.header_rows..];
    let mut warnings = grid.warnings.clone();
    let mut columns = layout.columns.clone();
    reclassify_by_content(&mut columns, data);

    // Segments first: their columns are not questions.
    let mut segments = Vec::new();
    for spec in &opts.segments {
        let wanted: Vec<String> =
            spec.headers.iter().chain([&spec.name]).map(|h| normalise(h)).collect();
        if let Some(c) = columns.iter_mut().find(|c| {
            matches!(c.role, Role::Question | Role::Meta)
                && (wanted.contains(&normalise(&c.header)) || wanted.contains(&normalise(&c.text)))
        }) {
            c.role = Role::Meta;
            let values = data
                .iter()
                .map(|r| {
                    let v = r.cells[c.index].trim();
                    (!is_excluded(v)).then(|| v.to_string())
                })
                .collect();
            segments.push(Segment { name: spec.name.clone(), header: c.header.clone(), values });
        }
    }

    let keep: Vec<String> = opts.keep_columns.iter().map(|k| normalise(k)).collect();
    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    for c in &columns {
        if let Role::Pii { .. } = c.role {
            if keep.contains(&normalise(&c.header)) || keep.contains(&normalise(&c.text)) {
                kept.push((
                    c.header.clone(),
                    data.iter().map(|r| r.cells[c.index].clone()).collect(),
                ));
            } else {
                dropped.push(c.header.clone());
            }
        }
    }

    let respondents = respondents(&columns, data, platform);
    let items = items(&columns, data, platform, &mut warnings);
    Ok(Survey {
        platform,
        variant,
        detected,
        encoding: grid.encoding,
        respondents,
        items,
        segments,
        dropped,
        kept,
        warnings,
    })
}

fn check_unique_headers(
    file: &str,
    grid: &Grid,
    layout: &Layout,
) -> Result<(), super::decode::InputError> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for c in &layout.columns {
        let k = normalise(&c.header);
        if k.is_empty() {
            continue;
        }
        if let Some(prev) = seen.insert(k, c.index) {
            return Err(super::decode::InputError {
                file: file.to_string(),
                pos: Some(super::decode::Pos { line: grid.rows[0].line, field: c.index + 1 }),
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

/// Question columns whose answers are e-mail or IP addresses identify people.
fn reclassify_by_content(columns: &mut [ColumnSpec], data: &[super::decode::Row]) {
    for c in columns.iter_mut().filter(|c| c.role == Role::Question) {
        let vals: Vec<&str> = data
            .iter()
            .map(|r| r.cells[c.index].trim())
            .filter(|v| !v.is_empty())
            .take(200)
            .collect();
        if vals.is_empty() {
            continue;
        }
        let emails = vals.iter().filter(|v| looks_like_email(v)).count();
        let ips = vals.iter().filter(|v| looks_like_ip(v)).count();
        if emails * 2 >= vals.len() {
            c.role = Role::Pii { person_key: true };
        } else if ips * 2 >= vals.len() {
            c.role = Role::Pii { person_key: false };
        }
    }
}

fn respondents(
    columns: &[ColumnSpec],
    data: &[super::decode::Row],
    platform: Platform,
) -> Vec<Respondent> {
    let find =
        |pred: &dyn Fn(&Role) -> bool| columns.iter().find(|c| pred(&c.role)).map(|c| c.index);
    let id_col = find(&|r| *r == Role::ResponseId);
    let person_col = find(&|r| *r == Role::Pii { person_key: true });
    let submitted_col = find(&|r| *r == Role::Submitted);
    let started_col = find(&|r| *r == Role::Started);
    let duration_col = find(&|r| *r == Role::Duration);
    let progress_col = find(&|r| *r == Role::Progress);
    let finished_col = find(&|r| *r == Role::Finished);
    data.iter()
        .map(|row| {
            let get = |c: Option<usize>| c.map(|i| row.cells[i].trim()).filter(|s| !s.is_empty());
            let person = get(person_col)
                .filter(|p| !p.eq_ignore_ascii_case("anonymous"))
                .map(|p| format!("person:{}", p.to_lowercase()))
                .or_else(|| get(id_col).map(|i| format!("{}:{i}", platform.name())))
                .unwrap_or_else(|| format!("{}:line{}", platform.name(), row.line));
            let submitted = get(submitted_col).and_then(timestamp::parse);
            let started = get(started_col).and_then(timestamp::parse);
            let duration_s =
                get(duration_col).and_then(|d| d.parse::<f64>().ok()).or_else(|| {
                    match (started, submitted) {
                        (Some(a), Some(b)) if b >= a => {
                            Some((b - a).num_milliseconds() as f64 / 1000.0)
                        }
                        _ => None,
                    }
                });
            let finished = get(finished_col).map(|f| {
                matches!(
                    normalise(f).as_str(),
                    "1" | "true" | "yes" | "completed" | "complete" | "finished"
                )
            });
            let progress_ok =
                get(progress_col).and_then(|p| p.parse::<f64>().ok()).map(|p| p >= 100.0);
            let complete = match (finished, progress_ok) {
                (Some(f), _) => f,
                (None, Some(p)) => p,
                // LimeSurvey: an incomplete response has an empty `Date submitted`.
                (None, None) if platform == Platform::LimeSurvey => submitted.is_some(),
                _ => true,
            };
            Respondent { line: row.line, person_key: person, submitted, duration_s, complete }
        })
        .collect()
}

const OPTION_YES: &[&str] = &["1", "y", "yes", "true", "selected", "checked", "x"];
const OPTION_NO: &[&str] = &["0", "n", "no", "false", "not selected", "unchecked"];

/// A column is a multi-select option flag when its answers are only its own label or yes/no.
fn is_option_column(c: &ColumnSpec, data: &[super::decode::Row]) -> bool {
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

fn items(
    columns: &[ColumnSpec],
    data: &[super::decode::Row],
    platform: Platform,
    warnings: &mut Vec<String>,
) -> Vec<Item> {
    let qcols: Vec<&ColumnSpec> = columns.iter().filter(|c| c.role == Role::Question).collect();
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
                group.iter().partition(|g| g.text_hint);
            let option_like = flags.len() >= 2 && flags.iter().all(|g| is_option_column(g, data));
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
                });
            } else {
                // A grid: every row is its own question; rows share one scale where they can.
                let all: Vec<String> = flags
                    .iter()
                    .flat_map(|g| data.iter().map(|r| r.cells[g.index].as_str()))
                    .filter(|v| !is_excluded(v))
                    .map(str::to_string)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let refs: Vec<&str> = all.iter().map(String::as_str).collect();
                let shared = detect_scale(&refs, None);
                for g in &flags {
                    let mut it = single_column_item(g, data, platform, shared.clone());
                    it.key = unique_key(&g.header);
                    it.group = (flags.len() > 1).then(|| parent.clone());
                    if let (Some(p), Some(sub)) = (&it.group, &g.sub) {
                        it.text = format!("{p} [{sub}]");
                    }
                    it.position = out.len() + 1;
                    out.push(it);
                }
            }
            for g in texts {
                let mut it = text_item(g, data);
                it.key = unique_key(&g.header);
                it.position = out.len() + 1;
                out.push(it);
            }
            i = j;
            continue;
        }
        let mut it = single_column_item(c, data, platform, None);
        it.key = unique_key(if c.header.trim().is_empty() { "column" } else { &c.header });
        it.position = position;
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

fn text_item(c: &ColumnSpec, data: &[super::decode::Row]) -> Item {
    Item {
        key: c.header.clone(),
        text: c.text.clone(),
        group: None,
        kind: ItemKind::Text,
        options: vec![],
        position: 0,
        answers: Answers::Texts(data.iter().map(|r| r.cells[c.index].trim().to_string()).collect()),
    }
}

/// Interns a column's cells; returns (distinct labels, codes), excluded answers coded too.
fn intern(c: &ColumnSpec, data: &[super::decode::Row]) -> (Vec<String>, Vec<u32>) {
    let mut map: HashMap<&str, u32> = HashMap::new();
    let mut labels = Vec::new();
    let codes = data
        .iter()
        .map(|r| {
            let v = r.cells[c.index].trim();
            if v.is_empty() {
                return NONE;
            }
            *map.entry(v).or_insert_with(|| {
                labels.push(v.to_string());
                (labels.len() - 1) as u32
            })
        })
        .collect();
    (labels, codes)
}

fn single_column_item(
    c: &ColumnSpec,
    data: &[super::decode::Row],
    platform: Platform,
    shared: Option<ScaleKind>,
) -> Item {
    if c.text_hint {
        return text_item(c, data);
    }
    let (labels, codes) = intern(c, data);
    let valid: Vec<&str> = labels.iter().map(String::as_str).filter(|l| !is_excluded(l)).collect();
    let nonblank = codes.iter().filter(|&&k| k != NONE).count();
    let all_numbers =
        !valid.is_empty() && valid.iter().all(|l| l.trim().replace(',', "").parse::<f64>().is_ok());
    let kind = if all_numbers && asks_for_quantity(&c.text) {
        ItemKind::Numeric
    } else if all_numbers && is_zero_to_ten(&c.text, &valid) {
        ItemKind::Scale(ScaleKind::Numeric { low: 0, high: 10 })
    } else if let Some(s) = shared.filter(|s| valid.iter().all(|l| s.value_of(l).is_some())) {
        ItemKind::Scale(s)
    } else if let Some(s) = detect_scale(&valid, None) {
        ItemKind::Scale(s)
    } else if !valid.is_empty()
        && valid.iter().all(|l| l.trim().replace(',', "").parse::<f64>().is_ok())
    {
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
            options,
            position: 0,
            answers: Answers::Sets(sets),
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
    Item {
        key: c.header.clone(),
        text: c.text.clone(),
        group: None,
        kind,
        options,
        position: 0,
        answers: Answers::Coded { labels, codes },
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
    let strong = ["comment", "anything else", "feedback", "tell us"].iter().any(|c| q.contains(c));
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

/// Fragments of a joined multi-select cell, with lowercase continuations glued back on
/// ("Yes, with changes" stays one option).
fn fragments(cell: &str, sep: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in cell.split(sep).map(str::trim).filter(|f| !f.is_empty()) {
        match out.last_mut() {
            Some(prev) if f.starts_with(|c: char| c.is_lowercase()) && sep.starts_with(',') => {
                prev.push_str(sep);
                prev.push_str(f);
            }
            _ => out.push(f.to_string()),
        }
    }
    out
}

/// Detects options joined in one cell (Google Forms `", "`, Microsoft Forms / Forms download `;`).
fn joined_multi(
    valid: &[&str],
    codes: &[u32],
    labels: &[String],
    platform: Platform,
) -> Option<(&'static str, Vec<String>)> {
    let seps: &[&'static str] = match platform {
        Platform::GoogleForms => &[", ", ";"],
        Platform::MicrosoftForms => &[";"],
        Platform::Plain | Platform::Typeform => &[";", ", "],
        _ => &[],
    };
    let mut counts = vec![0usize; labels.len()];
    for &k in codes.iter().filter(|&&k| k != NONE) {
        counts[k as usize] += 1;
    }
    let cells: usize = counts.iter().sum();
    for &sep in seps {
        if !valid.iter().any(|v| v.contains(sep)) {
            continue;
        }
        let mut frag_count: HashMap<String, usize> = HashMap::new();
        for (l, &n) in labels.iter().zip(&counts) {
            for f in fragments(l, sep) {
                *frag_count.entry(f).or_default() += n;
            }
        }
        let min = 2.max(cells / 100);
        let common: Vec<&String> =
            frag_count.iter().filter(|(_, n)| **n >= min).map(|(f, _)| f).collect();
        if common.len() < 2 || common.len() > 40 {
            continue;
        }
        let covered: usize = labels
            .iter()
            .zip(&counts)
            .filter(|(l, _)| fragments(l, sep).iter().all(|f| frag_count[f] >= min))
            .map(|(_, &n)| n)
            .sum();
        let multi_cells: usize = labels
            .iter()
            .zip(&counts)
            .filter(|(l, _)| fragments(l, sep).len() > 1)
            .map(|(_, &n)| n)
            .sum();
        // Evidence of combinations: in a multi-select some option shows up in two different
        // cells (chosen with different partners, or alone). A single-choice option that merely
        // contains the separator always comes with the same fragments.
        let mut seen_in: HashMap<String, usize> = HashMap::new();
        for l in labels {
            let mut fs = fragments(l, sep);
            fs.dedup();
            for f in fs {
                *seen_in.entry(f).or_default() += 1;
            }
        }
        let combos = usize::from(seen_in.values().any(|&n| n >= 2));
        if covered * 10 >= cells * 8 && multi_cells > 0 && combos > 0 {
            let mut options: Vec<String> = Vec::new();
            for l in labels {
                for f in fragments(l, sep) {
                    if frag_count[&f] >= min && !options.contains(&f) {
                        options.push(f);
                    }
                }
            }
            return Some((sep, options));
        }
    }
    None
}

/// Splits a joined cell against the known options, longest match first; unknown text is "Other".
pub fn split_joined(cell: &str, sep: &str, options: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = cell.trim();
    let mut sorted: Vec<&String> = options.iter().collect();
    sorted.sort_by_key(|o| std::cmp::Reverse(o.len()));
    while !rest.is_empty() {
        let hit = sorted.iter().find(|o| {
            rest.starts_with(o.as_str()) && {
                let after = &rest[o.len()..];
                after.trim().is_empty()
                    || after.starts_with(sep)
                    || after.trim_start().starts_with(sep.trim())
            }
        });
        match hit {
            Some(o) => {
                if !out.contains(*o) {
                    out.push((*o).clone());
                }
                rest = rest[o.len()..].trim_start();
            }
            None => {
                let end = rest.find(sep).unwrap_or(rest.len());
                if !out.iter().any(|o| o == "Other") {
                    out.push("Other".to_string());
                }
                rest = &rest[end..];
            }
        }
        rest = rest.strip_prefix(sep.trim()).unwrap_or(rest).trim_start();
    }
    out
}

/// Flags for response quality, per respondent: `duplicate`, `speeder`, `straightliner`, `incomplete`.
pub fn quality_flags(s: &Survey, pseudonyms: &[String]) -> Vec<Vec<&'static str>> {
    let n = s.respondents.len();
    let mut flags = vec![Vec::new(); n];
    // Duplicates: every response of a person except the latest submitted one.
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, p) in pseudonyms.iter().enumerate() {
        match last.get(p.as_str()) {
            Some(&j) if s.respondents[j].submitted > s.respondents[i].submitted => {
                flags[i].push("duplicate")
            }
            Some(&j) => {
                flags[j].push("duplicate");
                last.insert(p, i);
            }
            None => {
                last.insert(p, i);
            }
        }
    }
    let mut durations: Vec<f64> = s.respondents.iter().filter_map(|r| r.duration_s).collect();
    durations.sort_by(f64::total_cmp);
    let median = if durations.is_empty() {
        None
    } else {
        let m = durations.len() / 2;
        Some(if durations.len().is_multiple_of(2) {
            f64::midpoint(durations[m - 1], durations[m])
        } else {
            durations[m]
        })
    };
    for (i, r) in s.respondents.iter().enumerate() {
        if let (Some(d), Some(m)) = (r.duration_s, median)
            && d < m / 3.0
        {
            flags[i].push("speeder");
        }
        if !r.complete {
            flags[i].push("incomplete");
        }
    }
    // Straight-lining: the same answer on every row of a grid with 5 or more rows.
    let mut grids: HashMap<&str, Vec<&Item>> = HashMap::new();
    for it in &s.items {
        if let (Some(g), ItemKind::Scale(_)) = (&it.group, &it.kind) {
            grids.entry(g.as_str()).or_default().push(it);
        }
    }
    for rows in grids.values().filter(|r| r.len() >= 5) {
        for (i, f) in flags.iter_mut().enumerate() {
            let answers: Vec<Option<&str>> = rows
                .iter()
                .map(|it| match &it.answers {
                    Answers::Coded { labels, codes } if codes[i] != NONE => {
                        Some(labels[codes[i] as usize].as_str())
                    }
                    _ => None,
                })
                .collect();
            if answers.iter().all(Option::is_some)
                && answers.windows(2).all(|w| w[0] == w[1])
                && !f.contains(&"straightliner")
            {
                f.push("straightliner");
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_against_known_options_with_commas() {
        let opts = vec![
            "Data science, statistics".to_string(),
            "Physics".to_string(),
            "Biology".to_string(),
        ];
        assert_eq!(
            split_joined("Data science, statistics, Physics", ", ", &opts),
            vec!["Data science, statistics", "Physics"]
        );
        assert_eq!(
            split_joined("Physics, Underwater basket weaving", ", ", &opts),
            vec!["Physics", "Other"]
        );
        assert_eq!(split_joined("A;B;", ";", &["A".into(), "B".into()]), vec!["A", "B"]);
    }

    #[test]
    fn lowercase_continuations_glue() {
        assert_eq!(fragments("Yes, with changes, No", ", "), vec!["Yes, with changes", "No"]);
    }
}
