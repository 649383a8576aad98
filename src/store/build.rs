//! A parsed round plus its catalog links become the round's tables: `responses` (long format),
//! `respondents`, `comments` and a `questions` snapshot.

use std::collections::HashMap;

use anyhow::{Context, Result};
use polars::prelude::*;
use rayon::prelude::*;

use crate::ingest::privacy::{pseudonym, scrub};
use crate::ingest::scales::{ScaleKind, finite_number, is_excluded};
use crate::ingest::survey::{Answers, ItemKind, NONE, Survey, quality_flags};

/// Column of `responses`: the respondent's row in the round's `respondents`.
pub const RESPONDENT_CODE: &str = "respondent_code";
/// Column of `responses`: the question's row in the round's `questions` snapshot.
pub const QUESTION_CODE: &str = "question_code";
/// Column of `responses` and `labels`: the answer's row in the round's `labels` (0 = blank).
pub const LABEL_CODE: &str = "label_code";

/// The tables of one round.
#[derive(Debug)]
pub struct RoundFrames {
    /// `responses(respondent_code, question_code, label_code)`: see [`LABEL_CODE`].
    pub responses: DataFrame,
    /// `labels(label_code, label, value)`: the round's answer dictionary.
    pub labels: DataFrame,
    /// `respondents(respondent, submitted_at, duration_s, complete, quality_flags, segments…)`.
    pub respondents: DataFrame,
    /// `comments(respondent, question_id, text)`, scrubbed.
    pub comments: DataFrame,
    /// Snapshot of the round's questions as imported.
    pub questions: DataFrame,
    /// Counts of each quality flag.
    pub quality: Vec<(&'static str, usize)>,
}

/// Number for a label of an item, or None when it is not a value.
fn value_of(kind: &ItemKind, options: &[String], label: &str) -> Option<f64> {
    if is_excluded(label) {
        return None;
    }
    match kind {
        ItemKind::Scale(s) => s.value_of(label),
        ItemKind::Single => options.iter().position(|o| o == label.trim()).map(|i| (i + 1) as f64),
        ItemKind::Numeric => finite_number(label),
        ItemKind::Multi | ItemKind::Text => None,
    }
}

/// How one item's rows of `responses` are filled.
enum Fill<'a> {
    /// A code per respondent: the label code is `base` + the item's code (0 when blank).
    Coded { base: u32, codes: &'a [u32] },
    /// Option sets: a row per chosen option (one blank row for an empty set).
    Sets { codes: HashMap<&'a str, u32>, sets: &'a [Vec<String>] },
}

/// `responses` in long format, one row per respondent and item (one per chosen option of a
/// multi-select), item by item in file order, as three dense integer columns: the respondent's
/// row in `respondents`, the question's row in the `questions` snapshot, and the answer's row in
/// `labels` (the round's label dictionary: label text and value; code 0 is the blank answer).
///
/// Integer codes instead of 6 M-row string columns make the write several times cheaper and
/// let readers skip per-row hashing (issue 11); readers decode them through
/// [`super::frames::table`], so SQL users still see `respondent`, `question_id`, `label` and
/// `value` as text and numbers.
fn responses_frame(survey: &Survey) -> Result<(DataFrame, DataFrame)> {
    // Label dictionary: code 0 is the null label, then every item's labels (or options). A
    // label code also fixes the value (labels are coded per item), so values are a dictionary too.
    let mut dict: Vec<Option<&str>> = vec![None];
    let mut dict_values: Vec<Option<f64>> = vec![None];
    let idx = |i: usize| u32::try_from(i).context("more rows than the store can index");
    // The dictionary and each item's rows first (in item order, as codes are given), then the
    // rows filled in parallel, each item into its own slice of the columns.
    let mut fills: Vec<(u32, usize, Fill)> = Vec::new();
    for (qi, item) in survey.items.iter().enumerate() {
        let q = idx(qi)?;
        match &item.answers {
            Answers::Coded { labels, codes } => {
                let base = idx(dict.len())?;
                dict.extend(labels.iter().map(|l| Some(l.as_str())));
                dict_values.extend(labels.iter().map(|l| value_of(&item.kind, &item.options, l)));
                idx(codes.len())?;
                fills.push((q, codes.len(), Fill::Coded { base, codes }));
            }
            Answers::Sets(sets) => {
                // Options by text: a set holds option labels, coded once per item.
                let mut codes: HashMap<&str, u32> = HashMap::new();
                let mut rows = 0;
                for set in sets {
                    rows += set.len().max(1);
                    for o in set {
                        if !codes.contains_key(o.as_str()) {
                            codes.insert(o.as_str(), idx(dict.len())?);
                            dict.push(Some(o.as_str()));
                            dict_values.push(Some(1.0));
                        }
                    }
                }
                idx(sets.len())?;
                fills.push((q, rows, Fill::Sets { codes, sets }));
            }
            Answers::Texts(_) => {}
        }
    }
    let total: usize = fills.iter().map(|(_, rows, _)| rows).sum();
    let (mut resp, mut qid, mut label) = (vec![0u32; total], vec![0u32; total], vec![0u32; total]);
    {
        let mut parts = Vec::with_capacity(fills.len());
        let (mut r, mut qs, mut ls) = (&mut resp[..], &mut qid[..], &mut label[..]);
        for (q, rows, fill) in fills {
            let (r1, r2) = r.split_at_mut(rows);
            let (q1, q2) = qs.split_at_mut(rows);
            let (l1, l2) = ls.split_at_mut(rows);
            (r, qs, ls) = (r2, q2, l2);
            parts.push((q, fill, r1, q1, l1));
        }
        parts.into_par_iter().for_each(|(q, fill, r, qs, ls)| {
            qs.fill(q);
            match fill {
                Fill::Coded { base, codes } => {
                    for (i, (r, (l, &k))) in r.iter_mut().zip(ls.iter_mut().zip(codes)).enumerate()
                    {
                        *r = i as u32;
                        *l = if k == NONE { 0 } else { base + k };
                    }
                }
                Fill::Sets { codes, sets } => {
                    let mut at = 0;
                    for (i, set) in sets.iter().enumerate() {
                        if set.is_empty() {
                            (r[at], ls[at]) = (i as u32, 0);
                            at += 1;
                        }
                        for o in set {
                            (r[at], ls[at]) = (i as u32, codes[o.as_str()]);
                            at += 1;
                        }
                    }
                }
            }
        });
    }
    let len = resp.len();
    // `from_vec` takes the vectors as they are (`Column::new` would copy 6 M rows each).
    let responses = DataFrame::new(
        len,
        vec![
            UInt32Chunked::from_vec(RESPONDENT_CODE.into(), resp).into_column(),
            UInt32Chunked::from_vec(QUESTION_CODE.into(), qid).into_column(),
            UInt32Chunked::from_vec(LABEL_CODE.into(), label).into_column(),
        ],
    )?;
    let n = dict.len();
    let labels = DataFrame::new(
        n,
        vec![
            Column::new(LABEL_CODE.into(), (0..idx(n)?).collect::<Vec<u32>>()),
            Column::new("label".into(), dict),
            Column::new("value".into(), dict_values),
        ],
    )?;
    Ok((responses, labels))
}

/// `comments`: the non-blank answers of text items, scrubbed.
fn comments_frame(survey: &Survey, ids: &[String], pseudonyms: &[String]) -> Result<DataFrame> {
    let mut c_resp: Vec<&str> = Vec::new();
    let mut c_qid: Vec<&str> = Vec::new();
    let mut c_text: Vec<String> = Vec::new();
    for (item, id) in survey.items.iter().zip(ids) {
        if let Answers::Texts(texts) = &item.answers {
            // Checking and scrubbing each text is the work: in parallel, kept in order.
            let kept: Vec<(usize, String)> = texts
                .par_iter()
                .enumerate()
                .filter(|(_, t)| !is_excluded(t))
                .map(|(i, t)| (i, scrub(t)))
                .collect();
            for (i, t) in kept {
                c_resp.push(&pseudonyms[i]);
                c_qid.push(id);
                c_text.push(t);
            }
        }
    }
    let clen = c_resp.len();
    Ok(DataFrame::new(
        clen,
        vec![
            Column::new("respondent".into(), c_resp),
            Column::new("question_id".into(), c_qid),
            Column::new("text".into(), c_text),
        ],
    )?)
}

/// Builds the round's frames. `ids[i]` is the catalog question ID of `survey.items[i]`.
pub fn round_frames(survey: &Survey, ids: &[String], secret: &[u8; 32]) -> Result<RoundFrames> {
    let pseudonyms: Vec<String> =
        survey.respondents.par_iter().map(|r| pseudonym(secret, &r.person_key)).collect();
    let n = pseudonyms.len();

    let (responses, labels) = responses_frame(survey)?;
    let comments = comments_frame(survey, ids, &pseudonyms)?;

    let flags = quality_flags(survey, &pseudonyms);
    let mut quality = Vec::new();
    for f in crate::ingest::survey::quality::FLAGS {
        quality.push((f, flags.iter().filter(|fs| fs.contains(&f)).count()));
    }
    let submitted: Vec<Option<i64>> = survey
        .respondents
        .iter()
        .map(|r| r.submitted.map(|d| d.and_utc().timestamp_millis()))
        .collect();
    let mut cols = vec![
        Column::new("respondent".into(), &pseudonyms),
        Column::new("submitted_at".into(), submitted)
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?,
        Column::new(
            "duration_s".into(),
            survey.respondents.iter().map(|r| r.duration_s).collect::<Vec<_>>(),
        ),
        Column::new(
            "complete".into(),
            survey.respondents.iter().map(|r| r.complete).collect::<Vec<_>>(),
        ),
        Column::new("quality_flags".into(), flags.iter().map(|f| f.join(",")).collect::<Vec<_>>()),
    ];
    for s in &survey.segments {
        cols.push(Column::new(s.name.as_str().into(), &s.values));
    }
    for (h, vals) in &survey.kept {
        let name = crate::store::catalog::slug(h, 4);
        if cols.iter().all(|c| c.name().as_str() != name) {
            cols.push(Column::new(name.into(), vals));
        }
    }
    let respondents = DataFrame::new(n, cols)?;

    let q = &survey.items;
    let scale_name = |k: &ItemKind| match k {
        ItemKind::Scale(s) => s.name(),
        _ => String::new(),
    };
    let points = |k: &ItemKind| match k {
        ItemKind::Scale(s) => u32::try_from(ScaleKind::points(s)).ok(),
        _ => None,
    };
    let questions = DataFrame::new(
        q.len(),
        vec![
            Column::new("question_id".into(), ids),
            Column::new("text".into(), q.iter().map(|i| i.text.as_str()).collect::<Vec<_>>()),
            Column::new("kind".into(), q.iter().map(|i| i.kind.name()).collect::<Vec<_>>()),
            Column::new("scale".into(), q.iter().map(|i| scale_name(&i.kind)).collect::<Vec<_>>()),
            Column::new(
                "scale_points".into(),
                q.iter().map(|i| points(&i.kind)).collect::<Vec<_>>(),
            ),
            Column::new("column".into(), q.iter().map(|i| i.key.as_str()).collect::<Vec<_>>()),
            Column::new("position".into(), q.iter().map(|i| i.position as u32).collect::<Vec<_>>()),
            Column::new(
                "grid".into(),
                q.iter().map(|i| i.group.clone().unwrap_or_default()).collect::<Vec<_>>(),
            ),
        ],
    )?;
    Ok(RoundFrames { responses, labels, respondents, comments, questions, quality })
}
