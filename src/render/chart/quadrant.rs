//! Importance × score quadrant of the drivers.

use super::*;

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

/// The quadrant of a driver for the split `(score, importance)`: the one name the chart and the
/// report's table both use.
pub fn quadrant_name(score: f64, importance: f64, split: (f64, f64)) -> &'static str {
    match (importance >= split.1, score >= split.0) {
        (true, false) => "fix first",
        (true, true) => "keep",
        (false, true) => "maintain",
        (false, false) => "monitor",
    }
}

/// The split lines: the median score and the median importance of `points` (numpy's 50th
/// percentile). The report computes it once and passes it to both the chart and its table.
pub fn quadrant_split(points: &[Driver]) -> (f64, f64) {
    use crate::analyse::quantile::{percentile, sorted};
    let median = |v: Vec<f64>| percentile(&sorted(v), 50.0).unwrap_or(0.0);
    (
        median(points.iter().map(|p| p.score).collect()),
        median(points.iter().map(|p| p.importance).collect()),
    )
}

/// Longest line of a driver's label; a longer one wraps onto a second line.
const LABEL_CHARS: usize = 28;

/// Importance × score quadrant, split at `split` (from [`quadrant_split`]); "fix first" is top
/// left.
pub fn quadrant(name: &str, title: &str, points: &[Driver], split: (f64, f64)) -> Result<Chart> {
    let (mx, my) = split;
    let ymax = points.iter().map(|p| p.importance).fold(0.1f64, f64::max) * 1.15;
    let ymin = points.iter().map(|p| p.importance).fold(0.0f64, f64::min);
    draw(name, title, 460, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..1f64, ymin..ymax)
            .map_err(err)?;
        mesh!(chart)
            .x_desc("score: top-box share (%)")
            .y_desc("importance: Spearman ρ with the outcome")
            .x_label_formatter(&|v| format::pct_tick(*v))
            .y_label_formatter(&|v| format::fixed(*v, 2))
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
        // Labels go right of their point on one or two lines (issue 15: a cut label lost the
        // words that tell drivers apart), nudged up or down (with a leader) when they would
        // overlap one already placed; widths are estimated at 6 px per character, lines are
        // 12 px apart.
        let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
        let dots: Vec<(i32, i32)> = points
            .iter()
            .map(|p| rel(root, chart.backend_coord(&(p.score, p.importance))))
            .collect();
        for p in points {
            let fix = quadrant_name(p.score, p.importance, split) == "fix first";
            let c = if fix { palette::ALERT } else { palette::NOW };
            chart
                .draw_series(std::iter::once(Circle::new((p.score, p.importance), 5, c.filled())))
                .map_err(err)?;
            let (px, py) = rel(root, chart.backend_coord(&(p.score, p.importance)));
            let lines = wrap_whole(&p.label, LABEL_CHARS, 2);
            let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            let w = 6 * chars as i32;
            // A label that would run off the right edge goes left of its point instead.
            let left = px + 8 + w > WIDTH as i32 - 8;
            let (x0, x1) = if left { (px - 8 - w, px - 8) } else { (px + 8, px + 8 + w) };
            let half = 6 * lines.len() as i32;
            // Free: no label placed there and no dot (other than its own) under the text.
            let free = |y: i32| {
                placed.iter().all(|&(a, b, yy, hh)| (yy - y).abs() >= half + hh || b < x0 || a > x1)
                    && dots.iter().all(|&(dx, dy)| {
                        (dx, dy) == (px, py)
                            || (dy - y).abs() >= half + 5
                            || dx < x0 - 6
                            || dx > x1 + 6
                    })
            };
            let y = [0, 12, -12, 24, -24, 36, -36, 48, -48]
                .iter()
                .map(|d| py + d)
                .find(|y| free(*y))
                .unwrap_or(py);
            if y != py {
                root.draw(&PathElement::new(
                    if left {
                        vec![(px - 4, py), (x1 + 2, y)]
                    } else {
                        vec![(px + 4, py), (x0 - 2, y)]
                    },
                    MUTED.stroke_width(1),
                ))
                .map_err(err)?;
            }
            placed.push((x0, x1, y, half));
            let top = y - 6 * (lines.len() as i32 - 1);
            for (k, l) in lines.iter().enumerate() {
                let (x, h) = if left { (x1, HPos::Right) } else { (x0, HPos::Left) };
                label(root, l, (x, top + 12 * k as i32), &anchored(10, INK, h, VPos::Center))?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `text-anchor` of the SVG text element that holds `needle`.
    fn anchor<'a>(svg: &'a str, needle: &str) -> &'a str {
        let at = svg.find(needle).unwrap_or_else(|| panic!("{needle:?} in {svg}"));
        let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
        tag.split("text-anchor=\"").nth(1).and_then(|r| r.split('"').next()).unwrap()
    }

    /// Issue 15: a driver's label was cut at 28 characters; it wraps onto two lines instead.
    #[test]
    fn quadrant_long_label_wraps_whole() {
        let d = vec![
            Driver {
                label: "I can get a new service to production without filing a ticket".into(),
                score: 0.28,
                importance: 0.39,
            },
            Driver { label: "CI".into(), score: 0.5, importance: 0.3 },
        ];
        let c = quadrant("q", "Drivers", &d, quadrant_split(&d)).unwrap();
        assert!(!c.svg.contains('…'), "nothing cut");
        assert_eq!(anchor(&c.svg, "I can get a new service to"), "start", "right of its point");
        for line in ["I can get a new service to", "production without filing a ticket"] {
            assert!(c.svg.contains(line), "{line:?} in {}", c.svg);
        }
    }

    /// A label near the right edge goes left of its point rather than off the chart.
    #[test]
    fn quadrant_label_near_the_right_edge_goes_left() {
        let d = vec![
            Driver {
                label: "Self-service infrastructure portal".into(),
                score: 0.97,
                importance: 0.3,
            },
            Driver { label: "CI".into(), score: 0.2, importance: 0.1 },
        ];
        let c = quadrant("q", "Drivers", &d, quadrant_split(&d)).unwrap();
        assert_eq!(anchor(&c.svg, "Self-service infrastructure"), "end", "{}", c.svg);
    }
}
