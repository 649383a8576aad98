//! `pulse import survey`: read an export, link it into the catalog, write the round atomically.

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::ExitStatus;
use crate::cli::{Global, ImportCommand, ImportSurveyArgs, SummaryFormat};
use crate::ingest::decode::Encoding;
use crate::ingest::layout::Platform;
use crate::ingest::survey::{self, ReadOptions, SegmentSpec};
use crate::store::build;
use crate::store::catalog::Link;
use crate::store::round::{RoundImport, import_round};
use crate::store::workspace::{RoundMeta, Workspace};

/// Runs `pulse import …`.
pub fn run(g: &Global, cmd: &ImportCommand) -> Result<ExitStatus> {
    match cmd {
        ImportCommand::Survey(a) => survey(g, a),
        ImportCommand::Telemetry(a) => super::telemetry::run(g, a),
    }
}

/// Checks a round ID: it becomes a folder name and a TOML key.
pub fn check_round_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 40
        || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || id.starts_with('.')
    {
        bail!(
            "round ID {id:?} is not valid\nhint: use letters, digits, '-', '_' or '.', e.g. 2026-Q1"
        );
    }
    Ok(())
}

fn segment_specs(ws: &Workspace, extra: &[String]) -> Vec<SegmentSpec> {
    let mut specs: Vec<SegmentSpec> = ws
        .config
        .segments
        .iter()
        .map(|(name, headers)| SegmentSpec { name: name.clone(), headers: headers.clone() })
        .collect();
    for s in extra {
        let (name, header) = match s.split_once('=') {
            Some((n, h)) => (n.trim().to_string(), h.trim().to_string()),
            None => (crate::store::catalog::slug(s, 3), s.clone()),
        };
        match specs.iter_mut().find(|x| x.name == name) {
            Some(x) => x.headers.insert(0, header),
            None => specs.push(SegmentSpec { name, headers: vec![header] }),
        }
    }
    specs
}

fn survey(g: &Global, a: &ImportSurveyArgs) -> Result<ExitStatus> {
    check_round_id(&a.round)?;
    let t0 = Instant::now();
    let root = g.root();
    // Read and check the export before touching the workspace.
    let ws = Workspace::open(&root)?;
    let platform = match a.platform.as_str() {
        "auto" => None,
        p => Some(Platform::parse(p).with_context(|| format!("unknown platform {p}"))?),
    };
    let encoding =
        a.encoding.as_deref().map(|e| Encoding::parse(e).expect("clap checked the name"));
    let new_overrides: Vec<(String, String)> = a
        .as_
        .iter()
        .map(|s| {
            let (h, how) =
                s.rsplit_once('=').with_context(|| format!("--as {s:?}: expected HEADER=HOW"))?;
            let how = how.trim().to_lowercase();
            if !survey::OVERRIDES.contains(&how.as_str()) {
                anyhow::bail!("--as {s:?}: {how:?} is not one of {}", survey::OVERRIDES.join(", "));
            }
            Ok((h.trim().to_string(), how))
        })
        .collect::<Result<_>>()?;
    let opts = ReadOptions {
        platform,
        keep_columns: a.keep_columns.clone(),
        segments: segment_specs(&ws, &a.segments),
        date_order: a.date_order.as_deref().and_then(crate::ingest::timestamp::DateOrder::parse),
        sheet: a.sheet.clone(),
        overrides: ws
            .config
            .columns
            .iter()
            .map(|(h, k)| (h.clone(), k.clone()))
            .chain(new_overrides.iter().cloned())
            .collect(),
    };
    let progress = Progress::new();
    let say = |what: &str| progress.say(what);
    let mut parsed = survey::read_file(&a.file, encoding, &opts, &say)?;
    for w in &parsed.warnings {
        eprintln!("warning: {w}");
    }
    let read_secs = t0.elapsed().as_secs_f64();
    if a.dry_run {
        progress.done();
        super::dry_run::print(&parsed, &a.keep_columns, a.format)?;
        return Ok(ExitStatus::Success);
    }

    let source_file =
        a.file.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let date = round_date(&ws, a, &parsed)?;
    let r = RoundImport {
        round: &a.round,
        replace: a.replace,
        invited: a.invited,
        source_file,
        date,
        columns: new_overrides,
    };
    let imported = import_round(&root, &r, &mut parsed, &say, || {
        eprintln!("waiting for another pulse command to finish with this workspace…")
    })?;
    progress.done();

    let summary = Summary {
        a,
        parsed: &parsed,
        linked: &imported.linked,
        rf: &imported.frames,
        ws: &imported.ws,
        secs: t0.elapsed().as_secs_f64(),
        read_secs,
    };
    summary.print()?;
    Ok(ExitStatus::Success)
}

struct Summary<'a> {
    a: &'a ImportSurveyArgs,
    parsed: &'a survey::Survey,
    linked: &'a crate::store::catalog::Linked,
    rf: &'a build::RoundFrames,
    ws: &'a Workspace,
    secs: f64,
    read_secs: f64,
}

impl Summary<'_> {
    fn print(&self) -> Result<()> {
        let p = self.parsed;
        let l = self.linked;
        let count = |f: &dyn Fn(&Link) -> bool| l.links.iter().filter(|(_, k)| f(k)).count();
        let exact = count(&|k| *k == Link::Exact);
        let new = count(&|k| *k == Link::New);
        let reworded: Vec<(&String, &Link)> = l
            .links
            .iter()
            .filter(|(_, k)| matches!(k, Link::Reworded { .. }))
            .map(|(id, k)| (id, k))
            .collect();
        let out = std::io::stdout();
        let mut o = out.lock();
        if self.a.format == SummaryFormat::Json {
            let v = serde_json::json!({
                "round": self.a.round,
                "platform": p.platform.name(),
                "variant": p.variant,
                "detected": p.detected,
                "encoding": p.encoding.name(),
                "responses": p.respondents.len(),
                "questions": p.items.len(),
                "linked": exact,
                "reworded": reworded.iter().map(|(id, k)| match k {
                    Link::Reworded { old, similarity } => serde_json::json!({"question_id": id, "old": old, "similarity": similarity}),
                    _ => serde_json::Value::Null,
                }).collect::<Vec<_>>(),
                "new": l.links.iter().filter(|(_, k)| *k == Link::New).map(|(id, _)| id).collect::<Vec<_>>(),
                "dropped": l.dropped,
                "scale_changed": l.rescaled.iter().map(|(id, a, b)| serde_json::json!({"question_id": id, "from": a, "to": b})).collect::<Vec<_>>(),
                "dropped_columns": p.dropped,
                "kept_columns": p.kept.iter().map(|(h, _)| h).collect::<Vec<_>>(),
                "segments": p.segments.iter().map(|s| &s.name).collect::<Vec<_>>(),
                "non_finite": p.non_finite,
                "date_order": p.date_order.as_ref().map(|(o, why)| serde_json::json!({"order": o.name(), "why": why})),
                "warnings": p.warnings,
                "quality": self.rf.quality.iter().map(|(k, n)| (k.to_string(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
                "seconds": self.secs,
            });
            writeln!(o, "{}", serde_json::to_string_pretty(&v)?)?;
            return Ok(());
        }
        let how = if p.detected { "detected" } else { "as requested" };
        writeln!(
            o,
            "read {}: {} ({}, {how}), {}",
            self.a.file.display(),
            p.platform.name(),
            p.variant,
            p.encoding.name()
        )?;
        writeln!(
            o,
            "  {} responses, {} questions, {} segment column(s){}",
            p.respondents.len(),
            p.items.len(),
            p.segments.len(),
            if p.segments.is_empty() {
                String::new()
            } else {
                format!(
                    ": {}",
                    p.segments
                        .iter()
                        .map(|s| format!("{} <- {:?}", s.name, s.header))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        )?;
        writeln!(o, "catalog for round {}:", self.a.round)?;
        writeln!(o, "  linked    {exact:>4}")?;
        writeln!(o, "  reworded  {:>4}", reworded.len())?;
        for (id, k) in &reworded {
            if let Link::Reworded { old, similarity } = k {
                let new_text = self.parsed.items
                    [l.links.iter().position(|(i, _)| i == *id).unwrap_or(0)]
                .text
                .clone();
                writeln!(o, "      {id}: {old:?} -> {new_text:?} (similarity {similarity:.2})")?;
            }
        }
        writeln!(
            o,
            "  new       {new:>4}{}",
            list(l.links.iter().filter(|(_, k)| *k == Link::New).map(|(id, _)| id.as_str()))
        )?;
        writeln!(
            o,
            "  dropped   {:>4}{}",
            l.dropped.len(),
            list(l.dropped.iter().map(String::as_str))
        )?;
        if !l.rescaled.is_empty() {
            writeln!(o, "  rescaled  {:>4}", l.rescaled.len())?;
            for (id, a, b) in &l.rescaled {
                writeln!(o, "      {id}: {a} -> {b} (flagged scale_changed)")?;
            }
        }
        if p.dropped.is_empty() {
            writeln!(o, "privacy: no identifying columns; respondents pseudonymised")?;
        } else {
            writeln!(
                o,
                "privacy: dropped {} identifying column(s): {}; respondents pseudonymised",
                p.dropped.len(),
                p.dropped.join(", ")
            )?;
        }
        if !p.kept.is_empty() {
            writeln!(
                o,
                "privacy: KEPT on request: {}",
                p.kept.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>().join(", ")
            )?;
        }
        if p.non_finite > 0 {
            writeln!(
                o,
                "non-finite: {} cell(s) spelling NaN or infinity read as missing answers",
                p.non_finite
            )?;
        }
        let q: Vec<String> = self.rf.quality.iter().map(|(k, n)| format!("{n} {k}")).collect();
        writeln!(o, "quality (flagged, not dropped): {}", q.join(", "))?;
        let rate = self.ws.config.rounds.get(&self.a.round).and_then(RoundMeta::response_rate);
        writeln!(
            o,
            "imported round {} ({} response rows{}) in {:.2} s (reading {:.2} s)",
            self.a.round,
            self.rf.responses.height(),
            rate.map(|r| format!(", response rate {:.1} %", r * 100.0)).unwrap_or_default(),
            self.secs,
            self.read_secs
        )?;
        Ok(())
    }
}

fn list<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = ids.collect();
    if v.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = v.iter().take(8).copied().collect();
    let more = if v.len() > 8 { format!(" and {} more", v.len() - 8) } else { String::new() };
    format!("  {}{more}", shown.join(", "))
}

/// Phase messages on a terminal's stderr (never in pipes or CI logs), overwritten in place;
/// with `PULSE_TIMING` set, one line per phase with its start time, for profiling.
struct Progress {
    on: bool,
    timing: bool,
    start: Instant,
}

impl Progress {
    fn new() -> Progress {
        use std::io::IsTerminal;
        Progress {
            on: std::io::stderr().is_terminal(),
            timing: std::env::var_os("PULSE_TIMING").is_some(),
            start: Instant::now(),
        }
    }

    fn say(&self, what: &str) {
        if self.timing {
            eprintln!("[{:6.3} s] {what}", self.start.elapsed().as_secs_f64());
        } else if self.on {
            eprint!("\r\x1b[2K[{:5.1} s] {what}…", self.start.elapsed().as_secs_f64());
        }
    }

    fn done(&self) {
        if self.timing {
            eprintln!("[{:6.3} s] done", self.start.elapsed().as_secs_f64());
        } else if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}

/// The round's date: `--date`, else the median submission day. Refuses a round ID that sorts
/// against the dates of the rounds already imported (`Q1-2026` sorts before `Q4-2025`), since
/// every comparison and trend would then run backwards.
fn round_date(
    ws: &Workspace,
    a: &ImportSurveyArgs,
    parsed: &survey::Survey,
) -> Result<Option<String>> {
    let date = match &a.date {
        Some(d) => {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .with_context(|| format!("--date {d:?}: expected YYYY-MM-DD"))?;
            Some(d.clone())
        }
        None => {
            let mut days: Vec<chrono::NaiveDate> =
                parsed.respondents.iter().filter_map(|r| r.submitted.map(|t| t.date())).collect();
            days.sort_unstable();
            days.get(days.len() / 2).map(|d| d.format("%Y-%m-%d").to_string())
        }
    };
    let Some(d) = &date else { return Ok(None) };
    for (id, m) in &ws.config.rounds {
        let Some(other) = &m.date else { continue };
        if id == &a.round || other == d {
            continue;
        }
        if (id.as_str() < a.round.as_str()) != (other.as_str() < d.as_str()) {
            anyhow::bail!(
                "round {:?} (responses around {d}) would sort {} round {id:?} (around {other}): rounds are ordered by their IDs, so comparisons and trends would run backwards\nhint: use IDs that sort by date, e.g. 2026-Q1, or pass --date if the export's dates are wrong",
                a.round,
                if a.round.as_str() < id.as_str() { "before" } else { "after" },
            );
        }
    }
    Ok(date)
}
