//! One file per command: argument checks, then calls into `ingest`, `store` and `output`.
//! Only this layer prints.

pub mod check;
pub mod compare;
pub mod demo;
pub mod drivers;
pub mod dry_run;
pub mod generate;
pub mod import;
pub mod init;
pub mod maturity;
pub mod metrics;
pub mod query;
pub mod questions;
pub mod report;
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
    ("golden_path_by_team.sql", include_str!("../../queries/golden_path_by_team.sql")),
];

/// The report spec and template copied into every new workspace's `reports/` (restyle them there).
pub const REPORT_FILES: &[(&str, &str)] = &[
    ("quarterly.toml", crate::render::spec::BUILTIN),
    ("quarterly.typ", crate::render::pdf::TEMPLATE),
];

/// Writes [`REPORT_FILES`] into `root/reports/` (existing files are kept).
pub fn write_report_files(root: &std::path::Path) -> anyhow::Result<()> {
    use anyhow::Context;
    let dir = root.join("reports");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in REPORT_FILES {
        let p = dir.join(name);
        if !p.exists() {
            std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
        }
    }
    Ok(())
}
