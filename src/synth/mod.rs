//! Deterministic synthetic survey exports: the demo organisation's quarterly rounds (the
//! `fixtures/demo` files) and large plain-CSV rounds for benchmarks.
//!
//! The demo story (what the analyses should find):
//! - 1,200–1,320 engineers invited per quarter, 2025-Q4 to 2026-Q3; ~55–65 % answer.
//! - The organisation switched tools: 2025-Q4 Google Forms (responses sheet CSV), 2026-Q1
//!   SurveyMonkey (2 header rows), 2026-Q2 and 2026-Q3 Qualtrics (3 header rows).
//! - CI build speed and the deployment pipeline improve every quarter; documentation declines;
//!   observability stays flat (an honest control).
//! - The `data-platform` team declines across the board from 2026-Q2 (one team differs).
//! - `infra-tools` has 3 members: below the anonymity threshold of 5, always suppressed.
//! - 2026-Q2 rewords the documentation question, moves the "no ticket" item from a 5- to a
//!   7-point agreement scale, and adds a local-development question; 2026-Q3 drops on-call.
//! - Comments sometimes contain e-mail addresses and phone numbers (scrubbed on import);
//!   some respondents speed, straight-line, answer twice or stop early.
//!
//! Everything comes from a seeded SplitMix64 generator, so the same seed gives the same bytes.

mod bench;
mod content;
mod survey;
mod telemetry;

pub use bench::{bench, builds};
pub use content::{CAPABILITIES, DEMO_ROUNDS, DemoRound, MATURITY, TEAMS};
pub use survey::demo;
pub use telemetry::{TelemetryFile, demo_telemetry};

/// SplitMix64: tiny, fast, and good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.f64() * n as f64) as usize
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64().max(1e-12);
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}
