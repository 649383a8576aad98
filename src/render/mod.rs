//! `render`: the last stage of `ingest -> store -> analyse -> render`. A report is a [`Doc`]: its
//! metadata and sections of [`Block`]s, with the numbers already written out as text and the
//! charts as SVG. The same document goes to every format: PDF (Typst, [`pdf`]), a
//! self-contained HTML page ([`html`]), Markdown ([`markdown`]) and one PNG per chart ([`png`]).
//! Nothing here reads the workspace; [`crate::report`] gathers the analyses.

pub mod chart;
pub mod fonts;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod png;
pub mod spec;

use serde::Serialize;

pub use chart::Chart;

/// A whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Doc {
    /// Cover facts and document metadata.
    pub meta: Meta,
    /// Sections in spec order.
    pub sections: Vec<Section>,
    /// Every chart the sections refer to.
    #[serde(skip)]
    pub charts: Vec<Chart>,
}

/// Cover facts and document metadata.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// Report title.
    pub title: String,
    /// Organisation.
    pub org: String,
    /// Round reported.
    pub round: String,
    /// Round it is compared with.
    pub previous_round: Option<String>,
    /// Document date (YYYY-MM-DD): fixed, so the same data gives the same bytes.
    pub date: String,
    /// Year, month and day of `date` (for Typst's `datetime`).
    pub ymd: (i32, u32, u32),
    /// First to last response, as text.
    pub date_range: String,
    /// `a4` or `us-letter`.
    pub paper: String,
    /// Groups smaller than this are never shown.
    pub min_group_size: usize,
    /// `pulse x.y.z`.
    pub generator: String,
}

/// One section of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Section kind from the spec (serialised as the spec writes it: `summary`, `likert`, …).
    pub kind: spec::SectionKind,
    /// Heading.
    pub title: String,
    /// Why the section has no content (data absent); `None` when it has.
    pub skipped: Option<String>,
    /// Content.
    pub blocks: Vec<Block>,
}

impl Section {
    /// A section with content.
    pub fn new(kind: spec::SectionKind, title: &str, blocks: Vec<Block>) -> Section {
        Section { kind, title: title.into(), skipped: None, blocks }
    }
    /// A section that skips itself, saying why.
    pub fn skip(kind: spec::SectionKind, title: &str, why: impl Into<String>) -> Section {
        Section { kind, title: title.into(), skipped: Some(why.into()), blocks: vec![] }
    }
}

/// Column alignment in a table.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// A piece of a section.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Block {
    /// A paragraph.
    Para {
        /// The text.
        text: String,
    },
    /// A run-in subheading (bold; not a bookmark).
    Subhead {
        /// The text.
        text: String,
    },
    /// A bulleted list.
    List {
        /// One string per bullet.
        items: Vec<String>,
    },
    /// Headline numbers in boxes.
    Kpis {
        /// (label, value, detail).
        items: Vec<Kpi>,
    },
    /// A chart, by name.
    Figure {
        /// Chart name (`charts/<name>.svg`).
        chart: String,
        /// Caption.
        caption: String,
        /// A continuation of the figure before it (same axes and legend, the items that did
        /// not fit): numbered as that figure, "(continued)".
        continued: bool,
    },
    /// A table.
    Table {
        /// Column headers.
        header: Vec<String>,
        /// Alignment per column.
        align: Vec<Align>,
        /// Cells, already formatted.
        rows: Vec<Vec<String>>,
        /// Caption (may be empty).
        caption: String,
    },
    /// A quoted comment.
    Quote {
        /// The comment.
        text: String,
    },
    /// A small print note.
    Note {
        /// The note.
        text: String,
    },
}

/// One headline number.
#[derive(Debug, Clone, Serialize)]
pub struct Kpi {
    /// What it is.
    pub label: String,
    /// The number.
    pub value: String,
    /// Context (interval, change, level).
    pub detail: String,
}

impl Doc {
    /// The chart called `name`.
    pub fn chart(&self, name: &str) -> Option<&Chart> {
        self.charts.iter().find(|c| c.name == name)
    }
}
