//! Multi-select answers joined in one cell (Google Forms `", "`, Microsoft Forms `;`): detecting
//! the separator and options, and splitting cells against them.

use std::collections::HashMap;

use super::NONE;
use crate::ingest::layout::Platform;

/// Fragments of a joined multi-select cell, with lowercase continuations glued back on
/// ("Yes, with changes" stays one option).
fn fragments(cell: &str, sep: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in cell.split(sep).map(str::trim).filter(|f| !f.is_empty()) {
        match out.last_mut() {
            Some(prev) if f.starts_with(|c: char| c.is_lowercase()) && sep.starts_with(',') => {
                prev.push_str(sep);
                prev.push_str(f);
            }
            _ => out.push(f.to_string()),
        }
    }
    out
}

/// Detects options joined in one cell (Google Forms `", "`, Microsoft Forms / Forms download `;`).
pub(super) fn joined_multi(
    valid: &[&str],
    codes: &[u32],
    labels: &[String],
    platform: Platform,
) -> Option<(&'static str, Vec<String>)> {
    let seps: &[&'static str] = match platform {
        Platform::GoogleForms => &[", ", ";"],
        Platform::MicrosoftForms => &[";"],
        Platform::Plain | Platform::Typeform => &[";", ", "],
        // Qualtrics "Selected Choice" cells join the choices with a bare ",".
        Platform::Qualtrics => &[","],
        _ => &[],
    };
    let mut counts = vec![0usize; labels.len()];
    for &k in codes.iter().filter(|&&k| k != NONE) {
        counts[k as usize] += 1;
    }
    let cells: usize = counts.iter().sum();
    for &sep in seps {
        if !valid.iter().any(|v| v.contains(sep)) {
            continue;
        }
        let mut frag_count: HashMap<String, usize> = HashMap::new();
        for (l, &n) in labels.iter().zip(&counts) {
            for f in fragments(l, sep) {
                *frag_count.entry(f).or_default() += n;
            }
        }
        let min = 2.max(cells / 100);
        let common: Vec<&String> =
            frag_count.iter().filter(|(_, n)| **n >= min).map(|(f, _)| f).collect();
        if common.len() < 2 || common.len() > 40 {
            continue;
        }
        let covered: usize = labels
            .iter()
            .zip(&counts)
            .filter(|(l, _)| fragments(l, sep).iter().all(|f| frag_count[f] >= min))
            .map(|(_, &n)| n)
            .sum();
        let multi_cells: usize = labels
            .iter()
            .zip(&counts)
            .filter(|(l, _)| fragments(l, sep).len() > 1)
            .map(|(_, &n)| n)
            .sum();
        // Evidence of combinations: in a multi-select some option shows up in two different
        // cells (chosen with different partners, or alone). A single-choice option that merely
        // contains the separator always comes with the same fragments.
        let mut seen_in: HashMap<String, usize> = HashMap::new();
        for l in labels {
            let mut fs = fragments(l, sep);
            fs.dedup();
            for f in fs {
                *seen_in.entry(f).or_default() += 1;
            }
        }
        let combos = usize::from(seen_in.values().any(|&n| n >= 2));
        if covered * 10 >= cells * 8 && multi_cells > 0 && combos > 0 {
            let mut options: Vec<String> = Vec::new();
            for l in labels {
                for f in fragments(l, sep) {
                    if frag_count[&f] >= min && !options.contains(&f) {
                        options.push(f);
                    }
                }
            }
            return Some((sep, options));
        }
    }
    None
}

/// Splits a joined cell against the known options, longest match first; unknown text is "Other".
pub fn split_joined(cell: &str, sep: &str, options: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = cell.trim();
    let mut sorted: Vec<&String> = options.iter().collect();
    sorted.sort_by_key(|o| std::cmp::Reverse(o.len()));
    while !rest.is_empty() {
        let hit = sorted.iter().find(|o| {
            rest.starts_with(o.as_str()) && {
                let after = &rest[o.len()..];
                after.trim().is_empty()
                    || after.starts_with(sep)
                    || after.trim_start().starts_with(sep.trim())
            }
        });
        match hit {
            Some(o) => {
                if !out.contains(*o) {
                    out.push((*o).clone());
                }
                rest = rest[o.len()..].trim_start();
            }
            None => {
                let end = rest.find(sep).unwrap_or(rest.len());
                if !out.iter().any(|o| o == "Other") {
                    out.push("Other".to_string());
                }
                rest = &rest[end..];
            }
        }
        rest = rest.strip_prefix(sep.trim()).unwrap_or(rest).trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_against_known_options_with_commas() {
        let opts = vec![
            "Data science, statistics".to_string(),
            "Physics".to_string(),
            "Biology".to_string(),
        ];
        assert_eq!(
            split_joined("Data science, statistics, Physics", ", ", &opts),
            vec!["Data science, statistics", "Physics"]
        );
        assert_eq!(
            split_joined("Physics, Underwater basket weaving", ", ", &opts),
            vec!["Physics", "Other"]
        );
        assert_eq!(split_joined("A;B;", ";", &["A".into(), "B".into()]), vec!["A", "B"]);
    }

    #[test]
    fn lowercase_continuations_glue() {
        assert_eq!(fragments("Yes, with changes, No", ", "), vec!["Yes, with changes", "No"]);
    }
}
