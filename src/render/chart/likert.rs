//! Diverging stacked bars of answer shares (one row per question).

use super::*;

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
    // Taller rows when a label needs more lines: every label is shown whole.
    let nl = rows.iter().map(|r| wrap(&r.label, 44, 8).len()).max().unwrap_or(1).clamp(1, 8);
    let row_h = 16 + 10 * nl as u32;
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
                        &format::pct_label(*s),
                        (px, py),
                        &anchored(10, ink, HPos::Center, VPos::Center),
                    )?;
                }
                x += s;
            }
            let (px, py) = rel(root, chart.backend_coord(&(-1.0, (y0 + y1) / 2.0)));
            // As many lines as the longest label needs, never cut.
            let lines = wrap_whole(&r.label, 44, nl);
            let top = py - 5 - 6 * (lines.len() as i32 - 1);
            for (k, l) in lines.iter().enumerate() {
                label(
                    root,
                    l,
                    (px - 8, top + 12 * k as i32),
                    &anchored(12, INK, HPos::Right, VPos::Center),
                )?;
            }
            label(
                root,
                &format!("n = {}", r.n),
                (px - 8, top + 12 * lines.len() as i32 + 1),
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
                &format::pct_label(f64::abs(t)),
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
            colours.iter().copied().zip(labels.iter().cloned()).collect();
        legend(root, &items, 20, 14)?;
        let _ = w;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A question of 130 characters (a real export's unshortened wording) is drawn whole, over
    /// as many lines as it needs; the rows grow to hold them.
    #[test]
    fn long_labels_are_wrapped_never_cut() {
        let long = "Generally speaking, how would you rate your level of knowledge of cuisines \
                    from different parts of the world, including your own region?";
        let rows = vec![
            LikertRow { label: long.into(), n: 40, shares: vec![0.2; 5] },
            LikertRow { label: "Short".into(), n: 40, shares: vec![0.2; 5] },
        ];
        let labels: Vec<String> = (1..=5).map(|v| v.to_string()).collect();
        let c = likert("l", "Likert", &labels, &rows).unwrap();
        assert!(!c.svg.contains('…'), "a label is cut");
        let texts: String = c
            .svg
            .split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>'))
            .map(|x| x.1.split("</text>").next().unwrap_or("").trim().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(texts.contains(long), "the whole question, line after line: {texts}");
        let short = likert("s", "Likert", &labels, &rows[1..]).unwrap();
        assert!(c.height > short.height + 40, "rows grow with the lines they hold");
    }
}
