//! `pulse themes`: comment themes per round, change against the previous round, sentiment, and
//! anonymity-safe example comments.

use std::collections::HashMap;

use anyhow::Result;
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::themes::{ThemeRow, default_themes, themes};
use crate::cli::{Global, ThemesArgs};
use crate::store::{frames, workspace::Workspace};

/// Comments of a round with "may be quoted": every segment group of the author has at least
/// the minimum number of respondents.
fn comments(ws: &Workspace, round: &str) -> Result<Vec<(String, bool)>> {
    let r = [round.to_string()];
    let resp =
        frames::table(ws, "respondents", Some(&r))?.collect().map_err(anyhow::Error::from)?;
    let segs: Vec<String> =
        ws.config.segments.keys().filter(|s| resp.column(s.as_str()).is_ok()).cloned().collect();
    let ids = resp.column("respondent")?.str()?.clone();
    let mut small: std::collections::HashSet<String> = std::collections::HashSet::new();
    for s in &segs {
        let col = resp.column(s.as_str())?.cast(&DataType::String)?;
        let vals = col.str()?.clone();
        let mut sizes: HashMap<Option<&str>, usize> = HashMap::new();
        for v in vals.iter() {
            *sizes.entry(v).or_default() += 1;
        }
        for (id, v) in ids.iter().zip(vals.iter()) {
            if sizes[&v] < ws.config.min_group_size {
                small.insert(id.unwrap_or("").to_string());
            }
        }
    }
    let c = frames::table(ws, "comments", Some(&r))?
        .select([col("respondent"), col("text")])
        .sort(["respondent"], SortMultipleOptions::default())
        .collect()
        .map_err(anyhow::Error::from)?;
    let who = c.column("respondent")?.str()?.clone();
    let text = c.column("text")?.str()?.clone();
    Ok(who
        .iter()
        .zip(text.iter())
        .map(|(w, t)| (t.unwrap_or("").to_string(), !small.contains(w.unwrap_or(""))))
        .collect())
}

/// Themes of `round`: comments, share, change against the round before, sentiment, examples.
pub fn frame(ws: &Workspace, round: &str) -> Result<DataFrame> {
    let catalog = super::questions::load_catalog(ws)?;
    let dict = if catalog.themes.is_empty() { default_themes() } else { catalog.themes.clone() };
    let now = themes(&comments(ws, round)?, &dict);
    let prev_round = ws.round_ids().into_iter().rfind(|r| r.as_str() < round);
    let prev: HashMap<String, ThemeRow> = match &prev_round {
        Some(p) => {
            themes(&comments(ws, p)?, &dict).into_iter().map(|r| (r.theme.clone(), r)).collect()
        }
        None => HashMap::new(),
    };
    let len = now.len();
    let prev_share: Vec<Option<f64>> = now
        .iter()
        .map(|r| prev_round.as_ref().map(|_| prev.get(&r.theme).map_or(0.0, |p| p.share)))
        .collect();
    let df = DataFrame::new(
        len,
        vec![
            Column::new("round".into(), vec![round; len]),
            Column::new("theme".into(), now.iter().map(|r| r.theme.clone()).collect::<Vec<_>>()),
            Column::new(
                "comments".into(),
                now.iter().map(|r| r.comments as u64).collect::<Vec<_>>(),
            ),
            Column::new("share".into(), now.iter().map(|r| r.share).collect::<Vec<_>>()),
            Column::new("share_previous".into(), prev_share.clone()),
            Column::new(
                "share_change".into(),
                now.iter()
                    .zip(&prev_share)
                    .map(|(r, p)| p.map(|p| r.share - p))
                    .collect::<Vec<_>>(),
            ),
            Column::new("sentiment".into(), now.iter().map(|r| r.sentiment).collect::<Vec<_>>()),
            Column::new(
                "examples".into(),
                now.iter().map(|r| r.examples.join(" | ")).collect::<Vec<_>>(),
            ),
        ],
    )?;
    Ok(df)
}

/// Runs `pulse themes`.
pub fn run(g: &Global, a: &ThemesArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let round = super::load::round_or_latest(&ws, a.round.as_ref())?;
    let df = frame(&ws, &round)?;
    crate::output::print_frame(&df, a.format)?;
    Ok(ExitStatus::Success)
}
