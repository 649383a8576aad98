//! The executive summary: headline numbers, survey health, what changed beyond noise, the
//! Goodhart alerts and the DORA levels, each from the same rows the commands print.

use super::blocks::*;
use super::delivery::dora_cells;
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
    let round = ctx.round.clone();
    let meta = ctx.ws.config.rounds.get(&round).cloned().unwrap_or_default();
    let mut kpis = Vec::new();
    let outcome = ctx.ws.config.outcome.clone();
    let rows = ctx.summary()?;
    if let Some(o) = outcome.as_deref().and_then(|o| whole(rows, o)).filter(|r| !r.suppressed)
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
    let checked = ctx.checked()?;
    if let Some(c) = &checked {
        let high = c.alerts.iter().filter(|a| inputs::severity(a) == "high").count();
        kpis.push(Kpi {
            label: "Guardrail alerts".into(),
            value: c.alerts.len().to_string(),
            detail: format!("{high} high severity, {} vs {}", c.period, c.previous),
        });
    }
    if !kpis.is_empty() {
        blocks.push(Block::Kpis { items: kpis });
    }
    // Survey health.
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
    let flags = ctx.quality()?.get(&round).copied().unwrap_or_default();
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
    let compare = ctx.compare()?;
    let tested: Vec<&crate::analyse::compare::CompareRow> = compare
        .iter()
        .filter(|r| r.group.is_empty() && r.option.is_empty() && !r.suppressed)
        .collect();
    if let Some(prev) = ctx.previous.clone() {
        let improved: Vec<_> = tested.iter().filter(|r| inputs::verdict(r) == "improved").collect();
        let declined: Vec<_> = tested.iter().filter(|r| inputs::verdict(r) == "declined").collect();
        let flat = tested.iter().filter(|r| inputs::verdict(r) == "no detectable change").count();
        let nc = tested.iter().filter(|r| inputs::verdict(r) == "not comparable").count();
        if tested.is_empty() {
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
        let line = |r: &&&crate::analyse::compare::CompareRow| -> String {
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
        if !improved.is_empty() {
            blocks.push(Block::Subhead { text: "Improved beyond noise".into() });
            blocks.push(Block::List { items: improved.iter().map(line).collect() });
        }
        if !declined.is_empty() {
            blocks.push(Block::Subhead { text: "Declined beyond noise".into() });
            blocks.push(Block::List { items: declined.iter().map(line).collect() });
        }
    } else {
        health.push_str(" This is the first round, so there is nothing to compare against yet.");
        blocks.push(para(health));
    }
    // Goodhart alerts.
    if let Some(c) = &checked {
        if c.alerts.is_empty() {
            blocks.push(para(format!(
                "pulse check raised no Goodhart alert for {} against {}.",
                c.period, c.previous
            )));
        } else {
            let kinds: BTreeMap<&str, usize> = c.alerts.iter().fold(BTreeMap::new(), |mut m, a| {
                *m.entry(inputs::alert_kind(a)).or_default() += 1;
                m
            });
            blocks.push(para(format!(
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
            )));
            let mut sorted: Vec<_> =
                c.alerts.iter().filter(|a| inputs::severity(a) != "info").collect();
            sorted.sort_by_key(|a| {
                ["high", "medium", "low"].iter().position(|s| *s == inputs::severity(a))
            });
            blocks.push(Block::List {
                items: sorted
                    .iter()
                    .take(4)
                    .map(|a| {
                        format!(
                            "{} ({}): {}",
                            a.metric,
                            inputs::alert_kind(a).replace('_', " "),
                            a.message
                        )
                    })
                    .collect(),
            });
        }
    }
    // DORA levels.
    let deploys = ctx.deploys()?;
    if let Some(d) = deploys.get(&round) {
        let y = DoraYear::Y2024;
        let [f, l, c, r] = dora_cells(d, y);
        blocks.push(para(format!(
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
        )));
    }
    Ok(Section::new(SectionKind::Summary, title, blocks))
}
