//! Answer labels to numbers: the known rating scales, "not a value" tokens, and kind inference.
//!
//! A column's kind (Likert, rating, NPS, choice, multi-select, numeric, text) is decided from its
//! distinct answers, never from a single cell. Scale detection is label-set containment: the
//! smallest known scale whose labels include every answer seen wins, so a round where nobody
//! chose "Strongly disagree" is still read as a 5-point agreement item.

/// A known labelled scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Stable name stored in the catalog (`agreement5`).
    pub name: &'static str,
    /// Label aliases for each point, lowest first; point i has value i + 1.
    pub points: &'static [&'static [&'static str]],
}

/// The labelled scales pulse recognises, in order of preference for ties.
pub const SCALES: &[Scale] = &[
    Scale {
        name: "agreement5",
        points: &[
            &["strongly disagree"],
            &["disagree", "somewhat disagree"],
            &["neither agree nor disagree", "neutral", "neither agree or disagree", "undecided"],
            &["agree", "somewhat agree"],
            &["strongly agree"],
        ],
    },
    Scale {
        name: "agreement7",
        points: &[
            &["strongly disagree"],
            &["disagree"],
            &["somewhat disagree", "slightly disagree"],
            &["neither agree nor disagree", "neutral", "neither agree or disagree"],
            &["somewhat agree", "slightly agree"],
            &["agree"],
            &["strongly agree"],
        ],
    },
    Scale {
        name: "satisfaction5",
        points: &[
            &["very dissatisfied", "extremely dissatisfied"],
            &["dissatisfied", "somewhat dissatisfied"],
            &["neither satisfied nor dissatisfied", "neutral", "neither satisfied or dissatisfied"],
            &["satisfied", "somewhat satisfied"],
            &["very satisfied", "extremely satisfied"],
        ],
    },
    Scale {
        name: "satisfaction7",
        points: &[
            &["extremely dissatisfied"],
            &["very dissatisfied", "moderately dissatisfied"],
            &["somewhat dissatisfied", "slightly dissatisfied"],
            &["neither satisfied nor dissatisfied", "neutral"],
            &["somewhat satisfied", "slightly satisfied"],
            &["very satisfied", "moderately satisfied"],
            &["extremely satisfied"],
        ],
    },
    Scale {
        name: "frequency5",
        points: &[
            &["never"],
            &["rarely"],
            &["sometimes", "occasionally"],
            &["often", "frequently", "very often"],
            &["always", "almost always"],
        ],
    },
    Scale {
        name: "ease5",
        points: &[
            &["very difficult", "extremely difficult"],
            &["difficult", "somewhat difficult"],
            &["neither easy nor difficult", "neutral", "neither difficult nor easy"],
            &["easy", "somewhat easy"],
            &["very easy", "extremely easy"],
        ],
    },
    Scale {
        name: "likelihood5",
        points: &[
            &["very unlikely", "extremely unlikely"],
            &["unlikely", "somewhat unlikely"],
            &["neither likely nor unlikely", "neutral"],
            &["likely", "somewhat likely"],
            &["very likely", "extremely likely"],
        ],
    },
    Scale {
        name: "quality5",
        points: &[
            &["very poor"],
            &["poor"],
            &["fair", "average"],
            &["good"],
            &["excellent", "very good"],
        ],
    },
];

/// Answers that are not a value on any scale: counted as excluded, never averaged.
const EXCLUDED: &[&str] = &[
    "n/a",
    "na",
    "not applicable",
    "don't know",
    "dont know",
    "do not know",
    "don’t know",
    "prefer not to say",
    "prefer not to answer",
    "rather not say",
    "no answer",
    "no opinion",
    "unknw",
    "-",
];

/// Lowercases, trims and collapses whitespace (NBSP included) for label matching.
pub fn normalise(label: &str) -> String {
    label
        .split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// True when the answer is blank or an explicit "not a value" answer.
///
/// A spelling of a non-finite number ("NaN", "inf", "-Infinity", "1e999") is not a value: it is
/// excluded like "N/A" (kept as written in `label`, never a number).
pub fn is_excluded(label: &str) -> bool {
    let n = normalise(label);
    n.is_empty() || EXCLUDED.contains(&n.as_str()) || is_non_finite(&n)
}

/// True for text that parses as a float but not a finite one (`NaN`, `inf`, `-Infinity`, `1e999`).
pub fn is_non_finite(s: &str) -> bool {
    let t = s.trim();
    // Cheap reject: every non-finite spelling has a letter or an exponent.
    t.bytes().any(|b| b.is_ascii_alphabetic())
        && t.replace(',', "").parse::<f64>().is_ok_and(|v| !v.is_finite())
}

/// A number as written in a cell (`1,234.5`); None when it is not a finite number.
pub fn finite_number(s: &str) -> Option<f64> {
    s.trim().replace(',', "").parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Looks up a scale by its catalog name.
pub fn scale_by_name(name: &str) -> Option<&'static Scale> {
    SCALES.iter().find(|s| s.name == name)
}

impl Scale {
    /// The value (1-based) of a label on this scale.
    pub fn value_of(&self, label: &str) -> Option<f64> {
        let n = strip_numeric_prefix(&normalise(label));
        self.points.iter().position(|aliases| aliases.contains(&n.as_str())).map(|i| (i + 1) as f64)
    }

    /// The canonical label of a point (1-based).
    pub fn label(&self, value: usize) -> &'static str {
        self.points[value - 1][0]
    }
}

/// "5 - Very satisfied" and "5. Very satisfied" carry both; the label part is what matches.
fn strip_numeric_prefix(n: &str) -> String {
    let t = n.trim_start_matches(|c: char| c.is_ascii_digit());
    if t.len() < n.len() {
        let rest = t.trim_start_matches([' ', '-', '.', ':', '=', ')']);
        if !rest.is_empty() && rest.len() < t.len() {
            return rest.to_string();
        }
    }
    n.to_string()
}

/// A leading integer in "5 - Very satisfied", if the label has one.
fn numeric_prefix(label: &str) -> Option<i64> {
    let n = normalise(label);
    let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() == n.len() {
        return None;
    }
    let rest = &n[digits.len()..];
    if rest.starts_with([' ', '-', '.', ':', '=', ')']) { digits.parse().ok() } else { None }
}

/// How a question's answers map to numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum ScaleKind {
    /// A labelled scale from [`SCALES`].
    Labelled(&'static Scale),
    /// Integers `low..=high` (`numeric1_5`, `likelihood0_10`).
    Numeric { low: i64, high: i64 },
    /// Ranks `1..=n` of a ranking question (`rank6`): 1 is the first choice, lower is better.
    Rank { n: i64 },
}

impl ScaleKind {
    /// The catalog name of the scale (`agreement5`, `numeric1_7`, `likelihood0_10`).
    pub fn name(&self) -> String {
        match self {
            ScaleKind::Labelled(s) => s.name.to_string(),
            ScaleKind::Numeric { low: 0, high: 10 } => "likelihood0_10".into(),
            ScaleKind::Numeric { low, high } => format!("numeric{low}_{high}"),
            ScaleKind::Rank { n } => format!("rank{n}"),
        }
    }

    /// Number of points on the scale.
    pub fn points(&self) -> usize {
        match self {
            ScaleKind::Labelled(s) => s.points.len(),
            ScaleKind::Numeric { low, high } => usize::try_from(high - low + 1).unwrap_or(0),
            ScaleKind::Rank { n } => usize::try_from(*n).unwrap_or(0),
        }
    }

    /// Parses a catalog scale name back.
    pub fn from_name(name: &str) -> Option<ScaleKind> {
        if let Some(s) = scale_by_name(name) {
            return Some(ScaleKind::Labelled(s));
        }
        if name == "likelihood0_10" {
            return Some(ScaleKind::Numeric { low: 0, high: 10 });
        }
        if let Some(n) = name.strip_prefix("rank") {
            return n.parse().ok().filter(|n| (2..=100).contains(n)).map(|n| ScaleKind::Rank { n });
        }
        let rest = name.strip_prefix("numeric")?;
        let (a, b) = rest.split_once('_')?;
        Some(ScaleKind::Numeric { low: a.parse().ok()?, high: b.parse().ok()? })
    }

    /// True when every label is a point on this scale and no two different labels share a
    /// point ("Agree" and "Somewhat agree" together mean a 7-point scale, not a 5-point one).
    pub fn fits<S: AsRef<str>>(&self, labels: &[S]) -> bool {
        let forms: std::collections::BTreeSet<String> =
            labels.iter().map(|l| strip_numeric_prefix(&normalise(l.as_ref()))).collect();
        let values: Option<std::collections::BTreeSet<u64>> =
            forms.iter().map(|f| self.value_of(f).map(|v| v as u64)).collect();
        !forms.is_empty() && values.is_some_and(|v| v.len() == forms.len())
    }

    /// The number for an answer label, or None when it is not on the scale.
    pub fn value_of(&self, label: &str) -> Option<f64> {
        match self {
            ScaleKind::Labelled(s) => s.value_of(label),
            ScaleKind::Numeric { low, high } => {
                let v = parse_int(label).or_else(|| numeric_prefix(label))?;
                (v >= *low && v <= *high).then_some(v as f64)
            }
            ScaleKind::Rank { n } => {
                let v = parse_int(label)?;
                (1..=*n).contains(&v).then_some(v as f64)
            }
        }
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    t.parse::<i64>().ok().or_else(|| {
        let f: f64 = t.parse().ok()?;
        (f.fract() == 0.0 && f.abs() < 1e9).then_some(f as i64)
    })
}

/// Finds the scale for a set of distinct answer labels (excluded answers already removed).
///
/// `hint_points` comes from the catalog (the same question in an earlier round) and settles
/// numeric ranges that the answers alone leave open (nobody answered 5 on a 1–5 item).
pub fn detect_scale(distinct: &[&str], hint: Option<&ScaleKind>) -> Option<ScaleKind> {
    if distinct.is_empty() {
        return hint.cloned();
    }
    if let Some(h) = hint
        && distinct.iter().all(|l| h.value_of(l).is_some())
    {
        return Some(h.clone());
    }
    // Labelled: the smallest scale containing every label (prefer the earlier one on ties).
    let mut best: Option<&'static Scale> = None;
    for s in SCALES {
        let injective = ScaleKind::Labelled(s).fits(distinct);
        if injective && best.is_none_or(|b| s.points.len() < b.points.len()) {
            best = Some(s);
        }
    }
    if let Some(s) = best {
        return Some(ScaleKind::Labelled(s));
    }
    // Integers (or "5 - Very satisfied" style labels with a leading integer).
    let ints: Option<Vec<i64>> =
        distinct.iter().map(|l| parse_int(l).or_else(|| numeric_prefix(l))).collect();
    let ints = ints?;
    let (lo, hi) = (*ints.iter().min()?, *ints.iter().max()?);
    match (lo, hi) {
        (0, 7..=10) => Some(ScaleKind::Numeric { low: 0, high: 10 }),
        (1, 2..=5) if ints.len() >= 2 => {
            Some(ScaleKind::Numeric { low: 1, high: if hi <= 5 { 5 } else { hi } })
        }
        (1, 6..=7) => Some(ScaleKind::Numeric { low: 1, high: 7 }),
        (1, 8..=10) => Some(ScaleKind::Numeric { low: 1, high: 10 }),
        (2..=5, 3..=5) if ints.len() >= 2 => Some(ScaleKind::Numeric { low: 1, high: 5 }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_subset_still_five_points() {
        let s = detect_scale(&["Agree", "Strongly agree", "Neutral"], None).unwrap();
        assert_eq!(s.name(), "agreement5");
        assert_eq!(s.value_of("Strongly Agree"), Some(5.0));
        assert_eq!(s.value_of(" strongly\u{a0}agree "), Some(5.0));
    }

    #[test]
    fn seven_point_agreement_needs_somewhat() {
        let s = detect_scale(&["Agree", "Somewhat agree", "Slightly disagree"], None).unwrap();
        assert_eq!(s.name(), "agreement7");
        assert_eq!(s.value_of("Somewhat agree"), Some(5.0));
        let all7 = [
            "Strongly disagree",
            "Disagree",
            "Somewhat disagree",
            "Neither agree nor disagree",
            "Somewhat agree",
            "Agree",
            "Strongly agree",
        ];
        assert_eq!(detect_scale(&all7, None).unwrap().name(), "agreement7");
    }

    #[test]
    fn numeric_scales() {
        assert_eq!(detect_scale(&["1", "3", "4"], None).unwrap().name(), "numeric1_5");
        assert_eq!(detect_scale(&["0", "9", "10"], None).unwrap().name(), "likelihood0_10");
        assert_eq!(detect_scale(&["1", "7"], None).unwrap().name(), "numeric1_7");
        assert_eq!(
            detect_scale(&["5 - Very satisfied", "1 - Very dissatisfied"], None).unwrap().name(),
            "satisfaction5"
        );
        assert!(detect_scale(&["10", "11", "13"], None).is_none(), "recode values are not a scale");
        let hint = ScaleKind::Numeric { low: 1, high: 7 };
        assert_eq!(detect_scale(&["2", "3"], Some(&hint)).unwrap().points(), 7);
    }

    #[test]
    fn exclusions() {
        for t in ["", "  ", "N/A", "Don't know", "Prefer not to say", "don’t know"] {
            assert!(is_excluded(t), "{t:?}");
        }
        assert!(!is_excluded("Agree"));
    }

    #[test]
    fn scale_names_round_trip() {
        for n in ["agreement7", "numeric1_5", "likelihood0_10", "frequency5"] {
            assert_eq!(ScaleKind::from_name(n).unwrap().name(), n);
        }
    }
}
