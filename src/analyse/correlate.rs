//! Correlation: Spearman's ρ with a Fisher-z 95 % interval (drivers), Cronbach's α and corrected
//! item–total correlations (reliability of a construct).

use std::borrow::Cow;

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::estimate::z95;
use super::hypothesis::rank;

/// The pairs where both sides are finite (a non-finite value makes its pair missing).
fn complete<'a>(x: &'a [f64], y: &'a [f64]) -> (Cow<'a, [f64]>, Cow<'a, [f64]>) {
    if x.iter().chain(y).all(|v| v.is_finite()) {
        return (Cow::Borrowed(x), Cow::Borrowed(y));
    }
    let (a, b): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .unzip();
    (Cow::Owned(a), Cow::Owned(b))
}

/// Pearson correlation; None when either side has no variance or n < 2. A pair with a
/// non-finite side is missing.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() != y.len() {
        return None;
    }
    let (x, y) = complete(x, y);
    let (x, y) = (&x[..], &y[..]);
    let n = x.len();
    if n < 2 {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Spearman's ρ with its two-sided p-value (`scipy.stats.spearmanr`: t with n − 2 df) and the
/// Fisher-z 95 % interval tanh(atanh ρ ± z/√(n − 3)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spearman {
    /// Pairs used.
    pub n: usize,
    /// ρ.
    pub rho: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Lower bound of the 95 % interval (None when n ≤ 3).
    pub low: Option<f64>,
    /// Upper bound.
    pub high: Option<f64>,
}

/// Spearman correlation of paired values; None when a side is constant or n < 3. A pair with a
/// non-finite side is missing (`scipy.stats.spearmanr(..., nan_policy='omit')`).
pub fn spearman(x: &[f64], y: &[f64]) -> Option<Spearman> {
    if x.len() != y.len() {
        return None;
    }
    let (x, y) = complete(x, y);
    let (x, y) = (&x[..], &y[..]);
    let n = x.len();
    if n < 3 {
        return None;
    }
    let rho = pearson(&rank(x).0, &rank(y).0)?;
    let df = (n - 2) as f64;
    let p = if rho.abs() >= 1.0 {
        0.0
    } else {
        let t = rho * (df / ((1.0 + rho) * (1.0 - rho))).sqrt();
        2.0 * StudentsT::new(0.0, 1.0, df).expect("df >= 1").sf(t.abs())
    };
    let (low, high) = if n > 3 && rho.abs() < 1.0 {
        let z = rho.atanh();
        let se = 1.0 / ((n - 3) as f64).sqrt();
        (Some((z - z95() * se).tanh()), Some((z + z95() * se).tanh()))
    } else {
        (None, None)
    };
    Some(Spearman { n, rho, p_value: p, low, high })
}

fn variance(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)
}

/// Cronbach's α of a respondents × items matrix (NaN = missing), listwise deletion, as
/// `pingouin.cronbach_alpha(data, nan_policy='listwise')`. Returns (α, rows used, corrected
/// item–total correlation per item). None with fewer than 2 items or 2 complete rows; rows of
/// another length than the first are not data.
pub fn cronbach(rows: &[Vec<f64>]) -> Option<(f64, usize, Vec<Option<f64>>)> {
    let k = rows.first()?.len();
    let complete: Vec<&Vec<f64>> =
        rows.iter().filter(|r| r.len() == k && r.iter().all(|v| v.is_finite())).collect();
    if k < 2 || complete.len() < 2 {
        return None;
    }
    let cols: Vec<Vec<f64>> = (0..k).map(|j| complete.iter().map(|r| r[j]).collect()).collect();
    let totals: Vec<f64> = complete.iter().map(|r| r.iter().sum()).collect();
    let sum_var: f64 = cols.iter().map(|c| variance(c)).sum();
    let total_var = variance(&totals);
    if total_var == 0.0 {
        return None;
    }
    let kf = k as f64;
    let alpha = kf / (kf - 1.0) * (1.0 - sum_var / total_var);
    let item_total = cols
        .iter()
        .map(|c| {
            let rest: Vec<f64> = totals.iter().zip(c).map(|(t, v)| t - v).collect();
            pearson(c, &rest)
        })
        .collect();
    Some((alpha, complete.len(), item_total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} vs {b}");
    }

    const SX: [f64; 32] = [
        1., 2., 2., 3., 4., 5., 5., 3., 4., 2., 1., 5., 4., 3., 3., 2., 4., 5., 1., 2., 3., 4., 4.,
        5., 3., 2., 2., 4., 5., 5., 1., 3.,
    ];
    const SY: [f64; 32] = [
        2., 2., 3., 3., 4., 4., 5., 3., 5., 1., 2., 4., 4., 2., 3., 3., 5., 5., 1., 1., 3., 4., 3.,
        5., 4., 2., 3., 4., 4., 5., 2., 2.,
    ];

    #[test]
    fn spearman_matches_scipy_and_fisher_ci() {
        // scipy.stats.spearmanr(SX, SY) -> (0.857036447666901, 3.82529937629259e-10)
        // Fisher CI (numpy: tanh(atanh(r) -/+ norm.ppf(0.975)/sqrt(n-3))) -> (0.725005665816322, 0.92831081813339);
        // pingouin.corr(method='spearman') CI95% = [0.73, 0.93]
        let s = spearman(&SX, &SY).unwrap();
        assert_eq!(s.n, 32);
        close(s.rho, 0.857036447666901, 1e-12);
        close(s.p_value, 3.82529937629259e-10, 1e-6);
        close(s.low.unwrap(), 0.725005665816322, 1e-10);
        close(s.high.unwrap(), 0.92831081813339, 1e-10);
        assert!(spearman(&[1., 1., 1., 1.], &[1., 2., 3., 4.]).is_none(), "constant side");
        assert!(spearman(&[1., 2.], &[1., 2.]).is_none(), "n < 3");
    }

    /// Four items, twelve respondents (stats_reference.py "cronbach").
    fn cronbach_items() -> Vec<Vec<f64>> {
        let a = [4., 5., 3., 4., 2., 5., 4., 3., 4., 5., 2., 3.];
        let b = [4., 4., 3., 5., 2., 5., 3., 3., 4., 4., 1., 3.];
        let c = [5., 5., 2., 4., 3., 4., 4., 2., 5., 5., 2., 2.];
        let d = [3., 4., 3., 4., 2., 5., 4., 4., 3., 4., 3., 3.];
        (0..12).map(|i| vec![a[i], b[i], c[i], d[i]]).collect()
    }

    #[test]
    fn cronbach_matches_pingouin() {
        let mut rows = cronbach_items();
        // pingouin.cronbach_alpha(items) -> 0.8809020436927414
        let (alpha, n, it) = cronbach(&rows).unwrap();
        close(alpha, 0.8809020436927414, 1e-12);
        assert_eq!(n, 12);
        // pandas: items[col].corr(items.drop(columns=col).sum(axis=1))
        for (got, want) in it.iter().zip([
            0.956073931283506,
            0.825097028743592,
            0.671587341566995,
            0.5948760803902,
        ]) {
            close(got.unwrap(), want, 1e-10);
        }
        // Listwise: row 3 of b missing -> pingouin (nan_policy='listwise') 0.8840048840048841
        rows[3][1] = f64::NAN;
        let (alpha, n, _) = cronbach(&rows).unwrap();
        close(alpha, 0.8840048840048841, 1e-12);
        assert_eq!(n, 11);
        assert!(cronbach(&[vec![1., 2.]]).is_none(), "one row");
    }

    // Regression: a NaN or inf in either series made ρ NaN. A pair with a non-finite side is
    // missing: scipy.stats.spearmanr(SX, SY, nan_policy='omit') with such pairs added equals
    // the reference (0.857036447666901, 3.82529937629259e-10, n = 32).
    #[test]
    fn spearman_with_nan_drops_the_pair() {
        let (mut x, mut y) = (SX.to_vec(), SY.to_vec());
        x.extend([f64::NAN, 3.0, f64::INFINITY]);
        y.extend([2.0, f64::NAN, 1.0]);
        let s = spearman(&x, &y).unwrap();
        assert_eq!(s.n, 32);
        close(s.rho, 0.857036447666901, 1e-12);
        close(s.p_value, 3.82529937629259e-10, 1e-6);
        assert!(spearman(&[1.0, 2.0], &[1.0]).is_none(), "unequal lengths");
        assert!(pearson(&[f64::NAN, 1.0, 2.0], &[1.0, 2.0, 3.0]).is_some());
    }

    // Regression: an infinite answer counted as a complete row. Listwise, as
    // pingouin.cronbach_alpha(nan_policy='listwise'): the "cronbach listwise" reference.
    #[test]
    fn cronbach_with_inf_is_listwise() {
        let mut rows = cronbach_items();
        rows[3][1] = f64::INFINITY;
        rows.push(vec![1.0]);
        let (alpha, n, _) = cronbach(&rows).unwrap();
        close(alpha, 0.8840048840048841, 1e-12);
        assert_eq!(n, 11);
    }
}
