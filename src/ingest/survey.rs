//! A parsed survey round: respondents with metadata and segments, and items (questions) with
//! their answers, kinds and scales. Built from a [`Grid`] and its [`Layout`]; knows nothing of
//! the catalog or the store.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rayon::prelude::*;

use super::decode::Encoding;
use super::grid::Grid;
use super::layout::{ColumnSpec, Layout, Platform, Role};
use super::scales::{ScaleKind, is_excluded, is_non_finite, normalise};
use super::timestamp;

mod items;
mod multi;
pub mod quality;

pub use multi::split_joined;
pub use quality::quality_flags;

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
            ItemKind::Scale(ScaleKind::Rank { .. }) => "ranking",
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
    /// Why it has its kind (for `import --dry-run`).
    pub why: String,
    /// The export columns it was read from (0-based).
    pub columns: Vec<usize>,
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
    /// Day-first or month-first dates (`--date-order`); None infers it from the file.
    pub date_order: Option<timestamp::DateOrder>,
    /// The worksheet of a workbook (`--sheet`); None reads the first.
    pub sheet: Option<String>,
    /// How to read columns, by header or question text: `question`, `text`, `identifying`,
    /// `metadata` (pulse.toml `[columns]` and `--as`); these win over every detection.
    pub overrides: Vec<(String, String)>,
}

/// The values an override may take.
pub const OVERRIDES: [&str; 4] = ["question", "text", "identifying", "metadata"];

/// Applies the user's column overrides.
fn apply_overrides(columns: &mut [ColumnSpec], overrides: &[(String, String)]) {
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
    /// Answer and duration cells spelling a non-finite number (`NaN`, `inf`): read as missing.
    pub non_finite: usize,
    /// How dates with the year last were read, and why (None when the file has none).
    pub date_order: Option<(timestamp::DateOrder, String)>,
    /// The columns as interpreted (role and reason), for `--dry-run`.
    pub columns: Vec<ColumnSpec>,
}

/// Error for a layout pulse cannot place.
#[derive(Debug)]
pub struct UnknownLayout {
    /// First header cells, to show the user.
    pub first_headers: String,
}

/// Reads an export file into a round: decode, parse, detect the layout, read. `phase` hears
/// what is being done (for progress messages).
pub fn read_file(
    path: &std::path::Path,
    encoding: Option<Encoding>,
    opts: &ReadOptions,
    phase: &dyn Fn(&str),
) -> anyhow::Result<Survey> {
    let file = path.display().to_string();
    phase(&format!("reading {file}"));
    let grid = super::grid::read_export(path, encoding, opts.sheet.as_deref())?;
    phase(&format!("parsing {} rows", grid.rows.len()));
    let parsed = read(grid, opts, &file)?;
    if parsed.items.is_empty() {
        anyhow::bail!(
            "{file}: no question columns found\nhint: pass --platform if the layout was not recognised"
        );
    }
    Ok(parsed)
}

/// Reads a survey from a grid.
pub fn read(
    mut grid: Grid,
    opts: &ReadOptions,
    file: &str,
) -> Result<Survey, super::decode::InputError> {
    let mut skipped = Vec::new();
    if matches!(opts.platform, None | Some(Platform::Plain))
        && super::layout::detect(&grid).is_none()
    {
        skipped = super::header_rows::skip_extra_header_rows(&mut grid, file);
    }
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
    warnings.extend(skipped);
    let mut columns = layout.columns.clone();
    reclassify_by_content(&mut columns, data);
    apply_overrides(&mut columns, &opts.overrides);

    // Segments first: their columns are not questions.
    let mut segments = Vec::new();
    for spec in &opts.segments {
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

    let keep: Vec<String> = opts.keep_columns.iter().map(|k| normalise(k)).collect();
    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    for c in &columns {
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

    let date_order = date_order(&columns, data, opts.date_order, file, &mut warnings)?;
    let respondents =
        respondents(&columns, data, platform, date_order.as_ref().map(|d| d.0), &mut warnings);
    let mut items = items::items(&columns, data, platform, &mut warnings);
    scrub_labels(&mut items);
    let non_finite = count_non_finite(&columns, data, &items);
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
        non_finite,
        date_order,
        columns,
    })
}

/// Decides day-first or month-first for the file's dates from all of its values: a first number
/// over 12 means day-first, a second over 12 month-first. Values that contradict each other are
/// an error unless `--date-order` says which; a file where no value decides is read month-first
/// with a warning.
fn date_order(
    columns: &[ColumnSpec],
    data: &[super::grid::Row],
    given: Option<timestamp::DateOrder>,
    file: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<(timestamp::DateOrder, String)>, super::decode::InputError> {
    use timestamp::{DateOrder, OrderEvidence};
    let mut e = OrderEvidence::default();
    for c in columns.iter().filter(|c| matches!(c.role, Role::Submitted | Role::Started)) {
        for r in data {
            e.add(&r.cells[c.index]);
        }
    }
    if e.dmy + e.mdy + e.ambiguous == 0 {
        return Ok(given.map(|o| (o, "--date-order (the file has no day/month dates)".into())));
    }
    if let Some(o) = given {
        return Ok(Some((o, "--date-order".into())));
    }
    match e.decided() {
        Some(o @ DateOrder::Dmy) => Ok(Some((
            o,
            format!("day-first: {:?} has a day over 12", e.examples.0.unwrap_or_default()),
        ))),
        Some(o) => Ok(Some((
            o,
            format!("month-first: {:?} has a day over 12", e.examples.1.unwrap_or_default()),
        ))),
        None if e.dmy > 0 => Err(super::decode::InputError {
            file: file.to_string(),
            pos: None,
            message: format!(
                "the submission dates contradict each other: {:?} reads only day-first, {:?} only month-first",
                e.examples.0.unwrap_or_default(),
                e.examples.1.unwrap_or_default()
            ),
            hint: Some("pass --date-order dmy or --date-order mdy".into()),
        }),
        None => {
            warnings.push(format!(
                "dates are ambiguous: in all {} values both day and month are 12 or less; read month-first (pass --date-order dmy if the export is day-first, e.g. a UK-locale tenant)",
                e.ambiguous
            ));
            Ok(Some((DateOrder::Mdy, "month-first by default: no value decides (warned)".into())))
        }
    }
}

/// Counts the cells that spell a non-finite number in items and in the duration column.
fn count_non_finite(columns: &[ColumnSpec], data: &[super::grid::Row], items: &[Item]) -> usize {
    let in_items: usize = items
        .iter()
        .map(|it| match &it.answers {
            Answers::Coded { labels, codes } => {
                let bad: Vec<bool> = labels.iter().map(|l| is_non_finite(l)).collect();
                if bad.iter().any(|&b| b) {
                    codes.iter().filter(|&&k| k != NONE && bad[k as usize]).count()
                } else {
                    0
                }
            }
            Answers::Texts(t) => t.iter().filter(|t| is_non_finite(t)).count(),
            Answers::Sets(_) => 0,
        })
        .sum();
    let durations = columns
        .iter()
        .filter(|c| c.role == Role::Duration)
        .take(1)
        .map(|c| data.iter().filter(|r| is_non_finite(&r.cells[c.index])).count())
        .sum::<usize>();
    in_items + durations
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

/// Question columns whose answers are mostly e-mail, IP or phone numbers or coordinates identify
/// people, whatever kind they would have been.
fn reclassify_by_content(columns: &mut [ColumnSpec], data: &[super::grid::Row]) {
    for c in columns.iter_mut().filter(|c| c.role == Role::Question) {
        let vals: Vec<&str> = data
            .iter()
            .map(|r| r.cells[c.index].trim())
            .filter(|v| !v.is_empty() && !is_excluded(v))
            .take(200)
            .collect();
        if let Some(id) = super::identify::by_content(&vals) {
            c.reason = format!("identifying: {}", id.what);
            c.role = Role::Pii { person_key: id.person_key };
        }
    }
}

/// E-mail addresses and phone numbers inside answers of every kind that carries text (single
/// choice labels, multi-select options; free text is scrubbed at the store) become `[email]` and
/// `[phone]`: an "Other" answer or a column with few distinct answers is still free text.
fn scrub_labels(items: &mut [Item]) {
    use super::privacy::scrub;
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

fn respondents(
    columns: &[ColumnSpec],
    data: &[super::grid::Row],
    platform: Platform,
    order: Option<timestamp::DateOrder>,
    warnings: &mut Vec<String>,
) -> Vec<Respondent> {
    let order = order.unwrap_or(timestamp::DateOrder::Mdy);
    let unreadable = std::sync::atomic::AtomicUsize::new(0);
    let when = |s: &str| {
        let t = timestamp::parse_ordered(s, order);
        if t.is_none() {
            unreadable.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        t
    };
    let find =
        |pred: &dyn Fn(&Role) -> bool| columns.iter().find(|c| pred(&c.role)).map(|c| c.index);
    let id_col = find(&|r| *r == Role::ResponseId);
    let person_col = find(&|r| *r == Role::Pii { person_key: true });
    let submitted_col = find(&|r| *r == Role::Submitted);
    let started_col = find(&|r| *r == Role::Started);
    let duration_col = find(&|r| *r == Role::Duration);
    let progress_col = find(&|r| *r == Role::Progress);
    let finished_col = find(&|r| *r == Role::Finished);
    // In parallel: timestamps and pseudonym keys are the work, one row at a time.
    let out = data
        .par_iter()
        .map(|row| {
            let get = |c: Option<usize>| c.map(|i| row.cells[i].trim()).filter(|s| !s.is_empty());
            let person = get(person_col)
                .filter(|p| !p.eq_ignore_ascii_case("anonymous"))
                .map(|p| format!("person:{}", p.to_lowercase()))
                .or_else(|| get(id_col).map(|i| format!("{}:{i}", platform.name())))
                .unwrap_or_else(|| format!("{}:line{}", platform.name(), row.line));
            let submitted = get(submitted_col).and_then(when);
            let started = get(started_col).and_then(when);
            let duration_s = get(duration_col)
                .and_then(|d| d.parse::<f64>().ok().filter(|v| v.is_finite()))
                .or_else(|| match (started, submitted) {
                    (Some(a), Some(b)) if b >= a => {
                        Some((b - a).num_milliseconds() as f64 / 1000.0)
                    }
                    _ => None,
                });
            let finished = get(finished_col).map(|f| {
                matches!(
                    normalise(f).as_str(),
                    "1" | "true" | "yes" | "completed" | "complete" | "finished"
                )
            });
            let progress_ok = get(progress_col)
                .and_then(|p| p.parse::<f64>().ok().filter(|v| v.is_finite()))
                .map(|p| p >= 100.0);
            let complete = match (finished, progress_ok) {
                (Some(f), _) => f,
                (None, Some(p)) => p,
                // LimeSurvey: an incomplete response has an empty `Date submitted`.
                (None, None) if platform == Platform::LimeSurvey => submitted.is_some(),
                _ => true,
            };
            Respondent { line: row.line, person_key: person, submitted, duration_s, complete }
        })
        .collect();
    let bad = unreadable.into_inner();
    if bad > 0 {
        warnings.push(format!(
            "{bad} date cell(s) could not be read as {} dates and were left empty",
            order.name()
        ));
    }
    out
}
