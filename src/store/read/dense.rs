//! [`RoundAnswers`] from a round's stored integer codes: the codes index small dictionaries, so
//! each question, respondent and label is looked up once through its string (keeping the codes,
//! their first-appearance order and the merging of repeated pseudonyms exactly as the
//! string reader makes them) and every row after that is an array lookup, never a hash.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use polars::prelude::*;

use super::{Coder, Coding, NONE, RoundAnswers, Who, group_codes};
use crate::analyse::summary::QuestionMeta;
use crate::store::responses::{Codes, Dicts};

/// Lazily filled map from a dictionary code to a dense code.
struct Remap(Vec<u32>);

impl Remap {
    fn new(len: usize) -> Remap {
        Remap(vec![NONE; len])
    }
    /// The dense code of `k`, made by `make` the first time.
    #[inline]
    fn get(&mut self, k: u32, make: impl FnOnce() -> u32) -> Result<u32> {
        let slot = self.0.get_mut(k as usize).context("a code outside its dictionary")?;
        if *slot == NONE {
            *slot = make();
        }
        Ok(*slot)
    }
}

/// The values of a column of codes: borrowed when they are one contiguous array (as
/// [`crate::store::responses::codes`] reads them), else collected.
pub(super) fn values(c: &UInt32Chunked) -> std::borrow::Cow<'_, [u32]> {
    match c.cont_slice() {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(c.into_no_null_iter().collect()),
    }
}

/// Codes a round's answers as [`super::answers`] documents, from its stored codes, leaving out
/// the rows of respondent codes marked in `drop` (empty: none).
pub(super) fn code(
    codes: &Codes,
    dicts: &Dicts,
    seg: Option<&DataFrame>,
    metas: &HashMap<String, QuestionMeta>,
    levels: &HashMap<String, BTreeMap<String, u8>>,
    who: Who,
    drop: &[bool],
) -> Result<RoundAnswers> {
    let (resp, qs, label) =
        (values(&codes.respondent), values(&codes.question), values(&codes.label));
    let pseudonym = |k: u32| dicts.respondents.get(k as usize).unwrap_or("");
    let n = resp.len();
    let mut groups = Coder::default();
    let group_of = group_codes(seg, &mut groups)?;
    let none_group = seg.map(|_| groups.code("(none)"));
    // Group code per respondent code (through the pseudonym, as the string reader does).
    let group_by_code: Vec<u32> = match none_group {
        Some(ng) => (0..dicts.respondents.len())
            .map(|i| {
                let p = dicts.respondents.get(i).unwrap_or("");
                group_of.get(p).copied().unwrap_or(ng)
            })
            .collect(),
        None => Vec::new(),
    };
    let mut out = RoundAnswers::with_capacity(n, seg.is_some());
    let (mut questions, mut people, mut labels) =
        (Coder::default(), Coder::default(), Coder::default());
    let mut codings: Vec<Coding> = Vec::new();
    let mut q_map = Remap::new(dicts.questions.len());
    let mut who_map = Remap::new(dicts.respondents.len());
    let mut label_map = Remap::new(dicts.labels.len());
    let mut left_out: std::collections::BTreeSet<(u32, u32)> = Default::default();
    // Value per label code, computed on first use: a label code belongs to one question (labels
    // are coded per item; code 0, the blank answer, is never a value), so its value is fixed.
    let mut value_of: Vec<Option<f64>> = vec![None; dicts.labels.len()];
    // Rows come grouped by question (the store writes a round item by item): the question's
    // code and coding are looked up once per run.
    let mut start = 0;
    while start < qs.len() {
        let qk = qs[start];
        let end = qs[start..].iter().position(|&k| k != qk).map_or(qs.len(), |e| start + e);
        let qc =
            q_map.get(qk, || questions.code(dicts.questions.get(qk as usize).unwrap_or("")))?;
        if qc as usize == codings.len() {
            let q = dicts.questions.get(qk as usize).unwrap_or("");
            codings.push(Coding::of(q, metas, levels, who, seg.is_some()));
        }
        let c = codings[qc as usize];
        let before = out.value.len();
        for (&r, &lk) in resp[start..end].iter().zip(&label[start..end]) {
            if drop.get(r as usize).copied().unwrap_or(false) {
                // Left out (`--exclude`): its question and group are kept.
                let g = if seg.is_some() { group_by_code.get(r as usize).copied() } else { None };
                left_out.insert((qc, g.unwrap_or(0)));
                continue;
            }
            out.who.push(if c.who { who_map.get(r, || people.code(pseudonym(r)))? } else { NONE });
            if seg.is_some() {
                out.group.push(
                    *group_by_code
                        .get(r as usize)
                        .context("a respondent code outside respondents")?,
                );
            }
            let slot = value_of.get_mut(lk as usize).context("a label code outside labels")?;
            let v = *slot.get_or_insert_with(|| {
                let v = match c.levels {
                    Some(m) => dicts
                        .labels
                        .get(lk as usize)
                        .and_then(|l| m.get(l.trim()))
                        .map(|&x| f64::from(x)),
                    None => dicts.values.get(lk as usize),
                };
                v.filter(|v| v.is_finite()).unwrap_or(f64::NAN)
            });
            out.value.push(v);
            out.label.push(if c.labels {
                // A blank label stays NONE (looked up again each time: it is the rare case).
                label_map
                    .get(lk, || dicts.labels.get(lk as usize).map_or(NONE, |l| labels.code(l)))?
            } else {
                NONE
            });
        }
        out.q.extend(std::iter::repeat_n(qc, out.value.len() - before));
        start = end;
    }
    out.questions = questions.into_names();
    out.respondents = people.into_names();
    out.labels = labels.into_names();
    out.groups = groups.into_names();
    out.left_out = left_out.into_iter().collect();
    Ok(out)
}
