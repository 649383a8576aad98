//! Entry points of the survey analyses, for the commands and the report: each reads its input
//! once through [`crate::store::read`] and hands it to the pure functions of its module. The
//! only file of `analyse` that takes a [`Workspace`].

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use polars::prelude::DataFrame;

use super::compare::{CompareOptions, CompareRow, LOW_RESPONSE_RATE, Side};
use super::summary::{Grouped, SummaryRow};
use super::{compare, drivers, maturity, reliability, summary, themes, trend};
use crate::store::catalog::Catalog;
use crate::store::read::{self, NONE, Who};
use crate::store::workspace::{RoundMeta, Workspace};

/// Summary rows of a round (suppression applied when segmented).
pub fn summary_rows(ws: &Workspace, round: &str, segment: Option<&str>) -> Result<Vec<SummaryRow>> {
    let catalog = Catalog::load(ws)?;
    let metas = read::metas(&catalog, round);
    let levels = read::maturity_levels(&catalog);
    let a = read::answers(ws, round, &metas, &levels, segment, Who::Needed)?;
    let grouped = summary::group(&a);
    Ok(summary::rows(&grouped, &metas, segment.is_some(), ws.config.min_group_size))
}

/// Comparison rows of two rounds. The rounds load in parallel; with `opts.paired`, the later
/// round's respondent codes are linked to the earlier round's.
pub fn compare_rows(
    ws: &Workspace,
    from: &str,
    to: &str,
    segment: Option<&str>,
    opts: CompareOptions,
) -> Result<Vec<CompareRow>> {
    let catalog = Catalog::load(ws)?;
    let (mf, mt) = (read::metas(&catalog, from), read::metas(&catalog, to));
    let lv = read::maturity_levels(&catalog);
    let who = if opts.paired { Who::All } else { Who::Needed };
    let (af, at) = rayon::join(
        || read::answers(ws, from, &mf, &lv, segment, who),
        || read::answers(ws, to, &mt, &lv, segment, who),
    );
    let (af, at) = (af?, at?);
    let (gf, mut gt) = rayon::join(|| summary::group(&af), || summary::group(&at));
    if opts.paired {
        // The later round's respondents in the earlier round's codes (NONE: not in it).
        let link = read::link(&af, &at);
        for a in gt.values_mut() {
            for w in &mut a.who {
                if *w != NONE {
                    *w = link[*w as usize];
                }
            }
        }
    }
    let sizes = match segment {
        Some(s) => Some((read::group_sizes(ws, from, s)?, read::group_sizes(ws, to, s)?)),
        None => None,
    };
    let low_rate = [from, to].iter().any(|r| {
        ws.config
            .rounds
            .get(*r)
            .and_then(RoundMeta::response_rate)
            .is_some_and(|x| x < LOW_RESPONSE_RATE)
    });
    let questions: Vec<&str> = catalog.questions.iter().map(|q| q.id.as_str()).collect();
    Ok(compare::rows(
        &questions,
        &Side { metas: &mf, answers: &gf, sizes: sizes.as_ref().map(|s| &s.0) },
        &Side { metas: &mt, answers: &gt, sizes: sizes.as_ref().map(|s| &s.1) },
        low_rate,
        opts,
    ))
}

/// Trend over the rounds selected by `rounds` (see [`trend::select_rounds`]) for `questions`
/// (all when empty); the rounds' summaries run in parallel.
pub fn trend_frame(
    ws: &Workspace,
    questions: &[String],
    rounds: Option<&str>,
    segment: Option<&str>,
) -> Result<DataFrame> {
    use rayon::prelude::*;
    let catalog = Catalog::load(ws)?;
    let rounds = trend::select_rounds(&ws.round_ids(), rounds)?;
    trend::check_questions(&catalog, questions)?;
    let per_round: Vec<(String, Vec<SummaryRow>)> = rounds
        .par_iter()
        .map(|r| Ok((r.clone(), summary_rows(ws, r, segment)?)))
        .collect::<Result<_>>()?;
    trend::frame(&catalog, &per_round, questions, segment)
}

/// A round's rated items: grouped answers with every respondent coded, and the dense values.
struct Rated {
    respondents: Vec<String>,
    items: BTreeMap<String, (Vec<f64>, Option<f64>)>,
}

fn rated(ws: &Workspace, round: &str) -> Result<Rated> {
    let catalog = Catalog::load(ws)?;
    let metas = read::metas(&catalog, round);
    let a = read::answers(ws, round, &metas, &read::maturity_levels(&catalog), None, Who::All)?;
    let grouped: Grouped = summary::group(&a);
    let items = drivers::item_values(&grouped, &metas, a.respondents.len());
    Ok(Rated { respondents: a.respondents, items })
}

/// Drivers of `outcome` (default: pulse.toml's) in `round`.
pub fn drivers_frame(ws: &Workspace, round: &str, outcome: Option<&str>) -> Result<DataFrame> {
    let Some(outcome) = outcome.map(str::to_string).or_else(|| ws.config.outcome.clone()) else {
        bail!(
            "no outcome question\nhint: pass --outcome QUESTION_ID or set `outcome` in pulse.toml"
        );
    };
    let mut r = rated(ws, round)?;
    let Some((out_vals, _)) = r.items.remove(&outcome) else {
        bail!(
            "{outcome:?} is not a rated question of round {round}\nhint: `pulse questions --round {round}`"
        );
    };
    let items: Vec<(String, Vec<f64>, Option<f64>)> =
        r.items.into_iter().map(|(q, (v, t))| (q, v, t)).collect();
    let d = drivers::drivers(&out_vals, &items);
    Ok(drivers::frame(&d, round, &outcome)?)
}

/// Reliability (Cronbach's α) of the constructs asked in `round`.
pub fn reliability_frame(ws: &Workspace, round: &str) -> Result<DataFrame> {
    let catalog = Catalog::load(ws)?;
    let mut constructs: BTreeMap<&str, reliability::Construct> = BTreeMap::new();
    for q in &catalog.questions {
        let Some(asked) = q.rounds.get(round) else { continue };
        if q.construct.is_empty() {
            continue;
        }
        let c = constructs.entry(q.construct.as_str()).or_insert_with(|| reliability::Construct {
            name: q.construct.as_str(),
            items: Vec::new(),
            reworded: false,
        });
        c.items.push(q.id.as_str());
        c.reworded |= asked.wording_changed;
    }
    let constructs: Vec<reliability::Construct> = constructs.into_values().collect();
    fn items(r: &Rated) -> reliability::Items<'_> {
        reliability::Items {
            values: r.items.iter().map(|(q, (v, _))| (q.as_str(), v.as_slice())).collect(),
            respondents: &r.respondents,
        }
    }
    let now = rated(ws, round)?;
    // The round before is read only when a construct was reworded (its α is compared).
    let prev = match read::previous_round(ws, round) {
        Some(p) if constructs.iter().any(|c| c.reworded && c.items.len() >= 3) => {
            Some(rated(ws, &p)?)
        }
        _ => None,
    };
    let rows = reliability::rows(&constructs, &items(&now), prev.as_ref().map(items).as_ref());
    Ok(reliability::frame(&rows, round)?)
}

/// Themes of `round`: comments, share, change against the round before, sentiment, examples.
pub fn themes_frame(ws: &Workspace, round: &str) -> Result<DataFrame> {
    let catalog = Catalog::load(ws)?;
    let dict =
        if catalog.themes.is_empty() { themes::default_themes() } else { catalog.themes.clone() };
    let min = ws.config.min_group_size;
    let now = themes::themes(&read::comments(ws, round, min)?, &dict);
    let prev = match read::previous_round(ws, round) {
        Some(p) => Some(themes::themes(&read::comments(ws, &p, min)?, &dict)),
        None => None,
    };
    Ok(themes::frame(round, &now, prev.as_deref())?)
}

/// Maturity levels per aspect of `round`, change against the round before, and the
/// evidence-based Measurement score.
pub fn maturity_frame(ws: &Workspace, round: &str) -> Result<DataFrame> {
    let catalog = Catalog::load(ws)?;
    let levels = |r: &str| -> Result<_> {
        Ok(maturity::round_levels(&catalog, &read::maturity_answers(ws, &catalog, r)?))
    };
    let now = levels(round)?;
    let prev = match read::previous_round(ws, round) {
        Some(p) => levels(&p)?,
        None => BTreeMap::new(),
    };
    let evidence = read::evidence(ws, &catalog, round);
    Ok(maturity::frame(round, &now, &prev, &evidence, ws.config.min_group_size)?)
}
