//! The seeded simulation behind the README's false-alarm and power table (issue 14): each
//! "quarter" is a pair of periods (2026-Q2, 2026-Q3) of synthetic builds, deployments, usage
//! and two survey items, run through [`evaluate`] with one metrics file. Stationary quarters
//! carry weekly seasonality, clustered days (a gamma day intensity, day-level duration and
//! failure shifts), a holiday dip at a random place, a skewed duration mode just below the
//! target or a 0.8 % failure rate, a partial current quarter (one in four) and a stray build
//! just past the quarter end (one in three); planted effects are added at three strengths.
//!
//! `cargo test --release -- --ignored simulation_table --nocapture` prints the full table
//! (`tests/bench/guardrails.sh` runs it); a small version runs in every `cargo test`.

mod world;

use std::collections::BTreeSet;
use std::path::Path;

use super::alert::AlertKind;
use super::config::parse;
use super::coverage::{Sources, choose};
use super::evaluate::{Inputs, SqlRows, Survey, evaluate};
use super::series::{Plan, Questions, Telemetry};
use crate::analyse::period::Period;
use world::{Effect, Rng, World};

/// The metrics file of the simulation: the demo's shapes, every target with a counter.
const METRICS: &str = r#"
[[metric]]
id = "build_p50"
source = "builds.duration_p50"
target = 600
counter = ["build_failure_rate"]
perception = "sat_ci"
slo = { max_increase_pct = 15 }

[[metric]]
id = "build_failure_rate"
source = "builds.failure_rate"

[[metric]]
id = "builds"
source = "builds.count"
slo = { max_decrease_pct = 25 }

[[metric]]
id = "deploy_frequency"
source = "deployments.frequency"
counter = ["deployments.change_failure_rate"]

[[metric]]
id = "lead_time"
source = "deployments.lead_time_p50"
target = 24
counter = ["deployments.change_failure_rate"]

[[metric]]
id = "docs_users"
source = "usage.active_users:docs"
perception = "sat_docs"
"#;

/// The alert kinds counted (the lint `lone_target` depends on the file, not the data).
const KINDS: [AlertKind; 6] = [
    AlertKind::SloBreach,
    AlertKind::CounterRegression,
    AlertKind::TargetBunching,
    AlertKind::Divergence,
    AlertKind::Saturation,
    AlertKind::SurveyHealth,
];

/// What one simulated quarter raised: (kind, metric) pairs, and whether the default period
/// choice picked the quarter the data was made for.
struct Outcome {
    fired: BTreeSet<(AlertKind, String)>,
    right_period: bool,
}

fn run_quarter(rng: &mut Rng, effect: Effect, i: usize, deploys: f64) -> Outcome {
    let w = World::new(rng, effect, i, deploys);
    let file = parse(METRICS, Path::new("sim.toml")).expect("the simulation's file is valid");
    let questions = Questions {
        ids: ["sat_ci", "sat_docs"].iter().map(|s| (*s).to_string()).collect(),
        higher: Default::default(),
    };
    let plan = Plan::new(&file, &questions).expect("plan");
    let sources: &Sources = &w.sources;
    let choice = choose(sources, Period::Quarter, w.partial, file.defaults.min_coverage);
    let right_period = choice.as_ref().is_ok_and(|c| c.period == "2026-Q3");
    let sql = SqlRows::new();
    let x = Inputs {
        period: "2026-Q3",
        previous: "2026-Q2",
        telemetry: Telemetry {
            builds: &w.builds,
            deploys: &w.deploys,
            usage: &w.usage,
            organisation_size: Some(world::ORG),
            sources,
        },
        survey: Some(Survey {
            rounds: ("2026-Q2", "2026-Q3"),
            response_rates: (None, None),
            compare: &w.compare,
            summaries: None,
        }),
        sql: &sql,
        why: "simulation",
        min_coverage: file.defaults.min_coverage,
    };
    let c = evaluate(&file, &plan, &x).expect("evaluate");
    let fired = c.alerts.iter().map(|a| (a.kind, a.metric.clone())).collect();
    Outcome { fired, right_period }
}

/// False-alarm rates of the stationary quarters: per kind, any alert, and the share of
/// quarters whose default period was not the one made.
pub struct Stationary {
    /// Quarters simulated.
    pub quarters: usize,
    /// Share of quarters with each kind.
    pub by_kind: Vec<(AlertKind, f64)>,
    /// Share of quarters with any alert.
    pub any: f64,
    /// Share of quarters where the default period choice missed the quarter.
    pub wrong_period: f64,
}

/// Runs `n` stationary quarters from `seed`.
pub fn stationary(n: usize, seed: u64) -> Stationary {
    let mut rng = Rng::new(seed);
    let (mut kinds, mut any, mut wrong) = (vec![0usize; KINDS.len()], 0usize, 0usize);
    for i in 0..n {
        let o = run_quarter(&mut rng, Effect::None, i, world::DEPLOYS);
        for (j, k) in KINDS.iter().enumerate() {
            kinds[j] += usize::from(o.fired.iter().any(|(x, _)| x == k));
        }
        any += usize::from(o.fired.iter().any(|(k, _)| KINDS.contains(k)));
        wrong += usize::from(!o.right_period);
    }
    let share = |k: usize| k as f64 / n as f64;
    Stationary {
        quarters: n,
        by_kind: KINDS.iter().zip(&kinds).map(|(k, &c)| (*k, share(c))).collect(),
        any: share(any),
        wrong_period: share(wrong),
    }
}

/// The share of `n` quarters in which a planted effect raised the alert it should.
pub fn detection(effect: Effect, n: usize, seed: u64) -> f64 {
    detection_at(effect, n, seed, world::DEPLOYS)
}

/// [`detection`] with `deploys` production deployments a weekday.
pub fn detection_at(effect: Effect, n: usize, seed: u64, deploys: f64) -> f64 {
    let (kind, metric) = effect.expected();
    let mut rng = Rng::new(seed);
    let hits = (0..n)
        .filter(|&i| {
            run_quarter(&mut rng, effect, i, deploys).fired.contains(&(kind, metric.to_string()))
        })
        .count();
    hits as f64 / n as f64
}

#[cfg(test)]
mod tests;
