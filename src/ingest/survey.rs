//! A parsed survey round: respondents with metadata and segments, and items (questions) with
//! their answers, kinds and scales. Built from a [`Grid`] and its
//! [`Layout`](super::layout::Layout); knows nothing of the catalog or the store.

use chrono::NaiveDateTime;

use super::decode::Encoding;
use super::grid::Grid;
use super::layout::{ColumnSpec, Platform, Role};
use super::scales::{ScaleKind, is_non_finite};
use super::timestamp;

mod columns;
mod intern;
mod items;
mod multi;
pub mod quality;
mod ranking;
mod respondents;
mod scrub;

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
        columns::check_unique_headers(file, &grid, &layout)?;
    }
    let data = &grid.rows[layout.header_rows..];
    let mut warnings = grid.warnings.clone();
    warnings.extend(skipped);
    let mut columns = layout.columns.clone();
    columns::reclassify_by_content(&mut columns, data);
    columns::apply_overrides(&mut columns, &opts.overrides);

    // Segments first: their columns are not questions.
    let segments = columns::segments(&mut columns, data, &opts.segments);
    let (dropped, kept) = columns::identifying(&columns, data, &opts.keep_columns);

    let date_order = respondents::date_order(&columns, data, opts.date_order, file, &mut warnings)?;
    let respondents = respondents::respondents(
        &columns,
        data,
        platform,
        date_order.as_ref().map(|d| d.0),
        &mut warnings,
    );
    let mut items = items::items(&columns, data, platform, &mut warnings);
    scrub::scrub_labels(&mut items);
    let non_finite = count_non_finite(&columns, data, &items);
    let encoding = grid.encoding;
    // Freeing every row's buffers is a serial pass nothing waits for (issue 11): another thread
    // does it (inline when no thread can be started, as the closure is then dropped here).
    let _ = std::thread::Builder::new().spawn(move || drop(grid));
    Ok(Survey {
        platform,
        variant,
        detected,
        encoding,
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
