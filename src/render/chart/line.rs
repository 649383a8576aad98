//! A line over periods with error bars, shaded bands (DORA levels), a reference line and an
//! optional log axis.

use super::*;

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
    /// The periods on the x axis (empty: those of the points), so continuation charts share it.
    pub periods: Vec<String>,
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
        .chain(spec.periods.iter().cloned())
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
                mesh!(chart)
                    .x_labels(labels.len().min(16))
                    .x_label_formatter(&xfmt)
                    .y_labels(if spec.log { 4 } else { 6 })
                    // Log axes get their own 1-2-5 ticks below (plotters' are too sparse).
                    .y_label_formatter(&|v: &f64| {
                        if spec.log { String::new() } else { format::fixed(*v, dec) }
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
                            &format::trim_num(t),
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
                    // Series side by side within their period: at most half a period in all.
                    let n = spec.series.len() as f64;
                    let off = if multi {
                        (k as f64 - (n - 1.0) / 2.0) * (0.5 / n).min(0.06)
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
                                &format::fixed(p.value, dec),
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
