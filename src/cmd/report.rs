//! `pulse report`: glue only. Arguments -> spec -> [`report::build`] (every analysis of the
//! round, assembled into a document) -> [`report::render_files`] (PDF, charts, HTML, Markdown)
//! -> [`report::write_dir`] (the folder replaced as a whole) -> a summary of what was written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use crate::ExitStatus;
use crate::cli::{Global, ReportArgs};
use crate::render;
use crate::report;
use crate::store::workspace::Workspace;

/// Renders a report and returns the folder and what was written.
pub fn report(
    ws: &Workspace,
    a: &ReportArgs,
    quiet: bool,
) -> Result<(PathBuf, Vec<(String, usize)>)> {
    let t0 = Instant::now();
    let round = report::inputs::round_or_latest(ws, a.round.as_ref())?;
    let formats = report::formats(&a.formats)?;
    let mut loaded = render::spec::load(report::spec_path(ws, a.spec.as_deref()).as_deref())?;
    if let Some(p) = &a.paper {
        loaded.spec.paper = p.clone();
    }
    if let Some(x) = a.exclude {
        loaded.spec.exclude = x;
    }
    let progress = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    if progress {
        eprint!("report {round}: analysing…");
    }
    let doc = report::build(ws, &round, &loaded, a.date.as_deref())?;
    let t1 = Instant::now();
    if progress {
        eprint!(
            "\rreport {round}: rendering {} charts and {}…",
            doc.charts.len(),
            formats.join(", ")
        );
    }
    let files = report::render_files(&doc, &loaded, &formats)?;
    if progress {
        eprint!("\r\x1b[K");
    }
    let out = a.out.clone().unwrap_or_else(|| ws.path(&format!("reports/{round}")));
    report::write_dir(&out, &files)?;
    if !quiet {
        eprintln!(
            "report {round}: {} sections ({} skipped), {} charts; analyses {:.2} s, rendering {:.2} s (spec: {})",
            doc.sections.len(),
            doc.sections.iter().filter(|s| s.skipped.is_some()).count(),
            doc.charts.len(),
            (t1 - t0).as_secs_f64(),
            t1.elapsed().as_secs_f64(),
            loaded.origin
        );
    }
    if !quiet {
        for s in doc.sections.iter().filter(|s| s.skipped.is_some()) {
            eprintln!("  skipped {}: {}", s.title, s.skipped.as_deref().unwrap_or(""));
        }
    }
    let sizes = files.iter().map(|(n, b)| (n.clone(), b.len())).collect();
    Ok((out, sizes))
}

/// Runs `pulse report`.
pub fn run(g: &Global, a: &ReportArgs) -> Result<ExitStatus> {
    let ws = Workspace::open(&g.root())?;
    let (out, files) = report(&ws, a, false)?;
    print_written(&out, &files)?;
    Ok(ExitStatus::Success)
}

/// Prints where the report's files are.
pub fn print_written(out: &Path, files: &[(String, usize)]) -> Result<()> {
    let shown = |n: &str| files.iter().find(|f| f.0 == n);
    crate::output::print_line(&format!("report written to {}/", out.display()))?;
    for n in ["report.pdf", "report.html", "summary.md"] {
        if let Some((n, b)) = shown(n) {
            crate::output::print_line(&format!(
                "  {}  ({:.0} KB)",
                out.join(n).display(),
                *b as f64 / 1024.0
            ))?;
        }
    }
    let count =
        |dir: &str| files.iter().filter(|f| f.0.starts_with(dir) && f.0.ends_with(".png")).count();
    let pages = count("pages/");
    if pages > 0 {
        crate::output::print_line(&format!(
            "  {}  ({pages} pages as PNG at 144 dpi, the PDF's own layout)",
            out.join("pages").display()
        ))?;
    }
    let charts = count("charts/");
    if charts > 0 {
        crate::output::print_line(&format!(
            "  {}  ({charts} charts as PNG at 2x, SVG beside each)",
            out.join("charts").display()
        ))?;
    }
    Ok(())
}
