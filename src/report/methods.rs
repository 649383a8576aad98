//! Methods and data: rounds, response quality, tests used, the full wording behind each short
//! label, wording and scale changes.

use super::blocks::*;

/// The methods appendix.
pub fn methods(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    let mut rows = Vec::new();
    for r in &ctx.rounds {
        let m = ctx.ws.config.rounds.get(r).cloned().unwrap_or_default();
        let mut row = vec![
            r.clone(),
            m.platform.clone(),
            m.invited.map_or(DASH.into(), |i| i.to_string()),
            m.responses.to_string(),
            opt(m.response_rate(), pct1),
        ];
        let flags = ctx.quality()?.get(r).copied().unwrap_or_default();
        row.extend(flags.iter().map(|n| n.to_string()));
        rows.push(row);
    }
    let mut changes = Vec::new();
    for q in &ctx.catalog.questions {
        for (r, a) in &q.rounds {
            if ctx.rounds.contains(r) && (a.wording_changed || a.scale_changed) {
                let what = match (a.wording_changed, a.scale_changed) {
                    (true, true) => format!("reworded; scale changed to {}", a.scale),
                    (true, false) => format!("reworded (similarity {})", opt(a.similarity, dec2)),
                    _ => format!("scale changed to {}", a.scale),
                };
                changes.push(vec![q.id.clone(), r.clone(), what]);
            }
        }
    }
    let caption = if ctx.exclude.is_empty() {
        "Rounds and response quality (flagged responses are kept in the store, counted here)"
            .to_string()
    } else {
        format!(
            "Rounds and response quality (flagged responses are kept in the store, counted here; \
             the analyses of this report leave out the respondents {})",
            ctx.exclude.who()
        )
    };
    let mut blocks = vec![
        table(
            &["Round", "Platform", "Invited", "Responses", "Rate", "Duplicates", "Speeders", "Straightliners", "Incomplete"],
            &[L, L, R, R, R, R, R, R, R],
            rows,
            &caption,
        ),
        Block::List {
            items: vec![
                "Proportions (favourable share: top box, or bottom box for the items marked ▼ where a low answer is good, in every chart and table): 95 % Wilson score intervals. Means: 95 % Student t intervals. NPS: 95 % interval from the multinomial variance of promoters and detractors.".into(),
                "Round over round: Mann–Whitney U (two-sided, tie- and continuity-corrected) with rank-biserial effect size for rated items; chi-square with Cramér's V for single choice.".into(),
                "Multiple comparisons: Benjamini–Hochberg false discovery rate over every question compared; a change is reported as improved or declined only when its q-value is below 0.05.".into(),
                format!("Anonymity: a group's figures are shown only when at least {} people are behind them and no smaller set can be worked out by adding or subtracting published figures — across segments, and against earlier rounds; hidden cells are drawn as suppressed, and comments are quoted only from people shown under every segment.", ctx.min()),
                "Items whose scale changed are not compared across the change (the trend line breaks); reworded items are marked.".into(),
                "Drivers: Spearman rank correlation with the outcome question, with a Fisher-z 95 % interval.".into(),
                "Delivery metrics follow DORA's definitions (production deployments; lead time from first commit; change failure rate including failed attempts; recovery time of change failures), levels from the DORA 2024 clusters; build time is the wall clock of successful runs.".into(),
                "Goodhart guardrails: telemetry changes are tested on the events (Mann–Whitney on durations, two-proportion z on rates, exact conditional binomial on Poisson counts), BH-corrected; target bunching uses a one-sided exact binomial test on the bins adjacent to the target.".into(),
            ],
        },
    ];
    if let Some(Block::List { items }) = blocks.get_mut(1)
        && !ctx.exclude.is_empty()
    {
        items.insert(0, exclusion_text(ctx)?);
    }
    // The full wording of every question whose charts and tables use a shorter label.
    let wording: Vec<Vec<String>> = ctx
        .catalog
        .questions
        .iter()
        .filter(|q| q.rounds.contains_key(&ctx.round))
        .filter_map(|q| {
            let text = q.rounds.get(&ctx.round).map_or(q.text.as_str(), |a| a.text.as_str());
            let label = ctx.label(&q.id);
            (label != text.trim()).then(|| vec![label, text.to_string()])
        })
        .collect();
    if !wording.is_empty() {
        blocks.push(table(
            &["Label", "Question as asked"],
            &[L, L],
            wording,
            "Short labels used in the charts and tables, with the full wording",
        ));
    }
    if !changes.is_empty() {
        blocks.push(table(
            &["Question", "Round", "Change"],
            &[L, L, L],
            changes,
            "Wording and scale changes",
        ));
    }
    Ok(Section::new(SectionKind::Methods, title, blocks))
}

/// The methods line on the respondents the report leaves out (`exclude` in the spec or
/// `--exclude`).
fn exclusion_text(ctx: &Ctx<'_>) -> Result<String> {
    let mut per_round = Vec::new();
    let mut suppressed = Vec::new();
    for r in &ctx.rounds {
        match crate::report::inputs::excluded_count(ctx.ws, r, ctx.exclude)? {
            Some(left) => per_round.push(format!("{r}: {left}")),
            None => {
                per_round.push(format!("{r}: not shown"));
                let all = crate::store::read::FlagSet::ALL;
                suppressed
                    .push((r.clone(), crate::report::inputs::exclusion_shown(ctx.ws, r, all)?));
            }
        }
    }
    let mut text = format!(
        "Excluded from every survey figure, with all their responses: respondents {} ({}). A figure is shown without them only when it could not be compared with the same figure under another exclusion, or none, to describe fewer than {} people.",
        ctx.exclude.who(),
        per_round.join("; "),
        ctx.min()
    );
    if !suppressed.is_empty() {
        let rounds: Vec<&str> = suppressed.iter().map(|(r, _)| r.as_str()).collect();
        text.push_str(&format!(
            " In {}, the figures without them are suppressed (set against figures with another exclusion or none, in that round or an earlier one, they would describe fewer than {} people){}.",
            rounds.join(", "),
            ctx.min(),
            if suppressed.iter().all(|(_, all)| *all) {
                " (excluding every flag instead can be shown)"
            } else {
                ""
            }
        ));
    }
    Ok(text)
}
