//! The rendered report as files: which formats, their bytes, and the output folder replaced as
//! a whole only when everything rendered (nothing half-written).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::render::{self, Doc, spec::Loaded};
use crate::store::workspace::Workspace;

/// The file that marks a folder as a pulse report (so it may be replaced).
pub const MARKER: &str = ".pulse-report";

/// Output formats.
pub const FORMATS: [&str; 4] = ["pdf", "png", "html", "md"];

/// Page PNGs at 2 pixels per point (144 dpi: an A4 page is 1190 × 1684 px), sharp on slides.
pub const PAGE_PIXELS_PER_POINT: f64 = 2.0;

/// Files of a rendered report: relative path and bytes.
pub fn render_files(
    doc: &Doc,
    loaded: &Loaded,
    formats: &[String],
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let (pdf, png) = (formats.iter().any(|f| f == "pdf"), formats.iter().any(|f| f == "png"));
    if pdf || png {
        // One layout for both: the page PNGs are the PDF's pages.
        let document = render::pdf::typeset(doc, &loaded.template, &loaded.template_name)?;
        if pdf {
            files.push(("report.pdf".to_string(), render::pdf::pdf(doc, &document)?));
        }
        if png {
            for (i, page) in
                render::pdf::pages(&document, PAGE_PIXELS_PER_POINT)?.into_iter().enumerate()
            {
                files.push((format!("pages/page-{:02}.png", i + 1), page));
            }
        }
    }
    if png {
        for c in &doc.charts {
            files.push((format!("charts/{}.svg", c.name), c.svg.clone().into_bytes()));
            files.push((format!("charts/{}.png", c.name), render::png::render(c, 2.0)?));
        }
    }
    if formats.iter().any(|f| f == "html") {
        files.push(("report.html".to_string(), render::html::render(doc).into_bytes()));
    }
    if formats.iter().any(|f| f == "md") {
        files.push(("summary.md".to_string(), render::markdown::render(doc).into_bytes()));
    }
    Ok(files)
}

/// Writes `files` into `out`, replacing it as a whole: staged beside it, then renamed.
pub fn write_dir(out: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let stage = tempfile::Builder::new()
        .prefix(".pulse-report-")
        .tempdir_in(parent)
        .with_context(|| format!("staging in {}", parent.display()))?;
    for (rel, bytes) in files {
        let p = stage.path().join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(&p, bytes).with_context(|| format!("writing {}", p.display()))?;
    }
    std::fs::write(
        stage.path().join(MARKER),
        "written by `pulse report`; the folder is replaced on the next run\n",
    )?;
    let staged = stage.keep();
    if out.exists() {
        if !out.is_dir() {
            let _ = std::fs::remove_dir_all(&staged);
            bail!("{} exists and is not a folder", out.display());
        }
        // Only a folder pulse wrote (or an empty one) is replaced: `--out .` must never wipe a
        // workspace or someone's documents.
        let empty = std::fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !empty && !out.join(MARKER).is_file() {
            let _ = std::fs::remove_dir_all(&staged);
            bail!(
                "{} already exists and was not written by pulse report\nhint: choose another --out, or empty the folder first",
                out.display()
            );
        }
        let old = parent.join(format!(
            ".pulse-report-old-{}",
            out.file_name().map_or("out".into(), |n| n.to_string_lossy().to_string())
        ));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(out, &old)
            .with_context(|| format!("moving the old {} aside", out.display()))?;
        std::fs::rename(&staged, out)
            .with_context(|| format!("moving the report into {}", out.display()))?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(&staged, out)
            .with_context(|| format!("moving the report into {}", out.display()))?;
    }
    Ok(())
}

/// Parses `--formats`.
pub fn formats(arg: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for f in arg.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if !FORMATS.contains(&f) {
            bail!(
                "unknown format {f:?}\nhint: --formats takes a comma-separated list of {}",
                FORMATS.join(", ")
            );
        }
        out.push(f.to_string());
    }
    if out.is_empty() {
        bail!("--formats is empty\nhint: pdf,png,html,md");
    }
    Ok(out)
}

/// The spec to use: `--spec`, else the workspace's reports/quarterly.toml, else the built-in.
pub fn spec_path(ws: &Workspace, arg: Option<&Path>) -> Option<PathBuf> {
    arg.map(Path::to_path_buf).or_else(|| {
        let p = ws.path("reports/quarterly.toml");
        p.is_file().then_some(p)
    })
}
