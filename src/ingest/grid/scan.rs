//! The text's structure before it is parsed: its delimiter, whether a tab-separated text quotes
//! its fields, and where it may be cut into pieces for parallel parsing (record starts found by
//! following its quotes). Parsing the pieces is `piece`'s.

use crate::ingest::decode::Pos;

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
pub(super) type Splits = Vec<(usize, u64)>;

/// Finds a quote that opens a field and never closes (its position, as the error), and up to
/// `parts` record starts to split parsing at (empty when the file has bare `\r` line ends, whose
/// quoting this scan does not follow exactly).
///
/// Jumps between quotes and line ends with `memchr` (most bytes of an export are neither); only
/// when a quote never closes is the file scanned again byte by byte, for the field number.
pub(super) fn scan_quotes(text: &str, delim: u8, parts: usize) -> Result<Splits, Pos> {
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
pub(super) fn newline_splits(text: &str, parts: usize) -> Splits {
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

/// Whether a tab-separated text quotes its fields the way Excel does: it starts with a quote,
/// or some field opens with `"` right after a tab or line start and closes with `"` right
/// before a tab or line end, holding a line break, a tab or a doubled `""` inside.
pub(super) fn tsv_is_quoted(text: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::grid::random_text;

    #[test]
    fn the_quote_scan_by_jumps_matches_the_byte_scan() {
        let cells = ["plain", "\"q,\nx\"", "a\"b", "\"\"", "\"x\"\"y\"", "\r", "", " \"z\""];
        let ends = [",", ",", "\n", "\r\n"];
        let mut seed = 7u64;
        for case in 0..300 {
            let text = random_text(&cells, &ends, case % 40, &mut seed);
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
}
