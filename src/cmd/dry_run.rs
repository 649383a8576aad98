//! `pulse import survey FILE --dry-run`: how every column of the export would be read
//! (question, kind, scale, identifying or not, and why), without writing anything.

use anyhow::Result;
use polars::prelude::{Column, DataFrame};

use crate::cli::{Format, SummaryFormat};
use crate::ingest::layout::Role;
use crate::ingest::survey::{ItemKind, Survey};

/// The interpretation as a table: one row per column of the export.
pub fn frame(s: &Survey, keep: &[String]) -> Result<DataFrame> {
    let keep: Vec<String> = keep.iter().map(|k| crate::ingest::scales::normalise(k)).collect();
    let mut field = Vec::new();
    let mut header = Vec::new();
    let mut role = Vec::new();
    let mut question = Vec::new();
    let mut kind = Vec::new();
    let mut scale = Vec::new();
    let mut identifying = Vec::new();
    let mut reason = Vec::new();
    for c in &s.columns {
        field.push(c.index as u32 + 1);
        header.push(c.header.clone());
        let item = s.items.iter().find(|it| it.columns.contains(&c.index));
        let segment = s.segments.iter().find(|g| g.header == c.header);
        let pii = matches!(c.role, Role::Pii { .. });
        let kept = pii && keep.contains(&crate::ingest::scales::normalise(&c.header));
        role.push(match (&c.role, item, segment) {
            (_, _, Some(g)) => format!("segment {}", g.name),
            (Role::Pii { .. }, _, _) if kept => "identifying (kept)".into(),
            (Role::Pii { .. }, _, _) => "identifying (dropped)".into(),
            (Role::Question, Some(_), _) => "question".into(),
            (Role::Question, None, _) => "not imported (no answers)".into(),
            (Role::Meta, _, _) => "metadata (not stored)".into(),
            (r, _, _) => format!("{r:?}").to_lowercase(),
        });
        question.push(item.map(|it| it.text.clone()).unwrap_or_default());
        kind.push(item.map(|it| it.kind.name().to_string()).unwrap_or_default());
        scale.push(
            item.and_then(|it| match &it.kind {
                ItemKind::Scale(k) => Some(k.name()),
                _ => None,
            })
            .unwrap_or_default(),
        );
        identifying.push(pii);
        reason.push(match item {
            Some(it) if c.role == Role::Question => it.why.clone(),
            _ => c.reason.clone(),
        });
    }
    Ok(DataFrame::new(
        field.len(),
        vec![
            Column::new("field".into(), field),
            Column::new("header".into(), header),
            Column::new("role".into(), role),
            Column::new("question".into(), question),
            Column::new("kind".into(), kind),
            Column::new("scale".into(), scale),
            Column::new("identifying".into(), identifying),
            Column::new("reason".into(), reason),
        ],
    )?)
}

/// Prints the interpretation; a text header says what was detected.
pub fn print(s: &Survey, keep: &[String], format: SummaryFormat) -> Result<()> {
    let df = frame(s, keep)?;
    match format {
        SummaryFormat::Json => crate::output::print_frame(&df, Format::Json),
        SummaryFormat::Text => {
            let dates = match &s.date_order {
                Some((o, why)) => format!("{} ({why})", o.name()),
                None => "no day/month dates".into(),
            };
            crate::output::print_line(&format!(
                "dry run: {} ({}, {}), {}; {} responses, {} questions; dates {dates}; nothing written",
                s.platform.name(),
                s.variant,
                if s.detected { "detected" } else { "forced" },
                s.encoding.name(),
                s.respondents.len(),
                s.items.len(),
            ))?;
            crate::output::print_frame(&df, Format::Table)
        }
    }
}
