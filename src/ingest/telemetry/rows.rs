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

/// Earliest timestamp accepted: 1990-01-01T00:00:00Z (no CI, deployment or incident tool wrote
/// one before; an earlier value is a unit or format error).
pub const EARLIEST_MS: i64 = 631_152_000_000;

/// The columns that identify a row of each kind (by its first column): a second row with the
/// same values is the same build, deployment, change or incident counted twice. A deployment
/// has a row per service and commit (DevLake's `cicd_deployment_commits`); a build a row per
/// pipeline and attempt. Usage events have no identity.
pub fn key_fields(first: &str) -> &'static [&'static str] {
    match first {
        "build_id" => &["build_id", "pipeline", "attempt"],
        "deployment_id" => &["deployment_id", "service", "environment", "commit_sha", "change_id"],
        "incident_id" => &["incident_id"],
        _ => &[],
    }
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Seen row keys: the key's hash -> 0 for this file, k for the k-th other source.
type Seen = std::collections::HashMap<u64, u32, std::hash::BuildHasherDefault<KeyHasher>>;

/// The hash of a row key from its parts (strings as written, numbers by value).
pub fn key_hash(parts: &[KeyPart]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        match p {
            KeyPart::Null => 0u8.hash(&mut h),
            KeyPart::Str(s) => (1u8, s).hash(&mut h),
            KeyPart::Num(x) => (2u8, x.to_bits()).hash(&mut h),
        }
    }
    h.finish()
}

/// One part of a row key.
#[derive(Debug, Clone, Copy)]
pub enum KeyPart<'a> {
    /// Missing.
    Null,
    /// A string column.
    Str(&'a str),
    /// A number column.
    Num(f64),
}

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
    /// Latest timestamp accepted: one day after now.
    latest_ms: i64,
    /// Positions of [`KEY_FIELDS`] in `fields`.
    keys: Vec<usize>,
    seen: Seen,
    /// Other sources whose keys were seeded.
    others: Vec<String>,
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
            latest_ms: chrono::Utc::now().timestamp_millis() + 86_400_000,
            keys: fields
                .iter()
                .enumerate()
                .filter(|(_, f)| key_fields(fields[0].name).contains(&f.name))
                .map(|(i, _)| i)
                .collect(),
            seen: Seen::default(),
            others: Vec::new(),
        };
        b.reset();
        b
    }

    /// The key columns of this kind (empty when rows have no identity).
    pub fn key_columns(&self) -> Vec<&'static str> {
        self.keys.iter().map(|&i| self.fields[i].name).collect()
    }

    /// Marks the keys of rows already imported from another source: the same row again is a
    /// duplicate.
    pub fn seed_keys(&mut self, source: &str, keys: impl Iterator<Item = u64>) {
        self.others.push(source.to_string());
        let k = self.others.len() as u32;
        for h in keys {
            self.seen.entry(h).or_insert(k);
        }
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
                (Some(v), Type::Time) => {
                    let t = parse_time(v)
                        .ok_or_else(|| (i, format!("{}: {v:?} is not a timestamp", f.name)))?;
                    if !(EARLIEST_MS..=self.latest_ms).contains(&t) {
                        let last = chrono::DateTime::from_timestamp_millis(self.latest_ms)
                            .map_or(String::new(), |d| d.format("%Y-%m-%d").to_string());
                        return Err((
                            i,
                            format!("{}: {v:?} is outside 1990-01-01 .. {last}", f.name),
                        ));
                    }
                    Parsed::Time(t)
                }
                (Some(v), Type::Num) => Parsed::Num(parse_num(f, v).map_err(|m| (i, m))?),
                (Some(v), Type::Bool) => Parsed::Bool(
                    parse_bool(v)
                        .ok_or_else(|| (i, format!("{}: {v:?} is not true/false", f.name)))?,
                ),
            };
        }
        if !self.keys.is_empty() {
            let parts: Vec<KeyPart> = self
                .keys
                .iter()
                .map(|&k| match parsed[k] {
                    Parsed::Str(s) => KeyPart::Str(s),
                    Parsed::Num(x) => KeyPart::Num(x),
                    _ => KeyPart::Null,
                })
                .collect();
            let h = key_hash(&parts);
            if let Some(&from) = self.seen.get(&h) {
                let k = self.keys[0];
                let id = match parsed[k] {
                    Parsed::Str(s) => s,
                    _ => "",
                };
                let where_ = if from == 0 {
                    "already in this file".to_string()
                } else {
                    format!("already imported from source {:?}", self.others[from as usize - 1])
                };
                return Err((
                    k,
                    format!("{}: {id:?} is a duplicate ({where_})", self.fields[k].name),
                ));
            }
            self.seen.insert(h, 0);
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
