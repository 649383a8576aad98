//! Decoded text to a grid of cells: delimiter sniffing and RFC 4180 parsing.
//!
//! Each row keeps its cells in one buffer (a `csv::StringRecord`: no allocation per cell) and
//! remembers the line it started on; bad input is reported with file, line and column. It knows
//! nothing about survey platforms; `layout` reads the grid. `scan` finds the delimiter and
//! where a large text may be cut; `piece` parses one piece.

use std::path::Path;

use super::decode::{Encoding, InputError, Pos, decode, decode_owned, err};

mod piece;
mod scan;

use piece::parse_piece;
pub use scan::sniff_delimiter;
use scan::{newline_splits, scan_quotes, tsv_is_quoted};

/// The largest single cell accepted; a survey answer beyond this is almost surely not survey data.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// One parsed record: its cells and the line it starts on.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line where the record starts.
    pub line: u64,
    /// The cells (one buffer per record, no allocation per cell), trailing phantom column
    /// removed when the whole file has one.
    pub cells: csv::StringRecord,
}

/// A decoded, parsed file.
#[derive(Debug)]
pub struct Grid {
    /// Every record, header rows included.
    pub rows: Vec<Row>,
    /// The encoding that was used.
    pub encoding: Encoding,
    /// The delimiter that was used.
    pub delimiter: u8,
    /// Things the user should know (fallback encoding, dropped phantom column).
    pub warnings: Vec<String>,
}

/// Files above this size are parsed in parallel, one share per thread.
const PARALLEL_BYTES: usize = 4 << 20;

/// Parses decoded text into rows. `quoting` is off for Google Sheets' unquoted TSV.
///
/// Large files are cut at record starts found by the quote scan and the pieces parsed on the
/// rayon pool; rows and line numbers are as from one pass.
pub fn parse(file: &str, text: &str, delimiter: u8) -> Result<Vec<Row>, InputError> {
    let parts =
        if text.len() > PARALLEL_BYTES { rayon::current_num_threads().clamp(1, 16) } else { 1 };
    parse_parts(file, text, delimiter, parts)
}

fn parse_parts(
    file: &str,
    text: &str,
    delimiter: u8,
    parts: usize,
) -> Result<Vec<Row>, InputError> {
    // A TSV from Google Sheets has no quoting at all, so a literal `"` may sit inside a cell;
    // Excel's "Unicode Text" quotes the fields that hold a line break, tab or quote.
    let quoting = delimiter != b'\t' || tsv_is_quoted(text);
    let splits = if quoting {
        scan_quotes(text, delimiter, parts).map_err(|pos| InputError {
            hint: Some("the file is cut off or a quote is missing; re-export it".into()),
            ..err(file, Some(pos), "a quoted field is never closed")
        })?
    } else {
        newline_splits(text, parts)
    };
    let pieces: Vec<(&str, u64)> = splits
        .iter()
        .enumerate()
        .map(|(k, &(start, line))| {
            let end = splits.get(k + 1).map_or(text.len(), |s| s.0);
            (&text[start..end], line)
        })
        .collect();
    let parsed: Vec<Result<Vec<Row>, InputError>> = {
        use rayon::prelude::*;
        pieces
            .into_par_iter()
            .map(|(piece, line)| parse_piece(file, piece, delimiter, quoting, line))
            .collect()
    };
    let mut rows = Vec::new();
    for p in parsed {
        let mut p = p?;
        if rows.is_empty() {
            rows = p;
        } else {
            rows.append(&mut p);
        }
    }
    Ok(rows)
}

/// Reads a file into a grid: decode, sniff, parse, and check that rows are not ragged.
pub fn read_grid(path: &Path, forced: Option<Encoding>) -> Result<Grid, InputError> {
    let file = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| err(&file, None, format!("cannot read the file: {e}")))?;
    grid_from_text(&file, decode_owned(&file, std::borrow::Cow::Owned(bytes), forced)?)
}

/// Reads an export of any accepted format into a grid: text (as [`read_grid`]), a workbook
/// (its first sheet, or `sheet`) or a zip holding one export.
pub fn read_export(
    path: &Path,
    forced: Option<Encoding>,
    sheet: Option<&str>,
) -> Result<Grid, InputError> {
    let file = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| err(&file, None, format!("cannot read the file: {e}")))?;
    match super::container::open(&file, bytes, sheet)? {
        super::container::Opened::Sheet(g) => Ok(g),
        super::container::Opened::Text(bytes, inner) => {
            let label = inner.map_or(file.clone(), |n| format!("{file}!{n}"));
            grid_from_text(&label, decode_owned(&label, std::borrow::Cow::Owned(bytes), forced)?)
        }
    }
}

/// As [`read_grid`], from bytes already in memory.
pub fn grid_from_bytes(
    file: &str,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<Grid, InputError> {
    grid_from_text(file, decode(file, bytes, forced)?)
}

fn grid_from_text(
    file: &str,
    (text, encoding, mut warnings): (String, Encoding, Vec<String>),
) -> Result<Grid, InputError> {
    let delimiter = sniff_delimiter(&text);
    let mut rows = parse(file, &text, delimiter)?;
    // Drop rows that are entirely empty (Sheets exports can start with `,,,,`).
    rows.retain(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    if rows.is_empty() {
        return Err(err(file, None, "the file has no rows"));
    }
    let width = rows[0].cells.len();
    // Legacy Qualtrics ends every line with a delimiter: one phantom empty column everywhere.
    if width > 1 && rows.iter().all(|r| r.cells.len() == width && r.cells[width - 1].is_empty()) {
        for r in &mut rows {
            r.cells.truncate(width - 1);
        }
        warnings.push("every line ends with a delimiter; ignored the empty last column".into());
    }
    let width = rows[0].cells.len();
    for r in &rows {
        if r.cells.len() != width {
            let pos = Pos { line: r.line, field: r.cells.len().min(width) + 1 };
            return Err(InputError {
                hint: Some(format!(
                    "the header has {width} fields; check for an unquoted delimiter (`{}`) in this row",
                    delimiter as char
                )),
                ..err(
                    file,
                    Some(pos),
                    format!("row has {} fields, the header has {width}", r.cells.len()),
                )
            });
        }
    }
    Ok(Grid { rows, encoding, delimiter, warnings })
}

/// Random texts of `cells` joined by `ends` (`n` cells, from a seeded generator), for the tests
/// that hold a fast path to the csv reader's or a byte scan's results.
#[cfg(test)]
pub(crate) fn random_text(cells: &[&str], ends: &[&str], n: usize, seed: &mut u64) -> String {
    let mut text = String::new();
    for _ in 0..n {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let k = (*seed >> 33) as usize;
        text.push_str(cells[k % cells.len()]);
        text.push_str(ends[(k / 16) % ends.len()]);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parsing_in_pieces_gives_the_same_rows_and_lines() {
        let mut text = String::from("id,q1,\"q2\"\r\n");
        for i in 0..200 {
            let cell = if i % 7 == 0 { "\"multi\nline, \"\"quoted\"\"\n\"" } else { "plain" };
            text.push_str(&format!("{i},{cell},x\"y\r\n"));
        }
        let one = parse_parts("t", &text, b',', 1).unwrap();
        for parts in [2, 3, 7, 64] {
            let many = parse_parts("t", &text, b',', parts).unwrap();
            assert_eq!(one.len(), many.len(), "{parts}");
            for (a, b) in one.iter().zip(&many) {
                assert_eq!((a.line, &a.cells), (b.line, &b.cells), "{parts}");
            }
        }
        assert!(scan_quotes(&text, b',', 7).unwrap().len() > 1, "the text was cut");
        let tsv: String = (0..100).map(|i| format!("{i}\t\"a\tb\n")).collect();
        let tsv = format!("h\tq\n{tsv}");
        let one = parse_parts("t", &tsv, b'\t', 1).unwrap();
        let many = parse_parts("t", &tsv, b'\t', 5).unwrap();
        let lines = |rows: &[Row]| rows.iter().map(|r| r.line).collect::<Vec<_>>();
        assert_eq!(lines(&one), lines(&many));
        assert_eq!(newline_splits(&tsv, 5).len(), 5);
        // Bare CR line ends: no cutting.
        assert_eq!(scan_quotes("a,b\r1,\"x\n\"\r", b',', 4).unwrap().len(), 1);
    }

    #[test]
    fn excel_unicode_text_quotes_multiline_fields_and_sheets_tsv_does_not() {
        // Excel "Unicode Text": UTF-16LE with BOM, tab-separated, a quoted multi-line comment.
        let text =
            "team\tComment\tScore\r\npay\t\"Line one\r\nline \"\"two\"\"\"\t4\r\nsearch\tok\t5\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let g = grid_from_bytes("u.txt", &bytes, None).unwrap();
        assert_eq!(g.delimiter, b'\t');
        assert_eq!(g.rows.len(), 3);
        assert_eq!(&g.rows[1].cells[1], "Line one\r\nline \"two\"");
        assert_eq!(g.rows[2].line, 4);
        // Google Sheets TSV: a literal quote inside a cell stays as written.
        let g = grid_from_bytes("s.tsv", b"a\tb\n\"Best\" tool\t4\nok \"x\t5\n", None).unwrap();
        assert_eq!(&g.rows[1].cells[0], "\"Best\" tool");
        assert_eq!(&g.rows[2].cells[0], "ok \"x");
    }

    #[test]
    fn semicolon_and_embedded_newlines() {
        let g = grid_from_bytes("t.csv", b"a;b\r\n\"x;\ny\";2\r\n3;4", None).unwrap();
        assert_eq!(g.delimiter, b';');
        assert_eq!(g.rows[1].cells, vec!["x;\ny", "2"]);
        assert_eq!(g.rows[2].line, 4);
    }

    #[test]
    fn unterminated_quote_names_line_and_field() {
        let e = grid_from_bytes("t.csv", b"a,b\n1,2\n3,\"oops\n", None).unwrap_err();
        assert_eq!(e.pos, Some(Pos { line: 3, field: 2 }));
        assert!(e.message.contains("never closed"), "{e}");
    }

    #[test]
    fn ragged_row_is_an_error() {
        let e = grid_from_bytes("t.csv", b"a,b,c\n1,2,3\n4,5\n", None).unwrap_err();
        assert_eq!(e.pos.unwrap().line, 3);
    }

    #[test]
    fn trailing_delimiter_everywhere_is_dropped() {
        let g = grid_from_bytes("t.csv", b"a,b,\n1,2,\n", None).unwrap();
        assert_eq!(g.rows[0].cells, vec!["a", "b"]);
    }

    #[test]
    fn huge_field_is_refused() {
        let mut s = b"a,b\n1,\"".to_vec();
        s.extend(std::iter::repeat_n(b'x', MAX_FIELD_BYTES + 10));
        s.extend_from_slice(b"\"\n");
        let e = grid_from_bytes("t", &s, None).unwrap_err();
        assert_eq!(e.pos, Some(Pos { line: 2, field: 2 }));
    }
}
