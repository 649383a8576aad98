//! A parsed round plus its catalog links become the round's tables: `responses` (long format),
//! `respondents`, `comments` and a `questions` snapshot.

use anyhow::Result;
use polars::prelude::*;

use crate::ingest::privacy::{pseudonym, scrub};
use crate::ingest::scales::{ScaleKind, is_excluded};
use crate::ingest::survey::{Answers, ItemKind, NONE, Survey, quality_flags};

/// The tables of one round.
#[derive(Debug)]
pub struct RoundFrames {
    /// `responses(respondent, question_id, label, value)`.
    pub responses: DataFrame,
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
        ItemKind::Numeric => label.trim().replace(',', "").parse().ok(),
        ItemKind::Multi | ItemKind::Text => None,
    }
}

/// Builds the round's frames. `ids[i]` is the catalog question ID of `survey.items[i]`.
pub fn round_frames(survey: &Survey, ids: &[String], secret: &[u8; 32]) -> Result<RoundFrames> {
    let pseudonyms: Vec<String> =
        survey.respondents.iter().map(|r| pseudonym(secret, &r.person_key)).collect();
    let n = pseudonyms.len();

    let mut r_resp: Vec<&str> = Vec::new();
    let mut r_qid: Vec<&str> = Vec::new();
    let mut r_label: Vec<Option<&str>> = Vec::new();
    let mut r_value: Vec<Option<f64>> = Vec::new();
    let mut c_resp: Vec<&str> = Vec::new();
    let mut c_qid: Vec<&str> = Vec::new();
    let mut c_text: Vec<String> = Vec::new();
    let expected = survey.items.len() * n;
    r_resp.reserve(expected);
    r_qid.reserve(expected);
    r_label.reserve(expected);
    r_value.reserve(expected);

    for (item, id) in survey.items.iter().zip(ids) {
        match &item.answers {
            Answers::Coded { labels, codes } => {
                let values: Vec<Option<f64>> =
                    labels.iter().map(|l| value_of(&item.kind, &item.options, l)).collect();
                for (i, &k) in codes.iter().enumerate() {
                    r_resp.push(&pseudonyms[i]);
                    r_qid.push(id);
                    if k == NONE {
                        r_label.push(None);
                        r_value.push(None);
                    } else {
                        r_label.push(Some(&labels[k as usize]));
                        r_value.push(values[k as usize]);
                    }
                }
            }
            Answers::Sets(sets) => {
                for (i, set) in sets.iter().enumerate() {
                    if set.is_empty() {
                        r_resp.push(&pseudonyms[i]);
                        r_qid.push(id);
                        r_label.push(None);
                        r_value.push(None);
                    }
                    for o in set {
                        r_resp.push(&pseudonyms[i]);
                        r_qid.push(id);
                        r_label.push(Some(o));
                        r_value.push(Some(1.0));
                    }
                }
            }
            Answers::Texts(texts) => {
                for (i, t) in texts.iter().enumerate() {
                    if !is_excluded(t) {
                        c_resp.push(&pseudonyms[i]);
                        c_qid.push(id);
                        c_text.push(scrub(t));
                    }
                }
            }
        }
    }
    let len = r_resp.len();
    let responses = DataFrame::new(
        len,
        vec![
            Column::new("respondent".into(), r_resp),
            Column::new("question_id".into(), r_qid),
            Column::new("label".into(), r_label),
            Column::new("value".into(), r_value),
        ],
    )?;
    let clen = c_resp.len();
    let comments = DataFrame::new(
        clen,
        vec![
            Column::new("respondent".into(), c_resp),
            Column::new("question_id".into(), c_qid),
            Column::new("text".into(), c_text),
        ],
    )?;

    let flags = quality_flags(survey, &pseudonyms);
    let mut quality = Vec::new();
    for f in ["duplicate", "speeder", "straightliner", "incomplete"] {
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
    Ok(RoundFrames { responses, respondents, comments, questions, quality })
}
