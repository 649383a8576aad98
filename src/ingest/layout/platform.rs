//! The survey platforms pulse reads, and detecting which one wrote an export from its header
//! rows, by signature (FORMATS.md section 9), never by guessing the number of header rows.

use super::{cell, norm_key};
use crate::ingest::grid::Grid;
use crate::ingest::scales::normalise;

/// A survey platform whose exports pulse reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Qualtrics: current 3-row, 2016–17 "Insights" 3-row, or legacy 2-row exports.
    Qualtrics,
    /// SurveyMonkey: 2 header rows.
    SurveyMonkey,
    /// Google Forms: the responses sheet (CSV/TSV) or the Forms download.
    GoogleForms,
    /// Microsoft Forms: Excel re-saved as CSV.
    MicrosoftForms,
    /// Typeform: `#` token column, one column per multi-select option.
    Typeform,
    /// LimeSurvey: R export or CSV export with full question text headings.
    LimeSurvey,
    /// Any CSV with one header row of question texts.
    Plain,
}

impl Platform {
    /// Every platform, in the order `--platform` lists them.
    pub const ALL: [Platform; 7] = [
        Platform::Qualtrics,
        Platform::SurveyMonkey,
        Platform::GoogleForms,
        Platform::MicrosoftForms,
        Platform::Typeform,
        Platform::LimeSurvey,
        Platform::Plain,
    ];

    /// The name used on the command line and in the store.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Qualtrics => "qualtrics",
            Platform::SurveyMonkey => "surveymonkey",
            Platform::GoogleForms => "google-forms",
            Platform::MicrosoftForms => "microsoft-forms",
            Platform::Typeform => "typeform",
            Platform::LimeSurvey => "limesurvey",
            Platform::Plain => "csv",
        }
    }

    /// Parses a `--platform` value.
    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.name() == s || (s == "plain" && *p == Platform::Plain))
    }
}
/// Detects the platform from the header rows (FORMATS.md section 9).
pub fn detect(grid: &Grid) -> Option<(Platform, &'static str)> {
    let r0: Vec<String> = grid.rows[0].cells.iter().map(norm_key).collect();
    let row2_starts = |p: &str| cell(grid, 2, 0).trim_start().starts_with(p);
    if row2_starts("{\"ImportId\"") {
        return Some((Platform::Qualtrics, "current 3-row export"));
    }
    if row2_starts("{'ImportId'") {
        return Some((Platform::Qualtrics, "2016-17 Insights 3-row export"));
    }
    if r0.len() >= 10
        && (0..10).all(|i| r0[i] == format!("v{}", i + 1))
        && norm_key(cell(grid, 1, 0)) == "responseid"
    {
        return Some((Platform::Qualtrics, "legacy 2-row export"));
    }
    let first = r0.first().map_or("", String::as_str);
    if matches!(first, "respondentid")
        || (first.is_empty() && r0.get(1).is_some_and(|c| c == "respondentid"))
    {
        let r1: Vec<String> =
            grid.rows.get(1).map(|r| r.cells.iter().map(normalise).collect()).unwrap_or_default();
        if r1.iter().any(|c| c == "response" || c == "open-ended response") {
            return Some((Platform::SurveyMonkey, "2-row export"));
        }
        return Some((Platform::SurveyMonkey, "1-row export (second header row removed)"));
    }
    if r0.len() >= 4 && r0[..4] == ["responseid", "datesubmitted", "lastpage", "startlanguage"] {
        return Some((Platform::LimeSurvey, "full question text export"));
    }
    if r0.len() >= 4 && r0[..4] == ["id", "submitdate", "lastpage", "startlanguage"] {
        return Some((Platform::LimeSurvey, "question code export"));
    }
    if r0.len() >= 3 && r0[..3] == ["id", "starttime", "completiontime"] {
        return Some((Platform::MicrosoftForms, "Excel export saved as CSV"));
    }
    if first == "timestamp" {
        let d = cell(grid, 1, 0);
        // On bytes: a cell starting with a multi-byte character must not be sliced mid-char.
        let b = d.as_bytes();
        let ymd = b.len() > 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'/';
        let variant = if d.contains("GMT") || ymd { "Forms download" } else { "responses sheet" };
        return Some((Platform::GoogleForms, variant));
    }
    if grid.rows[0].cells.get(0).is_some_and(|c| c == "#")
        && r0.iter().any(|c| c == "submitdateutc" || c == "networkid")
    {
        return Some((Platform::Typeform, "responses export"));
    }
    None
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::grid::grid_from_bytes;

    fn detect_str(s: &str) -> Option<Platform> {
        detect(&grid_from_bytes("t", s.as_bytes(), None).unwrap()).map(|(p, _)| p)
    }
    #[test]
    fn signatures() {
        assert_eq!(
            detect_str(
                "StartDate,Q1\nStart,Q one\n\"{\"\"ImportId\"\":\"\"x\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\"\n1,2\n"
            ),
            Some(Platform::Qualtrics)
        );
        assert_eq!(
            detect_str("Respondent ID,Collector ID,How?\n,,Response\n1,2,Good\n"),
            Some(Platform::SurveyMonkey)
        );
        assert_eq!(
            detect_str("Timestamp,How?\n4/22/2016 19:57:50,Good\n"),
            Some(Platform::GoogleForms)
        );
        assert_eq!(
            detect_str("ID,Start time,Completion time,Email,Name,How?\n1,a,b,anonymous,,Good\n"),
            Some(Platform::MicrosoftForms)
        );
        assert_eq!(
            detect_str("#,How?,Start Date (UTC),Submit Date (UTC),Network ID\nabc,Good,a,b,c\n"),
            Some(Platform::Typeform)
        );
        assert_eq!(
            detect_str(
                "\"Response ID\",\"Date submitted\",\"Last page\",\"Start language\"\n\"1\",\"\",\"1\",\"en\"\n"
            ),
            Some(Platform::LimeSurvey)
        );
        assert_eq!(detect_str("team,How?\nA,Good\n"), None);
    }

    #[test]
    fn non_ascii_cells_are_not_sliced_mid_character() {
        // Byte 4 of "✓✓ …" falls inside the second check mark.
        let g = "Timestamp,Zufriedenheit – Büro ✓ Arbeitsplatz [Küche]\n✓✓ 2016/04/22,Gut\n";
        assert_eq!(detect_str(g), Some(Platform::GoogleForms));
    }
}
