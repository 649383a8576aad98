//! `pulse import telemetry`: builds, deployments, changes, incidents or usage events from CSV,
//! JSON lines or Parquet, streamed in batches into `store/<kind>/source=<name>/part-N.parquet`.
//!
//! CSV and JSON lines are parsed row by row into typed column buffers (never the whole file as
//! strings); each batch of [`BATCH`] rows becomes one Parquet part. Parquet input is converted
//! with polars casts. The import is all-or-nothing and takes the workspace lock, as survey
//! imports do.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use crate::ExitStatus;
use crate::cli::{Global, ImportTelemetryArgs, SummaryFormat};
use crate::ingest::privacy::pseudonym;
use crate::ingest::telemetry::{
    Field, Type, fields, normalise_result, parse_bool, parse_time, resolve,
};
use crate::store::workspace::{self, Txn, Workspace};

/// Rows per Parquet part.
pub const BATCH: usize = 1_000_000;

enum Buf {
    Str(StringChunkedBuilder),
    Time(Vec<Option<i64>>),
    Num(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
}

struct Batches<'a> {
    fields: &'a [Field],
    bufs: Vec<Buf>,
    rows: usize,
    parts: usize,
    total: usize,
    dir: std::path::PathBuf,
    secret: [u8; 32],
    min_time: Option<i64>,
    max_time: Option<i64>,
    /// Hands finished parts to the writer thread (None: write in place).
    writer: Option<std::sync::mpsc::SyncSender<(std::path::PathBuf, DataFrame)>>,
}

impl<'a> Batches<'a> {
    /// Writes the next part, through the writer thread when there is one.
    fn emit(&mut self, mut df: DataFrame) -> Result<()> {
        let path = self.dir.join(format!("part-{:05}.parquet", self.parts));
        self.parts += 1;
        match &self.writer {
            Some(tx) => {
                tx.send((path, df)).map_err(|_| anyhow::anyhow!("the Parquet writer stopped"))
            }
            None => write_part(&path, &mut df),
        }
    }

    fn new(fields: &'a [Field], dir: std::path::PathBuf, secret: [u8; 32]) -> Self {
        let mut b = Batches {
            fields,
            bufs: Vec::new(),
            rows: 0,
            parts: 0,
            total: 0,
            dir,
            secret,
            min_time: None,
            max_time: None,
            writer: None,
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

    /// Parses one row's cells (one per field, None when the input lacks the column). Returns
    /// the offending field and message on a bad cell; nothing is added then.
    fn push(&mut self, cells: &[Option<&str>]) -> Result<(), (usize, String)> {
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
                (Some(v), Type::Num) => Parsed::Num(
                    v.parse().map_err(|_| (i, format!("{}: {v:?} is not a number", f.name)))?,
                ),
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

    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 && self.parts > 0 {
            return Ok(());
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
        self.emit(df)?;
        self.reset();
        Ok(())
    }
}

/// Most columns any telemetry kind has.
const MAX_FIELDS: usize = 16;

#[derive(Clone, Copy)]
enum Parsed<'a> {
    Null,
    Str(&'a str),
    Time(i64),
    Num(f64),
    Bool(bool),
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

fn read_csv(
    path: &Path,
    fields: &[Field],
    maps: &[(String, String)],
    out: &mut Batches,
    bad: &mut BadRows,
) -> Result<()> {
    let mut first = String::new();
    std::io::BufReader::new(std::fs::File::open(path)?).read_line(&mut first)?;
    let delimiter = crate::ingest::decode::sniff_delimiter(&first);
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_path(path)?;
    let headers: Vec<String> = rdr
        .headers()
        .context("reading the header row")?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let idx = resolve(&headers, fields, maps).map_err(|e| anyhow::anyhow!("{}: {e}", bad.file))?;
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                bad.handle(line, "-", format!("unreadable CSV: {e}"))?;
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
            bad.handle(line, &headers[i], "not UTF-8".into())?;
            continue;
        }
        if let Err((fi, msg)) = out.push(cells) {
            let col = idx[fi]
                .map_or(fields[fi].name.to_string(), |c| format!("{} ({})", c + 1, headers[c]));
            bad.handle(line, &col, msg)?;
        }
        if out.rows >= BATCH {
            out.flush()?;
        }
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

fn read_jsonl(
    path: &Path,
    fields: &[Field],
    maps: &[(String, String)],
    out: &mut Batches,
    bad: &mut BadRows,
) -> Result<()> {
    let reader = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut pairs = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}: reading", bad.file, n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                bad.handle(n as u64 + 1, &format!("{}", e.column()), format!("invalid JSON: {e}"))?;
                continue;
            }
        };
        pairs.clear();
        flatten("", &v, &mut pairs);
        let headers: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
        // Keys vary between lines: a mapped column a line lacks is simply empty there.
        let present: Vec<(String, String)> = maps
            .iter()
            .filter(|(_, theirs)| headers.iter().any(|h| h == theirs))
            .cloned()
            .collect();
        let idx = resolve(&headers, fields, &present);
        let idx = match idx {
            Ok(i) => i,
            Err(e) => {
                bad.handle(n as u64 + 1, "-", e)?;
                continue;
            }
        };
        let cells: Vec<Option<&str>> = idx.iter().map(|i| i.map(|i| pairs[i].1.as_str())).collect();
        if let Err((fi, msg)) = out.push(&cells) {
            bad.handle(n as u64 + 1, fields[fi].name, msg)?;
        }
        if out.rows >= BATCH {
            out.flush()?;
        }
    }
    Ok(())
}

fn read_parquet(
    path: &Path,
    fields: &[Field],
    maps: &[(String, String)],
    out: &mut Batches,
    bad: &mut BadRows,
) -> Result<()> {
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
        parquet_chunk(df, offset, fields, maps, out, bad)?;
        offset += BATCH;
    }
    Ok(())
}

fn parquet_chunk(
    df: DataFrame,
    offset: usize,
    fields: &[Field],
    maps: &[(String, String)],
    out: &mut Batches,
    bad: &mut BadRows,
) -> Result<()> {
    let headers: Vec<String> = df.get_column_names().iter().map(|s| s.to_string()).collect();
    let idx = resolve(&headers, fields, maps).map_err(|e| anyhow::anyhow!("{}: {e}", bad.file))?;
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
                                pseudonym(&out.secret, x)
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
            (Type::Num, DataType::String) | (Type::Bool, DataType::String) => {
                let target = if f.ty == Type::Num { DataType::Float64 } else { DataType::Boolean };
                let cast = c.strict_cast(&target);
                ok &= cast.is_ok();
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
                out.min_time = Some(out.min_time.map_or(lo, |m| m.min(lo)));
                out.max_time = Some(out.max_time.map_or(hi, |m| m.max(hi)));
            }
        }
        out.total += typed.height();
        return out.emit(typed);
    }
    let typed = DataFrame::new(df.height(), cols)?;
    // Slow path: row by row as text.
    let text: Vec<Column> =
        typed.columns().iter().map(|c| c.cast(&DataType::String)).collect::<PolarsResult<_>>()?;
    let strs: Vec<&StringChunked> = text.iter().map(|c| c.str()).collect::<PolarsResult<_>>()?;
    for row in 0..typed.height() {
        let cells: Vec<Option<&str>> = strs.iter().map(|s| s.get(row)).collect();
        if let Err((fi, msg)) = out.push(&cells) {
            bad.handle((offset + row) as u64 + 1, fields[fi].name, msg)?;
        }
        if out.rows >= BATCH {
            out.flush()?;
        }
    }
    Ok(())
}

/// Runs `pulse import telemetry`.
pub fn run(g: &Global, a: &ImportTelemetryArgs) -> Result<ExitStatus> {
    let t0 = Instant::now();
    let Some(fields) = fields(&a.kind) else { bail!("unknown telemetry kind {:?}", a.kind) };
    let maps: Vec<(String, String)> = a
        .map
        .iter()
        .map(|m| {
            m.split_once('=')
                .map(|(o, t)| (o.trim().to_string(), t.trim().to_string()))
                .with_context(|| format!("--map {m:?}: expected OUR=THEIRS"))
        })
        .collect::<Result<_>>()?;
    for (ours, _) in &maps {
        if !fields.iter().any(|f| f.name == ours) {
            bail!(
                "--map {ours}=…: {} has no column {ours:?}\nhint: columns: {}",
                a.kind,
                fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
            );
        }
    }
    let root = g.root();
    Workspace::open(&root)?;
    let source = a.source.clone().unwrap_or_else(|| {
        let stem =
            a.file.file_stem().map_or("telemetry".into(), |s| s.to_string_lossy().to_lowercase());
        stem.chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
            .take(40)
            .collect()
    });
    super::import::check_round_id(&source).context("--source")?;
    let lock = workspace::lock(&root, || {
        eprintln!("waiting for another pulse command to finish with this workspace…")
    })?;
    let ws = Workspace::open_locked(&root, &lock)?;
    let rel = format!("store/{}/source={source}", a.kind);
    if ws.path(&rel).exists() && !a.replace {
        bail!(
            "{} from source {source:?} is already imported\nhint: pass --replace, or --source NAME for another source",
            a.kind
        );
    }
    let mut txn = Txn::begin(&root)?;
    let dir = txn.stage(&rel)?;
    std::fs::create_dir_all(&dir)?;
    let mut out = Batches::new(fields, dir, ws.secret()?);
    let file = a.file.display().to_string();
    let mut bad = BadRows { skip: a.skip_bad_rows, file: file.clone(), reasons: BTreeMap::new() };
    let ext = a.file.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if !a.file.is_file() {
        bail!("{file}: no such file");
    }
    // Parsing on this thread, Parquet writing on another: with one part in flight at a time,
    // the two cores overlap and memory stays bounded.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(std::path::PathBuf, DataFrame)>(1);
    std::thread::scope(|s| -> Result<()> {
        let writer = s.spawn(move || -> Result<()> {
            for (path, mut df) in rx {
                write_part(&path, &mut df)?;
            }
            Ok(())
        });
        out.writer = Some(tx);
        let read = (|| -> Result<()> {
            match ext.as_str() {
                "parquet" | "pq" => read_parquet(&a.file, fields, &maps, &mut out, &mut bad)?,
                "jsonl" | "ndjson" | "json" => {
                    read_jsonl(&a.file, fields, &maps, &mut out, &mut bad)?
                }
                _ => read_csv(&a.file, fields, &maps, &mut out, &mut bad)?,
            }
            out.flush()
        })();
        out.writer = None;
        let written = writer.join().map_err(|_| anyhow::anyhow!("the Parquet writer panicked"))?;
        written?;
        read
    })?;
    if out.total == 0 {
        bail!("{file}: no rows to import");
    }
    workspace::crash_point("after-stage");
    txn.commit().context("writing the telemetry into the workspace")?;
    drop(lock);
    let skipped: usize = bad.reasons.values().sum();
    let range = |t: Option<i64>| {
        t.and_then(chrono::DateTime::from_timestamp_millis)
            .map(|d| d.format("%Y-%m-%d").to_string())
    };
    if a.format == SummaryFormat::Json {
        let v = serde_json::json!({
            "kind": a.kind, "source": source, "rows": out.total, "skipped": skipped,
            "skipped_reasons": bad.reasons, "parts": out.parts,
            "from": range(out.min_time), "to": range(out.max_time), "seconds": t0.elapsed().as_secs_f64(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "imported {} {} rows from {file} as source {source:?} ({} part(s){}) in {:.2} s",
            out.total,
            a.kind,
            out.parts,
            match (range(out.min_time), range(out.max_time)) {
                (Some(a), Some(b)) => format!(", {a} .. {b}"),
                _ => String::new(),
            },
            t0.elapsed().as_secs_f64()
        );
        if skipped > 0 {
            println!(
                "skipped {skipped} bad row(s): {}",
                bad.reasons
                    .iter()
                    .map(|(r, n)| format!("{n} × {r}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }
    Ok(ExitStatus::Success)
}

fn write_part(path: &Path, df: &mut DataFrame) -> Result<()> {
    crate::store::frames::write_parquet_with(path, df, ParquetCompression::Snappy)
}
