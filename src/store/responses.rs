//! The `responses` table at rest and read back. A round's answers are stored as three dense
//! integer columns (see [`super::build`]): the respondent's row in the round's `respondents`,
//! the question's row in its `questions` snapshot, and the answer's row in its `labels`
//! dictionary. Readers that want numbers take the codes as they are ([`codes`]); everything
//! else sees the decoded table ([`table`]: `round, respondent, question_id, label, value`, as
//! `pulse query` documents it), built by left joins with the small dictionaries.
//!
//! Rounds imported before the codes (string columns in the file) still read: their file is
//! scanned as it is.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result};
use polars::prelude::*;

use super::build::{LABEL_CODE, QUESTION_CODE, RESPONDENT_CODE};
use super::frames::{empty_table, hive_scan, partition, scan_rounds};
use super::workspace::Workspace;

/// A round's `responses` file, if the round has one.
pub fn file(ws: &Workspace, round: &str) -> Option<PathBuf> {
    Some(ws.path(&partition("responses", round)).join("part-0.parquet")).filter(|f| f.exists())
}

/// Whether a `responses` file holds integer codes (false: the string columns of older stores).
pub fn is_coded(path: &std::path::Path) -> Result<bool> {
    let f = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let schema = ParquetReader::new(f)
        .schema()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the schema of {}", path.display()))?;
    Ok(schema.get(LABEL_CODE).is_some())
}

/// Reads some columns of one Parquet file.
fn read_columns(path: &std::path::Path, columns: &[&str]) -> Result<DataFrame> {
    let f = fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    ParquetReader::new(f)
        .with_columns(Some(columns.iter().map(|c| (*c).to_string()).collect()))
        .finish()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading {}", path.display()))
}

/// The dictionaries a round's codes point into, each indexed by its code.
#[derive(Debug, Clone)]
pub struct Dicts {
    /// Pseudonym per respondent code (the rows of `respondents`).
    pub respondents: StringChunked,
    /// Question ID per question code (the rows of the `questions` snapshot).
    pub questions: StringChunked,
    /// Label per label code (null for a blank answer).
    pub labels: StringChunked,
    /// Value per label code (null when not a value).
    pub values: Float64Chunked,
}

impl Dicts {
    /// Reads the dictionaries of `round`.
    pub fn read(ws: &Workspace, round: &str) -> Result<Dicts> {
        let part = |t: &str| ws.path(&partition(t, round)).join("part-0.parquet");
        let respondents = read_columns(&part("respondents"), &["respondent"])?;
        let questions = read_columns(&part("questions"), &["question_id"])?;
        let labels = read_columns(&part("labels"), &["label", "value"]).context(
            "the round's label dictionary is missing\nhint: import the round again with --replace",
        )?;
        // Questions renamed in catalog.toml since this round was imported read as their new ID.
        let renames = crate::store::catalog::Catalog::load(ws)?.renames(round);
        let mut qs = questions.column("question_id")?.str()?.clone();
        if !renames.is_empty() {
            qs = qs
                .iter()
                .map(|q| q.map(|q| renames.get(q).map_or(q, String::as_str)))
                .collect::<StringChunked>()
                .with_name("question_id".into());
        }
        Ok(Dicts {
            respondents: respondents.column("respondent")?.str()?.clone(),
            questions: qs,
            labels: labels.column("label")?.str()?.clone(),
            values: labels.column("value")?.cast(&DataType::Float64)?.f64()?.clone(),
        })
    }
}

/// A round's codes, one entry per stored row, in store order.
#[derive(Debug, Clone)]
pub struct Codes {
    /// Respondent code per row.
    pub respondent: UInt32Chunked,
    /// Question code per row.
    pub question: UInt32Chunked,
    /// Label code per row.
    pub label: UInt32Chunked,
}

/// Reads the codes of a coded `responses` file.
pub fn codes(path: &std::path::Path) -> Result<Codes> {
    let df = read_columns(path, &[RESPONDENT_CODE, QUESTION_CODE, LABEL_CODE])?;
    let col = |n: &str| -> Result<UInt32Chunked> {
        Ok(df.column(n)?.cast(&DataType::UInt32)?.u32()?.rechunk().into_owned())
    };
    Ok(Codes {
        respondent: col(RESPONDENT_CODE)?,
        question: col(QUESTION_CODE)?,
        label: col(LABEL_CODE)?,
    })
}

/// One round's `responses` as documented: `round, respondent, question_id, label, value`.
pub fn decoded(ws: &Workspace, round: &str, path: &std::path::Path) -> Result<LazyFrame> {
    let scan = LazyFrame::scan_parquet(
        PlRefPath::from(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
    .map_err(anyhow::Error::from)
    .with_context(|| format!("reading the responses of round {round}"))?;
    let round_col = lit(round.to_string()).alias("round");
    if !is_coded(path)? {
        return Ok(scan.select([
            round_col,
            col("respondent"),
            col("question_id"),
            col("label"),
            col("value").cast(DataType::Float64),
        ]));
    }
    // Left joins with the small dictionaries (in row order), not gathers: polars pushes a
    // filter on a decoded column into the scan, and cannot evaluate a gather there.
    let d = Dicts::read(ws, round)?;
    let dict = |code: &str, cols: Vec<Column>| -> Result<LazyFrame> {
        let n = cols.first().map_or(0, Column::len);
        let codes: Vec<u32> = (0..u32::try_from(n)?).collect();
        let mut all = vec![Column::new(code.into(), codes)];
        all.extend(cols);
        Ok(DataFrame::new(n, all)?.lazy())
    };
    let args =
        JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) };
    let join = |lf: LazyFrame, code: &str, with: LazyFrame| {
        lf.join(with, [col(code)], [col(code)], args.clone())
    };
    let lf = join(
        scan,
        RESPONDENT_CODE,
        dict(RESPONDENT_CODE, vec![d.respondents.into_column().with_name("respondent".into())])?,
    );
    let lf = join(
        lf,
        QUESTION_CODE,
        dict(QUESTION_CODE, vec![d.questions.into_column().with_name("question_id".into())])?,
    );
    let lf = join(
        lf,
        LABEL_CODE,
        dict(
            LABEL_CODE,
            vec![
                d.labels.into_column().with_name("label".into()),
                d.values.into_column().with_name("value".into()),
            ],
        )?,
    );
    Ok(lf.select([round_col, col("respondent"), col("question_id"), col("label"), col("value")]))
}

/// The decoded `responses` of the given rounds, in round order (empty, with the documented
/// columns, when none has answers). One Hive scan over the rounds' files joined with the
/// rounds' stacked dictionaries on (round, code): a union of per-round frames would make
/// polars rewrite `count(*)` into a 128-bit sum this build cannot cast to.
pub fn table(ws: &Workspace, rounds: &[String]) -> Result<LazyFrame> {
    let files: Vec<(String, PathBuf)> =
        rounds.iter().filter_map(|r| file(ws, r).map(|f| (r.clone(), f))).collect();
    if files.is_empty() {
        return Ok(empty_table("responses").lazy());
    }
    let coded = files.iter().map(|(_, f)| is_coded(f)).collect::<Result<Vec<bool>>>()?;
    if !coded.iter().any(|&c| c) {
        return scan_rounds(ws, "responses", rounds);
    }
    if !coded.iter().all(|&c| c) {
        // Rounds stored before the codes next to coded ones: one frame per round.
        let mut parts = Vec::new();
        for (r, f) in &files {
            parts.push(decoded(ws, r, f)?);
        }
        return concat(parts, UnionArgs::default())
            .map_err(anyhow::Error::from)
            .context("reading the responses table");
    }
    let mut resp: Option<DataFrame> = None;
    let mut quest: Option<DataFrame> = None;
    let mut labs: Option<DataFrame> = None;
    let stack = |acc: &mut Option<DataFrame>, df: DataFrame| -> Result<()> {
        match acc {
            Some(a) => {
                a.vstack_mut(&df)?;
            }
            None => *acc = Some(df),
        }
        Ok(())
    };
    for (r, _) in &files {
        let d = Dicts::read(ws, r)?;
        let frame = |code: &str, cols: Vec<Column>| -> Result<DataFrame> {
            let n = cols.first().map_or(0, Column::len);
            let codes: Vec<u32> = (0..u32::try_from(n)?).collect();
            let mut all = vec![
                Column::new("round".into(), vec![r.as_str(); n]),
                Column::new(code.into(), codes),
            ];
            all.extend(cols);
            Ok(DataFrame::new(n, all)?)
        };
        stack(
            &mut resp,
            frame(
                RESPONDENT_CODE,
                vec![d.respondents.into_column().with_name("respondent".into())],
            )?,
        )?;
        stack(
            &mut quest,
            frame(QUESTION_CODE, vec![d.questions.into_column().with_name("question_id".into())])?,
        )?;
        stack(
            &mut labs,
            frame(
                LABEL_CODE,
                vec![
                    d.labels.into_column().with_name("label".into()),
                    d.values.into_column().with_name("value".into()),
                ],
            )?,
        )?;
    }
    let paths: Vec<PathBuf> = files.into_iter().map(|(_, f)| f).collect();
    let scan = hive_scan(&paths, "round", None, "responses")?;
    let args =
        JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) };
    let join = |lf: LazyFrame, code: &str, with: Option<DataFrame>| -> Result<LazyFrame> {
        let with = with.context("no dictionary")?.lazy();
        let on = [col("round"), col(code)];
        Ok(lf.join(with, on.clone(), on, args.clone()))
    };
    let lf = join(scan, RESPONDENT_CODE, resp)?;
    let lf = join(lf, QUESTION_CODE, quest)?;
    let lf = join(lf, LABEL_CODE, labs)?;
    Ok(lf.select([col("round"), col("respondent"), col("question_id"), col("label"), col("value")]))
}
