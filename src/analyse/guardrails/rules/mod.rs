//! The guardrails, one function per alert kind. Each takes the evaluated series it needs and
//! returns its alert (or none); `evaluate` decides which series each rule sees.

use serde_json::{Value, json};

use super::alert::{Alert, AlertKind, Severity, Verdict};
use super::config::{Defaults, MetricDef};
use super::series::{Eval, Series};
use super::stats::{Sample, bunching, relative_iqr};
use crate::analyse::quantile;

#[cfg(test)]
mod tests;

/// What every rule needs to know about the run.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// Period checked.
    pub period: &'a str,
    /// The period before it.
    pub previous: &'a str,
    /// `[defaults]` of the metrics file.
    pub defaults: &'a Defaults,
}

impl Run<'_> {
    fn alert(
        &self,
        kind: AlertKind,
        metric: &str,
        severity: Severity,
        message: String,
        evidence: Value,
        action: &str,
    ) -> Alert {
        Alert {
            kind,
            metric: metric.to_string(),
            period: self.period.to_string(),
            severity,
            message,
            evidence,
            action: action.to_string(),
            sample: Vec::new(),
        }
    }
}

/// A number as alert messages print it.
pub fn fmt(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(x) if x.abs() >= 100.0 => format!("{x:.0}"),
        Some(x) if x.abs() >= 1.0 => format!("{x:.2}"),
        Some(x) => format!("{x:.3}"),
    }
}

/// A p- or q-value as alert messages print it.
pub fn fmt_p(p: Option<f64>) -> String {
    p.map_or("-".into(), |p| if p < 1e-4 { format!("{p:.1e}") } else { format!("{p:.4}") })
}

fn change(e: &Eval) -> String {
    format!("{} → {}", fmt(e.from), fmt(e.to))
}

/// Adds `dropped_non_finite` to an evidence object when the samples dropped any value.
fn with_dropped(mut v: Value, e: &Eval) -> Value {
    if e.dropped > 0
        && let Some(o) = v.as_object_mut()
    {
        o.insert("dropped_non_finite".into(), json!(e.dropped));
    }
    v
}

/// A series' change as evidence.
pub fn change_evidence(e: &Eval) -> Value {
    with_dropped(
        json!({"from": e.from, "to": e.to, "test": e.test, "statistic": e.statistic,
               "p_value": e.p, "q_value": e.q, "verdict": e.verdict_str()}),
        e,
    )
}

/// Relative change of a series, (to − from) / |from| (None when from is 0 or missing).
pub fn relative(e: &Eval) -> Option<f64> {
    let (f, t) = (e.from?, e.to?);
    (f != 0.0).then(|| (t - f) / f.abs())
}

/// Severity from the evidence: high when q < alpha / 10 and the change is at least 10 % of the
/// earlier value, medium when q < alpha, else low (a missing q counts as 1, an unknown effect
/// as small).
pub fn severity(q: Option<f64>, effect: Option<f64>, alpha: f64) -> Severity {
    let q = q.filter(|q| q.is_finite()).unwrap_or(1.0);
    if q < alpha / 10.0 && effect.is_some_and(|x| x.abs() >= 0.10) {
        Severity::High
    } else if q < alpha {
        Severity::Medium
    } else {
        Severity::Low
    }
}

fn max_q(a: &Eval, b: &Eval) -> Option<f64> {
    Some(a.q.unwrap_or(1.0).max(b.q.unwrap_or(1.0)))
}

/// The verdict of a tested change: improved or worsened when `q` is a finite value below
/// `alpha`, else no detectable change (a NaN or missing q is never significant).
pub fn verdict(q: Option<f64>, alpha: f64, up: bool, higher_is_better: bool) -> Verdict {
    match q {
        Some(q) if q.is_finite() && q < alpha => {
            if up == higher_is_better {
                Verdict::Improved
            } else {
                Verdict::Worsened
            }
        }
        _ => Verdict::NoDetectableChange,
    }
}

/// True when the response rate fell by more than `max_points` percentage points (a drop of
/// exactly the limit does not count, whatever the rounding of the two rates).
pub fn response_rate_dropped(from: f64, to: f64, max_points: f64) -> bool {
    let drop = (from - to) * 100.0;
    drop.is_finite() && drop - max_points > 1e-9 * max_points.abs().max(1.0)
}

/// Survey health: the response rate fell more than the limit between the two rounds; one
/// alert per metric with a survey series.
pub fn survey_health_response_rate(
    run: &Run<'_>,
    metric: &str,
    rounds: (&str, &str),
    rates: (f64, f64),
) -> Option<Alert> {
    let ((r0, r1), (x0, x1)) = (rounds, rates);
    let max = run.defaults.max_response_rate_drop;
    response_rate_dropped(x0, x1, max).then(|| run.alert(
        AlertKind::SurveyHealth,
        metric,
        Severity::Medium,
        format!(
            "response rate fell {:.1} points ({:.1} % in {r0} → {:.1} % in {r1}); survey trends withheld",
            (x0 - x1) * 100.0, x0 * 100.0, x1 * 100.0
        ),
        json!({"round_from": r0, "round_to": r1, "response_rate_from": x0, "response_rate_to": x1, "max_drop_points": max}),
        "Find out why fewer people answered (survey fatigue, timing, trust) before reading this round's trends.",
    ))
}

/// Survey health: an item has fewer answers than `min_n`.
pub fn survey_health_low_n(run: &Run<'_>, metric: &str, question: &str, e: &Eval) -> Option<Alert> {
    let min_n = run.defaults.min_n;
    let n = e.n_to.filter(|&n| n < min_n)?;
    Some(run.alert(
        AlertKind::SurveyHealth,
        metric,
        Severity::Medium,
        format!("{question}: n = {n} answers, below the minimum of {min_n}; its trend is withheld"),
        json!({"question": question, "n": n, "min_n": min_n}),
        "Collect more answers (or pool rounds) before reading this item's trend.",
    ))
}

/// SLO breach. A limit on the change is tested against noise; a limit on the level is not
/// (above the maximum is a breach however noisy the trend). Returns the alert, and a note when
/// a change limit was crossed inside the noise.
pub fn slo_breach(
    run: &Run<'_>,
    m: &MetricDef,
    e: &Eval,
    unit: &str,
) -> (Option<Alert>, Option<String>) {
    let (Some(slo), Some(to)) = (m.slo, e.to) else { return (None, None) };
    let pct = e.from.filter(|&f| f != 0.0).map(|f| (to - f) / f.abs() * 100.0);
    let mut change_breach = Vec::new();
    if let (Some(lim), Some(p)) = (slo.max_increase_pct, pct)
        && p > lim
    {
        change_breach.push(format!("up {p:.1} % (limit {lim} %)"));
    }
    if let (Some(lim), Some(p)) = (slo.max_decrease_pct, pct)
        && -p > lim
    {
        change_breach.push(format!("down {:.1} % (limit {lim} %)", -p));
    }
    let mut breach = Vec::new();
    if slo.max.is_some_and(|x| to > x) {
        breach.push(format!("{} above the maximum {}", fmt(Some(to)), fmt(slo.max)));
    }
    if slo.min.is_some_and(|x| to < x) {
        breach.push(format!("{} below the minimum {}", fmt(Some(to)), fmt(slo.min)));
    }
    // A change inside the noise is not a breach (where pulse can test it).
    let beyond_noise = e.p.is_none() || e.is(Verdict::Worsened);
    let note = (!change_breach.is_empty() && !beyond_noise).then(|| {
        format!(
            "{}: {} ({}) is not a worsening beyond noise ({}, q = {}): no SLO alert",
            m.id,
            change_breach.join("; "),
            change(e),
            e.verdict_str(),
            fmt_p(e.q)
        )
    });
    // A level past its limit by 10 % or more is high; a tested change follows its q and size.
    let over = |lim: Option<f64>, up: bool| {
        lim.map(|l| if up { (to - l) / l.abs().max(1e-12) } else { (l - to) / l.abs().max(1e-12) })
            .filter(|x| *x > 0.0)
    };
    let mut sev = Severity::Low;
    if let Some(x) = over(slo.max, true).into_iter().chain(over(slo.min, false)).reduce(f64::max) {
        sev = if x >= 0.1 { Severity::High } else { Severity::Medium };
    }
    if beyond_noise && !change_breach.is_empty() {
        let tested = if e.p.is_none() {
            Severity::Medium
        } else {
            severity(e.q, relative(e), run.defaults.alpha)
        };
        sev = sev.max(tested);
    }
    if beyond_noise {
        breach.splice(0..0, change_breach);
    }
    let alert = (!breach.is_empty()).then(|| run.alert(
        AlertKind::SloBreach,
        &m.id,
        sev,
        format!("{} {} {unit} vs {}: {}", m.id, change(e), run.previous, breach.join("; ")),
        with_dropped(json!({"previous_period": run.previous, "from": e.from, "to": to, "change_pct": pct,
               "slo": {"max_increase_pct": slo.max_increase_pct, "max_decrease_pct": slo.max_decrease_pct, "max": slo.max, "min": slo.min},
               "test": e.test, "p_value": e.p, "q_value": e.q}), e),
        "Act before the regression becomes the new normal: the CNCF maturity model's example is a >15 % build-time rise that frustrates developers long after it is fixed.",
    ));
    (alert, note)
}

/// Counter-metric regression: the metric improved while its counter `c` worsened.
pub fn counter_regression(
    run: &Run<'_>,
    m: &MetricDef,
    e: &Eval,
    c: &str,
    ce: &Eval,
    cause_named: bool,
) -> Option<Alert> {
    // The counter must have worsened beyond noise. The target must have moved its good way:
    // beyond noise (an intersection-union test of both claims), or as a point estimate only —
    // a day-to-day volatile target (deployments per day) rarely clears noise in one quarter,
    // and the damage to the counter is the finding. The second case is at most medium.
    // (`cause_named`: another metric sharing the counter improved beyond noise.)
    let target_sig = e.is(Verdict::Improved);
    // The estimate-only form needs a material move (10 % or more) and no other metric with this
    // counter that improved beyond noise (that one is the cause, and has its alert).
    let target_up = e.is(Verdict::NoDetectableChange)
        && e.up == Some(e.higher_is_better)
        && relative(e).is_some_and(|x| x.abs() >= 0.10)
        && !cause_named;
    if !((target_sig || target_up) && ce.is(Verdict::Worsened)) {
        return None;
    }
    let sev = if target_sig {
        severity(max_q(e, ce), relative(ce), run.defaults.alpha)
    } else {
        severity(ce.q, relative(ce), run.defaults.alpha).min(Severity::Medium)
    };
    let moved = if target_sig {
        format!("improved ({}, q = {})", change(e), fmt_p(e.q))
    } else {
        format!("moved its good way ({}, not beyond noise: q = {})", change(e), fmt_p(e.q))
    };
    Some(run.alert(
        AlertKind::CounterRegression,
        &m.id,
        sev,
        format!(
            "{} {moved} while its counter {c} worsened ({}, {} q = {})",
            m.id, change(ce), ce.test, fmt_p(ce.q)
        ),
        json!({"previous_period": run.previous, "metric": change_evidence(e), "counter": c, "counter_change": change_evidence(ce)}),
        "Do not celebrate the improvement yet: find out whether it was bought with the counter-metric (Goodhart's law).",
    ))
}

/// Target bunching: the period's values pile up just inside the target.
pub fn target_bunching(run: &Run<'_>, m: &MetricDef, e: &Eval, unit: &str) -> Option<Alert> {
    let (Some(t), (_, Sample::Values { v, .. })) = (m.target, &e.samples) else { return None };
    let bin = m.bunching_bin.unwrap_or(t.abs() * 0.05);
    let b = bunching(v, t, bin, !e.higher_is_better)?;
    if !(b.p_value < run.defaults.bunching_alpha && b.excess >= 1.25) {
        return None;
    }
    let side = if e.higher_is_better { "at or above" } else { "just under" };
    let sev = if b.p_value < run.defaults.bunching_alpha / 10.0 && b.excess >= 1.5 {
        Severity::High
    } else {
        Severity::Medium
    };
    let mut x = run.alert(
        AlertKind::TargetBunching,
        &m.id,
        sev,
        format!(
            "{} of {} values fall {side} the target {} {unit} (bin {}) vs {} just past it; {:.2}× the expected share, binomial p = {}",
            b.inside[0],
            b.inside[0] + b.outside[0],
            fmt(Some(t)),
            fmt(Some(bin)),
            b.outside[0],
            b.excess,
            fmt_p(Some(b.p_value))
        ),
        with_dropped(json!({"target": t, "bin": bin, "inside_bins": b.inside, "outside_bins": b.outside,
               "expected_inside_share": b.expected_share, "excess": b.excess,
               "test": "binomial (one-sided, adjacent bins)", "p_value": b.p_value}), e),
        "Values pile up just inside the target: look for work shaped to the number (timeouts, skipped steps, split work) and add a counter-metric.",
    );
    x.sample = v.clone();
    Some(x)
}

/// Divergence: the number and developers' perception `pr` moved in opposite directions.
pub fn divergence(run: &Run<'_>, m: &MetricDef, e: &Eval, pr: &str, pe: &Eval) -> Option<Alert> {
    let opposite = (e.is(Verdict::Improved) && pe.is(Verdict::Worsened))
        || (e.is(Verdict::Worsened) && pe.is(Verdict::Improved));
    opposite.then(|| run.alert(
        AlertKind::Divergence,
        &m.id,
        // Two readings disagree: worth reading before acting, never an outage.
        severity(max_q(e, pe), relative(e), run.defaults.alpha).min(Severity::Medium),
        format!(
            "{} {} ({}, q = {}) but developers' perception {pr} {} ({}, q = {})",
            m.id, e.verdict_str(), change(e), fmt_p(e.q), pe.verdict_str(), change(pe), fmt_p(pe.q)
        ),
        json!({"previous_period": run.previous, "metric": change_evidence(e), "perception": pr, "perception_change": change_evidence(pe)}),
        "The number and the experience disagree: ask developers (comments, interviews) what the metric misses before acting on either.",
    ))
}

/// Lone target: a target without a counter-metric.
pub fn lone_target(run: &Run<'_>, m: &MetricDef) -> Option<Alert> {
    (m.target.is_some() && m.counter.is_empty()).then(|| run.alert(
        AlertKind::LoneTarget,
        &m.id,
        Severity::Info,
        format!("{} has a target but no counter-metric", m.id),
        json!({"target": m.target}),
        "Add counter = [...] with metrics that would suffer if this one were gamed (DORA: pick metrics with tension between them).",
    ))
}

/// The share of a proportion sample (None when it has no trials or is not one).
fn share(s: &Sample) -> Option<f64> {
    let (k, n) = match s {
        Sample::Proportion { k, n } => (*k as f64, *n as f64),
        Sample::DailyShare(d) => {
            d.iter().fold((0.0, 0.0), |a, &(k, n)| (a.0 + k as f64, a.1 + n as f64))
        }
        _ => return None,
    };
    (n > 0.0).then(|| k / n)
}

/// Saturation: a survey item at the top box two rounds running, or a telemetry series whose
/// spread collapsed (relative IQR). A share stuck at 0 or 1 saturates only when the metric
/// has a target (a floor is a problem only as a target: a 0.8 % failure rate is healthy, not
/// saturated).
pub fn saturation(
    run: &Run<'_>,
    name: &str,
    series: &Series,
    e: &Eval,
    target: Option<f64>,
) -> Option<Alert> {
    let threshold = run.defaults.saturation_top_box;
    if let Series::Survey { question, .. } = series {
        let (Some(a0), Some(a1)) = e.top_box else { return None };
        return (a0 >= threshold && a1 >= threshold).then(|| run.alert(
            AlertKind::Saturation,
            name,
            Severity::Low,
            format!("{question}: top box {:.1} % and {:.1} % in two rounds running; it no longer discriminates", a0 * 100.0, a1 * 100.0),
            json!({"top_box_from": a0, "top_box_to": a1, "threshold": threshold}),
            "Rotate the item out (or raise the bar of its wording) and spend the survey's attention elsewhere.",
        ));
    }
    let collapsed = match &e.samples {
        (Sample::Values { v: a, .. }, Sample::Values { v: b, .. })
            if a.len() >= 20 && b.len() >= 20 =>
        {
            match (relative_iqr(a), relative_iqr(b)) {
                (Some(x0), Some(x1)) if x1 < 0.1 && x1 < 0.5 * x0 => {
                    let p50 = quantile::percentile(&quantile::sorted(b.iter().copied()), 50.0);
                    Some(json!({"relative_iqr_from": x0, "relative_iqr_to": x1, "p50_to": p50}))
                }
                _ => None,
            }
        }
        (a, b) if target.is_some() => {
            let (x0, x1) = (share(a)?, share(b)?);
            let stuck = |x: f64| !(0.01..=0.99).contains(&x);
            (stuck(x0) && stuck(x1))
                .then(|| json!({"share_from": x0, "share_to": x1, "target": target}))
        }
        _ => None,
    }?;
    let evidence = with_dropped(collapsed, e);
    Some(run.alert(
        AlertKind::Saturation,
        name,
        Severity::Low,
        format!("{name}: its spread collapsed ({}); it no longer discriminates", evidence),
        evidence,
        "Rotate the metric or measure a finer-grained one; a number that cannot move cannot guide.",
    ))
}
