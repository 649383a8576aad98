//! Driver analysis: how strongly each rated item moves with the outcome (Spearman ρ with a
//! Fisher-z interval) against how well it scores (top box), sorted into quadrants.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::{Column, DataFrame, PolarsResult};
use rayon::prelude::*;

use super::correlate::spearman;
use super::quantile::median;
use super::summary::{Grouped, QuestionMeta, summarise};

/// Minimum paired answers for a driver estimate.
pub const MIN_PAIRS: usize = 30;

/// One driver row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Driver {
    /// The item.
    pub question_id: String,
    /// Respondents with both the item and the outcome.
    pub n: usize,
    /// Spearman ρ with the outcome (importance).
    pub rho: Option<f64>,
    /// 95 % Fisher-z interval.
    pub rho_ci: Option<(f64, f64)>,
    /// p-value of ρ.
    pub p_value: Option<f64>,
    /// The item's top-box share (score).
    pub top_box: Option<f64>,
    /// priority (important, low score), strength (important, high score), maintain (less
    /// important, high score), monitor (less important, low score), or why there is none.
    pub quadrant: String,
}

/// Computes drivers. `outcome` and each item's values are dense per respondent code (NaN =
/// no answer); `top_box` gives each item's score. Quadrant cut-offs are the medians over the
/// items. Items run in parallel.
pub fn drivers(outcome: &[f64], items: &[(String, Vec<f64>, Option<f64>)]) -> Vec<Driver> {
    let one = |(q, values, top): &(String, Vec<f64>, Option<f64>)| -> Driver {
        let mut pairs: Vec<(f64, f64)> = values
            .iter()
            .zip(outcome)
            .filter(|(v, o)| v.is_finite() && o.is_finite())
            .map(|(v, o)| (*v, *o))
            .collect();
        // A canonical order (equal pairs are interchangeable), so ρ does not depend on how
        // respondents were coded.
        sort_pairs(&mut pairs);
        let n = pairs.len();
        let mut d = Driver { question_id: q.clone(), n, top_box: *top, ..Driver::default() };
        if n < MIN_PAIRS {
            d.quadrant = format!("insufficient data (n < {MIN_PAIRS})");
            return d;
        }
        let (x, y): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
        match spearman(&x, &y) {
            Some(s) => {
                d.rho = Some(s.rho);
                d.rho_ci = s.low.zip(s.high);
                d.p_value = Some(s.p_value);
            }
            None => d.quadrant = "no variation".into(),
        }
        d
    };
    let mut out: Vec<Driver> = items.par_iter().map(one).collect();
    let rho_med = median(out.iter().filter_map(|d| d.rho));
    let top_med = median(out.iter().filter(|d| d.rho.is_some()).filter_map(|d| d.top_box));
    for d in out.iter_mut().filter(|d| d.quadrant.is_empty()) {
        if let (Some(r), Some(t), Some(rm), Some(tm)) = (d.rho, d.top_box, rho_med, top_med) {
            d.quadrant = match (r >= rm, t >= tm) {
                (true, false) => "priority",
                (true, true) => "strength",
                (false, true) => "maintain",
                (false, false) => "monitor",
            }
            .into();
        }
    }
    out.sort_by(|a, b| {
        b.rho.unwrap_or(f64::NEG_INFINITY).total_cmp(&a.rho.unwrap_or(f64::NEG_INFINITY))
    });
    out
}

/// Sorts pairs by first then second value (`total_cmp`). Rated answers take a handful of
/// values, so this is a counting sort over the distinct values when there are few; the order
/// is the same as a comparison sort's (pairs equal under `total_cmp` are identical).
fn sort_pairs(pairs: &mut [(f64, f64)]) {
    const FEW: usize = 64;
    fn distinct(v: impl Iterator<Item = f64>) -> Option<Vec<f64>> {
        let mut d: Vec<f64> = Vec::new();
        for x in v {
            if let Err(i) = d.binary_search_by(|p| p.total_cmp(&x)) {
                if d.len() == FEW {
                    return None;
                }
                d.insert(i, x);
            }
        }
        Some(d)
    }
    let by_comparison = |pairs: &mut [(f64, f64)]| {
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    };
    if pairs.len() < 4 * FEW {
        return by_comparison(pairs);
    }
    let (Some(dx), Some(dy)) =
        (distinct(pairs.iter().map(|p| p.0)), distinct(pairs.iter().map(|p| p.1)))
    else {
        return by_comparison(pairs);
    };
    let at = |d: &[f64], x: f64| d.binary_search_by(|p| p.total_cmp(&x)).unwrap_or(0);
    let mut counts = vec![0usize; dx.len() * dy.len()];
    for &(x, y) in pairs.iter() {
        counts[at(&dx, x) * dy.len() + at(&dy, y)] += 1;
    }
    let mut k = 0;
    for (cell, &c) in counts.iter().enumerate() {
        let pair = (dx[cell / dy.len()], dy[cell % dy.len()]);
        pairs[k..k + c].fill(pair);
        k += c;
    }
}

/// Per rated question of a round: its values dense per respondent code (`respondents` codes;
/// NaN = no answer, the last answer when answered twice), lower-is-better items sign-flipped,
/// and its score (top-box share, bottom box for lower-is-better items), so "important and doing
/// badly" reads the same for every item.
pub fn item_values(
    answers: &Grouped,
    metas: &HashMap<String, QuestionMeta>,
    respondents: usize,
) -> BTreeMap<String, (Vec<f64>, Option<f64>)> {
    let mut out = BTreeMap::new();
    for ((q, _), a) in answers {
        let Some(m) = metas.get(q) else { continue };
        if !m.is_ordinal() {
            continue;
        }
        let sign = if m.higher_is_better { 1.0 } else { -1.0 };
        let mut dense = vec![f64::NAN; respondents];
        for (&w, &v) in a.who.iter().zip(&a.values) {
            if let Some(x) = dense.get_mut(w as usize) {
                *x = sign * v;
            }
        }
        let row = summarise(q, "", m, a);
        let score =
            row.first().and_then(|r| if m.higher_is_better { r.top_box } else { r.bottom_box });
        out.insert(q.clone(), (dense, score));
    }
    out
}

/// The drivers as a frame with the documented field names.
pub fn frame(d: &[Driver], round: &str, outcome: &str) -> PolarsResult<DataFrame> {
    let len = d.len();
    DataFrame::new(
        len,
        vec![
            Column::new("round".into(), vec![round; len]),
            Column::new("outcome".into(), vec![outcome; len]),
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
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrants_and_minimum_pairs() {
        // Outcome = respondent index mod 5; item a tracks it, item b is noise, c has 10 answers.
        // Dense per respondent code: NaN = no answer.
        let outcome: Vec<f64> = (0..60).map(|i| (i % 5) as f64).collect();
        let a: Vec<f64> = (0..60).map(|i| (i % 5) as f64).collect();
        let b: Vec<f64> = (0..60).map(|i| ((i * 7) % 3) as f64).collect();
        let c: Vec<f64> = (0..60).map(|i| if i < 10 { 1.0 } else { f64::NAN }).collect();
        let d = drivers(
            &outcome,
            &[("a".into(), a, Some(0.2)), ("b".into(), b, Some(0.8)), ("c".into(), c, Some(0.5))],
        );
        assert_eq!(d[0].question_id, "a");
        assert!((d[0].rho.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(d[0].quadrant, "priority");
        assert_eq!(d[1].quadrant, "maintain");
        assert_eq!(d[2].quadrant, "insufficient data (n < 30)");
    }

    #[test]
    fn counting_sort_of_pairs_equals_comparison_sort() {
        let vals = [1.0, 5.0, -0.0, 0.0, 3.0, -4.0];
        let mut a: Vec<(f64, f64)> =
            (0..2000).map(|i| (vals[(i * 7) % 6], vals[(i * 13 + i / 5) % 6])).collect();
        let mut b = a.clone();
        sort_pairs(&mut a);
        b.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.total_cmp(&q.1)));
        let bits = |v: &[(f64, f64)]| -> Vec<(u64, u64)> {
            v.iter().map(|p| (p.0.to_bits(), p.1.to_bits())).collect()
        };
        assert_eq!(bits(&a), bits(&b));
    }

    // Regression: a NaN outcome or item value entered ρ; now the pair is missing.
    #[test]
    fn drivers_with_nan_values_skip_the_pair() {
        let mut outcome: Vec<f64> = (0..60).map(|i| (i % 5) as f64).collect();
        let a: Vec<f64> = (0..60).map(|i| (i % 5) as f64).collect();
        outcome[7] = f64::NAN;
        let mut b = a.clone();
        b[3] = f64::INFINITY;
        let d = drivers(&outcome, &[("a".into(), a, Some(0.2)), ("b".into(), b, Some(0.4))]);
        assert_eq!((d[0].n, d[1].n), (59, 58));
        assert!((d[0].rho.unwrap() - 1.0).abs() < 1e-12);
    }
}
