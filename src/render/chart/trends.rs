//! Small multiples of top-box share per round, with intervals, scale breaks and rewording marks.

use super::*;

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

/// Small multiples, three per row: favourable share per round with its 95 % band; the line
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
                (palette::NOW, "favourable share (%)".into()),
                (RGBColor(191, 219, 236), "95 % interval".into()),
            ],
            20,
            14,
        )?;
        label(
            root,
            "◆ wording changed   | scale changed (line breaks)   ▼ lower is better, reversed",
            (330, 14),
            &anchored(11, MUTED, HPos::Left, VPos::Center),
        )?;
        let body = root.margin(30, 0, 0, 0);
        let areas = body.split_evenly((prow, cols));
        for (p, area) in panels.iter().zip(areas.iter()) {
            // The panel title on up to two lines (whole, not cut), then the plot below it.
            for (k, l) in wrap(&p.title, 42, 2).iter().enumerate() {
                let (w, _) = area.dim_in_pixel();
                label(
                    area,
                    l,
                    (w as i32 / 2, 9 + 12 * k as i32),
                    &anchored(11, INK, HPos::Center, VPos::Center),
                )?;
            }
            let plot = area.margin(24, 0, 0, 0);
            let mut chart = ChartBuilder::on(&plot)
                .margin(6)
                .x_label_area_size(22)
                .y_label_area_size(34)
                .build_cartesian_2d(-0.3f64..(rounds.len() as f64 - 0.7), 0f64..1f64)
                .map_err(err)?;
            let r = rounds.to_vec();
            mesh!(chart)
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
                .y_label_formatter(&|v| format::pct_tick(*v))
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
