//! A round's population for disclosure control: respondents, their segment groups, and who is
//! behind each question's figures.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use polars::prelude::*;

use super::{NONE, Who, answers, maturity_levels, metas, segment_columns};
use crate::analyse::disclosure::{Dim, Population, ROUND, Scope};
use crate::store::catalog::Catalog;
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
    let mut select = vec![col("respondent")];
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
        dims.push(Dim { name: s.clone(), values, of });
    }
    let mut scopes = BTreeMap::new();
    scopes.insert(
        ROUND.to_string(),
        Scope { members: (0..ids.len() as u32).collect(), counted: None },
    );
    // Who is behind each question's figures: everyone with a row (N/A and blank included), and
    // who answered it, read exactly as the summaries read it ([`answers`]: a value; a maturity
    // label with a level; an option of a multi-select). Rows are array lookups; each distinct
    // respondent is matched to its index once.
    let m = metas(catalog, round);
    let a = answers(ws, round, &m, &maturity_levels(catalog), None, Who::All)?;
    let index: PlHashMap<&str, u32> =
        ids.iter().zip(0u32..).map(|(s, i)| (s.as_str(), i)).collect();
    let person: Vec<u32> =
        a.respondents.iter().map(|s| index.get(s.as_str()).copied().unwrap_or(NONE)).collect();
    drop(index);
    let n = ids.len();
    // Per question code and respondent: 0 not behind its figures, 1 behind them, 2 behind them
    // with a valid answer.
    let skip: Vec<bool> =
        a.questions.iter().map(|q| m.get(q).is_none_or(|x| x.kind == "text")).collect();
    let mut state: Vec<Vec<u8>> = vec![Vec::new(); a.questions.len()];
    for i in 0..a.q.len() {
        let q = a.q[i] as usize;
        if skip[q] || a.who[i] == NONE {
            continue;
        }
        let p = person[a.who[i] as usize];
        if p == NONE {
            continue;
        }
        let s = &mut state[q];
        if s.is_empty() {
            s.resize(n, 0);
        }
        let v = if a.value[i].is_nan() { 1 } else { 2 };
        s[p as usize] = s[p as usize].max(v);
    }
    for (q, s) in state.into_iter().enumerate() {
        if s.is_empty() {
            continue;
        }
        let members: Vec<u32> = (0..n as u32).filter(|&p| s[p as usize] > 0).collect();
        let counted = Some(members.iter().map(|&p| s[p as usize] == 2).collect());
        scopes.insert(a.questions[q].clone(), Scope { members, counted });
    }
    Ok(Population { round: round.to_string(), ids, dims, scopes })
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
