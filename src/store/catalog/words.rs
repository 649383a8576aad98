//! Text measures for linking questions: content words, TF-IDF cosine, spelling similarity, and
//! readable identifiers.

use std::collections::{BTreeMap, HashMap};

use crate::ingest::scales::normalise;

const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "at",
    "by",
    "from",
    "is",
    "are",
    "was",
    "be",
    "it",
    "its",
    "this",
    "that",
    "these",
    "you",
    "your",
    "we",
    "our",
    "i",
    "my",
    "me",
    "do",
    "does",
    "did",
    "how",
    "what",
    "which",
    "when",
    "where",
    "who",
    "why",
    "much",
    "many",
    "very",
    "would",
    "could",
    "can",
    "please",
    "rate",
    "following",
    "about",
    "as",
    "so",
    "if",
    "any",
    "have",
    "has",
    "been",
    "there",
    "their",
];

pub(super) fn words(text: &str) -> Vec<String> {
    normalise(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(|w| match w.strip_suffix("ies") {
            // Crude plural folding, enough for question texts: capabilities -> capability.
            Some(stem) if stem.len() > 2 => format!("{stem}y"),
            _ if w.ends_with("ss") => w.to_string(),
            _ => w.strip_suffix('s').filter(|s| s.len() > 2).unwrap_or(w).to_string(),
        })
        .collect()
}

/// Whether two texts share enough content words to be the same question reworded: at least
/// two, and at least half of the shorter text's. A one-word text ("Age") links only by its
/// exact text or an alias, never by similarity.
pub(super) fn enough_overlap(a: &[String], b: &[String]) -> bool {
    use std::collections::BTreeSet;
    let (sa, sb): (BTreeSet<&String>, BTreeSet<&String>) = (a.iter().collect(), b.iter().collect());
    let shared = sa.intersection(&sb).count();
    let shorter = sa.len().min(sb.len());
    shorter >= 2 && shared >= 2 && shared * 2 >= shorter
}

/// TF-IDF cosine similarity between two texts, IDF from `df` over `docs` documents.
fn cosine(a: &[String], b: &[String], df: &HashMap<String, usize>, docs: usize) -> f64 {
    let idf = |w: &str| ((1.0 + docs as f64) / (1.0 + *df.get(w).unwrap_or(&0) as f64)).ln() + 1.0;
    // Ordered maps: the sums below add in word order, so equal inputs give equal scores on every
    // run (a hash map's random order made near-ties link differently from one import to the next).
    fn vec_of<'a>(ws: &'a [String], idf: &dyn Fn(&str) -> f64) -> BTreeMap<&'a str, f64> {
        let mut m: BTreeMap<&str, f64> = BTreeMap::new();
        for w in ws {
            *m.entry(w.as_str()).or_default() += idf(w);
        }
        m
    }
    let vec = |ws| vec_of(ws, &idf);
    let (va, vb) = (vec(a), vec(b));
    let dot: f64 = va.iter().map(|(w, x)| x * vb.get(w).unwrap_or(&0.0)).sum();
    let na: f64 = va.values().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = vb.values().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 { 0.0 } else { dot / (na * nb) }
}

/// Turns text into a readable identifier: `ci_build_speed`.
pub fn slug(text: &str, max_words: usize) -> String {
    let ws: Vec<String> = words(text)
        .into_iter()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .take(max_words)
        .collect();
    let s = ws.join("_");
    let s: String = s.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if s.is_empty() { "q".into() } else { s.chars().take(40).collect() }
}

pub(super) fn similarity(
    old: &str,
    new: &str,
    new_words: &[String],
    df: &HashMap<String, usize>,
    docs: usize,
) -> f64 {
    let (a, b) = (normalise(old), normalise(new));
    let lev = strsim::normalized_levenshtein(&a, &b);
    let cos = cosine(&words(old), new_words, df, docs);
    if lev >= 0.9 { lev.max(cos) } else { cos }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 11: the TF-IDF sums ran in a hash map's random order, so near-tied links between
    /// grid rows ("Statement 2" / "Statement 3") came out differently on each import.
    #[test]
    fn similarity_is_the_same_on_every_run() {
        let old = "Click to write the question text This question has choice groups, one after the first choice and... [Click to write Statement 3]";
        let new = "Click to write the question text This question has variables given for both its Choices and Answers [Click to write Statement 2]";
        let mut df: HashMap<String, usize> = HashMap::new();
        for w in words(old).into_iter().chain(words(new)) {
            *df.entry(w).or_default() += 1;
        }
        let first = similarity(old, new, &words(new), &df, 7).to_bits();
        for _ in 0..200 {
            assert_eq!(similarity(old, new, &words(new), &df, 7).to_bits(), first);
        }
    }
}
