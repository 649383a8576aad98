//! Arguments of the survey analyses: summary, compare, trend, drivers, reliability, themes,
//! maturity.

use clap::Args;

use super::Format;

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
    /// Respondents left out by quality flag.
    #[command(flatten)]
    pub exclusion: super::Exclusion,
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
    /// Respondents left out by quality flag.
    #[command(flatten)]
    pub exclusion: super::Exclusion,
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
    /// Respondents left out by quality flag.
    #[command(flatten)]
    pub exclusion: super::Exclusion,
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
    /// Respondents left out by quality flag.
    #[command(flatten)]
    pub exclusion: super::Exclusion,
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
    /// Respondents left out by quality flag.
    #[command(flatten)]
    pub exclusion: super::Exclusion,
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
    /// Respondents left out by quality flag.
    #[command(flatten)]
    pub exclusion: super::Exclusion,
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
    /// Respondents left out by quality flag.
    #[command(flatten)]
    pub exclusion: super::Exclusion,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
