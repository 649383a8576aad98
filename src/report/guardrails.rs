//! Goodhart guardrails: each alert `pulse check` raised, with the series behind it.

use super::blocks::*;

/// The guardrails section (skipped without metrics.toml or a period round).
pub fn guardrails(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    if !ctx.round_is_period() {
        return Ok(Section::skip(
            SectionKind::Guardrails,
            title,
            format!(
                "round {} is not a period label (like 2026-Q3, 2026-07 or 2026-W27), so telemetry periods cannot be lined up with it",
                ctx.round
            ),
        ));
    }
    let Some(c) = ctx.checked()? else {
        return Ok(Section::skip(
            SectionKind::Guardrails,
            title,
            "no metrics.toml in the workspace: no target metrics to guard",
        ));
    };
    let mut blocks = vec![para(format!(
        "Every target metric in metrics.toml has counter-metrics and, where possible, a survey perception; \
         pulse check compares {} with {} and raises an alert when a metric is gamed, regresses, or disagrees \
         with how developers feel. \"Beyond noise\" means a Benjamini–Hochberg q-value below 0.05.",
        c.period, c.previous
    ))];
    if c.alerts.is_empty() {
        blocks.push(para("No alert was raised."));
    }
    let series = &c.series;
    let names = col_str(series, "series")?;
    let from = col_f64(series, &c.previous).unwrap_or_else(|_| vec![None; names.len()]);
    let to = col_f64(series, &c.period).unwrap_or_else(|_| vec![None; names.len()]);
    let qv = col_f64(series, "q_value")?;
    let verdict = col_str(series, "verdict")?;
    for (i, a) in c.alerts.iter().enumerate() {
        blocks.push(Block::Subhead {
            text: format!(
                "{} · {} · {}",
                inputs::severity(a).to_uppercase(),
                inputs::alert_kind(a).replace('_', " "),
                a.metric
            ),
        });
        blocks.push(para(a.message.clone()));
        if inputs::alert_kind(a) == "target_bunching" && !a.sample.is_empty() {
            let t = a.evidence["target"].as_f64().unwrap_or(0.0);
            let bin = a.evidence["bin"].as_f64().unwrap_or(t * 0.05);
            let name = ctx.chart(chart::bunching(
                &format!("alert-{}-bunching", i + 1),
                &format!("{}: values around the target, {}", a.metric, c.period),
                &a.sample,
                t,
                bin,
                "s",
            )?);
            blocks.push(figure(name, format!("Histogram of {} in {} around its target; the bin just inside the target is highlighted. n = {}.", a.metric, c.period, a.sample.len())));
        } else {
            // The series the alert names, before and after.
            let mut involved: Vec<String> = vec![a.metric.clone()];
            for k in ["counter", "perception"] {
                if let Some(s) = a.evidence[k].as_str() {
                    involved.push(s.to_string());
                }
            }
            let rows: Vec<Vec<String>> = involved
                .iter()
                .filter_map(|s| names.iter().position(|n| n == s))
                .map(|j| {
                    vec![
                        names[j].clone(),
                        opt(from[j], num),
                        opt(to[j], num),
                        opt(qv[j], pq),
                        verdict[j].clone(),
                    ]
                })
                .collect();
            if !rows.is_empty() && inputs::alert_kind(a) != "lone_target" {
                // Slope chart: every series indexed to the previous period = 100.
                let series_idx: Vec<(String, Vec<Point>)> = involved
                    .iter()
                    .filter_map(|s| names.iter().position(|n| n == s))
                    .filter_map(|j| match (from[j], to[j]) {
                        (Some(f), Some(t)) if f != 0.0 => Some((
                            names[j].clone(),
                            vec![
                                Point {
                                    label: c.previous.clone(),
                                    value: 100.0,
                                    ci: None,
                                    n: None,
                                },
                                Point {
                                    label: c.period.clone(),
                                    value: t / f * 100.0,
                                    ci: None,
                                    n: None,
                                },
                            ],
                        )),
                        _ => None,
                    })
                    .collect();
                if series_idx.len() >= 2 {
                    let colours = chart::Colours::new(series_idx.iter().map(|s| s.0.as_str()));
                    let spec = Line {
                        name: format!(
                            "alert-{}-{}",
                            i + 1,
                            inputs::alert_kind(a).replace('_', "-")
                        ),
                        title: format!(
                            "{}: the metric and the series that should move with it",
                            a.metric
                        ),
                        y_desc: format!("index, {} = 100", c.previous),
                        series: series_idx,
                        decimals: 0,
                        ..Line::default()
                    };
                    let name = ctx.chart(chart::line(&spec, &colours)?);
                    blocks.push(figure(name, format!("Each series as an index ({} = 100): they should move together; read the direction of each in the table.", c.previous)));
                }
                blocks.push(table(
                    &["Series", c.previous.as_str(), c.period.as_str(), "q", "Verdict"],
                    &[L, R, R, R, L],
                    rows,
                    "",
                ));
            }
        }
        blocks.push(note(format!("What to do: {}", a.action)));
    }
    if !c.notes.is_empty() {
        blocks.push(Block::Subhead { text: "Within noise, so not alerts".into() });
        blocks.push(Block::List { items: c.notes.clone() });
    }
    Ok(Section::new(SectionKind::Guardrails, title, blocks))
}
