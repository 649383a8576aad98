//! Bytes to a grid of text cells: encoding detection, delimiter sniffing and RFC 4180 parsing.
//!
//! Survey exports arrive as UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"),
//! or as Windows-1252 / Mac Roman after a spreadsheet re-save. This module turns any of them into
//! rows of `String` cells, each row remembering the line it started on, and reports bad input with
//! file, line and column. It knows nothing about survey platforms; `layout` reads the grid.

use std::fmt;
use std::path::Path;

/// The largest single cell accepted; a survey answer beyond this is almost surely not survey data.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// A text encoding pulse can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16 little endian (BOM `FF FE`).
    Utf16Le,
    /// UTF-16 big endian (BOM `FE FF`).
    Utf16Be,
    /// Windows-1252, the usual Excel "CSV" save on Windows.
    Windows1252,
    /// Mac Roman, the usual re-save by a Mac spreadsheet.
    MacRoman,
}

impl Encoding {
    /// The name shown to users and accepted by `--encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
            Encoding::MacRoman => "mac-roman",
        }
    }

    /// Parses a user-given encoding name.
    pub fn parse(name: &str) -> Option<Encoding> {
        let n = name.to_ascii_lowercase().replace('_', "-");
        Some(match n.as_str() {
            "utf-8" | "utf8" => Encoding::Utf8,
            "utf-16le" | "utf16le" | "utf-16" => Encoding::Utf16Le,
            "utf-16be" | "utf16be" => Encoding::Utf16Be,
            "windows-1252" | "cp1252" | "latin1" | "latin-1" => Encoding::Windows1252,
            "mac-roman" | "macroman" | "macintosh" => Encoding::MacRoman,
            _ => return None,
        })
    }
}

/// A position in the input file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// Line number (1-based, counting physical lines of the decoded text).
    pub line: u64,
    /// Column: the 1-based field number within the record.
    pub field: usize,
}

/// Input that cannot be read as a survey export, with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file, as the user named it.
    pub file: String,
    /// Where, when known.
    pub pos: Option<Pos>,
    /// What is wrong, lowercase, no final period.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub hint: Option<String>,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}: field {}: {}", self.file, p.line, p.field, self.message)?,
            None => write!(f, "{}: {}", self.file, self.message)?,
        }
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// One parsed record: its cells and the line it starts on.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line where the record starts.
    pub line: u64,
    /// The cells, trailing phantom column removed when the whole file has one.
    pub cells: Vec<String>,
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

fn err(file: &str, pos: Option<Pos>, message: impl Into<String>) -> InputError {
    InputError { file: file.to_string(), pos, message: message.into(), hint: None }
}

/// Decodes bytes to text, choosing the encoding unless `forced`.
pub fn decode(
    file: &str,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<(String, Encoding, Vec<String>), InputError> {
    let mut warnings = Vec::new();
    if bytes.is_empty() {
        return Err(InputError {
            hint: Some("export the survey again; the file has no bytes at all".into()),
            ..err(file, None, "the file is empty")
        });
    }
    let (enc, body) = match forced {
        Some(e) => (e, strip_bom(bytes, e)),
        None => sniff_encoding(bytes),
    };
    let text = match enc {
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => s.to_string(),
            Err(e) if forced.is_some() || bytes.starts_with(&[0xEF, 0xBB, 0xBF]) => {
                let (line, _) = line_of(body, e.valid_up_to());
                return Err(InputError {
                    hint: Some("the file claims UTF-8 but is not; re-export it, or pass --encoding windows-1252".into()),
                    ..err(file, Some(Pos { line, field: 0 }), format!("invalid UTF-8 at byte {}", e.valid_up_to()))
                });
            }
            Err(_) => unreachable!("sniff_encoding only answers utf-8 for valid utf-8"),
        },
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let codec = if enc == Encoding::Utf16Le {
                encoding_rs::UTF_16LE
            } else {
                encoding_rs::UTF_16BE
            };
            let (cow, had_errors) = codec.decode_without_bom_handling(body);
            if had_errors || body.len() % 2 == 1 {
                return Err(InputError {
                    hint: Some(
                        "the file starts with a UTF-16 byte-order mark but its body is not UTF-16"
                            .into(),
                    ),
                    ..err(file, None, format!("invalid {} text", enc.name()))
                });
            }
            cow.into_owned()
        }
        Encoding::Windows1252 | Encoding::MacRoman => {
            let codec = if enc == Encoding::MacRoman {
                encoding_rs::MACINTOSH
            } else {
                encoding_rs::WINDOWS_1252
            };
            let (cow, _) = codec.decode_without_bom_handling(body);
            if forced.is_none() {
                warnings.push(format!(
                    "{file} is not UTF-8; read it as {} (pass --encoding to choose another)",
                    enc.name()
                ));
            }
            cow.into_owned()
        }
    };
    check_binary(file, &text)?;
    Ok((text, enc, warnings))
}

fn strip_bom(bytes: &[u8], enc: Encoding) -> &[u8] {
    match enc {
        Encoding::Utf8 => bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes),
        Encoding::Utf16Le => bytes.strip_prefix(&[0xFF, 0xFE]).unwrap_or(bytes),
        Encoding::Utf16Be => bytes.strip_prefix(&[0xFE, 0xFF]).unwrap_or(bytes),
        _ => bytes,
    }
}

fn sniff_encoding(bytes: &[u8]) -> (Encoding, &[u8]) {
    if let Some(b) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, b);
    }
    if let Some(b) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (Encoding::Utf16Le, b);
    }
    if let Some(b) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (Encoding::Utf16Be, b);
    }
    // UTF-16 without a BOM: ASCII text then has a NUL in every other byte.
    let head = &bytes[..bytes.len().min(4096)];
    if head.len() >= 8 {
        let odd_nuls = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let even_nuls = head.iter().step_by(2).filter(|&&b| b == 0).count();
        let half = head.len() / 2;
        if odd_nuls * 10 >= half * 9 && even_nuls == 0 {
            return (Encoding::Utf16Le, bytes);
        }
        if even_nuls * 10 >= half * 9 && odd_nuls == 0 {
            return (Encoding::Utf16Be, bytes);
        }
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (Encoding::Utf8, bytes);
    }
    (guess_single_byte(bytes), bytes)
}

/// Chooses between Windows-1252 and Mac Roman by which gives more plausible text.
fn guess_single_byte(bytes: &[u8]) -> Encoding {
    let score = |enc: &'static encoding_rs::Encoding| -> i64 {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        let mut s = 0i64;
        for c in text.chars().filter(|c| !c.is_ascii()) {
            s += if "\u{a0}’‘“”–—…éèêëàâäáãåçñíìîïóòôöõúùûüßÉÀÇÖÜÄ€£°·•®©".contains(c)
            {
                1
            } else {
                -1
            };
        }
        s
    };
    if score(encoding_rs::MACINTOSH) > score(encoding_rs::WINDOWS_1252) {
        Encoding::MacRoman
    } else {
        Encoding::Windows1252
    }
}

fn check_binary(file: &str, text: &str) -> Result<(), InputError> {
    let sample: Vec<char> = text.chars().take(8192).collect();
    let controls = sample
        .iter()
        .filter(|&&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffd}')
        .count();
    if !sample.is_empty() && (controls * 20 > sample.len() || sample.contains(&'\0')) {
        return Err(InputError {
            hint: Some(
                "pulse reads CSV or TSV text exports; is this a spreadsheet, zip or image?".into(),
            ),
            ..err(file, None, "this is a binary file, not a CSV text export")
        });
    }
    Ok(())
}

fn line_of(bytes: &[u8], offset: usize) -> (u64, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

/// Picks the delimiter from the first line: the most frequent of `,` `;` tab outside quotes.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' if !in_quotes => break,
            ',' if !in_quotes => counts[0] += 1,
            ';' if !in_quotes => counts[1] += 1,
            '\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let (best, _) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, c)| (*c, std::cmp::Reverse(i)))
        .unwrap_or((0, &0));
    [b',', b';', b'\t'][best]
}

/// Finds a quote that opens a field and never closes; returns its position.
fn unterminated_quote(text: &str, delim: u8) -> Option<Pos> {
    let b = text.as_bytes();
    let (mut line, mut field) = (1u64, 1usize);
    let mut at_field_start = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if at_field_start && c == b'"' {
            let (open_line, open_field) = (line, field);
            i += 1;
            loop {
                if i >= b.len() {
                    return Some(Pos { line: open_line, field: open_field });
                }
                match b[i] {
                    b'"' if b.get(i + 1) == Some(&b'"') => i += 2,
                    b'"' => {
                        i += 1;
                        break;
                    }
                    b'\n' => {
                        line += 1;
                        i += 1;
                    }
                    _ => i += 1,
                }
            }
            at_field_start = false;
            continue;
        }
        if c == delim {
            field += 1;
            at_field_start = true;
        } else if c == b'\n' {
            line += 1;
            field = 1;
            at_field_start = true;
        } else if c != b'\r' {
            at_field_start = false;
        }
        i += 1;
    }
    None
}

/// Parses decoded text into rows. `quoting` is off for Google Sheets' unquoted TSV.
pub fn parse(file: &str, text: &str, delimiter: u8) -> Result<Vec<Row>, InputError> {
    // A TSV from Google Sheets has no quoting at all, so a literal `"` may sit inside a cell.
    let quoting = delimiter != b'\t' || text.starts_with('"');
    if quoting && let Some(pos) = unterminated_quote(text, delimiter) {
        return Err(InputError {
            hint: Some("the file is cut off or a quote is missing; re-export it".into()),
            ..err(file, Some(pos), "a quoted field is never closed")
        });
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoting)
        .from_reader(text.as_bytes());
    // Line numbers from byte offsets: the record's first byte, counted in physical lines.
    let newlines: Vec<usize> =
        text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i).collect();
    // The csv crate reports a record's position at the tail of the previous terminator, so
    // skip line-ending bytes before counting.
    let raw = text.as_bytes();
    let line_at = |byte: u64| {
        let mut b = usize::try_from(byte).unwrap_or(usize::MAX).min(raw.len());
        while b < raw.len() && matches!(raw[b], b'\r' | b'\n') {
            b += 1;
        }
        newlines.partition_point(|&nl| nl < b) as u64 + 1
    };
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| line_at(p.byte()));
                if let Some((i, f)) =
                    rec.iter().enumerate().find(|(_, f)| f.len() > MAX_FIELD_BYTES)
                {
                    return Err(InputError {
                        hint: Some(
                            "no survey answer is this long; is the file corrupt or mis-quoted?"
                                .into(),
                        ),
                        ..err(
                            file,
                            Some(Pos { line, field: i + 1 }),
                            format!(
                                "field is {:.1} MB, over the 1 MiB limit for one answer",
                                f.len() as f64 / 1e6
                            ),
                        )
                    });
                }
                rows.push(Row { line, cells: rec.iter().map(str::to_string).collect() });
            }
            Err(e) => {
                let pos = e.position().map(|p| Pos { line: p.line(), field: 0 });
                return Err(err(file, pos, format!("cannot parse CSV: {e}")));
            }
        }
    }
    Ok(rows)
}

/// Reads a file into a grid: decode, sniff, parse, and check that rows are not ragged.
pub fn read_grid(path: &Path, forced: Option<Encoding>) -> Result<Grid, InputError> {
    let file = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| err(&file, None, format!("cannot read the file: {e}")))?;
    grid_from_bytes(&file, &bytes, forced)
}

/// As [`read_grid`], from bytes already in memory.
pub fn grid_from_bytes(
    file: &str,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<Grid, InputError> {
    let (text, encoding, mut warnings) = decode(file, bytes, forced)?;
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
            r.cells.pop();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_utf16le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a,b\r\n1,2\r\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let g = grid_from_bytes("t.csv", &bytes, None).unwrap();
        assert_eq!(g.encoding, Encoding::Utf16Le);
        assert_eq!(g.rows[1].cells, vec!["1", "2"]);
    }

    #[test]
    fn decode_utf16be_with_bom() {
        let mut bytes = vec![0xFE, 0xFF];
        for u in "a\tb\n1\t2\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        let g = grid_from_bytes("t.tsv", &bytes, None).unwrap();
        assert_eq!(g.encoding, Encoding::Utf16Be);
        assert_eq!(g.delimiter, b'\t');
        assert_eq!(g.rows[1].cells, vec!["1", "2"]);
    }

    #[test]
    fn cp1252_em_dash_and_mac_roman_nbsp() {
        let g = grid_from_bytes("t.csv", b"q\nfast \x97 really\n", None).unwrap();
        assert_eq!(g.encoding, Encoding::Windows1252);
        assert_eq!(g.rows[1].cells[0], "fast — really");
        let g = grid_from_bytes("t.csv", b"q\nhow\xcamuch\n", None).unwrap();
        assert_eq!(g.encoding, Encoding::MacRoman);
        assert_eq!(g.rows[1].cells[0], "how\u{a0}much");
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
    fn binary_and_empty_and_bad_utf8_bom() {
        assert!(grid_from_bytes("t", b"", None).unwrap_err().message.contains("empty"));
        let garbage: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
        assert!(grid_from_bytes("t", &garbage, None).is_err());
        let e = grid_from_bytes("t", b"\xEF\xBB\xBFa,b\n\xff\xfe,1\n", None).unwrap_err();
        assert!(e.message.contains("invalid UTF-8"), "{e}");
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
