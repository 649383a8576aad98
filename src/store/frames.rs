//! Tables at rest: Hive-partitioned Parquet under `store/<table>/round=<id>/part-0.parquet`, and
//! the lazy frames `pulse query` and the analyses read.
//!
//! The partition column `round` lives in the folder name, not in the file (the Hive convention
//! DuckDB, pandas, Spark and Trino follow); readers here add it back.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::*;

use super::catalog::Catalog;
use super::workspace::Workspace;

/// Tables stored per round.
pub const ROUND_TABLES: [&str; 5] = ["responses", "labels", "respondents", "comments", "questions"];

/// Relative path of a round's partition of a table.
pub fn partition(table: &str, round: &str) -> String {
    format!("store/{table}/round={round}")
}

/// Writes a frame as one Parquet file (zstd: small survey tables at rest).
pub fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<()> {
    write_parquet_with(path, df, ParquetCompression::Zstd(None))
}

/// Writes a frame as one Parquet file with the given compression (telemetry uses snappy: 10 M
/// rows must import in seconds, and snappy writes several times faster than zstd).
pub fn write_parquet_with(
    path: &Path,
    df: &mut DataFrame,
    compression: ParquetCompression,
) -> Result<()> {
    write_parquet_opts(path, df, compression, None)
}

/// Writes a round's `responses` (millions of rows of three integer codes) for speed: LZ4
/// (several times faster to write than zstd, faster to read; the file is larger) and row groups
/// of at least one item's rows. The writer tries dictionary encoding on every integer column
/// and, for a column with more distinct values than a `u16`, finds them by hashing every row;
/// a row group as long as the round has respondents holds each respondent code about once, so
/// `respondent_code` is written plain without that pass, while the question and label codes
/// (few distinct values) keep their cheap dictionaries.
pub fn write_responses(path: &Path, df: &mut DataFrame, respondents: usize) -> Result<()> {
    let rows = respondents.max(1 << 16);
    write_parquet_opts(path, df, ParquetCompression::Lz4Raw, Some(rows))
}

fn write_parquet_opts(
    path: &Path,
    df: &mut DataFrame,
    compression: ParquetCompression,
    row_group: Option<usize>,
) -> Result<()> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p)?;
    }
    let f = fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    ParquetWriter::new(f)
        .with_compression(compression)
        .with_row_group_size(row_group)
        .finish(df)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// A per-round table over the given rounds (all imported rounds when `rounds` is None).
///
/// One Parquet scan over every round's file: `round` comes from the `round=<id>` folder (Hive
/// partitioning, as DuckDB reads it; the hive schema keeps `2026-Q1` a string). Rounds can
/// carry different segment columns, so the scan gets the union of the files' schemas and a
/// column a round lacks is null there.
///
/// `responses` is stored as integer codes and comes back decoded (see [`super::responses`]).
pub fn table(ws: &Workspace, name: &str, rounds: Option<&[String]>) -> Result<LazyFrame> {
    let all_rounds = ws.round_ids();
    let rounds = rounds.unwrap_or(&all_rounds);
    if name == "responses" {
        return super::responses::table(ws, rounds);
    }
    let lf = scan_rounds(ws, name, rounds)?;
    if !matches!(name, "questions" | "comments") {
        return Ok(lf);
    }
    // Questions renamed in catalog.toml since a round was imported read as their new ID.
    let catalog = super::catalog::Catalog::load(ws)?;
    let mut id = col("question_id");
    let mut any = false;
    for r in rounds {
        for (old, new) in catalog.renames(r) {
            any = true;
            id = when(col("round").eq(lit(r.clone())).and(col("question_id").eq(lit(old))))
                .then(lit(new))
                .otherwise(id);
        }
    }
    Ok(if any { lf.with_column(id.alias("question_id")) } else { lf })
}

/// [`table`] as stored, without decoding: one Hive scan over the rounds' files.
pub(crate) fn scan_rounds(ws: &Workspace, name: &str, rounds: &[String]) -> Result<LazyFrame> {
    let files: Vec<std::path::PathBuf> = rounds
        .iter()
        .map(|r| ws.path(&partition(name, r)).join("part-0.parquet"))
        .filter(|f| f.exists())
        .collect();
    if files.is_empty() {
        return Ok(empty_table(name).lazy());
    }
    let mut schema = Schema::default();
    for f in &files {
        let file = fs::File::open(f).with_context(|| format!("opening {}", f.display()))?;
        let arrow = ParquetReader::new(file)
            .schema()
            .map_err(anyhow::Error::from)
            .with_context(|| format!("reading the schema of {}", f.display()))?;
        for (n, field) in arrow.iter() {
            if schema.get(n).is_none() {
                schema.with_column(n.clone(), DataType::from_arrow_field(field));
            }
        }
    }
    hive_scan(&files, "round", Some(schema), name)
}

/// One Parquet scan over Hive-partitioned files: the `partition` column (a string, never parsed
/// as a date) comes from the `partition=<value>` folder and is put first. With a `schema`, files
/// lacking some of its columns read them as null.
pub(crate) fn hive_scan(
    files: &[std::path::PathBuf],
    partition: &str,
    schema: Option<Schema>,
    table: &str,
) -> Result<LazyFrame> {
    let paths: Vec<PlRefPath> =
        files.iter().map(|f| PlRefPath::from(f.to_string_lossy().as_ref())).collect();
    let mut args = ScanArgsParquet::default();
    args.hive_options.enabled = Some(true);
    args.hive_options.try_parse_dates = false;
    args.hive_options.schema =
        Some(Arc::new(Schema::from_iter([Field::new(partition.into(), DataType::String)])));
    if let Some(schema) = schema {
        args.schema = Some(Arc::new(schema));
        args.allow_missing_columns = true;
    }
    let lf = LazyFrame::scan_parquet_files(paths.into(), args)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the {table} table"))?;
    Ok(lf.select([col(partition), all().exclude_cols([partition]).as_expr()]))
}

/// An empty frame with a table's documented columns.
pub fn empty_table(name: &str) -> DataFrame {
    let s = |n: &str| Column::new_empty(n.into(), &DataType::String);
    let f = |n: &str| Column::new_empty(n.into(), &DataType::Float64);
    let cols = match name {
        "responses" => vec![s("round"), s("respondent"), s("question_id"), s("label"), f("value")],
        "respondents" => vec![
            s("round"),
            s("respondent"),
            Column::new_empty(
                "submitted_at".into(),
                &DataType::Datetime(TimeUnit::Milliseconds, None),
            ),
            f("duration_s"),
            Column::new_empty("complete".into(), &DataType::Boolean),
            s("quality_flags"),
        ],
        "comments" => vec![s("round"), s("respondent"), s("question_id"), s("text")],
        _ => vec![s("round")],
    };
    DataFrame::new(0, cols).expect("empty columns of equal length")
}

/// The `rounds` table, from pulse.toml.
pub fn rounds_frame(ws: &Workspace) -> Result<DataFrame> {
    let r = &ws.config.rounds;
    let ids: Vec<&str> = r.keys().map(String::as_str).collect();
    let platform: Vec<&str> = r.values().map(|m| m.platform.as_str()).collect();
    let source: Vec<&str> = r.values().map(|m| m.source_file.as_str()).collect();
    let imported: Vec<&str> = r.values().map(|m| m.imported_at.as_str()).collect();
    let invited: Vec<Option<u64>> = r.values().map(|m| m.invited).collect();
    let responses: Vec<u64> = r.values().map(|m| m.responses).collect();
    let rate: Vec<Option<f64>> =
        r.values().map(super::workspace::RoundMeta::response_rate).collect();
    let df = DataFrame::new(
        ids.len(),
        vec![
            Column::new("round".into(), ids),
            Column::new("platform".into(), platform),
            Column::new("source_file".into(), source),
            Column::new("imported_at".into(), imported),
            Column::new("invited".into(), invited),
            Column::new("responses".into(), responses),
            Column::new("response_rate".into(), rate),
        ],
    )?;
    Ok(df)
}

/// The `questions` table, from the catalog (so edited tags show without re-import).
pub fn questions_frame(catalog: &Catalog) -> Result<DataFrame> {
    let mut round = Vec::new();
    let mut id = Vec::new();
    let mut text = Vec::new();
    let mut kind = Vec::new();
    let mut points: Vec<Option<u32>> = Vec::new();
    let mut construct = Vec::new();
    let mut aspect = Vec::new();
    let mut capability = Vec::new();
    let mut direction = Vec::new();
    let mut group = Vec::new();
    let mut wording = Vec::new();
    let mut scale = Vec::new();
    for q in &catalog.questions {
        for (r, a) in &q.rounds {
            round.push(r.clone());
            id.push(q.id.clone());
            text.push(a.text.clone());
            kind.push(q.kind.clone());
            points.push(
                crate::ingest::scales::ScaleKind::from_name(&a.scale)
                    .and_then(|s| u32::try_from(s.points()).ok()),
            );
            construct.push(q.construct.clone());
            aspect.push(q.aspect.clone());
            capability.push(q.capability.clone());
            direction.push(if q.direction.is_empty() {
                "higher_is_better".to_string()
            } else {
                q.direction.clone()
            });
            group.push(q.group.clone());
            wording.push(a.wording_changed);
            scale.push(a.scale_changed);
        }
    }
    let n = round.len();
    let df = DataFrame::new(
        n,
        vec![
            Column::new("round".into(), round),
            Column::new("question_id".into(), id),
            Column::new("text".into(), text),
            Column::new("kind".into(), kind),
            Column::new("scale_points".into(), points),
            Column::new("construct".into(), construct),
            Column::new("aspect".into(), aspect),
            Column::new("capability".into(), capability),
            Column::new("direction".into(), direction),
            Column::new("grid".into(), group),
            Column::new("wording_changed".into(), wording),
            Column::new("scale_changed".into(), scale),
        ],
    )?;
    Ok(df.sort(["round", "question_id"], SortMultipleOptions::default())?)
}

/// A telemetry table (`builds`, `deployments`, …): every imported source's parts, with the
/// `source` column from the folder name. Empty, with the documented columns, before any import.
pub fn telemetry_table(ws: &Workspace, kind: &str) -> Result<LazyFrame> {
    let fields = crate::ingest::telemetry::fields(kind).context("unknown telemetry kind")?;
    let mut files = Vec::new();
    if let Ok(sources) = fs::read_dir(ws.path(&format!("store/{kind}"))) {
        for s in sources.flatten() {
            if let Ok(parts) = fs::read_dir(s.path()) {
                for p in parts.flatten() {
                    if p.path().extension().is_some_and(|e| e == "parquet") {
                        files.push(p.path());
                    }
                }
            }
        }
    }
    files.sort();
    if files.is_empty() {
        let mut cols = vec![Column::new_empty("source".into(), &DataType::String)];
        for f in fields {
            let dt = match f.ty {
                crate::ingest::telemetry::Type::Str => DataType::String,
                crate::ingest::telemetry::Type::Time => {
                    DataType::Datetime(TimeUnit::Milliseconds, None)
                }
                crate::ingest::telemetry::Type::Num => DataType::Float64,
                crate::ingest::telemetry::Type::Bool => DataType::Boolean,
            };
            cols.push(Column::new_empty(f.name.into(), &dt));
        }
        return Ok(DataFrame::new(0, cols)?.lazy());
    }
    hive_scan(&files, "source", None, kind)
}
