//! The bundled fonts (DejaVu Sans, Bitstream Vera licence in `reports/fonts/`). Reports never
//! read system fonts, so they look the same on every machine and in CI.

/// DejaVu Sans.
pub const REGULAR: &[u8] = include_bytes!("../../reports/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../../reports/fonts/DejaVuSans-Bold.ttf");
/// DejaVu Sans Oblique.
pub const OBLIQUE: &[u8] = include_bytes!("../../reports/fonts/DejaVuSans-Oblique.ttf");
/// Every bundled face.
pub const ALL: [&[u8]; 3] = [REGULAR, BOLD, OBLIQUE];
/// The family name the template and the SVG renderer use.
pub const FAMILY: &str = "DejaVu Sans";
