//! The report as code: `reports/quarterly.toml` says which sections, in which order, with which
//! titles, and which template typesets them. A `query` section runs a SQL file from the
//! workspace's `queries/` and charts it as its header comment says:
//!
//! ```sql
//! -- title: Golden-path adoption by team
//! -- chart: bar            (bar | line | table)
//! -- x: team               (label column; default: the first)
//! -- y: users              (value column; default: the first numeric one)
//! -- unit: developers      (axis description)
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The built-in spec (the repo's `reports/quarterly.toml`).
pub const BUILTIN: &str = include_str!("../../reports/quarterly.toml");

/// The kind of a report section: which builder makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// Responses, response rate, questions.
    Cover,
    /// Executive summary.
    Summary,
    /// CNCF platform maturity.
    Maturity,
    /// Answers by question (diverging bars).
    Likert,
    /// Round over round.
    Trends,
    /// Segments × questions.
    Heatmap,
    /// Importance × score.
    Drivers,
    /// Net Promoter Score.
    Nps,
    /// DORA and build metrics, adoption.
    Delivery,
    /// Goodhart guardrail alerts.
    Guardrails,
    /// Comment themes.
    Themes,
    /// A SQL file from the workspace.
    Query,
    /// Methods and data.
    Methods,
}

impl SectionKind {
    /// Every kind, in the order the built-in spec uses them.
    pub const ALL: [SectionKind; 13] = [
        SectionKind::Cover,
        SectionKind::Summary,
        SectionKind::Maturity,
        SectionKind::Likert,
        SectionKind::Trends,
        SectionKind::Heatmap,
        SectionKind::Drivers,
        SectionKind::Nps,
        SectionKind::Delivery,
        SectionKind::Guardrails,
        SectionKind::Themes,
        SectionKind::Query,
        SectionKind::Methods,
    ];

    /// The kind as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Cover => "cover",
            SectionKind::Summary => "summary",
            SectionKind::Maturity => "maturity",
            SectionKind::Likert => "likert",
            SectionKind::Trends => "trends",
            SectionKind::Heatmap => "heatmap",
            SectionKind::Drivers => "drivers",
            SectionKind::Nps => "nps",
            SectionKind::Delivery => "delivery",
            SectionKind::Guardrails => "guardrails",
            SectionKind::Themes => "themes",
            SectionKind::Query => "query",
            SectionKind::Methods => "methods",
        }
    }

    /// The kind the spec names `s`.
    pub fn parse(s: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The heading a section of this kind gets when the spec gives none.
    pub fn default_title(self) -> &'static str {
        match self {
            SectionKind::Cover => "Cover",
            SectionKind::Summary => "Executive summary",
            SectionKind::Maturity => "CNCF platform maturity",
            SectionKind::Likert => "Answers by question",
            SectionKind::Trends => "Round over round",
            SectionKind::Heatmap => "Segments",
            SectionKind::Drivers => "Drivers",
            SectionKind::Nps => "Net Promoter Score",
            SectionKind::Delivery => "Delivery metrics",
            SectionKind::Guardrails => "Goodhart guardrails",
            SectionKind::Themes => "Comment themes",
            SectionKind::Query => "Query",
            SectionKind::Methods => "Methods and data",
        }
    }
}

impl std::fmt::Display for SectionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A report spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Report title.
    pub title: String,
    /// Typst template, relative to the spec file (default: the built-in one).
    pub template: Option<PathBuf>,
    /// `a4` or `letter`.
    pub paper: String,
    /// Respondents left out of every survey figure by quality flag (`exclude = ["speeder"]`).
    pub exclude: crate::store::read::FlagSet,
    /// Sections in order.
    pub sections: Vec<SectionSpec>,
}

/// One section.
#[derive(Debug, Clone)]
pub struct SectionSpec {
    /// What the section shows.
    pub kind: SectionKind,
    /// Heading (default: the kind's own).
    pub title: Option<String>,
    /// `query`: the SQL file (in the workspace, or its `queries/`).
    pub query: Option<String>,
    /// `heatmap`: the segment column (default: the first configured segment).
    pub segment: Option<String>,
    /// `likert`, `trends`: only these questions (default: every rated question).
    pub questions: Vec<String>,
}

/// A spec as written, before its section kinds are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default = "title")]
    title: String,
    template: Option<PathBuf>,
    #[serde(default = "paper")]
    paper: String,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(rename = "section", default)]
    sections: Vec<RawSection>,
}

fn title() -> String {
    "Developer platform report".into()
}
fn paper() -> String {
    "a4".into()
}

/// A `[[section]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    kind: String,
    title: Option<String>,
    query: Option<String>,
    segment: Option<String>,
    #[serde(default)]
    questions: Vec<String>,
}

/// A loaded spec with its template text.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The spec.
    pub spec: Spec,
    /// The Typst template's source.
    pub template: String,
    /// Where the template came from (for messages).
    pub template_name: String,
    /// Where the spec came from (for messages).
    pub origin: String,
}

/// Parses a spec's text; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<Spec> {
    let raw: RawSpec =
        toml::from_str(text).with_context(|| format!("reading the report spec {origin}"))?;
    let mut sections = Vec::with_capacity(raw.sections.len());
    for (i, s) in raw.sections.into_iter().enumerate() {
        let Some(kind) = SectionKind::parse(&s.kind) else {
            bail!(
                "{origin}: section {}{} has kind {:?}\nhint: kinds are {}",
                i + 1,
                s.title.as_ref().map_or(String::new(), |t| format!(" ({t:?})")),
                s.kind,
                SectionKind::ALL.map(SectionKind::as_str).join(", ")
            );
        };
        if kind == SectionKind::Query && s.query.is_none() {
            bail!("{origin}: section {} (kind \"query\") needs `query = \"file.sql\"`", i + 1);
        }
        let RawSection { title, query, segment, questions, .. } = s;
        sections.push(SectionSpec { kind, title, query, segment, questions });
    }
    let exclude = crate::store::read::FlagSet::parse(&raw.exclude.join(","))
        .map_err(|e| anyhow::anyhow!("{origin}: exclude: {e}"))?;
    let spec =
        Spec { title: raw.title, template: raw.template, paper: raw.paper, exclude, sections };
    if !["a4", "letter", "us-letter"].contains(&spec.paper.as_str()) {
        bail!("{origin}: paper {:?}\nhint: a4 or letter", spec.paper);
    }
    if spec.sections.is_empty() {
        bail!("{origin}: no [[section]]\nhint: start from the built-in reports/quarterly.toml");
    }
    Ok(spec)
}

/// Loads `path`, or the built-in spec and template when `path` is `None`.
pub fn load(path: Option<&Path>) -> Result<Loaded> {
    let Some(path) = path else {
        return Ok(Loaded {
            spec: parse(BUILTIN, "(built-in reports/quarterly.toml)")?,
            template: super::pdf::TEMPLATE.to_string(),
            template_name: "(built-in reports/quarterly.typ)".into(),
            origin: "built-in".into(),
        });
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the report spec {}", path.display()))?;
    let spec = parse(&text, &path.display().to_string())?;
    let (template, template_name) = match &spec.template {
        Some(t) => {
            let p = path.parent().unwrap_or(Path::new(".")).join(t);
            let text = std::fs::read_to_string(&p)
                .with_context(|| format!("reading the report template {}", p.display()))?;
            (text, p.display().to_string())
        }
        None => (super::pdf::TEMPLATE.to_string(), "(built-in reports/quarterly.typ)".into()),
    };
    Ok(Loaded { spec, template, template_name, origin: path.display().to_string() })
}

/// A query section's header comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryHeader {
    /// `-- title:`.
    pub title: Option<String>,
    /// `-- chart:` bar, line or table (default: table).
    pub chart: String,
    /// `-- x:`.
    pub x: Option<String>,
    /// `-- y:`.
    pub y: Option<String>,
    /// `-- unit:`.
    pub unit: Option<String>,
    /// `-- count:` the column that counts the people behind each row (disclosure control).
    pub count: Option<String>,
    /// Other leading comment lines: the description.
    pub description: String,
}

/// Reads the leading `-- key: value` comment lines of a SQL file.
pub fn query_header(sql: &str) -> Result<QueryHeader> {
    let mut h = QueryHeader { chart: "table".into(), ..QueryHeader::default() };
    let mut desc = Vec::new();
    for line in sql.lines() {
        let Some(c) = line.trim().strip_prefix("--") else {
            if line.trim().is_empty() {
                continue;
            }
            break;
        };
        let c = c.trim();
        match c.split_once(':') {
            Some((k, v)) if ["title", "chart", "x", "y", "unit", "count"].contains(&k.trim()) => {
                let v = v.trim().to_string();
                match k.trim() {
                    "title" => h.title = Some(v),
                    "chart" => {
                        if !["bar", "line", "table"].contains(&v.as_str()) {
                            bail!("chart: {v:?}\nhint: bar, line or table");
                        }
                        h.chart = v;
                    }
                    "x" => h.x = Some(v),
                    "y" => h.y = Some(v),
                    "count" => h.count = Some(v),
                    _ => h.unit = Some(v),
                }
            }
            _ => desc.push(c.to_string()),
        }
    }
    h.description = desc.join(" ");
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_spec_parses_and_has_every_section() {
        let s = parse(BUILTIN, "builtin").unwrap();
        for k in SectionKind::ALL.into_iter().filter(|k| *k != SectionKind::Query) {
            assert!(s.sections.iter().any(|x| x.kind == k), "{k} missing");
        }
    }

    #[test]
    fn unknown_kind_is_named() {
        let e = parse("[[section]]\nkind = \"pie\"\n", "x.toml").unwrap_err().to_string();
        assert!(e.contains("x.toml") && e.contains("section 1") && e.contains("pie"), "{e}");
        assert!(e.contains("cover, summary,") && e.contains("methods"), "valid kinds listed: {e}");
        let e = parse(
            "[[section]]\nkind = \"cover\"\n[[section]]\nkind = \"Likert\"\ntitle = \"Answers\"\n",
            "y.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("y.toml: section 2 (\"Answers\")") && e.contains("\"Likert\""), "{e}");
        let e = format!(
            "{:#}",
            parse("[[section]]\nkind = \"cover\"\ncolour = 1\n", "x.toml").unwrap_err()
        );
        assert!(e.contains("colour") && e.contains("line 3"), "{e}");
    }

    #[test]
    fn query_header_reads_keys_and_description() {
        let h = query_header(
            "-- title: Adoption\n-- chart: bar\n-- x: team\n-- Users per team.\nSELECT 1",
        )
        .unwrap();
        assert_eq!(h.title.as_deref(), Some("Adoption"));
        assert_eq!(h.chart, "bar");
        assert_eq!(h.x.as_deref(), Some("team"));
        assert_eq!(h.description, "Users per team.");
        assert!(query_header("-- chart: pie\nSELECT 1").is_err());
    }
}
