//! Each rule on hand-made evaluations.

use super::*;
use crate::analyse::guardrails::config::Slo;

fn defaults() -> Defaults {
    Defaults::default()
}

fn run(d: &Defaults) -> Run<'_> {
    Run { period: "2026-Q3", previous: "2026-Q2", defaults: d }
}

fn metric(id: &str) -> MetricDef {
    MetricDef {
        id: id.into(),
        title: None,
        source: Some("builds.duration_p50".into()),
        sql: None,
        direction: None,
        target: None,
        counter: Vec::new(),
        perception: None,
        slo: None,
        bunching_bin: None,
    }
}

fn eval(from: f64, to: f64, v: Verdict, q: f64) -> Eval {
    Eval {
        from: Some(from),
        to: Some(to),
        test: "mann-whitney".into(),
        p: Some(q),
        q: Some(q),
        verdict: Some(v),
        ..Eval::default()
    }
}

#[test]
fn check_reads_a_nan_q_value_as_not_significant() {
    assert_eq!(verdict(Some(f64::NAN), 0.05, true, true), Verdict::NoDetectableChange);
    assert_eq!(verdict(None, 0.05, true, true), Verdict::NoDetectableChange);
    assert_eq!(verdict(Some(f64::NEG_INFINITY), 0.05, true, true), Verdict::NoDetectableChange);
    assert_eq!(verdict(Some(0.01), 0.05, true, true), Verdict::Improved);
    assert_eq!(verdict(Some(0.01), 0.05, true, false), Verdict::Worsened);
    assert_eq!(verdict(Some(0.05), 0.05, false, false), Verdict::NoDetectableChange);
}

#[test]
fn a_response_rate_drop_of_exactly_ten_points_does_not_fire() {
    // 80 % → 70 %: 0.8 − 0.7 is 0.10000000000000009 in binary floating point, so the drop
    // computed as (0.8 − 0.7) × 100 = 10.000000000000009 used to read as "more than 10".
    assert!(!response_rate_dropped(0.8, 0.7, 10.0));
    assert!(!response_rate_dropped(0.5, 0.4, 10.0));
    assert!(!response_rate_dropped(0.7, 0.6, 10.0));
    assert!(response_rate_dropped(0.5, 0.39, 10.0));
    assert!(!response_rate_dropped(0.5, f64::NAN, 10.0));
    let d = defaults();
    assert!(survey_health_response_rate(&run(&d), "m", ("a", "b"), (0.8, 0.7)).is_none());
    let a = survey_health_response_rate(&run(&d), "m", ("a", "b"), (0.6, 0.4)).unwrap();
    assert_eq!((a.kind, a.severity), (AlertKind::SurveyHealth, Severity::Medium));
    assert!(a.message.starts_with("response rate fell 20.0 points (60.0 % in a → 40.0 % in b)"));
}

#[test]
fn survey_health_low_n_rule() {
    let d = defaults();
    let e = Eval { n_to: Some(12), ..Eval::default() };
    let a = survey_health_low_n(&run(&d), "m", "q1", &e).unwrap();
    assert_eq!(a.evidence["n"], 12);
    assert!(a.message.contains("below the minimum of 30"));
    let ok = Eval { n_to: Some(30), ..Eval::default() };
    assert!(survey_health_low_n(&run(&d), "m", "q1", &ok).is_none());
}

#[test]
fn slo_breach_rule() {
    let d = defaults();
    let m = MetricDef {
        slo: Some(Slo { max_increase_pct: Some(15.0), ..Slo::default() }),
        ..metric("b")
    };
    // Up 20 % and worsened beyond noise: a breach.
    let (a, note) = slo_breach(&run(&d), &m, &eval(100.0, 120.0, Verdict::Worsened, 0.001), "s");
    let a = a.unwrap();
    assert_eq!((a.kind, a.severity), (AlertKind::SloBreach, Severity::High));
    assert!(a.message.contains("up 20.0 % (limit 15 %)"), "{}", a.message);
    assert!(note.is_none());
    // Up 20 % inside the noise: a note, no alert.
    let (a, note) =
        slo_breach(&run(&d), &m, &eval(100.0, 120.0, Verdict::NoDetectableChange, 0.4), "s");
    assert!(a.is_none() && note.unwrap().contains("is not a worsening beyond noise"));
    // An absolute maximum breaks however noisy the trend.
    let m = MetricDef { slo: Some(Slo { max: Some(110.0), ..Slo::default() }), ..metric("b") };
    let (a, _) =
        slo_breach(&run(&d), &m, &eval(100.0, 120.0, Verdict::NoDetectableChange, 0.4), "s");
    assert!(a.unwrap().message.contains("120 above the maximum 110"));
}

#[test]
fn counter_regression_rule() {
    let d = defaults();
    let m = metric("f");
    let good = eval(1.0, 2.0, Verdict::Improved, 0.001);
    let bad = eval(0.1, 0.2, Verdict::Worsened, 0.001);
    let a = counter_regression(&run(&d), &m, &good, "cfr", &bad, false).unwrap();
    assert_eq!((a.kind, a.severity), (AlertKind::CounterRegression, Severity::High));
    assert_eq!(a.evidence["counter_change"]["verdict"], "worsened");
    let flat = eval(0.1, 0.1, Verdict::NoDetectableChange, 0.9);
    assert!(counter_regression(&run(&d), &m, &good, "cfr", &flat, false).is_none());
    // The target rose (higher is better) but not beyond noise: still a counter regression,
    // at most medium, and the message says so.
    let up = Eval {
        up: Some(true),
        higher_is_better: true,
        ..eval(1.0, 1.3, Verdict::NoDetectableChange, 0.2)
    };
    let a = counter_regression(&run(&d), &m, &up, "cfr", &bad, false).unwrap();
    assert_eq!(a.severity, Severity::Medium);
    assert!(a.message.contains("not beyond noise"), "{}", a.message);
    // Not when another metric with this counter improved beyond noise (it is the cause), nor
    // for a move under 10 %.
    assert!(counter_regression(&run(&d), &m, &up, "cfr", &bad, true).is_none());
    let small = Eval { to: Some(1.05), ..up.clone() };
    assert!(counter_regression(&run(&d), &m, &small, "cfr", &bad, false).is_none());
    // It fell: no alert (a worse counter alone is that series' own verdict).
    let down = Eval { up: Some(false), higher_is_better: true, ..up.clone() };
    assert!(counter_regression(&run(&d), &m, &down, "cfr", &bad, false).is_none());
}

#[test]
fn target_bunching_rule() {
    let d = defaults();
    // 120 values in the bin just under 600, 40 in each other bin (bins of 30).
    let mut v = Vec::new();
    for (lo, n) in [(540.0, 40), (570.0, 120), (600.0, 40), (630.0, 40)] {
        for i in 0..n {
            v.push(lo + 30.0 * (f64::from(i) + 0.5) / f64::from(n));
        }
    }
    let m = MetricDef { target: Some(600.0), bunching_bin: Some(30.0), ..metric("b") };
    let e = Eval { samples: (Sample::None, Sample::values(v.clone())), ..Eval::default() };
    let a = target_bunching(&run(&d), &m, &e, "s").unwrap();
    assert_eq!((a.kind, a.sample.len()), (AlertKind::TargetBunching, 240));
    assert_eq!(a.evidence["inside_bins"][0], 120);
    // Flat around the target: nothing.
    let flat: Vec<f64> = (0..240).map(|i| 540.0 + f64::from(i) * 0.5).collect();
    let e = Eval { samples: (Sample::None, Sample::values(flat)), ..Eval::default() };
    assert!(target_bunching(&run(&d), &m, &e, "s").is_none());
}

#[test]
fn divergence_rule() {
    let d = defaults();
    let m = metric("users");
    let up = eval(10.0, 20.0, Verdict::Improved, 0.001);
    let down = eval(0.6, 0.4, Verdict::Worsened, 0.01);
    let a = divergence(&run(&d), &m, &up, "sat", &down).unwrap();
    assert_eq!((a.kind, a.severity), (AlertKind::Divergence, Severity::Medium));
    assert!(divergence(&run(&d), &m, &up, "sat", &up).is_none());
}

#[test]
fn lone_target_rule() {
    let d = defaults();
    let a = lone_target(&run(&d), &MetricDef { target: Some(30.0), ..metric("q") }).unwrap();
    assert_eq!((a.kind, a.severity), (AlertKind::LoneTarget, Severity::Info));
    let paired = MetricDef { target: Some(30.0), counter: vec!["x".into()], ..metric("q") };
    assert!(lone_target(&run(&d), &paired).is_none());
    assert!(lone_target(&run(&d), &metric("q")).is_none());
}

#[test]
fn saturation_rule() {
    let d = defaults();
    let survey = Series::Survey { question: "q".into(), stat: "top_box".into() };
    let e = Eval { top_box: (Some(0.92), Some(0.95)), ..Eval::default() };
    let a = saturation(&run(&d), "q", &survey, &e, None).unwrap();
    assert_eq!((a.kind, a.severity), (AlertKind::Saturation, Severity::Low));
    let e = Eval { top_box: (Some(0.85), Some(0.95)), ..Eval::default() };
    assert!(saturation(&run(&d), "q", &survey, &e, None).is_none());
    // A share stuck at 0 in both periods saturates a target...
    let b = Series::Builtin("builds.flaky_rate".into());
    let e = Eval {
        samples: (Sample::Proportion { k: 0, n: 500 }, Sample::Proportion { k: 1, n: 600 }),
        ..Eval::default()
    };
    let a = saturation(&run(&d), "f", &b, &e, Some(0.0)).unwrap();
    assert_eq!(a.evidence["share_from"], 0.0);
    assert!(saturation(&run(&d), "q", &survey, &Eval::default(), None).is_none());
    // A spread that collapsed: relative IQR 0.5 → 0.01.
    let wide: Vec<f64> = (0..40).map(|i| 75.0 + 50.0 * f64::from(i) / 39.0).collect();
    let narrow: Vec<f64> = (0..40).map(|i| 99.5 + f64::from(i) / 39.0).collect();
    let e = Eval { samples: (Sample::values(wide), Sample::values(narrow)), ..Eval::default() };
    let a = saturation(&run(&d), "d", &b, &e, None).unwrap();
    assert!(a.evidence["relative_iqr_to"].as_f64().unwrap() < 0.1, "{}", a.evidence);
}

#[test]
fn check_a_healthy_low_failure_rate_is_not_saturated() {
    // Issue 14: a 0.8 % failure rate two quarters running raised `saturation` every quarter.
    let d = defaults();
    let b = Series::Builtin("builds.failure_rate".into());
    let e = Eval {
        samples: (
            Sample::DailyShare(vec![(4, 500), (4, 500)]),
            Sample::DailyShare(vec![(8, 1000)]),
        ),
        ..Eval::default()
    };
    assert!(saturation(&run(&d), "fail", &b, &e, None).is_none());
    // Only as a target is a floor a problem.
    assert!(saturation(&run(&d), "fail", &b, &e, Some(0.0)).is_some());
}

#[test]
fn severity_follows_q_and_effect_size() {
    assert_eq!(severity(Some(0.001), Some(0.5), 0.05), Severity::High);
    assert_eq!(severity(Some(0.001), Some(0.05), 0.05), Severity::Medium);
    assert_eq!(severity(Some(0.02), Some(0.5), 0.05), Severity::Medium);
    assert_eq!(severity(Some(0.2), Some(0.5), 0.05), Severity::Low);
    assert_eq!(severity(None, Some(0.5), 0.05), Severity::Low);
    assert_eq!(severity(Some(f64::NAN), Some(0.5), 0.05), Severity::Low);
    let e = eval(100.0, 120.0, Verdict::Worsened, 0.001);
    assert!((relative(&e).unwrap() - 0.2).abs() < 1e-12);
    // A counter regression with a small q and a doubled counter is high; a borderline one is
    // medium.
    let m = metric("f");
    let good = eval(1.0, 2.0, Verdict::Improved, 0.001);
    let bad = eval(0.1, 0.2, Verdict::Worsened, 0.03);
    let dd = defaults();
    let a = counter_regression(&run(&dd), &m, &good, "cfr", &bad, false).unwrap();
    assert_eq!(a.severity, Severity::Medium);
}
