//! `pulse report` and `pulse demo`'s report: the files, what the PDF says (pdftotext, pdffonts,
//! pdfinfo from poppler-utils), PNGs, determinism, anonymity, skipped sections, spec errors.
//!
//! The poppler tools are installed by `.ci/run` (and `tests/setup.sh`); without them the PDF
//! text checks say "skipped" — unless PULSE_REQUIRE_TOOLS=1 (as in CI), where they fail.

use std::sync::OnceLock;

use super::*;

mod briefing;
mod phone;
mod real;
mod scale;

/// The demo workspace with its report, built once for every test in this file.
fn demo() -> &'static (CliTest, PathBuf) {
    static DEMO: OnceLock<(CliTest, PathBuf)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let t = CliTest::new();
        let out = t.ok(&["demo", "--out", "ws"]);
        assert!(out.contains("report written to"), "demo says where the report is:\n{out}");
        assert!(out.contains("report.pdf"), "{out}");
        let dir = t.path("ws/reports/2026-Q3");
        (t, dir)
    })
}

/// Runs a poppler tool, or None (with a message) when it is not installed.
fn tool(name: &str, args: &[&str]) -> Option<String> {
    match Command::new(name).args(args).output() {
        Ok(o) => {
            assert!(o.status.success(), "{name} {args:?}: {}", text(&o.stderr));
            Some(text(&o.stdout))
        }
        Err(_) => {
            assert!(
                std::env::var("PULSE_REQUIRE_TOOLS").is_err(),
                "{name} is required (PULSE_REQUIRE_TOOLS is set): apt-get install poppler-utils"
            );
            eprintln!("skipped: {name} not installed (apt-get install poppler-utils)");
            None
        }
    }
}

pub(crate) fn pdf_text(pdf: &Path) -> Option<String> {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

#[test]
fn demo_report_has_every_file() {
    let (_, dir) = demo();
    for f in ["report.pdf", "report.html", "summary.md"] {
        let p = dir.join(f);
        assert!(p.is_file() && std::fs::metadata(&p).unwrap().len() > 1000, "{f}");
    }
    let pngs: Vec<_> = std::fs::read_dir(dir.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    assert!(pngs.len() >= 12, "one PNG per chart, got {}", pngs.len());
    for p in &pngs {
        assert!(p.with_extension("svg").is_file(), "SVG beside {}", p.display());
    }
    assert!(std::fs::read(dir.join("report.pdf")).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn pdf_pages_fonts_metadata_and_outline() {
    let (_, dir) = demo();
    let pdf = dir.join("report.pdf");
    let Some(info) = tool("pdfinfo", &[pdf.to_str().unwrap()]) else { return };
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("page count");
    assert!((8..=24).contains(&pages), "{pages} pages");
    assert!(info.contains("Title:") && info.contains("Acme Corp (demo)"), "{info}");
    assert!(info.contains("A4"), "default paper is A4:\n{info}");
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]).unwrap();
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for r in rows {
        assert!(r.contains("DejaVuSans"), "only the bundled fonts: {r}");
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type... encoding emb sub uni object ID: emb is the 4th column from the end.
        assert_eq!(cols[cols.len() - 5], "yes", "embedded: {r}");
    }
    // Bookmarks: one per numbered section heading (the cover has none).
    let xml = tool("pdftohtml", &["-stdout", "-xml", "-i", "-q", pdf.to_str().unwrap()]).unwrap();
    let items: Vec<&str> = xml
        .split("<outline>")
        .nth(1)
        .expect("the PDF has an outline")
        .split("</outline>")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.contains("<item"))
        .collect();
    assert_eq!(items.len(), 12, "{items:?}");
    assert!(items[0].contains("1. Executive summary"), "{items:?}");
    let text = pdf_text(&pdf).unwrap();
    for h in
        ["Executive summary", "CNCF platform maturity", "Goodhart guardrails", "Methods and data"]
    {
        assert!(text.contains(h), "heading {h}");
    }
    assert!(text.contains(&format!("Page 2 of {pages}")), "page numbers");
}

/// The key numbers in the PDF are the ones `pulse summary --format json` computes.
#[test]
fn pdf_text_has_the_summary_numbers() {
    let (t, dir) = demo();
    let Some(text) = pdf_text(&dir.join("report.pdf")) else { return };
    let rows: Vec<serde_json::Value> = serde_json::from_str(
        &t.ok(&["-w", "ws", "summary", "--round", "2026-Q3", "--format", "json"]),
    )
    .unwrap();
    let overall = rows
        .iter()
        .find(|r| r["question_id"] == "overall_satisfied_developer_platform" && r["group"] == "")
        .unwrap();
    let tb = overall["top_box"].as_f64().unwrap();
    let (lo, hi) =
        (overall["top_box_ci_low"].as_f64().unwrap(), overall["top_box_ci_high"].as_f64().unwrap());
    for v in [tb, lo, hi] {
        let s = format!("{:.1} %", v * 100.0);
        assert!(text.contains(&s), "overall top box number {s} in the PDF");
    }
    let nps = rows.iter().find(|r| r["nps"].is_number() && r["group"] == "").unwrap();
    let s = format!("{:+.1}", nps["nps"].as_f64().unwrap());
    assert!(text.contains(&s), "NPS {s} in the PDF");
    let rounds: Vec<serde_json::Value> =
        serde_json::from_str(&t.ok(&["-w", "ws", "rounds", "--format", "json"])).unwrap();
    let q3 = rounds.iter().find(|r| r["round"] == "2026-Q3").unwrap();
    assert!(text.contains(&q3["responses"].to_string()), "responses");
    let rate = format!("{:.1} %", q3["response_rate"].as_f64().unwrap() * 100.0);
    assert!(text.contains(&rate), "response rate {rate}");
    // Alerts from `pulse check` are in the guardrails section.
    let o = t.run(&["-w", "ws", "check", "--period", "2026-Q3", "--format", "json"]);
    let out: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let alerts = out["alerts"].as_array().unwrap();
    assert!(!alerts.is_empty());
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for a in alerts {
        let m = a["metric"].as_str().unwrap();
        assert!(flat.contains(m), "alert metric {m} in the PDF");
    }
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

fn svg_size(svg: &str) -> (u32, u32) {
    let attr = |name: &str| -> u32 {
        let i = svg.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        svg[i..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn chart_pngs_are_twice_the_svg_and_not_blank() {
    let (_, dir) = demo();
    for e in std::fs::read_dir(dir.join("charts")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|e| e != "png") {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let (w, h) = png_size(&bytes);
        let (sw, sh) = svg_size(&std::fs::read_to_string(p.with_extension("svg")).unwrap());
        assert_eq!((w, h), (2 * sw, 2 * sh), "{}", p.display());
        let pix = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        let data = pix.data();
        let ink = data.chunks(4).filter(|c| c[0] < 200 || c[1] < 200 || c[2] < 200).count();
        let share = ink as f64 / (w * h) as f64;
        assert!(share > 0.005, "{}: only {share:.4} of the pixels are drawn", p.display());
        let colours: std::collections::HashSet<&[u8]> = data.chunks(4).collect();
        assert!(colours.len() > 8, "{}: {} colours", p.display(), colours.len());
    }
}

/// A group under the minimum size (the demo's one-person team "infra-tools") appears nowhere:
/// not in the PDF text, the HTML, the Markdown, or any chart's source SVG.
#[test]
fn suppressed_group_never_appears() {
    let (t, dir) = demo();
    let rows = t
        .query("SELECT team, count(*) AS n FROM respondents WHERE round = '2026-Q3' GROUP BY team");
    let small: Vec<String> = rows
        .iter()
        .filter(|r| r["n"].as_u64().unwrap() < 5)
        .map(|r| r["team"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(small, ["infra-tools"], "the demo has one team under the minimum");
    let mut sources = vec![
        std::fs::read_to_string(dir.join("report.html")).unwrap(),
        std::fs::read_to_string(dir.join("summary.md")).unwrap(),
    ];
    for e in std::fs::read_dir(dir.join("charts")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "svg") {
            sources.push(std::fs::read_to_string(p).unwrap());
        }
    }
    if let Some(pdf) = pdf_text(&dir.join("report.pdf")) {
        sources.push(pdf);
    }
    for s in &sources {
        assert!(!s.contains("infra-tools"), "a group of fewer than 5 leaked into the report");
    }
    // The heatmap shows the other teams, and the hidden group is counted, not named.
    let html = &sources[0];
    assert!(html.contains("payments (n="), "visible teams are labelled with n");
    assert!(html.contains("left out entirely"), "{}", "hidden groups are counted");
}

#[test]
fn html_is_self_contained_and_responsive() {
    let (_, dir) = demo();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<meta name=\"viewport\""));
    for bad in ["<script", "<link", " src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(bad), "external resource: {bad}");
    }
    assert!(html.matches("<svg").count() >= 12, "charts inline as SVG");
    assert!(html.contains("@media (max-width:600px)"));
}

#[test]
fn markdown_has_summary_and_tables() {
    let (_, dir) = demo();
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(md.starts_with("# Developer platform report: Acme Corp (demo), 2026-Q3"));
    assert!(md.contains("## Executive summary"));
    assert!(md.contains("| Quarter | Deploys |"), "DORA table");
    assert!(md.contains("](charts/"), "charts linked as PNGs");
    // Survey health: the quality-flag counts are the starter query's (an independent SQL path).
    let (t, _) = demo();
    let q = t.query("SELECT * FROM (SELECT round, sum(CASE WHEN quality_flags LIKE '%speeder%' THEN 1 ELSE 0 END) AS speeders, sum(CASE WHEN quality_flags LIKE '%duplicate%' THEN 1 ELSE 0 END) AS duplicates FROM respondents GROUP BY round) WHERE round = '2026-Q3'");
    let (sp, du) = (q[0]["speeders"].as_i64().unwrap(), q[0]["duplicates"].as_i64().unwrap());
    assert!(
        md.contains(&format!("{du} duplicates, {sp} speeders")),
        "quality flags in the summary"
    );
}

/// The same data, spec and date give the same bytes, in every format.
#[test]
fn report_is_deterministic() {
    let (t, dir) = demo();
    t.ok(&["-w", "ws", "report", "--round", "2026-Q3", "--out", "again"]);
    let again = t.path("again");
    let mut names = vec!["report.pdf".to_string(), "report.html".into(), "summary.md".into()];
    for sub in ["charts", "pages"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            names.push(format!("{sub}/{}", e.unwrap().file_name().to_string_lossy()));
        }
    }
    for n in &names {
        assert!(
            std::fs::read(dir.join(n)).unwrap() == std::fs::read(again.join(n)).unwrap(),
            "{n} differs between runs"
        );
    }
}

#[test]
fn user_query_section_is_charted() {
    let (_, dir) = demo();
    let svg = std::fs::read_to_string(dir.join("charts/query-golden_path_by_team.svg")).unwrap();
    assert!(
        svg.contains("Golden-path adoption by team") || svg.contains("payments"),
        "bar chart of the query"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<h2>Golden-path adoption by team</h2>"));
}

/// A workspace with one round and no telemetry: the sections that need more say so and skip.
#[test]
fn absent_data_skips_sections_with_a_note() {
    let t = CliTest::new();
    t.workspace();
    t.write(
        "r1.csv",
        b"Timestamp,Team,How satisfied are you with CI?,Any comments?\n\
2026-07-01 10:00:00,a,Satisfied,\n2026-07-01 10:01:00,a,Very satisfied,fast builds\n\
2026-07-01 10:02:00,a,Neutral,\n2026-07-01 10:03:00,a,Dissatisfied,slow builds\n\
2026-07-01 10:04:00,a,Satisfied,\n2026-07-01 10:05:00,a,Satisfied,\n",
    );
    t.ok(&["-w", "ws", "import", "survey", "r1.csv", "--round", "2026-Q3", "--invited", "10"]);
    let o = t.run(&["-w", "ws", "report", "--formats", "html,md", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let html = std::fs::read_to_string(t.path("out/report.html")).unwrap();
    for why in ["only one round so far", "no telemetry imported", "no metrics.toml"] {
        assert!(html.contains(why), "skip note {why:?}");
    }
    assert!(!t.path("out/report.pdf").exists(), "only the formats asked for");
}

#[test]
fn bad_spec_is_named_and_leaves_the_old_report() {
    let (t, _) = demo();
    t.write("bad.toml", b"[[section]]\nkind = \"pie\"\n");
    let o = t.run(&["-w", "ws", "report", "--spec", "bad.toml", "--out", "bad-out"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("bad.toml") && e.contains("section 1") && e.contains("pie"), "{e}");
    assert!(!t.path("bad-out").exists(), "nothing written on failure");
    let o = t.run(&["-w", "ws", "report", "--formats", "pdf,docx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("docx"));
}

#[test]
fn letter_paper_option() {
    let (t, _) = demo();
    t.ok(&["-w", "ws", "report", "--formats", "pdf", "--paper", "letter", "--out", "letter"]);
    let Some(info) = tool("pdfinfo", &[t.path("letter/report.pdf").to_str().unwrap()]) else {
        return;
    };
    assert!(info.contains("612 x 792"), "US Letter:\n{info}");
}

/// Debian's `chromium` (installed by tests/setup.sh), or None with "skipped" (failing when
/// PULSE_REQUIRE_TOOLS is set).
fn chromium() -> Option<&'static str> {
    let bin = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok());
    if bin.is_none() {
        assert!(
            std::env::var("PULSE_REQUIRE_TOOLS").is_err(),
            "chromium is required (PULSE_REQUIRE_TOOLS is set)"
        );
        eprintln!("skipped: chromium not installed (tests/setup.sh installs it)");
    }
    bin
}

/// Runs headless Chromium on `page` in a `(width, height)` window with `mode` (`--dump-dom` or
/// `--screenshot=…`), for at most a minute; returns its stdout and its log (files named by
/// `tag` in the test folder).
fn run_chromium(
    bin: &str,
    t: &CliTest,
    page: &Path,
    (w, h): (u32, u32),
    mode: &str,
    tag: &str,
) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let (log, out) =
        (t.path(&format!("chromium-{tag}.log")), t.path(&format!("chromium-{tag}.out")));
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={w},{h}"))
        .arg(mode)
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    // A browser that hangs must not hang CI: give it a minute.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s: {}", page.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    (
        std::fs::read_to_string(&out).unwrap_or_default(),
        std::fs::read_to_string(&log).unwrap_or_default(),
    )
}

/// The HTML page in headless Chromium (Debian's `chromium`, installed by tests/setup.sh): it
/// renders offline and the charts draw. Headless Chromium lays a window out at 500 px at least
/// (the 390 px screenshot is a crop), so the phone layout itself is checked in `phone.rs`
/// through a 390 px iframe.
#[test]
fn html_renders_in_headless_chromium() {
    let (t, dir) = demo();
    let Some(bin) = chromium() else { return };
    for (w, h) in [(390, 1400), (1280, 1400)] {
        let shot = t.path(&format!("shot-{w}.png"));
        let mode = format!("--screenshot={}", shot.display());
        let (_, log) =
            run_chromium(bin, t, &dir.join("report.html"), (w, h), &mode, &w.to_string());
        assert!(shot.is_file(), "no screenshot at {w}px: {log}");
        let bytes = std::fs::read(&shot).unwrap();
        assert_eq!(png_size(&bytes).0, w, "screenshot width");
        let pix = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
        let dark = pix.data().chunks(4).filter(|c| c[0] < 120).count();
        assert!(
            dark as f64 / (pix.width() * pix.height()) as f64 > 0.002,
            "page at {w}px is blank"
        );
        if let Ok(keep) = std::env::var("PULSE_KEEP_SCREENSHOTS") {
            std::fs::copy(&shot, Path::new(&keep).join(format!("html-{w}.png"))).unwrap();
        }
    }
}

#[test]
fn template_error_names_file_line_and_column() {
    let (t, _) = demo();
    std::fs::create_dir_all(t.path("broken")).unwrap();
    t.write("broken/spec.toml", b"template = \"t.typ\"\n[[section]]\nkind = \"cover\"\n");
    t.write("broken/t.typ", b"#let data = json(bytes(sys.inputs.data))\n#let x = (\n");
    let o = t.run(&[
        "-w",
        "ws",
        "report",
        "--spec",
        "broken/spec.toml",
        "--formats",
        "pdf",
        "--out",
        "broken-out",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("t.typ:2:") && e.contains("unclosed delimiter"), "{e}");
    assert!(!t.path("broken-out").exists());
}

/// The workspace's own template is used: a restyle needs no Rust.
#[test]
fn workspace_template_restyles_the_pdf() {
    let (t, _) = demo();
    let spec = std::fs::read_to_string(t.path("ws/reports/quarterly.toml")).unwrap();
    assert!(spec.contains("template = \"quarterly.typ\""));
    let typ = std::fs::read_to_string(t.path("ws/reports/quarterly.typ")).unwrap();
    std::fs::create_dir_all(t.path("styled")).unwrap();
    t.write(
        "styled/quarterly.toml",
        spec.replace("title = \"Developer platform report\"", "title = \"Board pack\"").as_bytes(),
    );
    t.write(
        "styled/quarterly.typ",
        typ.replace(
            "#let accent = rgb(\"#0072B2\")",
            "#let accent = rgb(\"#7B3294\")\n#place(top + right)[CONFIDENTIAL DRAFT]",
        )
        .as_bytes(),
    );
    t.ok(&[
        "-w",
        "ws",
        "report",
        "--spec",
        "styled/quarterly.toml",
        "--formats",
        "pdf",
        "--out",
        "styled-out",
    ]);
    let Some(text) = pdf_text(&t.path("styled-out/report.pdf")) else { return };
    assert!(text.contains("CONFIDENTIAL DRAFT"), "the edited template typeset the PDF");
    assert!(text.contains("Board pack"), "the spec's title");
}

/// A user query that forgets the anonymity threshold still cannot put a small group in the
/// report: rows whose count column is under min_group_size are dropped.
#[test]
fn query_section_drops_rows_under_the_minimum() {
    let (t, _) = demo();
    // A query by team that does not say which column counts people is refused.
    t.write(
        "ws/queries/teams_raw.sql",
        b"-- title: Respondents per team\n-- chart: bar\nSELECT team, count(*) AS n FROM respondents WHERE round = '2026-Q3' GROUP BY team ORDER BY team\n",
    );
    t.write("q.toml", b"[[section]]\nkind = \"query\"\nquery = \"teams_raw.sql\"\n");
    let o =
        t.run(&["-w", "ws", "report", "--spec", "q.toml", "--formats", "html", "--out", "q-out"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("teams_raw.sql") && err.contains("-- count:"), "{err}");
    // Declared: small rows and their complement are dropped, and the drop is said (no count).
    t.write(
        "ws/queries/teams_raw.sql",
        b"-- title: Respondents per team\n-- chart: bar\n-- count: n\nSELECT team, count(*) AS n FROM respondents WHERE round = '2026-Q3' GROUP BY team ORDER BY team\n",
    );
    t.ok(&["-w", "ws", "report", "--spec", "q.toml", "--formats", "html,png", "--out", "q-out"]);
    let html = std::fs::read_to_string(t.path("q-out/report.html")).unwrap();
    assert!(html.contains("payments"), "large teams are shown");
    assert!(!html.contains("infra-tools"), "the one-person team is not");
    assert!(
        !html.contains("developer-experience"),
        "nor the smallest other team, whose size would give the one-person team away"
    );
    assert!(html.contains("Rows that could describe fewer than 5 people"), "and the drop is said");
    let svg = std::fs::read_to_string(t.path("q-out/charts/query-teams_raw.svg")).unwrap();
    assert!(!svg.contains("infra-tools"));
}

#[test]
fn spec_question_filter_and_order() {
    let (t, _) = demo();
    t.write(
        "f.toml",
        b"title = \"Docs only\"\n[[section]]\nkind = \"methods\"\n[[section]]\nkind = \"likert\"\ntitle = \"Docs\"\nquestions = [\"satisfied_part_documentation\"]\n",
    );
    t.ok(&["-w", "ws", "report", "--spec", "f.toml", "--formats", "png,html", "--out", "f-out"]);
    let html = std::fs::read_to_string(t.path("f-out/report.html")).unwrap();
    let (m, d) =
        (html.find("<h2>Methods and data</h2>").unwrap(), html.find("<h2>Docs</h2>").unwrap());
    assert!(m < d, "sections in spec order");
    let svg = std::fs::read_to_string(t.path("f-out/charts/likert-1.svg")).unwrap();
    assert!(
        svg.contains("Documentation") && !svg.contains("CI build speed"),
        "only the listed question"
    );
}

/// A round ID that is not a period label still reports: the telemetry-aligned sections say why
/// they skip instead of failing the report.
#[test]
fn non_period_round_skips_telemetry_sections() {
    let t = CliTest::new();
    t.workspace();
    t.write("ws/metrics.toml", include_bytes!("../../fixtures/demo/metrics.toml"));
    t.write(
        "r.csv",
        b"Timestamp,How satisfied are you with CI?\n2026-07-01 10:00:00,Satisfied\n\
2026-07-01 10:01:00,Very satisfied\n2026-07-01 10:02:00,Neutral\n2026-07-01 10:03:00,Dissatisfied\n\
2026-07-01 10:04:00,Satisfied\n",
    );
    t.ok(&["-w", "ws", "import", "survey", "r.csv", "--round", "spring-pulse"]);
    let o = t.run(&["-w", "ws", "report", "--formats", "md", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let md = std::fs::read_to_string(t.path("out/summary.md")).unwrap();
    assert!(md.contains("round spring-pulse is not a period label"), "{md}");
}

/// `--out` never replaces a folder pulse did not write.
#[test]
fn out_refuses_a_foreign_folder() {
    let (t, _) = demo();
    std::fs::create_dir_all(t.path("mine")).unwrap();
    t.write("mine/thesis.txt", b"do not delete");
    let o = t.run(&["-w", "ws", "report", "--formats", "md", "--out", "mine"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("was not written by pulse report"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(t.path("mine/thesis.txt")).unwrap(), b"do not delete");
    // Its own folder is replaced whole (stale files go).
    // (in a folder of its own: other tests stage their reports beside the workspace meanwhile)
    t.ok(&["-w", "ws", "report", "--formats", "md,html", "--out", "sub/own"]);
    t.ok(&["-w", "ws", "report", "--formats", "md", "--out", "sub/own"]);
    assert!(t.path("sub/own/summary.md").is_file() && !t.path("sub/own/report.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(t.path("sub"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".pulse-report"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folders left behind");
}
