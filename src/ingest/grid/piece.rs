//! One piece of the text (it starts a record) to rows: plain lines are cut at their delimiters,
//! records with a quote or a carriage return go through the csv reader, and a field over
//! [`MAX_FIELD_BYTES`] is refused. Where the pieces are cut is `scan`'s.

use super::{MAX_FIELD_BYTES, Row};
use crate::ingest::decode::{InputError, Pos, err};

/// Parses one piece of the text that starts a record on line `first_line`.
///
/// Most records of an export are one line without quotes or carriage returns: such a line is
/// cut at its delimiters directly (what the csv parser makes of it, several times faster). A
/// record that has either, and a piece holding a byte-order mark (which the csv reader drops
/// at its start), go through the csv reader, one record at a time.
pub(super) fn parse_piece(
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
            // The delimiter is ASCII, so every cut is a char boundary.
            let mut from = 0;
            for at in memchr::memchr_iter(delimiter, record.as_bytes()) {
                rec.push_field(&record[from..at]);
                from = at + 1;
            }
            rec.push_field(&record[from..]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::grid::random_text;

    #[test]
    fn plain_lines_cut_directly_match_the_csv_reader() {
        let cells =
            ["plain", "\"q,\nx\"", "a\"b", "\"\"", "\"x\"\"y\"z", "\r", "", " ", "é", "\u{feff}"];
        let ends = [",", ",", ";", "\n", "\r\n", "\r", "\n\n", "\t"];
        let mut seed = 11u64;
        for case in 0..400 {
            let text = random_text(&cells, &ends, case % 30, &mut seed);
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
}
