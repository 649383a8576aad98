//! `pulse generate`: deterministic synthetic exports (demo fixtures, benchmark rounds).

use std::io::{BufWriter, Write};

use anyhow::{Context, Result};

use crate::ExitStatus;
use crate::cli::{GenerateArgs, GenerateWhat};
use crate::synth;

/// Runs `pulse generate`.
pub fn run(a: &GenerateArgs) -> Result<ExitStatus> {
    match a.what {
        GenerateWhat::Demo => {
            std::fs::create_dir_all(&a.out)
                .with_context(|| format!("creating {}", a.out.display()))?;
            for (r, bytes) in synth::demo(a.seed) {
                let p = a.out.join(r.file);
                std::fs::write(&p, &bytes).with_context(|| format!("writing {}", p.display()))?;
                crate::outln!(
                    "{}  {:>8} bytes  {}  {}",
                    r.id,
                    bytes.len(),
                    r.platform,
                    p.display()
                )?;
            }
            let dir = a.out.join("telemetry");
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for (kind, file, bytes) in synth::demo_telemetry(a.seed) {
                let p = dir.join(file);
                std::fs::write(&p, &bytes).with_context(|| format!("writing {}", p.display()))?;
                crate::outln!("{kind:<11}  {:>8} bytes  {}", bytes.len(), p.display())?;
            }
        }
        GenerateWhat::Builds => {
            let parquet = a.out.extension().is_some_and(|e| e == "parquet");
            let mut df =
                synth::builds(a.respondents, a.seed, !parquet).map_err(anyhow::Error::from)?;
            if parquet {
                crate::store::frames::write_parquet(&a.out, &mut df)?;
            } else {
                write_csv(&a.out, &df)?;
            }
            let len = std::fs::metadata(&a.out)?.len();
            crate::outln!(
                "wrote {} ({} builds, {:.1} MB)",
                a.out.display(),
                a.respondents,
                len as f64 / 1e6
            )?;
        }
        GenerateWhat::Bench => {
            let f = std::fs::File::create(&a.out)
                .with_context(|| format!("creating {}", a.out.display()))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            synth::bench(&mut w, a.respondents, a.questions, a.seed)?;
            w.flush()?;
            let len = std::fs::metadata(&a.out)?.len();
            crate::outln!(
                "wrote {} ({} respondents x {} questions, {:.1} MB)",
                a.out.display(),
                a.respondents,
                a.questions,
                len as f64 / 1e6
            )?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Writes a frame as CSV with the `csv` crate (every column cast to text; nulls empty), so
/// the product needs no polars CSV feature.
fn write_csv(path: &std::path::Path, df: &polars::prelude::DataFrame) -> Result<()> {
    use polars::prelude::*;
    let f = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, f));
    let cols: Vec<Column> = df
        .columns()
        .iter()
        .map(|c| c.cast(&DataType::String))
        .collect::<PolarsResult<_>>()
        .map_err(anyhow::Error::from)?;
    let text: Vec<&StringChunked> =
        cols.iter().map(Column::str).collect::<PolarsResult<_>>().map_err(anyhow::Error::from)?;
    w.write_record(df.get_column_names().iter().map(|n| n.as_str()))?;
    let mut iters: Vec<_> = text.iter().map(|c| c.iter()).collect();
    for _ in 0..df.height() {
        for it in &mut iters {
            w.write_field(it.next().flatten().unwrap_or(""))?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush().with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
