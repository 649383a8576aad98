//! Comment themes: share per theme, change, sentiment, example comments.

use super::blocks::*;

/// The themes section (skipped without comments).
pub fn themes(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    if let Some(r) = super::inputs::themes_refused(ctx.ws, &ctx.round, ctx.exclude)? {
        return Ok(Section::skip(
            SectionKind::Themes,
            title,
            format!(
                "without the respondents {}, the comments of {r} would describe fewer than {} people",
                ctx.exclude.who(),
                ctx.min()
            ),
        ));
    }
    let df = ctx.themes()?;
    if df.height() == 0 {
        return Ok(Section::skip(
            SectionKind::Themes,
            title,
            "no free-text comments in this round",
        ));
    }
    let (t, n, sh, prev, ch, sent, ex) = (
        col_str(&df, "theme")?,
        col_str(&df, "comments")?,
        col_f64(&df, "share")?,
        col_f64(&df, "share_previous")?,
        col_f64(&df, "share_change")?,
        col_f64(&df, "sentiment")?,
        col_str(&df, "examples")?,
    );
    let bars: Vec<(String, f64, Option<f64>)> =
        (0..t.len()).map(|i| (t[i].clone(), sh[i].unwrap_or(0.0), prev[i])).collect();
    let name = ctx.chart(chart::bars(
        "themes",
        &format!("Share of comments per theme, {}", ctx.round),
        "share of comments (%)",
        &bars,
        true,
    )?);
    let rows: Vec<Vec<String>> = (0..t.len())
        .map(|i| {
            vec![
                t[i].clone(),
                n[i].clone(),
                opt(sh[i], pct0),
                opt(ch[i], pts0),
                opt(sent[i], signed2),
            ]
        })
        .collect();
    let mut blocks = vec![
        figure(
            name,
            "Bars: share of this round's comments mentioning each theme (a comment can have several); black tick: previous round.",
        ),
        table(
            &["Theme", "Comments", "Share", "Change", "Sentiment"],
            &[L, R, R, R, R],
            rows,
            "Themes (sentiment: mean VADER compound score, −1 to +1)",
        ),
    ];
    let mut quoted = 0;
    for i in 0..t.len().min(4) {
        if let Some(e) = ex[i].split(" | ").find(|e| !e.is_empty()) {
            blocks.push(Block::Quote { text: format!("{} ({})", e, t[i]) });
            quoted += 1;
        }
    }
    if quoted > 0 {
        blocks.push(note(format!(
            "Example comments are quoted only from respondents whose every segment group has at least {} people.",
            ctx.min()
        )));
    }
    Ok(Section::new(SectionKind::Themes, title, blocks))
}
