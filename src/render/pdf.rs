//! The PDF: Typst used as a library. The page design is a Typst template (`reports/quarterly.typ`
//! by default, or the one a spec names) that receives the [`Doc`] as JSON in
//! `sys.inputs.data` and every chart as the virtual file `charts/<name>.svg`, so charts stay
//! vector and text stays selectable. Fonts are the bundled ones only.

use anyhow::{Result, anyhow, bail};
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

use super::Doc;

/// Every page of a typeset document as a PNG at `pixel_per_pt` pixels per point, rendered by
/// Typst's own rasteriser (pages in parallel).
pub fn pages(document: &PagedDocument, pixel_per_pt: f64) -> Result<Vec<Vec<u8>>> {
    use rayon::prelude::*;
    let opts = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(pixel_per_pt),
        ..Default::default()
    };
    document
        .pages()
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let page = typst_render::render(page, &opts);
            // Paper is white: a page without a fill would otherwise be transparent.
            let mut pix = resvg::tiny_skia::Pixmap::new(page.width(), page.height())
                .ok_or_else(|| anyhow!("page {}: empty", i + 1))?;
            pix.fill(resvg::tiny_skia::Color::WHITE);
            pix.draw_pixmap(
                0,
                0,
                page.as_ref(),
                &resvg::tiny_skia::PixmapPaint::default(),
                resvg::tiny_skia::Transform::identity(),
                None,
            );
            super::png::encode(&pix).map_err(|e| anyhow!("page {}: encoding the PNG: {e}", i + 1))
        })
        .collect()
}

/// The built-in template (the repo's `reports/quarterly.typ`).
pub const TEMPLATE: &str = include_str!("../../reports/quarterly.typ");

/// `line:column` of a diagnostic in the template (or `?` when it points elsewhere).
fn locate(template: &str, d: &typst::diag::SourceDiagnostic) -> String {
    use typst::syntax::{DiagSpanKind, Source};
    let start = match d.span.get() {
        DiagSpanKind::Number { id, num, sub_range } => {
            Source::new(id, template.to_string()).range(num, sub_range).map(|r| r.start)
        }
        DiagSpanKind::Range { range, .. } => Some(range.start),
        DiagSpanKind::Detached => None,
    };
    let Some(start) = start.filter(|s| *s <= template.len()) else { return "?".into() };
    let before = &template[..start];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{col}")
}

/// Typesets `doc` with `template` into pages (the one layout the PDF and the page PNGs are both
/// made from). Typst warnings (a missing font, say) are errors: they mean the output is not what
/// the template asked for.
pub fn typeset(doc: &Doc, template: &str, template_name: &str) -> Result<PagedDocument> {
    let names: Vec<String> = doc.charts.iter().map(|c| format!("charts/{}.svg", c.name)).collect();
    let engine = TypstEngine::builder()
        .main_file(template.to_string())
        .fonts(super::fonts::ALL)
        .with_static_file_resolver(
            names.iter().zip(&doc.charts).map(|(n, c)| (n.as_str(), c.svg.as_bytes())),
        )
        .build();
    let mut inputs = Dict::new();
    inputs.insert("data".into(), serde_json::to_string(doc)?.into_value());
    let warned = engine.compile_with_input::<_, PagedDocument>(inputs);
    let document = warned.output.map_err(|e| match e {
        typst_as_lib::TypstAsLibError::TypstSource(diags) => anyhow!(
            "typesetting the report failed:\n{}",
            diags
                .iter()
                .map(|d| format!("{template_name}:{}: {}", locate(template, d), d.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        e => anyhow!("typesetting the report: {e}"),
    })?;
    if let Some(w) = warned.warnings.first() {
        bail!(
            "typesetting the report: {template_name}:{}: {} ({} warning(s))",
            locate(template, w),
            w.message,
            warned.warnings.len()
        );
    }
    Ok(document)
}

/// The PDF of a typeset document.
pub fn pdf(doc: &Doc, document: &PagedDocument) -> Result<Vec<u8>> {
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!(
            "pulse {} {}",
            doc.meta.org, doc.meta.round
        )),
        creator: typst::foundations::Smart::Custom(Some(doc.meta.generator.clone())),
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(document, &options).map_err(|e| {
        anyhow!(
            "writing the PDF: {}",
            e.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")
        )
    })?;
    Ok(pdf)
}
