//! Snapshot tests: each chart kind drawn from fixed numbers, its SVG text compared with
//! `tests/snapshots/<name>.snap` by insta. A chart changes only through a reviewed diff: run
//! `INSTA_UPDATE=new cargo test --lib snapshot`, compare each `.snap.new` with its `.snap`
//! (`diff`, or `cargo insta review` where cargo-insta is installed), then rename it over the old
//! one before committing.

use super::*;

/// Compares a chart's SVG with its snapshot in `tests/snapshots/`.
fn check(c: &Chart) {
    assert!(c.svg.starts_with("<svg") && c.svg.contains("viewBox"), "{}", c.name);
    insta::with_settings!({
        snapshot_path => "../../../tests/snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(c.name.as_str(), c.svg.as_str());
    });
}

fn likert_chart() -> Chart {
    let labels: Vec<String> =
        ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
            .map(String::from)
            .to_vec();
    let rows = vec![
        LikertRow {
            label: "CI build speed".into(),
            n: 760,
            shares: vec![0.02, 0.15, 0.31, 0.32, 0.20],
        },
        LikertRow {
            label: "Documentation".into(),
            n: 737,
            shares: vec![0.20, 0.31, 0.31, 0.15, 0.03],
        },
    ];
    likert("snap-likert", "Likert", &labels, &rows).unwrap()
}

fn trends_chart() -> Chart {
    let p = |x, y, s, r| TrendPoint { x, y, lo: y - 0.04, hi: y + 0.04, series: s, reworded: r };
    let panels = vec![
        TrendPanel {
            title: "Rescaled item".into(),
            points: vec![
                p(0, 0.30, 1, false),
                p(1, 0.33, 1, false),
                p(2, 0.25, 2, false),
                p(3, 0.28, 2, false),
            ],
        },
        TrendPanel {
            title: "Reworded item".into(),
            points: vec![
                p(0, 0.45, 1, false),
                p(1, 0.40, 1, false),
                p(2, 0.30, 1, true),
                p(3, 0.20, 1, false),
            ],
        },
    ];
    let rounds: Vec<String> =
        ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"].map(String::from).to_vec();
    trends("snap-trends", "Trends", &rounds, &panels).unwrap()
}

fn heatmap_cells() -> Vec<Vec<Cell>> {
    vec![vec![Cell::Value(0.52), Cell::Suppressed], vec![Cell::Value(0.18), Cell::Missing]]
}

fn heatmap_chart(cells: &[Vec<Cell>]) -> Chart {
    let rows: Vec<String> = ["payments (n=148)", "search (n=116)"].map(String::from).to_vec();
    let cols: Vec<String> = ["CI", "Docs"].map(String::from).to_vec();
    heatmap("snap-heatmap", "Heatmap", &rows, &cols, cells, 5).unwrap()
}

fn line_chart() -> Chart {
    let pts = |v: &[f64]| -> Vec<Point> {
        v.iter()
            .enumerate()
            .map(|(i, v)| Point {
                label: format!("2026-Q{}", i + 1),
                value: *v,
                ci: Some((v * 0.9, v * 1.1)),
                n: Some(100),
            })
            .collect()
    };
    let spec = Line {
        name: "snap-line".into(),
        title: "Lead time".into(),
        y_desc: "hours, log scale".into(),
        series: vec![("lead time".into(), pts(&[20.0, 30.0, 18.0]))],
        bands: vec![
            Band { lo: 1.0, hi: 24.0, label: "elite".into() },
            Band { lo: 24.0, hi: 168.0, label: "high".into() },
        ],
        reference: Some((24.0, "target 24 h".into())),
        y_range: Some((1.0, 200.0)),
        decimals: 1,
        log: true,
        periods: Vec::new(),
    };
    line(&spec, &Colours::default()).unwrap()
}

fn bars_chart() -> Chart {
    bars(
        "snap-bars",
        "Bars",
        "share (%)",
        &[("docs".into(), 0.14, Some(0.16)), ("ci".into(), 0.18, None)],
        true,
    )
    .unwrap()
}

fn quadrant_chart() -> Chart {
    let d = vec![
        Driver { label: "CI".into(), score: 0.5, importance: 0.3 },
        Driver { label: "Docs".into(), score: 0.18, importance: 0.27 },
        Driver { label: "Deploys".into(), score: 0.52, importance: 0.33 },
    ];
    quadrant("snap-quadrant", "Drivers", &d, quadrant_split(&d)).unwrap()
}

fn bunching_chart() -> Chart {
    let v: Vec<f64> = (0..400)
        .map(|i| 400.0 + (i as f64 * 7.0) % 400.0)
        .chain((0..80).map(|i| 575.0 + (i % 25) as f64))
        .collect();
    bunching("snap-bunching", "Bunching", &v, 600.0, 30.0, "s").unwrap()
}

fn dots_chart() -> Chart {
    let rows = vec![
        ("adoption".into(), Some(2.0), Some(2.0)),
        ("investment".into(), Some(1.0), Some(2.0)),
    ];
    dots("snap-dots", "Maturity", &rows, &["Provisional", "Operational", "Scalable", "Optimizing"])
        .unwrap()
}

/// Every chart kind, as the snapshots draw it.
fn every_chart() -> Vec<Chart> {
    vec![
        likert_chart(),
        trends_chart(),
        heatmap_chart(&heatmap_cells()),
        line_chart(),
        bars_chart(),
        quadrant_chart(),
        bunching_chart(),
        dots_chart(),
    ]
}

#[test]
fn snapshot_likert() {
    check(&likert_chart());
}

#[test]
fn snapshot_trends_with_break_and_rewording() {
    let c = trends_chart();
    assert!(c.svg.contains("◆"), "rewording marker");
    check(&c);
}

/// Occurrences of a text element with exactly `s` as its content (plotters writes the content
/// on its own line).
fn texts(svg: &str, s: &str) -> usize {
    svg.matches(&format!(">\n{s}\n</text>")).count()
}

#[test]
fn snapshot_heatmap_draws_suppressed_cells() {
    let cells = heatmap_cells();
    let c = heatmap_chart(&cells);
    let count = |k: Cell| cells.iter().flatten().filter(|c| **c == k).count();
    // Each suppressed cell is drawn as "hidden" (and nothing else says it), each value as its
    // share, each missing cell as a dash; the legend says why cells are hidden.
    assert_eq!(texts(&c.svg, "hidden"), count(Cell::Suppressed), "one per suppressed cell");
    assert_eq!(texts(&c.svg, "52%"), 1);
    assert_eq!(texts(&c.svg, "18%"), 1);
    assert_eq!(texts(&c.svg, "–"), count(Cell::Missing));
    assert!(c.svg.contains("fewer than 5 answers"), "the legend says why");
    check(&c);
}

#[test]
fn heatmap_hides_every_suppressed_cell_and_shows_no_value_for_them() {
    // Three suppressed cells of four: three "hidden" labels, the one value drawn, and no share
    // text for the hidden ones (they carry no number at all).
    let cells =
        vec![vec![Cell::Suppressed, Cell::Value(0.4)], vec![Cell::Suppressed, Cell::Suppressed]];
    let c = heatmap_chart(&cells);
    assert_eq!(texts(&c.svg, "hidden"), 3);
    assert_eq!(texts(&c.svg, "40%"), 1);
    let shares = c.svg.matches("%\n</text>").count();
    // The one value plus the legend's five steps (0 %, 25 %, …, 100 %).
    assert_eq!(shares, 1 + 5, "{}", c.svg);
}

#[test]
fn snapshot_line_with_bands_and_reference() {
    check(&line_chart());
}

#[test]
fn snapshot_bars_quadrant_bunching_dots() {
    check(&bars_chart());
    check(&quadrant_chart());
    check(&bunching_chart());
    check(&dots_chart());
}

#[test]
fn every_snapshot_renders_to_a_non_blank_png() {
    let charts = every_chart();
    assert_eq!(charts.len(), 8, "one per chart kind");
    for c in &charts {
        let png = crate::render::png::render(c, 2.0).unwrap();
        let pix = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert_eq!((pix.width(), pix.height()), (c.width * 2, c.height * 2), "{}", c.name);
        // Drawn: some dark pixels (text, marks) beyond the white background.
        let dark = pix.data().chunks(4).filter(|p| p[0] < 100).count();
        assert!(dark > 100, "{}: only {dark} dark pixels", c.name);
    }
}
