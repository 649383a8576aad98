//! Histogram of values around a target (target bunching).

use super::*;

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
        mesh!(chart)
            .x_labels(9)
            .x_label_formatter(&|v| format::fixed(*v, 0))
            .y_label_formatter(&|v| format::fixed(*v, 0))
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
