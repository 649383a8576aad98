//! `pulse compare FROM TO`: round-over-round tests with effect sizes, BH q-values and verdicts;
//! per segment group with anonymity rules.

use std::collections::HashMap;

use anyhow::Result;
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::anonymity::{delta_hidden, suppress};
use crate::analyse::compare::{CompareOptions, CompareRow, compare_question, finish};
use crate::analyse::summary::Answers;
use crate::cli::{CompareArgs, Global};
use crate::store::workspace::{RoundMeta, Workspace};

/// Response rate below which a comparison is flagged `low_response_rate`.
pub const LOW_RESPONSE_RATE: f64 = 0.25;

/// Computes the comparison rows.
pub fn rows(
    ws: &Workspace,
    from: &str,
    to: &str,
    segment: Option<&str>,
    opts: CompareOptions,
) -> Result<Vec<CompareRow>> {
    let catalog = super::questions::load_catalog(ws)?;
    let (mf, mt) = (super::load::metas(&catalog, from), super::load::metas(&catalog, to));
    let lv = super::load::maturity_levels(&catalog);
    // The two rounds load at the same time (one per core).
    let load = |round: &str, metas| -> Result<_> {
        super::load::answers(&super::load::responses(ws, round, segment)?, metas, &lv, opts.paired)
    };
    let (af, at) = std::thread::scope(|s| {
        let from_round = s.spawn(|| load(from, &mf));
        let at = load(to, &mt);
        (from_round.join().expect("loading thread panicked"), at)
    });
    let (af, at) = (af?, at?);
    let (sf, st): (HashMap<String, usize>, HashMap<String, usize>) = match segment {
        Some(s) => (super::load::group_sizes(ws, from, s)?, super::load::group_sizes(ws, to, s)?),
        None => (HashMap::new(), HashMap::new()),
    };
    let empty = Answers::default();
    let min = ws.config.min_group_size;
    let low_rate = [from, to].iter().any(|r| {
        ws.config
            .rounds
            .get(*r)
            .and_then(RoundMeta::response_rate)
            .is_some_and(|x| x < LOW_RESPONSE_RATE)
    });
    let mut out = Vec::new();
    // Questions in both rounds (linked by the catalog), in catalog order.
    for q in catalog.questions.iter().filter(|q| mf.contains_key(&q.id) && mt.contains_key(&q.id)) {
        let (m1, m2) = (&mf[&q.id], &mt[&q.id]);
        if m2.kind == "text" {
            continue;
        }
        let groups: std::collections::BTreeSet<&String> =
            af.keys().chain(at.keys()).filter(|(qid, _)| *qid == q.id).map(|(_, g)| g).collect();
        let groups: Vec<&String> = groups.into_iter().collect();
        // Anonymity: suppress small groups in either round, one more against differencing,
        // and deltas of groups whose size changed by fewer than the minimum.
        let hide: Vec<bool> = if segment.is_some() {
            let size = |m: &HashMap<String, usize>, g: &str| *m.get(g).unwrap_or(&0);
            let h1 = suppress(&groups.iter().map(|g| size(&sf, g)).collect::<Vec<_>>(), min);
            let h2 = suppress(&groups.iter().map(|g| size(&st, g)).collect::<Vec<_>>(), min);
            groups
                .iter()
                .enumerate()
                .map(|(i, g)| h1[i] || h2[i] || delta_hidden(size(&sf, g), size(&st, g), min))
                .collect()
        } else {
            vec![false; groups.len()]
        };
        for (g, hidden) in groups.iter().zip(hide) {
            if hidden {
                out.push(CompareRow {
                    question_id: q.id.clone(),
                    group: (*g).clone(),
                    verdict: "suppressed".into(),
                    suppressed: true,
                    ..CompareRow::default()
                });
                continue;
            }
            let key = (q.id.clone(), (*g).clone());
            let (a1, a2) = (af.get(&key).unwrap_or(&empty), at.get(&key).unwrap_or(&empty));
            let mut rows = compare_question(&q.id, g, (m1, m2), (a1, a2), opts);
            if low_rate {
                for r in &mut rows {
                    r.flags.push("low_response_rate".into());
                }
            }
            out.extend(rows);
        }
    }
    let direction: HashMap<&str, bool> =
        mt.iter().map(|(k, m)| (k.as_str(), m.higher_is_better)).collect();
    finish(&mut out, |q| *direction.get(q).unwrap_or(&true), opts.alpha);
    Ok(out)
}

/// The rows as a frame with the documented field names.
pub fn frame(
    rows: &[CompareRow],
    from: &str,
    to: &str,
    segment: Option<&str>,
) -> Result<DataFrame> {
    let s = |f: &dyn Fn(&CompareRow) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: &dyn Fn(&CompareRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    let n = |f: &dyn Fn(&CompareRow) -> usize| {
        rows.iter().map(|r| (!r.suppressed).then(|| f(r) as u64)).collect::<Vec<_>>()
    };
    let len = rows.len();
    let cols = vec![
        Column::new("from".into(), vec![from; len]),
        Column::new("to".into(), vec![to; len]),
        Column::new("question_id".into(), s(&|r| r.question_id.clone())),
        Column::new("segment".into(), vec![segment.unwrap_or(""); len]),
        Column::new("group".into(), s(&|r| r.group.clone())),
        Column::new("option".into(), s(&|r| r.option.clone())),
        Column::new("n_from".into(), n(&|r| r.n_from)),
        Column::new("n_to".into(), n(&|r| r.n_to)),
        Column::new("mean_from".into(), o(&|r| r.mean_from)),
        Column::new("mean_to".into(), o(&|r| r.mean_to)),
        Column::new("mean_delta".into(), o(&CompareRow::mean_delta)),
        Column::new("top_box_from".into(), o(&|r| r.top_box_from)),
        Column::new("top_box_to".into(), o(&|r| r.top_box_to)),
        Column::new("top_box_delta".into(), o(&CompareRow::top_box_delta)),
        Column::new("test".into(), s(&|r| r.test.clone())),
        Column::new("statistic".into(), o(&|r| r.statistic)),
        Column::new("p_value".into(), o(&|r| r.p_value)),
        Column::new("q_value".into(), o(&|r| r.q_value)),
        Column::new("effect_size".into(), o(&|r| r.effect_size)),
        Column::new("effect_size_kind".into(), s(&|r| r.effect_size_kind.clone())),
        Column::new("verdict".into(), s(&|r| r.verdict.clone())),
        Column::new("flags".into(), s(&|r| r.flags.join(","))),
        Column::new("suppressed".into(), rows.iter().map(|r| r.suppressed).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(len, cols)?)
}

/// Runs `pulse compare`.
pub fn run(g: &Global, a: &CompareArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    super::load::check_round(&ws, &a.from)?;
    super::load::check_round(&ws, &a.to)?;
    let opts = CompareOptions {
        min_n: ws.config.min_group_size,
        rescale: a.rescale,
        paired: a.paired,
        alpha: 0.05,
    };
    let rows = rows(&ws, &a.from, &a.to, a.segment.as_deref(), opts)?;
    let mut df = frame(&rows, &a.from, &a.to, a.segment.as_deref())?;
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
    Ok(ExitStatus::Success)
}
