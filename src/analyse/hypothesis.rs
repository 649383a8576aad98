//! Significance tests, matching scipy's definitions exactly: Mann–Whitney U (asymptotic, tie
//! and continuity corrected), Wilcoxon signed-rank (scipy 1.17 `method='auto'`), chi-square
//! test of independence (Yates for 2×2, as scipy's default), Cramér's V, Benjamini–Hochberg.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::quantile::finite;

/// The result of a test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    /// Test statistic as scipy reports it.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Upper tail of the standard normal, accurate far into the tail (erfc, not 1 − cdf).
pub fn normal_sf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(z / std::f64::consts::SQRT_2)
}

/// Average ranks (1-based) of `v`, ties sharing their mean rank, and the tie group sizes.
/// Callers pass finite values (a NaN only ever ties with itself and cannot loop).
pub fn rank(v: &[f64]) -> (Vec<f64>, Vec<usize>) {
    if let Some(r) = rank_few(v) {
        return r;
    }
    // (value, position) pairs sorted by value; positions within a tie do not change the ranks,
    // so an unstable sort gives the same result. Already sorted input (drivers' pairs) skips it.
    let mut s: Vec<(f64, u32)> = v.iter().zip(0u32..).map(|(&x, i)| (x, i)).collect();
    if !v.windows(2).all(|w| w[0].total_cmp(&w[1]).is_le()) {
        s.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    }
    let mut ranks = vec![0.0; v.len()];
    let mut ties = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let mut j = i + 1;
        while j < s.len() && s[j].0 == s[i].0 {
            j += 1;
        }
        let r = (i + j + 1) as f64 / 2.0;
        for &(_, k) in &s[i..j] {
            ranks[k as usize] = r;
        }
        ties.push(j - i);
        i = j;
    }
    (ranks, ties)
}

/// Most distinct values [`rank_few`] takes (survey answers take a handful).
const FEW: usize = 64;

/// The distinct values of `v` in ascending order (-0 and +0 as one), or None when there are
/// more than [`FEW`] or a NaN.
fn distinct(v: &[f64]) -> Option<Vec<f64>> {
    let mut d: Vec<f64> = Vec::new();
    let mut last = f64::NAN;
    for &x in v {
        let x = x + 0.0;
        if x == last {
            continue;
        }
        if x.is_nan() {
            return None;
        }
        if let Err(i) = d.binary_search_by(|p| p.total_cmp(&x)) {
            if d.len() == FEW {
                return None;
            }
            d.insert(i, x);
        }
        last = x;
    }
    Some(d)
}

/// [`rank`] by counting, for samples with few distinct values: no sort, the same ranks and
/// ties (a tie group's mean rank is computed from the same two positions).
fn rank_few(v: &[f64]) -> Option<(Vec<f64>, Vec<usize>)> {
    if v.len() < 2 * FEW {
        return None;
    }
    let d = distinct(v)?;
    let group = |x: f64| d.binary_search_by(|p| p.total_cmp(&(x + 0.0))).unwrap_or(0);
    let groups: Vec<u8> = v.iter().map(|&x| group(x) as u8).collect();
    let mut ties = vec![0usize; d.len()];
    for &g in &groups {
        ties[g as usize] += 1;
    }
    let mut at = 0;
    let mean: Vec<f64> = ties
        .iter()
        .map(|&t| {
            let (i, j) = (at, at + t);
            at = j;
            (i + j + 1) as f64 / 2.0
        })
        .collect();
    Some((groups.iter().map(|&g| mean[g as usize]).collect(), ties))
}

/// The finite values of `v` with their counts, ascending, equal values (-0 and +0 too) counted
/// together: by counting when there are few distinct values, else by sorting.
fn value_counts(v: &[f64]) -> Vec<(f64, usize)> {
    let fin = finite(v.iter().copied());
    if fin.len() >= 2 * FEW
        && let Some(d) = distinct(&fin)
    {
        let mut counts = vec![0usize; d.len()];
        for &x in &fin {
            counts[d.binary_search_by(|p| p.total_cmp(&(x + 0.0))).unwrap_or(0)] += 1;
        }
        return d.into_iter().zip(counts).filter(|c| c.1 > 0).collect();
    }
    let mut s = fin;
    s.sort_unstable_by(f64::total_cmp);
    let mut out: Vec<(f64, usize)> = Vec::new();
    for x in s {
        match out.last_mut() {
            Some(last) if last.0 == x => last.1 += 1,
            _ => out.push((x, 1)),
        }
    }
    out
}

/// Mann–Whitney U, two-sided, normal approximation with tie correction and continuity
/// correction: `scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='asymptotic')`.
/// The statistic is U of `x`. Also returns the rank-biserial correlation 2·U/(n₁n₂) − 1
/// (pingouin's `RBC` sign: positive when `x` tends to be larger). Non-finite values are missing
/// (scipy's `nan_policy='omit'`). None when a sample has no finite value.
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Option<(TestResult, f64)> {
    // Rank by distinct value (survey answers take few values): count each side's values (or
    // sort them, when there are many), then walk both in step; each tie group gets its mean
    // rank. Only finite values: a NaN equals nothing, so the tie walk would never advance.
    let (xs, ys) = (value_counts(x), value_counts(y));
    let (n1, n2): (usize, usize) = (xs.iter().map(|c| c.1).sum(), ys.iter().map(|c| c.1).sum());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (mut i, mut j, mut below) = (0usize, 0usize, 0usize);
    let mut r1 = 0.0;
    let mut ties: Vec<usize> = Vec::new();
    while i < xs.len() || j < ys.len() {
        let v = match (xs.get(i), ys.get(j)) {
            (Some(a), Some(b)) => a.0.min(b.0),
            (Some(a), None) => a.0,
            (None, Some(b)) => b.0,
            (None, None) => unreachable!("loop condition"),
        };
        let ci = xs.get(i).filter(|a| a.0 == v).map_or(0, |a| a.1);
        let cj = ys.get(j).filter(|b| b.0 == v).map_or(0, |b| b.1);
        let t = ci + cj;
        let mean_rank = below as f64 + (t as f64 + 1.0) / 2.0;
        r1 += ci as f64 * mean_rank;
        ties.push(t);
        below += t;
        i += usize::from(ci > 0);
        j += usize::from(cj > 0);
    }
    let (f1, f2) = (n1 as f64, n2 as f64);
    let u1 = r1 - f1 * (f1 + 1.0) / 2.0;
    let u2 = f1 * f2 - u1;
    let n = f1 + f2;
    let tie_term: f64 = ties.iter().map(|&t| (t as f64).powi(3) - t as f64).sum::<f64>();
    let s = (f1 * f2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
    let mu = f1 * f2 / 2.0;
    let u = u1.max(u2);
    let p =
        if s > 0.0 && s.is_finite() { (2.0 * normal_sf((u - mu - 0.5) / s)).min(1.0) } else { 1.0 };
    let rbc = 2.0 * u1 / (f1 * f2) - 1.0;
    Some((TestResult { statistic: u1, p_value: p }, rbc))
}

/// Wilcoxon signed-rank on paired differences `d` (x − y), as `scipy.stats.wilcoxon(x, y)`
/// with its defaults (zero_method='wilcox', correction=False, method='auto', scipy 1.17):
/// more than 50 pairs → normal approximation (tie-corrected); no ties and no zeros → exact
/// distribution; at most 13 pairs with ties or zeros → exact sign-flip permutation test;
/// otherwise the normal approximation. Statistic: min(R₊, R₋). None when no pair differs.
/// A non-finite difference is a missing pair (`nan_policy='omit'`).
pub fn wilcoxon(d: &[f64]) -> Option<TestResult> {
    let d = finite(d.iter().copied());
    let n_all = d.len();
    let nz: Vec<f64> = d.iter().copied().filter(|&v| v != 0.0).collect();
    let n = nz.len();
    if n == 0 {
        return None;
    }
    let abs: Vec<f64> = nz.iter().map(|v| v.abs()).collect();
    let (ranks, ties) = rank(&abs);
    let r_plus: f64 = nz.iter().zip(&ranks).filter(|(v, _)| **v > 0.0).map(|(_, r)| r).sum();
    let total = n as f64 * (n as f64 + 1.0) / 2.0;
    let r_minus = total - r_plus;
    let statistic = r_plus.min(r_minus);
    let has_ties = ties.iter().any(|&t| t > 1);
    let has_zeros = n < n_all;
    let p = if n_all > 50 || ((has_ties || has_zeros) && n_all > 13) {
        let nf = n as f64;
        let tie_term: f64 = ties.iter().map(|&t| (t as f64).powi(3) - t as f64).sum();
        let se = (nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0).sqrt();
        let z = (r_plus - total / 2.0) / se;
        if se > 0.0 { (2.0 * normal_sf(z.abs())).min(1.0) } else { 1.0 }
    } else if !has_ties && !has_zeros {
        // Exact: number of subsets of {1..n} with each rank sum.
        let max = n * (n + 1) / 2;
        let mut counts = vec![0f64; max + 1];
        counts[0] = 1.0;
        for k in 1..=n {
            for s in (k..=max).rev() {
                counts[s] += counts[s - k];
            }
        }
        let all = 2f64.powi(n as i32);
        let r = r_plus.round() as usize;
        let cdf: f64 = counts[..=r].iter().sum::<f64>() / all;
        let sf: f64 = counts[r..].iter().sum::<f64>() / all;
        (2.0 * cdf.min(sf)).min(1.0)
    } else {
        // Exact permutation over the 2^n sign flips (zeros contribute nothing).
        let gamma = 1e-14 * r_plus.abs().max(1.0);
        let (mut le, mut ge) = (0u64, 0u64);
        let combos = 1u64 << n;
        for mask in 0..combos {
            let s: f64 = (0..n).filter(|&i| mask >> i & 1 == 1).map(|i| ranks[i]).sum();
            if s <= r_plus + gamma {
                le += 1;
            }
            if s >= r_plus - gamma {
                ge += 1;
            }
        }
        (2.0 * (le.min(ge) as f64) / combos as f64).min(1.0)
    };
    Some(TestResult { statistic, p_value: p })
}

/// Chi-square test of independence on a contingency table (rows × columns of counts), as
/// `scipy.stats.chi2_contingency(table)` with its default: Yates' correction when dof = 1.
/// Rows or columns that are all zero are dropped first. Returns the test and Cramér's V
/// (`scipy.stats.contingency.association(table, method='cramer')`, uncorrected statistic).
/// A non-finite cell is a missing count (0); a negative count or ragged rows give None.
pub fn chi_square(table: &[Vec<f64>]) -> Option<(TestResult, usize, f64)> {
    let clean: Vec<Vec<f64>> = table
        .iter()
        .map(|r| r.iter().map(|&v| if v.is_finite() { v } else { 0.0 }).collect())
        .collect();
    let width = clean.first()?.len();
    if clean.iter().any(|r| r.len() != width || r.iter().any(|&v| v < 0.0)) {
        return None;
    }
    let rows: Vec<&Vec<f64>> = clean.iter().filter(|r| r.iter().sum::<f64>() > 0.0).collect();
    let ncols = rows.first()?.len();
    let keep: Vec<usize> =
        (0..ncols).filter(|&j| rows.iter().map(|r| r[j]).sum::<f64>() > 0.0).collect();
    let (r, c) = (rows.len(), keep.len());
    if r < 2 || c < 2 {
        return None;
    }
    let row_sum: Vec<f64> = rows.iter().map(|row| keep.iter().map(|&j| row[j]).sum()).collect();
    let col_sum: Vec<f64> = keep.iter().map(|&j| rows.iter().map(|row| row[j]).sum()).collect();
    let n: f64 = row_sum.iter().sum();
    let dof = (r - 1) * (c - 1);
    let (mut stat, mut raw) = (0.0, 0.0);
    for (i, row) in rows.iter().enumerate() {
        for (k, &j) in keep.iter().enumerate() {
            let e = row_sum[i] * col_sum[k] / n;
            let o = row[j];
            raw += (o - e).powi(2) / e;
            let o_adj = if dof == 1 { o + (e - o).signum() * (e - o).abs().min(0.5) } else { o };
            stat += (o_adj - e).powi(2) / e;
        }
    }
    let p = ChiSquared::new(dof as f64).expect("dof >= 1").sf(stat);
    let v = (raw / (n * (r.min(c) - 1) as f64)).sqrt();
    Some((TestResult { statistic: stat, p_value: p }, dof, v))
}

/// Alternative hypothesis of a one-sample test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative {
    /// Two-sided.
    TwoSided,
    /// The true proportion is greater than `p`.
    Greater,
}

/// Exact binomial test of `k` successes in `n` trials against proportion `p`, as
/// `scipy.stats.binomtest(k, n, p, alternative).pvalue` (two-sided: the probabilities of
/// outcomes no more likely than `k`, with scipy's 1e-7 relative tolerance).
pub fn binom_test(k: u64, n: u64, p: f64, alt: Alternative) -> Option<f64> {
    use statrs::distribution::{Binomial, Discrete, DiscreteCDF};
    if n == 0 || k > n || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let b = Binomial::new(p, n).ok()?;
    // P(X >= k) = sf(k - 1).
    let ge = |k: u64| if k == 0 { 1.0 } else { b.sf(k - 1) };
    if alt == Alternative::Greater {
        return Some(ge(k).min(1.0));
    }
    let ln_d = b.ln_pmf(k) + (1.0 + 1e-7f64).ln();
    let mean = p * n as f64;
    let pval = if (k as f64 - mean).abs() < 1e-12 {
        1.0
    } else if (k as f64) < mean {
        // Terms in [ceil(np), n] no more likely than k: a tail [n - y + 1, n].
        let (mut lo, mut hi) = (mean.ceil() as u64, n + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if b.ln_pmf(mid) <= ln_d { hi = mid } else { lo = mid + 1 }
        }
        let y = n + 1 - lo;
        b.cdf(k) + if y == 0 { 0.0 } else { ge(n + 1 - y) }
    } else {
        // Terms in [0, floor(np)] no more likely than k: a head [0, y - 1].
        let (mut lo, mut hi) = (0u64, mean.floor() as u64 + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if b.ln_pmf(mid) > ln_d { hi = mid } else { lo = mid + 1 }
        }
        let y = lo;
        (if y == 0 { 0.0 } else { b.cdf(y - 1) }) + ge(k)
    };
    Some(pval.min(1.0))
}

/// Two-proportion z-test (pooled variance), two-sided, as statsmodels
/// `proportions_ztest([k1, k2], [n1, n2])`: returns (z, p). None when undefined.
pub fn two_proportion_z(k1: usize, n1: usize, k2: usize, n2: usize) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let pool = (k1 + k2) as f64 / (n1 + n2) as f64;
    let se = (pool * (1.0 - pool) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se == 0.0 {
        return None;
    }
    let z = (p1 - p2) / se;
    Some(TestResult { statistic: z, p_value: 2.0 * normal_sf(z.abs()) })
}

/// Benjamini–Hochberg adjusted p-values (q-values), as statsmodels
/// `multipletests(p, method='fdr_bh')[1]`. Non-finite entries stay NaN and are not counted,
/// so a NaN p-value never gets a q-value and never counts as significant.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_finite()).collect();
    let m = idx.len() as f64;
    idx.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let mut out = vec![f64::NAN; p.len()];
    let mut running = 1.0f64;
    for (k, &i) in idx.iter().enumerate() {
        let rank = m - k as f64;
        running = running.min(p[i] * m / rank);
        out[i] = running.min(1.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} vs {b}");
    }

    #[test]
    fn binomial_and_two_proportion_match_scipy_statsmodels() {
        // scipy.stats.binomtest(k, n, p).pvalue, values from tests/reference/stats_reference.py
        let two = |k, n, p| binom_test(k, n, p, Alternative::TwoSided).unwrap();
        let gt = |k, n, p| binom_test(k, n, p, Alternative::Greater).unwrap();
        close(two(3, 20, 0.5), 0.0025768280029296875, 1e-9);
        close(two(15, 20, 0.5), 0.04138946533203125, 1e-9);
        close(two(7, 30, 0.4), 0.06476399510651554, 1e-9);
        close(two(40, 100, 0.3), 0.03745142924579409, 1e-9);
        close(two(10, 20, 0.5), 1.0, 1e-12);
        close(two(520, 1000, 0.5), 0.2174482932041415, 1e-7);
        // alternative='greater'
        close(gt(60, 100, 0.5), 0.028443966820490444, 1e-9);
        close(gt(1350, 2300, 0.5), 3.6983879254032306e-17, 1e-6);
        close(gt(45, 100, 0.5), 0.8643734879630823, 1e-9);
        // statsmodels.stats.proportion.proportions_ztest([30, 45], [200, 210])
        let t = two_proportion_z(30, 200, 45, 210).unwrap();
        close(t.statistic, -1.6829763461389204, 1e-9);
        close(t.p_value, 0.09237967055994593, 1e-9);
        assert!(two_proportion_z(0, 10, 0, 12).is_none(), "no variance");
    }

    #[test]
    fn mann_whitney_matches_scipy_and_pingouin() {
        // scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='asymptotic'),
        // x=[1,2,2,3,4,5,5], y=[2,3,3,4,4,5,5,5] -> U=20, p=0.371390820665398;
        // pingouin.mwu(x, y)['RBC'] = -0.2857142857142858
        let x = [1., 2., 2., 3., 4., 5., 5.];
        let y = [2., 3., 3., 4., 4., 5., 5., 5.];
        let (t, rbc) = mann_whitney(&x, &y).unwrap();
        assert_eq!(t.statistic, 20.0);
        close(t.p_value, 0.371390820665398, 1e-9);
        close(rbc, -0.2857142857142858, 1e-12);
        // Large, heavily tied: x2 = [3,4,4,5,5,5,5,2,4,5]*30, y2 = [1,2,3,3,4,4,2,3,5,1]*25
        // -> U=60000, p=7.2911921484268e-36, RBC=0.6
        let x2: Vec<f64> = [3., 4., 4., 5., 5., 5., 5., 2., 4., 5.].repeat(30);
        let y2: Vec<f64> = [1., 2., 3., 3., 4., 4., 2., 3., 5., 1.].repeat(25);
        let (t, rbc) = mann_whitney(&x2, &y2).unwrap();
        assert_eq!(t.statistic, 60000.0);
        close(t.p_value, 7.2911921484268e-36, 1e-6);
        close(rbc, 0.6, 1e-12);
        // All equal: scipy gives U=6, p=1.0 for [3,3,3] vs [3,3,3,3].
        let (t, _) = mann_whitney(&[3.; 3], &[3.; 4]).unwrap();
        assert_eq!((t.statistic, t.p_value), (6.0, 1.0));
        assert!(mann_whitney(&[], &[1.0]).is_none(), "n = 0");
        let (t, _) = mann_whitney(&[1.0], &[2.0]).unwrap();
        assert!(t.p_value > 0.0 && t.p_value <= 1.0, "n = 1 each is defined");
    }

    #[test]
    #[allow(clippy::approx_constant)] // 3.14 is a measurement in scipy's example data, not π
    fn wilcoxon_matches_scipy_in_every_branch() {
        // Permutation branch (ties and zeros, n <= 13): scipy.stats.wilcoxon(a, b) with
        // a=[4,3,5,2,4,4,3,5,1,4,3,2], b=[5,3,4,4,5,4,4,5,2,5,4,4] -> (4.0, 0.03125)
        let a = [4., 3., 5., 2., 4., 4., 3., 5., 1., 4., 3., 2.];
        let b = [5., 3., 4., 4., 5., 4., 4., 5., 2., 5., 4., 4.];
        let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
        let t = wilcoxon(&d).unwrap();
        assert_eq!(t.statistic, 4.0);
        close(t.p_value, 0.03125, 1e-12);
        // Exact branch (no ties, no zeros): a2, b2 from stats_reference.py -> (5.0, 0.0390625)
        let a2 = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        let b2 = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
        let d: Vec<f64> = a2.iter().zip(&b2).map(|(x, y)| x - y).collect();
        let t = wilcoxon(&d).unwrap();
        assert_eq!(t.statistic, 5.0);
        close(t.p_value, 0.0390625, 1e-12);
        // Normal branch (n = 80 > 50): a3/b3 from stats_reference.py -> (216.0, 0.0629790512144552)
        let a3: Vec<f64> = (0..80u32).map(|i| ((i * 37) % 5 + 1) as f64).collect();
        let b3: Vec<f64> = (0..80u32)
            .map(|i| {
                if i % 7 != 0 {
                    ((i * 37) % 5 + 1 + u32::from(i % 3 == 0)) as f64
                } else {
                    ((i * 37) % 5) as f64
                }
            })
            .collect();
        let d: Vec<f64> = a3.iter().zip(&b3).map(|(x, y)| x - y).collect();
        let t = wilcoxon(&d).unwrap();
        assert_eq!(t.statistic, 216.0);
        close(t.p_value, 0.0629790512144552, 1e-9);
        assert!(wilcoxon(&[0.0, 0.0]).is_none(), "all pairs equal");
    }

    #[test]
    fn chi_square_matches_scipy() {
        // scipy.stats.chi2_contingency([[10,20,30],[25,15,5]]) -> (23.3333333333333, 8.57493910267228e-06, dof 2)
        let (t, dof, v) = chi_square(&[vec![10., 20., 30.], vec![25., 15., 5.]]).unwrap();
        close(t.statistic, 23.3333333333333, 1e-12);
        close(t.p_value, 8.57493910267228e-06, 1e-9);
        assert_eq!(dof, 2);
        // scipy.stats.contingency.association(table, method='cramer') -> 0.471404520791032
        close(v, 0.471404520791032, 1e-12);
        // 2x2 with Yates (scipy default): [[12,5],[7,14]] -> (3.83193277310924, 0.0502849160604941)
        let (t, dof, v) = chi_square(&[vec![12., 5.], vec![7., 14.]]).unwrap();
        close(t.statistic, 3.83193277310924, 1e-12);
        close(t.p_value, 0.0502849160604941, 1e-9);
        assert_eq!(dof, 1);
        close(v, 0.370479286817474, 1e-12);
        assert!(chi_square(&[vec![3., 4.]]).is_none(), "one row");
    }

    #[test]
    fn bh_matches_statsmodels() {
        // statsmodels multipletests([0.01,0.04,0.03,0.2,0.5,0.001], method='fdr_bh')[1]
        let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.2, 0.5, 0.001]);
        for (a, b) in q.iter().zip([0.03, 0.06, 0.06, 0.24, 0.5, 0.006]) {
            close(*a, b, 1e-12);
        }
        let q = benjamini_hochberg(&[0.02, f64::NAN]);
        assert_eq!(q[0], 0.02);
        assert!(q[1].is_nan());
    }

    // Regression: a NaN made the Mann-Whitney tie walk spin forever (NaN == NaN is false, so
    // the walk never advanced). Non-finite values are missing, as scipy's nan_policy='omit':
    // scipy.stats.mannwhitneyu(x, y, method='asymptotic', nan_policy='omit') with the NaN in
    // x equals the "mwu A" reference (U=20, p=0.371390820665398).
    #[test]
    fn mann_whitney_with_nan_returns() {
        let x = [1., f64::NAN, 2., 2., 3., 4., f64::INFINITY, 5., 5.];
        let y = [2., 3., 3., f64::NEG_INFINITY, 4., 4., 5., 5., 5., f64::NAN];
        let (t, rbc) = mann_whitney(&x, &y).unwrap();
        assert_eq!(t.statistic, 20.0);
        close(t.p_value, 0.371390820665398, 1e-9);
        close(rbc, -0.2857142857142858, 1e-12);
        assert!(mann_whitney(&[f64::NAN], &[1.0, 2.0]).is_none(), "no finite value on a side");
    }

    // Regression: a NaN difference entered the signed ranks. scipy.stats.wilcoxon(a, b,
    // nan_policy='omit') drops the pair: the "wilcoxon ties/zeros" reference (4.0, 0.03125).
    #[test]
    fn wilcoxon_with_nan_pair_is_missing() {
        let a = [4., 3., 5., 2., 4., 4., 3., 5., 1., 4., 3., 2.];
        let b = [5., 3., 4., 4., 5., 4., 4., 5., 2., 5., 4., 4.];
        let mut d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
        d.insert(3, f64::NAN);
        d.push(f64::INFINITY);
        let t = wilcoxon(&d).unwrap();
        assert_eq!(t.statistic, 4.0);
        close(t.p_value, 0.03125, 1e-12);
        assert!(wilcoxon(&[f64::NAN, 0.0]).is_none());
    }

    // Regression: non-finite and negative cells. A NaN cell is a zero count (the "chi2 2x3"
    // reference has no zero, so the 2x2 Yates reference is used with a NaN-only third column:
    // scipy.stats.chi2_contingency([[12,5],[7,14]]) -> (3.83193277310924, 0.0502849160604941)).
    #[test]
    fn chi_square_with_nan_cell_returns() {
        let (t, dof, _) = chi_square(&[vec![12., 5., f64::NAN], vec![7., 14., f64::NAN]]).unwrap();
        close(t.statistic, 3.83193277310924, 1e-12);
        close(t.p_value, 0.0502849160604941, 1e-9);
        assert_eq!(dof, 1);
        assert!(chi_square(&[vec![1., -2.], vec![3., 4.]]).is_none(), "negative count");
        assert!(chi_square(&[vec![1., 2.], vec![3.]]).is_none(), "ragged rows");
        assert!(chi_square(&[vec![f64::NAN; 2], vec![f64::NAN; 2]]).is_none());
    }

    // Regression: a NaN p-value must get no q-value and must not shift the others:
    // statsmodels multipletests([0.01,0.04,0.03,0.2,0.5,0.001], method='fdr_bh')[1] with a NaN
    // and an inf added = the same q-values for the finite ones.
    #[test]
    fn bh_with_nan_p_value_gets_no_q() {
        let q = benjamini_hochberg(&[0.01, f64::NAN, 0.04, 0.03, 0.2, f64::INFINITY, 0.5, 0.001]);
        assert!(q[1].is_nan() && q[5].is_nan());
        let finite: Vec<f64> = q.iter().copied().filter(|v| v.is_finite()).collect();
        for (a, b) in finite.iter().zip([0.03, 0.06, 0.06, 0.24, 0.5, 0.006]) {
            close(*a, b, 1e-12);
        }
        assert!(benjamini_hochberg(&[f64::NAN]).iter().all(|v| v.is_nan()));
    }

    #[test]
    fn rank_averages_ties_in_any_input_order() {
        // scipy.stats.rankdata([3, 1, 3, 2, 1]) -> [4.5, 1.5, 4.5, 3, 1.5]
        let (r, t) = rank(&[3., 1., 3., 2., 1.]);
        assert_eq!(r, vec![4.5, 1.5, 4.5, 3.0, 1.5]);
        assert_eq!(t, vec![2, 1, 2]);
        let (r, _) = rank(&[1., 1., 2., 3., 3.]);
        assert_eq!(r, vec![1.5, 1.5, 3.0, 4.5, 4.5], "sorted input");
    }

    /// The rank by sorting, as [`rank`] does it without the counting path.
    fn rank_by_sorting(v: &[f64]) -> (Vec<f64>, Vec<usize>) {
        let mut s: Vec<(f64, usize)> = v.iter().copied().zip(0..).collect();
        s.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (mut ranks, mut ties, mut i) = (vec![0.0; v.len()], Vec::new(), 0);
        while i < s.len() {
            let j = i + s[i..].iter().take_while(|p| p.0 == s[i].0).count();
            for p in &s[i..j] {
                ranks[p.1] = (i + j + 1) as f64 / 2.0;
            }
            ties.push(j - i);
            i = j;
        }
        (ranks, ties)
    }

    #[test]
    fn rank_by_counting_equals_rank_by_sorting() {
        // Few distinct values (the counting path), with -0 and +0 tied, and many (the sort).
        let few: Vec<f64> =
            (0..1000).map(|i| [0.0, -0.0, 2.5, -1.0, 7.0][(i * 7919) % 5]).collect();
        assert!(rank_few(&few).is_some());
        assert_eq!(rank(&few), rank_by_sorting(&few));
        let many: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 997) as f64).collect();
        assert!(rank_few(&many).is_none());
        assert_eq!(rank(&many), rank_by_sorting(&many));
    }
}
