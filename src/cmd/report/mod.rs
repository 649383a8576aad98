//! `pulse report`: gathers every analysis of a round into a [`Doc`] as the spec orders it, then
//! writes the PDF, one SVG + PNG per chart, the HTML page and the Markdown summary. The output
//! folder is replaced as a whole only when everything rendered (nothing half-written).

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use crate::ExitStatus;
use crate::analyse::compare::{CompareOptions, CompareRow};
use crate::analyse::delivery::{BuildMetrics, Period};
use crate::analyse::dora::{Compat, DeployMetrics};
use crate::analyse::summary::SummaryRow;
use crate::analyse::usage::UsageMetrics;
use crate::cli::{Global, ReportArgs};
use crate::render::{self, Doc, Meta, chart::Chart, spec::Loaded};
use crate::store::catalog::Catalog;
use crate::store::{frames, workspace::Workspace};

mod sections;

/// The file that marks a folder as a pulse report (so it may be replaced).
pub const MARKER: &str = ".pulse-report";

/// The respondent quality flags, as (plural for text, flag as stored).
pub const QUALITY_FLAGS: [(&str, &str); 4] = [
    ("duplicates", "duplicate"),
    ("speeders", "speeder"),
    ("straightliners", "straightliner"),
    ("incomplete", "incomplete"),
];

/// Output formats.
pub const FORMATS: [&str; 4] = ["pdf", "png", "html", "md"];

/// Everything the sections read, computed at most once.
pub struct Ctx<'a> {
    /// The workspace.
    pub ws: &'a Workspace,
    /// Its catalog.
    pub catalog: Catalog,
    /// Round reported.
    pub round: String,
    /// The round before it.
    pub previous: Option<String>,
    /// Every round up to and including `round`.
    pub rounds: Vec<String>,
    summary: OnceCell<Vec<SummaryRow>>,
    compare: OnceCell<Vec<CompareRow>>,
    trend: OnceCell<DataFrame>,
    builds: OnceCell<BTreeMap<String, BuildMetrics>>,
    deploys: OnceCell<BTreeMap<String, DeployMetrics>>,
    usage: OnceCell<BTreeMap<(String, String), UsageMetrics>>,
    checked: OnceCell<Option<crate::cmd::check::Checked>>,
    quality: OnceCell<BTreeMap<String, [usize; 4]>>,
    /// Charts made so far.
    pub charts: Vec<Chart>,
}

macro_rules! once {
    ($self:ident, $cell:ident, $e:expr) => {{
        if $self.$cell.get().is_none() {
            let v = $e;
            let _ = $self.$cell.set(v);
        }
        Ok($self.$cell.get().expect("set above"))
    }};
}

impl<'a> Ctx<'a> {
    fn new(ws: &'a Workspace, round: &str) -> Result<Ctx<'a>> {
        let catalog = super::questions::load_catalog(ws)?;
        let rounds: Vec<String> =
            ws.round_ids().into_iter().filter(|r| r.as_str() <= round).collect();
        let previous = rounds.iter().rev().nth(1).cloned();
        Ok(Ctx {
            ws,
            catalog,
            round: round.to_string(),
            previous,
            rounds,
            summary: OnceCell::new(),
            compare: OnceCell::new(),
            trend: OnceCell::new(),
            builds: OnceCell::new(),
            deploys: OnceCell::new(),
            usage: OnceCell::new(),
            checked: OnceCell::new(),
            quality: OnceCell::new(),
            charts: Vec::new(),
        })
    }

    /// Minimum group size.
    pub fn min(&self) -> usize {
        self.ws.config.min_group_size
    }

    /// `pulse summary` rows of the round (whole round).
    pub fn summary(&self) -> Result<&Vec<SummaryRow>> {
        once!(self, summary, super::summary::rows(self.ws, &self.round, None)?)
    }

    /// `pulse compare previous round` rows (empty without a previous round).
    pub fn compare(&self) -> Result<&Vec<CompareRow>> {
        once!(
            self,
            compare,
            match &self.previous {
                Some(p) => super::compare::rows(
                    self.ws,
                    p,
                    &self.round,
                    None,
                    CompareOptions {
                        min_n: self.min(),
                        rescale: false,
                        paired: false,
                        alpha: 0.05
                    },
                )?,
                None => Vec::new(),
            }
        )
    }

    /// `pulse trend` over every round up to the reported one.
    pub fn trend(&self) -> Result<&DataFrame> {
        let range = format!("..{}", self.round);
        once!(self, trend, super::trend::frame(self.ws, &[], Some(&range), None)?)
    }

    /// Build metrics per quarter (with samples, for the bunching histogram).
    pub fn builds(&self) -> Result<&BTreeMap<String, BuildMetrics>> {
        once!(self, builds, super::metrics::builds(self.ws, Period::Quarter, true)?)
    }

    /// Deployment metrics per quarter.
    pub fn deploys(&self) -> Result<&BTreeMap<String, DeployMetrics>> {
        once!(self, deploys, super::metrics::deploys(self.ws, Period::Quarter, Compat::Pulse)?)
    }

    /// Usage per quarter and capability.
    pub fn usage(&self) -> Result<&BTreeMap<(String, String), UsageMetrics>> {
        once!(self, usage, super::metrics::usage(self.ws, Period::Quarter)?)
    }

    /// `pulse check` for the round's period, when the workspace has a metrics.toml.
    pub fn checked(&self) -> Result<Option<&crate::cmd::check::Checked>> {
        let c: Result<&Option<_>> = once!(self, checked, {
            if self.ws.path("metrics.toml").is_file() && self.round_is_period() {
                // The report's quarterly metrics are reused (a round is a quarter's period).
                let pre = super::check::Computed {
                    builds: Some(self.builds()?),
                    deploys: Some(self.deploys()?),
                    usage: Some(self.usage()?),
                };
                Some(super::check::evaluate_with(self.ws, Some(&self.round), None, &pre)?)
            } else {
                None
            }
        });
        Ok(c?.as_ref())
    }

    /// True when the round ID is a calendar period label (2026-Q3, 2026-07, 2026-W27), so
    /// telemetry periods line up with it.
    pub fn round_is_period(&self) -> bool {
        crate::analyse::dora::label_bounds(&self.round).is_some()
    }

    /// Respondents per round carrying each of [`QUALITY_FLAGS`] (one scan of every round).
    pub fn quality(&self) -> Result<&BTreeMap<String, [usize; 4]>> {
        once!(self, quality, {
            let df = frames::table(self.ws, "respondents", None)?
                .select([col("round"), col("quality_flags")])
                .collect()
                .map_err(anyhow::Error::from)?;
            let mut out: BTreeMap<String, [usize; 4]> = BTreeMap::new();
            let (rounds, flags) = (df.column("round")?.str()?, df.column("quality_flags")?.str()?);
            for (r, f) in rounds.iter().zip(flags.iter()) {
                let counts = out.entry(r.unwrap_or("").to_string()).or_default();
                for token in f.unwrap_or("").split(',').map(str::trim) {
                    if let Some(k) = QUALITY_FLAGS.iter().position(|(_, q)| *q == token) {
                        counts[k] += 1;
                    }
                }
            }
            out
        })
    }

    /// Registers a chart and returns its name for a figure block.
    pub fn chart(&mut self, c: Chart) -> String {
        let name = c.name.clone();
        self.charts.push(c);
        name
    }

    /// A short label for a question: its grid row (`… [CI build speed]`) or its text.
    pub fn label(&self, q: &str) -> String {
        let Some(c) = self.catalog.get(q) else { return q.to_string() };
        let t = c.rounds.get(&self.round).map_or(c.text.as_str(), |a| a.text.as_str());
        let t = if t.is_empty() { c.text.as_str() } else { t };
        if let (Some(a), true) = (t.rfind('['), t.ends_with(']')) {
            return t[a + 1..t.len() - 1].trim().to_string();
        }
        if let Some((_, row)) = t.rsplit_once(" - ") {
            return row.trim().to_string();
        }
        t.to_string()
    }
}

/// First and last submission date of a round (YYYY-MM-DD).
fn date_range(ws: &Workspace, round: &str) -> Result<Option<(String, String)>> {
    let df = frames::table(ws, "respondents", Some(&[round.to_string()]))?
        .select([col("submitted_at").min().alias("a"), col("submitted_at").max().alias("b")])
        .collect()
        .map_err(anyhow::Error::from)?;
    let day = |c: &str| -> Result<Option<String>> {
        let v = df.column(c)?.get(0)?;
        Ok(crate::output::cell_text(&v).filter(|s| s.len() >= 10).map(|s| s[..10].to_string()))
    };
    Ok(match (day("a")?, day("b")?) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    })
}

fn ymd(date: &str) -> Result<(i32, u32, u32)> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .with_context(|| format!("date {date:?}: expected YYYY-MM-DD"))?;
    use chrono::Datelike;
    Ok((d.year(), d.month(), d.day()))
}

/// Builds the document for `round` from the spec.
pub fn build(ws: &Workspace, round: &str, loaded: &Loaded, date: Option<&str>) -> Result<Doc> {
    let mut ctx = Ctx::new(ws, round)?;
    let range = date_range(ws, round)?;
    let date = match date {
        Some(d) => d.to_string(),
        None => range.as_ref().map_or_else(|| "2000-01-01".to_string(), |r| r.1.clone()),
    };
    let meta = Meta {
        title: loaded.spec.title.clone(),
        org: ws.config.organisation.clone(),
        round: round.to_string(),
        previous_round: ctx.previous.clone(),
        ymd: ymd(&date)?,
        date,
        date_range: range
            .map_or_else(|| "dates not recorded".into(), |(a, b)| format!("{a} to {b}")),
        paper: if loaded.spec.paper == "a4" { "a4".into() } else { "us-letter".into() },
        min_group_size: ws.config.min_group_size,
        generator: format!("pulse {}", env!("CARGO_PKG_VERSION")),
    };
    let mut out = Vec::new();
    let timing = std::env::var_os("PULSE_TIMING").is_some();
    for s in &loaded.spec.sections {
        let t = Instant::now();
        let sec = sections::build(&mut ctx, s).with_context(|| {
            format!("report section {:?}", s.title.as_deref().unwrap_or(&s.kind))
        })?;
        if timing {
            eprintln!("  section {:<10} {:6.2} s", s.kind, t.elapsed().as_secs_f64());
        }
        out.push(sec);
    }
    Ok(Doc { meta, sections: out, charts: ctx.charts })
}

/// Files of a rendered report: relative path and bytes.
pub fn render_files(
    doc: &Doc,
    loaded: &Loaded,
    formats: &[String],
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    if formats.iter().any(|f| f == "pdf") {
        let pdf = render::pdf::render(doc, &loaded.template, &loaded.template_name)?;
        files.push(("report.pdf".to_string(), pdf));
    }
    if formats.iter().any(|f| f == "png") {
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

/// Renders a report and returns the folder and what was written.
pub fn report(
    ws: &Workspace,
    a: &ReportArgs,
    quiet: bool,
) -> Result<(PathBuf, Vec<(String, usize)>)> {
    let t0 = Instant::now();
    let round = super::load::round_or_latest(ws, a.round.as_ref())?;
    let formats = formats(&a.formats)?;
    let mut loaded = render::spec::load(spec_path(ws, a.spec.as_deref()).as_deref())?;
    if let Some(p) = &a.paper {
        loaded.spec.paper = p.clone();
    }
    let progress = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    if progress {
        eprint!("report {round}: analysing…");
    }
    let doc = build(ws, &round, &loaded, a.date.as_deref())?;
    let t1 = Instant::now();
    if progress {
        eprint!(
            "\rreport {round}: rendering {} charts and {}…",
            doc.charts.len(),
            formats.join(", ")
        );
    }
    let files = render_files(&doc, &loaded, &formats)?;
    if progress {
        eprint!("\r\x1b[K");
    }
    let out = a.out.clone().unwrap_or_else(|| ws.path(&format!("reports/{round}")));
    write_dir(&out, &files)?;
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
    let pngs = files.iter().filter(|f| f.0.ends_with(".png")).count();
    if pngs > 0 {
        crate::output::print_line(&format!(
            "  {}  ({pngs} charts as PNG at 2x, SVG beside each)",
            out.join("charts").display()
        ))?;
    }
    Ok(())
}
