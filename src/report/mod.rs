//! `report`: the stage between `analyse` and `render`. It runs every analysis a report needs
//! once (the [`Ctx`]), builds one [`Section`] per entry of the spec, each by its own builder
//! (one file per [`SectionKind`]), and assembles the [`Doc`] the renderers turn into files.
//! Everything it reads from the store or the analyses goes through [`inputs`].

use std::time::Instant;

use anyhow::{Context, Result};

use crate::render::spec::{Loaded, SectionKind, SectionSpec};
use crate::render::{Doc, Meta, Section};
use crate::store::workspace::Workspace;

mod blocks;
mod briefing;
pub mod context;
mod cover;
mod delivery;
mod drivers;
mod files;
pub mod format;
mod guardrails;
mod heatmap;
pub mod inputs;
mod labels;
mod likert;
mod maturity;
mod methods;
mod query;
mod summary;
mod themes;
mod trends;

pub use context::{Ctx, QUALITY_FLAGS};
pub use files::{FORMATS, MARKER, formats, render_files, spec_path, write_dir};

/// Builds the section `s` asks for.
fn section(ctx: &Ctx<'_>, s: &SectionSpec) -> Result<Section> {
    let title = s.title.clone().unwrap_or_else(|| s.kind.default_title().to_string());
    let title = title.as_str();
    match s.kind {
        SectionKind::Cover => cover::cover(ctx, title),
        SectionKind::Summary => summary::summary(ctx, title),
        SectionKind::Maturity => maturity::maturity(ctx, title),
        SectionKind::Likert => likert::likert(ctx, title, &s.questions),
        SectionKind::Trends => trends::trends(ctx, title, &s.questions),
        SectionKind::Heatmap => heatmap::heatmap(ctx, title, s.segment.as_deref()),
        SectionKind::Drivers => drivers::drivers(ctx, title),
        SectionKind::Nps => trends::nps(ctx, title),
        SectionKind::Delivery => delivery::delivery(ctx, title),
        SectionKind::Guardrails => guardrails::guardrails(ctx, title),
        SectionKind::Themes => themes::themes(ctx, title),
        SectionKind::Query => query::query(ctx, title, s.query.as_deref().unwrap_or_default()),
        SectionKind::Methods => methods::methods(ctx, title),
    }
}

/// First and last submission date of a round (YYYY-MM-DD).
fn date_range(ws: &Workspace, round: &str) -> Result<Option<(String, String)>> {
    use polars::prelude::*;
    let df = crate::store::frames::table(ws, "respondents", Some(&[round.to_string()]))?
        .select([col("submitted_at").min().alias("a"), col("submitted_at").max().alias("b")])
        .collect()
        .map_err(anyhow::Error::from)?;
    let day = |c: &str| -> Result<Option<String>> {
        let v = df.column(c)?.get(0)?;
        Ok(crate::output::cell_text(&v).filter(|s| s.len() >= 10).map(|s| s[..10].to_string()))
    };
    Ok(match (day("a")?, day("b")?) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    })
}

fn ymd(date: &str) -> Result<(i32, u32, u32)> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .with_context(|| format!("date {date:?}: expected YYYY-MM-DD"))?;
    use chrono::Datelike;
    Ok((d.year(), d.month(), d.day()))
}

/// Builds the document for `round` from the spec; `date` fixes the document date (default: the
/// round's last response, so reruns are identical).
pub fn build(ws: &Workspace, round: &str, loaded: &Loaded, date: Option<&str>) -> Result<Doc> {
    let ctx = Ctx::new(ws, round, loaded.spec.exclude)?;
    let range = date_range(ws, round)?;
    let date = match date {
        Some(d) => d.to_string(),
        // No submission dates in the export: the day the round was imported (the date line of
        // the document says "dates not recorded"), never a placeholder.
        None => match range.as_ref() {
            Some(r) => r.1.clone(),
            None => ws
                .config
                .rounds
                .get(round)
                .map(|m| m.imported_at.chars().take(10).collect::<String>())
                .filter(|d| d.len() == 10)
                .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%d").to_string()),
        },
    };
    let meta = Meta {
        title: loaded.spec.title.clone(),
        org: ws.config.organisation.clone(),
        round: round.to_string(),
        previous_round: ctx.previous.clone(),
        ymd: ymd(&date)?,
        date,
        date_range: range
            .map_or_else(|| "dates not recorded".into(), |(a, b)| format!("{a} to {b}")),
        paper: if loaded.spec.paper == "a4" { "a4".into() } else { "us-letter".into() },
        min_group_size: ws.config.min_group_size,
        generator: format!("pulse {}", env!("CARGO_PKG_VERSION")),
    };
    let mut out = Vec::new();
    let timing = std::env::var_os("PULSE_TIMING").is_some();
    for s in &loaded.spec.sections {
        let t = Instant::now();
        let sec = section(&ctx, s).with_context(|| {
            format!("report section {:?}", s.title.as_deref().unwrap_or(s.kind.as_str()))
        })?;
        if timing {
            eprintln!("  section {:<10} {:6.2} s", s.kind, t.elapsed().as_secs_f64());
        }
        out.push(sec);
    }
    Ok(Doc { meta, sections: out, charts: ctx.into_charts() })
}
