//! A parsed survey round: respondents with metadata and segments, and items (questions) with
//! their answers, kinds and scales. Built from a [`Grid`] and its [`Layout`]; knows nothing of
//! the catalog or the store.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rayon::prelude::*;

use super::decode::Encoding;
use super::grid::Grid;
use super::layout::{ColumnSpec, Layout, Platform, Role};
use super::privacy::{looks_like_email, looks_like_ip};
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
    /// Answer and duration cells spelling a non-finite number (`NaN`, `inf`): read as missing.
    pub non_finite: usize,
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
    let grid = super::grid::read_grid(path, encoding)?;
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

    let respondents = respondents(&columns, data, platform);
    let items = items::items(&columns, data, platform, &mut warnings);
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
    })
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

/// Question columns whose answers are e-mail or IP addresses identify people.
fn reclassify_by_content(columns: &mut [ColumnSpec], data: &[super::grid::Row]) {
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
    data: &[super::grid::Row],
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
    // In parallel: timestamps and pseudonym keys are the work, one row at a time.
    data.par_iter()
        .map(|row| {
            let get = |c: Option<usize>| c.map(|i| row.cells[i].trim()).filter(|s| !s.is_empty());
            let person = get(person_col)
                .filter(|p| !p.eq_ignore_ascii_case("anonymous"))
                .map(|p| format!("person:{}", p.to_lowercase()))
                .or_else(|| get(id_col).map(|i| format!("{}:{i}", platform.name())))
                .unwrap_or_else(|| format!("{}:line{}", platform.name(), row.line));
            let submitted = get(submitted_col).and_then(timestamp::parse);
            let started = get(started_col).and_then(timestamp::parse);
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
        .collect()
}
