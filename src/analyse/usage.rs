//! Capability usage per period (DEFINITIONS.md section 8.5): active users and teams, adoption
//! against the organisation's size, and retention from the previous period.
//!
//! - active users: distinct (pseudonymised) actors with any event for the capability;
//! - active teams: distinct teams;
//! - adoption: active users / `organisation_size` (pulse.toml);
//! - retention: share of the previous period's active users active again in this one.
//!
//! Privacy: a capability with fewer active users than the anonymity threshold in a period is
//! reported as suppressed (no numbers), like any small group.

use std::collections::{BTreeMap, HashSet};

use anyhow::Result;
use polars::prelude::*;

use super::period::{Period, period_of, previous_period};

/// Definition of the usage metrics.
pub const USAGE_DEFINITION: &str = "pulse-default: distinct actors and teams per capability; adoption = users / organisation_size; retention = previous period's users active again";

/// One usage event.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// When (UTC ms).
    pub at: i64,
    /// Capability.
    pub capability: &'a str,
    /// Owning team ("" when unknown).
    pub team: &'a str,
    /// Pseudonymised actor ("" when unknown).
    pub actor: &'a str,
}

/// Usage metrics of one capability in one period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageMetrics {
    /// Events.
    pub events: usize,
    /// Distinct actors.
    pub active_users: usize,
    /// Distinct teams.
    pub active_teams: usize,
    /// active users / organisation size.
    pub adoption: Option<f64>,
    /// Previous period's users active again / previous period's users.
    pub retention: Option<f64>,
    /// Fewer active users than the anonymity threshold: every number above is withheld.
    pub suppressed: bool,
}

/// Computes usage metrics keyed by (period, capability).
pub fn usage_metrics<'a>(
    events: impl Iterator<Item = Event<'a>>,
    period: Period,
    organisation_size: Option<u64>,
    min_group: usize,
) -> BTreeMap<(String, String), UsageMetrics> {
    type Sets = (usize, HashSet<String>, HashSet<String>);
    let mut acc: BTreeMap<(String, String), Sets> = BTreeMap::new();
    for e in events {
        let a = acc.entry((period_of(e.at, period), e.capability.to_string())).or_default();
        a.0 += 1;
        if !e.actor.is_empty() {
            a.1.insert(e.actor.to_string());
        }
        if !e.team.is_empty() {
            a.2.insert(e.team.to_string());
        }
    }
    let mut out = BTreeMap::new();
    for ((p, cap), (events, users, teams)) in &acc {
        let prev = previous_period(p, period).and_then(|pp| acc.get(&(pp, cap.clone())));
        let retention = prev.filter(|(_, u, _)| !u.is_empty()).map(|(_, u, _)| {
            u.iter().filter(|x| users.contains(*x)).count() as f64 / u.len() as f64
        });
        let m = if !super::disclosure::total_shown(users.len(), min_group) {
            UsageMetrics { suppressed: true, ..UsageMetrics::default() }
        } else {
            UsageMetrics {
                events: *events,
                active_users: users.len(),
                active_teams: teams.len(),
                adoption: organisation_size
                    .filter(|&n| n > 0)
                    .map(|n| users.len() as f64 / n as f64),
                retention,
                suppressed: false,
            }
        };
        out.insert((p.clone(), cap.clone()), m);
    }
    out
}

/// The usage metrics as a frame (one row per period and capability; suppressed rows empty).
pub fn usage_frame(m: &BTreeMap<(String, String), UsageMetrics>) -> Result<DataFrame> {
    let len = m.len();
    let o = |f: &dyn Fn(&UsageMetrics) -> Option<f64>| m.values().map(f).collect::<Vec<_>>();
    let u = |f: &dyn Fn(&UsageMetrics) -> usize| {
        m.values().map(|x| (!x.suppressed).then(|| f(x) as u64)).collect::<Vec<_>>()
    };
    Ok(DataFrame::new(
        len,
        vec![
            Column::new("period".into(), m.keys().map(|k| k.0.clone()).collect::<Vec<_>>()),
            Column::new("capability".into(), m.keys().map(|k| k.1.clone()).collect::<Vec<_>>()),
            Column::new("events".into(), u(&|x| x.events)),
            Column::new("active_users".into(), u(&|x| x.active_users)),
            Column::new("active_teams".into(), u(&|x| x.active_teams)),
            Column::new("adoption".into(), o(&|x| x.adoption)),
            Column::new("retention".into(), o(&|x| x.retention)),
            Column::new("suppressed".into(), m.values().map(|x| x.suppressed).collect::<Vec<_>>()),
            Column::new("definition".into(), vec![USAGE_DEFINITION; len]),
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_adoption_retention_and_suppression() {
        // 2026-Q2 (June) and 2026-Q3 (July).
        let (q2, q3) = (1_780_000_000_000, 1_783_000_000_000);
        let mut ev = Vec::new();
        for u in ["a", "b", "c", "d", "e"] {
            ev.push(Event { at: q2, capability: "ci", team: "t1", actor: u });
        }
        for u in ["a", "b", "c", "x", "y", "z"] {
            ev.push(Event { at: q3, capability: "ci", team: "t2", actor: u });
        }
        ev.push(Event { at: q3, capability: "ci", team: "t1", actor: "a" });
        ev.push(Event { at: q3, capability: "rare", team: "t1", actor: "a" });
        let m = usage_metrics(ev.into_iter(), Period::Quarter, Some(20), 5);
        let q3m = &m[&("2026-Q3".to_string(), "ci".to_string())];
        assert_eq!(q3m.events, 7);
        assert_eq!(q3m.active_users, 6);
        assert_eq!(q3m.active_teams, 2);
        assert_eq!(q3m.adoption, Some(0.3));
        assert_eq!(q3m.retention, Some(0.6), "a, b, c of five came back");
        assert_eq!(m[&("2026-Q2".to_string(), "ci".to_string())].retention, None);
        let rare = &m[&("2026-Q3".to_string(), "rare".to_string())];
        assert!(rare.suppressed && rare.active_users == 0 && rare.events == 0);
    }
}
