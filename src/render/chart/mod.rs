//! Charts as SVG, drawn with plotters' SVG backend only (no system fonts: the text is laid out
//! later by Typst for the PDF and by resvg for PNGs, both with the bundled fonts). One file per
//! chart kind; this one holds what they share: the canvas, palette, text styles, labels, legends
//! and axis helpers.
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

use crate::report::format;

/// The axes and grid every chart starts from: major grid lines in light grey, no minor ones.
macro_rules! mesh {
    ($chart:expr) => {
        $chart.configure_mesh().light_line_style(TRANSPARENT).bold_line_style(GRID)
    };
}

mod bars;
mod bunching;
mod dots;
mod heatmap;
mod likert;
mod line;
mod quadrant;
#[cfg(test)]
mod snapshots;
mod trends;

pub use bars::bars;
pub use bunching::bunching;
pub use dots::dots;
pub use heatmap::{Cell, heatmap, heatmap_fit};
pub use likert::{LikertRow, left_edge, likert};
pub use line::{Band, Line, Point, line};
pub use quadrant::{Driver, quadrant, quadrant_name, quadrant_split};
pub use trends::{TrendPanel, TrendPoint, trends};

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

/// Breaks a label into at most `lines` lines of at most `max` characters at spaces, so a long
/// label is shown whole; only what still does not fit ends in an ellipsis.
pub fn wrap(s: &str, max: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in s.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > max {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    if out.len() > lines {
        let rest = out[lines - 1..].join(" ");
        out.truncate(lines - 1);
        out.push(rest);
    }
    out.into_iter().map(|l| clip(&l, max)).collect()
}

/// Like [`wrap`], but never cuts: the lines grow past `max` characters (as little as they must)
/// until the whole label fits on `lines` lines.
pub fn wrap_whole(s: &str, max: usize, lines: usize) -> Vec<String> {
    let whole = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (max..whole.chars().count().max(max) + 1)
        .map(|w| wrap(s, w, lines))
        .find(|l| l.join(" ") == whole)
        .unwrap_or_else(|| vec![whole])
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

/// Draws a legend row of (colour, label) swatches starting at `(x, y)`.
/// A legend from `x` at height `y`: swatch and label per item, whole labels always. When the
/// items do not fit the width at 11 px, the text gets smaller (9, then 8 px), and only then
/// wraps onto a second row below.
fn legend(area: &Area<'_>, items: &[(RGBColor, String)], x: i32, y: i32) -> Result<()> {
    let avail = area.dim_in_pixel().0 as i32 - x - 8;
    let width = |size: i32, l: &String| 22 + (l.chars().count() as i32) * (size * 7 / 11).max(5);
    let size = [11, 9, 8]
        .into_iter()
        .find(|&z| items.iter().map(|(_, l)| width(z, l)).sum::<i32>() <= avail)
        .unwrap_or(8);
    let (mut cx, mut cy) = (x, y);
    for (c, l) in items {
        let w = width(size, l);
        if cx > x && cx + w > x + avail {
            (cx, cy) = (x, cy + size + 4);
        }
        area.draw(&Rectangle::new([(cx, cy - 5), (cx + 10, cy + 5)], c.filled())).map_err(err)?;
        label(area, l, (cx + 14, cy), &anchored(size as u32, INK, HPos::Left, VPos::Center))?;
        cx += w;
    }
    Ok(())
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
    fn wrap_keeps_long_labels_whole_on_two_lines() {
        assert_eq!(wrap("short", 10, 2), ["short"]);
        assert_eq!(
            wrap("How often do flaky tests block your work", 24, 2),
            ["How often do flaky tests", "block your work"]
        );
        assert_eq!(wrap("a b c d e f g h", 3, 2), ["a b", "c…"]);
    }

    #[test]
    fn wrap_whole_never_cuts() {
        assert_eq!(wrap_whole("short", 10, 2), ["short"]);
        assert_eq!(wrap_whole("a b c d e f g h", 3, 2), ["a b c d", "e f g h"]);
        assert_eq!(wrap_whole("averyverylongword and", 5, 2), ["averyverylongword", "and"]);
    }

    #[test]
    fn clip_keeps_short_labels() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("a much longer label", 8), "a much…");
    }
}
