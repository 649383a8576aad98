//! SQL over the store (polars SQL): every table registered in one context, statements split,
//! `{{min_group_size}}` and `{{period_start}}`/`{{period_end}}` filled. `pulse query`, the
//! report's SQL sections and `pulse check` run through here.

use std::path::Path;

use anyhow::{Context, Result, bail};
use polars::prelude::*;
use polars::sql::SQLContext;

use crate::store::catalog::Catalog;
use crate::store::{frames, workspace::Workspace};

/// Documentation of every table column: (table, column, type, meaning).
pub const SCHEMA: &[(&str, &str, &str, &str)] = &[
    ("rounds", "round", "str", "round ID, e.g. 2026-Q1"),
    ("rounds", "platform", "str", "platform that wrote the export"),
    ("rounds", "source_file", "str", "file name of the export"),
    ("rounds", "imported_at", "str", "import time, UTC RFC 3339"),
    ("rounds", "invited", "u64", "developers invited (null when not given)"),
    ("rounds", "responses", "u64", "responses imported"),
    ("rounds", "response_rate", "f64", "responses / invited"),
    ("questions", "round", "str", "round the question was asked in"),
    ("questions", "question_id", "str", "stable question ID from catalog.toml"),
    ("questions", "text", "str", "wording in that round"),
    ("questions", "kind", "str", "likert, likelihood, single, multi, numeric, text"),
    ("questions", "scale_points", "u32", "points on the scale (rated kinds)"),
    ("questions", "construct", "str", "construct tag (catalog)"),
    ("questions", "aspect", "str", "CNCF maturity aspect tag (catalog)"),
    ("questions", "capability", "str", "platform capability tag (catalog)"),
    ("questions", "direction", "str", "higher_is_better or lower_is_better"),
    ("questions", "grid", "str", "grid/matrix the question is a row of"),
    ("questions", "wording_changed", "bool", "worded differently from the previous round"),
    ("questions", "scale_changed", "bool", "scale points differ from the previous round"),
    ("respondents", "round", "str", "round ID"),
    ("respondents", "respondent", "str", "pseudonym (keyed hash; links a person across rounds)"),
    (
        "respondents",
        "submitted_at",
        "datetime",
        "submission time (UTC when the export gave a zone)",
    ),
    ("respondents", "duration_s", "f64", "seconds taken"),
    ("respondents", "complete", "bool", "finished the survey"),
    (
        "respondents",
        "quality_flags",
        "str",
        "comma-separated: duplicate, speeder, straightliner, incomplete",
    ),
    ("respondents", "<segment>", "str", "one column per segment in pulse.toml (team, role, …)"),
    ("responses", "round", "str", "round ID"),
    ("responses", "respondent", "str", "pseudonym"),
    ("responses", "question_id", "str", "stable question ID"),
    ("responses", "label", "str", "answer as shown to the respondent (null when blank)"),
    (
        "responses",
        "value",
        "f64",
        "number on the question's scale; option position for single choice; 1 per chosen multi-select option; null when not a value (N/A, blank)",
    ),
    ("comments", "round", "str", "round ID"),
    ("comments", "respondent", "str", "pseudonym"),
    ("comments", "question_id", "str", "free-text question ID"),
    ("comments", "text", "str", "the comment, e-mails and phone numbers scrubbed"),
];

/// A SQL context with every table registered.
pub fn context(ws: &Workspace) -> Result<SQLContext> {
    let ctx = SQLContext::new();
    let catalog = Catalog::load(ws)?;
    ctx.register("rounds", frames::rounds_frame(ws)?.lazy());
    ctx.register("questions", frames::questions_frame(&catalog)?.lazy());
    for t in ["respondents", "responses", "comments"] {
        ctx.register(t, frames::table(ws, t, None)?);
    }
    for t in ["builds", "deployments", "changes", "incidents", "usage"] {
        ctx.register(t, frames::telemetry_table(ws, t)?);
    }
    Ok(ctx)
}

/// Reads the SQL: a `.sql` file (as given, or in the workspace `queries/`) or literal text.
pub fn sql_text(ws: &Workspace, arg: &str) -> Result<String> {
    if arg.trim_end().ends_with(".sql") && !arg.contains(char::is_whitespace) {
        for p in
            [Path::new(arg).to_path_buf(), ws.root.join(arg), ws.root.join("queries").join(arg)]
        {
            if p.is_file() {
                return std::fs::read_to_string(&p)
                    .with_context(|| format!("reading {}", p.display()));
            }
        }
        bail!(
            "no such SQL file {arg}\nhint: files are looked up as given, then in the workspace and its queries/"
        );
    }
    Ok(arg.to_string())
}

/// Splits SQL on `;` outside quotes and comments.
pub fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    cur.push(c);
                }
                '-' if chars.peek() == Some(&'-') => {
                    for d in chars.by_ref() {
                        if d == '\n' {
                            cur.push('\n');
                            break;
                        }
                    }
                }
                ';' => out.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            },
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// Runs SQL text against a workspace and returns the last statement's result.
pub fn execute(ws: &Workspace, sql: &str) -> Result<DataFrame> {
    let sql = sql.replace("{{min_group_size}}", &ws.config.min_group_size.to_string());
    let sql = if sql.contains("{{period_") { fill_period(ws, &sql, None)? } else { sql };
    let stmts = statements(&sql);
    if stmts.is_empty() {
        bail!("the query is empty");
    }
    let mut ctx = context(ws)?;
    let mut last = None;
    for s in &stmts {
        let lf = ctx
            .execute(s)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("in SQL: {}", first_line(s)))?;
        last = Some(lf);
    }
    let df = last
        .expect("at least one statement")
        .collect()
        .map_err(anyhow::Error::from)
        .context("running the query")?;
    Ok(df)
}

/// Replaces `{{period_start}}` and `{{period_end}}` (YYYY-MM-DD, end exclusive) with the bounds
/// of `period` (a label like 2026-Q3, 2026-07 or 2026-W27; default: the latest round).
pub fn fill_period(ws: &Workspace, sql: &str, period: Option<&str>) -> Result<String> {
    let p = match period {
        Some(p) => p.to_string(),
        None => ws.round_ids().last().cloned().context(
            "{{period_start}} needs a period: import a round (its ID names the quarter) or use `pulse report`",
        )?,
    };
    let (a, b) = crate::analyse::dora::label_bounds(&p).with_context(|| {
        format!(
            "{{{{period_start}}}}: {p:?} is not a period label like 2026-Q3, 2026-07 or 2026-W27"
        )
    })?;
    Ok(sql
        .replace("{{period_start}}", &a.format("%Y-%m-%d").to_string())
        .replace("{{period_end}}", &b.format("%Y-%m-%d").to_string()))
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or("");
    if l.len() > 80 {
        format!("{}…", &l[..l.char_indices().nth(79).map_or(l.len(), |(i, _)| i)])
    } else {
        l.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::statements;

    #[test]
    fn splits_statements_outside_quotes_and_comments() {
        let s = statements("-- a; comment\nSELECT 'a;b' AS x; SELECT 2;\n");
        assert_eq!(s, vec!["SELECT 'a;b' AS x".to_string(), "SELECT 2".to_string()]);
    }
}
