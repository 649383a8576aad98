//! Bytes to text: encoding detection and decoding, and the input error every reader reports.
//!
//! Survey exports arrive as UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"),
//! or as Windows-1252 / Mac Roman after a spreadsheet re-save. This module turns any of them into
//! one `String` (valid UTF-8 input is not copied); [`super::grid`] parses it into rows.

use std::fmt;

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

pub(crate) fn err(file: &str, pos: Option<Pos>, message: impl Into<String>) -> InputError {
    InputError { file: file.to_string(), pos, message: message.into(), hint: None }
}

/// Decodes bytes to text, choosing the encoding unless `forced`.
pub fn decode(
    file: &str,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<(String, Encoding, Vec<String>), InputError> {
    decode_owned(file, std::borrow::Cow::Borrowed(bytes), forced)
}

/// As [`decode`]; valid UTF-8 without a BOM that is already owned is kept, not copied.
pub(crate) fn decode_owned(
    file: &str,
    owned: std::borrow::Cow<'_, [u8]>,
    forced: Option<Encoding>,
) -> Result<(String, Encoding, Vec<String>), InputError> {
    if owned.is_empty() {
        return Err(InputError {
            hint: Some("export the survey again; the file has no bytes at all".into()),
            ..err(file, None, "the file is empty")
        });
    }
    // The usual export, owned UTF-8 with no byte-order mark: checked once (each check of a
    // 90 MB export is a serial pass of the import), kept, not copied.
    let owned = match (forced, owned) {
        (None, std::borrow::Cow::Owned(v)) if sniff_marked(&v).is_none() => {
            match String::from_utf8(v) {
                Ok(text) => {
                    check_binary(file, &text)?;
                    return Ok((text, Encoding::Utf8, Vec::new()));
                }
                Err(e) => std::borrow::Cow::Owned(e.into_bytes()),
            }
        }
        (_, owned) => owned,
    };
    let bytes: &[u8] = &owned;
    let mut warnings = Vec::new();
    let (enc, body) = match forced {
        Some(e) => (e, strip_bom(bytes, e)),
        None => sniff_encoding(bytes),
    };
    let text = match enc {
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(s) if body.len() == bytes.len() => {
                let s_len = s.len();
                let text = match owned {
                    // Already checked: valid UTF-8, so no copy and no second check.
                    std::borrow::Cow::Owned(v) => String::from_utf8(v).unwrap_or_default(),
                    std::borrow::Cow::Borrowed(b) => String::from_utf8_lossy(b).into_owned(),
                };
                debug_assert_eq!(text.len(), s_len);
                check_binary(file, &text)?;
                return Ok((text, enc, warnings));
            }
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
    if let Some(marked) = sniff_marked(bytes) {
        return marked;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (Encoding::Utf8, bytes);
    }
    (guess_single_byte(bytes), bytes)
}

/// The encoding a byte-order mark names (and the text after it), or UTF-16 without one (ASCII
/// text then has a NUL in every other byte); None for anything else.
fn sniff_marked(bytes: &[u8]) -> Option<(Encoding, &[u8])> {
    if let Some(b) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Some((Encoding::Utf8, b));
    }
    if let Some(b) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Some((Encoding::Utf16Le, b));
    }
    if let Some(b) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Some((Encoding::Utf16Be, b));
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.len() >= 8 {
        let odd_nuls = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let even_nuls = head.iter().step_by(2).filter(|&&b| b == 0).count();
        let half = head.len() / 2;
        if odd_nuls * 10 >= half * 9 && even_nuls == 0 {
            return Some((Encoding::Utf16Le, bytes));
        }
        if even_nuls * 10 >= half * 9 && odd_nuls == 0 {
            return Some((Encoding::Utf16Be, bytes));
        }
    }
    None
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
            hint: Some(format!("pulse reads {}", super::container::ACCEPTED)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::grid::grid_from_bytes;

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
        assert_eq!(&g.rows[1].cells[0], "fast — really");
        let g = grid_from_bytes("t.csv", b"q\nhow\xcamuch\n", None).unwrap();
        assert_eq!(g.encoding, Encoding::MacRoman);
        assert_eq!(&g.rows[1].cells[0], "how\u{a0}much");
    }

    #[test]
    fn binary_and_empty_and_bad_utf8_bom() {
        assert!(grid_from_bytes("t", b"", None).unwrap_err().message.contains("empty"));
        let garbage: Vec<u8> = (0..2000u32).map(|i| (i * 7 % 256) as u8).collect();
        assert!(grid_from_bytes("t", &garbage, None).is_err());
        let e = grid_from_bytes("t", b"\xEF\xBB\xBFa,b\n\xff\xfe,1\n", None).unwrap_err();
        assert!(e.message.contains("invalid UTF-8"), "{e}");
    }
}
