//! `evaluate`: the whole check over typed inputs — every series read and tested, verdicts after
//! Benjamini–Hochberg, then every rule. No I/O.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use polars::prelude::*;

use super::alert::{Alert, Verdict};
use super::config::{MetricDef, MetricsFile, builtin};
use super::coverage::{Coverage, coverage};
use super::rules::{self, Run};
use super::series::{Eval, Plan, Series, Telemetry, quantile_of, reading};
use super::stats::{Sample, change_test};
use crate::analyse::compare::CompareRow;
use crate::analyse::hypothesis::benjamini_hochberg;
use crate::analyse::summary::SummaryRow;

/// The survey side of a check: the round named like the period and the round before it.
#[derive(Debug, Clone, Copy)]
pub struct Survey<'a> {
    /// (previous round, round checked).
    pub rounds: (&'a str, &'a str),
    /// Their response rates, where known.
    pub response_rates: (Option<f64>, Option<f64>),
    /// `pulse compare` rows between the two rounds.
    pub compare: &'a [CompareRow],
    /// Summary rows of both rounds (only when a series reads NPS).
    pub summaries: Option<(&'a [SummaryRow], &'a [SummaryRow])>,
}

/// Rows (period label, value) of each SQL series, by series name.
pub type SqlRows = BTreeMap<String, Vec<(String, Option<f64>)>>;

/// Everything `evaluate` reads.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// Period checked.
    pub period: &'a str,
    /// The period before it.
    pub previous: &'a str,
    /// Telemetry metrics.
    pub telemetry: Telemetry<'a>,
    /// The survey pair, when the period is a round and has one before it.
    pub survey: Option<Survey<'a>>,
    /// Rows (period label, value) of each SQL series, by series name.
    pub sql: &'a SqlRows,
    /// Why this period pair (stated in the output).
    pub why: &'a str,
    /// `min_coverage` of the metrics file.
    pub min_coverage: f64,
}

/// What `pulse check` found for one period (`A`: the alert type, typed by default).
#[derive(Debug, Clone)]
pub struct Checked<A = Alert> {
    /// Period checked.
    pub period: String,
    /// The period it was checked against.
    pub previous: String,
    /// Alerts, in the order they were raised.
    pub alerts: Vec<A>,
    /// Changes inside the noise that would otherwise have been alerts.
    pub notes: Vec<String>,
    /// Per series: its values in both periods, test, q-value and verdict.
    pub series: DataFrame,
    /// Why this period pair.
    pub why: String,
    /// Per telemetry source the plan reads: (source, previous period, period checked).
    pub coverage: Vec<(String, Coverage, Coverage)>,
    /// The family Benjamini–Hochberg ran over.
    pub family: String,
}

/// Reads one series in both periods and tests it (telemetry verdicts wait for BH).
fn read(plan: &Plan, name: &str, s: &Series, x: &Inputs<'_>, alpha: f64) -> Eval {
    let mut e = Eval { higher_is_better: plan.higher[name], ..Eval::default() };
    match s {
        Series::Builtin(b) => {
            let (v0, s0, d0) = reading(&x.telemetry, b, x.previous);
            let (v1, s1, d1) = reading(&x.telemetry, b, x.period);
            (e.from, e.to, e.samples, e.dropped) = (v0, v1, (s0, s1), d0 + d1);
            if let Some((_, days)) = x.telemetry.sources.of(b).filter(|(_, d)| !d.is_empty()) {
                let c = (coverage(days, x.previous), coverage(days, x.period));
                e.coverage = Some(c);
                let min = x.min_coverage;
                // Distinct people do not scale with days: equal shares of days, or no test.
                let unequal =
                    b.starts_with("usage.") && (c.0.fraction() - c.1.fraction()).abs() > 0.1;
                if c.0.fraction() < min || c.1.fraction() < min || unequal {
                    e.verdict = Some(Verdict::LowCoverage);
                    return e;
                }
            }
            if let Some((t, c)) = change_test(&e.samples.0, &e.samples.1, quantile_of(b)) {
                e.test = t.into();
                e.statistic = Some(c.statistic);
                // A test that cannot give a p-value did not test anything.
                e.p = Some(c.p_value).filter(|p| p.is_finite());
                e.up = Some(c.to > c.from);
                // The values shown are the test's own estimates, so the verdict's direction
                // and the numbers never disagree.
                if matches!(
                    e.samples.1,
                    Sample::Values { .. } | Sample::Daily(_) | Sample::DailyShare(_)
                ) {
                    (e.from, e.to) = (Some(c.from), Some(c.to));
                }
            }
        }
        Series::Sql(_) => {
            for (label, v) in x.sql.get(name).into_iter().flatten() {
                let v = v.filter(|v| v.is_finite());
                if label == x.period {
                    e.to = v;
                } else if label == x.previous {
                    e.from = v;
                }
            }
            e.test = "none (sql)".into();
        }
        Series::Survey { question, stat } => {
            let Some(sv) = &x.survey else { return e };
            let row = sv
                .compare
                .iter()
                .find(|r| r.question_id == *question && r.group.is_empty() && r.option.is_empty());
            // A row disclosure control withholds has no figures to check (its n is not 0).
            let Some(r) = row.filter(|r| !r.suppressed) else { return e };
            e.top_box = (r.top_box_from, r.top_box_to);
            e.n_to = Some(r.n_to);
            (e.from, e.to) = match stat.as_str() {
                "mean" => (r.mean_from, r.mean_to),
                "nps" => {
                    let nps = |rows: &[SummaryRow]| {
                        rows.iter()
                            .find(|x| x.question_id == *question && x.group.is_empty())
                            .and_then(|x| x.nps.map(|n| n.0))
                    };
                    sv.summaries.map_or((None, None), |(a, b)| (nps(a), nps(b)))
                }
                _ => (r.top_box_from, r.top_box_to),
            };
            e.test = r.test.clone();
            e.statistic = r.statistic;
            e.p = r.p_value;
            e.q = r.q_value;
            // A NaN or missing q is never significant.
            let significant = r.q_value.is_some_and(|q| q.is_finite() && q < alpha);
            e.verdict = Some(match r.verdict.as_str() {
                "improved" if significant => Verdict::Improved,
                "declined" if significant => Verdict::Worsened,
                "not comparable" => Verdict::Untested,
                _ => Verdict::NoDetectableChange,
            });
        }
    }
    e
}

impl<A> Checked<A> {
    /// The same result with each alert mapped by `f`.
    pub fn map_alerts<B>(self, f: impl FnMut(A) -> B) -> Checked<B> {
        Checked {
            period: self.period,
            previous: self.previous,
            alerts: self.alerts.into_iter().map(f).collect(),
            notes: self.notes,
            series: self.series,
            why: self.why,
            coverage: self.coverage,
            family: self.family,
        }
    }
}

/// Evaluates a metrics file's plan over the inputs.
pub fn evaluate(file: &MetricsFile, plan: &Plan, x: &Inputs<'_>) -> Result<Checked> {
    let defaults = &file.defaults;
    let run = Run { period: x.period, previous: x.previous, defaults };
    let series = &plan.series;
    let mut alerts: Vec<Alert> = Vec::new();

    // Survey health: response rate, per round pair.
    let mut withheld: BTreeSet<String> = BTreeSet::new();
    let refs = |m: &MetricDef| -> Vec<String> {
        std::iter::once(&m.id).chain(&m.counter).chain(&m.perception).cloned().collect()
    };
    let survey_metrics: Vec<&MetricDef> = file
        .metrics
        .iter()
        .filter(|m| refs(m).iter().any(|r| matches!(series.get(r), Some(Series::Survey { .. }))))
        .collect();
    if let Some(sv) = &x.survey
        && let (Some(x0), Some(x1)) = sv.response_rates
        && rules::response_rate_dropped(x0, x1, defaults.max_response_rate_drop)
    {
        for (name, _) in series.iter().filter(|(_, s)| matches!(s, Series::Survey { .. })) {
            withheld.insert(name.clone());
        }
        for m in &survey_metrics {
            alerts.extend(rules::survey_health_response_rate(&run, &m.id, sv.rounds, (x0, x1)));
        }
    }

    // Every series, then BH over the telemetry tests of this run and their verdicts.
    let mut evals: BTreeMap<String, Eval> =
        series.iter().map(|(n, s)| (n.clone(), read(plan, n, s, x, defaults.alpha))).collect();
    let tele: Vec<String> = evals
        .iter()
        .filter(|(n, e)| {
            e.p.is_some() && e.verdict.is_none() && matches!(series[*n], Series::Builtin(_))
        })
        .map(|(n, _)| n.clone())
        .collect();
    let family = format!(
        "Benjamini–Hochberg over the {} telemetry tests of this run ({}); survey items carry pulse compare's q-values (BH over the items of the round pair)",
        tele.len(),
        if tele.is_empty() { "none".to_string() } else { tele.join(", ") }
    );
    let qs = benjamini_hochberg(
        &tele.iter().map(|n| evals[n].p.unwrap_or(f64::NAN)).collect::<Vec<_>>(),
    );
    for (n, q) in tele.iter().zip(qs) {
        let e = evals.get_mut(n).expect("present");
        e.q = Some(q).filter(|q| q.is_finite());
        let up = e.up.unwrap_or(false);
        e.verdict = Some(rules::verdict(e.q, defaults.alpha, up, e.higher_is_better));
    }
    for (name, e) in evals.iter_mut() {
        if e.verdict.is_none() {
            e.verdict = Some(if e.from.is_none() || e.to.is_none() {
                Verdict::NoData
            } else {
                Verdict::Untested
            });
        }
        if let Series::Survey { .. } = series[name]
            && e.n_to.is_some_and(|n| n < defaults.min_n)
        {
            withheld.insert(name.clone());
        }
        if withheld.contains(name) && !e.is(Verdict::NoData) {
            e.verdict = Some(Verdict::Withheld);
        }
    }

    // Survey health: low n.
    for m in &survey_metrics {
        for r in refs(m) {
            if let (Some(Series::Survey { question, .. }), Some(e)) =
                (series.get(&r), evals.get(&r))
            {
                alerts.extend(rules::survey_health_low_n(&run, &m.id, question, e));
            }
        }
    }

    let mut notes: Vec<String> = Vec::new();
    for m in &file.metrics {
        let e = &evals[&m.id];
        let unit = match &series[&m.id] {
            Series::Builtin(b) => builtin(b).map_or("", |x| x.2),
            _ => "",
        };
        let (slo, note) = rules::slo_breach(&run, m, e, unit);
        notes.extend(note);
        alerts.extend(slo);
        for c in &m.counter {
            // Another metric with this counter that improved beyond noise already names the
            // cause: this one's mere estimate does not get the alert too.
            let named = file.metrics.iter().any(|o| {
                o.id != m.id
                    && o.counter.contains(c)
                    && evals.get(&o.id).is_some_and(|x| x.is(Verdict::Improved))
            });
            alerts.extend(rules::counter_regression(&run, m, e, c, &evals[c], named));
        }
        alerts.extend(rules::target_bunching(&run, m, e, unit));
        if let Some(pr) = &m.perception {
            alerts.extend(rules::divergence(&run, m, e, pr, &evals[pr]));
        }
        alerts.extend(rules::lone_target(&run, m));
    }
    // Saturation, once per series (a floor or ceiling of a share matters only as a target).
    for (name, e) in &evals {
        let target = file.metrics.iter().find(|m| &m.id == name).and_then(|m| m.target);
        alerts.extend(rules::saturation(&run, name, &series[name], e, target));
    }
    let mut cov: Vec<(String, Coverage, Coverage)> = Vec::new();
    for (src, days) in x.telemetry.sources.all() {
        if !days.is_empty() && plan.needs(&format!("{}.", src)) {
            cov.push((src.into(), coverage(days, x.previous), coverage(days, x.period)));
        }
    }

    let names: Vec<&String> = evals.keys().collect();
    let e: Vec<&Eval> = names.iter().map(|n| &evals[*n]).collect();
    let frame = DataFrame::new(
        names.len(),
        vec![
            Column::new("series".into(), names.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            Column::new(x.previous.into(), e.iter().map(|x| x.from).collect::<Vec<_>>()),
            Column::new(x.period.into(), e.iter().map(|x| x.to).collect::<Vec<_>>()),
            Column::new("test".into(), e.iter().map(|x| x.test.clone()).collect::<Vec<_>>()),
            Column::new(
                "coverage".into(),
                e.iter()
                    .map(|x| {
                        x.coverage.map(|(a, b)| format!("{} | {}", a.describe(), b.describe()))
                    })
                    .collect::<Vec<_>>(),
            ),
            Column::new("q_value".into(), e.iter().map(|x| x.q).collect::<Vec<_>>()),
            Column::new("verdict".into(), e.iter().map(|x| x.verdict_str()).collect::<Vec<_>>()),
        ],
    )?;
    Ok(Checked {
        period: x.period.to_string(),
        previous: x.previous.to_string(),
        alerts,
        notes,
        series: frame,
        why: x.why.to_string(),
        coverage: cov,
        family,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analyse::delivery::BuildMetrics;
    use crate::analyse::guardrails::{Questions, config::parse, coverage::Sources};

    fn builds(p50: f64, centre: f64, nans: usize) -> BuildMetrics {
        let mut durations: Vec<f64> =
            (0..200).map(|i| centre - 50.0 + f64::from(i) * 0.5).collect();
        durations.extend(std::iter::repeat_n(f64::NAN, nans));
        durations.push(f64::INFINITY);
        BuildMetrics {
            builds: durations.len(),
            duration_p50: Some(p50),
            success: durations.len(),
            durations,
            ..BuildMetrics::default()
        }
    }

    #[test]
    fn nan_durations_never_reach_a_statistic() {
        let file = parse(
            "[[metric]]\nid = \"b\"\nsource = \"builds.duration_p50\"\ncounter = [\"builds.failure_rate\"]\nslo = { max_increase_pct = 15 }\n",
            Path::new("metrics.toml"),
        )
        .unwrap();
        let plan = Plan::new(&file, &Questions::default()).unwrap();
        let b: BTreeMap<String, BuildMetrics> = [
            ("2026-Q2".to_string(), builds(500.0, 500.0, 3)),
            ("2026-Q3".to_string(), builds(700.0, 700.0, 1000)),
        ]
        .into();
        let (d, u, sql) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let x = Inputs {
            period: "2026-Q3",
            previous: "2026-Q2",
            telemetry: Telemetry {
                builds: &b,
                deploys: &d,
                usage: &u,
                organisation_size: None,
                sources: &Sources::default(),
            },
            survey: None,
            sql: &sql,
            why: "given",
            min_coverage: 0.5,
        };
        let c = evaluate(&file, &plan, &x).unwrap();
        let verdicts: Vec<String> = c
            .series
            .column("verdict")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect();
        assert!(verdicts.iter().all(|v| !v.is_empty() && !v.contains("NaN")), "{verdicts:?}");
        let q = c.series.column("q_value").unwrap().f64().unwrap().get(0).unwrap();
        assert!(q.is_finite() && q < 0.05, "{q}");
        let slo = c
            .alerts
            .iter()
            .find(|a| a.kind == crate::analyse::guardrails::AlertKind::SloBreach)
            .unwrap();
        // 3 + 1 NaN and one inf per period were dropped before the Mann–Whitney test.
        assert_eq!(slo.evidence["dropped_non_finite"], 3 + 1 + 1000 + 1, "{}", slo.evidence);
        assert!(slo.evidence["p_value"].as_f64().unwrap().is_finite());
    }
}

#[cfg(test)]
mod coverage_tests {
    use std::path::Path;

    use super::*;
    use crate::analyse::guardrails::coverage::{Day, Sources, bounds};
    use crate::analyse::guardrails::{Questions, config::parse};

    fn run(sources: &Sources, period: &str, previous: &str) -> Checked {
        let file = parse(
            "[[metric]]\nid = \"runs\"\nsource = \"builds.count\"\nslo = { max_decrease_pct = 15 }\n",
            Path::new("metrics.toml"),
        )
        .unwrap();
        let plan = Plan::new(&file, &Questions::default()).unwrap();
        let (b, d, u, sql) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let x = Inputs {
            period,
            previous,
            telemetry: Telemetry {
                builds: &b,
                deploys: &d,
                usage: &u,
                organisation_size: None,
                sources,
            },
            survey: None,
            sql: &sql,
            why: "given",
            min_coverage: 0.5,
        };
        evaluate(&file, &plan, &x).unwrap()
    }

    /// Issue 14: `builds.count` was tested against the full calendar quarter, so a quarter
    /// with data to 31 August breached its SLO in 30 of 30 runs.
    #[test]
    fn check_a_partial_quarter_counts_per_covered_day() {
        let (s, _) = bounds("2026-Q2").unwrap();
        let (_, cut) = bounds("2026-08").unwrap();
        let builds = (s..cut).map(|d| (d, Day { events: 50, ..Day::default() })).collect();
        let src = Sources { builds, ..Sources::default() };
        let c = run(&src, "2026-Q3", "2026-Q2");
        assert!(c.alerts.is_empty(), "{:?}", c.alerts);
        let v = c.series.column("2026-Q3").unwrap().f64().unwrap().get(0);
        assert_eq!(v, Some(50.0));
        assert_eq!(c.coverage[0].2.covered, 62);
        // A quarter with 10 of 92 days is not compared at all.
        let (_, cut) = bounds("2026-W28").unwrap();
        let builds = (s..cut).map(|d| (d, Day { events: 50, ..Day::default() })).collect();
        let c = run(&Sources { builds, ..Sources::default() }, "2026-Q3", "2026-Q2");
        let verdict =
            c.series.column("verdict").unwrap().str().unwrap().get(0).unwrap().to_string();
        assert_eq!(verdict, "low coverage");
    }
}
