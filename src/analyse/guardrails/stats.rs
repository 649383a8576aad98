//! The statistics of the guardrails: change tests between two periods, target bunching, and
//! spread collapse.

use super::change::{Change, members_change, quantile_change, rate_change, share_change};
use crate::analyse::hypothesis::{Alternative, binom_test, two_proportion_z};
use crate::analyse::quantile::{percentile, sorted};

/// What a reading of a telemetry metric can be tested with.
#[derive(Debug, Clone, Default)]
pub enum Sample {
    /// Nothing to test (a SQL metric, or no data).
    #[default]
    None,
    /// The underlying events (durations, lead times), with each one's day when known (else
    /// `day` is empty): a test of the quantile.
    Values {
        /// Finite values.
        v: Vec<f64>,
        /// Day number of each value, or empty.
        day: Vec<i32>,
    },
    /// k of n in total (change failure, rework, flaky, adoption): two-proportion z-test.
    Proportion {
        /// Events.
        k: usize,
        /// Trials.
        n: usize,
    },
    /// (events, trials) per day (build failures): quasi-binomial test.
    DailyShare(Vec<(u64, u64)>),
    /// (day, count) of every covered day (builds, deployments): quasi-Poisson test per
    /// covered day.
    Daily(Vec<(i32, u64)>),
    /// The sorted hashes of the people active (usage): McNemar's exact test.
    Members(Vec<u64>),
}

impl Sample {
    /// Plain values (no days).
    pub fn values(v: Vec<f64>) -> Sample {
        Sample::Values { v, day: Vec::new() }
    }
}

/// The test between two periods' samples (`quantile` in 0..1 for values): its name and
/// result. The result's estimates give the direction of the verdict.
pub fn change_test(from: &Sample, to: &Sample, quantile: f64) -> Option<(&'static str, Change)> {
    match (from, to) {
        (Sample::Values { v: a, day: da }, Sample::Values { v: b, day: db }) => {
            let c = quantile_change((a, da), (b, db), quantile)?;
            Some(("quantile difference (order-statistic CI)", c))
        }
        (Sample::Proportion { k: k1, n: n1 }, Sample::Proportion { k: k2, n: n2 }) => {
            proportions(*k1, *n1, *k2, *n2)
        }
        (Sample::DailyShare(a), Sample::DailyShare(b)) => match share_change(a, b) {
            Some(c) => Some(("quasi-binomial (days)", c)),
            None => {
                let tot = |v: &[(u64, u64)]| {
                    v.iter()
                        .fold((0usize, 0usize), |s, &(k, n)| (s.0 + k as usize, s.1 + n as usize))
                };
                let ((k1, n1), (k2, n2)) = (tot(a), tot(b));
                proportions(k1, n1, k2, n2)
            }
        },
        (Sample::Daily(a), Sample::Daily(b)) => {
            Some(("quasi-poisson (weekday, per covered day)", rate_change(a, b)?))
        }
        (Sample::Members(a), Sample::Members(b)) => {
            Some(("mcnemar (exact, same people)", members_change(a, b)?))
        }
        _ => None,
    }
}

fn proportions(k1: usize, n1: usize, k2: usize, n2: usize) -> Option<(&'static str, Change)> {
    let t = two_proportion_z(k2, n2, k1, n1)?;
    let (from, to) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    Some(("two-proportion z", Change { from, to, statistic: t.statistic, p_value: t.p_value }))
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
        let (name, c) = change_test(
            &Sample::Proportion { k: 45, n: 210 },
            &Sample::Proportion { k: 30, n: 200 },
            0.5,
        )
        .unwrap();
        assert_eq!(name, "two-proportion z");
        // statsmodels proportions_ztest([30, 45], [200, 210]) p = 0.09237967055994593
        let p = c.p_value;
        assert!((p - 0.09237967055994593).abs() < 1e-9 * 0.09237967055994593, "{p}");
        assert!(c.statistic < 0.0 && c.to < c.from);
        // A rate of 0 in a period falls back to the totals.
        let (name, _) = change_test(
            &Sample::DailyShare(vec![(0, 50), (0, 60)]),
            &Sample::DailyShare(vec![(3, 50), (1, 60)]),
            0.5,
        )
        .unwrap();
        assert_eq!(name, "two-proportion z");
        assert!(change_test(&Sample::None, &Sample::values(vec![1.0]), 0.5).is_none());
        assert_eq!(relative_iqr(&[1.0, 2.0, 3.0, 4.0, 5.0]), Some(2.0 / 3.0));
    }
}
