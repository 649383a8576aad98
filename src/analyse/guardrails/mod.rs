//! Goodhart guardrails: the pure side of `pulse check`. A metrics file ([`config`]) names
//! series ([`series`]); [`coverage`] says which days each telemetry source covers and which
//! period pair to compare; [`evaluate`] reads the series from metrics already computed, tests
//! each change between the two periods with the test of its statistic ([`change`]), applies
//! Benjamini–Hochberg, and runs the rules ([`rules`]: one function per alert kind) into
//! [`Alert`]s. The command gathers the inputs from the store and prints. A seeded simulation
//! (tests only) measures the false alarms and power of every alert kind.

pub mod alert;
pub mod change;
pub mod config;
pub mod coverage;
mod evaluate;
pub mod rules;
pub mod series;
#[cfg(test)]
mod sim;
mod stats;

pub use alert::{Alert, AlertKind, Direction, Severity, Verdict, fails};
pub use config::{BUILTINS, Defaults, MetricDef, MetricsFile, Slo, builtin, load, parse};
pub use evaluate::{Checked, Inputs, SqlRows, Survey, evaluate};
pub use series::{Eval, Plan, Questions, Series, Telemetry};
pub use stats::{Bunching, Sample, bunching, change_test, relative_iqr};
