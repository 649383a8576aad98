//! Rankings: a group of columns holding ranks 1..n distinct within each response, or a joined
//! cell listing every option in the respondent's own order (Microsoft Forms).

use super::{Answers, Item, ItemKind, NONE};
use crate::ingest::grid::Row;
use crate::ingest::layout::ColumnSpec;
use crate::ingest::scales::{ScaleKind, is_excluded, normalise};

/// A group of columns is a ranking when every answer is a whole number in 1..=n (n the number
/// of columns) and, within each response, no rank repeats (a rated grid repeats its points).
/// A question that says "rank" needs 90 % of the responses to agree, any other 98 %.
pub(super) fn ranking_group(flags: &[&ColumnSpec], data: &[Row], parent: &str) -> Option<i64> {
    let n = flags.len();
    if n < 2 {
        return None;
    }
    let (mut rows, mut distinct_rows) = (0usize, 0usize);
    let mut seen = vec![false; n + 1];
    for r in data {
        seen.iter_mut().for_each(|s| *s = false);
        let mut answered = 0;
        let mut repeats = false;
        for g in flags {
            let v = r.cells[g.index].trim();
            if v.is_empty() || is_excluded(v) {
                continue;
            }
            let k: usize = v.parse().ok().filter(|k| (1..=n).contains(k))?;
            answered += 1;
            repeats |= std::mem::replace(&mut seen[k], true);
        }
        if answered >= 2 {
            rows += 1;
            distinct_rows += usize::from(!repeats);
        }
    }
    let q = normalise(parent);
    let says_rank = ["rank", "order of preference", "rangfolge", "classez", "ordene", "ordenar"]
        .iter()
        .any(|w| q.contains(w));
    let need = if says_rank { 0.90 } else { 0.98 };
    (rows >= 3 && distinct_rows as f64 >= need * rows as f64).then_some(n as i64)
}

/// A joined "multi-select" whose cells list every option, each in its own order (Microsoft
/// Forms rankings: `A;C;B;`), is a ranking: one item per option, its rank being its position.
pub(super) fn ranking_from_joined(it: &Item) -> Option<Vec<Item>> {
    let Answers::Sets(sets) = &it.answers else { return None };
    let n = it.options.len();
    if it.kind != ItemKind::Multi || n < 2 {
        return None;
    }
    let answered: Vec<&Vec<String>> = sets.iter().filter(|s| !s.is_empty()).collect();
    let full = answered.iter().filter(|s| s.len() == n).count();
    // A multi-select lists chosen options in the form's order; a ranking in the respondent's.
    let orders: std::collections::HashSet<&Vec<String>> =
        answered.iter().copied().filter(|s| s.len() == n).collect();
    if answered.len() < 3 || full * 10 < answered.len() * 9 || orders.len() < 2 {
        return None;
    }
    let labels: Vec<String> = (1..=n).map(|k| k.to_string()).collect();
    Some(
        it.options
            .iter()
            .map(|opt| Item {
                key: format!("{}_{}", it.key, opt),
                text: format!("{} [{opt}]", it.text),
                group: Some(it.text.clone()),
                kind: ItemKind::Scale(ScaleKind::Rank { n: n as i64 }),
                options: vec![],
                position: 0,
                answers: Answers::Coded {
                    labels: labels.clone(),
                    codes: sets
                        .iter()
                        .map(|s| s.iter().position(|o| o == opt).map_or(NONE, |p| p as u32))
                        .collect(),
                },
                why: format!(
                    "ranking: every response lists all {n} options in its own order (joined cell)"
                ),
                columns: it.columns.clone(),
            })
            .collect(),
    )
}
