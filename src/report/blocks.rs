//! What every section builder uses: the context, the number formats, the document model and
//! small constructors for its blocks, and column reads from the analyses' frames.

pub use std::collections::{BTreeMap, BTreeSet};

pub use anyhow::Result;
pub use polars::prelude::*;

pub use super::context::{Ctx, QUALITY_FLAGS};
pub use super::format::*;
pub use super::inputs;
pub use crate::analyse::summary::SummaryRow;
pub use crate::render::chart::{
    self, Band, Cell, Driver, LikertRow, Line, Point, TrendPanel, TrendPoint,
};
pub use crate::render::spec::SectionKind;
pub use crate::render::{Align, Block, Kpi, Section};
pub use Align::{Left as L, Right as R};

/// A paragraph.
pub fn para(s: impl Into<String>) -> Block {
    Block::Para { text: s.into() }
}

/// A small print note.
pub fn note(s: impl Into<String>) -> Block {
    Block::Note { text: s.into() }
}

/// A table with its header, alignment per column, rows and caption.
pub fn table(header: &[&str], align: &[Align], rows: Vec<Vec<String>>, caption: &str) -> Block {
    Block::Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        align: align.to_vec(),
        rows,
        caption: caption.into(),
    }
}

/// A chart, by the name [`Ctx::chart`] returned.
pub fn figure(name: String, caption: impl Into<String>) -> Block {
    Block::Figure { chart: name, caption: caption.into(), continued: false }
}

/// Items per figure: `items` cut into runs of at most `per` (one run when they all fit), so a
/// chart with more panels or rows than fit on a page becomes a figure and its continuations.
pub fn pages<T>(items: &[T], per: usize) -> Vec<&[T]> {
    if items.is_empty() {
        return vec![items];
    }
    // Even runs (13 items at 12 per figure: 7 + 6, not 12 + 1).
    let n = items.len().div_ceil(per.max(1));
    let size = items.len().div_ceil(n);
    items.chunks(size).collect()
}

/// Figures for the charts of one figure and its continuations: the first gets `caption`, the
/// others are numbered as it, "(continued)".
pub fn figures(names: Vec<String>, caption: &str) -> Vec<Block> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, chart)| Block::Figure { chart, caption: caption.into(), continued: i > 0 })
        .collect()
}

/// `name` for the first chart of a figure, `name-2`, `name-3` … for its continuations (the
/// first keeps the plain name, so a report that fits one figure names its files as before).
pub fn part_name(name: &str, i: usize) -> String {
    if i == 0 { name.to_string() } else { format!("{name}-{}", i + 1) }
}

/// The whole-round row of question `q` (no group, no option).
pub fn whole<'a>(rows: &'a [SummaryRow], q: &str) -> Option<&'a SummaryRow> {
    rows.iter().find(|r| r.question_id == q && r.group.is_empty() && r.option.is_empty())
}

/// A column as text (empty where null).
pub fn col_str(df: &DataFrame, c: &str) -> Result<Vec<String>> {
    let s = df.column(c)?.cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

/// A column as numbers.
pub fn col_f64(df: &DataFrame, c: &str) -> Result<Vec<Option<f64>>> {
    let s = df.column(c)?.cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}
