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
                println!("{}  {:>8} bytes  {}  {}", r.id, bytes.len(), r.platform, p.display());
            }
            let dir = a.out.join("telemetry");
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for (kind, file, bytes) in synth::demo_telemetry(a.seed) {
                let p = dir.join(file);
                std::fs::write(&p, &bytes).with_context(|| format!("writing {}", p.display()))?;
                println!("{kind:<11}  {:>8} bytes  {}", bytes.len(), p.display());
            }
        }
        GenerateWhat::Builds => {
            use polars::prelude::*;
            let parquet = a.out.extension().is_some_and(|e| e == "parquet");
            let mut df =
                synth::builds(a.respondents, a.seed, !parquet).map_err(anyhow::Error::from)?;
            if parquet {
                crate::store::frames::write_parquet(&a.out, &mut df)?;
            } else {
                let f = std::fs::File::create(&a.out)
                    .with_context(|| format!("creating {}", a.out.display()))?;
                CsvWriter::new(BufWriter::with_capacity(1 << 20, f))
                    .finish(&mut df)
                    .map_err(anyhow::Error::from)?;
            }
            let len = std::fs::metadata(&a.out)?.len();
            println!(
                "wrote {} ({} builds, {:.1} MB)",
                a.out.display(),
                a.respondents,
                len as f64 / 1e6
            );
        }
        GenerateWhat::Bench => {
            let f = std::fs::File::create(&a.out)
                .with_context(|| format!("creating {}", a.out.display()))?;
            let mut w = BufWriter::with_capacity(1 << 20, f);
            synth::bench(&mut w, a.respondents, a.questions, a.seed)?;
            w.flush()?;
            let len = std::fs::metadata(&a.out)?.len();
            println!(
                "wrote {} ({} respondents x {} questions, {:.1} MB)",
                a.out.display(),
                a.respondents,
                a.questions,
                len as f64 / 1e6
            );
        }
    }
    Ok(ExitStatus::Success)
}

/// Reads a CSV with plain polars (the benchmark baseline for `import survey`).
pub fn baseline_csv(file: &std::path::Path) -> Result<ExitStatus> {
    use polars::prelude::*;
    let t = std::time::Instant::now();
    let path = file.to_string_lossy().to_string();
    let df = LazyCsvReader::new(PlRefPath::from(path.as_str()))
        .with_has_header(true)
        .finish()
        .and_then(LazyFrame::collect)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("reading {}", file.display()))?;
    println!(
        "polars CSV read: {} rows x {} columns in {:.2} s",
        df.height(),
        df.width(),
        t.elapsed().as_secs_f64()
    );
    Ok(ExitStatus::Success)
}
