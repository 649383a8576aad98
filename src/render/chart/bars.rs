//! Horizontal bars with an optional "before" marker.

use super::*;

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
    let fmt = move |v: f64| if percent { format::pct_label(v) } else { format::count_or_value(v) };
    draw(name, title, height, |root| {
        let plot = root.margin(28, 50, 230, 20);
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(34)
            .build_cartesian_2d(0f64..xmax, 0f64..rows.len().max(1) as f64)
            .map_err(err)?;
        mesh!(chart)
            .disable_y_axis()
            .disable_y_mesh()
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
