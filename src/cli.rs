//! Command-line arguments (clap derive). Doc comments here are the `--help` text.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// pulse: survey and telemetry analytics for internal developer platforms.
///
/// Import survey exports from Qualtrics, SurveyMonkey, Google Forms, Microsoft Forms, Typeform,
/// LimeSurvey or plain CSV into a workspace; keep questions comparable across rounds; query the
/// Parquet store with SQL.
///
/// Start with `pulse demo`, or `pulse init my-workspace`.
#[derive(Debug, Parser)]
#[command(name = "pulse", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Workspace folder (default: the current folder or the nearest parent folder holding a
    /// pulse.toml, the way git finds its repository).
    #[arg(long, short = 'w', global = true, env = "PULSE_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
}

impl Global {
    /// The workspace folder to use: `--workspace`, else the nearest folder from here upwards
    /// that holds a `pulse.toml`, else the current folder (whose error then says how to make
    /// one).
    pub fn root(&self) -> PathBuf {
        match &self.workspace {
            Some(w) => w.clone(),
            None => crate::store::workspace::discover(Path::new("."))
                .unwrap_or_else(|| PathBuf::from(".")),
        }
    }
}

/// Output format of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Aligned columns for reading.
    #[default]
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of flat objects.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a workspace folder (pulse.toml, catalog.toml, queries/, store/, a secret).
    Init(InitArgs),
    /// Import a survey export, or telemetry (builds, deployments, incidents, …), into the workspace.
    #[command(subcommand)]
    Import(ImportCommand),
    /// List imported rounds: responses, response rate, source platform.
    Rounds(TableArgs),
    /// Show the question catalog: which question in which round, wording and scale changes.
    Questions(QuestionsArgs),
    /// Run SQL over the store (tables: rounds, questions, respondents, responses, comments).
    #[command(after_long_help = "Examples:\n  \
        pulse query \"SELECT question_id, avg(value) FROM responses GROUP BY 1\" --format csv\n  \
        pulse query queries/top_box.sql\n  \
        pulse query --schema")]
    Query(QueryArgs),
    /// Per-question estimates for a round: n, mean and top box with 95 % intervals, NPS.
    Summary(SummaryArgs),
    /// Compare two rounds: tests, effect sizes, BH q-values and a verdict per question.
    Compare(CompareArgs),
    /// Per question and round, mean and top box with 95 % intervals; breaks at scale changes.
    Trend(TrendArgs),
    /// Key drivers: Spearman correlation of each rated item with the outcome, by quadrant.
    Drivers(DriversArgs),
    /// Cronbach's alpha and corrected item-total correlations per construct (3+ items).
    Reliability(ReliabilityArgs),
    /// Comment themes per round: counts, share, change, sentiment (VADER), example comments.
    Themes(ThemesArgs),
    /// CNCF maturity per aspect (self-assessed) and the evidence-based Measurement score.
    Maturity(MaturityArgs),
    /// Delivery metrics per period: builds, deployments (DORA, with levels) and capability usage.
    #[command(after_long_help = "Examples:\n  \
        pulse metrics\n  \
        pulse metrics --kind deployments --dora-year 2023\n  \
        pulse metrics --kind deployments --compat devlake --format json\n  \
        pulse metrics --kind usage --period month --format csv\n\n\
        Every row names the definition that produced it; the README's \"Telemetry\" section\n\
        gives each definition and its sources.")]
    Metrics(MetricsArgs),
    /// Goodhart guardrails: evaluate metrics.toml (SLOs, counter-metrics, target bunching,
    /// survey/telemetry divergence, saturation, lone targets, survey health). Exit 1 on alerts.
    #[command(after_long_help = "Examples:\n  \
        pulse check                     # latest period against the one before\n  \
        pulse check --period 2026-Q2\n  \
        pulse check --format json       # one object per alert\n\n\
        Exit status: 0 no alert, 1 at least one alert, 2 error (so a CI job can gate on it).\n\
        metrics.toml lives in the workspace; the README's \"Guardrails\" section documents it.")]
    Check(CheckArgs),
    /// Render the quarterly report: PDF, chart PNGs/SVGs, a self-contained HTML page, Markdown.
    #[command(after_long_help = "Examples:\n  \
        pulse report                                  # latest round, all formats, into reports/ROUND\n  \
        pulse report --round 2026-Q3 --out q3 --formats pdf,md\n  \
        pulse report --spec reports/board.toml --paper letter\n\n\
        The sections, their order and titles come from the spec (reports/quarterly.toml in the\n\
        workspace, else the built-in one); the page design is the Typst template the spec names.\n\
        A `query` section runs a SQL file from queries/ and charts it as its header comment says\n\
        (-- title: / -- chart: bar|line|table / -- x: / -- y: / -- unit:).\n\
        Files: report.pdf, report.html, summary.md, charts/NAME.svg and charts/NAME.png (2x).\n\
        The output folder is replaced only when everything rendered. The same data, spec and\n\
        --date give byte-identical files.")]
    Report(ReportArgs),
    /// Generate deterministic synthetic data: survey exports and builds (demo and benchmarks).
    Generate(GenerateArgs),
    /// Build the demo workspace: generate the demo organisation's exports and telemetry (seed
    /// 42, the files in fixtures/demo), import every round, check and render the report.
    Demo(DemoArgs),
}

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
    /// The export file (CSV or TSV; UTF-8, UTF-16 or Windows-1252).
    pub file: PathBuf,
    /// Round ID, e.g. 2026-Q1 (rounds sort by this text).
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
    /// Formats to write, comma-separated: pdf, png (every chart as PNG at 2x plus SVG), html, md.
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
}

/// `pulse summary`.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Fields (JSON/CSV): round, question_id, segment, group, option, kind, n, excluded, \
mean, mean_ci_low, mean_ci_high, top_box, top_box_ci_low, top_box_ci_high, bottom_box, nps, nps_ci_low, \
nps_ci_high, distribution, suppressed. Groups below min_group_size are suppressed (numbers empty)."
)]
pub struct SummaryArgs {
    /// Round (default: the latest).
    #[arg(long, value_name = "ID")]
    pub round: Option<String>,
    /// Break down by a segment column (team, role, …).
    #[arg(long, value_name = "COLUMN")]
    pub segment: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse compare`.
#[derive(Debug, Args)]
#[command(
    after_long_help = "Ordinal items: Mann-Whitney U (two-sided, tie and continuity corrected), \
rank-biserial effect (positive = TO higher). --paired: Wilcoxon signed-rank on respondents in both rounds. \
Single choice: chi-square, Cramer's V. q_value: Benjamini-Hochberg over all rows. Verdict: improved / \
declined (respecting the question's direction) / changed (categorical) / no detectable change (q >= 0.05) / \
not comparable (scale changed without --rescale, or n below min_group_size). Without rounds: the latest \
round against the one before."
)]
pub struct CompareArgs {
    /// Earlier round (with TO; neither: the latest round against the one before).
    #[arg(default_value = "", hide_default_value = true)]
    pub from: String,
    /// Later round.
    #[arg(default_value = "", hide_default_value = true)]
    pub to: String,
    /// Compare per segment group.
    #[arg(long, value_name = "COLUMN")]
    pub segment: Option<String>,
    /// Wilcoxon signed-rank on the respondents who answered both rounds.
    #[arg(long)]
    pub paired: bool,
    /// Compare items whose scale changed on a 0-100 percent-of-maximum scale.
    #[arg(long)]
    pub rescale: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    /// Questions (default: all).
    pub questions: Vec<String>,
    /// Rounds: A..B, A.., ..B or one round.
    #[arg(long, value_name = "RANGE")]
    pub rounds: Option<String>,
    /// Per segment group.
    #[arg(long, value_name = "COLUMN")]
    pub segment: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse drivers`.
#[derive(Debug, Args)]
pub struct DriversArgs {
    /// Round (default: the latest).
    #[arg(long, value_name = "ID")]
    pub round: Option<String>,
    /// Outcome question (default: `outcome` in pulse.toml).
    #[arg(long, value_name = "QUESTION_ID")]
    pub outcome: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse reliability`.
#[derive(Debug, Args)]
pub struct ReliabilityArgs {
    /// Round (default: the latest).
    #[arg(long, value_name = "ID")]
    pub round: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse themes`.
#[derive(Debug, Args)]
pub struct ThemesArgs {
    /// Round (default: the latest).
    #[arg(long, value_name = "ID")]
    pub round: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse maturity`.
#[derive(Debug, Args)]
pub struct MaturityArgs {
    /// Round (default: the latest).
    #[arg(long, value_name = "ID")]
    pub round: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Calendar period for telemetry metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PeriodArg {
    /// Calendar quarters (`2026-Q3`), aligned with survey rounds of the same name.
    #[default]
    Quarter,
    /// Calendar months.
    Month,
    /// ISO weeks.
    Week,
}

/// Which metrics `pulse metrics` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum MetricsKind {
    /// Every kind that has data (JSON: an object with one array per kind).
    #[default]
    All,
    /// CI builds: count, p50/p90 duration, failure, queue, flaky and rerun rates.
    Builds,
    /// Deployments: frequency, lead time, change failure rate, recovery time, rework, levels.
    Deployments,
    /// Capability usage: active users and teams, adoption, retention.
    Usage,
}

/// Definition of the deployment metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CompatArg {
    /// pulse's default, following DORA's own definitions (medians; change-caused failures).
    #[default]
    Pulse,
    /// Apache DevLake's DORA plugin and dashboard (lower medians, project-wide attribution).
    Devlake,
}

/// Report year of the DORA clusters used for levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoraYearArg {
    /// Accelerate State of DevOps 2023.
    #[value(name = "2023")]
    Y2023,
    /// Accelerate State of DevOps 2024 (default, except DevLake's 2023 set with --compat devlake).
    #[value(name = "2024")]
    Y2024,
}

/// `pulse metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Which metrics.
    #[arg(long, value_enum, default_value_t)]
    pub kind: MetricsKind,
    /// Period to group by.
    #[arg(long, value_enum, default_value_t)]
    pub period: PeriodArg,
    /// Definition of the deployment metrics.
    #[arg(long, value_enum, default_value_t)]
    pub compat: CompatArg,
    /// DORA report year whose clusters name the levels.
    #[arg(long, value_enum, value_name = "YEAR")]
    pub dora_year: Option<DoraYearArg>,
    /// Output format (CSV needs one --kind).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `pulse check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Period to check, e.g. 2026-Q3 (default: the latest with data), against the one before.
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Metrics file (default: metrics.toml in the workspace).
    #[arg(long, value_name = "FILE")]
    pub metrics: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Least alert severity that makes the run fail (exit 1): `info` fails on any alert,
    /// `warning` on low, medium or high ones, `high` on high ones only. Info alerts (a target
    /// without a counter-metric) are advice: by default they print and exit 0.
    #[arg(long, value_enum, default_value_t, value_name = "LEVEL")]
    pub fail_on: FailOn,
}

/// Which alerts fail `pulse check` (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// Any alert, info included.
    Info,
    /// Alerts of severity low, medium or high.
    #[default]
    Warning,
    /// High-severity alerts only.
    High,
}
