//! Typed reads of the store, shared by every command and the report: rounds, the catalog and
//! its question metadata, a round's answers as dense columns, respondents' segment groups.
//!
//! Answers never become per-row Strings: [`answers`] reads the `responses` table once and
//! codes question, respondent, label and segment group as small dense integers (one hash pass
//! per column), with the value as `f64` (NaN = not a value).

mod dense;
pub mod population;
pub mod sql;
mod stored;

pub(crate) use stored::stored;

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use super::catalog::Catalog;
use super::{frames, workspace::Workspace};
use crate::analyse::summary::QuestionMeta;
use crate::ingest::scales::ScaleKind;
pub use crate::ingest::survey::quality::FlagSet;

/// A code that stands for "none" in the dense columns (blank label, respondent not read).
pub const NONE: u32 = u32::MAX;

/// Checks that a round exists.
pub fn check_round(ws: &Workspace, round: &str) -> Result<()> {
    if !ws.config.rounds.contains_key(round) {
        let known = ws.round_ids().join(", ");
        bail!(
            "no round {round:?}\nhint: imported rounds: {}",
            if known.is_empty() { "none yet" } else { &known }
        );
    }
    Ok(())
}

/// The latest imported round.
pub fn latest_round(ws: &Workspace) -> Result<String> {
    ws.round_ids()
        .pop()
        .context("no rounds imported yet\nhint: pulse import survey FILE --round ID")
}

/// The round asked for, or the latest imported one; checked to exist.
pub fn round_or_latest(ws: &Workspace, round: Option<&String>) -> Result<String> {
    let round = match round {
        Some(r) => r.clone(),
        None => latest_round(ws)?,
    };
    check_round(ws, &round)?;
    Ok(round)
}

/// The imported round before `round` in round order, if any.
pub fn previous_round(ws: &Workspace, round: &str) -> Option<String> {
    ws.round_ids().into_iter().rfind(|r| r.as_str() < round)
}

/// Question metadata of every question asked in `round`.
pub fn metas(catalog: &Catalog, round: &str) -> HashMap<String, QuestionMeta> {
    let mut out = HashMap::new();
    for q in &catalog.questions {
        let Some(a) = q.rounds.get(round) else { continue };
        // Maturity answers are levels 1-4 (provisional..optimizing) through the catalog's map.
        let scale = if q.kind == "maturity" {
            Some(ScaleKind::Numeric { low: 1, high: 4 })
        } else {
            ScaleKind::from_name(&a.scale)
        };
        let range = scale.as_ref().map(|s| match s {
            ScaleKind::Labelled(l) => (1.0, l.points.len() as f64),
            ScaleKind::Numeric { low, high } => (*low as f64, *high as f64),
            ScaleKind::Rank { n } => (1.0, *n as f64),
        });
        out.insert(
            q.id.clone(),
            QuestionMeta {
                kind: q.kind.clone(),
                points: scale.as_ref().map(ScaleKind::points),
                range,
                // A rank of 1 is the first choice: lower is better, whatever the catalog says.
                higher_is_better: q.direction != "lower_is_better" && q.kind != "ranking",
                scale_changed: a.scale_changed,
                wording_changed: a.wording_changed,
            },
        );
    }
    out
}

/// Level maps of the catalog's maturity questions: question -> (answer label -> level).
pub fn maturity_levels(catalog: &Catalog) -> HashMap<String, BTreeMap<String, u8>> {
    catalog
        .questions
        .iter()
        .filter(|q| q.kind == "maturity")
        .map(|q| (q.id.clone(), q.levels.clone()))
        .collect()
}

/// Segment columns available in a round's respondents.
pub fn segment_columns(ws: &Workspace, round: &str) -> Result<Vec<String>> {
    let mut lf = frames::table(ws, "respondents", Some(&[round.to_string()]))?;
    let schema = lf.collect_schema().map_err(anyhow::Error::from)?;
    let fixed = ["round", "respondent", "submitted_at", "duration_s", "complete", "quality_flags"];
    Ok(schema
        .iter_names()
        .map(|n| n.to_string())
        .filter(|n| !fixed.contains(&n.as_str()))
        .collect())
}

/// Fails with a hint when `round` has no segment column `segment`.
fn check_segment(ws: &Workspace, round: &str, segment: &str) -> Result<()> {
    let cols = segment_columns(ws, round)?;
    if !cols.iter().any(|c| c == segment) {
        bail!(
            "round {round} has no segment {segment:?}\nhint: segments in this round: {}",
            if cols.is_empty() { "none".to_string() } else { cols.join(", ") }
        );
    }
    Ok(())
}

/// A round's responses (question_id, respondent, label, value[, group]) in store order.
pub fn responses(ws: &Workspace, round: &str, segment: Option<&str>) -> Result<DataFrame> {
    let r = [round.to_string()];
    let base = frames::table(ws, "responses", Some(&r))?.select([
        col("question_id"),
        col("respondent"),
        col("label"),
        col("value"),
    ]);
    let lf = match segment {
        None => base,
        Some(seg) => {
            check_segment(ws, round, seg)?;
            base.join(
                segment_groups(ws, round, seg)?,
                [col("respondent")],
                [col("respondent")],
                JoinArgs::new(JoinType::Left),
            )
        }
    };
    lf.collect()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the responses of round {round}"))
}

/// (respondent, group) of a round's respondents: the segment's value as a string.
fn segment_groups(ws: &Workspace, round: &str, segment: &str) -> Result<LazyFrame> {
    Ok(frames::table(ws, "respondents", Some(&[round.to_string()]))?
        .select([col("respondent"), col(segment).cast(DataType::String).alias("group")]))
}

/// Respondents per segment group in a round ("(none)" for a missing value), without those
/// `exclude` leaves out.
pub fn group_sizes(
    ws: &Workspace,
    round: &str,
    segment: &str,
    exclude: FlagSet,
) -> Result<HashMap<String, usize>> {
    let df = segment_groups(ws, round, segment)?.collect().map_err(anyhow::Error::from)?;
    let dropped = excluded(ws, round, exclude)?;
    let mut out = HashMap::new();
    let (ids, groups) = (df.column("respondent")?.str()?, df.column("group")?.str()?);
    for (id, g) in ids.iter().zip(groups.iter()) {
        let n = out.entry(g.unwrap_or("(none)").to_string()).or_default();
        if dropped.as_ref().is_none_or(|d| !d.contains(id.unwrap_or(""))) {
            *n += 1;
        }
    }
    Ok(out)
}

/// Which respondents to code when reading answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Only where an analysis needs them (multi-select respondent counts).
    Needed,
    /// Every row (paired tests, drivers, reliability).
    All,
}

/// A round's responses as dense columns, one entry per stored row, in store order.
#[derive(Debug, Default, Clone)]
pub struct RoundAnswers {
    /// Question per code.
    pub questions: Vec<String>,
    /// Question code per row.
    pub q: Vec<u32>,
    /// Pseudonym per respondent code (first-appearance order).
    pub respondents: Vec<String>,
    /// Respondent code per row ([`NONE`] where not read).
    pub who: Vec<u32>,
    /// Label per code.
    pub labels: Vec<String>,
    /// Label code per row ([`NONE`] when blank or not needed: only single and multi choice
    /// labels are coded).
    pub label: Vec<u32>,
    /// Value per row: NaN when not a value (N/A, blank, non-finite); maturity answers are their
    /// level.
    pub value: Vec<f64>,
    /// Segment group per code ("(none)" for a missing value).
    pub groups: Vec<String>,
    /// Group code per row (empty without a segment).
    pub group: Vec<u32>,
    /// (question code, group code or 0) of every answer left out by an exclusion: a
    /// question and group stay in the output (suppressed where the plan says so) when all of
    /// their people were left out, as they are without the exclusion.
    pub left_out: Vec<(u32, u32)>,
}

impl RoundAnswers {
    /// Empty columns with room for `n` rows (and their groups when `segmented`).
    fn with_capacity(n: usize, segmented: bool) -> RoundAnswers {
        RoundAnswers {
            q: Vec::with_capacity(n),
            who: Vec::with_capacity(n),
            label: Vec::with_capacity(n),
            value: Vec::with_capacity(n),
            group: Vec::with_capacity(if segmented { n } else { 0 }),
            ..RoundAnswers::default()
        }
    }
}

/// Dense codes for strings, in first-appearance order.
#[derive(Default)]
pub(crate) struct Coder<'a> {
    index: PlHashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Coder<'a> {
    pub(crate) fn code(&mut self, s: &'a str) -> u32 {
        if let Some(&c) = self.index.get(s) {
            return c;
        }
        let c = self.names.len() as u32;
        self.index.insert(s, c);
        self.names.push(s);
        c
    }
    pub(crate) fn into_names(self) -> Vec<String> {
        self.names.into_iter().map(str::to_string).collect()
    }
}

/// Reads a round's answers as dense columns. Maturity answers become their levels through the
/// catalog's map (an answer without a level is not a value). With a `segment`, every row gets
/// its respondent's group.
#[allow(clippy::too_many_arguments)]
pub fn answers(
    ws: &Workspace,
    round: &str,
    metas: &HashMap<String, QuestionMeta>,
    levels: &HashMap<String, BTreeMap<String, u8>>,
    segment: Option<&str>,
    who: Who,
    exclude: FlagSet,
) -> Result<RoundAnswers> {
    let seg = match segment {
        Some(s) => {
            check_segment(ws, round, s)?;
            Some(segment_groups(ws, round, s)?.collect().map_err(anyhow::Error::from)?)
        }
        None => None,
    };
    let dropped = excluded(ws, round, exclude)?;
    if let Some((codes, dicts)) = stored(ws, round)? {
        let drop: Vec<bool> = match &dropped {
            Some(set) => (0..dicts.respondents.len())
                .map(|i| dicts.respondents.get(i).is_some_and(|p| set.contains(p)))
                .collect(),
            None => Vec::new(),
        };
        return dense::code(&codes, &dicts, seg.as_ref(), metas, levels, who, &drop);
    }
    // A round stored before the integer codes: its string columns, coded row by row.
    let r = [round.to_string()];
    let df = frames::table(ws, "responses", Some(&r))?
        .select([col("question_id"), col("respondent"), col("label"), col("value")])
        .collect()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the responses of round {round}"))?;
    code(&df, seg.as_ref(), metas, levels, who, dropped.as_ref())
}

/// Every person's quality flags in `round`: those of all their responses, by pseudonym.
pub fn flag_patterns(ws: &Workspace, round: &str) -> Result<HashMap<String, FlagSet>> {
    let df = frames::table(ws, "respondents", Some(&[round.to_string()]))?
        .select([col("respondent"), col("quality_flags")])
        .collect()
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading the quality flags of round {round}"))?;
    let (ids, flags) = (df.column("respondent")?.str()?, df.column("quality_flags")?.str()?);
    let mut out: HashMap<String, FlagSet> = HashMap::new();
    for (id, f) in ids.iter().zip(flags.iter()) {
        let p = out.entry(id.unwrap_or("").to_string()).or_default();
        p.0 |= FlagSet::of_stored(f.unwrap_or("")).0;
    }
    Ok(out)
}

/// Pseudonyms of `round`'s respondents with a response that carries a flag of `exclude` (None:
/// nothing excluded). An exclusion leaves out the person, every response of theirs: the
/// disclosure plan counts people, so a figure without them is a figure of whole people (see
/// `analyse::disclosure::flags`). Excluding `duplicate` thus leaves out everyone who answered
/// twice.
pub fn excluded(
    ws: &Workspace,
    round: &str,
    exclude: FlagSet,
) -> Result<Option<std::collections::HashSet<String>>> {
    if exclude.is_empty() {
        return Ok(None);
    }
    let people = flag_patterns(ws, round)?;
    Ok(Some(people.into_iter().filter(|(_, f)| f.meets(exclude)).map(|(id, _)| id).collect()))
}

/// How one question's rows are coded.
#[derive(Clone, Copy)]
pub(crate) struct Coding<'m> {
    labels: bool,
    who: bool,
    levels: Option<&'m BTreeMap<String, u8>>,
}

impl<'m> Coding<'m> {
    /// The coding of question `q`.
    pub(crate) fn of(
        q: &str,
        metas: &HashMap<String, QuestionMeta>,
        levels: &'m HashMap<String, BTreeMap<String, u8>>,
        who: Who,
        segmented: bool,
    ) -> Coding<'m> {
        let kind = metas.get(q).map_or("", |m| m.kind.as_str());
        Coding {
            labels: matches!(kind, "single" | "multi"),
            who: who == Who::All || kind == "multi" || segmented,
            levels: levels.get(q),
        }
    }
}

/// Segment group codes: per respondent pseudonym, its group's code in `groups` (the last row
/// wins when a pseudonym repeats), in the order of the segment frame.
fn group_codes<'a>(
    seg: Option<&'a DataFrame>,
    groups: &mut Coder<'a>,
) -> Result<PlHashMap<&'a str, u32>> {
    let mut group_of: PlHashMap<&str, u32> = PlHashMap::default();
    if let Some(s) = seg {
        let (ids, gs) = (s.column("respondent")?.str()?, s.column("group")?.str()?);
        for (id, g) in ids.iter().zip(gs.iter()) {
            let c = groups.code(g.unwrap_or("(none)"));
            group_of.insert(id.unwrap_or(""), c);
        }
    }
    Ok(group_of)
}

fn code(
    df: &DataFrame,
    seg: Option<&DataFrame>,
    metas: &HashMap<String, QuestionMeta>,
    levels: &HashMap<String, BTreeMap<String, u8>>,
    who: Who,
    dropped: Option<&std::collections::HashSet<String>>,
) -> Result<RoundAnswers> {
    let qs = df.column("question_id")?.str()?;
    let resp = df.column("respondent")?.str()?;
    let label = df.column("label")?.str()?;
    let value = df.column("value")?.cast(&DataType::Float64)?;
    let value = value.f64()?;
    let n = df.height();
    // Segment groups per respondent pseudonym.
    let mut groups = Coder::default();
    let group_of = group_codes(seg, &mut groups)?;
    let mut out = RoundAnswers::with_capacity(n, seg.is_some());
    let (mut questions, mut people, mut labels) =
        (Coder::default(), Coder::default(), Coder::default());
    let mut codings: Vec<Coding> = Vec::new();
    // Rows come grouped by question (the store writes a round item by item): the question's
    // code and coding are looked up once per run.
    let mut cur: Option<(&str, u32)> = None;
    let none_group = seg.map(|_| groups.code("(none)"));
    let mut left_out: std::collections::BTreeSet<(u32, u32)> = Default::default();
    for (((q, r), l), v) in qs.iter().zip(resp.iter()).zip(label.iter()).zip(value.iter()) {
        let q = q.unwrap_or("");
        let qc = match cur {
            Some((c, k)) if c == q => k,
            _ => {
                let k = questions.code(q);
                if k as usize == codings.len() {
                    codings.push(Coding::of(q, metas, levels, who, seg.is_some()));
                }
                cur = Some((q, k));
                k
            }
        };
        let c = codings[qc as usize];
        let r = r.unwrap_or("");
        if dropped.is_some_and(|d| d.contains(r)) {
            // Left out (`--exclude`): its question and group are kept.
            let g = none_group.map_or(0, |ng| group_of.get(r).copied().unwrap_or(ng));
            left_out.insert((qc, g));
            continue;
        }
        out.q.push(qc);
        out.who.push(if c.who { people.code(r) } else { NONE });
        if let Some(ng) = none_group {
            out.group.push(group_of.get(r).copied().unwrap_or(ng));
        }
        let v = match c.levels {
            Some(m) => l.and_then(|l| m.get(l.trim())).map(|&x| f64::from(x)),
            None => v,
        };
        let v = v.filter(|v| v.is_finite()).unwrap_or(f64::NAN);
        out.value.push(v);
        out.label.push(match l {
            Some(l) if c.labels => labels.code(l),
            _ => NONE,
        });
    }
    out.questions = questions.into_names();
    out.respondents = people.into_names();
    out.labels = labels.into_names();
    out.groups = groups.into_names();
    out.left_out = left_out.into_iter().collect();
    Ok(out)
}

/// For each respondent code of `to`, the code of the same pseudonym in `from` ([`NONE`] when
/// absent): links two rounds' respondents for paired tests.
pub fn link(from: &RoundAnswers, to: &RoundAnswers) -> Vec<u32> {
    let index: PlHashMap<&str, u32> =
        from.respondents.iter().zip(0u32..).map(|(s, i)| (s.as_str(), i)).collect();
    to.respondents.iter().map(|s| index.get(s.as_str()).copied().unwrap_or(NONE)).collect()
}

/// A round's maturity answers: (question, label) of every answered maturity question, without
/// the respondents who carry a flag of `exclude`.
pub fn maturity_answers(
    ws: &Workspace,
    catalog: &Catalog,
    round: &str,
    exclude: FlagSet,
) -> Result<Vec<(String, String)>> {
    let ids: Vec<String> = catalog
        .questions
        .iter()
        .filter(|q| q.kind == "maturity" && q.rounds.contains_key(round))
        .map(|q| q.id.clone())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let dropped = excluded(ws, round, exclude)?;
    let keep = |who: Option<&str>| dropped.as_ref().is_none_or(|d| !d.contains(who.unwrap_or("")));
    if let Some((codes, d)) = stored(ws, round)? {
        // Codes: the maturity questions' codes, then one pass over the rows.
        let wanted: Vec<bool> =
            d.questions.iter().map(|q| q.is_some_and(|q| ids.iter().any(|i| i == q))).collect();
        let kept: Vec<bool> =
            (0..d.respondents.len()).map(|i| keep(d.respondents.get(i))).collect();
        let mut out = Vec::new();
        let rows = codes.question.into_no_null_iter().zip(codes.label.into_no_null_iter());
        for ((q, l), r) in rows.zip(codes.respondent.into_no_null_iter()) {
            if wanted.get(q as usize).copied().unwrap_or(false)
                && kept.get(r as usize).copied().unwrap_or(true)
                && let (Some(qid), Some(label)) =
                    (d.questions.get(q as usize), d.labels.get(l as usize))
            {
                out.push((qid.to_string(), label.to_string()));
            }
        }
        return Ok(out);
    }
    let df = frames::table(ws, "responses", Some(&[round.to_string()]))?
        .filter(col("question_id").is_in(lit(Series::new("ids".into(), ids)).implode(true), false))
        .select([col("question_id"), col("label"), col("respondent")])
        .collect()
        .map_err(anyhow::Error::from)?;
    let q = df.column("question_id")?.str()?;
    let l = df.column("label")?.str()?;
    let r = df.column("respondent")?.str()?;
    Ok(q.iter()
        .zip(l.iter())
        .zip(r.iter())
        .filter(|(_, r)| keep(*r))
        .filter_map(|((q, l), _)| Some((q?.to_string(), l?.to_string())))
        .collect())
}

/// What the workspace holds as evidence for the Measurement maturity score, up to `upto`.
pub fn evidence(
    ws: &Workspace,
    catalog: &Catalog,
    upto: &str,
) -> crate::analyse::maturity::Evidence {
    let rounds: Vec<String> = ws.round_ids().into_iter().filter(|r| r.as_str() <= upto).collect();
    let shares: Vec<f64> = rounds
        .windows(2)
        .filter_map(|w| {
            let asked: Vec<_> =
                catalog.questions.iter().filter(|q| q.rounds.contains_key(&w[0])).collect();
            let again = asked.iter().filter(|q| q.rounds.contains_key(&w[1])).count();
            (!asked.is_empty()).then(|| again as f64 / asked.len() as f64)
        })
        .collect();
    let telemetry = ["builds", "deployments", "incidents", "usage", "changes"]
        .iter()
        .any(|t| ws.path(&format!("store/{t}")).exists());
    let counter_metrics = std::fs::read_to_string(ws.path("metrics.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("metric").and_then(|m| m.as_array()).cloned())
        .is_some_and(|ms| {
            !ms.is_empty()
                && ms.iter().all(|m| {
                    m.get("target").is_none()
                        || m.get("counter")
                            .and_then(|c| c.as_array())
                            .is_some_and(|c| !c.is_empty())
                })
        });
    crate::analyse::maturity::Evidence {
        rounds: rounds.len(),
        stability: (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64),
        telemetry,
        counter_metrics,
    }
}
