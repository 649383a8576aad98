//! The question catalog (`catalog.toml`): one stable `question_id` per question across rounds.
//!
//! The catalog is human-edited: renamed IDs, merged aliases and tags are respected by the next
//! import, and it is validated on load (unknown keys, kinds and directions are errors naming the
//! line, since a typo in `direction` would silently flip verdicts). How a new round's items are
//! linked to its questions is in `catalog/link.rs`; the text measures it uses are in
//! `catalog/words.rs`.

use std::collections::{BTreeMap, HashSet};

use anyhow::{Context, Result};
use serde::{Deserialize, Deserializer, Serialize};

mod link;
mod words;

pub use link::{LINK_THRESHOLD, Link, Linked};
pub use words::slug;

/// The question kinds a catalog may name.
pub const KINDS: [&str; 8] =
    ["likert", "likelihood", "ranking", "single", "multi", "numeric", "text", "maturity"];

/// The directions a catalog may name (empty means `higher_is_better`).
pub const DIRECTIONS: [&str; 2] = ["higher_is_better", "lower_is_better"];

/// The whole catalog.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Comment themes: name -> phrases (replaces the built-in dictionary when present).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub themes: BTreeMap<String, Vec<String>>,
    /// Questions, in first-seen order.
    #[serde(default, rename = "question")]
    pub questions: Vec<Question>,
}

/// One question across rounds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable ID used in every table and command. Rename freely; re-import follows.
    pub id: String,
    /// Current wording.
    pub text: String,
    /// Short label for charts and tables (default: the words that tell it from its siblings).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// likert, likelihood, single, multi, numeric, text, maturity ([`KINDS`], checked on load).
    #[serde(deserialize_with = "known_kind")]
    pub kind: String,
    /// Scale name (`agreement5`, `numeric1_7`, `likelihood0_10`), for rated kinds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scale: String,
    /// `higher_is_better` (default) or `lower_is_better` for negatively worded items.
    /// Checked on load against [`DIRECTIONS`].
    #[serde(
        default,
        skip_serializing_if = "String::is_empty",
        deserialize_with = "known_direction"
    )]
    pub direction: String,
    /// Grid / matrix this question is a row of.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// Construct tag (questions measuring one thing, for reliability and reports).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub construct: String,
    /// CNCF maturity aspect tag.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub aspect: String,
    /// Platform capability tag.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub capability: String,
    /// Other wordings that mean this question (exact-match links).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Known options (choice kinds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Maturity questions: answer option -> level 1-4 (provisional, operational, scalable,
    /// optimizing).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub levels: BTreeMap<String, u8>,
    /// Where the question appeared, per round.
    #[serde(default)]
    pub rounds: BTreeMap<String, Asked>,
}

/// How a question was asked in one round.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Asked {
    /// The question ID the round's stored tables use (the ID when the round was imported).
    /// Renaming a question's `id` maps this round's rows to the new ID on every read, without a
    /// re-import. Empty in catalogs written before pulse recorded it (then: the question's ID).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stored_id: String,
    /// Wording in that round.
    pub text: String,
    /// Column header in the export.
    pub column: String,
    /// Position in the export (1-based).
    pub position: usize,
    /// Scale used in that round.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scale: String,
    /// Worded differently from the previous round that asked it.
    #[serde(default)]
    pub wording_changed: bool,
    /// Different number of scale points from the previous round that asked it.
    #[serde(default)]
    pub scale_changed: bool,
    /// Similarity of the link, when it was linked by similarity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
}

fn one_of<'de, D: Deserializer<'de>>(d: D, what: &str, valid: &[&str]) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if valid.contains(&s.as_str()) {
        return Ok(s);
    }
    Err(serde::de::Error::custom(format!(
        "unknown {what} {s:?}\nhint: {what} is one of {}",
        valid.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
    )))
}

fn known_kind<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    one_of(d, "kind", &KINDS)
}

fn known_direction<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.is_empty() {
        return Ok(s);
    }
    one_of(serde::de::value::StrDeserializer::<D::Error>::new(&s), "direction", &DIRECTIONS)
}

/// `catalog.toml:LINE:COLUMN: message`, with a `hint:` line, from a TOML error.
fn located(text: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = e.message().trim_end();
    let at = e.span().map_or(String::new(), |s| {
        let before = &text.as_bytes()[..s.start.min(text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let col = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        format!("{line}:{col}:")
    });
    let hint = if msg.contains("\nhint:") {
        String::new()
    } else if msg.contains("unknown field") {
        "\nhint: fix the key's spelling, or remove it".to_string()
    } else {
        "\nhint: fix the TOML syntax at that place".to_string()
    };
    anyhow::anyhow!("{}:{at} {msg}{hint}", crate::store::workspace::CATALOG)
}

impl Catalog {
    /// Stored question ID -> current ID for `round`, for the questions renamed since the round
    /// was imported (empty when nothing was renamed).
    pub fn renames(&self, round: &str) -> std::collections::HashMap<String, String> {
        self.questions
            .iter()
            .filter_map(|q| {
                let a = q.rounds.get(round)?;
                (!a.stored_id.is_empty() && a.stored_id != q.id)
                    .then(|| (a.stored_id.clone(), q.id.clone()))
            })
            .collect()
    }

    /// Loads and checks the workspace's `catalog.toml`.
    pub fn load(ws: &crate::store::workspace::Workspace) -> Result<Catalog> {
        let p = ws.path(crate::store::workspace::CATALOG);
        let text =
            std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
        Catalog::from_toml(&text).with_context(|| format!("parsing {}", p.display()))
    }

    /// Parses `catalog.toml` text.
    pub fn from_toml(text: &str) -> Result<Catalog> {
        let c: Catalog = toml::from_str(text).map_err(|e| located(text, &e))?;
        let mut seen = HashSet::new();
        for q in &c.questions {
            if !seen.insert(q.id.as_str()) {
                anyhow::bail!(
                    "question id {:?} appears twice\nhint: to merge two questions, keep one and add the other's text to its aliases",
                    q.id
                );
            }
        }
        Ok(c)
    }

    /// Serialises with an explanatory header.
    pub fn to_toml(&self) -> Result<String> {
        let body = toml::to_string(self).context("writing the catalog")?;
        Ok(format!(
            "# pulse question catalog: one [[question]] per stable question_id.\n\
             # Edit freely: rename `id`, add `aliases` (texts that mean this question), set\n\
             # `construct`, `aspect`, `capability`, `direction` = \"lower_is_better\" for negatively\n\
             # worded items. Merge two questions by moving one's texts into the other's aliases;\n\
             # split by removing an alias. Re-import a round with --replace to apply.\n\n{body}"
        ))
    }

    /// Finds a question by ID.
    pub fn get(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Forgets round `round` before re-importing it. The questions stay, with the user's edits
    /// (ID, aliases, tags), so the re-import links to them again.
    pub fn remove_round(&mut self, round: &str) {
        for q in &mut self.questions {
            q.rounds.remove(round);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_ids_are_refused() {
        let t = "[[question]]\nid='a'\ntext='x'\nkind='text'\n[[question]]\nid='a'\ntext='y'\nkind='text'\n";
        assert!(Catalog::from_toml(t).is_err());
    }

    #[test]
    fn misspelt_direction_names_the_line_and_valid_values() {
        let t =
            "[[question]]\nid = 'a'\ntext = 'x'\nkind = 'likert'\ndirection = \"lower_is_beter\"\n";
        let e = format!("{:#}", Catalog::from_toml(t).unwrap_err());
        assert!(e.starts_with("catalog.toml:5:13: unknown direction \"lower_is_beter\""), "{e}");
        assert!(
            e.contains("\nhint: direction is one of \"higher_is_better\", \"lower_is_better\""),
            "{e}"
        );
    }

    #[test]
    fn unknown_kind_and_unknown_key_are_refused() {
        let t = "[[question]]\nid = 'a'\ntext = 'x'\nkind = 'likret'\n";
        let e = format!("{:#}", Catalog::from_toml(t).unwrap_err());
        assert!(
            e.starts_with("catalog.toml:4:8: unknown kind") && e.contains("\"maturity\""),
            "{e}"
        );
        let t = "[[question]]\nid = 'a'\ntext = 'x'\nkind = 'text'\ndirecton = 'lower_is_better'\n";
        let e = format!("{:#}", Catalog::from_toml(t).unwrap_err());
        assert!(e.starts_with("catalog.toml:5:") && e.contains("directon"), "{e}");
        assert!(e.contains("\nhint: "), "{e}");
        // Every kind and direction pulse writes reads back.
        for k in KINDS {
            let t = format!(
                "[[question]]\nid = 'a'\ntext = 'x'\nkind = '{k}'\ndirection = 'lower_is_better'\n"
            );
            assert!(Catalog::from_toml(&t).is_ok(), "{k}");
        }
    }
}
