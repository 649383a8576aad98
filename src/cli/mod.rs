//! Command-line arguments (clap derive). Doc comments here are the `--help` text.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

mod survey;
mod telemetry;
mod workspace;

pub use survey::*;
pub use telemetry::*;
pub use workspace::*;

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
    ///
    /// Raw mode reads every stored row, respondents' pseudonyms and segments included: it is for
    /// analysts who may see the store, and no anonymity rule applies to its output. To share a
    /// result, use --safe: it applies pulse's disclosure control through the column that counts
    /// people in each row.
    #[command(after_long_help = "Examples:\n  \
        pulse query \"SELECT question_id, avg(value) FROM responses GROUP BY 1\" --format csv\n  \
        pulse query queries/top_box.sql\n  \
        pulse query --safe --count respondents \"SELECT team, count(*) AS respondents FROM respondents GROUP BY team\"\n  \
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
    /// survey/telemetry divergence, saturation, lone targets, survey health). Exit 1 on alerts at
    /// or above --fail-on (default: warning).
    #[command(after_long_help = "Examples:\n  \
        pulse check                     # latest complete period against the one before\n  \
        pulse check --partial           # the current period so far (counts per covered day)\n  \
        pulse check --period 2026-Q2\n  \
        pulse check --format json       # periods, coverage, BH family and the alerts\n\n\
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
        Files: report.pdf, report.html, summary.md, pages/page-NN.png (every PDF page at 144 dpi,\n\
        rendered by Typst from the same layout), charts/NAME.svg and charts/NAME.png (2x).\n\
        The output folder is replaced only when everything rendered. The same data, spec and\n\
        --date give byte-identical files.")]
    Report(ReportArgs),
    /// Generate deterministic synthetic data: survey exports and builds (demo and benchmarks).
    Generate(GenerateArgs),
    /// Build the demo workspace: generate the demo organisation's exports and telemetry (seed
    /// 42, the files in fixtures/demo), import every round, check and render the report.
    Demo(DemoArgs),
}

/// `--exclude`, taken by every survey analysis and the report.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct Exclusion {
    /// Leave out respondents with a response flagged at import: duplicate, speeder,
    /// straightliner, incomplete (comma-separated; `all` for every flag, `none` for none; a
    /// plural or capitals are fine). A person is left out
    /// with all their responses. A figure that, set against the same figure under another
    /// exclusion or none, would describe fewer than min_group_size people is suppressed; a note
    /// on stderr says how many were left out and why figures were suppressed. (The `excluded`
    /// column is something else: answers that are not values, such as N/A.)
    #[arg(long, value_name = "FLAGS", value_parser = parse_exclude, default_value = "",
          hide_default_value = true)]
    pub exclude: crate::store::read::FlagSet,
}

fn parse_exclude(s: &str) -> Result<crate::store::read::FlagSet, String> {
    crate::store::read::FlagSet::parse(s)
}
