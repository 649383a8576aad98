//! `pulse questions`: the catalog, per question (with the rounds it was asked in) or per round.

use anyhow::Result;
use polars::prelude::*;

use crate::ExitStatus;
use crate::cli::{Global, QuestionsArgs};
use crate::store::catalog::Catalog;
use crate::store::{frames, workspace::Workspace};

/// Runs `pulse questions`.
pub fn run(g: &Global, args: &QuestionsArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let catalog = Catalog::load(&ws)?;
    let mut df = frames::questions_frame(&catalog)?;
    if let Some(r) = &args.round {
        if !ws.config.rounds.contains_key(r) {
            anyhow::bail!("no round {r:?}\nhint: `pulse rounds` lists the imported rounds");
        }
        df = df.lazy().filter(col("round").eq(lit(r.clone()))).collect()?;
    }
    if !args.long && args.round.is_none() {
        df = per_question(&catalog, &ws.round_ids())?;
    }
    crate::output::print_frame(&df, args.format)?;
    Ok(ExitStatus::Success)
}

/// One row per question: id, kind, scale, the rounds asked, and what changed where.
fn per_question(c: &Catalog, rounds: &[String]) -> Result<DataFrame> {
    let mut id = Vec::new();
    let mut kind = Vec::new();
    let mut scale = Vec::new();
    let mut asked = Vec::new();
    let mut changes = Vec::new();
    let mut text = Vec::new();
    for q in &c.questions {
        id.push(q.id.clone());
        kind.push(q.kind.clone());
        scale.push(q.scale.clone());
        let marks: Vec<&str> =
            rounds.iter().map(|r| if q.rounds.contains_key(r) { "x" } else { "." }).collect();
        asked.push(marks.join(""));
        let mut ch = Vec::new();
        for (r, a) in &q.rounds {
            if a.wording_changed {
                ch.push(format!("{r}: reworded"));
            }
            if a.scale_changed {
                ch.push(format!("{r}: scale {}", a.scale));
            }
        }
        changes.push(ch.join("; "));
        text.push(q.text.clone());
    }
    Ok(DataFrame::new(
        id.len(),
        vec![
            Column::new("question_id".into(), id),
            Column::new("kind".into(), kind),
            Column::new("scale".into(), scale),
            Column::new("rounds".into(), asked),
            Column::new("changes".into(), changes),
            Column::new("text".into(), text),
        ],
    )?)
}
