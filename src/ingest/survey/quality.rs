//! Response quality flags: duplicates, speeders, straight-liners, incomplete responses.

use std::collections::HashMap;

use super::{Answers, Item, ItemKind, NONE, Survey};

/// Every response quality flag, in the order they are counted and reported.
pub const FLAGS: [&str; 4] = ["duplicate", "speeder", "straightliner", "incomplete"];

/// Flags for response quality, per respondent: `duplicate`, `speeder`, `straightliner`, `incomplete`.
pub fn quality_flags(s: &Survey, pseudonyms: &[String]) -> Vec<Vec<&'static str>> {
    let n = s.respondents.len();
    let mut flags = vec![Vec::new(); n];
    // Duplicates: every response of a person except the latest submitted one.
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, p) in pseudonyms.iter().enumerate() {
        match last.get(p.as_str()) {
            Some(&j) if s.respondents[j].submitted > s.respondents[i].submitted => {
                flags[i].push("duplicate")
            }
            Some(&j) => {
                flags[j].push("duplicate");
                last.insert(p, i);
            }
            None => {
                last.insert(p, i);
            }
        }
    }
    let mut durations: Vec<f64> = s.respondents.iter().filter_map(|r| r.duration_s).collect();
    durations.sort_by(f64::total_cmp);
    let median = if durations.is_empty() {
        None
    } else {
        let m = durations.len() / 2;
        Some(if durations.len().is_multiple_of(2) {
            f64::midpoint(durations[m - 1], durations[m])
        } else {
            durations[m]
        })
    };
    for (i, r) in s.respondents.iter().enumerate() {
        if let (Some(d), Some(m)) = (r.duration_s, median)
            && d < m / 3.0
        {
            flags[i].push("speeder");
        }
        if !r.complete {
            flags[i].push("incomplete");
        }
    }
    // Straight-lining: the same answer on every row of a grid with 5 or more rows.
    let mut grids: HashMap<&str, Vec<&Item>> = HashMap::new();
    for it in &s.items {
        if let (Some(g), ItemKind::Scale(_)) = (&it.group, &it.kind) {
            grids.entry(g.as_str()).or_default().push(it);
        }
    }
    for rows in grids.values().filter(|r| r.len() >= 5) {
        for (i, f) in flags.iter_mut().enumerate() {
            let answers: Vec<Option<&str>> = rows
                .iter()
                .map(|it| match &it.answers {
                    Answers::Coded { labels, codes } if codes[i] != NONE => {
                        Some(labels[codes[i] as usize].as_str())
                    }
                    _ => None,
                })
                .collect();
            if answers.iter().all(Option::is_some)
                && answers.windows(2).all(|w| w[0] == w[1])
                && !f.contains(&"straightliner")
            {
                f.push("straightliner");
            }
        }
    }
    flags
}
