//! DevLake's definitions: PR cycle time in ceiled minutes and deploy-day medians.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::Change;
use crate::analyse::quantile::lower_median;

/// Whole minutes from `a` to `b`, rounded up; None when negative (DevLake's span rule).
fn ceil_minutes(a: i64, b: i64) -> Option<f64> {
    (b >= a).then(|| (b.saturating_sub(a) as f64 / 60_000.0).ceil())
}

/// DevLake's PR cycle time in minutes: coding (first commit → PR opened) + review (opened →
/// merged) + deploy (merged → deployment finished), each part ceiled on its own and a negative
/// part counted as 0 (`change_lead_time_calculator.go`). Without PR times: one ceiled span.
pub(super) fn devlake_cycle_minutes(c: &Change, deployed: i64) -> f64 {
    match (c.pr_opened, c.pr_merged) {
        (Some(o), Some(m)) => {
            [ceil_minutes(c.first_commit, o), ceil_minutes(o, m), ceil_minutes(m, deployed)]
                .into_iter()
                .map(|x| x.unwrap_or(0.0))
                .sum()
        }
        _ => ceil_minutes(c.first_commit, deployed).unwrap_or(0.0),
    }
}

/// Lower medians of distinct deployment days per Monday-start week and per calendar month,
/// over every week and month touching `[start, end)`, zeros included.
pub(super) fn deploy_day_medians(
    start: NaiveDate,
    end: NaiveDate,
    days_with: &HashSet<NaiveDate>,
) -> (Option<f64>, Option<f64>) {
    let mut weeks: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    let mut months: BTreeMap<(i32, u32), f64> = BTreeMap::new();
    let mut day = start;
    while day < end {
        let monday = day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
        let hit = f64::from(u8::from(days_with.contains(&day)));
        *weeks.entry(monday).or_default() += hit;
        *months.entry((day.year(), day.month())).or_default() += hit;
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    (
        lower_median(&weeks.into_values().collect::<Vec<_>>()),
        lower_median(&months.into_values().collect::<Vec<_>>()),
    )
}
