//! Charts as SVG, drawn with plotters' SVG backend only (no system fonts: the text is laid out
//! later by Typst for the PDF and by resvg for PNGs, both with the bundled fonts).
//!
//! Every function takes plain numbers, so the charts are testable without a workspace, and the
//! same input always gives the same bytes. Colours come from [`palette`]: Okabe–Ito for
//! categories (safe for the common colour-vision deficiencies) and a blue–orange diverging ramp
//! for answer scales; a category keeps its colour in every chart of a report.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Chart width in SVG pixels (the PDF scales it to the text width, PNGs double it).
pub const WIDTH: u32 = 760;
const FONT: &str = "sans-serif";
const INK: RGBColor = RGBColor(33, 37, 41);
const MUTED: RGBColor = RGBColor(108, 117, 125);
const GRID: RGBColor = RGBColor(225, 228, 232);
const SUPPRESSED: RGBColor = RGBColor(236, 236, 236);

/// A finished chart: file stem, what it shows, the SVG and its size in pixels.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem (`likert`, `trend-ci`, …), unique within a report.
    pub name: String,
    /// What the chart shows (used as the figure caption and the PNG's alt text).
    pub title: String,
    /// The SVG document.
    pub svg: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Colours.
pub mod palette {
    use plotters::style::RGBColor;

    /// Okabe & Ito (2008), without yellow (too light on white) and black (reserved for ink).
    pub const CATEGORY: [RGBColor; 7] = [
        RGBColor(0, 114, 178),   // blue
        RGBColor(230, 159, 0),   // orange
        RGBColor(0, 158, 115),   // bluish green
        RGBColor(213, 94, 0),    // vermillion
        RGBColor(204, 121, 167), // reddish purple
        RGBColor(86, 180, 233),  // sky blue
        RGBColor(120, 94, 40),   // brown (Okabe–Ito's yellow, darkened)
    ];
    /// Current round / "now".
    pub const NOW: RGBColor = CATEGORY[0];
    /// Previous round / "before".
    pub const BEFORE: RGBColor = RGBColor(150, 150, 150);
    /// Alerts and targets.
    pub const ALERT: RGBColor = CATEGORY[3];

    /// Diverging ramp for a scale of `points` answers, lowest first: orange (negative) to grey
    /// (neutral) to blue (positive), after ColorBrewer's PuOr/RdBu family, which stays
    /// distinguishable under deuteranopia and protanopia.
    pub fn scale(points: usize) -> Vec<RGBColor> {
        const NEG: [RGBColor; 3] =
            [RGBColor(179, 88, 6), RGBColor(230, 145, 56), RGBColor(253, 200, 140)];
        const POS: [RGBColor; 3] =
            [RGBColor(146, 197, 222), RGBColor(67, 147, 195), RGBColor(5, 80, 150)];
        const NEUTRAL: RGBColor = RGBColor(205, 205, 205);
        let half = points / 2;
        let pick = |side: &[RGBColor; 3], k: usize| -> Vec<RGBColor> {
            match k {
                0 => vec![],
                1 => vec![side[1]],
                2 => vec![side[0], side[2]],
                _ => {
                    let mut v = side.to_vec();
                    while v.len() < k {
                        v.push(side[2]);
                    }
                    v
                }
            }
        };
        let mut out = pick(&NEG, half);
        if points % 2 == 1 {
            out.push(NEUTRAL);
        }
        // NEG runs dark→light and POS light→dark, so the ramp reads lowest to highest answer.
        out.extend(pick(&POS, half));
        out
    }
}

/// Stable colours for category names: the same name gets the same colour in every chart.
#[derive(Debug, Default, Clone)]
pub struct Colours(BTreeMap<String, RGBColor>);

impl Colours {
    /// Assigns colours to names in sorted order.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Colours {
        let mut set: Vec<&str> = names.into_iter().collect();
        set.sort_unstable();
        set.dedup();
        Colours(
            set.into_iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), palette::CATEGORY[i % palette::CATEGORY.len()]))
                .collect(),
        )
    }
    /// The colour of `name` (the first colour for unknown names).
    pub fn of(&self, name: &str) -> RGBColor {
        self.0.get(name).copied().unwrap_or(palette::CATEGORY[0])
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing a chart: {e}")
}

/// Height of the title strip above every chart.
const TITLE_H: u32 = 30;

/// Draws into a fresh SVG of `WIDTH × (height + title strip)` and returns the chart. The title
/// is part of the image, so a PNG pasted into a slide still says what it shows.
fn draw(
    name: &str,
    title: &str,
    height: u32,
    f: impl FnOnce(&Area<'_>) -> Result<()>,
) -> Result<Chart> {
    let mut svg = String::new();
    let full = height + TITLE_H;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, full)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let style = (FONT, 15.0, FontStyle::Bold)
            .into_font()
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        label(&root, &clip(title, 90), (16, (TITLE_H / 2 + 2) as i32), &style)?;
        let body = root.margin(TITLE_H, 0, 0, 0);
        f(&body)?;
        root.present().map_err(err)?;
    }
    Ok(Chart { name: name.into(), title: title.into(), svg, width: WIDTH, height: full })
}

fn text(size: u32, colour: RGBColor) -> TextStyle<'static> {
    (FONT, size as f64).into_font().color(&colour)
}

fn anchored(size: u32, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    text(size, colour).pos(Pos::new(h, v))
}

/// Chart (backend) coordinates to coordinates inside `area`, for drawing labels on the area.
fn rel(area: &Area<'_>, p: (i32, i32)) -> (i32, i32) {
    let o = area.get_base_pixel();
    (p.0 - o.0, p.1 - o.1)
}

fn label(area: &Area<'_>, s: &str, at: (i32, i32), style: &TextStyle<'_>) -> Result<()> {
    area.draw(&Text::new(s.to_string(), at, style.clone())).map_err(err)
}

/// Shortens a label to `max` characters with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out = out.trim_end().to_string();
    out.push('…');
    out
}

/// 1-2-5 ticks inside `[lo, hi]` for a log axis (at most about eight).
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo) {
        return vec![];
    }
    let mut out = Vec::new();
    let mut decade = 10f64.powf(lo.log10().floor());
    while decade <= hi {
        for m in [1.0, 2.0, 5.0] {
            let v = decade * m;
            if v >= lo && v <= hi {
                out.push(v);
            }
        }
        decade *= 10.0;
    }
    if out.len() > 8 {
        out.retain(|v| (v.log10().fract()).abs() < 1e-9 || (v.log10().fract() - 1.0).abs() < 1e-9);
    }
    out
}

/// A log-axis tick: no trailing zeros.
fn trim_num(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}").trim_end_matches(".0").to_string()
    } else {
        format!("{v:.2}")
    }
}

fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// Draws a legend row of (colour, label) swatches starting at `(x, y)`.
fn legend(area: &Area<'_>, items: &[(RGBColor, String)], x: i32, y: i32) -> Result<()> {
    let mut cx = x;
    for (c, l) in items {
        area.draw(&Rectangle::new([(cx, y - 5), (cx + 10, y + 5)], c.filled())).map_err(err)?;
        label(area, l, (cx + 14, y), &anchored(11, INK, HPos::Left, VPos::Center))?;
        cx += 22 + (l.chars().count() as i32) * 7;
    }
    Ok(())
}

/// One row of a diverging stacked bar chart.
#[derive(Debug, Clone)]
pub struct LikertRow {
    /// Row label (question text).
    pub label: String,
    /// Valid answers.
    pub n: usize,
    /// Share of each answer, lowest point first (sums to 1).
    pub shares: Vec<f64>,
}

/// Where a diverging bar starts: its unfavourable answers left of zero and, on an odd scale,
/// half the neutral answer too, so the neutral segment is centred on zero.
pub fn left_edge(shares: &[f64]) -> f64 {
    let half = shares.len() / 2;
    let neutral = if shares.len() % 2 == 1 { shares[half] } else { 0.0 };
    -shares.iter().take(half).sum::<f64>() - neutral / 2.0
}

/// Diverging stacked bars: negative answers left of zero, positive right, neutral centred on
/// zero; rows in the given order (sort them by top box first).
pub fn likert(name: &str, title: &str, labels: &[String], rows: &[LikertRow]) -> Result<Chart> {
    let points = labels.len();
    let colours = palette::scale(points);
    let row_h = 26;
    let height = 70 + row_h * rows.len() as u32 + 40;
    draw(name, title, height, |root| {
        let left = 300;
        let (w, _) = root.dim_in_pixel();
        let plot = root.margin(34, 40, left, 40);
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(0)
            .build_cartesian_2d(-1.0f64..1.0f64, 0f64..rows.len().max(1) as f64)
            .map_err(err)?;
        for (i, r) in rows.iter().enumerate() {
            let y0 = rows.len() as f64 - i as f64 - 0.85;
            let y1 = y0 + 0.7;
            // Each row centres and colours by its own scale (a construct can mix 5 and 7 points).
            let points = r.shares.len();
            let colours = palette::scale(points);
            let mut x = left_edge(&r.shares);
            for (k, s) in r.shares.iter().enumerate() {
                let c = colours.get(k).copied().unwrap_or(GRID);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y0), (x + s, y1)],
                        c.filled(),
                    )))
                    .map_err(err)?;
                if *s >= 0.06 {
                    let (px, py) = rel(root, chart.backend_coord(&(x + s / 2.0, (y0 + y1) / 2.0)));
                    let ink = if k == 0 || k + 1 == points { WHITE } else { INK };
                    label(
                        root,
                        &pct(*s),
                        (px, py),
                        &anchored(10, ink, HPos::Center, VPos::Center),
                    )?;
                }
                x += s;
            }
            let (px, py) = rel(root, chart.backend_coord(&(-1.0, (y0 + y1) / 2.0)));
            label(
                root,
                &clip(&r.label, 44),
                (px - 8, py - 5),
                &anchored(12, INK, HPos::Right, VPos::Center),
            )?;
            label(
                root,
                &format!("n = {}", r.n),
                (px - 8, py + 8),
                &anchored(10, MUTED, HPos::Right, VPos::Center),
            )?;
        }
        // Zero line and ticks.
        let (zx, top) = rel(root, chart.backend_coord(&(0.0, rows.len() as f64)));
        let (_, bottom) = rel(root, chart.backend_coord(&(0.0, 0.0)));
        root.draw(&PathElement::new(vec![(zx, top), (zx, bottom)], INK.stroke_width(1)))
            .map_err(err)?;
        for t in [-1.0, -0.5, 0.5, 1.0] {
            let (tx, _) = rel(root, chart.backend_coord(&(t, 0.0)));
            label(
                root,
                &pct(f64::abs(t)),
                (tx, bottom + 12),
                &anchored(10, MUTED, HPos::Center, VPos::Center),
            )?;
        }
        label(
            root,
            "← share negative   ·   share positive →",
            (zx, bottom + 28),
            &anchored(11, MUTED, HPos::Center, VPos::Center),
        )?;
        let items: Vec<(RGBColor, String)> =
            colours.iter().copied().zip(labels.iter().map(|l| clip(l, 22))).collect();
        legend(root, &items, 20, 14)?;
        let _ = w;
        Ok(())
    })
}

/// One point of a trend series.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    /// Index of the round on the x axis.
    pub x: usize,
    /// Estimate (0..1).
    pub y: f64,
    /// 95 % interval.
    pub lo: f64,
    /// 95 % interval.
    pub hi: f64,
    /// Series number: a new series starts at a scale change (no line across it).
    pub series: u32,
    /// The wording changed in this round.
    pub reworded: bool,
}

/// One panel of a small-multiples trend chart.
#[derive(Debug, Clone)]
pub struct TrendPanel {
    /// Panel title (question).
    pub title: String,
    /// Points in round order.
    pub points: Vec<TrendPoint>,
}

/// Small multiples, three per row: top-box share per round with its 95 % band; the line
/// breaks where the scale changed and a ◆ marks a reworded round.
pub fn trends(name: &str, title: &str, rounds: &[String], panels: &[TrendPanel]) -> Result<Chart> {
    let cols = 3usize;
    let prow = panels.len().div_ceil(cols).max(1);
    let ph = 190u32;
    let height = 40 + ph * prow as u32;
    draw(name, title, height, |root| {
        legend(
            root,
            &[
                (palette::NOW, "top box (share, %)".into()),
                (RGBColor(191, 219, 236), "95 % interval".into()),
            ],
            20,
            14,
        )?;
        label(
            root,
            "◆ wording changed   | scale changed (line breaks)   ▼ lower is better",
            (330, 14),
            &anchored(11, MUTED, HPos::Left, VPos::Center),
        )?;
        let body = root.margin(30, 0, 0, 0);
        let areas = body.split_evenly((prow, cols));
        for (p, area) in panels.iter().zip(areas.iter()) {
            let mut chart = ChartBuilder::on(area)
                .caption(clip(&p.title, 40), text(11, INK))
                .margin(6)
                .x_label_area_size(22)
                .y_label_area_size(34)
                .build_cartesian_2d(-0.3f64..(rounds.len() as f64 - 0.7), 0f64..1f64)
                .map_err(err)?;
            let r = rounds.to_vec();
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID)
                .x_labels(rounds.len())
                .y_labels(3)
                .x_label_formatter(&|v| {
                    let i = v.round() as usize;
                    if (v - v.round()).abs() < 1e-6 {
                        r.get(i).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .y_label_formatter(&|v| format!("{:.0}", v * 100.0))
                .label_style(text(10, MUTED))
                .draw()
                .map_err(err)?;
            let mut series: BTreeMap<u32, Vec<&TrendPoint>> = BTreeMap::new();
            for pt in &p.points {
                series.entry(pt.series).or_default().push(pt);
            }
            for pts in series.values() {
                let mut poly: Vec<(f64, f64)> = pts.iter().map(|q| (q.x as f64, q.hi)).collect();
                poly.extend(pts.iter().rev().map(|q| (q.x as f64, q.lo)));
                if pts.len() == 1 {
                    let q = pts[0];
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(q.x as f64, q.lo), (q.x as f64, q.hi)],
                            palette::NOW.mix(0.35).stroke_width(6),
                        )))
                        .map_err(err)?;
                } else {
                    chart
                        .draw_series(std::iter::once(Polygon::new(
                            poly,
                            palette::NOW.mix(0.18).filled(),
                        )))
                        .map_err(err)?;
                }
                chart
                    .draw_series(LineSeries::new(
                        pts.iter().map(|q| (q.x as f64, q.y)),
                        palette::NOW.stroke_width(2),
                    ))
                    .map_err(err)?;
                chart
                    .draw_series(
                        pts.iter()
                            .map(|q| Circle::new((q.x as f64, q.y), 3, palette::NOW.filled())),
                    )
                    .map_err(err)?;
            }
            for pt in &p.points {
                if pt.reworded {
                    let (x, y) = rel(area, chart.backend_coord(&(pt.x as f64, pt.hi)));
                    label(
                        area,
                        "◆",
                        (x, y - 8),
                        &anchored(11, palette::ALERT, HPos::Center, VPos::Center),
                    )?;
                }
            }
            for w in p.points.windows(2) {
                if w[1].series != w[0].series {
                    let xm = (w[0].x as f64 + w[1].x as f64) / 2.0;
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(xm, 0.0), (xm, 1.0)],
                            MUTED.stroke_width(1),
                        )))
                        .map_err(err)?;
                }
            }
        }
        Ok(())
    })
}

/// A heatmap cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A share (0..1).
    Value(f64),
    /// Too few answers to show.
    Suppressed,
    /// Not asked / no answers.
    Missing,
}

/// Segment × question heatmap of a share; suppressed cells are drawn hatched and say so.
pub fn heatmap(
    name: &str,
    title: &str,
    rows: &[String],
    cols: &[String],
    cells: &[Vec<Cell>],
    min_group: usize,
) -> Result<Chart> {
    let cw = ((WIDTH as i32 - 170) / cols.len().max(1) as i32).clamp(30, 120);
    let rh = 26;
    let head = 190;
    let height = (head + rh * rows.len() as i32 + 40) as u32;
    draw(name, title, height, |root| {
        let x0 = 160;
        for (j, c) in cols.iter().enumerate() {
            let x = x0 + j as i32 * cw + cw / 2;
            let style = text(11, INK)
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Left, VPos::Center));
            label(root, &clip(c, 40), (x, head - 6), &style)?;
        }
        for (i, r) in rows.iter().enumerate() {
            let y = head + i as i32 * rh;
            label(
                root,
                &clip(r, 22),
                (x0 - 8, y + rh / 2),
                &anchored(12, INK, HPos::Right, VPos::Center),
            )?;
            for (j, cell) in cells[i].iter().enumerate() {
                let x = x0 + j as i32 * cw;
                let rect = [(x + 1, y + 1), (x + cw - 1, y + rh - 1)];
                match cell {
                    Cell::Value(v) => {
                        let c = sequential(*v);
                        root.draw(&Rectangle::new(rect, c.filled())).map_err(err)?;
                        let ink = if *v > 0.55 { WHITE } else { INK };
                        label(
                            root,
                            &pct(*v),
                            (x + cw / 2, y + rh / 2),
                            &anchored(10, ink, HPos::Center, VPos::Center),
                        )?;
                    }
                    Cell::Suppressed => {
                        root.draw(&Rectangle::new(rect, SUPPRESSED.filled())).map_err(err)?;
                        for k in (0..cw + rh).step_by(6) {
                            let (ax, ay) = (x + 1 + k.min(cw - 2), y + 1 + (k - k.min(cw - 2)));
                            let (bx, by) = (x + 1 + (k - (rh - 2)).max(0), y + 1 + k.min(rh - 2));
                            root.draw(&PathElement::new(
                                vec![(ax, ay), (bx, by)],
                                RGBColor(200, 200, 200).stroke_width(1),
                            ))
                            .map_err(err)?;
                        }
                        label(
                            root,
                            "hidden",
                            (x + cw / 2, y + rh / 2),
                            &anchored(9, MUTED, HPos::Center, VPos::Center),
                        )?;
                    }
                    Cell::Missing => {
                        label(
                            root,
                            "–",
                            (x + cw / 2, y + rh / 2),
                            &anchored(10, MUTED, HPos::Center, VPos::Center),
                        )?;
                    }
                }
            }
        }
        let y = head + rh * rows.len() as i32 + 16;
        for (k, v) in [0.0, 0.25, 0.5, 0.75, 1.0].iter().enumerate() {
            let x = x0 + k as i32 * 46;
            root.draw(&Rectangle::new([(x, y - 6), (x + 44, y + 6)], sequential(*v).filled()))
                .map_err(err)?;
            label(
                root,
                &pct(*v),
                (x + 22, y + 16),
                &anchored(9, MUTED, HPos::Center, VPos::Center),
            )?;
        }
        let x = x0 + 5 * 46 + 12;
        root.draw(&Rectangle::new([(x, y - 6), (x + 30, y + 6)], SUPPRESSED.filled()))
            .map_err(err)?;
        label(
            root,
            &format!(
                "hatched: hidden (fewer than {min_group} answers, or protecting a smaller group)"
            ),
            (x + 36, y),
            &anchored(10, MUTED, HPos::Left, VPos::Center),
        )?;
        Ok(())
    })
}

/// A light-to-dark blue ramp (perceptually ordered, readable in greyscale).
fn sequential(v: f64) -> RGBColor {
    let v = v.clamp(0.0, 1.0);
    let a = (239.0, 243.0, 255.0);
    let b = (8.0, 48.0, 107.0);
    let m = |x: f64, y: f64| (x + (y - x) * v).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// One driver.
#[derive(Debug, Clone)]
pub struct Driver {
    /// Question.
    pub label: String,
    /// Score: top-box share (0..1).
    pub score: f64,
    /// Importance: Spearman ρ with the outcome.
    pub importance: f64,
}

/// Importance × score quadrant: the split lines are the medians; "fix first" is top left.
pub fn quadrant(name: &str, title: &str, points: &[Driver]) -> Result<Chart> {
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        crate::analyse::delivery::percentile(&v, 50.0).unwrap_or(0.0)
    };
    let mx = med(points.iter().map(|p| p.score).collect());
    let my = med(points.iter().map(|p| p.importance).collect());
    let ymax = points.iter().map(|p| p.importance).fold(0.1f64, f64::max) * 1.15;
    let ymin = points.iter().map(|p| p.importance).fold(0.0f64, f64::min);
    draw(name, title, 460, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..1f64, ymin..ymax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_desc("score: top-box share (%)")
            .y_desc("importance: Spearman ρ with the outcome")
            .x_label_formatter(&|v| format!("{:.0}", v * 100.0))
            .y_label_formatter(&|v| format!("{v:.2}"))
            .label_style(text(11, MUTED))
            .axis_desc_style(text(12, INK))
            .draw()
            .map_err(err)?;
        for line in [vec![(mx, ymin), (mx, ymax)], vec![(0.0, my), (1.0, my)]] {
            chart
                .draw_series(std::iter::once(PathElement::new(line, MUTED.stroke_width(1))))
                .map_err(err)?;
        }
        let corner = |x: f64, y: f64, s: &str, h: HPos| -> Result<()> {
            let (px, py) = rel(root, chart.backend_coord(&(x, y)));
            label(root, s, (px, py), &anchored(12, MUTED, h, VPos::Center))
        };
        corner(0.02, ymax * 0.97, "fix first: important, low score", HPos::Left)?;
        corner(0.98, ymax * 0.97, "keep: important, high score", HPos::Right)?;
        corner(0.02, ymin + (ymax - ymin) * 0.03, "monitor", HPos::Left)?;
        corner(0.98, ymin + (ymax - ymin) * 0.03, "maintain", HPos::Right)?;
        // Labels go right of their point, nudged up or down (with a leader) when they would
        // overlap one already placed; widths are estimated at 6 px per character.
        let mut placed: Vec<(i32, i32, i32)> = Vec::new();
        for p in points {
            let fix = p.score < mx && p.importance >= my;
            let c = if fix { palette::ALERT } else { palette::NOW };
            chart
                .draw_series(std::iter::once(Circle::new((p.score, p.importance), 5, c.filled())))
                .map_err(err)?;
            let (px, py) = rel(root, chart.backend_coord(&(p.score, p.importance)));
            let text = clip(&p.label, 28);
            let (x0, x1) = (px + 8, px + 8 + 6 * text.chars().count() as i32);
            let free =
                |y: i32| placed.iter().all(|&(a, b, yy)| (yy - y).abs() >= 12 || b < x0 || a > x1);
            let y = [0, 12, -12, 24, -24, 36, -36]
                .iter()
                .map(|d| py + d)
                .find(|y| free(*y))
                .unwrap_or(py);
            if y != py {
                root.draw(&PathElement::new(
                    vec![(px + 4, py), (x0 - 2, y)],
                    MUTED.stroke_width(1),
                ))
                .map_err(err)?;
            }
            placed.push((x0, x1, y));
            label(root, &text, (x0, y), &anchored(10, INK, HPos::Left, VPos::Center))?;
        }
        Ok(())
    })
}

/// A value per period with optional interval, for line charts.
#[derive(Debug, Clone)]
pub struct Point {
    /// Period label.
    pub label: String,
    /// Value.
    pub value: f64,
    /// Interval, when there is one.
    pub ci: Option<(f64, f64)>,
    /// Sample size printed under the label.
    pub n: Option<usize>,
}

/// A shaded horizontal band (a DORA level, say).
#[derive(Debug, Clone)]
pub struct Band {
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Label printed at the right.
    pub label: String,
}

/// A line over periods, with error bars, bands and a reference line.
#[derive(Debug, Clone, Default)]
pub struct Line {
    /// File stem.
    pub name: String,
    /// What it shows.
    pub title: String,
    /// Y-axis description with units.
    pub y_desc: String,
    /// Series: name and points (points share labels by position).
    pub series: Vec<(String, Vec<Point>)>,
    /// Background bands.
    pub bands: Vec<Band>,
    /// A horizontal reference line (an SLO or target) with its label.
    pub reference: Option<(f64, String)>,
    /// Fixed y range.
    pub y_range: Option<(f64, f64)>,
    /// Value formatter: decimals.
    pub decimals: usize,
    /// Log scale on y (for lead and recovery times spanning hours to months).
    pub log: bool,
}

/// The colour of a DORA level band, the same in every chart (others by position).
fn level_colour(label: &str, k: usize) -> RGBColor {
    match label {
        "elite" => RGBColor(0, 158, 115),
        "high" => RGBColor(86, 180, 233),
        "medium" => RGBColor(230, 159, 0),
        "low" => RGBColor(213, 94, 0),
        _ => palette::CATEGORY[k % palette::CATEGORY.len()],
    }
}

/// Draws a [`Line`].
pub fn line(spec: &Line, colours: &Colours) -> Result<Chart> {
    let labels: Vec<String> = spec
        .series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|x| x.label.clone()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let idx = |l: &str| labels.iter().position(|x| x == l).unwrap_or(0) as f64;
    let mut vals: Vec<f64> = spec
        .series
        .iter()
        .flat_map(|(_, p)| {
            p.iter().flat_map(|x| [Some(x.value), x.ci.map(|c| c.0), x.ci.map(|c| c.1)])
        })
        .flatten()
        .collect();
    if let Some((r, _)) = &spec.reference {
        vals.push(*r);
    }
    let (mut lo, mut hi) = spec.y_range.unwrap_or_else(|| {
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if spec.log {
            (lo.max(1e-3) / 2.0, hi * 2.0)
        } else {
            (lo.min(0.0), if hi > 0.0 { hi * 1.15 } else { 1.0 })
        }
    });
    if !lo.is_finite() || !hi.is_finite() || hi <= lo {
        (lo, hi) = (0.0, 1.0);
    }
    let multi = spec.series.len() > 1;
    let height = 300;
    let dec = spec.decimals;
    draw(&spec.name, &spec.title, height, |root| {
        let x_range = -0.4f64..(labels.len().max(1) as f64 - 0.6);
        let mut builder = ChartBuilder::on(root);
        builder
            .margin(14)
            .margin_top(if multi { 30 } else { 14 })
            .margin_right(if spec.bands.is_empty() { 16 } else { 90 })
            .x_label_area_size(36)
            .y_label_area_size(62);
        let ls = labels.clone();
        let ns: Vec<Option<usize>> = labels
            .iter()
            .map(|l| {
                spec.series
                    .first()
                    .and_then(|(_, p)| p.iter().find(|x| &x.label == l))
                    .and_then(|x| x.n)
            })
            .collect();
        let xfmt = move |v: &f64| {
            let i = v.round() as usize;
            if (v - v.round()).abs() > 1e-6 {
                return String::new();
            }
            match (ls.get(i), ns.get(i).copied().flatten()) {
                (Some(l), Some(n)) => format!("{l} (n={n})"),
                (Some(l), None) => l.clone(),
                _ => String::new(),
            }
        };
        macro_rules! body {
            ($chart:expr, $to:expr) => {{
                let mut chart = $chart;
                chart
                    .configure_mesh()
                    .light_line_style(TRANSPARENT)
                    .bold_line_style(GRID)
                    .x_labels(labels.len().min(16))
                    .x_label_formatter(&xfmt)
                    .y_labels(if spec.log { 4 } else { 6 })
                    // Log axes get their own 1-2-5 ticks below (plotters' are too sparse).
                    .y_label_formatter(&|v: &f64| {
                        if spec.log { String::new() } else { format!("{v:.dec$}") }
                    })
                    .y_desc(spec.y_desc.as_str())
                    .label_style(text(11, MUTED))
                    .axis_desc_style(text(12, INK))
                    .draw()
                    .map_err(err)?;
                let xmax = labels.len() as f64 - 0.6;
                if spec.log {
                    for t in log_ticks(lo, hi) {
                        chart
                            .draw_series(std::iter::once(PathElement::new(
                                vec![(-0.4, $to(t)), (xmax, $to(t))],
                                GRID.stroke_width(1),
                            )))
                            .map_err(err)?;
                        let (px, py) = rel(root, chart.backend_coord(&(-0.4, $to(t))));
                        label(
                            root,
                            &trim_num(t),
                            (px - 6, py),
                            &anchored(11, MUTED, HPos::Right, VPos::Center),
                        )?;
                    }
                }
                for (k, b) in spec.bands.iter().enumerate() {
                    let (blo, bhi) = (b.lo.max(lo), b.hi.min(hi));
                    if bhi <= blo {
                        continue;
                    }
                    let shade = level_colour(&b.label, k);
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(-0.4, $to(blo)), (xmax, $to(bhi))],
                            shade.mix(0.10).filled(),
                        )))
                        .map_err(err)?;
                    let (px, py) = rel(
                        root,
                        chart.backend_coord(&(
                            xmax,
                            $to((blo * bhi).sqrt().max((blo + bhi) / 2.0).min(bhi)),
                        )),
                    );
                    let py = if spec.log {
                        py
                    } else {
                        rel(root, chart.backend_coord(&(xmax, $to((blo + bhi) / 2.0)))).1
                    };
                    label(
                        root,
                        &b.label,
                        (px + 6, py),
                        &anchored(10, shade, HPos::Left, VPos::Center),
                    )?;
                }
                if let Some((r, l)) = &spec.reference {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(-0.4, $to(*r)), (xmax, $to(*r))],
                            palette::ALERT.stroke_width(2),
                        )))
                        .map_err(err)?;
                    let (px, py) = rel(root, chart.backend_coord(&(-0.35, $to(*r))));
                    label(
                        root,
                        l,
                        (px + 4, py - 9),
                        &anchored(11, palette::ALERT, HPos::Left, VPos::Center),
                    )?;
                }
                for (k, (sname, pts)) in spec.series.iter().enumerate() {
                    let c = if multi { colours.of(sname) } else { palette::NOW };
                    let off = if multi {
                        (k as f64 - (spec.series.len() as f64 - 1.0) / 2.0) * 0.06
                    } else {
                        0.0
                    };
                    for p in pts {
                        if let Some((a, b)) = p.ci {
                            let x = idx(&p.label) + off;
                            chart
                                .draw_series(std::iter::once(PathElement::new(
                                    vec![(x, $to(a)), (x, $to(b))],
                                    c.mix(0.6).stroke_width(2),
                                )))
                                .map_err(err)?;
                            for y in [a, b] {
                                chart
                                    .draw_series(std::iter::once(PathElement::new(
                                        vec![(x - 0.05, $to(y)), (x + 0.05, $to(y))],
                                        c.mix(0.6).stroke_width(2),
                                    )))
                                    .map_err(err)?;
                            }
                        }
                    }
                    chart
                        .draw_series(LineSeries::new(
                            pts.iter().map(|p| (idx(&p.label) + off, $to(p.value))),
                            c.stroke_width(2),
                        ))
                        .map_err(err)?;
                    chart
                        .draw_series(pts.iter().map(|p| {
                            Circle::new((idx(&p.label) + off, $to(p.value)), 3, c.filled())
                        }))
                        .map_err(err)?;
                    if !multi {
                        for p in pts {
                            let (px, py) =
                                rel(root, chart.backend_coord(&(idx(&p.label), $to(p.value))));
                            label(
                                root,
                                &format!("{:.dec$}", p.value),
                                (px + 6, py - 9),
                                &anchored(10, INK, HPos::Left, VPos::Center),
                            )?;
                        }
                    }
                }
                Ok::<(), anyhow::Error>(())
            }};
        }
        if spec.log {
            let chart = builder.build_cartesian_2d(x_range, (lo..hi).log_scale()).map_err(err)?;
            body!(chart, |v: f64| v.max(lo))?;
        } else {
            let chart = builder.build_cartesian_2d(x_range, lo..hi).map_err(err)?;
            body!(chart, |v: f64| v)?;
        }
        if multi {
            let items: Vec<(RGBColor, String)> =
                spec.series.iter().map(|(n, _)| (colours.of(n), n.clone())).collect();
            legend(root, &items, 70, 12)?;
        }
        Ok(())
    })
}

/// Horizontal bars with an optional "before" marker per bar.
pub fn bars(
    name: &str,
    title: &str,
    x_desc: &str,
    rows: &[(String, f64, Option<f64>)],
    percent: bool,
) -> Result<Chart> {
    let rh = 24;
    let height = 60 + rh * rows.len().max(1) as u32 + 20;
    let xmax = rows.iter().flat_map(|r| [Some(r.1), r.2]).flatten().fold(0.0f64, f64::max);
    let xmax = if percent { (xmax * 1.15).clamp(0.05, 1.0) } else { (xmax * 1.15).max(1.0) };
    let fmt = move |v: f64| {
        if percent {
            format!("{:.0}%", v * 100.0)
        } else if v.abs() >= 100.0 || v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        }
    };
    draw(name, title, height, |root| {
        let plot = root.margin(28, 50, 230, 20);
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(34)
            .build_cartesian_2d(0f64..xmax, 0f64..rows.len().max(1) as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_axis()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_labels(6)
            .x_label_formatter(&|v| fmt(*v))
            .x_desc(x_desc)
            .label_style(text(11, MUTED))
            .axis_desc_style(text(12, INK))
            .draw()
            .map_err(err)?;
        let any_before = rows.iter().any(|r| r.2.is_some());
        for (i, (l, v, before)) in rows.iter().enumerate() {
            let y0 = rows.len() as f64 - i as f64 - 0.8;
            let y1 = y0 + 0.6;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (*v, y1)],
                    palette::NOW.filled(),
                )))
                .map_err(err)?;
            if let Some(b) = before {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(*b, y0 - 0.1), (*b, y1 + 0.1)],
                        INK.stroke_width(2),
                    )))
                    .map_err(err)?;
            }
            let (px, py) = rel(root, chart.backend_coord(&(0.0, (y0 + y1) / 2.0)));
            label(root, &clip(l, 34), (px - 8, py), &anchored(12, INK, HPos::Right, VPos::Center))?;
            let (vx, vy) = rel(root, chart.backend_coord(&(*v, (y0 + y1) / 2.0)));
            label(root, &fmt(*v), (vx + 5, vy), &anchored(10, INK, HPos::Left, VPos::Center))?;
        }
        if any_before {
            legend(
                root,
                &[(palette::NOW, "this period".into()), (INK, "| previous period".into())],
                230,
                12,
            )?;
        }
        Ok(())
    })
}

/// Histogram of values around a target, bins of `bin` width on each side of it: the shape that
/// shows values bunched just inside the target.
pub fn bunching(
    name: &str,
    title: &str,
    values: &[f64],
    target: f64,
    bin: f64,
    unit: &str,
) -> Result<Chart> {
    let span = 8.0;
    let (lo, hi) = (target - span * bin, target + span * bin);
    let nb = (2.0 * span) as usize;
    let mut counts = vec![0usize; nb];
    for v in values {
        if *v >= lo && *v < hi {
            counts[(((v - lo) / bin) as usize).min(nb - 1)] += 1;
        }
    }
    let ymax = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.15;
    draw(name, title, 320, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(lo..hi, 0f64..ymax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_labels(9)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc(format!("value ({unit}), bins of {bin:.0} {unit}"))
            .y_desc("count")
            .label_style(text(11, MUTED))
            .axis_desc_style(text(12, INK))
            .draw()
            .map_err(err)?;
        for (k, c) in counts.iter().enumerate() {
            let x0 = lo + k as f64 * bin;
            let inside_edge = (x0 + bin - target).abs() < bin * 1e-6;
            let col = if inside_edge { palette::ALERT } else { palette::NOW };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0 + bin * 0.06, 0.0), (x0 + bin * 0.94, *c as f64)],
                    col.filled(),
                )))
                .map_err(err)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(target, 0.0), (target, ymax)],
                INK.stroke_width(2),
            )))
            .map_err(err)?;
        let (px, py) = rel(root, chart.backend_coord(&(target, ymax * 0.96)));
        label(
            root,
            &format!("target {target:.0} {unit}"),
            (px + 6, py),
            &anchored(11, INK, HPos::Left, VPos::Center),
        )?;
        Ok(())
    })
}

/// Dot plot of levels 1–4 per aspect: hollow grey = previous round, filled = current.
pub fn dots(
    name: &str,
    title: &str,
    rows: &[(String, Option<f64>, Option<f64>)],
    levels: &[&str],
) -> Result<Chart> {
    let rh = 30;
    let height = 70 + rh * rows.len().max(1) as u32 + 30;
    draw(name, title, height, |root| {
        let plot = root.margin(34, 30, 200, 30);
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(30)
            .build_cartesian_2d(0.6f64..(levels.len() as f64 + 0.4), 0f64..rows.len().max(1) as f64)
            .map_err(err)?;
        let lv: Vec<String> = levels.iter().map(|s| s.to_string()).collect();
        chart
            .configure_mesh()
            .disable_y_axis()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .x_labels(levels.len())
            .x_label_formatter(&|v| {
                let i = v.round() as usize;
                if (v - v.round()).abs() < 1e-6 && i >= 1 {
                    lv.get(i - 1).map(|s| format!("{i} {s}")).unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .label_style(text(11, MUTED))
            .draw()
            .map_err(err)?;
        for (i, (l, before, now)) in rows.iter().enumerate() {
            let y = rows.len() as f64 - i as f64 - 0.5;
            if let (Some(b), Some(n)) = (before, now) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(*b, y), (*n, y)],
                        GRID.stroke_width(4),
                    )))
                    .map_err(err)?;
            }
            if let Some(b) = before {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (*b, y),
                        6,
                        palette::BEFORE.stroke_width(2),
                    )))
                    .map_err(err)?;
            }
            if let Some(n) = now {
                chart
                    .draw_series(std::iter::once(Circle::new((*n, y), 6, palette::NOW.filled())))
                    .map_err(err)?;
            }
            let (px, py) = rel(root, chart.backend_coord(&(0.6, y)));
            label(
                root,
                &clip(l, 28),
                (px - 10, py),
                &anchored(12, INK, HPos::Right, VPos::Center),
            )?;
        }
        legend(
            root,
            &[
                (palette::BEFORE, "previous round (median)".into()),
                (palette::NOW, "this round (median)".into()),
            ],
            200,
            14,
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_ramp_is_symmetric_and_sized() {
        for p in [2, 3, 4, 5, 6, 7] {
            assert_eq!(palette::scale(p).len(), p, "{p} points");
        }
        let five = palette::scale(5);
        assert_eq!(five[2], RGBColor(205, 205, 205), "odd scales have a grey neutral");
        assert_ne!(five[0], five[4]);
    }

    #[test]
    fn diverging_bars_centre_the_neutral_answer_of_each_scale() {
        // 5 points: 10 % + 20 % unfavourable, 30 % neutral -> starts at -(0.3 + 0.15).
        assert!((left_edge(&[0.1, 0.2, 0.3, 0.25, 0.15]) + 0.45).abs() < 1e-12);
        // 7 points in the same chart: three unfavourable answers, the fourth is neutral.
        assert!((left_edge(&[0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1]) + 0.5).abs() < 1e-12);
        // Even scales have no neutral: the bar starts at minus the unfavourable half.
        assert!((left_edge(&[0.2, 0.3, 0.3, 0.2]) + 0.5).abs() < 1e-12);
    }

    #[test]
    fn colours_are_stable_by_name() {
        let a = Colours::new(["payments", "identity", "search"]);
        let b = Colours::new(["search", "payments", "identity", "payments"]);
        for n in ["payments", "identity", "search"] {
            assert_eq!(a.of(n), b.of(n), "{n}");
        }
        assert_ne!(a.of("payments"), a.of("identity"));
    }

    #[test]
    fn log_ticks_are_one_two_five() {
        assert_eq!(log_ticks(0.8, 30.0), vec![1.0, 2.0, 5.0, 10.0, 20.0]);
        assert_eq!(log_ticks(1.0, 100_000.0), vec![1.0, 10.0, 100.0, 1000.0, 10_000.0, 100_000.0]);
        assert!(log_ticks(0.0, 1.0).is_empty());
    }

    #[test]
    fn clip_keeps_short_labels() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("a much longer label", 8), "a much…");
    }
}

/// Snapshot tests: each chart kind from fixed numbers, compared with `tests/snapshots/*.svg`
/// (regenerate with `UPDATE_SNAPSHOTS=1 cargo test snapshot`, then look at the diff and the
/// rendered PNGs before committing).
#[cfg(test)]
mod snapshots {
    use super::*;

    fn check(c: &Chart) {
        let path = format!("{}/tests/snapshots/{}.svg", env!("CARGO_MANIFEST_DIR"), c.name);
        if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
            std::fs::write(&path, &c.svg).unwrap();
            return;
        }
        let want =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing snapshot {path}"));
        assert!(
            c.svg == want,
            "chart {} differs from {path} (UPDATE_SNAPSHOTS=1 to regenerate)",
            c.name
        );
        assert!(c.svg.starts_with("<svg") && c.svg.contains("viewBox"), "{}", c.name);
    }

    #[test]
    fn snapshot_likert() {
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
        check(&likert("snap-likert", "Likert", &labels, &rows).unwrap());
    }

    #[test]
    fn snapshot_trends_with_break_and_rewording() {
        let p =
            |x, y, s, r| TrendPoint { x, y, lo: y - 0.04, hi: y + 0.04, series: s, reworded: r };
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
        let c = trends("snap-trends", "Trends", &rounds, &panels).unwrap();
        assert!(c.svg.contains("◆"), "rewording marker");
        check(&c);
    }

    #[test]
    fn snapshot_heatmap_draws_suppressed_cells() {
        let rows: Vec<String> = ["payments (n=148)", "search (n=116)"].map(String::from).to_vec();
        let cols: Vec<String> = ["CI", "Docs"].map(String::from).to_vec();
        let cells =
            vec![vec![Cell::Value(0.52), Cell::Suppressed], vec![Cell::Value(0.18), Cell::Missing]];
        let c = heatmap("snap-heatmap", "Heatmap", &rows, &cols, &cells, 5).unwrap();
        assert!(
            c.svg.contains("hidden") && c.svg.contains("fewer than 5 answers"),
            "suppressed cells say why"
        );
        assert!(!c.svg.contains(">52%<") || c.svg.contains("52%"));
        check(&c);
    }

    #[test]
    fn snapshot_line_with_bands_and_reference() {
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
        };
        check(&line(&spec, &Colours::default()).unwrap());
    }

    #[test]
    fn snapshot_bars_quadrant_bunching_dots() {
        check(
            &bars(
                "snap-bars",
                "Bars",
                "share (%)",
                &[("docs".into(), 0.14, Some(0.16)), ("ci".into(), 0.18, None)],
                true,
            )
            .unwrap(),
        );
        let d = vec![
            Driver { label: "CI".into(), score: 0.5, importance: 0.3 },
            Driver { label: "Docs".into(), score: 0.18, importance: 0.27 },
            Driver { label: "Deploys".into(), score: 0.52, importance: 0.33 },
        ];
        check(&quadrant("snap-quadrant", "Drivers", &d).unwrap());
        let v: Vec<f64> = (0..400)
            .map(|i| 400.0 + (i as f64 * 7.0) % 400.0)
            .chain((0..80).map(|i| 575.0 + (i % 25) as f64))
            .collect();
        check(&bunching("snap-bunching", "Bunching", &v, 600.0, 30.0, "s").unwrap());
        let rows = vec![
            ("adoption".into(), Some(2.0), Some(2.0)),
            ("investment".into(), Some(1.0), Some(2.0)),
        ];
        check(
            &dots(
                "snap-dots",
                "Maturity",
                &rows,
                &["Provisional", "Operational", "Scalable", "Optimizing"],
            )
            .unwrap(),
        );
    }

    #[test]
    fn every_snapshot_renders_to_a_non_blank_png() {
        {
            let c = bars("png-bars", "Bars", "n", &[("a".into(), 3.0, None)], false).unwrap();
            let png = crate::render::png::render(&c, 2.0).unwrap();
            let pix = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
            assert_eq!((pix.width(), pix.height()), (c.width * 2, c.height * 2));
            assert!(pix.data().chunks(4).any(|p| p[0] < 100), "drawn");
        }
    }
}
