//! Segments: favourable share per group and question, small groups suppressed.

use super::blocks::*;
use crate::analyse::disclosure::ROUND;

/// The heatmap section for `segment` (default: `team`, else the first segment).
pub fn heatmap(ctx: &Ctx<'_>, title: &str, segment: Option<&str>) -> Result<Section> {
    let segs: Vec<String> = ctx.ws.config.segments.keys().cloned().collect();
    let seg = match segment {
        Some(s) => s.to_string(),
        None => match segs.iter().find(|s| s.as_str() == "team").or(segs.first()) {
            Some(s) => s.clone(),
            None => {
                return Ok(Section::skip(
                    SectionKind::Heatmap,
                    title,
                    "no segments configured in pulse.toml",
                ));
            }
        },
    };
    let Ok(sizes) = inputs::group_sizes(ctx.ws, &ctx.round, &seg, ctx.exclude) else {
        return Ok(Section::skip(
            SectionKind::Heatmap,
            title,
            format!("segment {seg:?} is not recorded for this round"),
        ));
    };
    let min = ctx.min();
    let plan = ctx.plan()?;
    // Rows: the groups the disclosure plan publishes for the round as a whole; the others are
    // left out, names included, and nothing says how many or how large they are.
    let mut shown: Vec<String> = sizes
        .keys()
        .filter(|g| g.as_str() != "(none)" && plan.shows(ROUND, &seg, g))
        .cloned()
        .collect();
    shown.sort();
    if shown.is_empty() {
        return Ok(Section::skip(
            SectionKind::Heatmap,
            title,
            format!("no {seg} group can be shown without identifying a group under {min}"),
        ));
    }
    let rows = ctx.summary_by(&seg)?;
    let questions: Vec<String> = {
        let mut v: Vec<String> = rows
            .iter()
            .filter(|r| r.kind == "likert" && r.option.is_empty())
            .map(|r| r.question_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        v.sort();
        v
    };
    let mut cells = Vec::new();
    let mut suppressed = 0;
    for g in &shown {
        let mut line = Vec::new();
        for q in &questions {
            let r =
                rows.iter().find(|r| &r.group == g && &r.question_id == q && r.option.is_empty());
            line.push(match r {
                Some(r) if r.suppressed => {
                    suppressed += 1;
                    Cell::Suppressed
                }
                Some(r) => {
                    let v = if ctx.favourable(q) { r.top_box } else { r.bottom_box };
                    v.map_or(Cell::Missing, Cell::Value)
                }
                None => Cell::Missing,
            });
        }
        cells.push(line);
    }
    let labels: Vec<String> = questions.iter().map(|q| ctx.marked_label(q)).collect();
    // A row hidden entirely (complementary suppression, protecting a smaller group) shows no n.
    let rl: Vec<String> = shown
        .iter()
        .zip(&cells)
        .map(|(g, c)| {
            // With an exclusion, the group's size without the left-out people is a figure of
            // that set: shown when the plan publishes it.
            let published = plan.shows_excluding(ROUND, Some(&seg), g, ctx.exclude);
            if published && c.iter().any(|x| matches!(x, Cell::Value(_))) {
                format!("{g} (n={})", sizes[g])
            } else {
                g.clone()
            }
        })
        .collect();
    // Wider or taller grids than a page holds become a figure and its continuations: every
    // question and every shown group appears, each chart with the same scale and legend.
    let (max_cols, max_rows) = chart::heatmap_fit(&rl);
    let col_parts = pages(&(0..labels.len()).collect::<Vec<_>>(), max_cols)
        .into_iter()
        .map(<[usize]>::to_vec)
        .collect::<Vec<_>>();
    let row_parts = pages(&(0..rl.len()).collect::<Vec<_>>(), max_rows)
        .into_iter()
        .map(<[usize]>::to_vec)
        .collect::<Vec<_>>();
    let mut names = Vec::new();
    for rows_in in &row_parts {
        for cols_in in &col_parts {
            let part_rows: Vec<String> = rows_in.iter().map(|&i| rl[i].clone()).collect();
            let part_cols: Vec<String> = cols_in.iter().map(|&j| labels[j].clone()).collect();
            let part_cells: Vec<Vec<Cell>> =
                rows_in.iter().map(|&i| cols_in.iter().map(|&j| cells[i][j]).collect()).collect();
            names.push(ctx.chart(chart::heatmap(
                &part_name("heatmap", names.len()),
                &format!("Favourable share per {seg} and question, {}", ctx.round),
                &part_rows,
                &part_cols,
                &part_cells,
                min,
            )?));
        }
    }
    let mut blocks = figures(
        names,
        &format!(
            "Favourable share per {seg} (▼: bottom box, a low answer is good). Hatched cells are hidden: fewer than {min} answers, or a whole row withheld so that a smaller group cannot be worked out from the totals."
        ),
    );
    let mut n = format!(
        "{} {seg} groups shown. Groups whose figures could describe fewer than {min} people, alone or by subtraction from other figures, are left out entirely, names included.",
        shown.len()
    );
    if suppressed > 0 {
        n.push_str(&format!(" {suppressed} cell(s) hidden."));
    }
    blocks.push(note(n));
    Ok(Section::new(SectionKind::Heatmap, title, blocks))
}
