//! Disclosure control for SQL results (report query sections and `pulse query --safe`): pulse
//! cannot audit arbitrary SQL like its own figures, so a result is protected through the column
//! that counts people in each row, declared by its author (`-- count: developers`).

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use polars::prelude::*;

use super::{ROUND, RoundPlan};

/// What protecting a result did.
pub struct Protected {
    /// The rows that may be published.
    pub frame: DataFrame,
    /// Some rows were left out (how many is not said: that could give a size away).
    pub dropped: bool,
}

/// Columns that count people when a query declares none (the old convention).
const COUNT_NAMES: [&str; 4] = ["n", "respondents", "users", "developers"];

/// Protects a query result. `count` is the declared count column; `segments` every segment
/// name of the workspace; `plans` the disclosure plans by round (`latest` for rows without a
/// `round` column).
///
/// - A result with a segment column and no declared count column is refused.
/// - Rows whose count is under `min` are dropped; within each round (the whole result without
///   a `round` column), when the dropped rows add up to fewer than `min` people, the smallest
///   rows are dropped too, so the total minus the shown rows describes no small group.
/// - Rows of a segment group the plan hides for its round are dropped (the same groups every
///   command hides).
pub fn protect(
    df: DataFrame,
    count: Option<&str>,
    segments: &[String],
    plans: &BTreeMap<String, RoundPlan>,
    latest: Option<&str>,
    min: usize,
) -> Result<Protected> {
    let names: Vec<String> = df.get_column_names().iter().map(|s| s.to_string()).collect();
    let seg_cols: Vec<&String> = names.iter().filter(|n| segments.contains(n)).collect();
    let count = match count {
        Some(c) => {
            if !names.iter().any(|n| n == c) {
                bail!(
                    "the declared count column {c:?} is not in the result\nhint: columns: {}",
                    names.join(", ")
                );
            }
            Some(c.to_string())
        }
        None if !seg_cols.is_empty() => bail!(
            "the result has a row per {} but no column that counts people\nhint: add a count column and declare it: `-- count: developers` (or `pulse query --count COLUMN`)",
            seg_cols.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ),
        None => COUNT_NAMES.iter().find(|n| names.iter().any(|x| x == *n)).map(|s| s.to_string()),
    };
    let Some(count) = count else {
        return Ok(Protected { frame: df, dropped: false });
    };
    let h = df.height();
    let sizes: Vec<Option<f64>> = match df.column(&count)?.cast(&DataType::Float64) {
        Ok(c) => c.f64()?.iter().collect(),
        Err(_) => bail!("the count column {count:?} is not a number"),
    };
    let rounds: Vec<Option<String>> = match df.column("round") {
        Ok(c) => c.cast(&DataType::String)?.str()?.iter().map(|s| s.map(str::to_string)).collect(),
        Err(_) => vec![latest.map(str::to_string); h],
    };
    // Plan: rows of hidden segment groups.
    let mut hide: Vec<bool> = vec![false; h];
    for s in &seg_cols {
        let vals = df.column(s.as_str())?.cast(&DataType::String)?;
        for (i, v) in vals.str()?.iter().enumerate() {
            let v = v.unwrap_or("(none)");
            let shown = rounds[i]
                .as_deref()
                .and_then(|r| plans.get(r))
                .is_some_and(|p| p.shows(ROUND, s, v));
            hide[i] |= !shown;
        }
    }
    // Counts under the minimum, then the complement within each round.
    for (i, n) in sizes.iter().enumerate() {
        if n.is_some_and(|n| n < min as f64) {
            hide[i] = true;
        }
    }
    let mut by_round: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, r) in rounds.iter().enumerate() {
        by_round.entry(r.as_deref()).or_default().push(i);
    }
    for rows in by_round.values() {
        loop {
            let hidden: f64 =
                rows.iter().filter(|&&i| hide[i]).map(|&i| sizes[i].unwrap_or(0.0)).sum();
            if hidden == 0.0 || hidden >= min as f64 {
                break;
            }
            let next = rows.iter().copied().filter(|&i| !hide[i]).min_by(|&a, &b| {
                let (x, y) = (sizes[a].unwrap_or(0.0), sizes[b].unwrap_or(0.0));
                x.total_cmp(&y).then(a.cmp(&b))
            });
            match next {
                Some(i) => hide[i] = true,
                None => break,
            }
        }
    }
    let dropped = hide.iter().any(|&x| x);
    let mask: BooleanChunked = hide.iter().map(|&x| Some(!x)).collect();
    Ok(Protected { frame: df.filter(&mask)?, dropped })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(teams: &[&str], n: &[i64]) -> DataFrame {
        df!("team" => teams, "developers" => n).unwrap()
    }

    #[test]
    fn a_segment_result_without_a_count_column_is_refused() {
        let df = df!("team" => ["a", "b"], "mean" => [3.0, 4.0]).unwrap();
        let e = protect(df, None, &["team".into()], &BTreeMap::new(), None, 5).err().unwrap();
        assert!(e.to_string().contains("-- count:"), "{e}");
    }

    #[test]
    fn small_rows_and_a_complement_are_dropped_without_a_plan_segment() {
        let df = frame(&["a", "b", "c", "d"], &[20, 3, 8, 30]);
        let p = protect(df, Some("developers"), &[], &BTreeMap::new(), None, 5).unwrap();
        assert!(p.dropped);
        let kept: Vec<_> = p
            .frame
            .column("team")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.unwrap_or("").to_string())
            .collect();
        assert_eq!(kept, ["a", "d"]);
    }

    #[test]
    fn a_declared_count_column_must_exist() {
        let df = frame(&["a"], &[20]);
        assert!(protect(df, Some("people"), &[], &BTreeMap::new(), None, 5).is_err());
    }
}
