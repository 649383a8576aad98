//! A report that holds a large survey (issue 15): 80 rated items, 12 teams, two rounds. Every
//! item appears in the trend and Likert figures and every team in the heatmap, nothing is cut
//! (no label ends in "…"), and the figures that do not fit a page continue on the next.

use std::fmt::Write as _;

use super::*;

const TEAMS: usize = 12;
const PER_TEAM: usize = 9;
const ITEMS: usize = 40;

const AGREE: [&str; 5] =
    ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];
const SATISFIED: [&str; 5] = [
    "Very dissatisfied",
    "Dissatisfied",
    "Neither satisfied nor dissatisfied",
    "Satisfied",
    "Very satisfied",
];

/// The short label each item should get: what tells it from its siblings.
fn items() -> Vec<(String, String)> {
    let mut v = Vec::new();
    for i in 1..=ITEMS {
        v.push((
            format!("Please rate how much you like the traditional widget {i:02} flow"),
            format!("Widget {i:02} flow"),
        ));
        v.push((
            format!(
                "How satisfied are you with the following parts of the platform? [Console {i:02}]"
            ),
            format!("Console {i:02}"),
        ));
    }
    v
}

fn team(t: usize) -> String {
    format!("squad-{:02}-{}", t + 1, ["north", "south", "east", "west"][t % 4])
}

/// A round as a plain CSV: deterministic answers, a little better in the second round.
pub(crate) fn round(month: u32, lift: usize) -> String {
    let items = items();
    let mut s = String::from("Timestamp,Team");
    for (text, _) in &items {
        write!(s, ",\"{text}\"").unwrap();
    }
    s.push('\n');
    let mut x: u64 = 0x2545_f491_4f6c_dd1d ^ u64::from(month);
    for r in 0..TEAMS * PER_TEAM {
        write!(s, "2026-{month:02}-{:02} 10:{:02}:00,{}", 1 + r % 27, r % 60, team(r / PER_TEAM))
            .unwrap();
        for k in 0..items.len() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = ((x % 5) as usize + lift + (k % 3)).min(6).saturating_sub(1).min(4);
            let scale = if k % 2 == 0 { &AGREE } else { &SATISFIED };
            write!(s, ",{}", scale[v]).unwrap();
        }
        s.push('\n');
    }
    s
}

/// Every text of the charts whose file name starts with one of `prefixes`.
fn svgs(dir: &Path, prefixes: &[&str]) -> (Vec<String>, String) {
    let mut names = Vec::new();
    let mut all = String::new();
    let mut files: Vec<_> =
        std::fs::read_dir(dir.join("charts")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for p in files {
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        if p.extension().is_some_and(|e| e == "svg") && prefixes.iter().any(|x| name.starts_with(x))
        {
            all.push_str(&std::fs::read_to_string(&p).unwrap());
            names.push(name);
        }
    }
    (names, all)
}

/// Issue 15: a 60-question survey cut the trends at 21 of 40 panels and the heatmap at the right
/// edge, with nothing saying so.
/// A workspace `ws` with the large survey as rounds 2026-Q2 and 2026-Q3.
fn large_survey() -> CliTest {
    let t = CliTest::new();
    t.workspace();
    t.write("q2.csv", round(5, 0).as_bytes());
    t.write("q3.csv", round(8, 1).as_bytes());
    t.ok(&["-w", "ws", "import", "survey", "q2.csv", "--round", "2026-Q2"]);
    t.ok(&["-w", "ws", "import", "survey", "q3.csv", "--round", "2026-Q3"]);
    t
}

#[test]
fn report_large_survey_shows_every_item_and_team() {
    let t = large_survey();
    t.ok(&["-w", "ws", "report", "--formats", "pdf,png", "--out", "out"]);
    let dir = t.path("out");
    let items = items();
    for (prefix, what) in [("trends", "trend"), ("likert", "Likert"), ("heatmap", "heatmap")] {
        let (names, all) = svgs(&dir, &[prefix]);
        assert!(names.len() >= 2, "the {what} figure continues: {names:?}");
        assert!(!all.contains('…'), "a {what} label is cut");
        for (text, label) in &items {
            assert!(all.contains(label.as_str()), "{what} figure misses {label:?} ({text})");
        }
    }
    let (_, heat) = svgs(&dir, &["heatmap"]);
    for k in 0..TEAMS {
        assert!(
            heat.contains(&format!("{} (n={PER_TEAM})", team(k))),
            "heatmap misses {}",
            team(k)
        );
    }
    let Some(pdf) = super::pdf_text(&dir.join("report.pdf")) else { return };
    assert!(pdf.contains("(continued)"), "continuation figures say so");
    for (_, label) in &items {
        assert!(pdf.contains(label.as_str()), "the PDF misses {label:?}");
    }
    for k in 0..TEAMS {
        assert!(pdf.contains(&team(k)), "the PDF misses {}", team(k));
    }
}

/// Issue 15: 40 telemetry capabilities (services) in the delivery section: every one is in the
/// adoption chart's legend, and no label is cut.
#[test]
fn report_with_forty_capabilities_names_every_one() {
    let t = large_survey();
    let caps: Vec<String> = (0..40).map(|c| format!("service-{c:02}-deploy-gateway")).collect();
    let mut usage = String::from("timestamp,feature,action,team,email,outcome\n");
    for (c, cap) in caps.iter().enumerate() {
        for (month, day) in [("05", 10), ("08", 12)] {
            for u in 0..(6 + c % 4) {
                let _ = writeln!(
                    usage,
                    "2026-{month}-{day:02}T10:{u:02}:00Z,{cap},invoked,{},user{u}@x.example,success",
                    team(u % TEAMS)
                );
            }
        }
    }
    let f = t.write("usage.csv", usage.as_bytes());
    t.ok(&["-w", "ws", "import", "telemetry", f.to_str().unwrap(), "--kind", "usage"]);
    t.ok(&["-w", "ws", "report", "--formats", "pdf,png", "--out", "out"]);
    let (names, all) = svgs(&t.path("out"), &["adoption"]);
    // 40 capabilities: at most 8 per chart, the rest continuation charts on the same axes.
    assert!(names.len() >= 5, "the adoption figure continues: {names:?}");
    assert!(!all.contains('…'), "a capability label is cut");
    for cap in &caps {
        assert!(all.contains(cap.as_str()), "the adoption chart misses {cap}");
    }
}
