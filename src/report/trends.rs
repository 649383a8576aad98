//! Round over round: top-box share per round with intervals (small multiples), and the Net
//! Promoter Score per round.

use super::blocks::*;

/// Trend panels per figure.
const TREND_PANELS: usize = 12;

/// The trends section, for the `only` questions when given.
pub fn trends(ctx: &Ctx<'_>, title: &str, only: &[String]) -> Result<Section> {
    if ctx.rounds.len() < 2 {
        return Ok(Section::skip(
            SectionKind::Trends,
            title,
            "only one round so far: trends need two",
        ));
    }
    let df = ctx.trend()?;
    let (q, g, o, r) = (
        col_str(df, "question_id")?,
        col_str(df, "group")?,
        col_str(df, "option")?,
        col_str(df, "round")?,
    );
    let (k, tb, lo, hi) = (
        col_str(df, "kind")?,
        col_f64(df, "top_box")?,
        col_f64(df, "top_box_ci_low")?,
        col_f64(df, "top_box_ci_high")?,
    );
    let (bb, n) = (col_f64(df, "bottom_box")?, col_str(df, "n")?);
    let series: Vec<u32> = col_str(df, "series")?.iter().map(|s| s.parse().unwrap_or(1)).collect();
    let reworded = col_str(df, "wording_changed")?;
    let brk = col_str(df, "break")?;
    let mut panels: BTreeMap<String, Vec<TrendPoint>> = BTreeMap::new();
    let mut changes = 0;
    for i in 0..q.len() {
        if !g[i].is_empty() || !o[i].is_empty() || k[i] != "likert" {
            continue;
        }
        if !only.is_empty() && !only.contains(&q[i]) {
            continue;
        }
        changes += usize::from(reworded[i] == "true") + usize::from(!brk[i].is_empty());
        // One favourable convention: a lower-is-better item plots its bottom-box share (the
        // favourable answers), with its own Wilson interval, as every other chart does.
        let fav = if ctx.favourable(&q[i]) {
            (tb[i], lo[i], hi[i])
        } else {
            match (bb[i], n[i].parse::<usize>()) {
                (Some(b), Ok(n)) => {
                    let k = (b * n as f64).round() as usize;
                    let ci = crate::analyse::estimate::wilson(k, n);
                    (Some(b), ci.map(|c| c.0), ci.map(|c| c.1))
                }
                _ => (None, None, None),
            }
        };
        let (Some(y), Some(l), Some(h)) = fav else { continue };
        let x = ctx.rounds.iter().position(|x| *x == r[i]).unwrap_or(0);
        panels.entry(q[i].clone()).or_default().push(TrendPoint {
            x,
            y,
            lo: l,
            hi: h,
            series: series[i],
            reworded: reworded[i] == "true",
        });
    }
    if panels.is_empty() {
        return Ok(Section::skip(
            SectionKind::Trends,
            title,
            "no rated question was asked in two rounds",
        ));
    }
    let panels: Vec<TrendPanel> = panels
        .into_iter()
        .map(|(q, points)| {
            let t = ctx.marked_label(&q);
            TrendPanel { title: t, points }
        })
        .collect();
    let rounds = ctx.rounds.clone();
    // Four rows of three panels per figure: a figure and its caption fit an A4 or Letter page.
    let mut names = Vec::new();
    for (i, part) in pages(&panels, TREND_PANELS).into_iter().enumerate() {
        names.push(ctx.chart(chart::trends(
            &part_name("trends", i),
            "Favourable share per round with 95 % Wilson intervals",
            &rounds,
            part,
        )?));
    }
    let mut blocks = vec![para(
        "Favourable share (the top two points of a 5- or 7-point scale; the bottom two for items \
         marked ▼) per round, with its 95 % Wilson interval as a band. \
         Where the intervals of two rounds overlap widely, the change is within noise; the \
         executive summary's verdicts come from the tests, not from the picture.",
    )];
    blocks.extend(figures(
        names,
        "Favourable share (%) per round. A vertical line and a new series mark a scale change (not comparable across it); ◆ marks a reworded question.",
    ));
    blocks.extend(beyond_noise(ctx)?);
    if changes > 0 {
        blocks.push(note(format!(
            "{} wording or scale change(s) in these rounds; the methods appendix lists them.",
            changes
        )));
    }
    Ok(Section::new(SectionKind::Trends, title, blocks))
}

/// A test's name for reading.
fn test_name(t: &str) -> String {
    match t {
        "mann-whitney" => "Mann–Whitney U".into(),
        "wilcoxon" => "Wilcoxon signed-rank".into(),
        "chi-square" => "chi-square".into(),
        t => t.to_string(),
    }
}

/// Every item that improved, declined or changed beyond noise against the previous round
/// (categorical options included), with the change and its interval, the test, its
/// Benjamini–Hochberg q-value and effect size: the executive summary's evidence.
fn beyond_noise(ctx: &Ctx<'_>) -> Result<Vec<Block>> {
    let (changed, compared) = super::summary::changes(ctx)?;
    let Some(prev) = ctx.previous.as_deref() else { return Ok(Vec::new()) };
    if changed.is_empty() {
        return Ok(vec![para(format!(
            "No item moved beyond noise between {prev} and {} ({} questions compared).",
            ctx.round, compared.0
        ))]);
    }
    let rows = ctx.compare()?;
    let trows = changed
        .iter()
        .map(|c| {
            let r = rows.iter().find(|r| {
                r.group.is_empty() && r.question_id == c.question && r.option == c.option
            });
            vec![
                c.label.clone(),
                capitalise(&c.verdict),
                format!("{} → {}", pct1(c.from), pct1(c.to)),
                match c.ci {
                    Some((lo, hi)) => format!(
                        "{:+.1} ({:+.1} to {:+.1})",
                        (c.to - c.from) * 100.0,
                        lo * 100.0,
                        hi * 100.0
                    ),
                    None => format!("{:+.1}", (c.to - c.from) * 100.0),
                },
                r.map_or(String::new(), |r| test_name(&r.test)),
                r.and_then(|r| r.q_value).map_or(DASH.into(), pq),
                r.and_then(|r| {
                    r.effect_size.map(|e| format!("{} {}", r.effect_size_kind, signed2(e)))
                })
                .unwrap_or_else(|| DASH.into()),
            ]
        })
        .collect();
    Ok(vec![
        Block::Subhead { text: "Changes beyond noise".into() },
        table(
            &["Item", "Verdict", "Share", "Change, points (95 % CI)", "Test", "q", "Effect size"],
            &[L, L, R, R, L, R, L],
            trows,
            &format!(
                "Every item that moved beyond noise, {prev} → {}, of {} questions and {} \
                 multi-select options compared \
                 (favourable share, or the share choosing an option; Newcombe 95 % interval of \
                 the change; Benjamini–Hochberg q over all tested items)",
                ctx.round, compared.0, compared.1
            ),
        ),
    ])
}

/// The NPS section (skipped without a 0–10 question).
pub fn nps(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    let df = ctx.trend()?;
    let (q, g, r) = (col_str(df, "question_id")?, col_str(df, "group")?, col_str(df, "round")?);
    let (v, lo, hi) =
        (col_f64(df, "nps")?, col_f64(df, "nps_ci_low")?, col_f64(df, "nps_ci_high")?);
    let n = col_str(df, "n")?;
    let mut by_q: BTreeMap<String, Vec<Point>> = BTreeMap::new();
    for i in 0..q.len() {
        if !g[i].is_empty() {
            continue;
        }
        if let (Some(v), Some(l), Some(h)) = (v[i], lo[i], hi[i]) {
            by_q.entry(q[i].clone()).or_default().push(Point {
                label: r[i].clone(),
                value: v,
                ci: Some((l, h)),
                n: n[i].parse().ok(),
            });
        }
    }
    let Some((qid, points)) = by_q.into_iter().next() else {
        return Ok(Section::skip(
            SectionKind::Nps,
            title,
            "no 0–10 likelihood-to-recommend question",
        ));
    };
    let last = points.last().cloned();
    let spec = Line {
        name: "nps".into(),
        title: "Net Promoter Score per round with 95 % interval".into(),
        y_desc: "NPS (points, −100 to +100)".into(),
        series: vec![("NPS".into(), points)],
        decimals: 1,
        ..Line::default()
    };
    let name = ctx.chart(chart::line(&spec, &chart::Colours::default())?);
    let mut blocks = vec![figure(
        name,
        format!(
            "\"{}\": % promoters (9–10) − % detractors (0–6), with a 95 % interval from the multinomial variance.",
            ctx.label(&qid)
        ),
    )];
    if let Some(p) = last {
        let (l, h) = p.ci.unwrap_or((p.value, p.value));
        blocks.insert(0, para(format!(
            "NPS in {} is {} (95 % CI {} to {}, n = {}). An interval this wide means moves of a few points between rounds are noise.",
            p.label, signed1(p.value), signed1(l), signed1(h), p.n.unwrap_or(0)
        )));
    }
    Ok(Section::new(SectionKind::Nps, title, blocks))
}
