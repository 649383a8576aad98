//! Exports that are not plain text: `.xlsx`/`.xls`/`.ods` workbooks (Microsoft Forms only
//! downloads `.xlsx`; Qualtrics and Google offer it) read through calamine, and a `.zip`
//! holding one export (the Qualtrics download). Anything else binary is refused with the list
//! of formats pulse reads.

use std::io::{Cursor, Read};

use super::decode::{Encoding, InputError, err};
use super::grid::{Grid, Row};

/// The formats pulse reads, for messages.
pub const ACCEPTED: &str = "CSV or TSV text (UTF-8, UTF-16, Windows-1252, Mac Roman), .xlsx / .xls / .ods workbooks, or a .zip holding one of these";

/// Largest file pulse unpacks from a zip (a survey export is far below this).
const MAX_UNPACKED: u64 = 2 << 30;

/// What the bytes of a file are.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Zip,
    Ole,
    Other,
}

fn kind(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Kind::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Ole
    } else {
        Kind::Other
    }
}

/// A file's contents once unpacked: text to decode, or a workbook already read into rows.
pub enum Opened {
    /// Text bytes (CSV or TSV), with the name they came from inside a zip, if any.
    Text(Vec<u8>, Option<String>),
    /// A worksheet, already a grid.
    Sheet(Grid),
}

/// Opens a file: a workbook becomes a grid (its first sheet, or `sheet`), a zip gives its one
/// export, anything else is text for the CSV reader.
pub fn open(file: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Opened, InputError> {
    match kind(&bytes) {
        Kind::Ole => Ok(Opened::Sheet(workbook(file, bytes, sheet)?)),
        Kind::Zip => {
            let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).map_err(|e| InputError {
                hint: Some(format!("pulse reads {ACCEPTED}")),
                ..err(file, None, format!("not a readable zip or workbook: {e}"))
            })?;
            let names: Vec<String> =
                zip.file_names().filter_map(Result::ok).map(|n| n.to_string()).collect();
            if names.iter().any(|n| n == "xl/workbook.xml" || n == "content.xml") {
                return Ok(Opened::Sheet(workbook(file, bytes, sheet)?));
            }
            let exports: Vec<&String> = names
                .iter()
                .filter(|n| !n.ends_with('/') && !n.starts_with("__MACOSX/"))
                .filter(|n| {
                    let l = n.to_lowercase();
                    [".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods"].iter().any(|e| l.ends_with(e))
                })
                .collect();
            let name = match exports.as_slice() {
                [one] => (*one).clone(),
                [] => {
                    return Err(InputError {
                        hint: Some(format!("pulse reads {ACCEPTED}")),
                        ..err(file, None, format!("the zip holds no export (files: {names:?})"))
                    });
                }
                many => {
                    return Err(InputError {
                        hint: Some("unzip it and import one file at a time".into()),
                        ..err(file, None, format!("the zip holds {} exports: {many:?}", many.len()))
                    });
                }
            };
            let mut entry = zip
                .by_name(&name)
                .map_err(|e| err(file, None, format!("cannot read {name} in the zip: {e}")))?;
            if entry.size() > MAX_UNPACKED {
                return Err(err(file, None, format!("{name} in the zip is larger than 2 GiB")));
            }
            let mut inner = Vec::with_capacity(entry.size() as usize);
            entry
                .by_ref()
                .take(MAX_UNPACKED)
                .read_to_end(&mut inner)
                .map_err(|e| err(file, None, format!("cannot unpack {name}: {e}")))?;
            let label = format!("{file}!{name}");
            match kind(&inner) {
                Kind::Zip | Kind::Ole => Ok(Opened::Sheet(workbook(&label, inner, sheet)?)),
                Kind::Other => Ok(Opened::Text(inner, Some(name))),
            }
        }
        Kind::Other => Ok(Opened::Text(bytes, None)),
    }
}

/// One cell as text: dates as `YYYY-MM-DD HH:MM:SS` (never locale-dependent), whole numbers
/// without a decimal point.
fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            _ => dt.as_f64().to_string(),
        },
    }
}

/// Reads a worksheet into a grid: every row is a record, numbered as the sheet numbers it.
fn workbook(file: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Grid, InputError> {
    use calamine::Reader;
    let mut wb =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| InputError {
            hint: Some(format!("pulse reads {ACCEPTED}")),
            ..err(file, None, format!("cannot read the workbook: {e}"))
        })?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| InputError {
            hint: Some(format!("sheets in this workbook: {names:?}")),
            ..err(file, None, format!("no sheet named {s:?}"))
        })?,
        None => {
            names.first().cloned().ok_or_else(|| err(file, None, "the workbook has no sheets"))?
        }
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| err(file, None, format!("cannot read sheet {name:?}: {e}")))?;
    let start_row = range.start().map_or(0, |(r, _)| r as u64);
    let mut rows: Vec<Row> = range
        .rows()
        .enumerate()
        .map(|(i, r)| Row {
            line: start_row + i as u64 + 1,
            cells: csv::StringRecord::from(r.iter().map(cell_text).collect::<Vec<_>>()),
        })
        .collect();
    rows.retain(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    if rows.is_empty() {
        return Err(err(file, None, format!("sheet {name:?} is empty")));
    }
    // A sheet has no ragged rows: trailing empty columns past the header are cut.
    let head: Vec<&str> = rows[0].cells.iter().collect();
    let width = head.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |p| p + 1);
    for r in &mut rows {
        let mut cells: Vec<String> = r.cells.iter().map(str::to_string).collect();
        cells.resize(width, String::new());
        r.cells = csv::StringRecord::from(cells);
    }
    let mut warnings = Vec::new();
    if names.len() > 1 && sheet.is_none() {
        warnings.push(format!(
            "{file}: read the first sheet {name:?} of {} (pass --sheet to choose another: {names:?})",
            names.len()
        ));
    }
    Ok(Grid { rows, encoding: Encoding::Utf8, delimiter: b',', warnings })
}
