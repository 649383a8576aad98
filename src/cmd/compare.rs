//! `pulse compare [FROM TO]`: round-over-round tests with effect sizes, BH q-values and
//! verdicts; per segment group with anonymity rules.

use anyhow::{Result, bail};

use crate::ExitStatus;
use crate::analyse::compare::CompareOptions;
use crate::cli::{CompareArgs, Global};
use crate::store::{read, workspace::Workspace};

/// The two rounds to compare: as given, or the latest and the one before. Refuses a round
/// against itself; warns (stderr) when FROM comes after TO in round order.
fn rounds(ws: &Workspace, from: &str, to: &str) -> Result<(String, String)> {
    let all = ws.round_ids();
    let (from, to) = match (from.is_empty(), to.is_empty()) {
        (true, true) => match all.as_slice() {
            [.., a, b] => (a.clone(), b.clone()),
            _ => bail!(
                "compare needs two imported rounds, found {}\nhint: pulse import survey FILE --round ID",
                all.len()
            ),
        },
        (false, false) => (from.to_string(), to.to_string()),
        _ => bail!(
            "compare takes two rounds or none\nhint: pulse compare FROM TO, or `pulse compare` for the latest round against the one before"
        ),
    };
    read::check_round(ws, &from)?;
    read::check_round(ws, &to)?;
    if from == to {
        bail!(
            "cannot compare round {from} with itself\nhint: name two different rounds, e.g. pulse compare {} {from}",
            read::previous_round(ws, &from).unwrap_or_else(|| "EARLIER".into())
        );
    }
    let pos = |r: &str| all.iter().position(|x| x == r);
    if pos(&from) > pos(&to) {
        eprintln!(
            "warning: {from} comes after {to} in round order; deltas read {to} minus {from} (swap them for change over time)"
        );
    }
    Ok((from, to))
}

/// Runs `pulse compare`.
pub fn run(g: &Global, a: &CompareArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let (from, to) = rounds(&ws, &a.from, &a.to)?;
    let opts = CompareOptions {
        min_n: ws.config.min_group_size,
        rescale: a.rescale,
        paired: a.paired,
        alpha: 0.05,
    };
    let segment = a.segment.as_deref();
    let rows =
        crate::analyse::survey::compare_rows(&ws, &from, &to, segment, a.exclusion.exclude, opts)?;
    let mut df = crate::analyse::compare::frame(&rows, &from, &to, segment)?;
    if a.format == crate::cli::Format::Table {
        let mut keep = vec!["question_id"];
        if a.segment.is_some() {
            keep.push("group");
        }
        keep.extend([
            "option",
            "n_from",
            "n_to",
            "mean_delta",
            "top_box_delta",
            "test",
            "p_value",
            "q_value",
            "effect_size",
            "verdict",
            "flags",
        ]);
        df = df.select(keep)?;
    }
    crate::output::print_frame(&df, a.format)?;
    crate::analyse::survey::print_exclusion_notes(&ws, &[&from, &to], a.exclusion.exclude)?;
    Ok(ExitStatus::Success)
}
