//! `summary`: per question (and per segment group) — n, excluded, mean with t interval, top and
//! bottom box with Wilson intervals, NPS for 0–10 items, the full distribution; multi-select
//! items give one row per option with its share and Wilson interval.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::{Column, DataFrame, PolarsResult};

use super::estimate::{bottom_box_threshold, mean_ci, nps, top_box_threshold, wilson};
use crate::store::read::{NONE, RoundAnswers};

/// What the analyses need to know about a question.
#[derive(Debug, Clone, Default)]
pub struct QuestionMeta {
    /// likert, likelihood, single, multi, numeric, text.
    pub kind: String,
    /// Points on the scale (rated kinds).
    pub points: Option<usize>,
    /// Lowest and highest value on the scale.
    pub range: Option<(f64, f64)>,
    /// False for negatively worded items (lower is better).
    pub higher_is_better: bool,
    /// Scale changed in this round (from the catalog).
    pub scale_changed: bool,
    /// Wording changed in this round.
    pub wording_changed: bool,
}

impl QuestionMeta {
    /// Rated (ordinal) questions.
    pub fn is_ordinal(&self) -> bool {
        matches!(self.kind.as_str(), "likert" | "likelihood" | "maturity") && self.range.is_some()
    }
}

/// Answers of one question in one group.
#[derive(Debug, Default, Clone)]
pub struct Answers {
    /// Valid values (ordinal / numeric / single-choice position), in store order.
    pub values: Vec<f64>,
    /// Answers that are not a value (N/A, blank, non-finite).
    pub excluded: usize,
    /// Count per label (single choice and multi-select options).
    pub labels: BTreeMap<String, usize>,
    /// Respondents who chose at least one option (multi-select n).
    pub respondents: usize,
    /// Respondent code per valid value, aligned with `values` ([`NONE`] where not coded): paired
    /// tests, drivers.
    pub who: Vec<u32>,
}

/// Answers per (question, group), keyed by their names; the group is "" without a segment.
pub type Grouped = BTreeMap<(String, String), Answers>;

/// Groups a round's answers by (question, group) over dense codes (no per-row key). The group
/// key is "" without a segment and "(none)" for respondents without a value for the segment.
pub fn group(a: &RoundAnswers) -> Grouped {
    let ng = a.groups.len().max(1);
    let segmented = !a.group.is_empty();
    let mut acc: Vec<Option<Acc>> = vec![None; a.questions.len() * ng];
    // Questions and groups whose every answer an exclusion left out stay, empty.
    for &(q, g) in &a.left_out {
        acc[q as usize * ng + g as usize].get_or_insert_with(Acc::default);
    }
    for i in 0..a.q.len() {
        let g = if segmented { a.group[i] as usize } else { 0 };
        let slot = acc[a.q[i] as usize * ng + g].get_or_insert_with(Acc::default);
        let v = a.value[i];
        if v.is_nan() {
            slot.answers.excluded += 1;
            continue;
        }
        slot.answers.values.push(v);
        // Aligned with `values` (NONE where the respondent was not coded or not linked).
        let w = a.who[i];
        slot.answers.who.push(w);
        let l = a.label[i];
        if l != NONE {
            let l = l as usize;
            if slot.labels.len() <= l {
                slot.labels.resize(l + 1, 0);
            }
            slot.labels[l] += 1;
            if w != NONE {
                slot.chose.push(w);
            }
        }
    }
    let mut out = Grouped::new();
    for (k, slot) in acc.into_iter().enumerate() {
        let Some(mut slot) = slot else { continue };
        let (q, g) = (k / ng, k % ng);
        slot.answers.labels = slot
            .labels
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(l, c)| (a.labels[l].clone(), *c))
            .collect();
        slot.chose.sort_unstable();
        slot.chose.dedup();
        slot.answers.respondents = slot.chose.len();
        let group = if segmented { a.groups[g].clone() } else { String::new() };
        out.insert((a.questions[q].clone(), group), slot.answers);
    }
    out
}

/// One (question, group) while grouping: label counts by code, respondents who chose one.
#[derive(Default, Clone)]
struct Acc {
    answers: Answers,
    labels: Vec<usize>,
    chose: Vec<u32>,
}

/// One output row of `summary`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryRow {
    /// Question.
    pub question_id: String,
    /// Segment group ("" for the whole round).
    pub group: String,
    /// Multi-select option ("" otherwise).
    pub option: String,
    /// Question kind.
    pub kind: String,
    /// Valid answers (respondents for multi-select).
    pub n: usize,
    /// Not a value (N/A, don't know, blank).
    pub excluded: usize,
    /// Mean of valid answers (rated and numeric kinds).
    pub mean: Option<f64>,
    /// 95 % t interval.
    pub mean_ci: Option<(f64, f64)>,
    /// Share in the top box (rated kinds), or choosing the option (multi-select).
    pub top_box: Option<f64>,
    /// 95 % Wilson interval of `top_box`.
    pub top_box_ci: Option<(f64, f64)>,
    /// Share in the bottom box.
    pub bottom_box: Option<f64>,
    /// NPS (0–10 items), in points.
    pub nps: Option<(f64, f64, f64)>,
    /// Ranking items: the Borda score, 0–100 (100 when everyone ranked the option first, 0
    /// when last): the mean of (n − rank) / (n − 1) over those who ranked it.
    pub borda: Option<f64>,
    /// Count per answer: `label=count` joined with `; ` in scale order.
    pub distribution: String,
    /// True when the group is too small to show (every number above is empty).
    pub suppressed: bool,
}

/// Summarises one question's answers in one group.
pub fn summarise(
    question_id: &str,
    group: &str,
    meta: &QuestionMeta,
    a: &Answers,
) -> Vec<SummaryRow> {
    let base = SummaryRow {
        question_id: question_id.to_string(),
        group: group.to_string(),
        kind: meta.kind.clone(),
        excluded: a.excluded,
        ..SummaryRow::default()
    };
    match meta.kind.as_str() {
        "multi" => {
            let n = a.respondents;
            if a.labels.is_empty() {
                // Answered without choosing: a row all the same (its options are added as zeros).
                return vec![SummaryRow { n, ..base }];
            }
            a.labels
                .iter()
                .map(|(opt, &k)| SummaryRow {
                    option: opt.clone(),
                    n,
                    top_box: (n > 0).then(|| k as f64 / n as f64),
                    top_box_ci: wilson(k, n),
                    distribution: format!("{opt}={k}"),
                    ..base.clone()
                })
                .collect()
        }
        "ranking" => {
            // Mean rank (lower is better) with its t interval; top box = ranked first (Wilson),
            // bottom box = ranked last; the Borda score.
            let n = a.values.len();
            let m = mean_ci(&a.values);
            let k = meta.points.unwrap_or(0);
            let first = a.values.iter().filter(|&&v| v == 1.0).count();
            let last = a.values.iter().filter(|&&v| v == k as f64).count();
            let borda = (n > 0 && k > 1).then(|| {
                100.0 * a.values.iter().map(|&v| (k as f64 - v) / (k as f64 - 1.0)).sum::<f64>()
                    / n as f64
            });
            let dist: Vec<String> = (1..=k)
                .map(|r| format!("{r}={}", a.values.iter().filter(|&&v| v == r as f64).count()))
                .collect();
            vec![SummaryRow {
                n,
                mean: m.map(|m| m.mean),
                mean_ci: m.and_then(|m| m.low.zip(m.high)),
                top_box: (n > 0).then(|| first as f64 / n as f64),
                top_box_ci: wilson(first, n),
                bottom_box: (n > 0).then(|| last as f64 / n as f64),
                borda,
                distribution: dist.join("; "),
                ..base
            }]
        }
        "single" => {
            let n = a.values.len();
            let dist: Vec<String> = a.labels.iter().map(|(l, c)| format!("{l}={c}")).collect();
            vec![SummaryRow { n, distribution: dist.join("; "), ..base }]
        }
        _ => {
            let n = a.values.len();
            let m = mean_ci(&a.values);
            let mut row = SummaryRow {
                n,
                mean: m.map(|m| m.mean),
                mean_ci: m.and_then(|m| m.low.zip(m.high)),
                ..base
            };
            if let (true, Some(points), Some((low, high))) =
                (meta.is_ordinal(), meta.points, meta.range)
            {
                let top =
                    a.values.iter().filter(|&&v| v >= top_box_threshold(points, high)).count();
                let bottom =
                    a.values.iter().filter(|&&v| v <= bottom_box_threshold(points, low)).count();
                row.top_box = (n > 0).then(|| top as f64 / n as f64);
                row.top_box_ci = wilson(top, n);
                row.bottom_box = (n > 0).then(|| bottom as f64 / n as f64);
                if low == 0.0 && high == 10.0 {
                    row.nps = nps(&a.values);
                }
                let mut dist = Vec::new();
                let mut v = low;
                while v <= high {
                    let c = a.values.iter().filter(|&&x| x == v).count();
                    dist.push(format!("{v}={c}"));
                    v += 1.0;
                }
                row.distribution = dist.join("; ");
            }
            vec![row]
        }
    }
}

/// Which figures may be published: `(question, group)` -> shown. The group is "" for the
/// whole round.
pub type Shows<'a> = dyn Fn(&str, &str) -> bool + Sync + 'a;

/// Summary rows of a round's grouped answers, in question then group order; text questions
/// and questions without metadata are skipped. Rows that `shows` refuses keep their question,
/// group and option and lose every number. A multi-select gives every group a row for every
/// option of the question, chosen or not (a group that chose nothing is still a row).
pub fn rows(
    answers: &Grouped,
    metas: &HashMap<String, QuestionMeta>,
    shows: &Shows,
) -> Vec<SummaryRow> {
    let mut by_question: BTreeMap<&str, Vec<SummaryRow>> = BTreeMap::new();
    for ((q, g), a) in answers {
        let Some(meta) = metas.get(q) else { continue };
        if meta.kind == "text" {
            continue;
        }
        by_question.entry(q.as_str()).or_default().extend(summarise(q, g, meta, a));
    }
    let mut out = Vec::new();
    for (_, mut rows) in by_question {
        if rows.first().is_some_and(|r| r.kind == "multi") {
            all_options(&mut rows);
        }
        for r in &mut rows {
            if !shows(&r.question_id, &r.group) {
                *r = suppressed(r);
            }
        }
        out.extend(rows);
    }
    out
}

/// Adds a zero row for every (group, option) of a multi-select missing from `rows`, keeping
/// group then option order.
fn all_options(rows: &mut Vec<SummaryRow>) {
    let options: BTreeSet<String> =
        rows.iter().filter(|r| !r.option.is_empty()).map(|r| r.option.clone()).collect();
    let mut groups: Vec<(String, usize, usize)> = Vec::new();
    for r in rows.iter() {
        if groups.last().is_none_or(|g| g.0 != r.group) {
            groups.push((r.group.clone(), r.n, r.excluded));
        }
    }
    let have: BTreeSet<(String, String)> =
        rows.iter().map(|r| (r.group.clone(), r.option.clone())).collect();
    let template = rows.first().cloned().unwrap_or_default();
    rows.retain(|r| !r.option.is_empty());
    for (g, n, excluded) in groups {
        for o in &options {
            if !have.contains(&(g.clone(), o.clone())) {
                rows.push(SummaryRow {
                    group: g.clone(),
                    option: o.clone(),
                    n,
                    excluded,
                    top_box: (n > 0).then_some(0.0),
                    top_box_ci: wilson(0, n),
                    distribution: format!("{o}=0"),
                    ..SummaryRow {
                        question_id: template.question_id.clone(),
                        kind: template.kind.clone(),
                        ..SummaryRow::default()
                    }
                });
            }
        }
    }
    rows.sort_by(|a, b| a.group.cmp(&b.group).then_with(|| a.option.cmp(&b.option)));
}

/// A row with every number removed.
fn suppressed(r: &SummaryRow) -> SummaryRow {
    SummaryRow {
        question_id: r.question_id.clone(),
        group: r.group.clone(),
        option: r.option.clone(),
        kind: r.kind.clone(),
        suppressed: true,
        ..SummaryRow::default()
    }
}

fn lo(x: Option<(f64, f64)>) -> Option<f64> {
    x.map(|p| p.0)
}
fn hi(x: Option<(f64, f64)>) -> Option<f64> {
    x.map(|p| p.1)
}

/// The rows as a frame with the documented field names.
pub fn frame(rows: &[SummaryRow], round: &str, segment: Option<&str>) -> PolarsResult<DataFrame> {
    let s = |f: &dyn Fn(&SummaryRow) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: &dyn Fn(&SummaryRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let n = |f: &dyn Fn(&SummaryRow) -> Option<u64>| rows.iter().map(f).collect::<Vec<_>>();
    let cols = vec![
        Column::new("round".into(), vec![round; rows.len()]),
        Column::new("question_id".into(), s(&|r| r.question_id.clone())),
        Column::new("segment".into(), vec![segment.unwrap_or(""); rows.len()]),
        Column::new("group".into(), s(&|r| r.group.clone())),
        Column::new("option".into(), s(&|r| r.option.clone())),
        Column::new("kind".into(), s(&|r| r.kind.clone())),
        Column::new("n".into(), n(&|r| (!r.suppressed).then_some(r.n as u64))),
        Column::new("excluded".into(), n(&|r| (!r.suppressed).then_some(r.excluded as u64))),
        Column::new("mean".into(), o(&|r| r.mean)),
        Column::new("mean_ci_low".into(), o(&|r| lo(r.mean_ci))),
        Column::new("mean_ci_high".into(), o(&|r| hi(r.mean_ci))),
        Column::new("top_box".into(), o(&|r| r.top_box)),
        Column::new("top_box_ci_low".into(), o(&|r| lo(r.top_box_ci))),
        Column::new("top_box_ci_high".into(), o(&|r| hi(r.top_box_ci))),
        Column::new("bottom_box".into(), o(&|r| r.bottom_box)),
        Column::new("nps".into(), o(&|r| r.nps.map(|x| x.0))),
        Column::new("nps_ci_low".into(), o(&|r| r.nps.map(|x| x.1))),
        Column::new("nps_ci_high".into(), o(&|r| r.nps.map(|x| x.2))),
        Column::new("borda".into(), o(&|r| r.borda)),
        Column::new(
            "distribution".into(),
            s(&|r| if r.suppressed { "suppressed".into() } else { r.distribution.clone() }),
        ),
        Column::new("suppressed".into(), rows.iter().map(|r| r.suppressed).collect::<Vec<_>>()),
    ];
    DataFrame::new(rows.len(), cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn likert5() -> QuestionMeta {
        QuestionMeta {
            kind: "likert".into(),
            points: Some(5),
            range: Some((1.0, 5.0)),
            higher_is_better: true,
            ..Default::default()
        }
    }

    #[test]
    fn likert_summary_numbers() {
        let a = Answers {
            values: vec![1., 2., 2., 3., 3., 3., 4., 4., 5., 5.],
            excluded: 2,
            ..Default::default()
        };
        let r = &summarise("q", "", &likert5(), &a)[0];
        assert_eq!((r.n, r.excluded), (10, 2));
        // Mean CI: scipy t.interval (see estimate.rs) -> (2.25818886975084, 4.14181113024916)
        assert!((r.mean_ci.unwrap().0 - 2.25818886975084).abs() < 1e-10);
        // Top box = 4s and 5s = 4/10; statsmodels proportion_confint(4, 10, alpha=0.05,
        // method='wilson') = (0.1681803297062361, 0.6873262302663417)
        assert_eq!(r.top_box, Some(0.4));
        let (lo, hi) = r.top_box_ci.unwrap();
        assert!(
            (lo - 0.1681803297062361).abs() < 1e-12 && (hi - 0.6873262302663417).abs() < 1e-12,
            "{lo} {hi}"
        );
        assert_eq!(r.bottom_box, Some(0.3));
        assert_eq!(r.distribution, "1=1; 2=2; 3=3; 4=2; 5=2");
    }

    #[test]
    fn nps_and_multi_and_empty() {
        let m = QuestionMeta {
            kind: "likelihood".into(),
            points: Some(11),
            range: Some((0.0, 10.0)),
            higher_is_better: true,
            ..Default::default()
        };
        let a =
            Answers { values: vec![10., 9., 9., 8., 7., 6., 5., 0., 3., 6.], ..Default::default() };
        let r = &summarise("nps", "", &m, &a)[0];
        assert_eq!(r.nps.unwrap().0, -20.0);
        assert_eq!(r.top_box, Some(0.4), "top three of 0-10: 8, 9, 10");
        let multi = QuestionMeta { kind: "multi".into(), ..Default::default() };
        let mut a = Answers::default();
        a.labels.insert("CI".into(), 3);
        a.labels.insert("Docs".into(), 1);
        a.respondents = 4;
        let rows = summarise("caps", "", &multi, &a);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].top_box, Some(0.75));
        let empty = summarise("q", "", &likert5(), &Answers::default());
        assert_eq!((empty[0].n, empty[0].mean, empty[0].top_box), (0, None, None), "n = 0");
    }
}
