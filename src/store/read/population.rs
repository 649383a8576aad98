//! A round's population for disclosure control: respondents, their segment groups, and who is
//! behind each question's figures.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use polars::prelude::*;

use super::{maturity_levels, metas, segment_columns};
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
    // who answered it by the summaries' reading (a value; a maturity label with a level; an
    // option of a multi-select). Labels are read for maturity questions only.
    let m = metas(catalog, round);
    let levels = maturity_levels(catalog);
    let maturity: Vec<String> =
        m.iter().filter(|(_, x)| x.kind == "maturity").map(|(q, _)| q.clone()).collect();
    let label = if maturity.is_empty() {
        lit(NULL).cast(DataType::String)
    } else {
        when(col("question_id").is_in(lit(Series::new("m".into(), maturity)).implode(true), false))
            .then(col("label"))
            .otherwise(lit(NULL).cast(DataType::String))
    };
    let df = frames::table(ws, "responses", Some(&[round.to_string()]))?
        .select([
            col("question_id"),
            col("respondent"),
            label.alias("label"),
            col("value").is_not_null().alias("valued"),
        ])
        .collect()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the responses of round {round}"))?;
    let (qs, who, label, valued) = (
        df.column("question_id")?.str()?,
        df.column("respondent")?.str()?,
        df.column("label")?.str()?,
        df.column("valued")?.bool()?,
    );
    // The respondent's index. The store writes a question's rows in respondent order, so the
    // next respondent (or the same one, for a multi-select's options) is tried first with one
    // string comparison; any other order falls back to a hash lookup, so the result never
    // depends on the order.
    let index: PlHashMap<&str, u32> =
        ids.iter().zip(0u32..).map(|(s, i)| (s.as_str(), i)).collect();
    let mut prev: Option<(&str, &str, u32)> = None; // (question, respondent, index)
    let idx: Vec<Option<u32>> = qs
        .iter()
        .zip(who.iter())
        .map(|(q, w)| {
            let (q, w) = (q?, w?);
            let i = match prev {
                Some((pq, pw, pi)) if pq == q && pw == w => pi,
                Some((pq, _, pi))
                    if pq == q && ids.get(pi as usize + 1).is_some_and(|x| x == w) =>
                {
                    pi + 1
                }
                _ if prev.is_none_or(|(pq, _, _)| pq != q)
                    && ids.first().is_some_and(|x| x == w) =>
                {
                    0
                }
                _ => *index.get(w)?,
            };
            prev = Some((q, w, i));
            Some(i)
        })
        .collect();
    // Per question and respondent: 0 not behind its figures, 1 behind them (a multi-select
    // answered without an option), 2 behind them and counted.
    let n = ids.len();
    struct Slot<'a> {
        kind: &'a str,
        levels: Option<&'a BTreeMap<String, u8>>,
        state: Vec<u8>,
    }
    let mut slots: BTreeMap<&str, Slot> = BTreeMap::new();
    let mut cur: Option<&str> = None;
    for (((q, i), l), v) in qs.iter().zip(idx.iter().copied()).zip(label.iter()).zip(valued.iter())
    {
        let (Some(q), Some(i)) = (q, i) else { continue };
        if cur != Some(q) {
            cur = Some(q);
            if !slots.contains_key(q) {
                let kind = m.get(q).map_or("text", |x| x.kind.as_str());
                slots.insert(q, Slot { kind, levels: levels.get(q), state: Vec::new() });
            }
        }
        let slot = slots.get_mut(q).expect("inserted above");
        if slot.kind == "text" {
            continue;
        }
        let valid = match (slot.kind, slot.levels) {
            ("maturity", Some(lv)) => l.is_some_and(|l| lv.contains_key(l.trim())),
            _ => v.unwrap_or(false),
        };
        {
            if slot.state.is_empty() {
                slot.state.resize(n, 0);
            }
            let i = i as usize;
            slot.state[i] = slot.state[i].max(if valid { 2 } else { 1 });
        }
    }
    let slots: Vec<(String, Slot)> = slots.into_iter().map(|(q, s)| (q.to_string(), s)).collect();
    drop(index);
    for (q, slot) in slots {
        let s = slot.state;
        if s.is_empty() {
            continue;
        }
        let members: Vec<u32> = (0..n as u32).filter(|&p| s[p as usize] > 0).collect();
        let counted = Some(members.iter().map(|&p| s[p as usize] == 2).collect());
        scopes.insert(q, Scope { members, counted });
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
