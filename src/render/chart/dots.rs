//! Dot plot of maturity levels, previous vs current round.

use super::*;

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
        mesh!(chart)
            .disable_y_axis()
            .disable_y_mesh()
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
