//! `summary`: per question (and per segment group) — n, excluded, mean with t interval, top and
//! bottom box with Wilson intervals, NPS for 0–10 items, the full distribution; multi-select
//! items give one row per option with its share and Wilson interval.

use std::collections::BTreeMap;

use super::estimate::{bottom_box_threshold, mean_ci, nps, top_box_threshold, wilson};

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

/// Rows of the `responses` table for one round, column-wise (and the segment group per row).
#[derive(Debug, Default)]
pub struct Rows<'a> {
    /// Question per row.
    pub question_id: Vec<&'a str>,
    /// Respondent per row.
    pub respondent: Vec<&'a str>,
    /// Answer label per row (None when blank).
    pub label: Vec<Option<&'a str>>,
    /// Value per row (None when not a value).
    pub value: Vec<Option<f64>>,
    /// Segment group per row, when a segment is asked for.
    pub group: Option<Vec<Option<&'a str>>>,
}

/// Answers of one question in one group.
#[derive(Debug, Default, Clone)]
pub struct Answers {
    /// Valid values (ordinal / numeric / single-choice position).
    pub values: Vec<f64>,
    /// Answers that are not a value (N/A, blank).
    pub excluded: usize,
    /// Count per label (single choice and multi-select options).
    pub labels: BTreeMap<String, usize>,
    /// Respondents who chose at least one option (multi-select n).
    pub respondents: std::collections::BTreeSet<String>,
    /// Respondent per valid value, aligned with `values` (for paired tests).
    pub who: Vec<String>,
}

/// What to keep per answer besides the value (labels and respondents cost an allocation each).
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    /// Count labels (single choice, multi-select).
    pub labels: bool,
    /// Keep the respondent of each value (paired tests).
    pub who: bool,
}

/// Groups rows by (question, group). The group key is "" without a segment, and "(none)" for
/// respondents without a value for the segment. Rows should arrive sorted by question.
pub fn collect(rows: &Rows, needs: impl Fn(&str) -> Needs) -> BTreeMap<(String, String), Answers> {
    let mut index: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    let mut acc: Vec<(Needs, Answers)> = Vec::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut cur: Option<(&str, &str, usize)> = None;
    for i in 0..rows.question_id.len() {
        let g = match &rows.group {
            Some(gs) => gs[i].unwrap_or("(none)"),
            None => "",
        };
        let q = rows.question_id[i];
        let ix = match cur {
            Some((cq, cg, ix)) if cq == q && cg == g => ix,
            _ => {
                let ix = *index.entry((q.to_string(), g.to_string())).or_insert_with(|| {
                    acc.push((needs(q), Answers::default()));
                    keys.push((q.to_string(), g.to_string()));
                    acc.len() - 1
                });
                cur = Some((q, g, ix));
                ix
            }
        };
        let (need, a) = &mut acc[ix];
        match rows.value[i] {
            Some(v) => {
                a.values.push(v);
                if need.who {
                    a.who.push(rows.respondent[i].to_string());
                }
                if need.labels
                    && let Some(l) = rows.label[i]
                {
                    match a.labels.get_mut(l) {
                        Some(c) => *c += 1,
                        None => {
                            a.labels.insert(l.to_string(), 1);
                        }
                    }
                    a.respondents.insert(rows.respondent[i].to_string());
                }
            }
            None => a.excluded += 1,
        }
    }
    keys.into_iter().zip(acc.into_iter().map(|(_, a)| a)).collect()
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
            let n = a.respondents.len();
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
        a.respondents = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let rows = summarise("caps", "", &multi, &a);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].top_box, Some(0.75));
        let empty = summarise("q", "", &likert5(), &Answers::default());
        assert_eq!((empty[0].n, empty[0].mean, empty[0].top_box), (0, None, None), "n = 0");
    }
}
