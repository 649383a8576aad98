//! Printing tables: aligned text, CSV or JSON (an array of flat objects).

use std::io::Write;

use anyhow::Result;
use polars::prelude::*;

use crate::cli::Format;

/// A cell as text (None for null).
pub fn cell_text(v: &AnyValue) -> Option<String> {
    Some(match v {
        AnyValue::Null => return None,
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(f) => fmt_float(*f),
        AnyValue::Float32(f) => fmt_float(f64::from(*f)),
        AnyValue::Datetime(..) | AnyValue::DatetimeOwned(..) | AnyValue::Date(_) => {
            let s = v.to_string();
            s.trim_matches('"').to_string()
        }
        other => other.to_string().trim_matches('"').to_string(),
    })
}

fn fmt_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else if f != 0.0 && f.abs() < 1e-4 {
        // Small p-values keep their magnitude: 7.29e-36, not 0.
        format!("{f:.2e}")
    } else {
        let s = format!("{f:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn json_value(v: &AnyValue) -> serde_json::Value {
    use serde_json::Value;
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => Value::Bool(*b),
        AnyValue::Float64(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        AnyValue::Float32(f) => {
            serde_json::Number::from_f64(f64::from(*f)).map_or(Value::Null, Value::Number)
        }
        AnyValue::Int8(_) | AnyValue::Int16(_) | AnyValue::Int32(_) | AnyValue::Int64(_) => {
            v.extract::<i64>().map_or(Value::Null, Value::from)
        }
        AnyValue::UInt8(_) | AnyValue::UInt16(_) | AnyValue::UInt32(_) | AnyValue::UInt64(_) => {
            v.extract::<u64>().map_or(Value::Null, Value::from)
        }
        other => cell_text(other).map_or(Value::Null, Value::String),
    }
}

/// A frame as a JSON array of flat objects.
pub fn frame_json(df: &DataFrame) -> Result<serde_json::Value> {
    let cols = df.columns();
    let mut arr = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let mut obj = serde_json::Map::new();
        for c in cols {
            obj.insert(c.name().to_string(), json_value(&c.get(i)?));
        }
        arr.push(serde_json::Value::Object(obj));
    }
    Ok(serde_json::Value::Array(arr))
}

/// Writes a frame in the chosen format.
pub fn write_frame(out: &mut dyn Write, df: &DataFrame, format: Format) -> Result<()> {
    let cols = df.columns();
    let names: Vec<String> = cols.iter().map(|c| c.name().to_string()).collect();
    let rows = df.height();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &frame_json(df)?)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(&names)?;
            for i in 0..rows {
                let rec: Vec<String> = cols
                    .iter()
                    .map(|c| c.get(i).ok().and_then(|v| cell_text(&v)).unwrap_or_default())
                    .collect();
                w.write_record(&rec)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut cells: Vec<Vec<String>> = Vec::with_capacity(rows);
            let mut numeric = vec![true; cols.len()];
            for (j, c) in cols.iter().enumerate() {
                numeric[j] = c.dtype().is_primitive_numeric();
            }
            for i in 0..rows {
                cells.push(
                    cols.iter()
                        .map(|c| {
                            c.get(i).ok().and_then(|v| cell_text(&v)).unwrap_or_else(|| "-".into())
                        })
                        .collect(),
                );
            }
            let mut widths: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
            for r in &cells {
                for (j, c) in r.iter().enumerate() {
                    widths[j] = widths[j].max(c.chars().count().min(60));
                }
            }
            let line = |vals: &[String], out: &mut dyn Write| -> std::io::Result<()> {
                let mut s = String::new();
                for (j, v) in vals.iter().enumerate() {
                    let v: String = if v.chars().count() > 60 {
                        v.chars().take(59).chain(['…']).collect()
                    } else {
                        v.clone()
                    };
                    let pad = widths[j].saturating_sub(v.chars().count());
                    if j > 0 {
                        s.push_str("  ");
                    }
                    if numeric[j] {
                        s.push_str(&" ".repeat(pad));
                        s.push_str(&v);
                    } else {
                        s.push_str(&v);
                        if j + 1 < vals.len() {
                            s.push_str(&" ".repeat(pad));
                        }
                    }
                }
                writeln!(out, "{}", s.trim_end())
            };
            line(&names, out)?;
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            line(&rule, out)?;
            for r in &cells {
                line(r, out)?;
            }
            if rows == 0 {
                writeln!(out, "(no rows)")?;
            }
        }
    }
    Ok(())
}

/// Prints one line to standard output; a closed pipe (`pulse check | head`) comes back as an
/// error, which `main` turns into exit 0, instead of `println!`'s panic.
pub fn print_line(text: &str) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    writeln!(lock, "{text}")?;
    lock.flush()?;
    Ok(())
}

/// Prints a frame to standard output; a closed pipe comes back as an error, not a panic.
pub fn print_frame(df: &DataFrame, format: Format) -> Result<()> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    write_frame(&mut lock, df, format)?;
    lock.flush()?;
    Ok(())
}

/// `println!` that returns a closed pipe as an error (`?` it) instead of panicking; `main`
/// turns that error into exit 0. Every command prints through this or [`print_frame`].
#[macro_export]
macro_rules! outln {
    () => {
        $crate::output::print_line("")
    };
    ($($arg:tt)*) => {
        $crate::output::print_line(&format!($($arg)*))
    };
}
