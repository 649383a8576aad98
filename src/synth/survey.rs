//! The demo survey rounds: people, their answers, and the three platforms' export layouts
//! (Google Forms, SurveyMonkey, Qualtrics).

use super::Rng;
use super::content::*;

#[derive(Debug, Clone)]
pub(super) struct Person {
    pub(super) email: String,
    pub(super) first: String,
    pub(super) last: String,
    pub(super) team: usize,
    pub(super) role: usize,
    pub(super) tenure: usize,
    pub(super) mood: f64,
    pub(super) propensity: f64,
}

pub(super) fn people(rng: &mut Rng) -> Vec<Person> {
    let mut out = Vec::new();
    for (t, &(_, size)) in TEAMS.iter().enumerate() {
        for _ in 0..size {
            let (f, l) = (FIRST[rng.below(FIRST.len())], LAST[rng.below(LAST.len())]);
            let n = out.len();
            out.push(Person {
                email: format!("{f}.{l}{n}@acme.example"),
                first: capital(f),
                last: capital(l),
                team: t,
                role: rng.below(ROLES.len()),
                tenure: rng.below(TENURE.len()),
                mood: rng.normal() * 0.6,
                propensity: 0.35 + rng.f64() * 0.55,
            });
        }
    }
    out
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A respondent's answers in one round (scale values are 1-based, 0 = N/A).
#[derive(Debug, Clone)]
struct Answers {
    person: usize,
    start: i64,
    duration: i64,
    finished: bool,
    grid: [u8; 5],
    docs: u8,
    ticket: u8,
    oncall: u8,
    localdev: u8,
    flaky: u8,
    nps: u8,
    overall: u8,
    caps: Vec<usize>,
    hours: u32,
    comment: String,
    maturity: [usize; 5],
}

pub(super) fn likert(rng: &mut Rng, mean: f64, points: u8) -> u8 {
    let v = (mean + rng.normal() * 0.9).round();
    v.clamp(1.0, f64::from(points)) as u8
}

fn answers(rng: &mut Rng, people: &[Person], round: usize) -> Vec<Answers> {
    let r = round as f64;
    // Round start: 2025-10-06 09:00 UTC plus 91 days per quarter.
    let base = 1_759_741_200 + round as i64 * 91 * 86_400;
    let mut out = Vec::new();
    for (i, p) in people.iter().enumerate() {
        if !rng.chance(p.propensity) {
            continue;
        }
        let team_drop = if TEAMS[p.team].0 == "data-platform" && round >= 2 { -0.9 } else { 0.0 };
        let m = p.mood + team_drop;
        let grid = [
            likert(rng, 2.6 + 0.35 * r + m, 5),
            likert(rng, 3.0 + 0.25 * r + m, 5),
            likert(rng, 3.5 - 0.3 * r + m, 5),
            likert(rng, 3.4 + m, 5),
            likert(rng, 3.1 + 0.1 * r + m, 5),
        ];
        let mut grid = grid;
        if rng.chance(0.02) {
            grid = [grid[0]; 5];
        }
        if rng.chance(0.03) {
            grid[3] = 0;
        }
        let overall = likert(rng, 3.0 + 0.15 * r + m, 5);
        let nps = ((f64::from(overall) - 1.0) * 2.2 + 1.5 + rng.normal() * 1.3)
            .round()
            .clamp(0.0, 10.0) as u8;
        let duration =
            if rng.chance(0.04) { 40 + rng.below(60) as i64 } else { 420 + rng.below(600) as i64 };
        let mut caps: Vec<usize> = (0..CAPABILITIES.len())
            .filter(|&c| rng.chance([0.9, 0.7, 0.55, 0.35, 0.25 + 0.1 * r][c]))
            .collect();
        if caps.is_empty() {
            caps.push(0);
        }
        let comment = if rng.chance(0.35) {
            let mut c = COMMENTS[rng.below(COMMENTS.len())].to_string();
            if rng.chance(0.5) {
                c = format!(
                    "{} {}",
                    ["Honestly:", "Mostly:", "From my team:", "Short version:", "For me,"]
                        [rng.below(5)],
                    c
                );
            }
            if rng.chance(0.4) {
                c.push_str(
                    [
                        " This costs us hours every week.",
                        " Otherwise things are fine.",
                        " Same as last quarter.",
                        " It got worse lately.",
                    ][rng.below(4)],
                );
            }
            if rng.chance(0.05) {
                c.push_str(&format!(" Happy to talk, reach me at {}.", p.email));
            } else if rng.chance(0.03) {
                c.push_str(" Call me on +44 20 7946 0958 if useful.");
            } else if rng.chance(0.05) {
                c.push_str("\nAlso: the VPN drops during long builds.");
            }
            c
        } else {
            String::new()
        };
        out.push(Answers {
            person: i,
            start: base + rng.below(14 * 86_400) as i64,
            duration,
            finished: !rng.chance(0.03),
            grid,
            docs: likert(rng, 3.4 - 0.3 * r + m, 5),
            ticket: if round >= 2 {
                likert(rng, 4.3 + 0.2 * r + m * 1.3, 7)
            } else {
                likert(rng, 3.0 + 0.15 * r + m, 5)
            },
            oncall: likert(rng, 2.9 + m * 0.5, 5),
            localdev: likert(rng, 3.0 + m, 5),
            flaky: likert(rng, 3.2 - 0.2 * r - m * 0.5, 5),
            nps,
            overall,
            caps,
            hours: (4.0 - 0.6 * r - m + rng.normal() * 1.5).round().clamp(0.0, 20.0) as u32,
            comment,
            // Levels 1-4: most aspects creep up over the year; measurement fastest.
            maturity: [0.0, 0.15, 0.3, 0.1, 0.45].map(|step| {
                (1.6 + step * r + rng.normal() * 0.8 + p.mood * 0.3).round().clamp(1.0, 4.0)
                    as usize
            }),
        });
    }
    // A few people answer twice (a duplicate to flag).
    let dups: Vec<Answers> = out
        .iter()
        .step_by(97)
        .cloned()
        .map(|mut a| {
            a.start += 3600;
            a
        })
        .collect();
    out.extend(dups);
    out.sort_by_key(|a| a.start);
    out
}

fn fmt_us(ts: i64, two_digit_month: bool) -> String {
    let d = chrono::DateTime::from_timestamp(ts, 0).expect("valid timestamp").naive_utc();
    if two_digit_month {
        d.format("%m/%d/%Y %H:%M:%S").to_string()
    } else {
        d.format("%-m/%-d/%Y %H:%M:%S").to_string()
    }
}

fn fmt_iso(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .expect("valid timestamp")
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

pub(super) fn label(scale: &[&'static str], v: u8) -> &'static str {
    if v == 0 { "N/A" } else { scale[usize::from(v) - 1] }
}

pub(super) fn csv_bytes(rows: &[Vec<String>], crlf: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

fn google(people: &[Person], ans: &[Answers]) -> Vec<u8> {
    let mut header = vec![
        "Timestamp".to_string(),
        "Email Address".to_string(),
        TEAM_Q.into(),
        ROLE_Q.into(),
        TENURE_Q.into(),
    ];
    header.extend(GRID_ROWS.iter().map(|r| format!("{GRID} [{r}]")));
    header.extend([DOCS_OLD, TICKET, ONCALL, FLAKY, NPS, OVERALL].map(String::from));
    header.extend(MATURITY.iter().map(|m| m.1.to_string()));
    header.extend([CAPS_Q, HOURS, COMMENT_Q].map(String::from));
    let mut rows = vec![header];
    for a in ans {
        let p = &people[a.person];
        let mut r = vec![
            fmt_us(a.start + a.duration, false),
            p.email.clone(),
            TEAMS[p.team].0.into(),
            ROLES[p.role].into(),
            TENURE[p.tenure].into(),
        ];
        r.extend(a.grid.iter().map(|&v| label(&SAT5, v).to_string()));
        r.extend([
            label(&EASE5, a.docs).to_string(),
            label(&AGREE5, a.ticket).to_string(),
            label(&SAT5, a.oncall).to_string(),
            label(&FREQ5, a.flaky).to_string(),
            a.nps.to_string(),
            label(&SAT5, a.overall).to_string(),
        ]);
        r.extend(MATURITY.iter().zip(a.maturity).map(|(m, l)| m.2[l - 1].to_string()));
        r.extend([
            a.caps.iter().map(|&c| CAPABILITIES[c]).collect::<Vec<_>>().join(", "),
            a.hours.to_string(),
            a.comment.clone(),
        ]);
        rows.push(r);
    }
    let mut b = csv_bytes(&rows, true);
    // Google Sheets writes no final newline.
    b.truncate(b.len() - 2);
    b
}

fn surveymonkey(people: &[Person], ans: &[Answers]) -> Vec<u8> {
    let meta = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
    ];
    let mut h1: Vec<String> = meta.iter().map(|s| s.to_string()).collect();
    let mut h2: Vec<String> = vec![String::new(); meta.len()];
    let single = |q: &str, h1: &mut Vec<String>, h2: &mut Vec<String>, sub: &str| {
        h1.push(q.to_string());
        h2.push(sub.to_string());
    };
    single(TEAM_Q, &mut h1, &mut h2, "Response");
    single(ROLE_Q, &mut h1, &mut h2, "Response");
    single(TENURE_Q, &mut h1, &mut h2, "Response");
    for (i, r) in GRID_ROWS.iter().enumerate() {
        h1.push(if i == 0 { GRID.into() } else { String::new() });
        h2.push((*r).into());
    }
    for q in [DOCS_OLD, TICKET, ONCALL, FLAKY, NPS, OVERALL] {
        single(q, &mut h1, &mut h2, "Response");
    }
    for m in &MATURITY {
        single(m.1, &mut h1, &mut h2, "Response");
    }
    for (i, c) in CAPABILITIES.iter().enumerate() {
        h1.push(if i == 0 { CAPS_Q.into() } else { String::new() });
        h2.push((*c).into());
    }
    single(HOURS, &mut h1, &mut h2, "Response");
    single(COMMENT_Q, &mut h1, &mut h2, "Open-Ended Response");
    let mut rows = vec![h1, h2];
    for (k, a) in ans.iter().enumerate() {
        let p = &people[a.person];
        let mut r = vec![
            (11_402_000_000u64 + k as u64 * 7).to_string(),
            "431207881".into(),
            fmt_us(a.start, true),
            fmt_us(a.start + a.duration, true),
            format!("10.{}.{}.{}", k % 250, (k / 250) % 250, k % 7 + 1),
            p.email.clone(),
            p.first.clone(),
            p.last.clone(),
            String::new(),
            TEAMS[p.team].0.into(),
            ROLES[p.role].into(),
            TENURE[p.tenure].into(),
        ];
        r.extend(a.grid.iter().map(|&v| label(&SAT5, v).to_string()));
        r.extend(
            [
                label(&EASE5, a.docs),
                label(&AGREE5, a.ticket),
                label(&SAT5, a.oncall),
                label(&FREQ5, a.flaky),
            ]
            .map(String::from),
        );
        r.push(a.nps.to_string());
        r.push(label(&SAT5, a.overall).into());
        r.extend(MATURITY.iter().zip(a.maturity).map(|(m, l)| m.2[l - 1].to_string()));
        r.extend((0..CAPABILITIES.len()).map(|c| {
            if a.caps.contains(&c) { CAPABILITIES[c].to_string() } else { String::new() }
        }));
        r.push(a.hours.to_string());
        r.push(a.comment.clone());
        rows.push(r);
    }
    csv_bytes(&rows, true)
}

fn qualtrics(people: &[Person], ans: &[Answers], round: usize) -> Vec<u8> {
    let meta: [(&str, &str, &str); 17] = [
        ("StartDate", "Start Date", "startDate"),
        ("EndDate", "End Date", "endDate"),
        ("Status", "Response Type", "status"),
        ("IPAddress", "IP Address", "ipAddress"),
        ("Progress", "Progress", "progress"),
        ("Duration (in seconds)", "Duration (in seconds)", "duration"),
        ("Finished", "Finished", "finished"),
        ("RecordedDate", "Recorded Date", "recordedDate"),
        ("ResponseId", "Response ID", "_recordId"),
        ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
        ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
        ("RecipientEmail", "Recipient Email", "recipientEmail"),
        ("ExternalReference", "External Data Reference", "externalDataReference"),
        ("LocationLatitude", "Location Latitude", "locationLatitude"),
        ("LocationLongitude", "Location Longitude", "locationLongitude"),
        ("DistributionChannel", "Distribution Channel", "distributionChannel"),
        ("UserLanguage", "User Language", "userLanguage"),
    ];
    let mut cols: Vec<(String, String, String)> = meta
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), format!("{{\"ImportId\":\"{c}\"}}")))
        .collect();
    let mut q = |tag: &str, label: String, qid: &str| {
        cols.push((tag.into(), label, format!("{{\"ImportId\":\"{qid}\"}}")))
    };
    q("Q1", TEAM_Q.into(), "QID1");
    q("Q2", ROLE_Q.into(), "QID2");
    q("Q3", TENURE_Q.into(), "QID3");
    for (i, r) in GRID_ROWS.iter().enumerate() {
        q(&format!("Q4_{}", i + 1), format!("{GRID} - {r}"), &format!("QID4_{}", i + 1));
    }
    q("Q5", DOCS_NEW.into(), "QID5");
    q("Q6", TICKET.into(), "QID6");
    if round < 3 {
        q("Q7", ONCALL.into(), "QID7");
    }
    q("Q8", LOCALDEV.into(), "QID8");
    q("Q9", FLAKY.into(), "QID9");
    q("Q10", NPS.into(), "QID10");
    q("Q11", OVERALL.into(), "QID11");
    for (i, m) in MATURITY.iter().enumerate() {
        q(&format!("Q{}", 15 + i), m.1.into(), &format!("QID{}", 15 + i));
    }
    for (i, c) in CAPABILITIES.iter().enumerate() {
        q(&format!("Q12_{}", i + 1), format!("{CAPS_Q} - {c}"), &format!("QID12_{}", i + 1));
    }
    q("Q13", HOURS.into(), "QID13_TEXT");
    q("Q14", COMMENT_Q.into(), "QID14_TEXT");
    let mut rows: Vec<Vec<String>> = vec![
        cols.iter().map(|c| c.0.clone()).collect(),
        cols.iter().map(|c| c.1.clone()).collect(),
        cols.iter().map(|c| c.2.clone()).collect(),
    ];
    for (k, a) in ans.iter().enumerate() {
        let p = &people[a.person];
        let progress = if a.finished { 100 } else { 40 + (k % 50) };
        let mut r = vec![
            fmt_iso(a.start),
            fmt_iso(a.start + a.duration),
            "0".into(),
            format!("10.{}.{}.{}", k % 250, (k / 250) % 250, k % 7 + 1),
            progress.to_string(),
            a.duration.to_string(),
            if a.finished { "1" } else { "0" }.into(),
            fmt_iso(a.start + a.duration),
            format!("R_{:015x}", (round as u64) << 40 | k as u64),
            p.last.clone(),
            p.first.clone(),
            p.email.clone(),
            String::new(),
            "52.52".into(),
            "13.40".into(),
            "email".into(),
            "EN".into(),
            TEAMS[p.team].0.into(),
            ROLES[p.role].into(),
            TENURE[p.tenure].into(),
        ];
        let late = |v: String| if a.finished { v } else { String::new() };
        r.extend(a.grid.iter().map(|&v| label(&SAT5, v).to_string()));
        r.push(label(&EASE5, a.docs).into());
        r.push(label(&AGREE7, a.ticket).into());
        if round < 3 {
            r.push(late(label(&SAT5, a.oncall).into()));
        }
        r.push(late(label(&SAT5, a.localdev).into()));
        r.push(late(label(&FREQ5, a.flaky).into()));
        r.push(late(a.nps.to_string()));
        r.push(late(label(&SAT5, a.overall).into()));
        r.extend(MATURITY.iter().zip(a.maturity).map(|(m, l)| late(m.2[l - 1].to_string())));
        r.extend(
            (0..CAPABILITIES.len())
                .map(|c| late(if a.caps.contains(&c) { "1".into() } else { String::new() })),
        );
        r.push(late(a.hours.to_string()));
        r.push(late(a.comment.clone()));
        rows.push(r);
    }
    csv_bytes(&rows, false)
}

/// Generates the demo rounds: (round, file name, bytes).
pub fn demo(seed: u64) -> Vec<(DemoRound, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    let people = people(&mut rng);
    DEMO_ROUNDS
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let ans = answers(&mut rng, &people, i);
            let bytes = match r.platform {
                "google-forms" => google(&people, &ans),
                "surveymonkey" => surveymonkey(&people, &ans),
                _ => qualtrics(&people, &ans, i),
            };
            (*r, bytes)
        })
        .collect()
}
