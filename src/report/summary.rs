//! The executive summary: headline numbers, survey health, what changed beyond noise, the
//! Goodhart alerts and the DORA levels, each from the same rows the commands print.

use super::blocks::*;
use super::delivery::dora_cells;
use crate::analyse::compare::CompareRow;
use crate::analyse::dora::DoraYear;

/// A test's name for reading.
fn test_name(t: &str) -> String {
    match t {
        "mann-whitney" => "Mann–Whitney U".into(),
        "wilcoxon" => "Wilcoxon signed-rank".into(),
        "chi-square" => "chi-square".into(),
        t => t.to_string(),
    }
}

/// The executive summary.
pub fn summary(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    let mut blocks = Vec::new();
    let checked = ctx.checked()?;
    let kpis = headline(ctx, checked)?;
    if !kpis.is_empty() {
        blocks.push(Block::Kpis { items: kpis });
    }
    let mut health = survey_health(ctx)?;
    match ctx.previous.as_deref() {
        Some(prev) => changes(ctx, prev, health, &mut blocks)?,
        None => {
            health
                .push_str(" This is the first round, so there is nothing to compare against yet.");
            blocks.push(para(health));
        }
    }
    if let Some(c) = checked {
        blocks.extend(alerts(c));
    }
    if let Some(d) = ctx.deploys()?.get(&ctx.round) {
        blocks.push(dora_levels(&ctx.round, d));
    }
    Ok(Section::new(SectionKind::Summary, title, blocks))
}

/// The headline numbers: the outcome's top box, the NPS and the guardrail alerts.
fn headline(ctx: &Ctx<'_>, checked: Option<&inputs::Checked>) -> Result<Vec<Kpi>> {
    let mut kpis = Vec::new();
    let rows = ctx.summary()?;
    if let Some(o) =
        ctx.ws.config.outcome.as_deref().and_then(|o| whole(rows, o)).filter(|r| !r.suppressed)
        && let (Some(t), Some((lo, hi))) = (o.top_box, o.top_box_ci)
    {
        kpis.push(Kpi {
            label: format!("{} (top box)", ctx.label(&o.question_id)),
            value: pct1(t),
            detail: format!("95 % CI {}–{}, n = {}", pct1(lo), pct1(hi), o.n),
        });
    }
    if let Some(r) = rows.iter().find(|r| r.nps.is_some() && r.group.is_empty() && !r.suppressed)
        && let Some((v, lo, hi)) = r.nps
    {
        kpis.push(Kpi {
            label: "Net Promoter Score".into(),
            value: signed1(v),
            detail: format!("95 % CI {} to {}, n = {}", signed1(lo), signed1(hi), r.n),
        });
    }
    if let Some(c) = checked {
        let high = c.alerts.iter().filter(|a| inputs::severity(a) == "high").count();
        kpis.push(Kpi {
            label: "Guardrail alerts".into(),
            value: c.alerts.len().to_string(),
            detail: format!("{high} high severity, {} vs {}", c.period, c.previous),
        });
    }
    Ok(kpis)
}

/// Responses, response rate against the previous round, and the quality flags, as sentences.
fn survey_health(ctx: &Ctx<'_>) -> Result<String> {
    let round = &ctx.round;
    let meta = ctx.ws.config.rounds.get(round).cloned().unwrap_or_default();
    let mut health = format!("{} developers answered the {round} survey", meta.responses);
    if let (Some(r), Some(i)) = (meta.response_rate(), meta.invited) {
        health.push_str(&format!(" ({} of {i} invited", pct1(r)));
        if let Some(p) =
            ctx.previous.as_ref().and_then(|p| ctx.ws.config.rounds.get(p).map(|m| (p, m)))
            && let Some(pr) = p.1.response_rate()
        {
            health.push_str(&format!(", {} against {}", points1(r - pr), p.0));
        }
        health.push(')');
    }
    health.push('.');
    let flags = ctx.quality()?.get(round).copied().unwrap_or_default();
    if flags.iter().any(|n| *n > 0) {
        health.push_str(&format!(
            " Quality flags (kept in the data, counted here): {}.",
            QUALITY_FLAGS
                .iter()
                .zip(flags)
                .map(|((f, _), n)| format!("{n} {f}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(health)
}

/// What changed against `prev`: the counts (ending the health paragraph), then the questions
/// that improved or declined beyond noise.
fn changes(ctx: &Ctx<'_>, prev: &str, mut health: String, blocks: &mut Vec<Block>) -> Result<()> {
    let round = &ctx.round;
    let tested: Vec<&CompareRow> = ctx
        .compare()?
        .iter()
        .filter(|r| r.group.is_empty() && r.option.is_empty() && !r.suppressed)
        .collect();
    let with = |v: &str| -> Vec<&CompareRow> {
        tested.iter().copied().filter(|r| inputs::verdict(r) == v).collect()
    };
    let (improved, declined) = (with("improved"), with("declined"));
    let (flat, nc) = (with("no detectable change").len(), with("not comparable").len());
    if tested.is_empty() && ctx.compare()?.iter().any(|r| r.suppressed) {
        health.push_str(&format!(
            " No comparison with {prev} can be shown without describing fewer than {} people.",
            ctx.min()
        ));
    } else if tested.is_empty() {
        health.push_str(&format!(
            " No question was asked in both {prev} and {round}, so nothing is compared."
        ));
    } else {
        health.push_str(&format!(
            " Against {prev}, {} of {} compared questions improved and {} declined beyond noise \
             (Benjamini–Hochberg q < 0.05); {flat} showed no detectable change{}.",
            improved.len(),
            tested.len(),
            declined.len(),
            if nc > 0 {
                format!(" and {nc} were not comparable (scale change or too few answers)")
            } else {
                String::new()
            }
        ));
    }
    blocks.push(para(health));
    let line = |r: &&CompareRow| -> String {
        let tb = match (r.top_box_from, r.top_box_to) {
            (Some(a), Some(b)) => format!("top box {} → {}", pct1(a), pct1(b)),
            _ => match (r.mean_from, r.mean_to) {
                (Some(a), Some(b)) => format!("mean {} → {}", dec2(a), dec2(b)),
                _ => String::new(),
            },
        };
        format!(
            "{}: {tb} ({}, q {}{})",
            ctx.label(&r.question_id),
            test_name(&r.test),
            opt(r.q_value, q_is),
            r.effect_size.map_or(String::new(), |e| format!(
                ", {} {}",
                r.effect_size_kind,
                signed2(e)
            ))
        )
    };
    for (head, rows) in [("Improved beyond noise", &improved), ("Declined beyond noise", &declined)]
    {
        if !rows.is_empty() {
            blocks.push(Block::Subhead { text: head.into() });
            blocks.push(Block::List { items: rows.iter().map(line).collect() });
        }
    }
    Ok(())
}

/// The Goodhart alerts `pulse check` raised: how many of each kind, the most severe four.
fn alerts(c: &inputs::Checked) -> Vec<Block> {
    if c.alerts.is_empty() {
        return vec![para(format!(
            "pulse check raised no Goodhart alert for {} against {}.",
            c.period, c.previous
        ))];
    }
    let kinds: BTreeMap<&str, usize> = c.alerts.iter().fold(BTreeMap::new(), |mut m, a| {
        *m.entry(inputs::alert_kind(a)).or_default() += 1;
        m
    });
    let intro = para(format!(
        "pulse check raised {} Goodhart alert{} for {} against {} ({}); the most severe:",
        c.alerts.len(),
        if c.alerts.len() == 1 { "" } else { "s" },
        c.period,
        c.previous,
        kinds
            .iter()
            .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut sorted: Vec<_> = c.alerts.iter().filter(|a| inputs::severity(a) != "info").collect();
    sorted
        .sort_by_key(|a| ["high", "medium", "low"].iter().position(|s| *s == inputs::severity(a)));
    let items = sorted
        .iter()
        .take(4)
        .map(|a| {
            format!("{} ({}): {}", a.metric, inputs::alert_kind(a).replace('_', " "), a.message)
        })
        .collect();
    vec![intro, Block::List { items }]
}

/// The round's DORA levels in one sentence.
fn dora_levels(round: &str, d: &crate::analyse::dora::DeployMetrics) -> Block {
    let y = DoraYear::Y2024;
    let [f, l, c, r] = dora_cells(d, y);
    para(format!(
        "Delivery in {round} (DORA {} clusters): deployment frequency {}/day ({}), lead time {} h ({}), \
         change failure rate {} ({}), failed deployment recovery {} h ({}); times are medians.",
        y.label(),
        f.0,
        f.1,
        l.0,
        l.1,
        c.0,
        c.1,
        r.0,
        r.1
    ))
}
