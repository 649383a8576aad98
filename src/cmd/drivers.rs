//! `pulse drivers` and `pulse reliability`: what moves the outcome, and whether constructs hold
//! together.

use std::collections::HashMap;

use anyhow::{Result, bail};
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::correlate::cronbach;
use crate::analyse::drivers::drivers;
use crate::analyse::summary::summarise;
use crate::cli::{DriversArgs, Global, ReliabilityArgs};
use crate::store::workspace::Workspace;

type Values = HashMap<String, HashMap<String, f64>>;
/// Per question, its score (top-box share, bottom box for lower-is-better items).
type Scores = HashMap<String, Option<f64>>;
/// Cronbach's α, rows used, corrected item-total correlations.
type Alpha = Option<(f64, usize, Vec<Option<f64>>)>;
/// One `reliability` row: construct, items, n, α, item-total text, warning.
type ReliabilityRow = (String, usize, Option<u64>, Option<f64>, String, String);

/// Per question, respondent → value, and each question's top-box share, for one round.
fn values(ws: &Workspace, round: &str) -> Result<(Values, Scores)> {
    let catalog = super::questions::load_catalog(ws)?;
    let metas = super::load::metas(&catalog, round);
    let answers = super::load::answers(
        &super::load::responses(ws, round, None)?,
        &metas,
        &super::load::maturity_levels(&catalog),
        true,
    )?;
    let mut vals = Values::new();
    let mut top = HashMap::new();
    for ((q, _), a) in &answers {
        let Some(m) = metas.get(q) else { continue };
        if !m.is_ordinal() {
            continue;
        }
        // Lower-is-better items enter with their sign flipped and are scored by their bottom
        // box, so "important and doing badly" reads the same for every item.
        let sign = if m.higher_is_better { 1.0 } else { -1.0 };
        vals.insert(
            q.clone(),
            a.who.iter().cloned().zip(a.values.iter().map(|v| sign * v)).collect(),
        );
        let row = summarise(q, "", m, a);
        let score =
            row.first().and_then(|r| if m.higher_is_better { r.top_box } else { r.bottom_box });
        top.insert(q.clone(), score);
    }
    Ok((vals, top))
}

/// Drivers of `outcome` (default: pulse.toml's) in `round`.
pub fn frame(ws: &Workspace, round: &str, outcome: Option<&str>) -> Result<DataFrame> {
    let Some(outcome) = outcome.map(str::to_string).or_else(|| ws.config.outcome.clone()) else {
        bail!(
            "no outcome question\nhint: pass --outcome QUESTION_ID or set `outcome` in pulse.toml"
        );
    };
    let (mut vals, top) = values(ws, round)?;
    let Some(out_vals) = vals.remove(&outcome) else {
        bail!(
            "{outcome:?} is not a rated question of round {round}\nhint: `pulse questions --round {round}`"
        );
    };
    let mut items: Vec<(String, HashMap<String, f64>, Option<f64>)> = vals
        .into_iter()
        .map(|(q, v)| {
            let t = top.get(&q).copied().flatten();
            (q, v, t)
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let d = drivers(&out_vals, &items);
    let len = d.len();
    let df = DataFrame::new(
        len,
        vec![
            Column::new("round".into(), vec![round; len]),
            Column::new("outcome".into(), vec![outcome.as_str(); len]),
            Column::new(
                "question_id".into(),
                d.iter().map(|x| x.question_id.clone()).collect::<Vec<_>>(),
            ),
            Column::new("n".into(), d.iter().map(|x| x.n as u64).collect::<Vec<_>>()),
            Column::new("rho".into(), d.iter().map(|x| x.rho).collect::<Vec<_>>()),
            Column::new(
                "rho_ci_low".into(),
                d.iter().map(|x| x.rho_ci.map(|c| c.0)).collect::<Vec<_>>(),
            ),
            Column::new(
                "rho_ci_high".into(),
                d.iter().map(|x| x.rho_ci.map(|c| c.1)).collect::<Vec<_>>(),
            ),
            Column::new("p_value".into(), d.iter().map(|x| x.p_value).collect::<Vec<_>>()),
            Column::new("top_box".into(), d.iter().map(|x| x.top_box).collect::<Vec<_>>()),
            Column::new(
                "quadrant".into(),
                d.iter().map(|x| x.quadrant.clone()).collect::<Vec<_>>(),
            ),
        ],
    )?;
    Ok(df)
}

/// Runs `pulse drivers`.
pub fn run(g: &Global, a: &DriversArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = super::load::round_or_latest(&ws, a.round.as_ref())?;
    let df = frame(&ws, &round, a.outcome.as_deref())?;
    crate::output::print_frame(&df, a.format)?;
    Ok(ExitStatus::Success)
}

/// Runs `pulse reliability`.
pub fn reliability(g: &Global, a: &ReliabilityArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = super::load::round_or_latest(&ws, a.round.as_ref())?;
    let catalog = super::questions::load_catalog(&ws)?;
    let previous = ws.round_ids().into_iter().rfind(|r| r.as_str() < round.as_str());
    let mut constructs: std::collections::BTreeMap<&str, Vec<&str>> =
        std::collections::BTreeMap::new();
    for q in &catalog.questions {
        if !q.construct.is_empty() && q.rounds.contains_key(&round) {
            constructs.entry(q.construct.as_str()).or_default().push(q.id.as_str());
        }
    }
    // Each round's answers are read once, not once per construct.
    let alpha_of = |vals: &Values, ids: &[&str]| -> Alpha {
        let cols: Vec<&HashMap<String, f64>> = ids.iter().filter_map(|q| vals.get(*q)).collect();
        if cols.len() != ids.len() {
            return None;
        }
        let people: std::collections::BTreeSet<&String> =
            cols.iter().flat_map(|c| c.keys()).collect();
        let rows: Vec<Vec<f64>> = people
            .iter()
            .map(|p| cols.iter().map(|c| *c.get(*p).unwrap_or(&f64::NAN)).collect())
            .collect();
        cronbach(&rows)
    };
    let (now_vals, _) = values(&ws, &round)?;
    let mut prev_vals: Option<Values> = None;
    let mut out: Vec<ReliabilityRow> = Vec::new();
    for (c, ids) in constructs.iter().filter(|(_, ids)| ids.len() >= 3) {
        let now = alpha_of(&now_vals, ids);
        let mut warn = Vec::new();
        let (n, alpha, items) = match &now {
            Some((al, n, it)) => {
                if *al < 0.7 {
                    warn.push(format!("alpha {al:.2} below 0.7"));
                }
                let items = ids
                    .iter()
                    .zip(it)
                    .map(|(q, r)| format!("{q}={}", r.map_or("-".into(), |r| format!("{r:.2}"))))
                    .collect::<Vec<_>>()
                    .join("; ");
                (Some(*n as u64), Some(*al), items)
            }
            None => (None, None, String::new()),
        };
        let reworded = ids.iter().any(|q| {
            catalog.get(q).and_then(|x| x.rounds.get(&round)).is_some_and(|r| r.wording_changed)
        });
        if let (Some(prev), Some(al), true) = (&previous, alpha, reworded) {
            if prev_vals.is_none() {
                prev_vals = Some(values(&ws, prev)?.0);
            }
            if let Some((pa, _, _)) = prev_vals.as_ref().and_then(|v| alpha_of(v, ids))
                && pa - al > 0.1
            {
                warn.push(format!("alpha dropped {pa:.2} -> {al:.2} after a wording change"));
            }
        }
        out.push((c.to_string(), ids.len(), n, alpha, items, warn.join("; ")));
    }
    let len = out.len();
    let df = DataFrame::new(
        len,
        vec![
            Column::new("round".into(), vec![round.as_str(); len]),
            Column::new("construct".into(), out.iter().map(|x| x.0.clone()).collect::<Vec<_>>()),
            Column::new("items".into(), out.iter().map(|x| x.1 as u64).collect::<Vec<_>>()),
            Column::new("n".into(), out.iter().map(|x| x.2).collect::<Vec<_>>()),
            Column::new("alpha".into(), out.iter().map(|x| x.3).collect::<Vec<_>>()),
            Column::new("item_total".into(), out.iter().map(|x| x.4.clone()).collect::<Vec<_>>()),
            Column::new("warning".into(), out.iter().map(|x| x.5.clone()).collect::<Vec<_>>()),
        ],
    )?;
    crate::output::print_frame(&df, a.format)?;
    Ok(ExitStatus::Success)
}
