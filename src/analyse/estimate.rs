//! Point estimates with 95 % intervals: means (Student t), proportions (Wilson score), NPS
//! (normal approximation), and the top-box definition.
//!
//! Reference values in the tests come from `tests/reference/stats_reference.py` (scipy
//! 1.17.1, statsmodels 0.15.0).

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// z for a two-sided 95 % interval: Φ⁻¹(0.975).
pub fn z95() -> f64 {
    Normal::new(0.0, 1.0).expect("standard normal").inverse_cdf(0.975)
}

/// Quantile of Student's t. statrs' inversion drifts at large df (1.8e-5 relative at df = 1e6),
/// so Newton steps on the CDF polish it to full precision.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    use statrs::distribution::Continuous;
    let d = StudentsT::new(0.0, 1.0, df).expect("df > 0");
    let mut x = d.inverse_cdf(p);
    for _ in 0..4 {
        let step = (d.cdf(x) - p) / d.pdf(x);
        x -= step;
        if step.abs() < 1e-15 {
            break;
        }
    }
    x
}

/// A mean with its 95 % Student-t interval (n − 1 df).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    /// Number of values.
    pub n: usize,
    /// Sample mean.
    pub mean: f64,
    /// Lower bound (None when n < 2).
    pub low: Option<f64>,
    /// Upper bound (None when n < 2).
    pub high: Option<f64>,
}

/// Mean and 95 % t interval of the finite values (NaN and ±inf are not values); None for n = 0.
pub fn mean_ci(values: &[f64]) -> Option<MeanCi> {
    let kept;
    let values = if values.iter().all(|v| v.is_finite()) {
        values
    } else {
        kept = super::quantile::finite(values.iter().copied());
        &kept
    };
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Some(MeanCi { n, mean, low: None, high: None });
    }
    let ss: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
    let se = (ss / (n - 1) as f64).sqrt() / (n as f64).sqrt();
    let t = t_quantile(0.975, (n - 1) as f64);
    Some(MeanCi { n, mean, low: Some(mean - t * se), high: Some(mean + t * se) })
}

/// Wilson score 95 % interval for k successes out of n; None for n = 0 or k > n.
pub fn wilson(k: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 || k > n {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let z = z95();
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Newcombe's hybrid score 95 % interval (his method 10) for the difference p₂ − p₁ of two
/// independent proportions k₁/n₁ (earlier) and k₂/n₂ (later), from the two Wilson intervals;
/// None when either side has no answers.
pub fn newcombe_diff(k1: usize, n1: usize, k2: usize, n2: usize) -> Option<(f64, f64)> {
    let ((l1, u1), (l2, u2)) = (wilson(k1, n1)?, wilson(k2, n2)?);
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let d = p2 - p1;
    Some((
        d - ((p2 - l2).powi(2) + (u1 - p1).powi(2)).sqrt(),
        d + ((u2 - p2).powi(2) + (p1 - l1).powi(2)).sqrt(),
    ))
}

/// The 95 % interval of the change between two independent NPS estimates (points), each given
/// as [`nps`] returns it: the normal approximation with the variances added.
pub fn nps_diff(earlier: (f64, f64, f64), later: (f64, f64, f64)) -> (f64, f64) {
    let se = |(_, lo, hi): (f64, f64, f64)| (hi - lo) / (2.0 * z95());
    let half = z95() * (se(earlier).powi(2) + se(later).powi(2)).sqrt();
    let d = later.0 - earlier.0;
    (d - half, d + half)
}

/// Net Promoter Score in points (−100..100) with its 95 % normal-approximation interval,
/// variance (p₊ + p₋ − (p₊ − p₋)²)/n. Values are 0–10 answers; non-finite ones are not answers.
pub fn nps(values: &[f64]) -> Option<(f64, f64, f64)> {
    let n = values.iter().filter(|v| v.is_finite()).count();
    if n == 0 {
        return None;
    }
    let promoters = values.iter().filter(|&&v| v >= 9.0).count() as f64 / n as f64;
    let detractors = values.iter().filter(|&&v| v <= 6.0).count() as f64 / n as f64;
    let d = promoters - detractors;
    let var = (promoters + detractors - d * d) / n as f64;
    let half = z95() * var.sqrt();
    Some((100.0 * d, 100.0 * (d - half), 100.0 * (d + half)))
}

/// Smallest value counted as top box: the top two points of a 5- or 7-point scale, the top
/// three of a 10-point (1–10) or 11-point (0–10) scale; for other sizes, the top two.
pub fn top_box_threshold(points: usize, high: f64) -> f64 {
    match points {
        10 | 11 => high - 2.0,
        _ => high - 1.0,
    }
}

/// Largest value counted as bottom box (mirror of [`top_box_threshold`]).
pub fn bottom_box_threshold(points: usize, low: f64) -> f64 {
    match points {
        10 | 11 => low + 2.0,
        _ => low + 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newcombe_matches_statsmodels() {
        // statsmodels 0.15.0: confint_proportions_2indep(k2, n2, k1, n1, method='newcomb',
        // compare='diff') (statsmodels puts the later round first).
        for (k1, n1, k2, n2, lo, hi) in [
            (288, 760, 356, 760, 0.039801744759569546, 0.13852458984738902),
            (10, 40, 25, 45, 0.096360858267343, 0.478563452135092),
            (0, 30, 5, 30, 0.019729903514814295, 0.33564350506416035),
            (380, 760, 380, 760, -0.05014544386048386, 0.05014544386048386),
        ] {
            let (l, h) = newcombe_diff(k1, n1, k2, n2).unwrap();
            close(l, lo, 1e-9);
            close(h, hi, 1e-9);
        }
        assert_eq!(newcombe_diff(1, 0, 2, 3), None);
    }

    #[test]
    fn nps_difference_adds_the_variances() {
        // Python, by the formula: promoters/detractors 0.30/0.40 of 200 and 0.40/0.30 of 300:
        // se² = (p+ + p- − d²)/n per round; d = 10 − (−10) = 20 points;
        // 20 ± 1.959963984540054 * 100 * sqrt(0.69/200 + 0.69/300) = (5.13783723040579,
        // 34.86216276959421)
        let a = nps(&[vec![10.0; 60], vec![7.0; 60], vec![0.0; 80]].concat()).unwrap();
        let b = nps(&[vec![9.0; 120], vec![8.0; 90], vec![3.0; 90]].concat()).unwrap();
        let (lo, hi) = nps_diff(a, b);
        let half = 1.959963984540054 * 100.0 * (0.69f64 / 200.0 + 0.69 / 300.0).sqrt();
        close(lo, 20.0 - half, 1e-9);
        close(hi, 20.0 + half, 1e-9);
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} vs {b}");
    }

    #[test]
    fn mean_ci_matches_scipy() {
        // scipy.stats.t.interval(0.95, n-1, loc=mean, scale=sem) for [1,2,2,3,3,3,4,4,5,5]
        let m = mean_ci(&[1., 2., 2., 3., 3., 3., 4., 4., 5., 5.]).unwrap();
        close(m.mean, 3.2, 1e-12);
        close(m.low.unwrap(), 2.25818886975084, 1e-10);
        close(m.high.unwrap(), 4.14181113024916, 1e-10);
        // n = 2: [5, 4] -> (-1.85310236808735, 10.8531023680873)
        let m = mean_ci(&[5., 4.]).unwrap();
        close(m.low.unwrap(), -1.85310236808735, 1e-10);
        close(m.high.unwrap(), 10.8531023680873, 1e-10);
    }

    #[test]
    fn mean_ci_edge_cases() {
        assert!(mean_ci(&[]).is_none(), "n = 0");
        let one = mean_ci(&[4.0]).unwrap();
        assert_eq!((one.mean, one.low, one.high), (4.0, None, None), "n = 1 has no interval");
        let same = mean_ci(&[4.0; 6]).unwrap();
        assert_eq!((same.low, same.high), (Some(4.0), Some(4.0)), "all equal: zero width");
        // Huge n: [(i*7919) % 5 + 1 for i in range(1_000_000)] -> (2.99722818761049, 3.00277181238951)
        let big: Vec<f64> = (0..1_000_000u64).map(|i| ((i * 7919) % 5 + 1) as f64).collect();
        let m = mean_ci(&big).unwrap();
        close(m.low.unwrap(), 2.99722818761049, 1e-11);
        close(m.high.unwrap(), 3.00277181238951, 1e-11);
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels proportion_confint(k, n, alpha=0.05, method="wilson")
        for (k, n, lo, hi) in [
            (7, 20, 0.181191824101082, 0.567145723314764),
            (0, 10, 0.0, 0.277532799862889),
            (10, 10, 0.722467200137111, 1.0),
            (123_456, 1_000_000, 0.122812696531423, 0.124102196414004),
            (1, 1, 0.206549314377237, 1.0),
        ] {
            let (l, h) = wilson(k, n).unwrap();
            close(l, lo, 1e-10);
            close(h, hi, 1e-10);
        }
        assert!(wilson(0, 0).is_none());
    }

    #[test]
    fn nps_definition() {
        // numpy/scipy (stats_reference.py, "nps"): v = [10,9,9,8,7,6,5,0,3,6],
        // 100*(p+ - p-) -/+ 100*norm.ppf(0.975)*sqrt((p+ + p- - (p+ - p-)**2)/n)
        let v = [10., 9., 9., 8., 7., 6., 5., 0., 3., 6.];
        let (s, lo, hi) = nps(&v).unwrap();
        close(s, -20.0, 1e-12);
        close(lo, -74.0324782304822, 1e-10);
        close(hi, 34.0324782304822, 1e-10);
        assert!(nps(&[]).is_none());
    }

    #[test]
    fn top_box_thresholds() {
        assert_eq!(top_box_threshold(5, 5.0), 4.0);
        assert_eq!(top_box_threshold(7, 7.0), 6.0);
        assert_eq!(top_box_threshold(11, 10.0), 8.0);
        assert_eq!(top_box_threshold(10, 10.0), 8.0);
        assert_eq!(bottom_box_threshold(5, 1.0), 2.0);
    }

    // Regression: a NaN made the mean and its interval NaN. Non-finite values are not values:
    // the "mean_ci A" reference (scipy t.interval for [1,2,2,3,3,3,4,4,5,5]) with NaN/inf added.
    #[test]
    fn mean_ci_with_nan_ignores_it() {
        let v = [1., 2., f64::NAN, 2., 3., 3., 3., f64::INFINITY, 4., 4., 5., 5.];
        let m = mean_ci(&v).unwrap();
        assert_eq!(m.n, 10);
        close(m.mean, 3.2, 1e-12);
        close(m.low.unwrap(), 2.25818886975084, 1e-10);
        close(m.high.unwrap(), 4.14181113024916, 1e-10);
        assert!(mean_ci(&[f64::NAN]).is_none());
    }

    // Regression: NPS counted a NaN in n; the Wilson interval of k > n was NaN.
    #[test]
    fn nps_and_wilson_with_bad_input() {
        let v = [10., 9., 9., 8., f64::NAN, 7., 6., 5., 0., 3., 6.];
        let (s, lo, _) = nps(&v).unwrap();
        close(s, -20.0, 1e-12);
        close(lo, -74.0324782304822, 1e-10);
        assert!(nps(&[f64::NAN]).is_none());
        assert!(wilson(5, 3).is_none(), "more successes than trials");
    }
}
