//! Quantiles: the one place where pulse turns a sample into a median or a percentile.
//!
//! Every percentile interpolates linearly between order statistics (`numpy.percentile`,
//! method "linear"); [`lower_median`] is DevLake's SQL median. Non-finite values are not data:
//! [`finite`] drops them before any ordering, so a stray `NaN` can neither sort to an end nor
//! shift an index.

/// The finite values of a sample (NaN and ±inf removed).
pub fn finite(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    values.into_iter().filter(|v| v.is_finite()).collect()
}

/// Linear-interpolation percentile (`q` in 0..=100) of **sorted** values (`numpy.percentile`).
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() || !q.is_finite() {
        return None;
    }
    let pos = q.clamp(0.0, 100.0) / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

/// Sorts a sample's finite values and returns them (for several percentiles of one sample).
pub fn sorted(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut s = finite(values);
    s.sort_by(f64::total_cmp);
    s
}

/// Percentile `q` by selection (O(n)), equal to [`percentile`] on the sorted values; reorders
/// `v`. `v` must hold finite values only (see [`finite`]).
pub fn select(v: &mut [f64], q: f64) -> Option<f64> {
    if v.is_empty() || !q.is_finite() {
        return None;
    }
    let pos = q.clamp(0.0, 100.0) / 100.0 * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let (_, a, rest) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *a;
    let b = if hi > lo { rest.iter().copied().min_by(f64::total_cmp).unwrap_or(a) } else { a };
    Some(a + (b - a) * (pos - lo as f64))
}

/// p50 and p90 by selection; reorders `v` (finite values only).
pub fn p50_p90(v: &mut [f64]) -> (Option<f64>, Option<f64>) {
    (select(v, 50.0), select(v, 90.0))
}

/// The median as the midpoint of the two middle values for even n (`numpy.median`); non-finite
/// values are ignored.
pub fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let s = sorted(values);
    if s.is_empty() {
        return None;
    }
    let m = s.len() / 2;
    Some(if s.len().is_multiple_of(2) { f64::midpoint(s[m - 1], s[m]) } else { s[m] })
}

/// Lower median: the largest value whose percent rank is ≤ 0.5 (DevLake's SQL); non-finite
/// values are ignored.
pub fn lower_median(values: &[f64]) -> Option<f64> {
    let s = sorted(values.iter().copied());
    // percent_rank = (rank − 1)/(n − 1) ≤ 0.5 → index ≤ (n − 1)/2.
    (!s.is_empty()).then(|| s[(s.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    // numpy 2.x: np.percentile([1, 2, 3, 4, 10], [25, 50, 90]) -> [2.0, 3.0, 7.6];
    // np.median([4, 1, 3, 2]) -> 2.5.
    #[test]
    fn percentiles_match_numpy() {
        let s = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(percentile(&s, 25.0), Some(2.0));
        assert_eq!(percentile(&s, 50.0), Some(3.0));
        assert!((percentile(&s, 90.0).unwrap() - 7.6).abs() < 1e-12);
        let mut v = vec![10.0, 4.0, 1.0, 3.0, 2.0];
        assert_eq!(select(&mut v, 25.0), Some(2.0));
        assert!((select(&mut v, 90.0).unwrap() - 7.6).abs() < 1e-12);
        assert_eq!(median([4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(lower_median(&[4.0, 1.0, 3.0, 2.0]), Some(2.0));
    }

    #[test]
    fn non_finite_values_are_not_data() {
        assert_eq!(median([f64::NAN, 1.0, 3.0, f64::INFINITY]), Some(2.0));
        assert_eq!(sorted([f64::NAN, 2.0, 1.0]), vec![1.0, 2.0]);
        assert_eq!(median([f64::NAN]), None);
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[1.0], f64::NAN), None);
    }
}
