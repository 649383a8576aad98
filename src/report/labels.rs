//! Short labels for questions in charts and tables: the words that tell a question apart from
//! its siblings. A grid row keeps its row text (`… [CI build speed]`, `… - CI build speed`);
//! otherwise a run of leading or trailing words that the question shares with another question
//! (`Please rate how much you like the traditional …`) is dropped. A catalog `label` overrides
//! all of this; the full wording stays in the methods appendix.
//! (<https://github.com/pulse/pulse/issues/15>)

use std::collections::BTreeMap;

/// Shared leading or trailing words shorter than this are kept: two questions that both start
/// "How satisfied" still read as questions.
const MIN_SHARED: usize = 3;
/// Words a label keeps at least, taking back shared leading words when needed.
const MIN_KEPT: usize = 3;

/// The row text of a grid question (`… [row]` or `… - row`), if it is one.
fn grid_row(t: &str) -> Option<&str> {
    if let (Some(a), true) = (t.rfind('['), t.ends_with(']')) {
        return Some(t[a + 1..t.len() - 1].trim());
    }
    t.rsplit_once(" - ").map(|(_, row)| row.trim()).filter(|r| !r.is_empty())
}

/// Words shared at the start (`rev = false`) or end of `a` and `b`.
fn shared(a: &[&str], b: &[&str], rev: bool) -> usize {
    let eq = |x: &&str, y: &&str| x.eq_ignore_ascii_case(y);
    if rev {
        a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| eq(x, y)).count()
    } else {
        a.iter().zip(b).take_while(|(x, y)| eq(x, y)).count()
    }
}

/// Short labels for `texts` (question ID -> wording), each read against the others.
pub fn short_labels(texts: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let words: BTreeMap<&str, Vec<&str>> = texts
        .iter()
        .filter(|(_, t)| grid_row(t).is_none())
        .map(|(q, t)| (q.as_str(), t.split_whitespace().collect()))
        .collect();
    let mut out = BTreeMap::new();
    for (q, t) in texts {
        if let Some(row) = grid_row(t) {
            out.insert(q.clone(), row.to_string());
            continue;
        }
        let w = &words[q.as_str()];
        let (mut head, mut tail) = (0, 0);
        for (o, ow) in &words {
            if *o == q.as_str() {
                continue;
            }
            head = head.max(shared(w, ow, false));
            tail = tail.max(shared(w, ow, true));
        }
        let tail = if tail >= MIN_SHARED { tail } else { 0 };
        let mut head = if head >= MIN_SHARED { head } else { 0 };
        // A number or a lone word tells little: "widget 01 flow", not "01 flow"; "platform is
        // measured", not "measured".
        while head > 0
            && (head + tail + MIN_KEPT > w.len()
                || w.get(head).is_some_and(|x| x.starts_with(|c: char| c.is_ascii_digit())))
        {
            head -= 1;
        }
        // Keep at least one word; when the shared runs would eat the question, keep it whole.
        let label = if head + tail < w.len() {
            w[head..w.len() - tail].join(" ")
        } else {
            t.trim().to_string()
        };
        let label = label.trim_end_matches(['?', ':', '.']).trim().to_string();
        let label = super::format::capitalise(&label);
        out.insert(q.clone(), if label.is_empty() { t.clone() } else { label });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(texts: &[(&str, &str)]) -> Vec<String> {
        let m: BTreeMap<String, String> =
            texts.iter().map(|(q, t)| (q.to_string(), t.to_string())).collect();
        let out = short_labels(&m);
        texts.iter().map(|(q, _)| out[*q].clone()).collect()
    }

    #[test]
    fn shared_prefix_and_suffix_are_dropped() {
        assert_eq!(
            labels(&[
                ("a", "Please rate how much you like the traditional deploy pipeline"),
                ("b", "Please rate how much you like the traditional code review tool?"),
                ("c", "How satisfied are you with on-call?"),
            ]),
            [
                "Traditional deploy pipeline",
                "Code review tool",
                "How satisfied are you with on-call"
            ]
        );
        assert_eq!(
            labels(&[
                ("a", "Please rate how much you like the traditional widget 01 flow"),
                ("b", "Please rate how much you like the traditional widget 02 flow"),
            ]),
            ["Widget 01 flow", "Widget 02 flow"]
        );
        assert_eq!(
            labels(&[
                ("s1", "Statement 1 about the platform"),
                ("s2", "Statement 2 about the platform"),
            ]),
            ["Statement 1", "Statement 2"]
        );
    }

    #[test]
    fn grid_rows_keep_their_row_text() {
        assert_eq!(
            labels(&[
                ("g1", "How satisfied are you with the following parts of the platform? [CI]"),
                ("g2", "How satisfied are you with the following parts of the platform? - Docs"),
            ]),
            ["CI", "Docs"]
        );
    }

    #[test]
    fn two_shared_words_are_kept() {
        assert_eq!(
            labels(&[("a", "Rate our CI"), ("b", "Rate our docs")]),
            ["Rate our CI", "Rate our docs"]
        );
    }
}
