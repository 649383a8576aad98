//! Drivers: importance (correlation with the outcome) against score.

use super::blocks::*;

/// The drivers section (skipped without an outcome question).
pub fn drivers(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    let Some(outcome) = ctx.ws.config.outcome.clone() else {
        return Ok(Section::skip(
            SectionKind::Drivers,
            title,
            "no `outcome` question set in pulse.toml",
        ));
    };
    if whole(ctx.summary()?, &outcome).is_none() {
        return Ok(Section::skip(
            SectionKind::Drivers,
            title,
            format!("the outcome {outcome} was not asked in this round"),
        ));
    }
    let df = ctx.drivers(&outcome)?;
    let (q, rho, tb, n, p) = (
        col_str(&df, "question_id")?,
        col_f64(&df, "rho")?,
        col_f64(&df, "top_box")?,
        col_str(&df, "n")?,
        col_f64(&df, "p_value")?,
    );
    let (rlo, rhi) = (col_f64(&df, "rho_ci_low")?, col_f64(&df, "rho_ci_high")?);
    let mut pts = Vec::new();
    let mut trows = Vec::new();
    for i in 0..q.len() {
        let likert = ctx.catalog.get(&q[i]).is_some_and(inputs::is_likert);
        if let (Some(r), Some(t), true) = (rho[i], tb[i], likert) {
            pts.push(Driver { label: ctx.marked_label(&q[i]), score: t, importance: r });
            trows.push((
                r,
                t,
                vec![
                    ctx.marked_label(&q[i]),
                    n[i].clone(),
                    dec2(r),
                    match (rlo[i], rhi[i]) {
                        (Some(l), Some(h)) => format!("{} to {}", dec2(l), dec2(h)),
                        _ => DASH.into(),
                    },
                    opt(p[i], pq),
                    pct1(t),
                ],
            ));
        }
    }
    if pts.is_empty() {
        return Ok(Section::skip(
            SectionKind::Drivers,
            title,
            "no rated item correlates with the outcome (too few answers)",
        ));
    }
    // One split, one set of names: the chart's lines and the table's quadrant column are the
    // same computation over the plotted items (issue 15: they used to disagree).
    let split = chart::quadrant_split(&pts);
    for (r, t, row) in &mut trows {
        row.push(chart::quadrant_name(*t, *r, split).to_string());
    }
    trows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let name =
        ctx.chart(chart::quadrant("drivers", "Importance × score of each item", &pts, split)?);
    Ok(Section::new(
        SectionKind::Drivers,
        title,
        vec![
            para(format!(
                "Importance is each rated item's Spearman correlation with \"{}\" among respondents who answered both; \
                 score is its favourable share. Items in the top-left quadrant matter most and score lowest: fix them first. \
                 Correlation is not causation: read it as where to look.",
                ctx.label(&outcome)
            )),
            figure(
                name,
                format!(
                    "Split lines at the median importance (ρ = {}) and the median score ({}) of these items; the table's quadrants use the same lines.",
                    dec2(split.1),
                    pct1(split.0)
                ),
            ),
            table(
                &["Item", "n", "ρ", "ρ 95 % CI", "p", "Score", "Quadrant"],
                &[L, R, R, R, R, R, L],
                trows.into_iter().map(|x| x.2).collect(),
                "Drivers, most important first",
            ),
        ],
    ))
}
