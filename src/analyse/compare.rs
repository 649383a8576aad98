//! `compare`: one row per question present in both rounds, with the test that fits its kind,
//! an effect size, Benjamini–Hochberg q-values over all rows, and a verdict.
//!
//! - ordinal (and numeric): Mann–Whitney U on `to` vs `from` (positive effect = `to` higher),
//!   rank-biserial correlation; with `paired`, Wilcoxon signed-rank on respondents present in
//!   both rounds (d = to − from), matched-pairs rank-biserial (pingouin `RBC`);
//! - single choice: chi-square test of independence (rounds × options), Cramér's V;
//! - multi-select: per option, chi-square on chosen / not chosen (2×2, Yates), Cramér's V.

use std::collections::{BTreeSet, HashMap};

use polars::prelude::{Column, DataFrame, PolarsResult};
use rayon::prelude::*;

use super::estimate::{mean_ci, top_box_threshold};
use super::hypothesis::{benjamini_hochberg, chi_square, mann_whitney, rank, wilcoxon};
use super::summary::{Answers, Grouped, QuestionMeta};
use crate::store::read::NONE;

/// Response rate below which a comparison is flagged `low_response_rate`.
pub const LOW_RESPONSE_RATE: f64 = 0.25;

/// Options for a comparison.
#[derive(Debug, Clone, Copy)]
pub struct CompareOptions {
    /// Minimum group size: below it a side is "not comparable" (and suppressed in segments).
    pub min_n: usize,
    /// Compare items whose scale changed on a 0–100 percent-of-maximum scale.
    pub rescale: bool,
    /// Wilcoxon signed-rank on respondents present in both rounds.
    pub paired: bool,
    /// Significance level for the verdict (on q-values).
    pub alpha: f64,
}

/// One row of `compare`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompareRow {
    /// Question.
    pub question_id: String,
    /// Segment group ("" for the whole round).
    pub group: String,
    /// Multi-select option ("" otherwise).
    pub option: String,
    /// Valid answers in each round.
    pub n_from: usize,
    /// Valid answers in the later round.
    pub n_to: usize,
    /// Means (percent of maximum when rescaled).
    pub mean_from: Option<f64>,
    /// Mean in the later round.
    pub mean_to: Option<f64>,
    /// Top-box shares (option shares for multi-select).
    pub top_box_from: Option<f64>,
    /// Top box in the later round.
    pub top_box_to: Option<f64>,
    /// Test used.
    pub test: String,
    /// Test statistic.
    pub statistic: Option<f64>,
    /// Two-sided p-value.
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg q-value over all tested rows.
    pub q_value: Option<f64>,
    /// Effect size.
    pub effect_size: Option<f64>,
    /// What the effect size is.
    pub effect_size_kind: String,
    /// improved, declined, changed, no detectable change, not comparable.
    pub verdict: String,
    /// wording_changed, scale_changed, low_n, low_response_rate, rescaled.
    pub flags: Vec<String>,
    /// Hidden for anonymity (every number empty).
    pub suppressed: bool,
}

impl CompareRow {
    /// to − from of the means.
    pub fn mean_delta(&self) -> Option<f64> {
        Some(self.mean_to? - self.mean_from?)
    }
    /// to − from of the top-box shares.
    pub fn top_box_delta(&self) -> Option<f64> {
        Some(self.top_box_to? - self.top_box_from?)
    }
}

/// Below this many answers on a side a test has little power: flagged `low_n`.
pub const LOW_N: usize = 30;

fn pomp(v: f64, (low, high): (f64, f64)) -> f64 {
    (v - low) / (high - low) * 100.0
}

fn top_share(values: &[f64], meta: &QuestionMeta) -> Option<f64> {
    let (points, (_, high)) = (meta.points?, meta.range?);
    if values.is_empty() {
        return None;
    }
    if meta.kind == "ranking" {
        // The share ranked first.
        return Some(values.iter().filter(|&&v| v == 1.0).count() as f64 / values.len() as f64);
    }
    let t = top_box_threshold(points, high);
    Some(values.iter().filter(|&&v| v >= t).count() as f64 / values.len() as f64)
}

/// Matched-pairs rank-biserial (R₊ − R₋)/(R₊ + R₋) on d = to − from (pingouin `RBC`).
fn matched_rbc(d: &[f64]) -> Option<f64> {
    let nz: Vec<f64> = d.iter().copied().filter(|v| *v != 0.0).collect();
    if nz.is_empty() {
        return None;
    }
    let (ranks, _) = rank(&nz.iter().map(|v| v.abs()).collect::<Vec<_>>());
    let plus: f64 = nz.iter().zip(&ranks).filter(|(v, _)| **v > 0.0).map(|(_, r)| r).sum();
    let total: f64 = ranks.iter().sum();
    Some((2.0 * plus - total) / total)
}

/// Compares one question's answers between two rounds (no q-value yet).
pub fn compare_question(
    question_id: &str,
    group: &str,
    (mf, mt): (&QuestionMeta, &QuestionMeta),
    (af, at): (&Answers, &Answers),
    opts: CompareOptions,
) -> Vec<CompareRow> {
    let mut flags = Vec::new();
    if mt.wording_changed {
        flags.push("wording_changed".to_string());
    }
    let scale_changed = mt.scale_changed || mf.points != mt.points || mf.range != mt.range;
    if scale_changed && (mf.is_ordinal() || mf.kind == "ranking") {
        flags.push("scale_changed".to_string());
    }
    let base = CompareRow {
        question_id: question_id.into(),
        group: group.into(),
        ..CompareRow::default()
    };
    if mt.kind == "multi" {
        let options: BTreeSet<&String> = af.labels.keys().chain(at.labels.keys()).collect();
        let (nf, nt) = (af.respondents, at.respondents);
        return options
            .into_iter()
            .map(|o| {
                let (kf, kt) = (*af.labels.get(o).unwrap_or(&0), *at.labels.get(o).unwrap_or(&0));
                let mut row = CompareRow {
                    option: o.clone(),
                    n_from: nf,
                    n_to: nt,
                    top_box_from: (nf > 0).then(|| kf as f64 / nf as f64),
                    top_box_to: (nt > 0).then(|| kt as f64 / nt as f64),
                    flags: flags.clone(),
                    ..base.clone()
                };
                let table = [
                    vec![kf as f64, (nf - kf.min(nf)) as f64],
                    vec![kt as f64, (nt - kt.min(nt)) as f64],
                ];
                finish_categorical(&mut row, &table, opts);
                row
            })
            .collect();
    }
    let mut row = CompareRow { n_from: af.values.len(), n_to: at.values.len(), flags, ..base };
    if mt.kind == "single" {
        let labels: BTreeSet<&String> = af.labels.keys().chain(at.labels.keys()).collect();
        let table: Vec<Vec<f64>> = [af, at]
            .iter()
            .map(|a| labels.iter().map(|l| *a.labels.get(*l).unwrap_or(&0) as f64).collect())
            .collect();
        finish_categorical(&mut row, &table, opts);
        return vec![row];
    }
    // Ordinal and numeric.
    let rescaled = scale_changed && opts.rescale && mf.range.is_some() && mt.range.is_some();
    let (vf, vt): (Vec<f64>, Vec<f64>) = if rescaled {
        row.flags.push("rescaled".into());
        let (rf, rt) = (mf.range.expect("checked"), mt.range.expect("checked"));
        (
            af.values.iter().map(|&v| pomp(v, rf)).collect(),
            at.values.iter().map(|&v| pomp(v, rt)).collect(),
        )
    } else {
        (af.values.clone(), at.values.clone())
    };
    row.mean_from = mean_ci(&vf).map(|m| m.mean);
    row.mean_to = mean_ci(&vt).map(|m| m.mean);
    row.top_box_from = top_share(&af.values, mf);
    row.top_box_to = top_share(&at.values, mt);
    if row.n_from.min(row.n_to) < LOW_N {
        row.flags.push("low_n".into());
    }
    if (scale_changed && (mf.is_ordinal() || mf.kind == "ranking") && !rescaled)
        || row.n_from.min(row.n_to) < opts.min_n
    {
        row.verdict = "not comparable".into();
        return vec![row];
    }
    if opts.paired {
        // Respondent codes are shared by both rounds (see `store::read::link`): a dense
        // lookup of each `from` respondent's value (the last one when answered twice).
        let size = af.who.iter().filter(|&&w| w != NONE).max().map_or(0, |&w| w as usize + 1);
        let mut before = vec![f64::NAN; size];
        for (&w, &v) in af.who.iter().zip(&vf) {
            if w != NONE {
                before[w as usize] = v;
            }
        }
        let d: Vec<f64> = at
            .who
            .iter()
            .zip(&vt)
            .filter_map(|(&w, v)| {
                let b = *before.get(w as usize)?;
                (!b.is_nan()).then(|| v - b)
            })
            .collect();
        row.test = "wilcoxon".into();
        row.effect_size_kind = "matched-pairs rank-biserial".into();
        if let Some(t) = wilcoxon(&d) {
            row.statistic = Some(t.statistic);
            row.p_value = Some(t.p_value);
            row.effect_size = matched_rbc(&d);
        }
        row.flags.push(format!("pairs={}", d.len()));
    } else {
        row.test = "mann-whitney".into();
        row.effect_size_kind = "rank-biserial".into();
        if let Some((t, rbc)) = mann_whitney(&vt, &vf) {
            row.statistic = Some(t.statistic);
            row.p_value = Some(t.p_value);
            row.effect_size = Some(rbc);
        }
    }
    let _ = mt.higher_is_better;
    vec![row]
}

fn finish_categorical(row: &mut CompareRow, table: &[Vec<f64>], opts: CompareOptions) {
    row.test = "chi-square".into();
    row.effect_size_kind = "cramers-v".into();
    if row.n_from.min(row.n_to) < LOW_N {
        row.flags.push("low_n".into());
    }
    if row.n_from.min(row.n_to) < opts.min_n {
        row.verdict = "not comparable".into();
        return;
    }
    if let Some((t, _, v)) = chi_square(table) {
        row.statistic = Some(t.statistic);
        row.p_value = Some(t.p_value);
        row.effect_size = Some(v);
    }
}

/// Fills q-values (BH over every row with a p-value) and verdicts. `higher_is_better` tells
/// the direction of each row's question.
pub fn finish(rows: &mut [CompareRow], higher_is_better: impl Fn(&str) -> bool, alpha: f64) {
    let p: Vec<f64> = rows.iter().map(|r| r.p_value.unwrap_or(f64::NAN)).collect();
    let q = benjamini_hochberg(&p);
    for (r, q) in rows.iter_mut().zip(q) {
        if q.is_finite() {
            r.q_value = Some(q);
        }
        if !r.verdict.is_empty() {
            continue;
        }
        r.verdict = match (r.q_value, r.effect_size) {
            (Some(q), _) if q >= alpha => "no detectable change".into(),
            (Some(_), Some(e)) if r.test == "chi-square" => {
                let _ = e;
                "changed".into()
            }
            (Some(_), Some(e)) => {
                let up = e > 0.0;
                if up == higher_is_better(&r.question_id) {
                    "improved".into()
                } else {
                    "declined".into()
                }
            }
            _ => "no detectable change".into(),
        };
    }
}

/// (question, group) -> the disclosure plan publishes it.
pub type Shown<'a> = dyn Fn(&str, &str) -> bool + Sync + 'a;

/// One side of a comparison: a round's question metadata, grouped answers and, with a
/// segment, which of its (question, group) figures the disclosure plan publishes.
pub struct Side<'a> {
    /// Question metadata of the round.
    pub metas: &'a HashMap<String, QuestionMeta>,
    /// Answers per (question, group).
    pub answers: &'a Grouped,
    /// (question, group) -> published (None without a segment).
    pub shown: Option<&'a Shown<'a>>,
}

/// Compares every question of `questions` (catalog order) asked in both rounds, per group; a
/// group is compared only when the disclosure plans publish it in both rounds (see
/// [`super::disclosure`]), so a per-group change never describes fewer than the minimum;
/// flags `low_response_rate` when asked; then q-values and verdicts. Questions run in parallel.
pub fn rows(
    questions: &[&str],
    from: &Side,
    to: &Side,
    low_rate: bool,
    opts: CompareOptions,
) -> Vec<CompareRow> {
    let empty = Answers::default();
    let one = |q: &&str| -> Vec<CompareRow> {
        let q = *q;
        let (Some(m1), Some(m2)) = (from.metas.get(q), to.metas.get(q)) else { return vec![] };
        if m2.kind == "text" {
            return vec![];
        }
        let groups: BTreeSet<&String> = from
            .answers
            .keys()
            .chain(to.answers.keys())
            .filter(|(qid, _)| qid == q)
            .map(|(_, g)| g)
            .collect();
        let groups: Vec<&String> = groups.into_iter().collect();
        let hide: Vec<bool> = match (from.shown, to.shown) {
            (Some(sf), Some(st)) => groups.iter().map(|g| !sf(q, g) || !st(q, g)).collect(),
            _ => vec![false; groups.len()],
        };
        let mut out = Vec::new();
        for (g, hidden) in groups.iter().zip(hide) {
            if hidden {
                out.push(CompareRow {
                    question_id: q.to_string(),
                    group: (*g).clone(),
                    verdict: "suppressed".into(),
                    suppressed: true,
                    ..CompareRow::default()
                });
                continue;
            }
            let key = (q.to_string(), (*g).clone());
            let a1 = from.answers.get(&key).unwrap_or(&empty);
            let a2 = to.answers.get(&key).unwrap_or(&empty);
            let mut rows = compare_question(q, g, (m1, m2), (a1, a2), opts);
            if low_rate {
                for r in &mut rows {
                    r.flags.push("low_response_rate".into());
                }
            }
            out.extend(rows);
        }
        out
    };
    let mut out: Vec<CompareRow> = questions.par_iter().flat_map_iter(one).collect();
    finish(&mut out, |q| to.metas.get(q).is_none_or(|m| m.higher_is_better), opts.alpha);
    out
}

/// The rows as a frame with the documented field names.
pub fn frame(
    rows: &[CompareRow],
    from: &str,
    to: &str,
    segment: Option<&str>,
) -> PolarsResult<DataFrame> {
    let s = |f: &dyn Fn(&CompareRow) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: &dyn Fn(&CompareRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let n = |f: &dyn Fn(&CompareRow) -> usize| {
        rows.iter().map(|r| (!r.suppressed).then(|| f(r) as u64)).collect::<Vec<_>>()
    };
    let len = rows.len();
    let cols = vec![
        Column::new("from".into(), vec![from; len]),
        Column::new("to".into(), vec![to; len]),
        Column::new("question_id".into(), s(&|r| r.question_id.clone())),
        Column::new("segment".into(), vec![segment.unwrap_or(""); len]),
        Column::new("group".into(), s(&|r| r.group.clone())),
        Column::new("option".into(), s(&|r| r.option.clone())),
        Column::new("n_from".into(), n(&|r| r.n_from)),
        Column::new("n_to".into(), n(&|r| r.n_to)),
        Column::new("mean_from".into(), o(&|r| r.mean_from)),
        Column::new("mean_to".into(), o(&|r| r.mean_to)),
        Column::new("mean_delta".into(), o(&CompareRow::mean_delta)),
        Column::new("top_box_from".into(), o(&|r| r.top_box_from)),
        Column::new("top_box_to".into(), o(&|r| r.top_box_to)),
        Column::new("top_box_delta".into(), o(&CompareRow::top_box_delta)),
        Column::new("test".into(), s(&|r| r.test.clone())),
        Column::new("statistic".into(), o(&|r| r.statistic)),
        Column::new("p_value".into(), o(&|r| r.p_value)),
        Column::new("q_value".into(), o(&|r| r.q_value)),
        Column::new("effect_size".into(), o(&|r| r.effect_size)),
        Column::new("effect_size_kind".into(), s(&|r| r.effect_size_kind.clone())),
        Column::new("verdict".into(), s(&|r| r.verdict.clone())),
        Column::new("flags".into(), s(&|r| r.flags.join(","))),
        Column::new("suppressed".into(), rows.iter().map(|r| r.suppressed).collect::<Vec<_>>()),
    ];
    DataFrame::new(len, cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(points: usize) -> QuestionMeta {
        QuestionMeta {
            kind: "likert".into(),
            points: Some(points),
            range: Some((1.0, points as f64)),
            higher_is_better: true,
            ..Default::default()
        }
    }

    fn answers(v: &[f64]) -> Answers {
        Answers { values: v.to_vec(), who: (0..v.len() as u32).collect(), ..Default::default() }
    }

    const OPTS: CompareOptions =
        CompareOptions { min_n: 5, rescale: false, paired: false, alpha: 0.05 };

    #[test]
    fn ordinal_compare_uses_mann_whitney_to_vs_from() {
        // scipy.stats.mannwhitneyu(x2, y2) with x2 (to) and y2 (from) from stats_reference.py
        // ("mwu B"): U = 60000, p = 7.2911921484268e-36, pingouin RBC = 0.6.
        let to: Vec<f64> = [3., 4., 4., 5., 5., 5., 5., 2., 4., 5.].repeat(30);
        let from: Vec<f64> = [1., 2., 3., 3., 4., 4., 2., 3., 5., 1.].repeat(25);
        let m = meta(5);
        let mut rows = compare_question("q", "", (&m, &m), (&answers(&from), &answers(&to)), OPTS);
        finish(&mut rows, |_| true, 0.05);
        let r = &rows[0];
        assert_eq!(r.statistic, Some(60000.0));
        assert!((r.p_value.unwrap() - 7.2911921484268e-36).abs() < 1e-40);
        assert!((r.effect_size.unwrap() - 0.6).abs() < 1e-12);
        assert_eq!(r.verdict, "improved");
        let mut rows = compare_question("q", "", (&m, &m), (&answers(&from), &answers(&to)), OPTS);
        finish(&mut rows, |_| false, 0.05);
        assert_eq!(rows[0].verdict, "declined", "negatively worded: higher is worse");
    }

    #[test]
    fn scale_change_not_comparable_unless_rescaled() {
        let (m5, mut m7) = (meta(5), meta(7));
        m7.scale_changed = true;
        let rows = compare_question(
            "q",
            "",
            (&m5, &m7),
            (&answers(&[1., 5., 3., 4., 2., 5.]), &answers(&[7., 6., 1., 2., 3., 4.])),
            OPTS,
        );
        assert_eq!(rows[0].verdict, "not comparable");
        assert!(rows[0].flags.contains(&"scale_changed".to_string()));
        let rows = compare_question(
            "q",
            "",
            (&m5, &m7),
            (&answers(&[1., 5., 3., 4., 2., 5.]), &answers(&[7., 6., 1., 2., 3., 4.])),
            CompareOptions { rescale: true, ..OPTS },
        );
        // POMP: from (1,5,3,4,2,5) -> mean of (0,100,50,75,25,100) = 58.333...
        assert!((rows[0].mean_from.unwrap() - 58.333333333333336).abs() < 1e-9);
        assert_eq!(rows[0].test, "mann-whitney");
    }

    #[test]
    fn paired_compare_matches_scipy_and_pingouin() {
        // scipy.stats.wilcoxon(b, a) == (4.0, 0.03125); pingouin.wilcoxon(b, a)['RBC'] = 0.8222222222222222
        // with a (from) = [4,3,5,2,4,4,3,5,1,4,3,2], b (to) = [5,3,4,4,5,4,4,5,2,5,4,4]
        let a = answers(&[4., 3., 5., 2., 4., 4., 3., 5., 1., 4., 3., 2.]);
        let b = answers(&[5., 3., 4., 4., 5., 4., 4., 5., 2., 5., 4., 4.]);
        let m = meta(5);
        let rows =
            compare_question("q", "", (&m, &m), (&a, &b), CompareOptions { paired: true, ..OPTS });
        assert_eq!(rows[0].statistic, Some(4.0));
        assert!((rows[0].p_value.unwrap() - 0.03125).abs() < 1e-12);
        assert!((rows[0].effect_size.unwrap() - 0.8222222222222222).abs() < 1e-12);
    }

    #[test]
    fn small_groups_are_not_comparable() {
        let m = meta(5);
        let rows = compare_question(
            "q",
            "",
            (&m, &m),
            (&answers(&[1., 2.]), &answers(&[4., 5., 5.])),
            OPTS,
        );
        assert_eq!(rows[0].verdict, "not comparable");
        assert!(rows[0].p_value.is_none());
    }

    #[test]
    fn single_choice_chi_square() {
        // scipy.stats.chi2_contingency([[10,20,30],[25,15,5]]) -> (23.3333333333333, 8.57493910267228e-06)
        let mut f = Answers::default();
        let mut t = Answers::default();
        for (l, a, b) in [("A", 10, 25), ("B", 20, 15), ("C", 30, 5)] {
            f.labels.insert(l.into(), a);
            t.labels.insert(l.into(), b);
        }
        f.values = vec![1.0; 60];
        t.values = vec![1.0; 45];
        let m = QuestionMeta { kind: "single".into(), ..Default::default() };
        let mut rows = compare_question("q", "", (&m, &m), (&f, &t), OPTS);
        finish(&mut rows, |_| true, 0.05);
        assert!((rows[0].statistic.unwrap() - 23.3333333333333).abs() < 1e-9);
        assert_eq!(rows[0].verdict, "changed");
    }

    // Regression: a NaN p-value must get no q-value and read "no detectable change", never a
    // significant verdict (statsmodels multipletests leaves NaN p-values NaN).
    #[test]
    fn finish_with_nan_p_value_is_not_significant() {
        let mut rows = vec![
            CompareRow {
                question_id: "a".into(),
                p_value: Some(f64::NAN),
                effect_size: Some(0.9),
                ..CompareRow::default()
            },
            CompareRow {
                question_id: "b".into(),
                p_value: Some(0.001),
                effect_size: Some(0.5),
                ..CompareRow::default()
            },
        ];
        finish(&mut rows, |_| true, 0.05);
        assert_eq!(rows[0].q_value, None);
        assert_eq!(rows[0].verdict, "no detectable change");
        assert_eq!(rows[1].q_value, Some(0.001), "the NaN is not counted in m");
        assert_eq!(rows[1].verdict, "improved");
    }

    // Regression: a NaN answer reached the Mann-Whitney tie walk and hung `compare`.
    #[test]
    fn compare_with_nan_values_returns() {
        let m = meta(5);
        let mut from = answers(&[1., 2., 3., 3., 4., 4., 2., 3., 5., 1.]);
        from.values[2] = f64::NAN;
        let to = answers(&[3., 4., 4., 5., 5., 5., 5., 2., 4., f64::NAN]);
        let rows = compare_question("q", "", (&m, &m), (&from, &to), OPTS);
        assert!(rows[0].p_value.is_some_and(f64::is_finite));
    }
}
