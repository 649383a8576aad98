//! Extra header rows in files of no known platform: a publisher's group row above the header
//! ("Demographics,,,Platform,,,"), or a second header row below it (question codes over texts,
//! or a SurveyMonkey-style option row). Either would otherwise be read as a respondent who
//! "chose" every option. Detected rows are removed and reported, never silently.

use super::grid::{Grid, Row};
use super::scales::normalise;

/// Cells of a row, trimmed.
fn cells(r: &Row) -> Vec<&str> {
    r.cells.iter().map(str::trim).collect()
}

fn is_number(s: &str) -> bool {
    s.replace(',', ".").parse::<f64>().is_ok_and(f64::is_finite)
}

/// A row above the header that groups its columns: mostly blank, no numbers, while the row
/// below it is a full header of distinct names.
fn is_group_row(grid: &Grid) -> bool {
    let (Some(r0), Some(r1)) = (grid.rows.first(), grid.rows.get(1)) else { return false };
    let (a, b) = (cells(r0), cells(r1));
    let w = a.len().max(1);
    let filled0 = a.iter().filter(|c| !c.is_empty()).count();
    let filled1 = b.iter().filter(|c| !c.is_empty()).count();
    let mut distinct1: Vec<String> =
        b.iter().filter(|c| !c.is_empty()).map(|c| normalise(c)).collect();
    distinct1.sort();
    distinct1.dedup();
    w >= 3
        && filled0 >= 1
        && filled0 * 10 <= w * 6
        && a.iter().all(|c| c.is_empty() || !is_number(c))
        && filled1 * 10 >= w * 9
        && distinct1.len() == filled1
        && grid.rows.len() >= 3
}

/// Whether the first row under the header is more header: nearly full, and label-like where
/// answers are numbers or where it says "Response", or it "chose" every option column while
/// real respondents choose some.
fn is_second_header(grid: &Grid) -> bool {
    if grid.rows.len() < 4 {
        return false;
    }
    let cand = cells(&grid.rows[1]);
    let w = cand.len().max(1);
    let filled = cand.iter().filter(|c| !c.is_empty()).count();
    if filled * 10 < w * 8 {
        return false;
    }
    let rest = &grid.rows[2..];
    let (mut applicable, mut label_like) = (0usize, 0usize);
    let (mut option_cols, mut cand_chose, mut rest_chose, mut rest_cells) = (0, 0, 0usize, 0usize);
    for (c, v) in cand.iter().enumerate() {
        let others: Vec<&str> = rest
            .iter()
            .filter_map(|r| r.cells.get(c).map(str::trim))
            .filter(|x| !x.is_empty())
            .collect();
        let n = normalise(v);
        if n == "response" || n == "open-ended response" {
            applicable += 1;
            label_like += 1;
            continue;
        }
        if !others.is_empty() && others.iter().all(|x| is_number(x)) {
            applicable += 1;
            label_like += usize::from(!v.is_empty() && !is_number(v));
        }
        let mut distinct: Vec<&str> = others.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() == 1 && !is_number(distinct[0]) {
            option_cols += 1;
            cand_chose += usize::from(!v.is_empty());
            rest_chose += others.len();
            rest_cells += rest.len();
        }
    }
    let labels = applicable >= 2 && label_like * 10 >= applicable * 8;
    // Chose every one of 3+ option columns while respondents choose under 70 % of them.
    // Only with blank header cells above (a parent spanning its options): a respondent who
    // ticks every option under a full header is a respondent.
    let blank_header = cells(&grid.rows[0]).iter().filter(|c| c.is_empty()).count();
    let every_option = blank_header >= 2
        && option_cols >= 3
        && cand_chose == option_cols
        && rest_chose * 10 < rest_cells * 7;
    labels || every_option
}

/// Removes extra header rows from a plain file and says what was removed. A second header row
/// is folded into the header as `Parent [sub]` (the parent carried over blank cells), the way a
/// SurveyMonkey 2-row export reads.
pub fn skip_extra_header_rows(grid: &mut Grid, file: &str) -> Vec<String> {
    let mut notes = Vec::new();
    if is_group_row(grid) {
        let r = grid.rows.remove(0);
        notes.push(format!(
            "{file}:{}: skipped a group row above the header (it labels groups of columns, no answers)",
            r.line
        ));
    }
    if is_second_header(grid) {
        let sub = grid.rows.remove(1);
        let head = cells(&grid.rows[0]).into_iter().map(str::to_string).collect::<Vec<_>>();
        let subs = cells(&sub);
        let mut parent = String::new();
        let mut merged = Vec::with_capacity(head.len());
        for (i, h) in head.iter().enumerate() {
            if !h.is_empty() {
                parent = h.clone();
            }
            let s = subs.get(i).copied().unwrap_or("");
            let n = normalise(s);
            let starts_group = !h.is_empty() && head.get(i + 1).is_some_and(|x| x.is_empty());
            merged.push(
                if s.is_empty()
                    || n == "response"
                    || n == "open-ended response"
                    || normalise(h) == n
                {
                    if h.is_empty() { parent.clone() } else { h.clone() }
                } else if h.is_empty() || starts_group {
                    format!("{parent} [{s}]")
                } else {
                    format!("{h} [{s}]")
                },
            );
        }
        grid.rows[0].cells = csv::StringRecord::from(merged);
        notes.push(format!(
            "{file}:{}: read a second header row (labels and options, not answers) into the header",
            sub.line
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::grid::grid_from_bytes;

    fn run(s: &str) -> (Vec<String>, Vec<String>, usize) {
        let mut g = grid_from_bytes("t", s.as_bytes(), None).unwrap();
        let notes = skip_extra_header_rows(&mut g, "f.csv");
        (g.rows[0].cells.iter().map(str::to_string).collect(), notes, g.rows.len())
    }

    #[test]
    fn group_row_above_the_header_is_skipped() {
        let (h, notes, rows) = run(
            "About you,,Platform,,\nteam,role,CI speed,Docs,Deploys\nA,dev,4,5,3\nB,sre,2,3,4\n",
        );
        assert_eq!(h, ["team", "role", "CI speed", "Docs", "Deploys"]);
        assert_eq!(rows, 3);
        assert!(notes[0].contains("f.csv:1: skipped a group row"), "{notes:?}");
    }

    #[test]
    fn second_header_row_with_options_is_folded_in() {
        let csv = "id,Which tools?,,,How fast is CI?\n\
                   ,Jenkins,GitHub Actions,GitLab,Response\n\
                   1,Jenkins,,,4\n2,,GitHub Actions,,5\n3,Jenkins,,GitLab,2\n4,,,,3\n";
        let (h, notes, rows) = run(csv);
        assert_eq!(
            h,
            [
                "id",
                "Which tools? [Jenkins]",
                "Which tools? [GitHub Actions]",
                "Which tools? [GitLab]",
                "How fast is CI?"
            ]
        );
        assert_eq!(rows, 5);
        assert!(notes[0].contains("f.csv:2:"), "{notes:?}");
    }

    #[test]
    fn ordinary_files_are_left_alone() {
        let (_, notes, rows) = run("team,CI speed,Docs\nA,4,5\nB,2,3\nC,3,3\n");
        assert!(notes.is_empty());
        assert_eq!(rows, 4);
        // A respondent who ticked everything is a respondent.
        let (_, notes, _) = run(
            "team,Jenkins,GitLab,Actions\nA,Jenkins,GitLab,Actions\nB,Jenkins,,\nC,,GitLab,Actions\nD,Jenkins,,Actions\n",
        );
        assert!(notes.is_empty(), "{notes:?}");
    }
}
