//! The synthetic world of one simulated quarter: builds, deployments, usage and two survey
//! items in 2026-Q2 and 2026-Q3, from a seeded generator (SplitMix64; no dependency).

use std::collections::BTreeMap;

use crate::analyse::compare::CompareRow;
use crate::analyse::delivery::BuildMetrics;
use crate::analyse::dora::DeployMetrics;
use crate::analyse::guardrails::alert::AlertKind;
use crate::analyse::guardrails::coverage::{Day, Days, Sources, bounds};
use crate::analyse::hypothesis::{benjamini_hochberg, mann_whitney};
use crate::analyse::quantile::p50_p90;
use crate::analyse::usage::UsageMetrics;

/// Developers in the simulated organisation.
pub const ORG: u64 = 1200;

/// SplitMix64 with the few distributions the world needs.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.f64() * n as f64) as usize
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (1.0 - self.f64(), self.f64());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Gamma(k, 1) for k ≥ 1 (Marsaglia–Tsang).
    fn gamma(&mut self, k: f64) -> f64 {
        let d = k - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v > 0.0 && self.f64().ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// A day intensity with mean 1 and variance 1/k (clustered days).
    fn cluster(&mut self, k: f64) -> f64 {
        self.gamma(k) / k
    }

    fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let (l, mut k, mut p) = ((-lambda).exp(), 0u64, 1.0);
        loop {
            p *= self.f64();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
}

/// A planted effect and its strength (0 strong, 1 medium, 2 small).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// Stationary.
    None,
    /// A share of runs moved from above the target to just under it.
    Bunching(usize),
    /// Change failure rate up while deployment frequency rises.
    Cfr(usize),
    /// Build p50 down while the failure rate rises.
    P50(usize),
    /// Docs-portal users up while documentation satisfaction falls.
    Usage(usize),
}

impl Effect {
    /// The alert (kind, metric) the effect should raise.
    pub fn expected(self) -> (AlertKind, &'static str) {
        match self {
            Effect::Bunching(_) | Effect::None => (AlertKind::TargetBunching, "build_p50"),
            Effect::Cfr(_) => (AlertKind::CounterRegression, "deploy_frequency"),
            Effect::P50(_) => (AlertKind::CounterRegression, "build_p50"),
            Effect::Usage(_) => (AlertKind::Divergence, "docs_users"),
        }
    }

    /// What the effect plants, in words (for the README table).
    pub fn describe(self) -> String {
        match self {
            Effect::None => "none".into(),
            Effect::Bunching(s) => {
                format!("{:.1} % of runs moved just under the target", BUNCH[s] * 100.0)
            }
            Effect::Cfr(s) => format!(
                "CFR 9.4 → {:.1} %, frequency +{:.0} %",
                CFR[s].0 * 100.0,
                (CFR[s].1 - 1.0) * 100.0
            ),
            Effect::P50(s) => {
                format!("build p50 420 → {} s, failure 7.9 → {:.1} %", P50[s].0, P50[s].1 * 100.0)
            }
            Effect::Usage(s) => format!(
                "docs users +{:.0} %, satisfaction top box 45 → {:.1} %",
                (USAGE[s].0 - 1.0) * 100.0,
                (0.45 * (1.0 - USAGE[s].1) + 0.15 * USAGE[s].1) * 100.0
            ),
        }
    }
}

/// Production deployments a weekday (a twentieth of that on weekend days), by default.
pub const DEPLOYS: f64 = 10.0;
const BUNCH: [f64; 3] = [0.05, 0.025, 0.01];
const CFR: [(f64, f64); 3] = [(0.175, 1.31), (0.132, 1.15), (0.113, 1.07)];
const P50: [(f64, f64); 3] = [(379.0, 0.127), (400.0, 0.102), (410.0, 0.090)];
const USAGE: [(f64, f64); 3] = [(1.30, 1.0 / 3.0), (1.15, 0.2), (1.07, 0.1)];
/// Answer shares of a 5-point item, and the lower-leaning shares an effect mixes in.
const LIKERT: [f64; 5] = [0.08, 0.17, 0.30, 0.30, 0.15];
const LOWER: [f64; 5] = [0.25, 0.35, 0.25, 0.10, 0.05];

/// Per period: (build median s, failure rate, deploy frequency factor, CFR, users factor).
#[derive(Clone, Copy)]
struct Params {
    median: f64,
    fail: f64,
    freq: f64,
    cfr: f64,
    users: f64,
}

/// One simulated quarter's inputs.
pub struct World {
    /// Build metrics by period.
    pub builds: BTreeMap<String, BuildMetrics>,
    /// Deployment metrics by period.
    pub deploys: BTreeMap<String, DeployMetrics>,
    /// Usage metrics by (period, capability).
    pub usage: BTreeMap<(String, String), UsageMetrics>,
    /// Per-day data.
    pub sources: Sources,
    /// The survey comparison of the two rounds.
    pub compare: Vec<CompareRow>,
    /// The current quarter is partial (checked as with `--partial`).
    pub partial: bool,
}

const PERIODS: [&str; 2] = ["2026-Q2", "2026-Q3"];

impl World {
    /// The world of quarter `i` under `effect`.
    pub fn new(rng: &mut Rng, effect: Effect, i: usize, deploys_a_day: f64) -> World {
        // Stationary shapes alternate: a skewed mode just below the 600 s target with a 0.8 %
        // failure rate, or a 420 s median with a 7.9 % failure rate.
        let skewed = match effect {
            Effect::Bunching(_) => true,
            Effect::P50(_) => false,
            _ => i.is_multiple_of(2),
        };
        let base = Params {
            // Lognormal σ = 0.35: the mode exp(μ − σ²) is 570 s for a 644 s median.
            median: if skewed { 644.0 } else { 420.0 },
            fail: if skewed && effect == Effect::None { 0.008 } else { 0.079 },
            freq: 1.0,
            cfr: 0.094,
            users: 1.0,
        };
        let mut cur = base;
        match effect {
            Effect::Cfr(s) => (cur.cfr, cur.freq) = CFR[s],
            Effect::P50(s) => (cur.median, cur.fail) = P50[s],
            Effect::Usage(s) => cur.users = USAGE[s].0,
            _ => {}
        }
        let partial = effect == Effect::None && i % 4 == 1;
        let (_, q3_end) = bounds("2026-Q3").expect("a quarter");
        let cut = if partial { q3_end - 92 + 55 + rng.below(30) as i32 } else { q3_end };
        let mut w = World {
            builds: BTreeMap::new(),
            deploys: BTreeMap::new(),
            usage: BTreeMap::new(),
            sources: Sources::default(),
            compare: Vec::new(),
            partial,
        };
        let mut prev_users: Vec<u64> = Vec::new();
        for (g, p) in [base, cur].into_iter().enumerate() {
            let (s, e) = bounds(PERIODS[g]).expect("a quarter");
            let e = if g == 1 { cut } else { e };
            // A holiday dip (30 % of the usual activity for 5–10 days) in half the periods.
            let hol = if rng.f64() < 0.5 {
                let start = s + rng.below((e - s - 10).max(1) as usize) as i32;
                start..start + 5 + rng.below(6) as i32
            } else {
                0..0
            };
            let bunch = match effect {
                Effect::Bunching(k) if g == 1 => BUNCH[k],
                _ => 0.0,
            };
            let days = builds(rng, (s, e), &hol, p, bunch);
            w.builds.insert(PERIODS[g].into(), build_metrics(&days));
            w.sources.builds.extend(days);
            let (days, m) = deploys(rng, (s, e), &hol, p, deploys_a_day);
            w.deploys.insert(PERIODS[g].into(), m);
            w.sources.deploys.extend(days);
            prev_users = usage(rng, &mut w, g, (s, e), p, &prev_users);
        }
        // A build retried just after midnight at the quarter end, in a third of the quarters.
        if i.is_multiple_of(3) && !partial {
            w.sources.builds.insert(q3_end, Day { events: 1, trials: 1, ..Day::default() });
        }
        let shift = match effect {
            Effect::Usage(s) => USAGE[s].1,
            _ => 0.0,
        };
        w.compare = survey(rng, shift);
        w
    }
}

fn weekday(d: i32) -> bool {
    (d + 3).rem_euclid(7) < 5
}

fn builds(
    rng: &mut Rng,
    (s, e): (i32, i32),
    hol: &std::ops::Range<i32>,
    p: Params,
    bunch: f64,
) -> Days {
    let mut days = Days::new();
    for d in s..e {
        let dip = if hol.contains(&d) { 0.3 } else { 1.0 };
        let lam = 60.0 * if weekday(d) { 1.0 } else { 0.15 } * rng.cluster(8.0) * dip;
        let n = rng.poisson(lam);
        let pf = (p.fail * rng.cluster(6.0)).min(1.0);
        let shift = 0.03 * rng.normal();
        let day = days.entry(d).or_default();
        day.events = n;
        day.trials = n;
        for _ in 0..n {
            if rng.f64() < pf {
                day.failure += 1;
            } else {
                day.durations.push((p.median.ln() + shift + 0.35 * rng.normal()).exp());
            }
        }
    }
    if bunch > 0.0 {
        // Move `bunch` of all successful runs from [600, 900) to just under the target.
        let total: usize = days.values().map(|d| d.durations.len()).sum();
        let mut above: Vec<(i32, usize)> = days
            .iter()
            .flat_map(|(d, x)| {
                x.durations
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| (600.0..900.0).contains(*v))
                    .map(|(j, _)| (*d, j))
            })
            .collect();
        let m = ((bunch * total as f64).round() as usize).min(above.len());
        for k in 0..m {
            let j = k + rng.below(above.len() - k);
            above.swap(k, j);
            let (d, ix) = above[k];
            days.get_mut(&d).expect("a day").durations[ix] = 570.0 + 30.0 * rng.f64();
        }
    }
    days
}

fn build_metrics(days: &Days) -> BuildMetrics {
    let durations: Vec<f64> = days.values().flat_map(|d| d.durations.iter().copied()).collect();
    let failure: u64 = days.values().map(|d| d.failure).sum();
    let builds: u64 = days.values().map(|d| d.events).sum();
    let mut v = durations.clone();
    let (p50, p90) = p50_p90(&mut v);
    BuildMetrics {
        builds: builds as usize,
        duration_p50: p50,
        duration_p90: p90,
        failure_rate: (builds > 0).then(|| failure as f64 / builds as f64),
        success: (builds - failure) as usize,
        failure: failure as usize,
        durations,
        ..BuildMetrics::default()
    }
}

fn deploys(
    rng: &mut Rng,
    (s, e): (i32, i32),
    hol: &std::ops::Range<i32>,
    p: Params,
    per_weekday: f64,
) -> (Days, DeployMetrics) {
    let (mut days, mut m) = (Days::new(), DeployMetrics::default());
    for d in s..e {
        let dip = if hol.contains(&d) { 0.3 } else { 1.0 };
        let lam =
            per_weekday * if weekday(d) { 1.0 } else { 0.05 } * rng.cluster(4.0) * dip * p.freq;
        let n = rng.poisson(lam);
        days.entry(d).or_default().events = n;
        for _ in 0..n {
            m.deployments += 1;
            m.failed += usize::from(rng.f64() < p.cfr);
            m.lead_times.push((20f64.ln() + 0.8 * rng.normal()).exp());
        }
    }
    m.days = f64::from(e - s);
    m.per_day = Some(m.deployments as f64 / m.days);
    m.change_failure_rate = (m.deployments > 0).then(|| m.failed as f64 / m.deployments as f64);
    let mut v = m.lead_times.clone();
    m.lead_time_p50 = p50_p90(&mut v).0;
    (days, m)
}

/// Docs-portal users: 20 % of developers a period, 75 % of them again the next one.
fn usage(
    rng: &mut Rng,
    w: &mut World,
    g: usize,
    (s, e): (i32, i32),
    p: Params,
    prev: &[u64],
) -> Vec<u64> {
    let (a, stay) = (0.2, 0.75);
    let users: Vec<u64> = if g == 0 {
        (0..ORG).filter(|_| rng.f64() < a).collect()
    } else {
        let join = (a * p.users - a * stay) / (1.0 - a);
        (0..ORG)
            .filter(|u| rng.f64() < if prev.binary_search(u).is_ok() { stay } else { join })
            .collect()
    };
    for d in s..e {
        w.sources.usage.entry(d).or_default().events += 1;
    }
    let key = (PERIODS[g].to_string(), "docs".to_string());
    w.usage.insert(
        key.clone(),
        UsageMetrics {
            events: users.len(),
            active_users: users.len(),
            adoption: Some(users.len() as f64 / ORG as f64),
            ..UsageMetrics::default()
        },
    );
    w.sources.actors.insert(key, users.clone());
    users
}

/// Two 5-point items answered by 350 developers a round; `shift` mixes lower-leaning answers
/// into sat_docs in the later round. Mann–Whitney and BH over the two items, as `compare`.
fn survey(rng: &mut Rng, shift: f64) -> Vec<CompareRow> {
    let mut answers = |mix: f64| -> Vec<f64> {
        (0..350)
            .map(|_| {
                let u = rng.f64();
                let mut acc = 0.0;
                for k in 0..5 {
                    acc += (1.0 - mix) * LIKERT[k] + mix * LOWER[k];
                    if u < acc {
                        return (k + 1) as f64;
                    }
                }
                5.0
            })
            .collect()
    };
    let items =
        [("sat_ci", answers(0.0), answers(0.0)), ("sat_docs", answers(0.0), answers(shift))];
    let p: Vec<f64> = items
        .iter()
        .map(|(_, a, b)| mann_whitney(b, a).map_or(f64::NAN, |t| t.0.p_value))
        .collect();
    let q = benjamini_hochberg(&p);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let top = |v: &[f64]| v.iter().filter(|x| **x >= 4.0).count() as f64 / v.len() as f64;
    items
        .iter()
        .enumerate()
        .map(|(i, (id, a, b))| CompareRow {
            question_id: (*id).to_string(),
            n_from: a.len(),
            n_to: b.len(),
            mean_from: Some(mean(a)),
            mean_to: Some(mean(b)),
            top_box_from: Some(top(a)),
            top_box_to: Some(top(b)),
            test: "mann-whitney".into(),
            p_value: Some(p[i]),
            q_value: Some(q[i]),
            verdict: match (q[i] < 0.05, mean(b) > mean(a)) {
                (true, true) => "improved".into(),
                (true, false) => "declined".into(),
                _ => "no detectable change".into(),
            },
            ..CompareRow::default()
        })
        .collect()
}
