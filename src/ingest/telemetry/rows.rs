//! Telemetry rows to typed column buffers: each cell parsed once (timestamps to UTC ms, numbers,
//! booleans, normalised results, pseudonymised actors), a batch at a time, into a [`DataFrame`]
//! with the kind's columns.

use polars::prelude::*;

use super::{Field, Type, normalise_result, parse_bool, parse_time};
use crate::ingest::privacy::pseudonym;

/// Rows per batch (one Parquet part each).
pub const BATCH: usize = 1_000_000;

/// Most columns any telemetry kind has.
pub const MAX_FIELDS: usize = 16;

enum Buf {
    Str(StringChunkedBuilder),
    Time(Vec<Option<i64>>),
    Num(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
}

#[derive(Clone, Copy)]
enum Parsed<'a> {
    Null,
    Str(&'a str),
    Time(i64),
    Num(f64),
    Bool(bool),
}

/// True for the columns that hold a length of time in seconds (`duration_s`, `queued_s`):
/// a negative value there is a bad row.
pub fn is_duration(f: &Field) -> bool {
    f.ty == Type::Num && f.name.ends_with("_s")
}

/// Parses a number cell of field `f`: finite, and not negative for durations.
pub fn parse_num(f: &Field, v: &str) -> Result<f64, String> {
    let x: f64 = v.parse().map_err(|_| format!("{}: {v:?} is not a number", f.name))?;
    if !x.is_finite() {
        return Err(format!("{}: {v:?} is not a finite number", f.name));
    }
    if is_duration(f) && x < 0.0 {
        return Err(format!("{}: {v:?} is a negative duration", f.name));
    }
    Ok(x)
}

/// The rows of the current batch, as typed column buffers, and what was seen so far.
pub struct Rows<'a> {
    fields: &'a [Field],
    bufs: Vec<Buf>,
    /// Rows in the current batch.
    pub rows: usize,
    /// Rows accepted in total.
    pub total: usize,
    /// The workspace secret (actors are pseudonymised with it).
    pub secret: [u8; 32],
    /// Earliest timestamp seen (UTC ms).
    pub min_time: Option<i64>,
    /// Latest timestamp seen (UTC ms).
    pub max_time: Option<i64>,
    batches: usize,
}

impl<'a> Rows<'a> {
    /// Empty buffers for `fields`.
    pub fn new(fields: &'a [Field], secret: [u8; 32]) -> Self {
        let mut b = Rows {
            fields,
            bufs: Vec::new(),
            rows: 0,
            total: 0,
            secret,
            min_time: None,
            max_time: None,
            batches: 0,
        };
        b.reset();
        b
    }

    fn reset(&mut self) {
        self.bufs = self
            .fields
            .iter()
            .map(|f| match f.ty {
                Type::Str => Buf::Str(StringChunkedBuilder::new(f.name.into(), BATCH.min(1 << 16))),
                Type::Time => Buf::Time(Vec::new()),
                Type::Num => Buf::Num(Vec::new()),
                Type::Bool => Buf::Bool(Vec::new()),
            })
            .collect();
        self.rows = 0;
    }

    /// Widens the seen time range.
    pub fn see_times(&mut self, lo: i64, hi: i64) {
        self.min_time = Some(self.min_time.map_or(lo, |m| m.min(lo)));
        self.max_time = Some(self.max_time.map_or(hi, |m| m.max(hi)));
    }

    /// Parses one row's cells (one per field, None when the input lacks the column). Returns
    /// the offending field and message on a bad cell; nothing is added then.
    pub fn push(&mut self, cells: &[Option<&str>]) -> Result<(), (usize, String)> {
        // Parse every cell first (on the stack, borrowing the input), then append.
        let mut parsed = [Parsed::Null; MAX_FIELDS];
        for (i, (f, c)) in self.fields.iter().zip(cells).enumerate() {
            let c = c.map(str::trim).filter(|c| !c.is_empty());
            parsed[i] = match (c, f.ty) {
                (None, _) if f.required => return Err((i, format!("{} is empty", f.name))),
                (None, _) => Parsed::Null,
                (Some(v), Type::Str) => Parsed::Str(v),
                (Some(v), Type::Time) => Parsed::Time(
                    parse_time(v)
                        .ok_or_else(|| (i, format!("{}: {v:?} is not a timestamp", f.name)))?,
                ),
                (Some(v), Type::Num) => Parsed::Num(parse_num(f, v).map_err(|m| (i, m))?),
                (Some(v), Type::Bool) => Parsed::Bool(
                    parse_bool(v)
                        .ok_or_else(|| (i, format!("{}: {v:?} is not true/false", f.name)))?,
                ),
            };
        }
        for ((f, b), p) in self.fields.iter().zip(&mut self.bufs).zip(parsed) {
            match (b, p) {
                (Buf::Str(v), Parsed::Str(s)) => match f.name {
                    "result" | "outcome" => v.append_value(normalise_result(s)),
                    "actor" => v.append_value(pseudonym(&self.secret, s)),
                    _ => v.append_value(s),
                },
                (Buf::Time(v), Parsed::Time(t)) => {
                    self.min_time = Some(self.min_time.map_or(t, |m| m.min(t)));
                    self.max_time = Some(self.max_time.map_or(t, |m| m.max(t)));
                    v.push(Some(t));
                }
                (Buf::Num(v), Parsed::Num(x)) => v.push(Some(x)),
                (Buf::Bool(v), Parsed::Bool(x)) => v.push(Some(x)),
                (Buf::Str(v), _) => v.append_null(),
                (Buf::Time(v), _) => v.push(None),
                (Buf::Num(v), _) => v.push(None),
                (Buf::Bool(v), _) => v.push(None),
            }
        }
        self.rows += 1;
        self.total += 1;
        Ok(())
    }

    /// Counts a batch that bypassed the row buffers (typed Parquet input).
    pub fn count_batch(&mut self, rows: usize) {
        self.total += rows;
        self.batches += 1;
    }

    /// The current batch as a frame, and fresh buffers; None when the batch is empty (the very
    /// first batch is returned even empty, so every import writes at least one part).
    pub fn take(&mut self) -> Result<Option<DataFrame>, PolarsError> {
        if self.rows == 0 && self.batches > 0 {
            return Ok(None);
        }
        let n = self.rows;
        let bufs = std::mem::take(&mut self.bufs);
        let mut cols = Vec::with_capacity(bufs.len());
        for (f, b) in self.fields.iter().zip(bufs) {
            let c = match b {
                Buf::Str(v) => v.finish().into_column(),
                Buf::Time(v) => Column::new(f.name.into(), v)
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?,
                Buf::Num(v) => Column::new(f.name.into(), v),
                Buf::Bool(v) => Column::new(f.name.into(), v),
            };
            cols.push(c);
        }
        let df = DataFrame::new(n, cols)?;
        self.batches += 1;
        self.reset();
        Ok(Some(df))
    }
}
