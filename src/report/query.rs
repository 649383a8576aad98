//! A user query section: a SQL file from the workspace, charted as its header says, rows under
//! the minimum group size dropped.

use super::blocks::*;
use crate::analyse::disclosure;

/// A section from the SQL file `file`.
pub fn query(ctx: &Ctx<'_>, title: &str, file: &str) -> Result<Section> {
    let path = [ctx.ws.path(&format!("queries/{file}")), ctx.ws.path(file)]
        .into_iter()
        .find(|p| p.is_file());
    let Some(path) = path else {
        return Ok(Section::skip(
            SectionKind::Query,
            title,
            format!("no {file} in the workspace's queries/"),
        ));
    };
    let sql = std::fs::read_to_string(&path)?;
    let h = crate::render::spec::query_header(&sql)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if sql.contains("{{period_") && !ctx.round_is_period() {
        return Ok(Section::skip(
            SectionKind::Query,
            title,
            format!(
                "{file} uses {{{{period_start}}}}, but round {} is not a period label like 2026-Q3",
                ctx.round
            ),
        ));
    }
    let sql = inputs::fill_period(ctx.ws, &sql, &ctx.round)?;
    let title = h.title.clone().unwrap_or_else(|| title.to_string());
    let df =
        inputs::query(ctx.ws, &sql).map_err(|e| anyhow::anyhow!("{}: {e:#}", path.display()))?;
    // Disclosure control: through the declared count column, and the plan's hidden groups.
    let segments = inputs::segments(ctx.ws, &ctx.round)?;
    ctx.plan()?;
    let protected = disclosure::query::protect(
        df,
        h.count.as_deref(),
        &segments,
        ctx.plans()?,
        Some(&ctx.round),
        ctx.min(),
    )
    .map_err(|e| anyhow::anyhow!("{}: {e:#}", path.display()))?;
    let dropped = protected.dropped;
    let df = protected.frame;
    if df.height() == 0 {
        return Ok(Section::skip(
            SectionKind::Query,
            &title,
            format!(
                "{} returned no rows that can be shown (groups under {} and their complements are left out)",
                path.display(),
                ctx.min()
            ),
        ));
    }
    let names: Vec<String> = df.get_column_names().iter().map(|s| s.to_string()).collect();
    let x = h.x.clone().unwrap_or_else(|| names[0].clone());
    let y = h.y.clone().or_else(|| {
        names
            .iter()
            .find(|n| **n != x && df.column(n).is_ok_and(|c| c.dtype().is_primitive_numeric()))
            .cloned()
    });
    let mut blocks = Vec::new();
    if !h.description.is_empty() {
        blocks.push(para(h.description.clone()));
    }
    let stem = format!(
        "query-{}",
        path.file_stem().map_or("q".into(), |s| s.to_string_lossy().to_string())
    );
    if let (Some(y), true) = (&y, h.chart != "table") {
        let xs = col_str(&df, &x)?;
        let ys = col_f64(&df, y)?;
        let percent = ys.iter().flatten().all(|v| (0.0..=1.0).contains(v)) && y.contains("share")
            || y.contains("rate")
            || y.contains("adoption");
        let name = if h.chart == "bar" {
            let rows: Vec<(String, f64, Option<f64>)> =
                xs.iter().zip(&ys).filter_map(|(a, b)| b.map(|b| (a.clone(), b, None))).collect();
            chart::bars(&stem, &title, h.unit.as_deref().unwrap_or(y), &rows, percent)?
        } else {
            let pts: Vec<Point> = xs
                .iter()
                .zip(&ys)
                .filter_map(|(a, b)| {
                    b.map(|b| Point { label: a.clone(), value: b, ci: None, n: None })
                })
                .collect();
            chart::line(
                &Line {
                    name: stem.clone(),
                    title: title.clone(),
                    y_desc: h.unit.clone().unwrap_or(y.clone()),
                    series: vec![(y.clone(), pts)],
                    decimals: 2,
                    ..Line::default()
                },
                &chart::Colours::default(),
            )?
        };
        let n = ctx.chart(name);
        blocks.push(figure(n, format!("{title} (from queries/{file})")));
    }
    let rows: Vec<Vec<String>> = (0..df.height().min(40))
        .map(|i| {
            names
                .iter()
                .map(|c| {
                    df.column(c)
                        .ok()
                        .and_then(|s| s.get(i).ok())
                        .and_then(|v| crate::output::cell_text(&v))
                        .map_or(DASH.into(), |s| match s.parse::<f64>() {
                            Ok(f) if s.contains('.') => num(f),
                            _ => s,
                        })
                })
                .collect()
        })
        .collect();
    let align: Vec<Align> = names
        .iter()
        .map(|c| if df.column(c).is_ok_and(|s| s.dtype().is_primitive_numeric()) { R } else { L })
        .collect();
    let hdr: Vec<&str> = names.iter().map(String::as_str).collect();
    blocks.push(table(&hdr, &align, rows, ""));
    if dropped {
        blocks.push(note(format!(
            "Rows that could describe fewer than {} people, alone or subtracted from the totals, were left out.",
            ctx.min()
        )));
    }
    Ok(Section::new(SectionKind::Query, &title, blocks))
}
