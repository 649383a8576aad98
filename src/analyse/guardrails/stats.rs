//! The statistics of the guardrails: change tests between two periods, target bunching, and
//! spread collapse.

use crate::analyse::hypothesis::{Alternative, binom_test, mann_whitney, two_proportion_z};
use crate::analyse::quantile::{percentile, sorted};

/// What a reading of a telemetry metric can be tested with.
#[derive(Debug, Clone, Default)]
pub enum Sample {
    /// Nothing to test (a SQL metric, or no data).
    #[default]
    None,
    /// The underlying events (durations, lead times): Mann–Whitney U.
    Values(Vec<f64>),
    /// k of n (failure rate, CFR, adoption): two-proportion z-test.
    Proportion {
        /// Events.
        k: usize,
        /// Trials.
        n: usize,
    },
    /// k events over `days` (counts, frequency): exact conditional binomial test.
    Count {
        /// Events.
        k: usize,
        /// Exposure in days.
        days: f64,
    },
}

/// The test between two periods' samples: (test name, statistic, p-value).
pub fn change_test(from: &Sample, to: &Sample) -> Option<(&'static str, f64, f64)> {
    match (from, to) {
        (Sample::Values(a), Sample::Values(b)) => {
            let (t, _) = mann_whitney(b, a)?;
            Some(("mann-whitney", t.statistic, t.p_value))
        }
        (Sample::Proportion { k: k1, n: n1 }, Sample::Proportion { k: k2, n: n2 }) => {
            let t = two_proportion_z(*k2, *n2, *k1, *n1)?;
            Some(("two-proportion z", t.statistic, t.p_value))
        }
        (Sample::Count { k: k1, days: d1 }, Sample::Count { k: k2, days: d2 }) => {
            // Conditional on the total, the later count is binomial with p = its share of
            // the exposure (the exact test for two Poisson rates).
            let n = (k1 + k2) as u64;
            let p = binom_test(*k2 as u64, n, d2 / (d1 + d2), Alternative::TwoSided)?;
            Some(("poisson rate (exact binomial)", *k2 as f64, p))
        }
        _ => None,
    }
}

/// Counts around a target: two bins inside, two outside (nearest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Bunching {
    /// Bin width.
    pub bin: f64,
    /// [t − 2w, t − w), [t − w, t) for lower-is-better (mirrored otherwise).
    pub inside: [u64; 2],
    /// [t, t + w), [t + w, t + 2w).
    pub outside: [u64; 2],
    /// Expected share of the inner pair that falls inside, from a straight line through the
    /// outer bins (0.5 when the density is flat there).
    pub expected_share: f64,
    /// Observed inside / expected inside.
    pub excess: f64,
    /// One-sided exact binomial p-value of the inner inside bin against the expected share.
    pub p_value: f64,
}

/// Tests for excess mass just inside a target. `lower_is_better`: inside is below the target.
/// The density near the target is allowed a slope (estimated from the outer bins), so a
/// target near the mode of a skewed distribution does not look like gaming.
pub fn bunching(values: &[f64], target: f64, bin: f64, lower_is_better: bool) -> Option<Bunching> {
    if bin.is_nan() || bin <= 0.0 {
        return None;
    }
    let mut inside = [0u64; 2];
    let mut outside = [0u64; 2];
    for &v in values {
        // Signed distance into the "inside" side.
        let d = if lower_is_better { target - v } else { v - target };
        // d in (0, w] is the inner inside bin for lower-is-better ([t − w, t) ⇔ 0 < d ≤ w).
        let (k, into) = if lower_is_better {
            if d > 0.0 { (((d - 1e-12) / bin).floor(), true) } else { ((-d / bin).floor(), false) }
        } else if d >= 0.0 {
            ((d / bin).floor(), true)
        } else {
            (((-d - 1e-12) / bin).floor(), false)
        };
        if k < 2.0 {
            let k = k as usize;
            if into { inside[k] += 1 } else { outside[k] += 1 }
        }
    }
    let (a, b) = (inside[1] as f64, outside[1] as f64);
    // A line through the outer bins' centres (at −1.5w and +1.5w) predicts the inner bins.
    let (e_in, e_out) = (a + (b - a) / 3.0, a + 2.0 * (b - a) / 3.0);
    let expected_share =
        if e_in + e_out > 0.0 { (e_in / (e_in + e_out)).clamp(0.05, 0.95) } else { 0.5 };
    let n = inside[0] + outside[0];
    if n == 0 {
        return None;
    }
    let p_value = binom_test(inside[0], n, expected_share, Alternative::Greater)?;
    Some(Bunching {
        bin,
        inside,
        outside,
        expected_share,
        excess: inside[0] as f64 / (expected_share * n as f64),
        p_value,
    })
}

/// Relative interquartile range (p75 − p25) / p50, the spread measure for saturation.
pub fn relative_iqr(values: &[f64]) -> Option<f64> {
    let s = sorted(values.iter().copied());
    let (q1, q2, q3) = (percentile(&s, 25.0)?, percentile(&s, 50.0)?, percentile(&s, 75.0)?);
    (q2 != 0.0).then(|| (q3 - q1) / q2.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bunching_detects_a_pile_below_the_target() {
        // Target 600, bins of 30: smooth counts 40 / 40 around it, then 80 extra at 570–599.
        let mut v = Vec::new();
        for (lo, n) in [(540.0, 40), (570.0, 120), (600.0, 40), (630.0, 40)] {
            for i in 0..n {
                v.push(lo + 30.0 * (i as f64 + 0.5) / n as f64);
            }
        }
        let b = bunching(&v, 600.0, 30.0, true).unwrap();
        assert_eq!((b.inside, b.outside), ([120, 40], [40, 40]));
        assert_eq!(b.expected_share, 0.5);
        // scipy.stats.binomtest(120, 160, 0.5, alternative='greater').pvalue
        assert!((b.p_value - 8.762250094256762e-11).abs() < 1e-15, "{}", b.p_value);
        assert!((b.excess - 1.5).abs() < 1e-12);
        // A value exactly at the target is outside (it missed "under 600").
        let at = bunching(&[600.0], 600.0, 30.0, true).unwrap();
        assert_eq!(at.outside, [1, 0]);
    }

    #[test]
    fn a_sloped_density_is_not_bunching() {
        // Linearly falling density: 100, 80, 60, 40 per bin. The line through the outer bins
        // expects 80:60 in the inner pair, so nothing is flagged.
        let mut v = Vec::new();
        for (lo, n) in [(540.0, 100), (570.0, 80), (600.0, 60), (630.0, 40)] {
            for i in 0..n {
                v.push(lo + 30.0 * (i as f64 + 0.5) / n as f64);
            }
        }
        let b = bunching(&v, 600.0, 30.0, true).unwrap();
        assert!((b.expected_share - 80.0 / 140.0).abs() < 1e-12);
        assert!(b.p_value > 0.4, "{}", b.p_value);
    }

    #[test]
    fn change_tests_pick_the_right_test() {
        let (name, _, p) = change_test(
            &Sample::Proportion { k: 45, n: 210 },
            &Sample::Proportion { k: 30, n: 200 },
        )
        .unwrap();
        assert_eq!(name, "two-proportion z");
        // statsmodels proportions_ztest([30, 45], [200, 210]) p = 0.09237967055994593
        assert!((p - 0.09237967055994593).abs() < 1e-9 * 0.09237967055994593, "{p}");
        // 30 deployments in 90 days vs 60 in 92: scipy.stats.binomtest(60, 90, 92/182).pvalue
        let (_, _, p) =
            change_test(&Sample::Count { k: 30, days: 90.0 }, &Sample::Count { k: 60, days: 92.0 })
                .unwrap();
        assert!((p - 0.002175181381182003).abs() < 1e-9, "{p}");
        assert!(change_test(&Sample::None, &Sample::Values(vec![1.0])).is_none());
        assert_eq!(relative_iqr(&[1.0, 2.0, 3.0, 4.0, 5.0]), Some(2.0 / 3.0));
    }
}
