//! The report as a briefing (issue 15): the executive summary fits one page, speaks plainly
//! (no test names, q-values or metric IDs), shows each headline's change with its interval, names
//! three concrete actions, and every item that changed beyond noise appears in the report; the
//! page PNGs are the PDF's own pages.

use super::*;

/// The text of each page of the demo PDF (pdftotext), or None without poppler.
fn pages_text(pdf: &Path) -> Option<Vec<String>> {
    let all = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])?;
    Some(all.split('\u{c}').map(str::to_string).collect())
}

#[test]
fn executive_summary_is_one_page_with_three_actions() {
    let (_, dir) = demo();
    let Some(pages) = pages_text(&dir.join("report.pdf")) else { return };
    // The cover's contents list names the section too: the summary is the first page after it.
    let i = 1 + pages[1..]
        .iter()
        .position(|p| p.contains("1. Executive summary"))
        .expect("summary page");
    let page = &pages[i];
    // The whole briefing is on that page: its last block, the actions, included.
    assert!(page.contains("What to do next"), "{page}");
    let after = &page[page.find("What to do next").unwrap()..];
    let actions: Vec<&str> =
        after.lines().map(str::trim).filter(|l| l.starts_with(['1', '2', '3', '4'])).collect();
    for n in ["1. ", "2. ", "3. "] {
        assert!(actions.iter().any(|a| a.starts_with(n)), "action {n} on the page:\n{page}");
    }
    assert!(!actions.iter().any(|a| a.starts_with("4. ")), "at most three actions:\n{page}");
    assert!(pages[i + 1].contains("2. CNCF platform maturity"), "the next section follows");
    // Concrete: the actions name the metrics' titles and numbers from metrics.toml and the data.
    let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
    let next = &flat[flat.find("What to do next").unwrap()..];
    assert!(next.contains("600 target of median CI build time"), "{next}");
    assert!(next.contains("production deployments per day"), "{next}");
    assert!(next.contains("change failure rate"), "{next}");
    // Plain language: the statistics are in the tables and the methods, not here.
    for jargon in ["Mann–Whitney", "rank-biserial", "q <", "q =", "p =", "binomial", "deployments."]
    {
        assert!(!flat.contains(jargon), "{jargon:?} in the executive summary:\n{flat}");
    }
}

/// The headline's change against the previous round, with Newcombe's interval: 2026-Q2 284 of
/// 739 favourable, 2026-Q3 313 of 736 (the demo's counts, `pulse summary --format json`);
/// statsmodels 0.15.0 confint_proportions_2indep(313, 736, 284, 739, method='newcomb',
/// compare='diff') = (-0.009110420652812638, 0.09076297518063628).
#[test]
fn headline_cards_show_the_change_with_its_interval() {
    let (t, dir) = demo();
    let n = |round: &str| -> (u64, u64) {
        let rows: Vec<serde_json::Value> = serde_json::from_str(
            &t.ok(&["-w", "ws", "summary", "--round", round, "--format", "json"]),
        )
        .unwrap();
        let r = rows
            .iter()
            .find(|r| {
                r["question_id"] == "overall_satisfied_developer_platform" && r["group"] == ""
            })
            .unwrap();
        let n = r["n"].as_u64().unwrap();
        ((r["top_box"].as_f64().unwrap() * n as f64).round() as u64, n)
    };
    assert_eq!((n("2026-Q2"), n("2026-Q3")), ((284, 739), (313, 736)), "the counts quoted");
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(
        md.contains("vs 2026-Q2: +4.1 points (95 % CI -0.9 to +9.1), within noise"),
        "outcome card:\n{md}"
    );
    assert!(md.contains("**Net Promoter Score**") && md.contains("vs 2026-Q2: +"), "{md}");
}

/// Every item `pulse compare` finds improved, declined or changed (multi-select options
/// included) is in the report: the summary lists the largest, "Changes beyond noise" all.
#[test]
fn every_change_appears_in_the_report() {
    let (t, dir) = demo();
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&t.ok(&["-w", "ws", "compare", "--format", "json"])).unwrap();
    let changed: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["group"] == "" && r["suppressed"] != true)
        .filter(|r| ["improved", "declined", "changed"].contains(&r["verdict"].as_str().unwrap()))
        .collect();
    assert!(changed.iter().any(|r| r["option"] != ""), "the demo has a categorical change");
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for r in &changed {
        let share = |k: &str| format!("{:.1} %", r[k].as_f64().unwrap() * 100.0);
        // Higher-is-better items and options: the share is the compared top box.
        let line = format!("{} → {}", share("top_box_from"), share("top_box_to"));
        assert!(
            html.contains(&line),
            "{} {} ({line}) in the report",
            r["question_id"],
            r["option"]
        );
        let opt = r["option"].as_str().unwrap();
        assert!(opt.is_empty() || md.contains(opt), "option {opt} named");
    }
    let table_rows: usize = ["Improved", "Declined", "Changed"]
        .iter()
        .map(|v| html.matches(&format!(">{v}</td>")).count())
        .sum();
    assert_eq!(table_rows, changed.len(), "one table row per change in \"Changes beyond noise\"");
    // The summary (Markdown too) lists the largest changes and points to the table for the rest.
    assert!(
        md.contains("**Improved**") && md.contains("**Declined**") && md.contains("**Changed**")
    );
}

/// `--formats png` writes every page of the PDF as a PNG, drawn by Typst from the same layout:
/// as many pages, A4 at 144 dpi, and each looks like poppler's rendering of the PDF page.
#[test]
fn png_pages_are_the_pdf_pages() {
    let (_, dir) = demo();
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(dir.join("pages"))
        .expect("pages/ written")
        .map(|e| e.unwrap().path())
        .collect();
    pngs.sort();
    assert!(pngs.len() >= 8, "{} pages", pngs.len());
    for (i, p) in pngs.iter().enumerate() {
        assert_eq!(p.file_name().unwrap().to_string_lossy(), format!("page-{:02}.png", i + 1));
        let bytes = std::fs::read(p).unwrap();
        assert_eq!(png_size(&bytes), (1191, 1684), "A4 at 2 px per point: {}", p.display());
    }
    let pdf = dir.join("report.pdf");
    let Some(info) = tool("pdfinfo", &[pdf.to_str().unwrap()]) else { return };
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    assert_eq!(pngs.len(), pages, "one PNG per PDF page");
    // Grey levels in 4 × 4 blocks: ours against poppler's at the same resolution. Anti-aliasing
    // differs at glyph edges; a different page differs in ~17 % of blocks, the same in < 1 %.
    let grey = |png: &[u8]| -> Vec<f64> {
        let pix = resvg::tiny_skia::Pixmap::decode_png(png).unwrap();
        let (w, h) = (pix.width() as usize, pix.height() as usize);
        let d = pix.data();
        let mut out = Vec::new();
        for by in 0..h / 4 {
            for bx in 0..w / 4 {
                let mut s = 0.0;
                for y in by * 4..by * 4 + 4 {
                    for x in bx * 4..bx * 4 + 4 {
                        let p = &d[(y * w + x) * 4..];
                        s += (p[0] as f64 + p[1] as f64 + p[2] as f64) / 3.0;
                    }
                }
                out.push(s / 16.0);
            }
        }
        out
    };
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("p");
    for page in [2, pages - 1] {
        let n = page.to_string();
        tool(
            "pdftoppm",
            &[
                "-r",
                "144",
                "-f",
                &n,
                "-l",
                &n,
                "-png",
                pdf.to_str().unwrap(),
                prefix.to_str().unwrap(),
            ],
        )
        .unwrap();
        let theirs = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with(&format!("-{page:02}.png")))
            .expect("pdftoppm page");
        let (a, b) = (
            grey(&std::fs::read(&theirs).unwrap()),
            grey(&std::fs::read(&pngs[page - 1]).unwrap()),
        );
        assert_eq!(a.len(), b.len());
        let off = a.iter().zip(&b).filter(|(x, y)| (*x - *y).abs() > 32.0).count();
        assert!(
            (off as f64) < 0.03 * a.len() as f64,
            "page {page}: {off} of {} blocks differ from poppler's rendering",
            a.len()
        );
    }
}
