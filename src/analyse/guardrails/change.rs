//! The change tests of `pulse check`, one per kind of statistic, so that a verdict's direction
//! and its significance come from the same estimate (issue 14):
//!
//! - quantiles (p50, p90): the difference of the two sample quantiles over a standard error
//!   read off each sample's exact distribution-free confidence interval (order statistics,
//!   `scipy.stats.quantile_test(...).confidence_interval()`), inflated by the design effect of
//!   day clusters when the values carry their day;
//! - counts per covered day: a quasi-Poisson log-linear model of daily counts with a
//!   day-of-week effect, dispersion from Pearson's chi-square (statsmodels `GLM(...,
//!   Poisson()).fit(scale='X2')`), so weekly seasonality and clustered days are not "change";
//! - rates with daily totals: a quasi-binomial logit model (statsmodels `GLM(..., Binomial())
//!   .fit(scale='X2')`), the same idea for failure rates;
//! - the same people in both periods: McNemar's exact test (statsmodels `mcnemar(exact=True)`).
//!
//! Dispersion is floored at 1: under-dispersion never makes a test bolder than the textbook one.

use statrs::distribution::{Binomial, DiscreteCDF};

use crate::analyse::hypothesis::{Alternative, binom_test, normal_sf};
use crate::analyse::quantile::{percentile, sorted};

/// 97.5 % point of the standard normal (`scipy.stats.norm.ppf(0.975)`).
const Z975: f64 = 1.959_963_984_540_054;

/// A change test's result: the estimate in each period, the statistic and the p-value. The
/// direction of a verdict is `to > from` of these estimates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// Estimate in the earlier period.
    pub from: f64,
    /// Estimate in the later period.
    pub to: f64,
    /// Test statistic (z, or McNemar's min(b, c)).
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Smallest k with `P(X <= k) >= q` for X ~ Binomial(n, p) (`scipy.stats.binom.ppf`).
fn binom_ppf(n: u64, p: f64, q: f64) -> Option<u64> {
    let b = Binomial::new(p, n).ok()?;
    let (mut lo, mut hi) = (0u64, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if b.cdf(mid) >= q { hi = mid } else { lo = mid + 1 }
    }
    Some(lo)
}

/// Smallest k with `P(X > k) <= q` (`scipy.stats.binom.isf`).
fn binom_isf(n: u64, p: f64, q: f64) -> Option<u64> {
    let b = Binomial::new(p, n).ok()?;
    let (mut lo, mut hi) = (0u64, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if b.sf(mid) <= q { hi = mid } else { lo = mid + 1 }
    }
    Some(lo)
}

/// The exact 95 % distribution-free confidence interval of quantile `p` (0..1) of sorted
/// values, as `scipy.stats.quantile_test(x, p=p).confidence_interval(0.95)`; None when the
/// sample is too small for one.
pub fn quantile_ci(sorted: &[f64], p: f64) -> Option<(f64, f64)> {
    let n = sorted.len() as u64;
    let lo = binom_ppf(n, p, 0.025)?.checked_sub(1)?;
    let hi = binom_isf(n, p, 0.025)?;
    (hi < n).then(|| (sorted[lo as usize], sorted[hi as usize]))
}

/// Design effect of day clusters on the share of values at or below `q`: the variance of that
/// share with days as clusters over its variance under independence (at least 1). `day` is
/// parallel to `v`; empty means independent values.
pub fn design_effect(v: &[f64], day: &[i32], q: f64) -> f64 {
    if day.len() != v.len() || v.len() < 2 {
        return 1.0;
    }
    let mut by_day: std::collections::BTreeMap<i32, (f64, f64)> = Default::default();
    for (&x, &d) in v.iter().zip(day) {
        let e = by_day.entry(d).or_default();
        e.0 += f64::from(u8::from(x <= q));
        e.1 += 1.0;
    }
    let (n, k) = (v.len() as f64, by_day.len() as f64);
    if k < 2.0 {
        return 1.0;
    }
    let m = by_day.values().map(|x| x.0).sum::<f64>() / n;
    let srs = m * (1.0 - m) / n;
    if srs <= 0.0 {
        return 1.0;
    }
    let ss: f64 = by_day.values().map(|(a, nd)| (a - m * nd).powi(2)).sum();
    let clustered = ss / (n * n) * k / (k - 1.0);
    (clustered / srs).max(1.0)
}

/// Test of a change in quantile `p` (0..1) between two samples of finite values, each with
/// the day of every value (or empty). The estimate is `numpy.percentile` (linear); its
/// standard error is the width of the exact 95 % interval over 2 × 1.96, times √(design
/// effect). z = (q₂ − q₁) / √(se₁² + se₂²). None when a sample is too small for an interval.
pub fn quantile_change(a: (&[f64], &[i32]), b: (&[f64], &[i32]), p: f64) -> Option<Change> {
    let one = |(v, day): (&[f64], &[i32])| -> Option<(f64, f64)> {
        let s = sorted(v.iter().copied());
        let q = percentile(&s, p * 100.0)?;
        let (lo, hi) = quantile_ci(&s, p)?;
        let se = (hi - lo) / (2.0 * Z975) * design_effect(v, day, q).sqrt();
        Some((q, se))
    };
    let ((q1, s1), (q2, s2)) = (one(a)?, one(b)?);
    let se = s1.hypot(s2);
    let d = q2 - q1;
    let (z, p_value) = if se > 0.0 {
        (d / se, 2.0 * normal_sf((d / se).abs()))
    } else if d == 0.0 {
        (0.0, 1.0)
    } else {
        (d.signum() * f64::INFINITY, 0.0)
    };
    Some(Change { from: q1, to: q2, statistic: z, p_value })
}

/// Day number (days since 1970-01-01) → day of week, Monday 0.
fn weekday(day: i32) -> usize {
    // 1970-01-01 was a Thursday (3).
    (day + 3).rem_euclid(7) as usize
}

/// Quasi-Poisson test of a change in a daily rate: `a` and `b` are (day, count) of every
/// covered day of each period (zeros included). Model: log μ = day-of-week + period, fitted by
/// maximum likelihood; dispersion = Pearson χ² / (days − parameters), at least 1. Estimates are
/// counts per covered day.
pub fn rate_change(a: &[(i32, u64)], b: &[(i32, u64)]) -> Option<Change> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    // Totals and day counts per weekday and period.
    let (mut y, mut n) = ([[0.0f64; 2]; 7], [[0.0f64; 2]; 7]);
    for (g, days) in [a, b].into_iter().enumerate() {
        for &(d, c) in days {
            y[weekday(d)][g] += c as f64;
            n[weekday(d)][g] += 1.0;
        }
    }
    let (ya, yb) = (y.iter().map(|r| r[0]).sum::<f64>(), y.iter().map(|r| r[1]).sum::<f64>());
    let (na, nb) = (a.len() as f64, b.len() as f64);
    if ya == 0.0 || yb == 0.0 {
        return None;
    }
    // Weekdays with any count are parameters; the others fit μ = 0 exactly.
    let live: Vec<usize> = (0..7).filter(|&w| y[w][0] + y[w][1] > 0.0).collect();
    // Fixed point of the score equations: a_w = Y_w / (n_w0 + β n_w1), β = Y_1 / Σ a_w n_w1.
    let mut beta = (yb / nb) / (ya / na);
    let mut alpha = [0.0f64; 7];
    for _ in 0..500 {
        for &w in &live {
            alpha[w] = (y[w][0] + y[w][1]) / (n[w][0] + beta * n[w][1]);
        }
        let next = yb / live.iter().map(|&w| alpha[w] * n[w][1]).sum::<f64>();
        let done = (next / beta - 1.0).abs() < 1e-14;
        beta = next;
        if done {
            break;
        }
    }
    // Var(log β): the Schur complement of the information (the weekday block is diagonal).
    let (mut i_bb, mut schur) = (0.0, 0.0);
    for &w in &live {
        let (m0, m1) = (alpha[w] * n[w][0], alpha[w] * beta * n[w][1]);
        i_bb += m1;
        schur += m1 * m1 / (m0 + m1);
    }
    let var = 1.0 / (i_bb - schur);
    let mut chi2 = 0.0;
    for (g, days) in [a, b].into_iter().enumerate() {
        for &(d, c) in days {
            let mu = alpha[weekday(d)] * if g == 1 { beta } else { 1.0 };
            if mu > 0.0 {
                chi2 += (c as f64 - mu).powi(2) / mu;
            }
        }
    }
    let df = na + nb - live.len() as f64 - 1.0;
    let phi = if df > 0.0 { (chi2 / df).max(1.0) } else { 1.0 };
    let z = beta.ln() / (var * phi).sqrt();
    if !z.is_finite() {
        return None;
    }
    Some(Change { from: ya / na, to: yb / nb, statistic: z, p_value: 2.0 * normal_sf(z.abs()) })
}

/// Quasi-binomial test of a change in a rate from daily (events, trials): logit p = period,
/// dispersion = Pearson χ² / (days − 2), at least 1. None when a period has no trials or a
/// rate of exactly 0 or 1 (the logit is infinite there: callers fall back to the
/// two-proportion test).
pub fn share_change(a: &[(u64, u64)], b: &[(u64, u64)]) -> Option<Change> {
    let tot =
        |v: &[(u64, u64)]| v.iter().fold((0.0, 0.0), |s, &(k, n)| (s.0 + k as f64, s.1 + n as f64));
    let ((ka, na), (kb, nb)) = (tot(a), tot(b));
    if na == 0.0 || nb == 0.0 {
        return None;
    }
    let (pa, pb) = (ka / na, kb / nb);
    if [pa, pb].iter().any(|&p| p <= 0.0 || p >= 1.0) {
        return None;
    }
    let mut chi2 = 0.0;
    let mut days = 0.0;
    for (v, p) in [(a, pa), (b, pb)] {
        for &(k, n) in v.iter().filter(|x| x.1 > 0) {
            let n = n as f64;
            chi2 += (k as f64 - n * p).powi(2) / (n * p * (1.0 - p));
            days += 1.0;
        }
    }
    let phi = if days > 2.0 { (chi2 / (days - 2.0)).max(1.0) } else { 1.0 };
    let logit = |p: f64| (p / (1.0 - p)).ln();
    let var = 1.0 / (na * pa * (1.0 - pa)) + 1.0 / (nb * pb * (1.0 - pb));
    let z = (logit(pb) - logit(pa)) / (var * phi).sqrt();
    Some(Change { from: pa, to: pb, statistic: z, p_value: 2.0 * normal_sf(z.abs()) })
}

/// McNemar's exact test on two sorted, de-duplicated member lists (the people active in each
/// period): `b` only in the first, `c` only in the second; p = binomial test of c of b + c at
/// ½. Estimates are the member counts.
pub fn members_change(a: &[u64], b: &[u64]) -> Option<Change> {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let (only_a, only_b) = ((a.len() - both) as u64, (b.len() - both) as u64);
    let p_value = if only_a + only_b == 0 {
        1.0
    } else {
        binom_test(only_b, only_a + only_b, 0.5, Alternative::TwoSided)?
    };
    Some(Change {
        from: a.len() as f64,
        to: b.len() as f64,
        statistic: only_a.min(only_b) as f64,
        p_value,
    })
}

#[cfg(test)]
mod tests;
