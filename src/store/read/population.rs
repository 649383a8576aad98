//! A round's population for disclosure control: respondents, their segment groups, and who is
//! behind each question's figures.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use polars::prelude::*;

use super::{Coder, NONE, RoundAnswers, Who, answers, maturity_levels, metas, segment_columns};
use crate::analyse::disclosure::{Dim, FlagSet, Population, ROUND, Scope};
use crate::analyse::summary::QuestionMeta;
use crate::store::catalog::Catalog;
use crate::store::responses::{Codes, Dicts};
use crate::store::{frames, workspace::Workspace};

/// The segments of a round: those recorded at import; for rounds imported before pulse
/// recorded them, every extra column of the respondents (the safe reading).
pub fn segments(ws: &Workspace, round: &str) -> Result<Vec<String>> {
    let cols = segment_columns(ws, round)?;
    let recorded = ws.config.rounds.get(round).map(|m| &m.segments);
    Ok(match recorded {
        Some(r) if !r.is_empty() => cols.into_iter().filter(|c| r.contains(c)).collect(),
        _ => cols,
    })
}

/// Reads `round`'s population.
pub fn population(ws: &Workspace, catalog: &Catalog, round: &str) -> Result<Population> {
    let segs = segments(ws, round)?;
    let mut select = vec![col("respondent"), col("quality_flags")];
    select.extend(segs.iter().map(|s| col(s.as_str()).cast(DataType::String)));
    let resp = frames::table(ws, "respondents", Some(&[round.to_string()]))?
        .select(select)
        .collect()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the respondents of round {round}"))?;
    let ids: Vec<String> =
        resp.column("respondent")?.str()?.iter().map(|s| s.unwrap_or("").to_string()).collect();
    let mut dims = Vec::new();
    for s in &segs {
        let mut values: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut of = Vec::with_capacity(ids.len());
        for v in resp.column(s.as_str())?.str()?.iter() {
            let v = v.unwrap_or("(none)");
            let code = match index.get(v) {
                Some(&c) => c,
                None => {
                    let c = values.len() as u32;
                    values.push(v.to_string());
                    index.insert(v.to_string(), c);
                    c
                }
            };
            of.push(code);
        }
        dims.push(Dim { name: s.clone(), values, of, ..Dim::default() });
    }
    let mut scopes = BTreeMap::new();
    scopes.insert(
        ROUND.to_string(),
        Scope { members: (0..ids.len() as u32).collect(), counted: None },
    );
    // Who is behind each question's figures: everyone with a row (N/A and blank included), and
    // who answered it, read exactly as the summaries read it ([`answers`]: a value; a maturity
    // label with a level; an option of a multi-select).
    let m = metas(catalog, round);
    let levels = maturity_levels(catalog);
    let index: PlHashMap<&str, u32> =
        ids.iter().zip(0u32..).map(|(s, i)| (s.as_str(), i)).collect();
    let n = ids.len();
    let (questions, state) = match super::stored(ws, round)? {
        Some((codes, dicts)) => behind_from_codes(&codes, &dicts, &m, &levels, &index, n)?,
        None => {
            let a = answers(ws, round, &m, &levels, None, Who::All, FlagSet::NONE)?;
            behind_from_answers(&a, &m, &index, n)
        }
    };
    // Each row's person: the last row of its pseudonym, the index the question scopes use.
    let person: Vec<u32> = ids.iter().map(|id| index[id.as_str()]).collect();
    drop(index);
    for (q, s) in state.into_iter().enumerate() {
        if s.is_empty() {
            continue;
        }
        let members: Vec<u32> = (0..n as u32).filter(|&p| s[p as usize] > 0).collect();
        let counted = Some(members.iter().map(|&p| s[p as usize] == 2).collect());
        scopes.insert(questions[q].clone(), Scope { members, counted });
    }
    // A person's flags are those of all their responses (an exclusion leaves out a person with
    // every response: `read::excluded`).
    let mut flags: Vec<FlagSet> = resp
        .column("quality_flags")?
        .str()?
        .iter()
        .map(|f| FlagSet::of_stored(f.unwrap_or("")))
        .collect();
    // A person's flags are the union of their rows', and their response count sits on their
    // last row.
    let mut union = vec![FlagSet::NONE; ids.len()];
    let mut responses = vec![0u8; ids.len()];
    for (i, &p) in person.iter().enumerate() {
        union[p as usize].0 |= flags[i].0;
        responses[p as usize] = responses[p as usize].saturating_add(1);
    }
    for (f, &p) in flags.iter_mut().zip(&person) {
        *f = union[p as usize];
    }
    // The splits by flags are added by the caller, for every round or none
    // (`disclosure::flags::split_rounds`).
    Ok(Population { round: round.to_string(), ids, dims, scopes, responses, flags })
}

/// Per question (in first-appearance order) and respondent index: 0 not behind its figures,
/// 1 behind them, 2 behind them with a valid answer (empty for a question nobody is behind).
type Behind = (Vec<String>, Vec<Vec<u8>>);

/// Marks respondent `p` behind question `q`'s figures (`valid`: with a valid answer).
#[inline]
fn mark(state: &mut [Vec<u8>], q: usize, p: u32, valid: bool, n: usize) {
    let s = &mut state[q];
    if s.is_empty() {
        s.resize(n, 0);
    }
    let v = if valid { 2 } else { 1 };
    s[p as usize] = s[p as usize].max(v);
}

/// [`Behind`] from [`answers`] (rounds stored before the integer codes).
fn behind_from_answers(
    a: &RoundAnswers,
    m: &HashMap<String, QuestionMeta>,
    index: &PlHashMap<&str, u32>,
    n: usize,
) -> Behind {
    let person: Vec<u32> =
        a.respondents.iter().map(|s| index.get(s.as_str()).copied().unwrap_or(NONE)).collect();
    let skip: Vec<bool> =
        a.questions.iter().map(|q| m.get(q).is_none_or(|x| x.kind == "text")).collect();
    let mut state: Vec<Vec<u8>> = vec![Vec::new(); a.questions.len()];
    for i in 0..a.q.len() {
        let q = a.q[i] as usize;
        if skip[q] || a.who[i] == NONE {
            continue;
        }
        let p = person[a.who[i] as usize];
        if p != NONE {
            mark(&mut state, q, p, !a.value[i].is_nan(), n);
        }
    }
    (a.questions.clone(), state)
}

/// [`Behind`] straight from a round's stored codes, as [`behind_from_answers`] reads the
/// answers [`answers`] makes of them (every row's respondent coded; a value as `dense` makes
/// it: through the maturity levels, finite), without making them: each row is a few array
/// lookups.
fn behind_from_codes(
    codes: &Codes,
    dicts: &Dicts,
    m: &HashMap<String, QuestionMeta>,
    levels: &HashMap<String, BTreeMap<String, u8>>,
    index: &PlHashMap<&str, u32>,
    n: usize,
) -> Result<Behind> {
    let (resp, qs, label) = (
        super::dense::values(&codes.respondent),
        super::dense::values(&codes.question),
        super::dense::values(&codes.label),
    );
    // Respondent index per respondent code (through the pseudonym, as `answers` links them).
    let person: Vec<u32> = dicts
        .respondents
        .iter()
        .map(|p| index.get(p.unwrap_or("")).copied().unwrap_or(NONE))
        .collect();
    // Dense question codes in first-appearance order, by question ID.
    let mut coder: Coder = Coder::default();
    let mut q_dense: Vec<u32> = vec![NONE; dicts.questions.len()];
    let mut skip: Vec<bool> = Vec::new();
    let mut q_levels: Vec<Option<&BTreeMap<String, u8>>> = Vec::new();
    // Per label code: 0 not yet known, 1 not a value, 2 a value (fixed by its first row, as
    // `dense` fixes it).
    let mut valid_of: Vec<u8> = vec![0; dicts.labels.len()];
    let mut state: Vec<Vec<u8>> = Vec::new();
    // Rows come grouped by question (the store writes a round item by item): the question is
    // looked up once per run.
    let mut start = 0;
    while start < qs.len() {
        let qk = qs[start];
        let end = qs[start..].iter().position(|&k| k != qk).map_or(qs.len(), |e| start + e);
        let slot = q_dense.get_mut(qk as usize).context("a code outside its dictionary")?;
        if *slot == NONE {
            let q = dicts.questions.get(qk as usize).unwrap_or("");
            *slot = coder.code(q);
            if *slot as usize == skip.len() {
                skip.push(m.get(q).is_none_or(|x| x.kind == "text"));
                q_levels.push(levels.get(q));
                state.push(Vec::new());
            }
        }
        let q = *slot as usize;
        for (&r, &lk) in resp[start..end].iter().zip(&label[start..end]) {
            let p = *person.get(r as usize).context("a code outside its dictionary")?;
            let known = valid_of.get_mut(lk as usize).context("a label code outside labels")?;
            if *known == 0 {
                let v = match q_levels[q] {
                    Some(lv) => dicts
                        .labels
                        .get(lk as usize)
                        .and_then(|l| lv.get(l.trim()))
                        .map(|&x| f64::from(x)),
                    None => dicts.values.get(lk as usize),
                };
                *known = if v.is_some_and(f64::is_finite) { 2 } else { 1 };
            }
            if !skip[q] && p != NONE {
                mark(&mut state, q, p, *known == 2, n);
            }
        }
        start = end;
    }
    Ok((coder.into_names(), state))
}

/// A round's comments as (respondent pseudonym, text), sorted by respondent.
pub fn comments(ws: &Workspace, round: &str) -> Result<Vec<(String, String)>> {
    let c = frames::table(ws, "comments", Some(&[round.to_string()]))?
        .select([col("respondent"), col("text")])
        .sort(["respondent"], SortMultipleOptions::default())
        .collect()
        .map_err(anyhow::Error::from)?;
    let who = c.column("respondent")?.str()?.clone();
    let text = c.column("text")?.str()?.clone();
    Ok(who
        .iter()
        .zip(text.iter())
        .map(|(w, t)| (w.unwrap_or("").to_string(), t.unwrap_or("").to_string()))
        .collect())
}
