//! Answers by question: diverging stacked bars per construct.

use super::blocks::*;

/// Shares per scale point from a `1=154; 2=247` distribution of a scale whose lowest value is
/// `low` (1 for labelled scales and 1–N ratings, 0 for 0–10 likelihood items).
fn shares(dist: &str, low: i64, points: usize) -> Option<Vec<f64>> {
    let mut counts = vec![0f64; points];
    for part in dist.split("; ") {
        let (k, v) = part.split_once('=')?;
        let k: f64 = k.trim().parse().ok()?;
        let v: f64 = v.trim().parse().ok()?;
        let idx = usize::try_from(k as i64 - low).ok()?;
        *counts.get_mut(idx)? += v;
    }
    let t: f64 = counts.iter().sum();
    (t > 0.0).then(|| counts.iter().map(|c| c / t).collect())
}

/// The lowest value of a rated scale and the legend label of each point: the labels of a
/// labelled scale, the numbers of a numeric rating (`1 (lowest)` … `5 (highest)`); None for a
/// scale that is not rated.
fn point_labels(scale: &str) -> Option<(i64, Vec<String>)> {
    use crate::ingest::scales::ScaleKind;
    match ScaleKind::from_name(scale)? {
        ScaleKind::Labelled(sc) => {
            Some((1, (1..=sc.points.len()).map(|v| capitalise(sc.label(v))).collect()))
        }
        ScaleKind::Numeric { low, high } if high > low && high - low <= 10 => Some((
            low,
            (low..=high)
                .map(|v| match v {
                    v if v == low => format!("{v} (lowest)"),
                    v if v == high => format!("{v} (highest)"),
                    v => v.to_string(),
                })
                .collect(),
        )),
        _ => None,
    }
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
        // Labelled scales and numeric ratings (1–5, 1–10, 0–10) alike: a rated item is drawn.
        let Some((low, labels)) = point_labels(&scale_name) else { continue };
        let Some(mut sh) = shares(&r.distribution, low, labels.len()) else { continue };
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
            let mut labels = point_labels(&base).map(|x| x.1).unwrap_or_default();
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
        let s = shares("1=1; 2=1; 3=2", 1, 5).unwrap();
        assert_eq!(s, vec![0.25, 0.25, 0.5, 0.0, 0.0]);
        let s = shares("0=1; 10=3", 0, 11).unwrap();
        assert_eq!(s[0], 0.25);
        assert_eq!(s[10], 0.75);
        assert!(shares("", 1, 5).is_none());
        assert!(shares("6=1", 1, 5).is_none(), "a value off the scale is not drawn");
    }

    #[test]
    fn numeric_ratings_are_rated_scales() {
        let (low, l) = point_labels("numeric1_5").unwrap();
        assert_eq!((low, l.len()), (1, 5));
        assert_eq!((l[0].as_str(), l[4].as_str()), ("1 (lowest)", "5 (highest)"));
        assert_eq!(point_labels("likelihood0_10").unwrap().0, 0);
        assert_eq!(point_labels("agreement5").unwrap().1[4], "Strongly agree");
        assert!(point_labels("rank6").is_none());
    }
}
