//! Response quality flags: duplicates, speeders, straight-liners, incomplete responses.

use std::collections::HashMap;

use super::{Answers, Item, ItemKind, NONE, Survey};

/// Every response quality flag, in the order they are counted and reported.
pub const FLAGS: [&str; 4] = ["duplicate", "speeder", "straightliner", "incomplete"];

/// A set of quality flags (bit `i` is [`FLAGS`]`[i]`): what `--exclude` leaves out, or one
/// respondent's flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlagSet(pub u8);

impl FlagSet {
    /// No flag.
    pub const NONE: FlagSet = FlagSet(0);
    /// Every flag (`--exclude all`).
    pub const ALL: FlagSet = FlagSet((1 << FLAGS.len()) - 1);

    /// The flags of a stored `quality_flags` cell (comma-separated; unknown names are ignored).
    pub fn of_stored(cell: &str) -> FlagSet {
        FlagSet(cell.split(',').filter_map(|f| Self::bit(f.trim())).fold(0, |a, b| a | b))
    }

    fn bit(name: &str) -> Option<u8> {
        FLAGS.iter().position(|f| *f == name).map(|i| 1 << i)
    }

    /// Parses a user's list: flag names (or their plurals) separated by commas; `all` is every
    /// flag, `none` or an empty list none.
    pub fn parse(list: &str) -> Result<FlagSet, String> {
        let mut set = 0u8;
        for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let w = word.to_lowercase();
            let singular = w.strip_suffix('s').filter(|s| Self::bit(s).is_some()).unwrap_or(&w);
            set |= match singular {
                "all" => Self::ALL.0,
                "none" => 0,
                "straight-liner" | "straight_liner" => Self::bit("straightliner").unwrap_or(0),
                f => Self::bit(f).ok_or_else(|| {
                    format!("unknown quality flag {word:?}: use {}, or all", FLAGS.join(", "))
                })?,
            };
        }
        Ok(FlagSet(set))
    }

    /// True when no flag is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when the two sets share a flag.
    pub fn meets(self, other: FlagSet) -> bool {
        self.0 & other.0 != 0
    }

    /// Who the set leaves out, for a sentence: "with a response flagged speeder or duplicate",
    /// or "with any quality flag" for all of them.
    pub fn who(self) -> String {
        if self == Self::ALL {
            "with any quality flag".into()
        } else {
            format!("with a response flagged {}", self.names().join(" or "))
        }
    }

    /// The flags' names, in [`FLAGS`] order.
    pub fn names(self) -> Vec<&'static str> {
        FLAGS.iter().enumerate().filter(|(i, _)| self.0 & (1 << i) != 0).map(|(_, f)| *f).collect()
    }
}

impl std::fmt::Display for FlagSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.is_empty() {
            true => f.write_str("no flag"),
            false => f.write_str(&self.names().join("+")),
        }
    }
}

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

#[cfg(test)]
mod flag_set_tests {
    use super::FlagSet;

    #[test]
    fn parses_names_plurals_and_all_and_refuses_unknown_ones() {
        assert_eq!(FlagSet::parse("speeder").unwrap(), FlagSet(0b10));
        assert_eq!(FlagSet::parse("speeders, Duplicates").unwrap(), FlagSet(0b11));
        assert_eq!(FlagSet::parse("incomplete,straight-liner").unwrap(), FlagSet(0b1100));
        assert_eq!(FlagSet::parse("all").unwrap(), FlagSet(0b1111));
        assert_eq!(FlagSet::parse("").unwrap(), FlagSet::NONE);
        let e = FlagSet::parse("speeder,bots").unwrap_err();
        assert!(e.contains("\"bots\"") && e.contains("straightliner"), "{e}");
        assert_eq!(FlagSet::of_stored("duplicate,incomplete"), FlagSet(0b1001));
        assert_eq!(FlagSet(0b1001).to_string(), "duplicate+incomplete");
        assert_eq!(FlagSet::NONE.to_string(), "no flag");
    }
}
