//! The HTML report on a 390 px phone (issue 15: "on a 390 px phone the HTML cuts charts and
//! tables at the right edge with no sign that they scroll"). Headless Chromium lays out the demo
//! report and a wide one (80 rated items, 12 teams) at 390 px; a probe script measures whether
//! the page itself scrolls sideways, which element sticks out furthest, and whether every box
//! that does scroll shows its "scroll →" cue (and no box that fits shows one).
//!
//! Headless Chromium will not make its window narrower than 500 px (`--window-size=390,…` still
//! lays out at 500 and crops the screenshot), so the report is loaded into a 390 px wide
//! `<iframe>`: a true 390 px layout viewport, media queries included. The probe posts its
//! numbers to the outer page, which `--dump-dom` prints. No driver needed.

use super::*;

/// Appended to a copy of the report: after load (and two frames, so scroll timelines have
/// ticked) it measures the page and posts one line to the parent.
const PROBE: &str = r"<script>
addEventListener('load', function () { requestAnimationFrame(function () { requestAnimationFrame(function () {
  var de = document.documentElement, cw = de.clientWidth, worst = null, right = cw;
  function inBox(el) {
    for (var p = el; p && p !== document.body; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    return false;
  }
  function check(el, box, r) { if (r.width > 0 && r.right > right + 1 && !inBox(box)) { right = r.right; worst = el; } }
  document.querySelectorAll('body *').forEach(function (el) { check(el, el.parentElement, el.getBoundingClientRect()); });
  // Text that overflows its element (a long word) widens the page without widening the element.
  var walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), range = document.createRange();
  for (var n = walk.nextNode(); n; n = walk.nextNode()) {
    if (!n.parentElement || !n.textContent.trim()) continue;
    range.selectNodeContents(n);
    check(n.parentElement, n.parentElement, range.getBoundingClientRect());
  }
  var boxes = 0, over = 0, uncued = [], stray = [];
  document.querySelectorAll('.tw').forEach(function (el) {
    boxes++;
    var cue = el.parentElement.querySelector('.cue'), cs = cue && getComputedStyle(cue);
    var shown = !!cs && cs.visibility === 'visible' && cue.offsetHeight > 0 && parseFloat(cs.opacity) > 0.5;
    var label = el.getAttribute('aria-label');
    if (el.scrollWidth > el.clientWidth + 1) { over++; if (!shown) uncued.push(label); }
    else if (shown) stray.push(label);
  });
  var name = worst ? worst.tagName.toLowerCase() + (worst.getAttribute('class') ? '.' + worst.getAttribute('class') : '') : 'none';
  parent.postMessage('scrollWidth=' + de.scrollWidth + ' clientWidth=' + cw + ' widest=' + name.replace(/ /g, '.')
    + ' boxes=' + boxes + ' overflowing=' + over + ' uncued=' + uncued.join('|') + ' stray=' + stray.join('|'), '*');
}); }); });
</script>
";

/// What the probe measured at 390 px.
#[derive(Debug)]
struct Probe {
    /// `document.documentElement.scrollWidth`: wider than `client_width` = the page scrolls.
    scroll_width: u32,
    /// The layout viewport's width.
    client_width: u32,
    /// The element that sticks out furthest to the right (outside any scroll box), or "none".
    widest: String,
    /// Scroll boxes (`.tw`) on the page.
    boxes: u32,
    /// Scroll boxes whose content is wider than the box.
    overflowing: u32,
    /// Labels of overflowing boxes that show no cue.
    uncued: String,
    /// Labels of boxes that fit but show a cue anyway.
    stray: String,
}

/// Lays `report` out at 390 px and measures it. Also writes a screenshot of the first 1400 px to
/// `$PULSE_KEEP_SCREENSHOTS/phone-NAME.png` (and the page beside it) when that is set.
fn probe(t: &CliTest, report: &Path, name: &str) -> Option<Probe> {
    let bin = chromium()?;
    let html = std::fs::read_to_string(report).unwrap();
    let inner = t.path(&format!("{name}-probe.html"));
    std::fs::write(&inner, format!("{html}{PROBE}")).unwrap();
    let frame = |height: u32| {
        format!(
            "<!DOCTYPE html><html><body style=\"margin:0\">\
             <iframe src=\"{name}-probe.html\" style=\"border:0;width:390px;height:{height}px;display:block\"></iframe>\
             <pre id=\"probe\">no answer</pre><script>addEventListener('message', function (e) \
             {{ document.getElementById('probe').textContent = e.data; }});</script></body></html>"
        )
    };
    let outer = t.path(&format!("{name}-phone.html"));
    std::fs::write(&outer, frame(900)).unwrap();
    let dom = run_chromium(bin, t, &outer, (500, 940), "--dump-dom", "phone").0;
    let line = dom
        .split_once("<pre id=\"probe\">")
        .and_then(|(_, r)| r.split_once("</pre>"))
        .map(|(l, _)| l.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
        .unwrap_or_else(|| panic!("no probe in chromium's DOM of {name}:\n{dom}"));
    let field = |k: &str| {
        line.split(' ')
            .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("probe says no {k}: {line}"))
            .to_string()
    };
    let num = |k: &str| field(k).parse::<u32>().unwrap_or_else(|_| panic!("{k}: {line}"));
    let uncued = line.split_once(" uncued=").map(|(_, r)| r.split(" stray=").next().unwrap());
    let p = Probe {
        scroll_width: num("scrollWidth"),
        client_width: num("clientWidth"),
        widest: field("widest"),
        boxes: num("boxes"),
        overflowing: num("overflowing"),
        uncued: uncued.unwrap_or_default().to_string(),
        stray: line.split_once(" stray=").map(|(_, r)| r.to_string()).unwrap_or_default(),
    };
    eprintln!("{name} at 390 px: {p:?}");
    if let Ok(keep) = std::env::var("PULSE_KEEP_SCREENSHOTS") {
        std::fs::write(&outer, frame(1400)).unwrap();
        let shot = Path::new(&keep).join(format!("phone-{name}.png"));
        run_chromium(
            bin,
            t,
            &outer,
            (500, 1440),
            &format!("--screenshot={}", shot.display()),
            "phone",
        );
        std::fs::copy(report, Path::new(&keep).join(format!("phone-{name}.html"))).unwrap();
    }
    Some(p)
}

/// The page body never scrolls sideways, and every box that scrolls says so.
fn assert_fits(p: &Probe, what: &str) {
    assert_eq!(p.client_width, 390, "{what}: the layout viewport is a phone's: {p:?}");
    assert!(
        p.scroll_width <= p.client_width + 1,
        "{what} scrolls sideways at 390 px ({} > {}): widest element {}",
        p.scroll_width,
        p.client_width,
        p.widest
    );
    assert!(p.boxes > 0, "{what}: tables sit in scroll boxes: {p:?}");
    assert!(p.uncued.is_empty(), "{what}: boxes that scroll without a cue: {}", p.uncued);
    assert!(p.stray.is_empty(), "{what}: boxes that fit but show a cue: {}", p.stray);
}

/// Issue 15: the demo report on a phone.
#[test]
fn html_demo_fits_a_phone() {
    let (t, dir) = demo();
    let Some(p) = probe(t, &dir.join("report.html"), "demo") else { return };
    assert_fits(&p, "the demo report");
}

/// Issue 15: a wide report (80 rated items, 12 teams) on a phone: the heatmap keeps a legible
/// width and scrolls in its own box, with the cue.
#[test]
fn html_wide_report_fits_a_phone() {
    let t = CliTest::new();
    t.workspace();
    t.write("q2.csv", super::scale::round(5, 0).as_bytes());
    t.write("q3.csv", super::scale::round(8, 1).as_bytes());
    t.ok(&["-w", "ws", "import", "survey", "q2.csv", "--round", "2026-Q2"]);
    t.ok(&["-w", "ws", "import", "survey", "q3.csv", "--round", "2026-Q3"]);
    t.ok(&["-w", "ws", "report", "--formats", "html", "--out", "out"]);
    let Some(p) = probe(&t, &t.path("out/report.html"), "wide") else { return };
    assert_fits(&p, "the wide report");
    assert!(p.overflowing > 0, "the heatmap scrolls in its box at 390 px: {p:?}");
}
