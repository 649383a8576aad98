//! Entry points of the survey analyses, for the commands and the report: each reads its input
//! once through [`crate::store::read`] and hands it to the pure functions of its module. The
//! only file of `analyse` that takes a [`Workspace`].

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use polars::prelude::DataFrame;

use anyhow::Context;

use super::compare::{CompareOptions, CompareRow, LOW_RESPONSE_RATE, Side};
use super::disclosure::{self, Population, RoundPlan};
use super::summary::{Grouped, SummaryRow};
use super::{compare, drivers, maturity, reliability, summary, themes, trend};
use crate::store::catalog::Catalog;
use crate::store::read::{self, FlagSet, NONE, Who, population};
use crate::store::workspace::{RoundMeta, Workspace};

/// The disclosure plans of every imported round up to `upto` (each round is planned against
/// the rounds before it; see [`disclosure`]). The plans of all rounds are made at once, cached
/// in `.pulse/cache/` under a fingerprint of the workspace's data, and kept in memory for the
/// rest of the process (a report asks for them from every section).
pub fn plans(ws: &Workspace, upto: &str) -> Result<BTreeMap<String, RoundPlan>> {
    use std::sync::{Arc, Mutex};
    type Memo = Option<(String, Arc<BTreeMap<String, RoundPlan>>)>;
    static MEMO: Mutex<Memo> = Mutex::new(None);
    let key = crate::store::cache::survey_fingerprint(ws);
    let memo = MEMO
        .lock()
        .ok()
        .and_then(|m| m.as_ref().filter(|(k, _)| *k == key).map(|(_, p)| p.clone()));
    let all = match memo {
        Some(p) => p,
        None => {
            let p = match crate::store::cache::load(ws, "plans", &key) {
                Some(p) => p,
                None => {
                    let p = plan_all(ws)?;
                    crate::store::cache::save(ws, "plans", &key, &p);
                    p
                }
            };
            let p = Arc::new(p);
            if let Ok(mut m) = MEMO.lock() {
                *m = Some((key, p.clone()));
            }
            p
        }
    };
    Ok(all.range(..=upto.to_string()).map(|(r, p)| (r.clone(), p.clone())).collect())
}

/// Plans every imported round (what [`plans`] caches).
fn plan_all(ws: &Workspace) -> Result<BTreeMap<String, RoundPlan>> {
    let catalog = Catalog::load(ws)?;
    let rounds: Vec<String> = ws.round_ids();
    // One round at a time: each read is parallel inside, and two at once double the peak memory.
    let t = std::time::Instant::now();
    let mut pops: Vec<Population> =
        rounds.iter().map(|r| population::population(ws, &catalog, r)).collect::<Result<_>>()?;
    disclosure::flags::split_rounds(&mut pops);
    let t1 = t.elapsed();
    let plans = disclosure::plan_rounds(&pops, ws.config.min_group_size);
    if std::env::var_os("PULSE_TIMING").is_some() {
        eprintln!(
            "  plans: populations {:.2} s, planning {:.2} s",
            t1.as_secs_f64(),
            (t.elapsed() - t1).as_secs_f64()
        );
    }
    Ok(plans.into_iter().map(|p| (p.round.clone(), p)).collect())
}

/// Every segment name of the workspace and of `round` (configured and given at import).
pub fn segments(ws: &Workspace, round: &str) -> Result<Vec<String>> {
    let mut s: Vec<String> = ws.config.segments.keys().cloned().collect();
    for x in population::segments(ws, round)? {
        if !s.contains(&x) {
            s.push(x);
        }
    }
    Ok(s)
}

/// Summary rows of a round; every figure passes the disclosure plan (segmented) or the
/// whole-round rule.
pub fn summary_rows(
    ws: &Workspace,
    round: &str,
    segment: Option<&str>,
    exclude: FlagSet,
) -> Result<Vec<SummaryRow>> {
    summary_rows_with(ws, round, segment, exclude, &plans(ws, round)?)
}

/// [`summary_rows`] with plans already made by [`plans`] (up to `round` at least).
pub fn summary_rows_with(
    ws: &Workspace,
    round: &str,
    segment: Option<&str>,
    exclude: FlagSet,
    plans: &BTreeMap<String, RoundPlan>,
) -> Result<Vec<SummaryRow>> {
    let catalog = Catalog::load(ws)?;
    let metas = read::metas(&catalog, round);
    let levels = read::maturity_levels(&catalog);
    let a = read::answers(ws, round, &metas, &levels, segment, Who::Needed, exclude)?;
    let grouped = summary::group(&a);
    let plan = plans.get(round).with_context(|| format!("no disclosure plan for round {round}"))?;
    Ok(summary::rows(&grouped, &metas, &|q: &str, g: &str| {
        plan.shows_excluding(q, segment, g, exclude)
    }))
}

/// Comparison rows of two rounds. The rounds load in parallel; with `opts.paired`, the later
/// round's respondent codes are linked to the earlier round's.
/// A rewording or a scale change in any round after `from` up to `to` (not only in `to`
/// against the round before it) flags the comparison, as does a different text or scale in the
/// two rounds themselves.
fn span_changes(
    catalog: &Catalog,
    from: &str,
    to: &str,
    mt: &mut std::collections::HashMap<String, super::summary::QuestionMeta>,
) {
    use std::ops::Bound::{Excluded, Included};
    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
    for q in &catalog.questions {
        let Some(m) = mt.get_mut(&q.id) else { continue };
        let (Some(a), Some(b)) = (q.rounds.get(from), q.rounds.get(to)) else { continue };
        let span = q.rounds.range::<str, _>((Excluded(lo), Included(hi)));
        let (mut worded, mut scaled) = (false, false);
        for (_, x) in span {
            worded |= x.wording_changed;
            scaled |= x.scale_changed;
        }
        m.wording_changed |= worded
            || crate::ingest::scales::normalise(&a.text)
                != crate::ingest::scales::normalise(&b.text);
        m.scale_changed |= scaled;
    }
}

pub fn compare_rows(
    ws: &Workspace,
    from: &str,
    to: &str,
    segment: Option<&str>,
    exclude: FlagSet,
    opts: CompareOptions,
) -> Result<Vec<CompareRow>> {
    if opts.paired && !exclude.is_empty() {
        bail!(
            "--paired with --exclude is not offered: the pairs an exclusion leaves out are people \
             in both rounds, a set the disclosure plan does not check\nhint: compare without \
             --paired, or without --exclude"
        );
    }
    let catalog = Catalog::load(ws)?;
    let (mf, mut mt) = (read::metas(&catalog, from), read::metas(&catalog, to));
    span_changes(&catalog, from, to, &mut mt);
    let lv = read::maturity_levels(&catalog);
    let who = if opts.paired { Who::All } else { Who::Needed };
    let (af, at) = rayon::join(
        || read::answers(ws, from, &mf, &lv, segment, who, exclude),
        || read::answers(ws, to, &mt, &lv, segment, who, exclude),
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
    let low_rate = [from, to].iter().any(|r| {
        ws.config
            .rounds
            .get(*r)
            .and_then(RoundMeta::response_rate)
            .is_some_and(|x| x < LOW_RESPONSE_RATE)
    });
    let questions: Vec<&str> = catalog.questions.iter().map(|q| q.id.as_str()).collect();
    let plans = plans(ws, from.max(to))?;
    let plan = |r: &str| plans.get(r).with_context(|| format!("no disclosure plan for round {r}"));
    let (pf, pt) = (plan(from)?, plan(to)?);
    let sf = |q: &str, g: &str| pf.shows_excluding(q, segment, g, exclude);
    let st = |q: &str, g: &str| pt.shows_excluding(q, segment, g, exclude);
    Ok(compare::rows(
        &questions,
        &Side { metas: &mf, answers: &gf, shown: Some(&sf) },
        &Side { metas: &mt, answers: &gt, shown: Some(&st) },
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
    exclude: FlagSet,
) -> Result<DataFrame> {
    let rounds = trend::select_rounds(&ws.round_ids(), rounds)?;
    let plans = match rounds.last() {
        Some(last) => plans(ws, last)?,
        None => BTreeMap::new(),
    };
    let per_round = round_summaries(ws, &rounds, segment, exclude, &plans)?;
    trend_of(ws, &per_round, questions, segment)
}

/// `pulse summary` rows of each of `rounds` (in parallel), with the disclosure `plans` of the
/// last: the rows a trend is made from, and a report's summaries of this round and the last.
pub fn round_summaries(
    ws: &Workspace,
    rounds: &[String],
    segment: Option<&str>,
    exclude: FlagSet,
    plans: &BTreeMap<String, RoundPlan>,
) -> Result<Vec<(String, Vec<SummaryRow>)>> {
    use rayon::prelude::*;
    rounds
        .par_iter()
        .map(|r| Ok((r.clone(), summary_rows_with(ws, r, segment, exclude, plans)?)))
        .collect()
}

/// The `pulse trend` frame of per-round summary rows ([`round_summaries`]).
pub fn trend_of(
    ws: &Workspace,
    per_round: &[(String, Vec<SummaryRow>)],
    questions: &[String],
    segment: Option<&str>,
) -> Result<DataFrame> {
    let catalog = Catalog::load(ws)?;
    trend::check_questions(&catalog, questions)?;
    trend::frame(&catalog, per_round, questions, segment)
}

/// A round's rated items: grouped answers with every respondent coded, and the dense values.
struct Rated {
    respondents: Vec<String>,
    items: BTreeMap<String, (Vec<f64>, Option<f64>)>,
}

fn rated(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<Rated> {
    let catalog = Catalog::load(ws)?;
    let metas = read::metas(&catalog, round);
    let lv = read::maturity_levels(&catalog);
    let a = read::answers(ws, round, &metas, &lv, None, Who::All, exclude)?;
    let grouped: Grouped = summary::group(&a);
    let items = drivers::item_values(&grouped, &metas, a.respondents.len());
    Ok(Rated { respondents: a.respondents, items })
}

/// A round's rated answers without an exclusion, with every person's flags: who is behind a
/// figure over several questions (a correlation's pairs, a construct's complete cases) before
/// an exclusion, for rule 7 ([`disclosure::flags::figure_ok`]).
struct Pairs {
    full: Rated,
    flags: Vec<FlagSet>,
}

impl Pairs {
    /// None without an exclusion (nothing to check).
    fn read(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<Option<Pairs>> {
        if exclude.is_empty() {
            return Ok(None);
        }
        let full = rated(ws, round, FlagSet::NONE)?;
        let by_id = read::flag_patterns(ws, round)?;
        let flags =
            full.respondents.iter().map(|p| by_id.get(p).copied().unwrap_or_default()).collect();
        Ok(Some(Pairs { full, flags }))
    }

    /// Rule 7 for the people who answered every one of `questions`.
    fn ok(&self, questions: &[&str], exclude: FlagSet, min: usize) -> bool {
        let cols: Option<Vec<&Vec<f64>>> =
            questions.iter().map(|q| self.full.items.get(*q).map(|(v, _)| v)).collect();
        let Some(cols) = cols else { return false };
        let people = (0..self.flags.len()).filter(|&i| cols.iter().all(|c| !c[i].is_nan()));
        disclosure::flags::figure_ok(people.map(|i| self.flags[i]), exclude, min)
    }
}

/// Drivers of `outcome` (default: pulse.toml's) in `round`.
pub fn drivers_frame(
    ws: &Workspace,
    round: &str,
    outcome: Option<&str>,
    exclude: FlagSet,
) -> Result<DataFrame> {
    let Some(outcome) = outcome.map(str::to_string).or_else(|| ws.config.outcome.clone()) else {
        bail!(
            "no outcome question\nhint: pass --outcome QUESTION_ID or set `outcome` in pulse.toml"
        );
    };
    let mut r = rated(ws, round, exclude)?;
    let Some((out_vals, _)) = r.items.remove(&outcome) else {
        bail!(
            "{outcome:?} is not a rated question of round {round}\nhint: `pulse questions --round {round}`"
        );
    };
    // Disclosure: the items (and the outcome) whose whole-round figures the plan publishes.
    let plans = plans(ws, round)?;
    let plan = plans.get(round).with_context(|| format!("no plan for round {round}"))?;
    let shown = |q: &str| plan.shows_excluding(q, None, "", exclude);
    if !shown(&outcome) {
        bail!(
            "the answers to {outcome:?} in round {round} cannot be shown without describing fewer than {} people",
            ws.config.min_group_size
        );
    }
    let items: Vec<(String, Vec<f64>, Option<f64>)> =
        r.items.into_iter().filter(|(q, _)| shown(q)).map(|(q, (v, t))| (q, v, t)).collect();
    // With an exclusion, each item's pairs (who answered it and the outcome) pass rule 7.
    let items = match Pairs::read(ws, round, exclude)? {
        None => items,
        Some(p) => {
            let min = ws.config.min_group_size;
            items
                .into_iter()
                .filter(|(q, _, _)| p.ok(&[outcome.as_str(), q], exclude, min))
                .collect()
        }
    };
    let d: Vec<_> = drivers::drivers(&out_vals, &items)
        .into_iter()
        .filter(|x| disclosure::total_shown(x.n, ws.config.min_group_size))
        .collect();
    Ok(drivers::frame(&d, round, &outcome)?)
}

/// Reliability (Cronbach's α) of the constructs asked in `round`.
pub fn reliability_frame(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<DataFrame> {
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
    let now = rated(ws, round, exclude)?;
    // The round before is read only when a construct was reworded (its α is compared).
    let prev = match read::previous_round(ws, round) {
        Some(p) if constructs.iter().any(|c| c.reworded && c.items.len() >= 3) => {
            Some(rated(ws, &p, exclude)?)
        }
        _ => None,
    };
    let mut rows = reliability::rows(&constructs, &items(&now), prev.as_ref().map(items).as_ref());
    // Disclosure: a construct is shown when the plan publishes every item's whole-round figures
    // and at least the minimum answered all of them.
    let min = ws.config.min_group_size;
    let plans = plans(ws, round)?;
    let plan = plans.get(round).with_context(|| format!("no plan for round {round}"))?;
    let pairs = Pairs::read(ws, round, exclude)?;
    for (row, c) in rows.iter_mut().zip(&constructs) {
        let shown = c.items.iter().all(|q| plan.shows_excluding(q, None, "", exclude))
            && pairs.as_ref().is_none_or(|p| p.ok(&c.items, exclude, min));
        if !shown || row.n.is_some_and(|n| !disclosure::total_shown(n, min)) {
            row.n = None;
            row.alpha = None;
            row.item_total = String::new();
            row.warning = format!(
                "suppressed: fewer than {min} people behind it, or set against another published \
                 figure it would describe fewer"
            );
        }
    }
    Ok(reliability::frame(&rows, round)?)
}

/// Themes of `round`: comments, share, change against the round before, sentiment, examples.
pub fn themes_frame(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<DataFrame> {
    let dict = theme_dict(&Catalog::load(ws)?);
    let plans = plans(ws, round)?;
    // Theme counts are figures of the round's commenters: with an exclusion, the round's
    // excluded people must be publishable as a set (see `disclosure::flags`).
    if let Some(r) = themes_refused(ws, round, exclude)? {
        bail!(excluded_too_few(ws, &r, exclude));
    }
    // (text, may be quoted): quotes only from people published under every segment.
    let comments = |r: &str| -> Result<Vec<(String, bool)>> {
        let plan = plans.get(r).with_context(|| format!("no plan for round {r}"))?;
        let quotable: std::collections::HashSet<&str> = plan
            .ids
            .iter()
            .zip(&plan.quotable)
            .filter(|(_, q)| **q)
            .map(|(id, _)| id.as_str())
            .collect();
        let dropped = read::excluded(ws, r, exclude)?.unwrap_or_default();
        Ok(population::comments(ws, r)?
            .into_iter()
            .filter(|(who, _)| !dropped.contains(who))
            .map(|(who, text)| {
                let q = quotable.contains(who.as_str());
                (text, q)
            })
            .collect())
    };
    let mut now = themes::themes(&comments(round)?, &dict);
    // Disclosure: a theme's sentiment is the mean of its comments' scores, shown for at least
    // the minimum comments (its count and share are counts over every commenter).
    for r in &mut now {
        if !disclosure::total_shown(r.comments, ws.config.min_group_size) {
            r.sentiment = f64::NAN;
            r.examples.clear();
        }
    }
    let prev = match read::previous_round(ws, round) {
        Some(p) => Some(themes::themes(&comments(&p)?, &dict)),
        None => None,
    };
    Ok(themes::frame(round, &now, prev.as_deref())?)
}

/// Maturity levels per aspect of `round`, change against the round before, and the
/// evidence-based Measurement score.
pub fn maturity_frame(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<DataFrame> {
    let catalog = Catalog::load(ws)?;
    let plans = plans(ws, round)?;
    // Disclosure: only the answers of questions whose whole-round figures the plan publishes.
    let levels = |r: &str| -> Result<_> {
        let plan = plans.get(r).with_context(|| format!("no plan for round {r}"))?;
        let answers: Vec<(String, String)> = read::maturity_answers(ws, &catalog, r, exclude)?
            .into_iter()
            .filter(|(q, _)| plan.shows_excluding(q, None, "", exclude))
            .collect();
        Ok(maturity::round_levels(&catalog, &answers))
    };
    let now = levels(round)?;
    let prev = match read::previous_round(ws, round) {
        Some(p) => levels(&p)?,
        None => BTreeMap::new(),
    };
    let evidence = read::evidence(ws, &catalog, round);
    Ok(maturity::frame(round, &now, &prev, &evidence, ws.config.min_group_size)?)
}

/// The round (`round` or the one before, which the themes compare with) whose whole-round
/// figures the plan cannot publish without the people `exclude` leaves out, if any.
pub fn themes_refused(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<Option<String>> {
    if exclude.is_empty() {
        return Ok(None);
    }
    let dict = theme_dict(&Catalog::load(ws)?);
    let min = ws.config.min_group_size;
    for r in std::iter::once(round.to_string()).chain(read::previous_round(ws, round)) {
        if !exclusion_shown(ws, &r, exclude)? {
            return Ok(Some(r));
        }
        // Rule 7 for every theme's commenters and for all commenters (the shares' base).
        let flags = read::flag_patterns(ws, &r)?;
        let mut by_theme: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
        for (who, text) in population::comments(ws, &r)? {
            by_theme.entry("").or_default().insert(who.clone());
            for t in themes::tag(&text, &dict) {
                by_theme.entry(t).or_default().insert(who.clone());
            }
        }
        let ok = by_theme.values().all(|people| {
            let f = people.iter().map(|p| flags.get(p).copied().unwrap_or_default());
            disclosure::flags::figure_ok(f, exclude, min)
        });
        if !ok {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

/// The catalog's comment themes, else the built-in ones.
fn theme_dict(catalog: &Catalog) -> BTreeMap<String, Vec<String>> {
    if catalog.themes.is_empty() { themes::default_themes() } else { catalog.themes.clone() }
}

/// True when the plan publishes `round`'s whole-round figures without the people `exclude`
/// leaves out.
pub fn exclusion_shown(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<bool> {
    let plans = plans(ws, round)?;
    let plan = plans.get(round).with_context(|| format!("no plan for round {round}"))?;
    Ok(plan.shows_excluding(disclosure::ROUND, None, "", exclude))
}

/// Why an exclusion is refused for a whole round's figures.
pub fn excluded_too_few(ws: &Workspace, round: &str, exclude: FlagSet) -> String {
    format!(
        "--exclude {}: in round {round}, the figures without these respondents would let a reader \
         compute figures of fewer than {} people (the excluded ones, or some of them)\nhint: \
         run without --exclude",
        exclude.names().join(","),
        ws.config.min_group_size
    )
}

/// How many people `exclude` leaves out of `round`, when the plan publishes the round's figures
/// without them (None when it does not: the count is not published either).
pub fn excluded_shown(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<Option<usize>> {
    if !exclusion_shown(ws, round, exclude)? {
        return Ok(None);
    }
    Ok(Some(read::excluded(ws, round, exclude)?.map_or(0, |s| s.len())))
}

/// What an exclusion did to `round`: how many people it left out (a count the plan could
/// publish: the round's figures without them), and, when the plan cannot publish the round's
/// figures without them, that they are suppressed and why (None without an exclusion).
pub fn exclusion_note(ws: &Workspace, round: &str, exclude: FlagSet) -> Result<Option<String>> {
    if exclude.is_empty() {
        return Ok(None);
    }
    let who = exclude.who();
    if let Some(people) = excluded_shown(ws, round, exclude)? {
        if people == 0 {
            return Ok(Some(format!(
                "--exclude: nobody in round {round} has a response flagged {} (nothing left out)",
                exclude.names().join(" or ")
            )));
        }
        return Ok(Some(format!(
            "--exclude: round {round} without the {people} people {who} (with all their responses)"
        )));
    }
    let mut note = format!(
        "--exclude: round {round} without the people {who}: its figures are suppressed, because \
         set against the same figures under another exclusion or none (in this round or an \
         earlier one) they would describe fewer than {} people; how many were left out is not \
         shown either",
        ws.config.min_group_size
    );
    if exclude != FlagSet::ALL && exclusion_shown(ws, round, FlagSet::ALL)? {
        note.push_str("\nhint: --exclude all (every flagged respondent) can be shown");
    }
    Ok(Some(note))
}

/// Prints [`exclusion_note`] of each of `rounds` to stderr.
pub fn print_exclusion_notes(ws: &Workspace, rounds: &[&str], exclude: FlagSet) -> Result<()> {
    use std::io::Write;
    std::io::stdout().flush()?;
    for r in rounds {
        if let Some(n) = exclusion_note(ws, r, exclude)? {
            eprintln!("note: {n}");
        }
    }
    Ok(())
}
