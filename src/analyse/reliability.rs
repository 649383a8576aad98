//! Reliability of constructs: Cronbach's α over a construct's items (three or more), corrected
//! item–total correlations, and warnings for a low α or an α that dropped after a rewording.

use std::collections::BTreeMap;

use polars::prelude::{Column, DataFrame, PolarsResult};

use super::correlate::cronbach;

/// A round's rated items: per question, values dense per respondent code (NaN = no answer),
/// and the respondents' pseudonyms per code (rows are ordered by pseudonym).
pub struct Items<'a> {
    /// Question -> dense values.
    pub values: BTreeMap<&'a str, &'a [f64]>,
    /// Pseudonym per respondent code.
    pub respondents: &'a [String],
}

/// One `reliability` row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReliabilityRow {
    /// Construct tag.
    pub construct: String,
    /// Items tagged with it in the round.
    pub items: usize,
    /// Complete rows used.
    pub n: Option<usize>,
    /// Cronbach's α.
    pub alpha: Option<f64>,
    /// `question=r; …` corrected item–total correlations.
    pub item_total: String,
    /// Low α, or α dropped after a wording change.
    pub warning: String,
}

/// A construct to assess: its items, and whether any was reworded in the round.
pub struct Construct<'a> {
    /// Construct tag.
    pub name: &'a str,
    /// Its question IDs in catalog order.
    pub items: Vec<&'a str>,
    /// True when an item's wording changed in the round.
    pub reworded: bool,
}

/// Cronbach's α of `ids` over the respondents with any answer to them (listwise inside
/// [`cronbach`]); None when an item has no answers in the round.
pub fn alpha(items: &Items, ids: &[&str]) -> Option<(f64, usize, Vec<Option<f64>>)> {
    let cols: Vec<&[f64]> = ids.iter().filter_map(|q| items.values.get(q).copied()).collect();
    if cols.len() != ids.len() {
        return None;
    }
    let mut people: Vec<usize> = (0..items.respondents.len())
        .filter(|&p| cols.iter().any(|c| c.get(p).is_some_and(|v| !v.is_nan())))
        .collect();
    people.sort_by(|&a, &b| items.respondents[a].cmp(&items.respondents[b]));
    let rows: Vec<Vec<f64>> = people
        .iter()
        .map(|&p| cols.iter().map(|c| c.get(p).copied().unwrap_or(f64::NAN)).collect())
        .collect();
    cronbach(&rows)
}

/// One row per construct with three or more items. `previous` is the round before (needed
/// only when a construct was reworded): a drop in α of more than 0.1 after a rewording warns.
pub fn rows(
    constructs: &[Construct],
    now: &Items,
    previous: Option<&Items>,
) -> Vec<ReliabilityRow> {
    let mut out = Vec::new();
    for c in constructs.iter().filter(|c| c.items.len() >= 3) {
        let mut row = ReliabilityRow {
            construct: c.name.to_string(),
            items: c.items.len(),
            ..Default::default()
        };
        let mut warn = Vec::new();
        if let Some((al, n, it)) = alpha(now, &c.items) {
            if al < 0.7 {
                warn.push(format!("alpha {al:.2} below 0.7"));
            }
            row.item_total = c
                .items
                .iter()
                .zip(&it)
                .map(|(q, r)| format!("{q}={}", r.map_or("-".into(), |r| format!("{r:.2}"))))
                .collect::<Vec<_>>()
                .join("; ");
            row.n = Some(n);
            row.alpha = Some(al);
            if c.reworded
                && let Some((pa, _, _)) = previous.and_then(|p| alpha(p, &c.items))
                && pa - al > 0.1
            {
                warn.push(format!("alpha dropped {pa:.2} -> {al:.2} after a wording change"));
            }
        }
        row.warning = warn.join("; ");
        out.push(row);
    }
    out
}

/// The rows as a frame with the documented field names.
pub fn frame(rows: &[ReliabilityRow], round: &str) -> PolarsResult<DataFrame> {
    let len = rows.len();
    DataFrame::new(
        len,
        vec![
            Column::new("round".into(), vec![round; len]),
            Column::new(
                "construct".into(),
                rows.iter().map(|x| x.construct.clone()).collect::<Vec<_>>(),
            ),
            Column::new("items".into(), rows.iter().map(|x| x.items as u64).collect::<Vec<_>>()),
            Column::new("n".into(), rows.iter().map(|x| x.n.map(|n| n as u64)).collect::<Vec<_>>()),
            Column::new("alpha".into(), rows.iter().map(|x| x.alpha).collect::<Vec<_>>()),
            Column::new(
                "item_total".into(),
                rows.iter().map(|x| x.item_total.clone()).collect::<Vec<_>>(),
            ),
            Column::new(
                "warning".into(),
                rows.iter().map(|x| x.warning.clone()).collect::<Vec<_>>(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_over_dense_items_matches_pingouin() {
        // The `cronbach_matches_pingouin` items (correlate.rs): pingouin.cronbach_alpha -> 0.8809020436927414
        let a = [4., 5., 3., 4., 2., 5., 4., 3., 4., 5., 2., 3.];
        let b = [4., 4., 3., 5., 2., 5., 3., 3., 4., 4., 1., 3.];
        let c = [5., 5., 2., 4., 3., 4., 4., 2., 5., 5., 2., 2.];
        let names: Vec<String> = (0..12).map(|i| format!("r{i:02}")).collect();
        let items = Items {
            values: [("a", &a[..]), ("b", &b[..]), ("c", &c[..])].into_iter().collect(),
            respondents: &names,
        };
        let d = [3., 4., 3., 4., 2., 5., 4., 4., 3., 4., 3., 3.];
        let mut values = items.values.clone();
        values.insert("d", &d[..]);
        let items = Items { values, respondents: &names };
        let (al, n, _) = alpha(&items, &["a", "b", "c", "d"]).unwrap();
        assert!((al - 0.8809020436927414).abs() < 1e-12);
        assert_eq!(n, 12);
        let rows = rows(
            &[Construct { name: "x", items: vec!["a", "b", "c", "d"], reworded: false }],
            &items,
            None,
        );
        assert_eq!(rows[0].items, 4);
        assert!(rows[0].warning.is_empty());
        assert!(alpha(&items, &["a", "nope"]).is_none(), "an item without answers");
    }
}
