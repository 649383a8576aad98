//! The cover: responses, response rate and questions asked.

use super::blocks::*;

/// The cover section.
pub fn cover(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    let meta = ctx.ws.config.rounds.get(&ctx.round).cloned().unwrap_or_default();
    let asked = ctx.catalog.questions.iter().filter(|q| q.rounds.contains_key(&ctx.round)).count();
    let mut items = vec![Kpi {
        label: "Responses".into(),
        value: meta.responses.to_string(),
        detail: meta
            .invited
            .map_or("invited count not recorded".into(), |i| format!("of {i} invited")),
    }];
    if let Some(r) = meta.response_rate() {
        let prev = ctx
            .previous
            .as_ref()
            .and_then(|p| ctx.ws.config.rounds.get(p))
            .and_then(|m| m.response_rate());
        items.push(Kpi {
            label: "Response rate".into(),
            value: pct1(r),
            detail: prev.map_or("first round".into(), |p| {
                format!("{} vs {}", points1(r - p), ctx.previous.as_deref().unwrap_or(""))
            }),
        });
    }
    items.push(Kpi {
        label: "Questions".into(),
        value: asked.to_string(),
        detail: format!("{} rounds so far", ctx.rounds.len()),
    });
    Ok(Section::new(SectionKind::Cover, title, vec![Block::Kpis { items }]))
}
