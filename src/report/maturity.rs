//! CNCF platform maturity: median self-assessed level per aspect, this round against the last.

use super::blocks::*;

/// The maturity section (skipped without maturity questions).
pub fn maturity(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    let has = ctx
        .catalog
        .questions
        .iter()
        .any(|q| !q.aspect.is_empty() && q.rounds.contains_key(&ctx.round));
    if !has {
        return Ok(Section::skip(
            SectionKind::Maturity,
            title,
            "no maturity questions (catalog `aspect`) in this round",
        ));
    }
    let now = ctx.maturity(&ctx.round)?;
    let prev = match &ctx.previous {
        Some(p) => Some(ctx.maturity(p)?),
        None => None,
    };
    let levels = |df: &DataFrame| -> Result<BTreeMap<String, Option<f64>>> {
        let a = df.column("aspect")?.str()?.clone();
        let m = df.column("median_level")?.u64()?.clone();
        let s = df.column("source")?.str()?.clone();
        Ok(a.iter()
            .zip(m.iter())
            .zip(s.iter())
            .filter(|(_, s)| *s == Some("self-assessed"))
            .map(|((a, m), _)| (a.unwrap_or("").to_string(), m.map(|v| v as f64)))
            .collect())
    };
    let ln = levels(&now)?;
    let lp = match &prev {
        Some(p) => levels(p)?,
        None => BTreeMap::new(),
    };
    let rows: Vec<(String, Option<f64>, Option<f64>)> =
        ln.iter().map(|(a, v)| (a.clone(), lp.get(a).copied().flatten(), *v)).collect();
    let name = ctx.chart(chart::dots(
        "maturity",
        "CNCF maturity per aspect: median self-assessed level, previous vs this round",
        &rows,
        &["Provisional", "Operational", "Scalable", "Optimizing"],
    )?);
    let mut blocks = vec![figure(
        name,
        format!(
            "Median level each aspect's respondents chose (1 Provisional … 4 Optimizing), {} (filled) vs {} (hollow).",
            ctx.round,
            ctx.previous.as_deref().unwrap_or("no previous round")
        ),
    )];
    let s = |c: &str| -> Result<Vec<String>> {
        let col = now.column(c)?.cast(&DataType::String)?;
        Ok(col.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
    };
    let (aspect, source, n, lname, agree, change, next) = (
        s("aspect")?,
        s("source")?,
        s("n")?,
        s("level_name")?,
        s("agreement")?,
        s("median_change")?,
        s("next_level")?,
    );
    let mut trows = Vec::new();
    let mut measurement = None;
    for i in 0..aspect.len() {
        if source[i] == "evidence" {
            measurement = Some((lname[i].clone(), next[i].clone()));
            continue;
        }
        trows.push(vec![
            aspect[i].clone(),
            n[i].clone(),
            lname[i].clone(),
            opt(agree[i].parse::<f64>().ok(), dec2),
            if change[i].is_empty() {
                DASH.into()
            } else {
                format!("{:+}", change[i].parse::<i64>().unwrap_or(0))
            },
            next[i].clone(),
        ]);
    }
    blocks.push(table(
        &["Aspect", "n", "Median level", "Agreement", "Change", "To reach the next level"],
        &[L, R, L, R, R, L],
        trows,
        "Self-assessed maturity per aspect (agreement: share choosing the median level)",
    ));
    if let Some((l, why)) = measurement {
        blocks.push(para(format!(
            "Measurement, scored from evidence in this workspace rather than opinion: {l}. {why}"
        )));
    }
    Ok(Section::new(SectionKind::Maturity, title, blocks))
}
