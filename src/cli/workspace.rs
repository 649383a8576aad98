//! Arguments of the workspace commands: init, import, rounds, questions, query, generate,
//! demo, report.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::Format;

/// `pulse init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create (its name becomes the organisation name unless --org is given).
    pub dir: PathBuf,
    /// Organisation name shown on reports.
    #[arg(long)]
    pub org: Option<String>,
}

/// `pulse import`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import one survey round from a platform export (CSV/TSV).
    ///
    /// The platform is detected from the header layout unless --platform is given. Identifying
    /// columns (e-mail, names, IP, location, phone, external reference) are dropped unless kept
    /// with --keep-column; respondents are pseudonymised with the workspace secret; e-mail
    /// addresses and phone numbers in comments are scrubbed. The import is all-or-nothing.
    #[command(after_long_help = "Examples:\n  \
        pulse import survey q1.csv --round 2026-Q1 --invited 1200\n  \
        pulse import survey export.csv --round 2026-Q2 --segment team=Squad --keep-column ExternalReference\n  \
        pulse import survey q1.csv --round 2026-Q1 --replace --format json")]
    Survey(ImportSurveyArgs),
    /// Import telemetry: builds, deployments, changes, incidents or usage events.
    ///
    /// CSV, JSON lines or Parquet (by extension); large files stream in batches. Headers from
    /// GitHub Actions, GitLab CI, Jenkins, Argo CD and PagerDuty exports map by alias; map the
    /// rest with --map. Timestamps: RFC 3339, `YYYY-MM-DD HH:MM:SS` (taken as UTC), epoch seconds
    /// or milliseconds; stored as UTC. Usage `actor`s are pseudonymised like respondents.
    #[command(after_long_help = "Columns per kind (required marked *):\n  \
        builds: build_id*, service, pipeline, branch, commit_sha, attempt, queued_at, started_at*, finished_at, result*, duration_s, queued_s, runner\n  \
        deployments: deployment_id*, service*, environment*, commit_sha, started_at, finished_at*, result*, is_rollback, is_unplanned, related_incident_id\n  \
        changes: deployment_id*, change_id*, first_commit_at*, pr_opened_at, pr_merged_at\n  \
        incidents: incident_id*, service, opened_at*, resolved_at, severity, caused_by_deployment_id, caused_by_commit_sha, is_change_failure\n  \
        usage: occurred_at*, capability*, action, team, actor, service, outcome, duration_s\n\n\
Examples:\n  pulse import telemetry runs.csv --kind builds --map pipeline=\"Workflow Name\"\n  \
pulse import telemetry pagerduty.jsonl --kind incidents --skip-bad-rows")]
    Telemetry(ImportTelemetryArgs),
}

/// `pulse import telemetry`.
#[derive(Debug, Args)]
pub struct ImportTelemetryArgs {
    /// The file: .csv/.tsv, .jsonl/.ndjson or .parquet.
    pub file: PathBuf,
    /// What the file holds.
    #[arg(long, value_parser = ["builds", "deployments", "changes", "incidents", "usage"])]
    pub kind: String,
    /// Name of this source (default: from the file name); re-importing it needs --replace.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Map a column: OUR=THEIRS (repeatable), e.g. --map started_at=run_start.
    #[arg(long, value_name = "OUR=THEIRS")]
    pub map: Vec<String>,
    /// Skip rows that cannot be read, and report how many and why (default: stop at the first).
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Replace the source if it was imported before.
    #[arg(long)]
    pub replace: bool,
    /// Print the summary as text or as one JSON object.
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
}

/// `pulse import survey`.
#[derive(Debug, Args)]
pub struct ImportSurveyArgs {
    /// The export file: CSV or TSV (UTF-8, UTF-16, Windows-1252, Mac Roman), an .xlsx / .xls /
    /// .ods workbook, or a .zip holding one export.
    pub file: PathBuf,
    /// Round ID, e.g. 2026-Q1 (rounds sort by this text, which must agree with their dates).
    #[arg(long, value_name = "ID")]
    pub round: String,
    /// Platform that wrote the file.
    #[arg(long, default_value = "auto", value_parser = ["auto", "qualtrics", "surveymonkey", "google-forms", "microsoft-forms", "typeform", "limesurvey", "csv"])]
    pub platform: String,
    /// Developers invited, for the response rate.
    #[arg(long, value_name = "N")]
    pub invited: Option<u64>,
    /// Replace the round if it was imported before.
    #[arg(long)]
    pub replace: bool,
    /// Map a column to a segment: `HEADER` or `NAME=HEADER` (repeatable).
    #[arg(long = "segment", value_name = "[NAME=]HEADER")]
    pub segments: Vec<String>,
    /// Keep an identifying column (by header) that would otherwise be dropped (repeatable).
    #[arg(long = "keep-column", value_name = "HEADER")]
    pub keep_columns: Vec<String>,
    /// Read the file in this encoding instead of detecting it.
    #[arg(long, value_name = "NAME", value_parser = ["utf-8", "utf-16le", "utf-16be", "windows-1252", "mac-roman"])]
    pub encoding: Option<String>,
    /// Dates written with the year last (`16/10/2024`): day-first or month-first. Without it
    /// pulse decides from the file (a first number over 12 means day-first) and warns when no
    /// value decides.
    #[arg(long, value_name = "ORDER", value_parser = ["dmy", "mdy"])]
    pub date_order: Option<String>,
    /// Override how a column is read: `HEADER=question|text|identifying|metadata` (repeatable).
    /// Kept in pulse.toml `[columns]` and applied to every later round; see `--dry-run`.
    #[arg(long = "as", value_name = "HEADER=HOW")]
    pub as_: Vec<String>,
    /// When the round ran, YYYY-MM-DD (default: the median submission date of the export).
    /// Round IDs must sort the way their dates do: `Q4-2025` then `Q1-2026` is refused.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The worksheet to read from a workbook (default: the first; pulse says which it read).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Print how every column would be read (question, kind, scale, identifying or not, and
    /// why) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the import summary as text or as one JSON object.
    #[arg(long, value_enum, default_value_t)]
    pub format: SummaryFormat,
}

/// Format of a summary that is not a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SummaryFormat {
    /// Lines for reading.
    #[default]
    Text,
    /// One JSON object.
    Json,
}

/// A command that prints a table.
#[derive(Debug, Args)]
pub struct TableArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse questions`.
#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Only this round.
    #[arg(long, value_name = "ID")]
    pub round: Option<String>,
    /// One row per question and round (default: one row per question with its rounds).
    #[arg(long)]
    pub long: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// SQL text, or a .sql file (statements separated by `;`, the last one's result is printed).
    /// `{{min_group_size}}` in the SQL is replaced by the workspace's anonymity threshold.
    #[arg(required_unless_present = "schema")]
    pub sql: Option<String>,
    /// Print the tables and their columns instead.
    #[arg(long)]
    pub schema: bool,
    /// Apply disclosure control to the result: rows counting fewer than min_group_size people
    /// (and rows that would give such a row away by subtraction, and segment groups that every
    /// other output hides) are left out. Needs the column that counts people: `--count COLUMN`
    /// or a `-- count: COLUMN` line in the SQL; without one the query is refused. --safe
    /// protects the rows of one result of a query you trust: it takes the count column at its
    /// word and does not compare two queries (whoever writes SQL here can read the store).
    #[arg(long)]
    pub safe: bool,
    /// With --safe: the column that counts the people behind each row.
    #[arg(long, value_name = "COLUMN", requires = "safe")]
    pub count: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate.
    #[arg(value_enum)]
    pub what: GenerateWhat,
    /// Output folder (demo) or file (bench).
    #[arg(long)]
    pub out: PathBuf,
    /// Respondents (bench only).
    #[arg(long, default_value_t = 100_000)]
    pub respondents: usize,
    /// Questions (bench only).
    #[arg(long, default_value_t = 60)]
    pub questions: usize,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// Generators.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GenerateWhat {
    /// The demo organisation's four quarterly exports (fixtures/demo).
    Demo,
    /// One large plain-CSV round for benchmarks.
    Bench,
    /// Synthetic CI builds for telemetry benchmarks (`--respondents` is the row count;
    /// `.parquet` output writes Parquet, anything else CSV).
    Builds,
}

/// `pulse demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to build the demo workspace.
    #[arg(long, default_value = "pulse-demo")]
    pub out: PathBuf,
    /// Folder holding the demo exports (default: the bundled fixtures/demo).
    #[arg(long, hide = true)]
    pub fixtures: Option<PathBuf>,
    /// Build the workspace only, without rendering the report (tests).
    #[arg(long, hide = true)]
    pub no_report: bool,
}

/// `pulse report`.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Round to report (default: the latest); it is compared with the round before it.
    #[arg(long, value_name = "ID")]
    pub round: Option<String>,
    /// Output folder (default: reports/ROUND in the workspace); replaced as a whole.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats to write, comma-separated: pdf, png (every page as PNG at 144 dpi, every chart as
    /// PNG at 2x plus SVG), html, md.
    #[arg(long, default_value = "pdf,png,html,md", value_name = "LIST")]
    pub formats: String,
    /// Report spec (default: reports/quarterly.toml in the workspace, else the built-in).
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// Paper size, overriding the spec's.
    #[arg(long, value_parser = ["a4", "letter"])]
    pub paper: Option<String>,
    /// Document date, YYYY-MM-DD (default: the round's last response, so reruns are identical).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Leave out respondents flagged at import (duplicate, speeder, straightliner, incomplete;
    /// comma-separated, `all`, or `none`), overriding the spec's `exclude`. The methods section
    /// says what was left out; figures that would describe the left-out people are suppressed.
    #[arg(long, value_name = "FLAGS", value_parser = crate::store::read::FlagSet::parse)]
    pub exclude: Option<crate::store::read::FlagSet>,
}
