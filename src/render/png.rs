//! Chart PNGs: the chart's SVG rasterised by resvg at 2× for slides, with the bundled fonts
//! (plotters writes `font-family="sans-serif"`, mapped here to DejaVu Sans).

use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};
use resvg::{tiny_skia, usvg};

use super::Chart;

fn options() -> &'static usvg::Options<'static> {
    static OPT: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPT.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for f in super::fonts::ALL {
            db.load_font_data(f.to_vec());
        }
        db.set_sans_serif_family(super::fonts::FAMILY);
        usvg::Options { fontdb: Arc::new(db), ..usvg::Options::default() }
    })
}

/// The chart as a PNG at `scale`× its SVG size (no timestamps or other metadata in the file).
pub fn render(chart: &Chart, scale: f32) -> Result<Vec<u8>> {
    let tree = usvg::Tree::from_str(&chart.svg, options())
        .with_context(|| format!("chart {}: reading its SVG", chart.name))?;
    let (w, h) = ((chart.width as f32 * scale) as u32, (chart.height as f32 * scale) as u32);
    let mut pix = tiny_skia::Pixmap::new(w, h).context("empty chart")?;
    pix.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pix.as_mut());
    encode(&pix).with_context(|| format!("chart {}: encoding the PNG", chart.name))
}

/// An opaque pixmap (white background) as an 8-bit RGBA PNG, encoded with png's fast mode (Up
/// filter, fdeflate): report pages and charts are mostly flat colour, so it compresses nearly as
/// well as zlib's default level at a fraction of the time. Opaque pixels are the same
/// premultiplied or not, so the pixmap's bytes are written as they are.
pub fn encode(pix: &tiny_skia::Pixmap) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(pix.data().len() / 16);
    let mut enc = png::Encoder::new(&mut out, pix.width(), pix.height());
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fastest);
    let mut w = enc.write_header()?;
    w.write_image_data(pix.data())?;
    w.finish()?;
    Ok(out)
}
