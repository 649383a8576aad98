//! Segment × question heatmap of a share, with suppressed cells drawn hatched.

use super::*;

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

/// Longest row label drawn whole.
const ROW_CHARS: usize = 36;
/// Longest line of a column label; a longer label wraps onto a second line (issue 15: cutting it
/// lost the words that tell questions apart).
const COL_CHARS: usize = 42;

/// How many columns and rows of a heatmap fit one chart that fits one page, for these row
/// labels: (columns, rows).
pub fn heatmap_fit(rows: &[String]) -> (usize, usize) {
    let longest = rows.iter().map(|s| s.chars().count().min(ROW_CHARS)).max().unwrap_or(10);
    let x0 = (longest as i32 * 7 + 20).clamp(80, 280);
    (((WIDTH as i32 - x0 - 10) / 30) as usize, 24)
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
    // Room for the longest labels (DejaVu Sans: about 7 px a character at 12 px, 6.5 at 11),
    // so that nothing is cut; callers split wider or taller grids into several charts
    // ([`heatmap_fit`]).
    let longest = |v: &[String], max: usize| v.iter().map(|s| s.chars().count().min(max)).max();
    let x0 = (longest(rows, ROW_CHARS).unwrap_or(10) as i32 * 7 + 20).clamp(80, 280);
    let col_lines: Vec<Vec<String>> = cols.iter().map(|c| wrap_whole(c, COL_CHARS, 2)).collect();
    let col_chars = col_lines.iter().flatten().map(|l| l.chars().count()).max();
    let head = (col_chars.unwrap_or(10) as f64 * 6.5) as i32 + 16;
    let head = head.max(60);
    let cw = ((WIDTH as i32 - x0 - 10) / cols.len().max(1) as i32).clamp(30, 120);
    let rh = 26;
    let height = (head + rh * rows.len() as i32 + 40) as u32;
    draw(name, title, height, |root| {
        for (j, lines) in col_lines.iter().enumerate() {
            let x = x0 + j as i32 * cw + cw / 2;
            let style = text(11, INK)
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Left, VPos::Center));
            // Rotated, a second line sits to the right of the first, both within the column.
            let first = x - 6 * (lines.len() as i32 - 1);
            for (k, l) in lines.iter().enumerate() {
                label(root, l, (first + 12 * k as i32, head - 6), &style)?;
            }
        }
        for (i, r) in rows.iter().enumerate() {
            let y = head + i as i32 * rh;
            label(
                root,
                &clip(r, ROW_CHARS),
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
                            &format::pct_label(*v),
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
                            format::DASH,
                            (x + cw / 2, y + rh / 2),
                            &anchored(10, MUTED, HPos::Center, VPos::Center),
                        )?;
                    }
                }
            }
        }
        let y = head + rh * rows.len() as i32 + 16;
        for (k, v) in [0.0, 0.25, 0.5, 0.75, 1.0].iter().enumerate() {
            let x = 16 + k as i32 * 46;
            root.draw(&Rectangle::new([(x, y - 6), (x + 44, y + 6)], sequential(*v).filled()))
                .map_err(err)?;
            label(
                root,
                &format::pct_label(*v),
                (x + 22, y + 16),
                &anchored(9, MUTED, HPos::Center, VPos::Center),
            )?;
        }
        let x = 16 + 5 * 46 + 12;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: a column label longer than a line was cut at 42 characters; it wraps onto two
    /// lines instead, whole.
    #[test]
    fn heatmap_long_column_label_wraps_whole() {
        let long = "How easy is it to find the right documentation for a task you have not done";
        let rows = vec!["payments (n=148)".to_string()];
        let cols = vec![long.to_string(), "CI".to_string()];
        let cells = vec![vec![Cell::Value(0.4), Cell::Value(0.6)]];
        let c = heatmap("h", "Heatmap", &rows, &cols, &cells, 5).unwrap();
        assert!(!c.svg.contains('…'), "nothing cut");
        assert!(c.svg.contains("How easy is it to find the right"), "{}", c.svg);
        assert!(c.svg.contains("documentation for a task you have not done"), "{}", c.svg);
    }
}
