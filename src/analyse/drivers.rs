//! Driver analysis: how strongly each rated item moves with the outcome (Spearman ρ with a
//! Fisher-z interval) against how well it scores (top box), sorted into quadrants.

use std::collections::HashMap;

use super::correlate::spearman;

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

/// Computes drivers. `items` maps question → (respondent → value), `outcome` likewise;
/// `top_box` gives each item's score. Quadrant cut-offs are the medians over the items.
pub fn drivers(
    outcome: &HashMap<String, f64>,
    items: &[(String, HashMap<String, f64>, Option<f64>)],
) -> Vec<Driver> {
    let one = |(q, values, top): &(String, HashMap<String, f64>, Option<f64>)| -> Driver {
        {
            let mut pairs: Vec<(f64, f64)> =
                values.iter().filter_map(|(r, v)| outcome.get(r).map(|o| (*v, *o))).collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
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
        }
    };
    // Items are independent: one chunk per core, results in item order.
    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len().max(1));
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    let mut out: Vec<Driver> = std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("driver thread")).collect()
    });
    let median = |mut v: Vec<f64>| -> Option<f64> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let m = v.len() / 2;
        Some(if v.len().is_multiple_of(2) { f64::midpoint(v[m - 1], v[m]) } else { v[m] })
    };
    let rho_med = median(out.iter().filter_map(|d| d.rho).collect());
    let top_med =
        median(out.iter().filter(|d| d.rho.is_some()).filter_map(|d| d.top_box).collect());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrants_and_minimum_pairs() {
        // Outcome = respondent index mod 5; item a tracks it, item b is noise, c has 10 answers.
        let outcome: HashMap<String, f64> =
            (0..60).map(|i| (format!("r{i}"), (i % 5) as f64)).collect();
        let a: HashMap<String, f64> = (0..60).map(|i| (format!("r{i}"), (i % 5) as f64)).collect();
        let b: HashMap<String, f64> =
            (0..60).map(|i| (format!("r{i}"), ((i * 7) % 3) as f64)).collect();
        let c: HashMap<String, f64> = (0..10).map(|i| (format!("r{i}"), 1.0)).collect();
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
}
