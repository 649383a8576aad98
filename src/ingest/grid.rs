//! Decoded text to a grid of cells: delimiter sniffing and RFC 4180 parsing.
//!
//! Each row keeps its cells in one buffer (a `csv::StringRecord`: no allocation per cell) and
//! remembers the line it started on; bad input is reported with file, line and column. It knows
//! nothing about survey platforms; `layout` reads the grid.

use std::path::Path;

use super::decode::{Encoding, InputError, Pos, decode, decode_owned, err};

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

/// Where parsing may be split: record starts (byte offset, line) at roughly equal distances.
type Splits = Vec<(usize, u64)>;

/// Finds a quote that opens a field and never closes (its position, as the error), and up to
/// `parts` record starts to split parsing at (empty when the file has bare `\r` line ends, whose
/// quoting this scan does not follow exactly).
///
/// Jumps between quotes and line ends with `memchr` (most bytes of an export are neither); only
/// when a quote never closes is the file scanned again byte by byte, for the field number.
fn scan_quotes(text: &str, delim: u8, parts: usize) -> Result<Splits, Pos> {
    match scan_quotes_fast(text, delim, parts) {
        Some(splits) => Ok(splits),
        None => scan_quotes_exact(text, delim, parts),
    }
}

/// [`scan_quotes`] by jumps; None when a quote never closes.
fn scan_quotes_fast(text: &str, delim: u8, parts: usize) -> Option<Splits> {
    let b = text.as_bytes();
    let step = b.len() / parts.max(1) + 1;
    let mut splits = vec![(0, 1)];
    let mut bare_cr = false;
    let mut line = 1u64;
    let mut i = 0;
    while let Some(off) = memchr::memchr3(b'"', b'\n', b'\r', &b[i..]) {
        i += off;
        match b[i] {
            b'\n' => {
                line += 1;
                if i + 1 >= splits.len() * step && i + 1 < b.len() {
                    splits.push((i + 1, line));
                }
                i += 1;
            }
            b'\r' => {
                bare_cr |= b.get(i + 1) != Some(&b'\n');
                i += 1;
            }
            _ => {
                // A quote opens a field when it starts one: after a delimiter or a line end
                // (carriage returns between do not count), or at the start of the text.
                let mut j = i;
                while j > 0 && b[j - 1] == b'\r' {
                    j -= 1;
                }
                let opens = j == 0 || b[j - 1] == delim || b[j - 1] == b'\n';
                i += 1;
                if !opens {
                    continue;
                }
                loop {
                    i += memchr::memchr2(b'"', b'\n', &b[i..])?;
                    if b[i] == b'\n' {
                        line += 1;
                        i += 1;
                    } else if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                }
            }
        }
    }
    if bare_cr {
        splits.truncate(1);
    }
    Some(splits)
}

/// [`scan_quotes`] byte by byte, following field numbers for the error position.
fn scan_quotes_exact(text: &str, delim: u8, parts: usize) -> Result<Splits, Pos> {
    let b = text.as_bytes();
    let step = b.len() / parts.max(1) + 1;
    let mut splits = vec![(0, 1)];
    let mut bare_cr = false;
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
                    return Err(Pos { line: open_line, field: open_field });
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
            if i + 1 >= splits.len() * step && i + 1 < b.len() {
                splits.push((i + 1, line));
            }
        } else if c != b'\r' {
            at_field_start = false;
        } else if b.get(i + 1) != Some(&b'\n') {
            bare_cr = true;
        }
        i += 1;
    }
    if bare_cr {
        splits.truncate(1);
    }
    Ok(splits)
}

/// Record starts for unquoted text: after the first newline past each equal share.
fn newline_splits(text: &str, parts: usize) -> Splits {
    let b = text.as_bytes();
    if b.contains(&b'\r') {
        return vec![(0, 1)];
    }
    let step = b.len() / parts.max(1) + 1;
    let mut splits = vec![(0usize, 1u64)];
    let mut line = 1u64;
    let mut from = 0;
    for k in 1..parts {
        let Some(nl) = b.get(k * step..).and_then(|r| r.iter().position(|&c| c == b'\n')) else {
            break;
        };
        let at = k * step + nl;
        line += b[from..=at].iter().filter(|&&c| c == b'\n').count() as u64;
        from = at + 1;
        if from < b.len() {
            splits.push((from, line));
        }
    }
    splits
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

/// Whether a tab-separated text quotes its fields the way Excel does: it starts with a quote,
/// or some field opens with `"` right after a tab or line start and closes with `"` right
/// before a tab or line end, holding a line break, a tab or a doubled `""` inside.
fn tsv_is_quoted(text: &str) -> bool {
    let b = text.as_bytes();
    if b.first() == Some(&b'"') {
        return true;
    }
    let mut i = 1;
    while i < b.len() {
        if b[i] != b'"' || !matches!(b[i - 1], b'\t' | b'\n') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut special = false;
        loop {
            match b.get(j) {
                None => return false,
                Some(b'"') if b.get(j + 1) == Some(&b'"') => {
                    special = true;
                    j += 2;
                }
                Some(b'"') => break,
                Some(b'\n' | b'\t') => {
                    special = true;
                    j += 1;
                }
                Some(_) => j += 1,
            }
        }
        if special && matches!(b.get(j + 1), None | Some(b'\t' | b'\r' | b'\n')) {
            return true;
        }
        i = j + 1;
    }
    false
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

/// Parses one piece of the text that starts a record on line `first_line`.
///
/// Most records of an export are one line without quotes or carriage returns: such a line is
/// cut at its delimiters directly (what the csv parser makes of it, several times faster). A
/// record that has either, and a piece holding a byte-order mark (which the csv reader drops
/// at its start), go through the csv reader, one record at a time.
fn parse_piece(
    file: &str,
    text: &str,
    delimiter: u8,
    quoting: bool,
    first_line: u64,
) -> Result<Vec<Row>, InputError> {
    if !delimiter.is_ascii()
        || memchr::memmem::find(text.as_bytes(), "\u{feff}".as_bytes()).is_some()
    {
        return parse_piece_csv(file, text, delimiter, quoting, first_line);
    }
    let b = text.as_bytes();
    let mut rows = Vec::new();
    let (mut pos, mut line) = (0usize, first_line);
    let mut fields_hint = 16;
    // One csv reader for the piece, moved to each record that needs it: building a reader
    // builds its parser's tables, which cost more than the record itself.
    let mut csv_reader = None;
    loop {
        // Line ends between records are skipped, as the csv parser skips empty lines.
        while pos < b.len() && matches!(b[pos], b'\r' | b'\n') {
            line += u64::from(b[pos] == b'\n');
            pos += 1;
        }
        if pos >= b.len() {
            break;
        }
        let end = memchr::memchr(b'\n', &b[pos..]).map_or(b.len(), |o| pos + o);
        let record = &text[pos..end];
        let plain = if quoting {
            memchr::memchr2(b'"', b'\r', record.as_bytes()).is_none()
        } else {
            memchr::memchr(b'\r', record.as_bytes()).is_none()
        };
        if plain {
            let mut rec = csv::StringRecord::with_capacity(record.len(), fields_hint);
            for f in record.split(char::from(delimiter)) {
                rec.push_field(f);
            }
            fields_hint = rec.len();
            check_fields(file, &rec, line)?;
            rows.push(Row { line, cells: rec });
            pos = end;
        } else {
            // One record through the csv reader: it may span lines (a quoted line break).
            let rdr =
                csv_reader.get_or_insert_with(|| piece_reader(text, delimiter, quoting, end - pos));
            let one = read_one_at(file, rdr, pos, line, record.len(), fields_hint)?;
            let Some((row, used)) = one else { break };
            line += b[pos..pos + used].iter().filter(|&&c| c == b'\n').count() as u64;
            pos += used;
            rows.push(row);
        }
    }
    Ok(rows)
}

/// A csv reader over a whole piece, for [`read_one_at`]; `line_len`: the length of a typical
/// line, to size its buffer (the reader copies what it buffers, a buffer's worth per seek).
fn piece_reader(
    text: &str,
    delimiter: u8,
    quoting: bool,
    line_len: usize,
) -> csv::Reader<std::io::Cursor<&[u8]>> {
    let mut rdr = csv::ReaderBuilder::new()
        .buffer_capacity((2 * line_len + 2).clamp(64, 1 << 16))
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoting)
        .from_reader(std::io::Cursor::new(text.as_bytes()));
    // Headers set by hand: a seek would otherwise read the first record as the header row.
    rdr.set_byte_headers(csv::ByteRecord::new());
    rdr
}

/// Reads the record that starts at byte `at` of the reader's piece (a record start on line
/// `line`; `line_len`: the length of its first line, `fields`: the fields expected) with the
/// csv reader: the row and the bytes it used; None when only line ends are left.
fn read_one_at(
    file: &str,
    rdr: &mut csv::Reader<std::io::Cursor<&[u8]>>,
    at: usize,
    line: u64,
    line_len: usize,
    fields: usize,
) -> Result<Option<(Row, usize)>, InputError> {
    let mut start = csv::Position::new();
    start.set_byte(at as u64).set_line(1);
    let mut rec = csv::StringRecord::with_capacity(line_len + 16, fields);
    let read = rdr
        .seek_raw(std::io::SeekFrom::Start(at as u64), start)
        .and_then(|()| rdr.read_record(&mut rec));
    match read {
        Ok(false) => Ok(None),
        Ok(true) => {
            check_fields(file, &rec, line)?;
            let used = usize::try_from(rdr.position().byte()).unwrap_or(usize::MAX) - at;
            rec.set_position(None);
            Ok(Some((Row { line, cells: rec }, used.max(1))))
        }
        Err(e) => {
            let pos = e.position().map(|p| Pos { line: p.line() + line - 1, field: 0 });
            Err(err(file, pos, format!("cannot parse CSV: {e}")))
        }
    }
}

/// Refuses a record with a field over [`MAX_FIELD_BYTES`].
fn check_fields(file: &str, rec: &csv::StringRecord, line: u64) -> Result<(), InputError> {
    // A record within the limit has no field over it: fields are looked at only for a long one.
    if rec.as_byte_record().as_slice().len() <= MAX_FIELD_BYTES {
        return Ok(());
    }
    match rec.iter().enumerate().find(|(_, f)| f.len() > MAX_FIELD_BYTES) {
        None => Ok(()),
        Some((i, f)) => Err(InputError {
            hint: Some("no survey answer is this long; is the file corrupt or mis-quoted?".into()),
            ..err(
                file,
                Some(Pos { line, field: i + 1 }),
                format!(
                    "field is {:.1} MB, over the 1 MiB limit for one answer",
                    f.len() as f64 / 1e6
                ),
            )
        }),
    }
}

/// [`parse_piece`] with the csv reader alone.
fn parse_piece_csv(
    file: &str,
    text: &str,
    delimiter: u8,
    quoting: bool,
    first_line: u64,
) -> Result<Vec<Row>, InputError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoting)
        .from_reader(text.as_bytes());
    // Line numbers from byte offsets: the record's first byte, counted in physical lines.
    // Records come in file order, so the newlines are counted once, from the previous record.
    // The csv crate reports a record's position at the tail of the previous terminator, so
    // skip line-ending bytes before counting.
    let raw = text.as_bytes();
    let (mut seen_to, mut seen_lines) = (0usize, first_line);
    let mut line_at = |byte: u64| {
        let mut b = usize::try_from(byte).unwrap_or(usize::MAX).min(raw.len());
        while b < raw.len() && matches!(raw[b], b'\r' | b'\n') {
            b += 1;
        }
        if b < seen_to {
            // Not expected (positions only grow); count from the start to stay right.
            (seen_to, seen_lines) = (0, first_line);
        }
        seen_lines += raw[seen_to..b].iter().filter(|&&c| c == b'\n').count() as u64;
        seen_to = b;
        seen_lines
    };
    let mut rows = Vec::new();
    let (mut bytes_hint, mut fields_hint) = (256, 16);
    loop {
        // A fresh record per row, sized like the last one plus room (two allocations: the row's
        // bytes and its field bounds), kept as the row: no copy, no allocation per cell.
        let mut rec = csv::StringRecord::with_capacity(bytes_hint, fields_hint);
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let line = rec.position().map_or(0, |p| line_at(p.byte()));
                check_fields(file, &rec, line)?;
                bytes_hint = rec.as_byte_record().as_slice().len() + 64;
                fields_hint = rec.len();
                rec.set_position(None);
                rows.push(Row { line, cells: rec });
            }
            Err(e) => {
                let pos = e.position().map(|p| Pos { line: p.line() + first_line - 1, field: 0 });
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

#[cfg(test)]
mod tests {
    use super::*;
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
    fn the_quote_scan_by_jumps_matches_the_byte_scan() {
        let cells = ["plain", "\"q,\nx\"", "a\"b", "\"\"", "\"x\"\"y\"", "\r", "", " \"z\""];
        let mut seed = 7u64;
        for case in 0..300 {
            let mut text = String::new();
            for _ in 0..(case % 40) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let k = (seed >> 33) as usize;
                text.push_str(cells[k % cells.len()]);
                text.push_str(match (k / 8) % 4 {
                    0 | 1 => ",",
                    2 => "\n",
                    _ => "\r\n",
                });
            }
            for parts in [1, 2, 5] {
                let fast = scan_quotes_fast(&text, b',', parts);
                let exact = scan_quotes_exact(&text, b',', parts);
                match exact {
                    Ok(s) => assert_eq!(fast, Some(s), "{text:?} {parts}"),
                    Err(_) => assert_eq!(fast, None, "{text:?} {parts}"),
                }
            }
        }
    }

    #[test]
    fn plain_lines_cut_directly_match_the_csv_reader() {
        let cells =
            ["plain", "\"q,\nx\"", "a\"b", "\"\"", "\"x\"\"y\"z", "\r", "", " ", "é", "\u{feff}"];
        let ends = [",", ",", ";", "\n", "\r\n", "\r", "\n\n", "\t"];
        let mut seed = 11u64;
        for case in 0..400 {
            let mut text = String::new();
            for _ in 0..(case % 30) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let k = (seed >> 33) as usize;
                text.push_str(cells[k % cells.len()]);
                text.push_str(ends[(k / 16) % ends.len()]);
            }
            for (delim, quoting) in [(b',', true), (b';', true), (b'\t', false)] {
                let fast = parse_piece("t", &text, delim, quoting, 3).unwrap();
                let csv = parse_piece_csv("t", &text, delim, quoting, 3).unwrap();
                let rows = |r: &[Row]| {
                    r.iter()
                        .map(|r| (r.line, r.cells.iter().map(str::to_string).collect::<Vec<_>>()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(rows(&fast), rows(&csv), "{text:?} {delim}");
            }
        }
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
