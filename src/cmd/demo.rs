//! `pulse demo`: build the demo organisation's workspace from the bundled exports and import
//! every round, the way a user would.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::ExitStatus;
use crate::cli::{
    DemoArgs, Format, Global, ImportCommand, ImportSurveyArgs, SummaryFormat, TableArgs,
};
use crate::synth::DEMO_ROUNDS;

/// Seed of the demo data: the files in fixtures/demo are `pulse generate demo` with this seed
/// (the test `demo_fixtures_match_the_generator` keeps them equal), so the binary generates
/// them at run time instead of carrying 4.3 MB of CSV.
pub const SEED: u64 = 42;

/// The demo's guardrails.
const METRICS_TOML: &str = include_str!("../../fixtures/demo/metrics.toml");

fn prepare(out: &Path) -> Result<()> {
    if out.exists() {
        if out.join(".pulse/demo").exists() {
            std::fs::remove_dir_all(out)
                .with_context(|| format!("removing the old demo in {}", out.display()))?;
        } else if std::fs::read_dir(out)?.next().is_some() {
            bail!(
                "{} exists and is not a pulse demo\nhint: pass --out with a new folder",
                out.display()
            );
        }
    }
    Ok(())
}

/// Before the first import the demo team declares its CNCF maturity questions in the catalog:
/// kind `maturity`, the aspect, and the level of each answer option.
fn seed_catalog(out: &Path) -> Result<()> {
    let path = out.join(crate::store::workspace::CATALOG);
    let mut c = crate::store::catalog::Catalog::from_toml(&std::fs::read_to_string(&path)?)?;
    for (aspect, text, statements) in crate::synth::MATURITY {
        c.questions.push(crate::store::catalog::Question {
            id: format!("maturity_{aspect}"),
            text: text.to_string(),
            kind: "maturity".into(),
            aspect: aspect.to_string(),
            levels: statements
                .iter()
                .enumerate()
                .map(|(i, s)| (s.to_string(), i as u8 + 1))
                .collect(),
            ..Default::default()
        });
    }
    std::fs::write(&path, c.to_toml()?).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The demo organisation's own catalog edits, as its platform team would make them by hand:
/// negatively worded items, constructs and capability tags.
fn tag_catalog(out: &Path) -> Result<()> {
    let path = out.join(crate::store::workspace::CATALOG);
    let mut c = crate::store::catalog::Catalog::from_toml(&std::fs::read_to_string(&path)?)?;
    for q in &mut c.questions {
        match q.id.as_str() {
            "often_flaky_test_block" | "roughly_hour_per_week" => {
                q.direction = "lower_is_better".into()
            }
            id if id.starts_with("satisfied_part_") => q.construct = "platform_satisfaction".into(),
            _ => {}
        }
        if q.id.contains("ci_build") {
            q.capability = "ci".into();
        }
        if q.id.contains("deployment") || q.id == "get_new_service_production" {
            q.capability = "deployments".into();
        }
    }
    std::fs::write(&path, c.to_toml()?).with_context(|| format!("writing {}", path.display()))?;
    let cfg = out.join("pulse.toml");
    let text = std::fs::read_to_string(&cfg)?;
    let text = text
        .replacen(
            "# outcome = \"overall_satisfaction\"",
            "outcome = \"overall_satisfied_developer_platform\"",
            1,
        )
        .replacen("# organisation_size = 1200", "organisation_size = 1320", 1);
    std::fs::write(&cfg, text).with_context(|| format!("writing {}", cfg.display()))?;
    crate::outln!(
        "\n(tagged the catalog as the demo team would: direction, construct, capability)"
    )?;
    Ok(())
}

/// Runs `pulse demo`.
pub fn run(a: &DemoArgs) -> Result<ExitStatus> {
    let out = &a.out;
    prepare(out)?;
    crate::store::workspace::init(out, "Acme Corp (demo)", super::STARTER_QUERIES)?;
    super::write_report_files(out)?;
    std::fs::write(out.join(".pulse/demo"), "built by `pulse demo`; safe to delete\n")?;
    seed_catalog(out)?;
    let exports = out.join("exports");
    std::fs::create_dir_all(&exports)?;
    let g = Global { workspace: Some(out.clone()) };
    let generated = if a.fixtures.is_none() { crate::synth::demo(SEED) } else { Vec::new() };
    for (i, r) in DEMO_ROUNDS.iter().enumerate() {
        let file = exports.join(r.file);
        let bytes: Vec<u8> = match &a.fixtures {
            Some(dir) => std::fs::read(dir.join(r.file))
                .with_context(|| format!("reading {}", dir.join(r.file).display()))?,
            None => generated[i].1.clone(),
        };
        std::fs::write(&file, bytes).with_context(|| format!("writing {}", file.display()))?;
        crate::outln!(
            "\n$ pulse import survey \"exports/{}\" --round {} --invited {}",
            r.file,
            r.id,
            r.invited
        )?;
        let args = ImportSurveyArgs {
            file,
            round: r.id.to_string(),
            platform: "auto".into(),
            invited: Some(r.invited),
            replace: false,
            segments: vec![],
            keep_columns: vec![],
            encoding: None,
            format: SummaryFormat::Text,
            date_order: None,
            date: None,
            as_: vec![],
            sheet: None,
            dry_run: false,
        };
        super::import::run(&g, &ImportCommand::Survey(args))?;
    }
    tag_catalog(out)?;
    let tdir = exports.join("telemetry");
    std::fs::create_dir_all(&tdir)?;
    for (kind, name, bytes) in crate::synth::demo_telemetry(SEED) {
        let file = tdir.join(name);
        let bytes: Vec<u8> = match &a.fixtures {
            Some(dir) => std::fs::read(dir.join("telemetry").join(name)).with_context(|| {
                format!("reading {}", dir.join("telemetry").join(name).display())
            })?,
            None => bytes,
        };
        std::fs::write(&file, bytes).with_context(|| format!("writing {}", file.display()))?;
        crate::outln!("\n$ pulse import telemetry exports/telemetry/{name} --kind {kind}")?;
        let args = crate::cli::ImportTelemetryArgs {
            file,
            kind: kind.into(),
            source: None,
            map: vec![],
            skip_bad_rows: false,
            replace: false,
            format: SummaryFormat::Text,
        };
        super::import::run(&g, &ImportCommand::Telemetry(args))?;
    }
    std::fs::write(out.join("metrics.toml"), METRICS_TOML)
        .with_context(|| format!("writing {}", out.join("metrics.toml").display()))?;
    crate::outln!(
        "\n(wrote metrics.toml: the demo team's target metrics, counters and perceptions)"
    )?;
    crate::outln!("\n$ pulse rounds")?;
    super::rounds::run(&g, &TableArgs { format: Format::Table })?;
    crate::outln!("\n$ pulse query queries/top_box.sql   (first rows)")?;
    let ws = crate::store::workspace::Workspace::open(out)?;
    let df = crate::store::read::sql::execute(&ws, crate::cmd::STARTER_QUERIES[0].1)?;
    crate::output::print_frame(&df.head(Some(12)), Format::Table)?;
    crate::outln!("\n$ pulse compare 2026-Q2 2026-Q3")?;
    super::compare::run(
        &g,
        &crate::cli::CompareArgs {
            from: "2026-Q2".into(),
            to: "2026-Q3".into(),
            segment: None,
            paired: false,
            rescale: false,
            exclusion: Default::default(),
            format: Format::Table,
        },
    )?;
    crate::outln!("\n$ pulse maturity")?;
    super::maturity::run(
        &g,
        &crate::cli::MaturityArgs {
            round: None,
            exclusion: Default::default(),
            format: Format::Table,
        },
    )?;
    crate::outln!("\n$ pulse metrics --kind deployments")?;
    let m = |kind| crate::cli::MetricsArgs {
        kind,
        period: crate::cli::PeriodArg::Quarter,
        compat: crate::cli::CompatArg::Pulse,
        dora_year: None,
        format: Format::Table,
    };
    super::metrics::run(&g, &m(crate::cli::MetricsKind::Deployments))?;
    crate::outln!("\n$ pulse metrics --kind builds")?;
    super::metrics::run(&g, &m(crate::cli::MetricsKind::Builds))?;
    crate::outln!("\n$ pulse check   (exit status 1 when an alert fires)")?;
    super::check::run(
        &g,
        &crate::cli::CheckArgs {
            period: None,
            partial: false,
            metrics: None,
            exclusion: Default::default(),
            format: Format::Table,
            fail_on: crate::cli::FailOn::default(),
        },
    )?;
    if a.no_report {
        crate::outln!("\ndemo workspace ready: {} (report not rendered)", out.display())?;
        return Ok(ExitStatus::Success);
    }
    crate::outln!("\n$ pulse report --round 2026-Q3")?;
    let ws = crate::store::workspace::Workspace::open(out)?; // reopened: check may have rewritten config
    let args = crate::cli::ReportArgs {
        round: Some("2026-Q3".into()),
        out: None,
        formats: "pdf,png,html,md".into(),
        spec: None,
        paper: None,
        date: None,
        exclude: None,
    };
    let (dir, files) = super::report::report(&ws, &args, false)?;
    crate::outln!("\ndemo workspace ready: {}", out.display())?;
    crate::outln!("  try: pulse -w {} summary --segment team", out.display())?;
    crate::outln!("       pulse -w {} trend get_new_service_production", out.display())?;
    crate::outln!("       pulse -w {} drivers", out.display())?;
    crate::outln!("       pulse -w {} themes", out.display())?;
    crate::outln!("       pulse -w {} metrics --kind usage", out.display())?;
    crate::outln!("       pulse -w {} check --format json", out.display())?;
    crate::outln!(
        "       pulse -w {} query \"SELECT team, count(*) AS n FROM respondents GROUP BY team\"",
        out.display()
    )?;
    crate::outln!()?;
    super::report::print_written(&dir, &files)?;
    crate::outln!(
        "  (the spec and the Typst template are in {}/reports/: edit them, then `pulse report`)",
        out.display()
    )?;
    Ok(ExitStatus::Success)
}
