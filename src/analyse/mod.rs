//! Statistics over the store's frames: pure functions from data to typed results. No printing;
//! the only I/O is in the two entry-point files, `survey.rs` and `telemetry.rs`, which read
//! their inputs once through `store` and call the pure functions. Every estimator and test matches a named scipy / statsmodels / pingouin call
//! (reference values: `tests/reference/stats_reference.py`).

pub mod compare;
pub mod correlate;
mod coverage;
pub mod delivery;
pub mod disclosure;
pub mod dora;
pub mod drivers;
pub mod estimate;
pub mod guardrails;
pub mod hypothesis;
pub mod maturity;
pub mod period;
pub mod quantile;
pub mod reliability;
pub mod summary;
pub mod survey;
pub mod telemetry;
pub mod themes;
pub mod trend;
pub mod usage;
