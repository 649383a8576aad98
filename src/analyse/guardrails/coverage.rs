//! Which days of a period a telemetry source covers, and which period pair `pulse check`
//! compares (issue 14).
//!
//! A source (builds, deployments, usage) is a map of the UTC days with events. The stream is
//! taken as continuous between two event days closer than the gap limit (14 days, or 4 × the
//! median gap of a sparse source), so weekends, holidays and weekly deployment days are
//! covered, while a stray row far from the rest (a future-dated event) covers its own day
//! only. A period's coverage is its covered days; it is *complete* when the coverage reaches
//! its last week. Counts are per covered day; a period is compared only when both sides cover
//! at least `min_coverage` of their days. Incidents and changes never make a period: only the
//! source's own events do (a deployment, a build start, a usage event).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::analyse::period::{Period, period_bounds, previous_period};

/// One UTC day of a source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Day {
    /// Events that day (builds started, deployments finished, usage events).
    pub events: u64,
    /// Failed runs (builds).
    pub failure: u64,
    /// Runs with an outcome, success or failure (builds).
    pub trials: u64,
    /// Successful runs' durations (builds), in seconds.
    pub durations: Vec<f64>,
}

/// The days of one source: day number (days since 1970-01-01) → totals.
pub type Days = BTreeMap<i32, Day>;

/// The per-day data `pulse check` tests on, by source.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Builds by start day.
    pub builds: Days,
    /// Successful production deployments by finish day.
    pub deploys: Days,
    /// Usage events by day.
    pub usage: Days,
    /// (period, capability) → the sorted hashes of the people active in it.
    pub actors: BTreeMap<(String, String), Vec<u64>>,
}

impl Sources {
    /// The days of a built-in source's family (`builds.…`, `deployments.…`, `usage.…`).
    pub fn of(&self, source: &str) -> Option<(&'static str, &Days)> {
        let (family, _) = source.split_once('.')?;
        match family {
            "builds" => Some(("builds", &self.builds)),
            "deployments" => Some(("deployments", &self.deploys)),
            "usage" => Some(("usage", &self.usage)),
            _ => None,
        }
    }

    /// Every source with its name.
    pub fn all(&self) -> [(&'static str, &Days); 3] {
        [("builds", &self.builds), ("deployments", &self.deploys), ("usage", &self.usage)]
    }
}

/// Day number of a date.
pub fn day_number(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid")).num_days() as i32
}

/// Day number of a UTC timestamp in milliseconds (saturating at the ends of i32).
pub fn day_of_ms(ms: i64) -> i32 {
    ms.div_euclid(86_400_000).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// A source's coverage of one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    /// Covered days.
    pub covered: u32,
    /// Days in the period.
    pub days: u32,
    /// The coverage reaches the period's last week.
    pub complete: bool,
}

impl Coverage {
    /// Covered share of the period's days.
    pub fn fraction(self) -> f64 {
        if self.days == 0 { 0.0 } else { f64::from(self.covered) / f64::from(self.days) }
    }

    /// "62 of 92 days".
    pub fn describe(self) -> String {
        format!("{} of {} days", self.covered, self.days)
    }
}

/// Longest gap (days) between two event days that still counts as continuous data.
pub fn gap_limit(days: &Days) -> i32 {
    let d: Vec<i32> = days.keys().copied().collect();
    let mut gaps: Vec<i32> = d.windows(2).map(|w| w[1] - w[0]).collect();
    if gaps.is_empty() {
        return 14;
    }
    gaps.sort_unstable();
    (4 * gaps[gaps.len() / 2]).max(14)
}

/// The covered day numbers in `[start, end)`.
pub fn covered_days(days: &Days, start: i32, end: i32) -> Vec<i32> {
    let g = gap_limit(days);
    let mut out = Vec::new();
    // Event days from g before the start to the first one at or after the end.
    let mut keys: Vec<i32> = days.range(start.saturating_sub(g)..end).map(|(k, _)| *k).collect();
    keys.extend(days.range(end..).next().map(|(k, _)| *k));
    for (i, &d) in keys.iter().enumerate() {
        let next = keys.get(i + 1).copied();
        let until = match next {
            Some(n) if n - d <= g => n,
            _ => d + 1,
        };
        for x in d.max(start)..until.min(end) {
            out.push(x);
        }
    }
    out.dedup();
    out
}

/// Day numbers `[start, end)` of a period label.
pub fn bounds(label: &str) -> Option<(i32, i32)> {
    let (s, e) = crate::analyse::period::label_bounds(label)?;
    Some((day_number(s), day_number(e)))
}

/// A source's coverage of the period `label` (all zero when the label is not a period).
pub fn coverage(days: &Days, label: &str) -> Coverage {
    let Some((s, e)) = bounds(label) else { return Coverage::default() };
    let c = covered_days(days, s, e);
    Coverage {
        covered: c.len() as u32,
        days: (e - s) as u32,
        complete: c.last().is_some_and(|&d| d >= e - 7),
    }
}

/// The period pair a check compares, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Period checked.
    pub period: String,
    /// The period before it.
    pub previous: String,
    /// Why this pair (and which later periods were passed over).
    pub why: String,
}

/// Why `p` (against `prev`) cannot be the default period, or None when it can.
fn unfit(sources: &Sources, p: &str, prev: &str, partial: bool, min: f64) -> Option<String> {
    for (name, days) in sources.all() {
        let (c, cp) = (coverage(days, p), coverage(days, prev));
        if c.covered == 0 && cp.covered == 0 {
            continue;
        }
        if !partial && !c.complete {
            return Some(format!("{p} is not complete ({name} cover {})", c.describe()));
        }
        for (label, x) in [(p, c), (prev, cp)] {
            if x.fraction() < min {
                return Some(format!(
                    "{name} cover {} of {label}, under min_coverage {min}",
                    x.describe()
                ));
            }
        }
    }
    None
}

/// The default period: the latest with telemetry that is complete (any, with `partial`) and
/// whose period before it is covered too, each source at least `min` of its days. None when no
/// period qualifies (the reasons are in the error the caller raises).
pub fn choose(
    sources: &Sources,
    kind: Period,
    partial: bool,
    min: f64,
) -> Result<Choice, Vec<String>> {
    let mut labels: BTreeSet<(i32, String)> = BTreeSet::new();
    for (_, days) in sources.all() {
        let mut last = None;
        for &d in days.keys() {
            let l = crate::analyse::period::period_of(i64::from(d) * 86_400_000, kind);
            if last.as_ref() != Some(&l) {
                let start = period_bounds(&l, kind).map_or(d, |(s, _)| day_number(s));
                labels.insert((start, l.clone()));
                last = Some(l);
            }
        }
    }
    let mut passed = Vec::new();
    for (_, p) in labels.iter().rev() {
        let Some(prev) = previous_period(p, kind) else { continue };
        match unfit(sources, p, &prev, partial, min) {
            Some(why) => passed.push(format!("{p} passed over: {why}")),
            None => {
                let what =
                    if partial { "latest period with data" } else { "latest complete period" };
                let mut why = format!("{what} whose previous period is covered too");
                if !passed.is_empty() {
                    why = format!("{why}; {}", passed.join("; "));
                }
                return Ok(Choice { period: p.clone(), previous: prev, why });
            }
        }
    }
    Err(passed)
}

#[cfg(test)]
mod tests;
