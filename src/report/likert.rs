//! Answers by question: diverging stacked bars per construct.

use super::blocks::*;

/// Shares per scale point from a `1=154; 2=247` distribution.
fn shares(dist: &str, points: usize) -> Option<Vec<f64>> {
    let mut counts = vec![0f64; points];
    for part in dist.split("; ") {
        let (k, v) = part.split_once('=')?;
        let k: f64 = k.trim().parse().ok()?;
        let v: f64 = v.trim().parse().ok()?;
        let i = k as usize;
        // 0–10 items start at 0; others at 1.
        let idx = if points == 11 { i } else { i.checked_sub(1)? };
        *counts.get_mut(idx)? += v;
    }
    let t: f64 = counts.iter().sum();
    (t > 0.0).then(|| counts.iter().map(|c| c / t).collect())
}

/// Bars per figure: a figure and its caption fit an A4 or Letter page.
const LIKERT_ROWS: usize = 20;

/// The Likert section, for the `only` questions when given.
pub fn likert(ctx: &Ctx<'_>, title: &str, only: &[String]) -> Result<Section> {
    let rows = ctx.summary()?;
    let mut groups: BTreeMap<(String, String), Vec<(f64, LikertRow)>> = BTreeMap::new();
    let mut scales_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut hidden = 0;
    for r in rows.iter().filter(|r| r.kind == "likert" && r.group.is_empty() && r.option.is_empty())
    {
        if !only.is_empty() && !only.contains(&r.question_id) {
            continue;
        }
        if r.suppressed {
            hidden += 1;
            continue;
        }
        let Some(q) = ctx.catalog.get(&r.question_id) else { continue };
        let scale_name = q.rounds.get(&ctx.round).map_or(q.scale.clone(), |a| a.scale.clone());
        let Some(scale) = crate::ingest::scales::scale_by_name(&scale_name) else { continue };
        let points = scale.points.len();
        let Some(mut sh) = shares(&r.distribution, points) else { continue };
        let fav = ctx.favourable(&r.question_id);
        let score = if fav { r.top_box } else { r.bottom_box }.unwrap_or(0.0);
        if !fav {
            sh.reverse();
        }
        let construct = if q.construct.is_empty() {
            "other rated".to_string()
        } else {
            q.construct.replace('_', " ")
        };
        let key = (construct, String::new());
        scales_of.entry(key.0.clone()).or_default().insert(format!(
            "{}{}",
            scale_name,
            if fav { "" } else { ":reversed" }
        ));
        let label = ctx.marked_label(&r.question_id);
        groups.entry(key).or_default().push((score, LikertRow { label, n: r.n, shares: sh }));
    }
    if groups.is_empty() {
        return Ok(Section::skip(
            SectionKind::Likert,
            title,
            "no rated (Likert) questions with enough answers in this round",
        ));
    }
    let mut blocks = vec![para(format!(
        "Each bar is one question in {}: unfavourable answers to the left of zero, favourable to the right, \
         the neutral answer centred on zero. Bars are sorted by favourable share. Throughout this report, items marked ▼ are ones \
         where a low answer is good (\"how often do flaky tests block you\"): they are reversed, so \
         their favourable share, right and up are always good.",
        ctx.round
    ))];
    for (i, ((construct, _), mut items)) in groups.into_iter().enumerate() {
        items.sort_by(|a, b| b.0.total_cmp(&a.0));
        let scales = &scales_of[&construct];
        let (labels, base) = if scales.len() == 1 {
            let scale = scales.first().expect("one");
            let base = scale.split(':').next().unwrap_or("").to_string();
            let sc = crate::ingest::scales::scale_by_name(&base).expect("checked above");
            let mut labels: Vec<String> =
                (1..=sc.points.len()).map(|v| capitalise(sc.label(v))).collect();
            if scale.ends_with(":reversed") {
                labels.reverse();
            }
            (labels, format!("{base} scale"))
        } else {
            let labels =
                ["Most unfavourable", "Unfavourable", "Neutral", "Favourable", "Most favourable"]
                    .map(String::from)
                    .to_vec();
            (labels, "mixed scales; 7-point items use the same ramp with finer steps".to_string())
        };
        let rows: Vec<LikertRow> = items.into_iter().map(|x| x.1).collect();
        let mut names = Vec::new();
        for (k, part) in pages(&rows, LIKERT_ROWS).into_iter().enumerate() {
            names.push(ctx.chart(chart::likert(
                &part_name(&format!("likert-{}", i + 1), k),
                &format!("Answers to the {construct} items, {}", ctx.round),
                &labels,
                part,
            )?));
        }
        blocks.extend(figures(
            names,
            &format!("{} ({base}): share of valid answers per point.", capitalise(&construct)),
        ));
    }
    if hidden > 0 {
        blocks.push(note(format!(
            "{hidden} question(s) had fewer than {} answers and are not shown.",
            ctx.min()
        )));
    }
    Ok(Section::new(SectionKind::Likert, title, blocks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_distributions() {
        let s = shares("1=1; 2=1; 3=2", 5).unwrap();
        assert_eq!(s, vec![0.25, 0.25, 0.5, 0.0, 0.0]);
        let s = shares("0=1; 10=3", 11).unwrap();
        assert_eq!(s[0], 0.25);
        assert_eq!(s[10], 0.75);
        assert!(shares("", 5).is_none());
    }
}
