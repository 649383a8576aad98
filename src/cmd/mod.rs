//! One file per command: argument checks, then calls into `ingest`, `store` and `output`.
//! Only this layer prints.

pub mod check;
pub mod compare;
pub mod demo;
pub mod drivers;
pub mod generate;
pub mod import;
pub mod init;
pub mod load;
pub mod maturity;
pub mod metrics;
pub mod query;
pub mod questions;
pub mod rounds;
pub mod summary;
pub mod telemetry;
pub mod themes;
pub mod trend;

/// The starter SQL files copied into every new workspace (the repo's `queries/`).
pub const STARTER_QUERIES: &[(&str, &str)] = &[
    ("top_box.sql", include_str!("../../queries/top_box.sql")),
    ("response_rates.sql", include_str!("../../queries/response_rates.sql")),
    ("segment_sizes.sql", include_str!("../../queries/segment_sizes.sql")),
    ("quality_flags.sql", include_str!("../../queries/quality_flags.sql")),
];
