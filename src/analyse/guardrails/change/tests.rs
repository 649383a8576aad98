//! Reference values from scipy 1.17.1 / statsmodels 0.15.0 (the Python calls are beside each).

use super::*;

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol * b.abs().max(1e-300), "{a} vs {b}");
}

#[test]
fn quantile_ci_matches_scipy_quantile_test() {
    // x = [float(i*i % 37) + i/100 for i in range(1, 60)]
    // scipy.stats.quantile_test(x, p=p).confidence_interval(0.95)
    let x: Vec<f64> = (1..60).map(|i| f64::from(i * i % 37) + f64::from(i) / 100.0).collect();
    let s = sorted(x);
    assert_eq!(quantile_ci(&s, 0.5), Some((11.23, 26.47)));
    assert_eq!(quantile_ci(&s, 0.9), Some((30.54, 36.31)));
    // Too small for a 95 % interval of the p90.
    assert_eq!(quantile_ci(&[1.0, 2.0, 3.0], 0.9), None);
}

#[test]
fn quantile_change_matches_the_numpy_scipy_formula() {
    // a = [float((i*7919) % 101) + 300 for i in range(80)], day i // 10
    // b = [float((i*7907) % 97) + 310 + (i//9)*3 for i in range(90)], day i // 9
    // q = np.percentile(v, 100p); ci = scipy.stats.quantile_test(v, p=p).confidence_interval()
    // se = (ci.high - ci.low) / (2 * norm.ppf(0.975)) * sqrt(deff), deff = max(1, clustered
    // variance of mean(v <= q) with days as clusters (k/(k-1) corrected) / (m(1-m)/n))
    // z = (qb - qa) / hypot(se_a, se_b); p = 2 * norm.sf(|z|)
    let a: Vec<f64> = (0..80).map(|i| f64::from((i * 7919) % 101) + 300.0).collect();
    let da: Vec<i32> = (0..80).map(|i| i / 10).collect();
    let b: Vec<f64> =
        (0..90).map(|i| f64::from((i * 7907) % 97) + 310.0 + f64::from(i / 9) * 3.0).collect();
    let db: Vec<i32> = (0..90).map(|i| i / 9).collect();
    let c = quantile_change((&a, &da), (&b, &db), 0.5).unwrap();
    assert_eq!((c.from, c.to), (348.0, 369.0));
    close(design_effect(&b, &db, 369.0), 1.4031620553359683, 1e-12);
    close(c.statistic, 2.5053073613164285, 1e-12);
    close(c.p_value, 0.012234502373820245, 1e-10);
    let c = quantile_change((&a, &da), (&b, &db), 0.9).unwrap();
    close(c.from, 388.20000000000005, 1e-12);
    close(c.to, 412.1, 1e-12);
    close(design_effect(&b, &db, c.to), 2.592592592592593, 1e-12);
    close(c.statistic, 3.1426606855069172, 1e-12);
    close(c.p_value, 0.0016741979282979865, 1e-10);
    // Direction and significance come from one estimate: the statistic's sign is to − from.
    let down = quantile_change((&b, &db), (&a, &da), 0.5).unwrap();
    assert!(down.statistic < 0.0 && down.to < down.from);
    assert_eq!(design_effect(&a, &[], 348.0), 1.0);
}

#[test]
fn rate_change_matches_statsmodels_quasi_poisson() {
    // d0 = 20454 (2026-01-01); A: days d0..d0+41, B: d0+100..d0+134, counts below.
    // X = [1, C(dow) dummies, period]; sm.GLM(y, X, family=Poisson()).fit(scale='X2'):
    // params[-1] = 0.09940114929280253, tvalues[-1] = 0.9798540816787251,
    // pvalues[-1] = 0.3271581518584552, scale = 3.7189663943628615
    let a = [
        33, 26, 18, 15, 17, 14, 11, 8, 26, 18, 15, 42, 14, 11, 8, 26, 18, 15, 17, 14, 11, 8, 51,
        18, 15, 17, 14, 11, 8, 26, 18, 15, 17, 39, 11, 8, 26, 18, 15, 17, 14, 11,
    ];
    let b = [
        4, 28, 30, 27, 24, 21, 18, 10, 7, 9, 33, 30, 27, 24, 16, 13, 15, 12, 9, 33, 30, 22, 19, 21,
        18, 15, 12, 9, 28, 25, 27, 24, 21, 18, 15,
    ];
    let days = |start: i32, v: &[u64]| -> Vec<(i32, u64)> {
        v.iter().enumerate().map(|(i, &c)| (start + i as i32, c)).collect()
    };
    let c = rate_change(&days(20454, &a), &days(20554, &b)).unwrap();
    close(c.statistic, 0.9798540816787251, 1e-9);
    close(c.p_value, 0.3271581518584552, 1e-9);
    close(c.from, 17.952380952380953, 1e-12);
    close(c.to, 19.82857142857143, 1e-12);
    // A planted doubling on the same weekdays is found.
    let b2: Vec<u64> = a.iter().map(|x| 2 * x).collect();
    assert!(rate_change(&days(20454, &a), &days(20454 + 49, &b2)).unwrap().p_value < 1e-6);
    assert!(rate_change(&days(20454, &a), &[]).is_none());
}

#[test]
fn share_change_matches_statsmodels_quasi_binomial() {
    // k/n per day; sm.GLM(k/n, [1, period], family=Binomial(), var_weights=n).fit(scale='X2'):
    // params[-1] = 0.3548065328787045, tvalues[-1] = 0.6330637329681235,
    // pvalues[-1] = 0.5266920244362748, scale = 6.756170664010089
    let a = [(3, 40), (19, 50), (1, 35), (16, 45), (2, 30), (22, 60)];
    let b = [(7, 42), (25, 55), (4, 38), (21, 47)];
    let c = share_change(&a, &b).unwrap();
    close(c.statistic, 0.6330637329681235, 1e-12);
    close(c.p_value, 0.5266920244362748, 1e-12);
    close(c.from, 63.0 / 260.0, 1e-12);
    assert!(share_change(&[(0, 50)], &b).is_none());
}

#[test]
fn members_change_matches_statsmodels_mcnemar() {
    // 40 in both, 12 only in the first, 27 only in the second:
    // statsmodels mcnemar([[40, 12], [27, 100]], exact=True): statistic 12.0,
    // pvalue 0.023702702470473014
    let a: Vec<u64> = (0..52).collect();
    let mut b: Vec<u64> = (12..52).collect();
    b.extend(100..127);
    let c = members_change(&a, &b).unwrap();
    assert_eq!((c.from, c.to, c.statistic), (52.0, 67.0, 12.0));
    close(c.p_value, 0.023702702470473014, 1e-12);
    assert_eq!(members_change(&a, &a).unwrap().p_value, 1.0);
}
