//! The self-contained HTML page: one file, inline CSS and inline SVG charts, no scripts and no
//! network access; the layout reflows from a phone to a laptop.

use std::fmt::Write as _;

use super::spec::SectionKind;
use super::{Align, Block, Doc};

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(c),
        }
    }
    o
}

/// The page style. On a phone (issue 15) nothing makes the page itself scroll sideways: text
/// wraps anywhere it must, charts scale to the width, and what cannot shrink legibly (wide tables,
/// a wide heatmap) scrolls inside its own box (`.tw`). Such a box shows its cue only while it
/// overflows: edge shadows that move with the content (`background-attachment: local`, any
/// browser), and a "scroll →" line driven by the box's scroll timeline, which is inactive (so the
/// line stays hidden) when there is nothing to scroll.
const CSS: &str = "
:root{--ink:#212529;--muted:#5f6b76;--accent:#0072B2;--rule:#d7dbdf;--soft:#f4f5f7}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:16px/1.55 'DejaVu Sans',system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:920px;margin:0 auto;padding:24px 20px 64px;overflow-wrap:anywhere}
header.cover{border-bottom:1px solid var(--rule);padding-bottom:16px;margin-bottom:8px}
.org{color:var(--accent);font-weight:700;letter-spacing:.08em;text-transform:uppercase;font-size:.8rem}
h1{font-size:2rem;margin:.2em 0 .1em}
.sub{color:var(--muted);font-size:1.1rem;margin:0}
nav ol{columns:2;font-size:.9rem;padding-left:1.2em}
h3{font-size:1rem;margin:1.2em 0 .3em}
h2{color:var(--accent);font-size:1.35rem;margin:1.8em 0 .5em;border-top:1px solid var(--rule);padding-top:.8em}
figure{margin:1em 0}
figure svg{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:.85rem;margin-top:.3em}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:1em 0}
.kpi{background:var(--soft);border-radius:4px;padding:10px 12px;min-width:0}
.kpi .l{color:var(--muted);font-size:.8rem}.kpi .v{font-size:1.6rem;font-weight:700}.kpi .d{color:var(--muted);font-size:.75rem}
.sx{margin:1em 0;timeline-scope:--sx}
.tw{overflow-x:auto;scroll-timeline:--sx x;overscroll-behavior-x:contain;\
background:linear-gradient(90deg,#fff 40%,#fff0) 0 0/28px 100% no-repeat local,\
linear-gradient(270deg,#fff 40%,#fff0) 100% 0/28px 100% no-repeat local,\
radial-gradient(farthest-side at 0 50%,#0003,#0000) 0 0/12px 100% no-repeat scroll,\
radial-gradient(farthest-side at 100% 50%,#0003,#0000) 100% 0/12px 100% no-repeat scroll}
.tw:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.cue{height:0;overflow:hidden;visibility:hidden;text-align:right;color:var(--accent);font-size:.8rem;font-weight:700;line-height:1.6}
@supports (animation-timeline:scroll()){.cue{animation:cue linear both;animation-timeline:--sx}}
@keyframes cue{0%,85%{height:1.6em;visibility:visible;opacity:1}100%{height:1.6em;visibility:visible;opacity:.25}}
.cap{color:var(--muted);font-size:.85rem;padding-bottom:4px}
table{border-collapse:collapse;font-size:.85rem;min-width:100%;overflow-wrap:normal}
th{text-align:left;border-bottom:1.5px solid var(--muted);padding:4px 8px;vertical-align:bottom}
td{padding:4px 8px;border-bottom:1px solid #eef0f2;vertical-align:top;white-space:nowrap}
td.r,th.r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.w{white-space:normal;min-width:14em}
blockquote{margin:.6em 0;padding:.2em 0 .2em 12px;border-left:3px solid var(--rule);font-style:italic}
.note{color:var(--muted);font-size:.8rem}
.skip{background:var(--soft);padding:10px 12px;border-radius:4px;color:var(--muted);font-style:italic}
footer{color:var(--muted);font-size:.8rem;border-top:1px solid var(--rule);margin-top:3em;padding-top:1em}
@media (max-width:600px){nav ol{columns:1}h1{font-size:1.5rem}body{font-size:15px}main{padding:16px 14px 48px}\
figure.wide svg{min-width:720px}}
";

/// The page.
pub fn render(doc: &Doc) -> String {
    let m = &doc.meta;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
    <meta name=\"generator\" content=\"{gen}\">\n<title>{t}: {o}, {r}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        gen = esc(&m.generator),
        t = esc(&m.title),
        o = esc(&m.org),
        r = esc(&m.round)
    );
    let mut toc = String::new();
    for (i, s) in doc.sections.iter().enumerate().filter(|(_, s)| s.kind != SectionKind::Cover) {
        let _ = write!(toc, "<li><a href=\"#s{i}\">{}</a></li>", esc(&s.title));
    }
    for (i, s) in doc.sections.iter().enumerate() {
        if s.kind == SectionKind::Cover {
            let _ = write!(
                h,
                "<header class=\"cover\">\n<div class=\"org\">{}</div>\n<h1>{}</h1>\n<p class=\"sub\">{} · {}</p>\n",
                esc(&m.org),
                esc(&m.title),
                esc(&m.round),
                esc(&m.date_range)
            );
            blocks(&mut h, doc, &s.blocks);
            let _ = write!(h, "<nav><ol>{toc}</ol></nav>\n</header>\n");
            continue;
        }
        let _ = write!(h, "<section id=\"s{i}\">\n<h2>{}</h2>\n", esc(&s.title));
        if let Some(w) = &s.skipped {
            let _ = writeln!(h, "<p class=\"skip\">Skipped: {}</p>", esc(w));
        }
        blocks(&mut h, doc, &s.blocks);
        h.push_str("</section>\n");
    }
    let _ = write!(
        h,
        "<footer>Generated by {} on {}. Groups smaller than {} people are never shown.</footer>\n</main>\n</body>\n</html>\n",
        esc(&m.generator),
        esc(&m.date),
        m.min_group_size
    );
    h
}

fn blocks(h: &mut String, doc: &Doc, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Para { text } => {
                let _ = writeln!(h, "<p>{}</p>", esc(text));
            }
            Block::Subhead { text } => {
                let _ = writeln!(h, "<h3>{}</h3>", esc(text));
            }
            Block::List { items } => {
                h.push_str("<ul>");
                for i in items {
                    let _ = write!(h, "<li>{}</li>", esc(i));
                }
                h.push_str("</ul>\n");
            }
            Block::Kpis { items } => {
                h.push_str("<div class=\"kpis\">");
                for k in items {
                    let _ = write!(
                        h,
                        "<div class=\"kpi\"><div class=\"l\">{}</div><div class=\"v\">{}</div><div class=\"d\">{}</div></div>",
                        esc(&k.label),
                        esc(&k.value),
                        esc(&k.detail)
                    );
                }
                h.push_str("</div>\n");
            }
            Block::Figure { chart, caption, continued } => {
                figure(h, doc, chart, caption, *continued)
            }
            Block::Table { header, align, rows, caption } => table(h, header, align, rows, caption),
            Block::Quote { text } => {
                let _ = writeln!(h, "<blockquote>{}</blockquote>", esc(text));
            }
            Block::Note { text } => {
                let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(text));
            }
        }
    }
}

/// Charts whose text is too small to read once scaled to a phone's width: on a narrow screen
/// they keep a legible width and scroll inside their own box instead.
const WIDE: [&str; 1] = ["heatmap"];

/// A figure: the chart scales to the page width, or (a [`WIDE`] chart on a phone) scrolls in a
/// box with its cue.
fn figure(h: &mut String, doc: &Doc, chart: &str, caption: &str, continued: bool) {
    let Some(c) = doc.chart(chart) else {
        let _ = writeln!(h, "<figure><figcaption>{}</figcaption></figure>", esc(caption));
        return;
    };
    let svg = inline_svg(&c.svg, &c.title);
    let cont = if continued { "(continued) " } else { "" };
    let caption = format!("<figcaption>{cont}{}</figcaption>", esc(caption));
    if WIDE.iter().any(|w| c.name.starts_with(w)) {
        let _ = writeln!(
            h,
            "<figure class=\"wide\">{}{svg}</div></div>{caption}</figure>",
            scroll_open(&c.title)
        );
    } else {
        let _ = writeln!(h, "<figure>{svg}{caption}</figure>");
    }
}

/// A table in a box that scrolls sideways when the table is wider than the page.
fn table(h: &mut String, header: &[String], align: &[Align], rows: &[Vec<String>], caption: &str) {
    let cls = |i: usize| if align.get(i) == Some(&Align::Right) { " class=\"r\"" } else { "" };
    // Short cells (a round, a platform, a number) stay on one line, not broken at a hyphen; a
    // cell of running text wraps but keeps a readable measure instead of one word a line. The
    // box scrolls for what is left.
    let td = |i: usize, c: &str| {
        if c.chars().count() > 24 && align.get(i) != Some(&Align::Right) {
            " class=\"w\""
        } else {
            cls(i)
        }
    };
    if !caption.is_empty() {
        let _ = write!(h, "<div class=\"cap\">{}</div>", esc(caption));
    }
    h.push_str(&scroll_open(if caption.is_empty() { "table" } else { caption }));
    h.push_str("<table><thead><tr>");
    for (i, c) in header.iter().enumerate() {
        let _ = write!(h, "<th{}>{}</th>", cls(i), esc(c));
    }
    h.push_str("</tr></thead><tbody>");
    for r in rows {
        h.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let _ = write!(h, "<td{}>{}</td>", td(i, c), esc(c));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div></div>\n");
}

/// Opens a scroll box (`.sx` holding the "scroll →" cue and the scroller `.tw`); the caller
/// closes both `div`s. The scroller is focusable so a keyboard can scroll it.
fn scroll_open(label: &str) -> String {
    format!(
        "<div class=\"sx\"><div class=\"cue\" aria-hidden=\"true\">scroll →</div>\
         <div class=\"tw\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
        esc(label)
    )
}

/// The chart's SVG without its XML prolog, labelled for screen readers.
fn inline_svg(svg: &str, title: &str) -> String {
    let body = svg.trim_start();
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, b)| b).trim_start(),
        None => body,
    };
    body.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{}\" ", esc(title)), 1)
}
