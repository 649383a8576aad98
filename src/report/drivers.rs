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
    let (q, rho, tb, quad, n, p) = (
        col_str(&df, "question_id")?,
        col_f64(&df, "rho")?,
        col_f64(&df, "top_box")?,
        col_str(&df, "quadrant")?,
        col_str(&df, "n")?,
        col_f64(&df, "p_value")?,
    );
    let mut pts = Vec::new();
    let mut trows = Vec::new();
    for i in 0..q.len() {
        let likert = ctx.catalog.get(&q[i]).is_some_and(inputs::is_likert);
        if let (Some(r), Some(t), true) = (rho[i], tb[i], likert) {
            pts.push(Driver { label: ctx.label(&q[i]), score: t, importance: r });
            trows.push((
                r,
                vec![
                    ctx.label(&q[i]),
                    n[i].clone(),
                    dec2(r),
                    opt(p[i], pq),
                    pct1(t),
                    quad[i].clone(),
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
    trows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let name = ctx.chart(chart::quadrant("drivers", "Importance × score of each item", &pts)?);
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
            figure(name, "Split lines at the median importance and the median score."),
            table(
                &["Item", "n", "ρ", "p", "Score", "Quadrant"],
                &[L, R, R, R, R, L],
                trows.into_iter().map(|x| x.1).collect(),
                "Drivers, most important first",
            ),
        ],
    ))
}
