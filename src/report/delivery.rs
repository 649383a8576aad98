//! Delivery metrics: DORA metrics with their level bands, build time, capability adoption.

use super::blocks::*;
use crate::analyse::dora::{DoraMetric, DoraYear};

/// The four DORA metrics of a period as (value, level) text: frequency per day, median lead
/// time (h), change failure rate, median recovery time (h).
pub(super) fn dora_cells(
    d: &crate::analyse::dora::DeployMetrics,
    y: DoraYear,
) -> [(String, String); 4] {
    let lv = |m, v: Option<f64>, n| inputs::dora_level(y, m, v, n).unwrap_or_else(|| "n/a".into());
    [
        (opt(d.per_day, num), lv(DoraMetric::Frequency, d.per_day, d.deployments)),
        (opt(d.lead_time_p50, num), lv(DoraMetric::LeadTime, d.lead_time_p50, d.lead_times.len())),
        (
            opt(d.change_failure_rate, pct1),
            lv(DoraMetric::ChangeFailureRate, d.change_failure_rate, d.deployments),
        ),
        (
            opt(d.recovery_p50, num),
            lv(DoraMetric::RecoveryTime, d.recovery_p50, d.recoveries.len()),
        ),
    ]
}

fn bands(year: DoraYear, m: DoraMetric, lo: f64, hi: f64) -> Vec<Band> {
    crate::analyse::dora::level_bands(year, m, lo, hi)
        .into_iter()
        .map(|(lo, hi, l)| Band { lo, hi, label: l.to_string() })
        .collect()
}

/// The delivery section (skipped without telemetry).
pub fn delivery(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    let deploys = ctx.deploys()?;
    let builds = ctx.builds()?;
    let usage = ctx.usage()?;
    if deploys.is_empty() && builds.is_empty() && usage.is_empty() {
        return Ok(Section::skip(
            SectionKind::Delivery,
            title,
            "no telemetry imported (pulse import telemetry)",
        ));
    }
    let round = ctx.round.clone();
    let upto = move |k: &String| k.as_str() <= round.as_str();
    let year = DoraYear::Y2024;
    let mut blocks = Vec::new();
    if !deploys.is_empty() {
        blocks.push(para(format!(
            "Production deployments per quarter, with the DORA {} performance clusters shaded behind each line \
             (elite, high, medium, low). Lead and recovery times are medians on a log scale.",
            year.label()
        )));
        let pts = |f: &dyn Fn(&crate::analyse::dora::DeployMetrics) -> Option<f64>,
                   ns: &dyn Fn(&crate::analyse::dora::DeployMetrics) -> usize|
         -> Vec<Point> {
            deploys
                .iter()
                .filter(|(k, _)| upto(k))
                .filter_map(|(k, d)| {
                    f(d).map(|v| Point { label: k.clone(), value: v, ci: None, n: Some(ns(d)) })
                })
                .collect()
        };
        let charts = [
            (
                "dora-frequency",
                "Deployment frequency",
                "deployments per day, log scale",
                DoraMetric::Frequency,
                pts(&|d| d.per_day, &|d| d.deployments),
                true,
                2,
            ),
            (
                "dora-lead-time",
                "Lead time for changes (median)",
                "hours, log scale",
                DoraMetric::LeadTime,
                pts(&|d| d.lead_time_p50, &|d| d.lead_times.len()),
                true,
                1,
            ),
            (
                "dora-change-failure",
                "Change failure rate",
                "share of deployments",
                DoraMetric::ChangeFailureRate,
                pts(&|d| d.change_failure_rate, &|d| d.deployments),
                false,
                2,
            ),
            (
                "dora-recovery",
                "Failed deployment recovery time (median)",
                "hours, log scale",
                DoraMetric::RecoveryTime,
                pts(&|d| d.recovery_p50, &|d| d.recoveries.len()),
                true,
                1,
            ),
        ];
        for (name, t, unit, m, points, log, dec) in charts {
            if points.is_empty() {
                continue;
            }
            let vals: Vec<f64> = points.iter().map(|p| p.value).collect();
            let (mn, mx) = (
                vals.iter().copied().fold(f64::INFINITY, f64::min),
                vals.iter().copied().fold(0.0, f64::max),
            );
            let (lo, hi) = if log {
                ((mn / 4.0).max(0.05), mx * 4.0)
            } else if m == DoraMetric::ChangeFailureRate {
                (0.0, (mx * 1.4).max(0.3))
            } else {
                (0.0, mx * 1.4)
            };
            let spec = Line {
                name: name.into(),
                title: format!("{t} per quarter"),
                y_desc: unit.into(),
                series: vec![(t.into(), points)],
                bands: bands(year, m, lo, hi),
                y_range: Some((lo, hi)),
                decimals: dec,
                log,
                ..Line::default()
            };
            let n = ctx.chart(chart::line(&spec, &chart::Colours::default())?);
            blocks.push(figure(
                n,
                format!(
                    "{t} per quarter; shading: DORA {} clusters. n under each quarter.",
                    year.label()
                ),
            ));
        }
        let mut trows = Vec::new();
        for (k, d) in deploys.iter().filter(|(k, _)| upto(k)) {
            let mut row = vec![k.clone(), d.deployments.to_string()];
            row.extend(dora_cells(d, year).map(|(v, l)| format!("{v} ({l})")));
            row.push(opt(d.rework_rate, pct1));
            trows.push(row);
        }
        blocks.push(table(
            &[
                "Quarter",
                "Deploys",
                "Per day (level)",
                "Lead time h (level)",
                "CFR (level)",
                "Recovery h (level)",
                "Rework",
            ],
            &[L, R, R, R, R, R, R],
            trows,
            &format!(
                "DORA metrics and levels (DORA {} clusters; n/a below 5 samples){}",
                year.label(),
                if year == DoraYear::Y2024 {
                    ". CFR levels follow DORA 2024's clusters, whose high cluster failed 20 % of \
                     changes and medium 10 %: the level does not order the rate, lower is better"
                } else {
                    ""
                }
            ),
        ));
    }
    if !builds.is_empty() {
        // `pulse check` runs first, as it always did: a metrics.toml it rejects fails here too.
        ctx.checked()?;
        let target = inputs::build_target(&ctx.ws.path("metrics.toml"));
        let p = |f: &dyn Fn(&crate::analyse::delivery::BuildMetrics) -> Option<f64>| -> Vec<Point> {
            builds
                .iter()
                .filter(|(k, _)| upto(k))
                .filter_map(|(k, b)| {
                    f(b).map(|v| Point {
                        label: k.clone(),
                        value: v / 60.0,
                        ci: None,
                        n: Some(b.builds),
                    })
                })
                .collect()
        };
        let spec = Line {
            name: "build-time".into(),
            title: "CI build time per quarter".into(),
            y_desc: "minutes (successful runs)".into(),
            series: vec![
                ("p50".into(), p(&|b| b.duration_p50)),
                ("p90".into(), p(&|b| b.duration_p90)),
            ],
            reference: target.map(|t| (t / 60.0, format!("target / SLO: {:.0} min", t / 60.0))),
            decimals: 1,
            ..Line::default()
        };
        let colours = chart::Colours::new(["p50", "p90"]);
        let n = ctx.chart(chart::line(&spec, &colours)?);
        blocks.push(figure(n, "Median (p50) and 90th percentile of successful build wall-clock time; the red line is the target from metrics.toml."));
    }
    if !usage.is_empty() {
        let mut by_cap: BTreeMap<String, Vec<Point>> = BTreeMap::new();
        for ((period, cap), u) in usage.iter().filter(|((p, _), _)| upto(p)) {
            if u.suppressed {
                continue;
            }
            let v = u.adoption.unwrap_or(u.active_users as f64);
            by_cap.entry(cap.clone()).or_default().push(Point {
                label: period.clone(),
                value: v,
                ci: None,
                n: None,
            });
        }
        let share = usage.values().any(|u| u.adoption.is_some());
        if !by_cap.is_empty() {
            // At most 8 capabilities per chart (one colour each, a legend that fits): more
            // become continuation figures on the same y axis.
            let series: Vec<(String, Vec<Point>)> = by_cap.into_iter().collect();
            let top =
                series.iter().flat_map(|(_, p)| p.iter().map(|x| x.value)).fold(0.0, f64::max);
            let y_range = Some((0.0, if top > 0.0 { top * 1.15 } else { 1.0 }));
            let periods: Vec<String> = series
                .iter()
                .flat_map(|(_, p)| p.iter().map(|x| x.label.clone()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut names = Vec::new();
            for (i, part) in pages(&series, 8).into_iter().enumerate() {
                let colours = chart::Colours::new(part.iter().map(|(n, _)| n.as_str()));
                let spec = Line {
                    name: part_name("adoption", i),
                    title: "Capability adoption per quarter".into(),
                    y_desc: if share {
                        "share of the organisation active".into()
                    } else {
                        "active developers".into()
                    },
                    series: part.to_vec(),
                    y_range,
                    periods: periods.clone(),
                    decimals: 2,
                    ..Line::default()
                };
                names.push(ctx.chart(chart::line(&spec, &colours)?));
            }
            blocks.extend(figures(names, "Distinct developers active per capability per quarter, over organisation_size in pulse.toml. Capabilities with fewer users than the minimum group size are not shown."));
        }
    }
    Ok(Section::new(SectionKind::Delivery, title, blocks))
}
