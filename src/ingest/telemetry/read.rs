//! Telemetry files to batches: CSV and JSON lines row by row through [`Rows`], Parquet column by
//! column with polars casts (falling back to rows when a cell does not parse, so the bad row is
//! named). Bad rows stop the read with file, line and column, or are counted by reason.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use super::rows::{BATCH, MAX_FIELDS, Rows, is_duration};
use super::{Field, Type, normalise_result, parse_time, resolve};
use crate::ingest::privacy::pseudonym;

/// Where finished batches go (the store's part writer).
pub type Sink<'s> = dyn FnMut(DataFrame) -> Result<()> + 's;

/// What a read saw.
#[derive(Debug, Default)]
pub struct ReadSummary {
    /// Rows read.
    pub rows: usize,
    /// Skipped rows by reason (only with `skip_bad_rows`).
    pub skipped: BTreeMap<String, usize>,
    /// Earliest and latest timestamp (UTC ms).
    pub min_time: Option<i64>,
    /// See `min_time`.
    pub max_time: Option<i64>,
}

/// How to read one telemetry file.
pub struct ReadOptions<'a> {
    /// The kind's columns.
    pub fields: &'a [Field],
    /// `--map` pairs: (ours, theirs).
    pub maps: &'a [(String, String)],
    /// Skip and count bad rows instead of stopping at the first.
    pub skip_bad_rows: bool,
    /// The workspace secret, for actor pseudonyms.
    pub secret: [u8; 32],
    /// Row keys already imported from other sources of this kind: (source, key hashes).
    pub known: Vec<(String, Vec<u64>)>,
}

/// Bad rows: stop at the first (with file, line, column) or count them by reason.
struct BadRows {
    skip: bool,
    file: String,
    reasons: BTreeMap<String, usize>,
}

impl BadRows {
    fn handle(&mut self, line: u64, column: &str, msg: String) -> Result<()> {
        if !self.skip {
            bail!(
                "{}:{line}: column {column}: {msg}\nhint: fix the row, or pass --skip-bad-rows to skip such rows and count them",
                self.file
            );
        }
        // The reason without the offending value: `started_at: not a timestamp`.
        let reason = match (msg.find(": \""), msg.rfind("\" ")) {
            (Some(a), Some(b)) if b > a => format!("{}: {}", &msg[..a], &msg[b + 2..]),
            _ => msg.clone(),
        };
        *self.reasons.entry(reason).or_default() += 1;
        Ok(())
    }
}

/// Reads a telemetry file (by extension: Parquet, JSON lines, else CSV/TSV), handing each
/// batch of at most [`BATCH`] rows to `sink`.
pub fn read(path: &Path, o: &ReadOptions, sink: &mut Sink) -> Result<ReadSummary> {
    let file = path.display().to_string();
    let bad = BadRows { skip: o.skip_bad_rows, file, reasons: BTreeMap::new() };
    let mut out = Rows::new(o.fields, o.secret);
    for (source, keys) in &o.known {
        out.seed_keys(source, keys.iter().copied());
    }
    let mut cx = Ctx { o, out, bad, sink };
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "parquet" | "pq" => read_parquet(path, &mut cx)?,
        "jsonl" | "ndjson" | "json" => read_jsonl(path, &mut cx)?,
        _ => read_csv(path, &mut cx)?,
    }
    if let Some(df) = cx.out.take()? {
        (cx.sink)(df)?;
    }
    Ok(ReadSummary {
        rows: cx.out.total,
        skipped: cx.bad.reasons,
        min_time: cx.out.min_time,
        max_time: cx.out.max_time,
    })
}

/// One read in progress: the options, the row buffers, the bad rows and where batches go.
struct Ctx<'a, 's> {
    o: &'a ReadOptions<'a>,
    out: Rows<'a>,
    bad: BadRows,
    sink: &'s mut Sink<'s>,
}

impl Ctx<'_, '_> {
    /// Hands the batch on when it is full.
    fn flush_full(&mut self) -> Result<()> {
        if self.out.rows >= BATCH
            && let Some(df) = self.out.take()?
        {
            (self.sink)(df)?;
        }
        Ok(())
    }
}

fn read_csv(path: &Path, cx: &mut Ctx) -> Result<()> {
    let fields = cx.o.fields;
    let mut first = String::new();
    std::io::BufReader::new(std::fs::File::open(path)?).read_line(&mut first)?;
    let delimiter = crate::ingest::grid::sniff_delimiter(&first);
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_path(path)?;
    let headers: Vec<String> = rdr
        .headers()
        .context("reading the header row")?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let idx = resolve(&headers, fields, cx.o.maps)
        .map_err(|e| anyhow::anyhow!("{}: {e}", cx.bad.file))?;
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                cx.bad.handle(line, "-", format!("unreadable CSV: {e}"))?;
                continue;
            }
        }
        let line = rec.position().map_or(0, csv::Position::line);
        let mut cells: [Option<&str>; MAX_FIELDS] = [None; MAX_FIELDS];
        let mut utf8_err = None;
        for (k, i) in idx.iter().enumerate() {
            cells[k] = match i {
                Some(i) => match rec.get(*i).map(std::str::from_utf8) {
                    Some(Ok(s)) => Some(s),
                    Some(Err(_)) => {
                        utf8_err = Some(*i);
                        None
                    }
                    None => None,
                },
                None => None,
            };
        }
        let cells = &cells[..idx.len()];
        if let Some(i) = utf8_err {
            cx.bad.handle(line, &headers[i], "not UTF-8".into())?;
            continue;
        }
        if let Err((fi, msg)) = cx.out.push(cells) {
            let col = idx[fi]
                .map_or(fields[fi].name.to_string(), |c| format!("{} ({})", c + 1, headers[c]));
            cx.bad.handle(line, &col, msg)?;
        }
        cx.flush_full()?;
    }
    Ok(())
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, x, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

fn read_jsonl(path: &Path, cx: &mut Ctx) -> Result<()> {
    let fields = cx.o.fields;
    let reader = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut pairs = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: reading", cx.bad.file, n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                cx.bad.handle(
                    n as u64 + 1,
                    &format!("{}", e.column()),
                    format!("invalid JSON: {e}"),
                )?;
                continue;
            }
        };
        pairs.clear();
        flatten("", &v, &mut pairs);
        let headers: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
        // Keys vary between lines: a mapped column a line lacks is simply empty there.
        let present: Vec<(String, String)> =
            cx.o.maps
                .iter()
                .filter(|(_, theirs)| headers.iter().any(|h| h == theirs))
                .cloned()
                .collect();
        let idx = match resolve(&headers, fields, &present) {
            Ok(i) => i,
            Err(e) => {
                cx.bad.handle(n as u64 + 1, "-", e)?;
                continue;
            }
        };
        let cells: Vec<Option<&str>> = idx.iter().map(|i| i.map(|i| pairs[i].1.as_str())).collect();
        if let Err((fi, msg)) = cx.out.push(&cells) {
            cx.bad.handle(n as u64 + 1, fields[fi].name, msg)?;
        }
        cx.flush_full()?;
    }
    Ok(())
}

fn read_parquet(path: &Path, cx: &mut Ctx) -> Result<()> {
    // One slice of BATCH rows at a time keeps memory bounded on 10 M-row files.
    let rows = ParquetReader::new(std::fs::File::open(path)?)
        .num_rows()
        .map_err(anyhow::Error::from)
        .context("reading Parquet")?;
    let p = path.to_string_lossy().to_string();
    let mut offset = 0usize;
    while offset < rows {
        let df = LazyFrame::scan_parquet(PlRefPath::from(p.as_str()), ScanArgsParquet::default())
            .map_err(anyhow::Error::from)?
            .slice(offset as i64, BATCH as u32)
            .collect()
            .map_err(anyhow::Error::from)
            .context("reading Parquet")?;
        parquet_chunk(df, offset, cx)?;
        offset += BATCH;
    }
    Ok(())
}

/// True when a typed number column has a value that is not a number we store: non-finite, or
/// a negative duration.
fn has_bad_numbers(f: &Field, c: &Column) -> Result<bool> {
    let ca = c.f64()?;
    let dur = is_duration(f);
    Ok(ca.iter().flatten().any(|v| !v.is_finite() || (dur && v < 0.0)))
}

fn parquet_chunk(df: DataFrame, offset: usize, cx: &mut Ctx) -> Result<()> {
    let fields = cx.o.fields;
    let headers: Vec<String> = df.get_column_names().iter().map(|s| s.to_string()).collect();
    let idx = resolve(&headers, fields, cx.o.maps)
        .map_err(|e| anyhow::anyhow!("{}: {e}", cx.bad.file))?;
    // Columns already typed go through polars casts; text cells go through the row parser.
    let mut cols: Vec<Column> = Vec::new();
    for (f, i) in fields.iter().zip(&idx) {
        let c = match i {
            None => Column::full_null(f.name.into(), df.height(), &DataType::String),
            Some(i) => df.columns()[*i].clone().with_name(f.name.into()),
        };
        let c = match (f.ty, c.dtype()) {
            (Type::Time, DataType::Datetime(..)) => {
                c.cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
            }
            (Type::Num, d) if d.is_primitive_numeric() => c.cast(&DataType::Float64)?,
            (Type::Bool, DataType::Boolean) => c,
            _ => c.cast(&DataType::String)?,
        };
        cols.push(c);
    }
    // Column by column: normalise results, pseudonymise actors, parse text columns. Any cell
    // that does not parse sends the file down the row-by-row path, which names the row.
    let mut fast: Vec<Column> = Vec::with_capacity(cols.len());
    let mut ok = true;
    for (f, c) in fields.iter().zip(&cols) {
        let name = f.name;
        let out_col = match (f.ty, c.dtype()) {
            (Type::Str, _) if matches!(name, "result" | "outcome" | "actor") => {
                // Few distinct values (results) or many repeats (actors): convert each distinct
                // value once and append the bytes, no allocation per row.
                let ca = c.str()?;
                let mut seen: HashMap<&str, String> = HashMap::new();
                let mut b = StringChunkedBuilder::new(name.into(), ca.len());
                for x in ca.iter() {
                    match x {
                        None => b.append_null(),
                        Some(x) => b.append_value(seen.entry(x).or_insert_with(|| {
                            if name == "actor" {
                                pseudonym(&cx.o.secret, x)
                            } else {
                                normalise_result(x).into_owned()
                            }
                        })),
                    }
                }
                b.finish().into_column()
            }
            (Type::Time, DataType::String) => {
                let mut bad = false;
                let v: Vec<Option<i64>> = c
                    .str()?
                    .iter()
                    .map(|x| {
                        x.and_then(|x| {
                            parse_time(x).or_else(|| {
                                bad = true;
                                None
                            })
                        })
                    })
                    .collect();
                ok &= !bad;
                Column::new(name.into(), v)
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?
            }
            (Type::Num, DataType::Float64) => {
                ok &= !has_bad_numbers(f, c)?;
                c.clone()
            }
            (Type::Num, DataType::String) | (Type::Bool, DataType::String) => {
                let target = if f.ty == Type::Num { DataType::Float64 } else { DataType::Boolean };
                let cast = c.strict_cast(&target);
                ok &= cast.is_ok();
                if f.ty == Type::Num
                    && let Ok(x) = &cast
                {
                    ok &= !has_bad_numbers(f, x)?;
                }
                cast.unwrap_or_else(|_| c.clone())
            }
            _ => c.clone(),
        };
        if f.required && out_col.null_count() > 0 {
            ok = false;
        }
        fast.push(out_col);
    }
    if ok {
        let typed = DataFrame::new(df.height(), fast)?;
        for (f, c) in fields.iter().zip(typed.columns()) {
            if f.ty == Type::Time
                && let Ok(ca) = c.datetime()
                && let (Some(lo), Some(hi)) = (ca.physical().min(), ca.physical().max())
            {
                cx.out.see_times(lo, hi);
            }
        }
        cx.out.count_batch(typed.height());
        return (cx.sink)(typed);
    }
    let typed = DataFrame::new(df.height(), cols)?;
    // Slow path: row by row as text.
    let text: Vec<Column> =
        typed.columns().iter().map(|c| c.cast(&DataType::String)).collect::<PolarsResult<_>>()?;
    let strs: Vec<&StringChunked> = text.iter().map(|c| c.str()).collect::<PolarsResult<_>>()?;
    for row in 0..typed.height() {
        let cells: Vec<Option<&str>> = strs.iter().map(|s| s.get(row)).collect();
        if let Err((fi, msg)) = cx.out.push(&cells) {
            cx.bad.handle((offset + row) as u64 + 1, fields[fi].name, msg)?;
        }
        cx.flush_full()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::telemetry::fields;

    /// Issue 11: typed Parquet numbers skipped the row parser, so NaN and negative durations
    /// went into the store. They are bad rows there too.
    #[test]
    fn nan_and_negative_parquet_durations_are_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.parquet");
        let mut df = DataFrame::new(
            3,
            vec![
                Column::new("id".into(), ["1", "2", "3"]),
                Column::new("run_started_at".into(), ["2026-07-01T10:00:00Z"; 3]),
                Column::new("conclusion".into(), ["success"; 3]),
                Column::new("duration".into(), [60.0, f64::NAN, -5.0]),
            ],
        )
        .unwrap();
        crate::store::frames::write_parquet(&path, &mut df).unwrap();
        let mut o = ReadOptions {
            fields: fields("builds").unwrap(),
            maps: &[],
            skip_bad_rows: false,
            secret: [0; 32],
            known: vec![],
        };
        let e = read(&path, &o, &mut |_| Ok(())).unwrap_err().to_string();
        assert!(
            e.contains("runs.parquet:2: column duration_s") && e.contains("not a finite"),
            "{e}"
        );
        o.skip_bad_rows = true;
        let mut rows = 0;
        let s = read(&path, &o, &mut |df| {
            rows += df.height();
            Ok(())
        })
        .unwrap();
        assert_eq!((s.rows, rows), (1, 1));
        assert_eq!(s.skipped["duration_s: is not a finite number"], 1);
        assert_eq!(s.skipped["duration_s: is a negative duration"], 1);
    }
}
