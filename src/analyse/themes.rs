//! Comment themes and sentiment.
//!
//! Themes: a keyword/phrase dictionary (defaults for platform topics below, overridable in
//! `catalog.toml` under `[themes]`); a comment can carry several themes.
//! Sentiment: the VADER lexicon (Hutto & Gilbert 2014, MIT licence, `lexicon/VADER-LICENSE.txt`)
//! with VADER's normalisation `compound = s / sqrt(s² + 15)` and its negation rule (a negator in
//! the three preceding words scales a word by −0.74); VADER's other heuristics (capitals,
//! punctuation, "but") are not applied. A few platform words the general lexicon lacks are
//! added in [`SUPPLEMENT`], marked as ours.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use polars::prelude::{Column, DataFrame, PolarsResult};

const LEXICON: &str = include_str!("lexicon/vader_lexicon.tsv");

/// Platform vocabulary missing from VADER (our own valences, same −4..4 scale).
pub const SUPPLEMENT: &[(&str, f64)] = &[
    ("slow", -1.5),
    ("slower", -1.5),
    ("flaky", -1.8),
    ("fast", 1.5),
    ("faster", 1.5),
    ("smooth", 1.5),
    ("outdated", -1.2),
    ("blocked", -1.5),
    ("blocks", -1.2),
    ("missing", -1.0),
];

fn lexicon() -> &'static HashMap<&'static str, f64> {
    static L: OnceLock<HashMap<&'static str, f64>> = OnceLock::new();
    L.get_or_init(|| {
        let mut m: HashMap<&'static str, f64> = LEXICON
            .lines()
            .filter_map(|l| {
                let (w, v) = l.split_once('\t')?;
                Some((w, v.trim().parse().ok()?))
            })
            .collect();
        m.extend(SUPPLEMENT.iter().copied());
        m
    })
}

const NEGATORS: &[&str] = &[
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "isn't",
    "aren't", "wasn't", "don't", "doesn't", "didn't", "can't", "cannot", "won't", "never",
];

/// VADER-style compound sentiment in [−1, 1].
pub fn sentiment(text: &str) -> f64 {
    let lex = lexicon();
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || ",.;:!?()\"".contains(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    let mut sum = 0.0;
    for (i, w) in words.iter().enumerate() {
        if let Some(v) = lex.get(w.as_str()) {
            let negated = words[i.saturating_sub(3)..i]
                .iter()
                .any(|p| NEGATORS.contains(&p.as_str()) || p.ends_with("n't"));
            sum += if negated { v * -0.74 } else { *v };
        }
    }
    sum / (sum * sum + 15.0).sqrt()
}

/// The default theme dictionary: theme -> phrases (lowercase; matched on word boundaries).
pub fn default_themes() -> BTreeMap<String, Vec<String>> {
    let d: &[(&str, &[&str])] = &[
        (
            "build_speed",
            &["build time", "builds", "build", "compile", "ci is slow", "cache", "monorepo"],
        ),
        ("flaky_tests", &["flaky", "flake", "intermittent", "retries", "retry"]),
        ("docs", &["docs", "documentation", "runbook", "readme", "examples"]),
        ("onboarding", &["onboarding", "new joiner", "first week", "getting started"]),
        ("deploys", &["deploy", "deploys", "deployment", "rollback", "rollbacks", "release"]),
        (
            "environments",
            &["staging", "environment", "environments", "local dev", "docker compose", "sandbox"],
        ),
        ("on_call", &["on-call", "oncall", "pager", "pages", "paged"]),
        ("permissions", &["permission", "permissions", "access", "approval", "ticket"]),
        (
            "tooling_sprawl",
            &["too many tools", "sprawl", "three ways", "consolidate", "another tool"],
        ),
    ];
    d.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect()
}

/// Themes whose phrases occur in the text (word boundaries, case-insensitive).
pub fn tag<'a>(text: &str, themes: &'a BTreeMap<String, Vec<String>>) -> Vec<&'a str> {
    let t = format!(
        " {} ",
        text.to_lowercase().replace(|c: char| !c.is_alphanumeric() && c != '-', " ")
    );
    themes
        .iter()
        .filter(|(_, phrases)| {
            phrases.iter().any(|p| t.contains(&format!(" {} ", p.to_lowercase())))
        })
        .map(|(k, _)| k.as_str())
        .collect()
}

/// Per-theme result for one round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ThemeRow {
    /// Theme name.
    pub theme: String,
    /// Comments carrying the theme.
    pub comments: usize,
    /// Share of the round's comments.
    pub share: f64,
    /// Mean compound sentiment of those comments (NaN: not shown, fewer comments than the
    /// minimum group size).
    pub sentiment: f64,
    /// Up to two example comments from respondents in groups at or above the minimum size.
    pub examples: Vec<String>,
}

/// Tags comments. `comments` are (text, may_quote) pairs: `may_quote` is false for comments
/// whose author belongs to a group below the minimum size.
pub fn themes(comments: &[(String, bool)], dict: &BTreeMap<String, Vec<String>>) -> Vec<ThemeRow> {
    let total = comments.len();
    let mut rows: BTreeMap<&str, ThemeRow> = BTreeMap::new();
    for (text, may_quote) in comments {
        let s = sentiment(text);
        for th in tag(text, dict) {
            let r = rows
                .entry(th)
                .or_insert_with(|| ThemeRow { theme: th.to_string(), ..ThemeRow::default() });
            r.comments += 1;
            r.sentiment += s;
            if *may_quote && r.examples.len() < 2 && text.chars().count() <= 160 {
                r.examples.push(text.clone());
            }
        }
    }
    let mut out: Vec<ThemeRow> = rows.into_values().collect();
    for r in &mut out {
        r.share = r.comments as f64 / total.max(1) as f64;
        r.sentiment /= r.comments.max(1) as f64;
    }
    out.sort_by(|a, b| b.comments.cmp(&a.comments).then(a.theme.cmp(&b.theme)));
    out
}

/// The themes of a round as a frame: comments, share, change against the round before (`prev`:
/// None when there is no previous round; a theme it lacks had share 0), sentiment, examples.
pub fn frame(round: &str, now: &[ThemeRow], prev: Option<&[ThemeRow]>) -> PolarsResult<DataFrame> {
    let prev: Option<HashMap<&str, f64>> =
        prev.map(|p| p.iter().map(|r| (r.theme.as_str(), r.share)).collect());
    let len = now.len();
    let prev_share: Vec<Option<f64>> = now
        .iter()
        .map(|r| prev.as_ref().map(|p| p.get(r.theme.as_str()).copied().unwrap_or(0.0)))
        .collect();
    DataFrame::new(
        len,
        vec![
            Column::new("round".into(), vec![round; len]),
            Column::new("theme".into(), now.iter().map(|r| r.theme.clone()).collect::<Vec<_>>()),
            Column::new(
                "comments".into(),
                now.iter().map(|r| r.comments as u64).collect::<Vec<_>>(),
            ),
            Column::new("share".into(), now.iter().map(|r| r.share).collect::<Vec<_>>()),
            Column::new("share_previous".into(), prev_share.clone()),
            Column::new(
                "share_change".into(),
                now.iter()
                    .zip(&prev_share)
                    .map(|(r, p)| p.map(|p| r.share - p))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "sentiment".into(),
                now.iter()
                    .map(|r| r.sentiment.is_finite().then_some(r.sentiment))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "examples".into(),
                now.iter().map(|r| r.examples.join(" | ")).collect::<Vec<_>>(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vader_sentiment_against_the_reference() {
        // vaderSentiment 3.3.2 SentimentIntensityAnalyzer().polarity_scores(t)['compound']:
        // "I love the new deployment dashboard." -> 0.6369 (love = 3.2: 3.2/sqrt(3.2^2+15))
        assert!((sentiment("I love the new deployment dashboard.") - 0.6369).abs() < 1e-4);
        // "On-call is exhausting" -> -0.3612 (exhausting = -1.5)
        assert!((sentiment("On-call is exhausting") - -0.3612).abs() < 1e-4);
        // Negation: "not great" -> 3.1 * -0.74 = -2.294 -> -0.5096
        assert!((sentiment("The docs are not great") - -0.5096).abs() < 1e-4);
        assert_eq!(sentiment("builds are fine"), sentiment("builds are fine"));
    }

    #[test]
    fn tagging_and_examples() {
        let d = default_themes();
        assert_eq!(tag("Flaky integration tests block my merges", &d), vec!["flaky_tests"]);
        assert_eq!(
            tag("The docs are out of date; staging is broken", &d),
            vec!["docs", "environments"]
        );
        assert!(tag("lunch was nice", &d).is_empty());
        let rows = themes(
            &[
                ("flaky tests again".into(), true),
                ("flaky pipeline".into(), false),
                ("nice docs".into(), true),
            ],
            &d,
        );
        assert_eq!(rows[0].theme, "flaky_tests");
        assert_eq!(rows[0].comments, 2);
        assert!((rows[0].share - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(
            rows[0].examples,
            vec!["flaky tests again".to_string()],
            "no quote from a small group"
        );
    }
}
