//! Deterministic synthetic survey exports: the demo organisation's quarterly rounds (the
//! `fixtures/demo` files) and large plain-CSV rounds for benchmarks.
//!
//! The demo story (what the analyses should find):
//! - 1,200–1,320 engineers invited per quarter, 2025-Q4 to 2026-Q3; ~55–65 % answer.
//! - The organisation switched tools: 2025-Q4 Google Forms (responses sheet CSV), 2026-Q1
//!   SurveyMonkey (2 header rows), 2026-Q2 and 2026-Q3 Qualtrics (3 header rows).
//! - CI build speed and the deployment pipeline improve every quarter; documentation declines;
//!   observability stays flat (an honest control).
//! - The `data-platform` team declines across the board from 2026-Q2 (one team differs).
//! - `infra-tools` has 3 members: below the anonymity threshold of 5, always suppressed.
//! - 2026-Q2 rewords the documentation question, moves the "no ticket" item from a 5- to a
//!   7-point agreement scale, and adds a local-development question; 2026-Q3 drops on-call.
//! - Comments sometimes contain e-mail addresses and phone numbers (scrubbed on import);
//!   some respondents speed, straight-line, answer twice or stop early.
//!
//! Everything comes from a seeded SplitMix64 generator, so the same seed gives the same bytes.

use std::fmt::Write as _;
use std::io::Write;

/// SplitMix64: tiny, fast, and good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.f64() * n as f64) as usize
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64().max(1e-12);
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}

const FIRST: &[&str] = &[
    "alex", "sam", "maria", "li", "noah", "fatima", "jonas", "priya", "chen", "lucia", "omar",
    "emma", "kofi", "ines", "yuki", "david", "sara", "ivan", "amara", "leo",
];
const LAST: &[&str] = &[
    "smith", "garcia", "mueller", "wang", "okafor", "rossi", "kim", "novak", "silva", "jensen",
    "haddad", "tanaka", "brown", "dubois", "petrov", "costa", "ali", "nguyen", "kowalski",
    "moreau",
];

/// Teams and their sizes (infra-tools is deliberately below the anonymity threshold).
pub const TEAMS: &[(&str, usize)] = &[
    ("payments", 230),
    ("search", 190),
    ("mobile", 210),
    ("data-platform", 160),
    ("identity", 120),
    ("growth", 180),
    ("developer-experience", 107),
    ("infra-tools", 3),
];
const ROLES: &[&str] =
    &["Backend engineer", "Frontend engineer", "SRE", "Data engineer", "Engineering manager"];
const TENURE: &[&str] = &["Less than 1 year", "1-3 years", "More than 3 years"];
const SAT5: [&str; 5] = [
    "Very dissatisfied",
    "Dissatisfied",
    "Neither satisfied nor dissatisfied",
    "Satisfied",
    "Very satisfied",
];
const EASE5: [&str; 5] =
    ["Very difficult", "Difficult", "Neither easy nor difficult", "Easy", "Very easy"];
const AGREE5: [&str; 5] =
    ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];
const AGREE7: [&str; 7] = [
    "Strongly disagree",
    "Disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Agree",
    "Strongly agree",
];
const FREQ5: [&str; 5] = ["Never", "Rarely", "Sometimes", "Often", "Always"];
/// Multi-select options; one contains a comma, as real Google Forms options do.
pub const CAPABILITIES: &[&str] = &[
    "CI pipelines",
    "Deployments",
    "Logs, metrics and traces",
    "Secrets management",
    "Service templates",
];
const GRID: &str = "How satisfied are you with the following parts of the platform?";
const GRID_ROWS: [&str; 5] = [
    "CI build speed",
    "Deployment pipeline",
    "Documentation",
    "Observability",
    "Self-service infrastructure",
];
const DOCS_OLD: &str = "How easy is it to find the documentation you need?";
const DOCS_NEW: &str = "How easy is it to find the right documentation for a task?";
const TICKET: &str = "I can get a new service to production without filing a ticket.";
const ONCALL: &str = "How satisfied are you with your on-call load?";
const LOCALDEV: &str = "How satisfied are you with your local development environment?";
const FLAKY: &str = "How often do flaky tests block your work?";
const NPS: &str = "How likely are you to recommend the developer platform to a colleague?";
const OVERALL: &str = "Overall, how satisfied are you with the developer platform?";
const CAPS_Q: &str = "Which platform capabilities do you use?";
const HOURS: &str = "Roughly how many hours per week do you lose to tooling friction?";
const COMMENT_Q: &str = "What is the one thing we should improve?";
/// CNCF Platform Engineering Maturity Model aspects, with four statements each (levels 1-4,
/// provisional -> optimizing), in our own words.
pub const MATURITY: [(&str, &str, [&str; 4]); 5] = [
    (
        "investment",
        "Which statement best describes how the platform is funded and staffed?",
        [
            "Platform work happens on the side, when someone has time",
            "A dedicated team maintains the platform, funded project by project",
            "The platform is funded and run as a product with a roadmap",
            "Investment follows measured value to developers and the business",
        ],
    ),
    (
        "adoption",
        "Which statement best describes how teams come to use the platform?",
        [
            "Teams find tools by word of mouth",
            "Teams are told to use the platform",
            "Teams choose the platform because it is the easiest path",
            "Teams contribute capabilities back to the platform",
        ],
    ),
    (
        "interfaces",
        "Which statement best describes how you get platform capabilities?",
        [
            "By filing tickets and custom requests",
            "Through documented, consistent processes",
            "Self-service through a portal, CLI or API",
            "Through integrated services that teams compose and extend",
        ],
    ),
    (
        "operations",
        "Which statement best describes how platform capabilities are operated?",
        [
            "Ad hoc, on request",
            "Centrally tracked and managed",
            "Centrally enabled, with teams serving themselves",
            "As managed services with SLOs and automation",
        ],
    ),
    (
        "measurement",
        "Which statement best describes how the platform is measured?",
        [
            "We do not measure the platform",
            "We collect usage data and surveys consistently",
            "We turn that data into insights that steer our work",
            "Quantitative and qualitative evidence drives decisions, with guardrails",
        ],
    ),
];
const TEAM_Q: &str = "Which team are you on?";
const ROLE_Q: &str = "What is your role?";
const TENURE_Q: &str = "How long have you worked here?";

const COMMENTS: &[&str] = &[
    "CI builds are much faster since the cache change, thanks!",
    "The docs are out of date and hard to search; I never find the runbook I need.",
    "Flaky integration tests block my merges almost every day.",
    "Onboarding took weeks because permissions requests go through three teams.",
    "Deploys are smooth now, but rollbacks are still scary.",
    "Too many tools: we have three ways to get logs and none of them agree.",
    "Staging environments are always broken or taken by another team.",
    "On-call is exhausting, pages at night for non-issues.",
    "Getting access to production data needs a ticket and a week of waiting.",
    "The service template saved me days. More of those please.",
    "Build times went up again for the monorepo, 40 minutes is too long.",
    "I love the new deployment dashboard.",
    "Documentation for the platform APIs is missing examples.",
    "Local dev setup is painful, docker compose breaks every update.",
    "Please fix the flaky tests in the payments pipeline.",
];

/// One quarterly round of the demo.
#[derive(Debug, Clone, Copy)]
pub struct DemoRound {
    /// Round ID.
    pub id: &'static str,
    /// Platform the file imitates.
    pub platform: &'static str,
    /// File name in fixtures/demo.
    pub file: &'static str,
    /// Engineers invited.
    pub invited: u64,
}

/// The demo's four rounds.
pub const DEMO_ROUNDS: [DemoRound; 4] = [
    DemoRound {
        id: "2025-Q4",
        platform: "google-forms",
        file: "2025-Q4 Developer Platform Survey (Responses) - Form Responses 1.csv",
        invited: 1200,
    },
    DemoRound {
        id: "2026-Q1",
        platform: "surveymonkey",
        file: "2026-Q1 developer platform survey - SurveyMonkey.csv",
        invited: 1250,
    },
    DemoRound {
        id: "2026-Q2",
        platform: "qualtrics",
        file: "2026-Q2_Developer+Platform+Pulse_June+30,+2026_10.15.csv",
        invited: 1300,
    },
    DemoRound {
        id: "2026-Q3",
        platform: "qualtrics",
        file: "2026-Q3_Developer+Platform+Pulse_September+30,+2026_09.02.csv",
        invited: 1320,
    },
];

#[derive(Debug, Clone)]
struct Person {
    email: String,
    first: String,
    last: String,
    team: usize,
    role: usize,
    tenure: usize,
    mood: f64,
    propensity: f64,
}

fn people(rng: &mut Rng) -> Vec<Person> {
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

fn likert(rng: &mut Rng, mean: f64, points: u8) -> u8 {
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

fn label(scale: &[&'static str], v: u8) -> &'static str {
    if v == 0 { "N/A" } else { scale[usize::from(v) - 1] }
}

fn csv_bytes(rows: &[Vec<String>], crlf: bool) -> Vec<u8> {
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

/// Writes a large plain-CSV round: `respondents` rows, `questions` question columns (Likert
/// agreement items, two 0–10 items and one comment), plus id, timestamp, duration and team.
pub fn bench(
    out: &mut dyn Write,
    respondents: usize,
    questions: usize,
    seed: u64,
) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    let likert_n = questions.saturating_sub(3);
    let mut line = String::from("respondent_id,submitted_at,duration_s,Team");
    for q in 0..likert_n {
        write!(line, ",Statement {} about the platform", q + 1).expect("string write");
    }
    line.push_str(",Likelihood to recommend (0-10),Likelihood to stay (0-10),Comments\n");
    out.write_all(line.as_bytes())?;
    let teams: Vec<&str> = TEAMS.iter().map(|t| t.0).collect();
    for i in 0..respondents {
        line.clear();
        let mood = rng.normal() * 0.7;
        write!(
            line,
            "r{i},2026-09-{:02} {:02}:{:02}:00,{},{}",
            1 + i % 28,
            i % 24,
            i % 60,
            300 + rng.below(900),
            teams[rng.below(teams.len() - 1)]
        )
        .expect("string write");
        for q in 0..likert_n {
            let v = if rng.chance(0.02) {
                0
            } else {
                likert(&mut rng, 3.2 + mood + (q % 7) as f64 * 0.1, 5)
            };
            line.push(',');
            line.push_str(label(&AGREE5, v));
        }
        for _ in 0..2 {
            write!(
                line,
                ",{}",
                ((6.5 + mood * 2.0 + rng.normal() * 1.5).round().clamp(0.0, 10.0)) as u8
            )
            .expect("string write");
        }
        if rng.chance(0.2) {
            write!(line, ",\"{}\"", COMMENTS[rng.below(COMMENTS.len())]).expect("string write");
        } else {
            line.push(',');
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// `rows` synthetic CI builds over 2025-10-01 .. 2026-09-30 (ten services, retries, failures).
/// Timestamps are RFC 3339 strings when `text_times`, else Datetime columns.
pub fn builds(
    rows: usize,
    seed: u64,
    text_times: bool,
) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
    use polars::prelude::*;
    let mut rng = Rng::new(seed);
    let start = 1_759_276_800i64; // 2025-10-01T00:00:00Z
    let span = 365 * 86_400i64;
    let services = [
        "api",
        "web",
        "billing",
        "search",
        "mobile-bff",
        "auth",
        "data-sync",
        "notify",
        "ledger",
        "gateway",
    ];
    let (mut id, mut svc, mut pipe, mut branch, mut sha) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    let (mut attempt, mut queued, mut started, mut finished) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    let (mut result, mut dur, mut qs, mut runner) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    for i in 0..rows {
        let t = start + (i as i64 * span) / rows.max(1) as i64;
        let q = 5.0 + rng.f64() * 60.0;
        let d = (300.0 + rng.normal() * 90.0).max(30.0);
        id.push(format!("gha:{i}"));
        svc.push(services[i % services.len()]);
        pipe.push("ci");
        branch.push(if rng.chance(0.3) { "main" } else { "feature" });
        sha.push(format!("{:012x}", rng.next_u64() >> 16));
        attempt.push(if rng.chance(0.05) { 2.0 } else { 1.0 });
        queued.push(t * 1000);
        started.push((t + q as i64) * 1000);
        finished.push((t + q as i64 + d as i64) * 1000);
        result.push(if rng.chance(0.12) {
            "failure"
        } else if rng.chance(0.02) {
            "cancelled"
        } else {
            "success"
        });
        dur.push(d.round());
        qs.push(q.round());
        runner.push(if rng.chance(0.5) { "linux-large" } else { "linux-small" });
    }
    let time = |name: &str, v: Vec<i64>| -> PolarsResult<Column> {
        if text_times {
            let s: Vec<String> = v
                .iter()
                .map(|ms| {
                    chrono::DateTime::from_timestamp_millis(*ms)
                        .expect("valid")
                        .format("%Y-%m-%dT%H:%M:%SZ")
                        .to_string()
                })
                .collect();
            Ok(Column::new(name.into(), s))
        } else {
            Column::new(name.into(), v).cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        }
    };
    DataFrame::new(
        rows,
        vec![
            Column::new("build_id".into(), id),
            Column::new("service".into(), svc),
            Column::new("pipeline".into(), pipe),
            Column::new("branch".into(), branch),
            Column::new("commit_sha".into(), sha),
            Column::new("attempt".into(), attempt),
            time("queued_at", queued)?,
            time("started_at", started)?,
            time("finished_at", finished)?,
            Column::new("result".into(), result),
            Column::new("duration_s".into(), dur),
            Column::new("queued_s".into(), qs),
            Column::new("runner".into(), runner),
        ],
    )
}

/// One demo telemetry file: kind, file name (in `fixtures/demo/telemetry`), bytes.
pub type TelemetryFile = (&'static str, &'static str, Vec<u8>);

/// Start of each demo quarter (2025-Q4 .. 2026-Q3) and the end of the last, UTC seconds.
const QUARTERS: [i64; 5] =
    [1_759_276_800, 1_767_225_600, 1_775_001_600, 1_782_864_000, 1_790_812_800];

fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .expect("valid timestamp")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Log-normal draw with the given median.
fn lognormal(rng: &mut Rng, median: f64, sigma: f64) -> f64 {
    median * (rng.normal() * sigma).exp()
}

/// A year of the demo organisation's telemetry (2025-Q4 .. 2026-Q3), with a story the
/// guardrails must find, and controls they must leave alone:
///
/// - **gamed target** — CI build time has a 10-minute target; in 2026-Q3 builds that would
///   have taken 10–12.5 minutes are cut to just under 10 (skipped test stages): the median
///   improves and the durations bunch at 9:35–9:59. The survey's CI-speed satisfaction rises
///   too, and the failure and flaky rates stay flat (controls for divergence and counters);
/// - **counter-metric regression** — deployment frequency almost doubles in 2026-Q3 while the
///   change failure rate doubles (8 % → 17 %);
/// - **divergence** — docs-portal use rises sharply in 2026-Q3 while satisfaction with the
///   documentation falls in the survey;
/// - **controls** — lead time, recovery time and observability use are flat; service-template
///   adoption grows together with the survey's "new service to production" item.
///
/// Builds look like a GitHub Actions runs export (its column names), incidents like a
/// PagerDuty export; usage events carry the developers' e-mails, which the import hashes.
pub fn demo_telemetry(seed: u64) -> Vec<TelemetryFile> {
    let mut rng = Rng::new(seed ^ 0x7e1e_e7e1);
    let services = [
        "checkout",
        "payments-api",
        "search-api",
        "mobile-bff",
        "identity",
        "ledger",
        "growth-web",
        "data-sync",
    ];
    // Builds.
    let mut builds = vec![
        [
            "id",
            "repository",
            "workflow_name",
            "head_branch",
            "head_sha",
            "run_attempt",
            "created_at",
            "run_started_at",
            "updated_at",
            "conclusion",
            "runner_name",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let medians = [760.0, 720.0, 690.0, 650.0];
    let mut id = 0u64;
    for q in 0..4 {
        let n = 2_500;
        let (s, e) = (QUARTERS[q], QUARTERS[q + 1]);
        for i in 0..n {
            let t = s + (e - s) * i / n + rng.below(600) as i64;
            let svc = services[rng.below(services.len())];
            let sha = format!("{:012x}", rng.next_u64() >> 16);
            let branch = if rng.chance(0.35) { "main" } else { "feature/work" };
            let runner = if rng.chance(0.5) { "ubuntu-latest-8core" } else { "ubuntu-latest" };
            let mut natural = lognormal(&mut rng, medians[q], 0.3).max(60.0);
            if q == 3 && (600.0..750.0).contains(&natural) && rng.chance(0.7) {
                natural = 575.0 + rng.f64() * 24.0;
            }
            let flaky = rng.chance(0.06);
            let failed = !flaky && rng.chance(0.09);
            let cancelled = !flaky && !failed && rng.chance(0.02);
            let attempts: Vec<(&str, f64)> = if flaky {
                vec![("failure", natural * 0.6), ("success", natural)]
            } else if failed {
                vec![("failure", natural * 0.5)]
            } else if cancelled {
                vec![("cancelled", natural * 0.3)]
            } else {
                vec![("success", natural)]
            };
            let mut start = t;
            for (a, (result, dur)) in attempts.iter().enumerate() {
                id += 1;
                let queue = 5 + rng.below(55) as i64;
                let st = start + queue;
                let fin = st + dur.round() as i64;
                builds.push(vec![
                    format!("{}", 9_000_000 + id),
                    svc.into(),
                    "ci".into(),
                    branch.into(),
                    sha.clone(),
                    (a + 1).to_string(),
                    rfc3339(start),
                    rfc3339(st),
                    rfc3339(fin),
                    (*result).into(),
                    runner.into(),
                ]);
                start = fin + 120;
            }
        }
    }
    // Deployments, changes, incidents.
    let mut deps = vec![
        [
            "deployment_id",
            "service",
            "environment",
            "commit_sha",
            "started_at",
            "finished_at",
            "result",
            "is_rollback",
            "is_unplanned",
            "related_incident_id",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut changes = vec![
        ["deployment_id", "change_id", "first_commit_at", "pr_opened_at", "pr_merged_at"]
            .map(String::from)
            .to_vec(),
    ];
    let mut incidents = vec![
        [
            "id",
            "service_name",
            "created_at",
            "last_status_change_at",
            "urgency",
            "caused_by_deployment_id",
            "is_change_failure",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let per_quarter = [170, 175, 180, 320];
    let cfr = [0.07, 0.07, 0.07, 0.2];
    let (mut did, mut iid) = (0u64, 0u64);
    for q in 0..4 {
        let (s, e) = (QUARTERS[q], QUARTERS[q + 1]);
        let n = per_quarter[q];
        for i in 0..n {
            let t = s + (e - s) * i / n + rng.below(3_600) as i64;
            let svc = services[rng.below(services.len())];
            let sha = format!("{:012x}", rng.next_u64() >> 16);
            did += 1;
            let dep_id = format!("deploy-{did:05}");
            // Staging first; it never counts.
            deps.push(vec![
                format!("{dep_id}-stg"),
                svc.into(),
                "staging".into(),
                sha.clone(),
                rfc3339(t - 3_000),
                rfc3339(t - 2_400),
                "success".into(),
                "false".into(),
                "false".into(),
                String::new(),
            ]);
            let pipeline_failed = rng.chance(0.04);
            deps.push(vec![
                dep_id.clone(),
                svc.into(),
                "production".into(),
                sha.clone(),
                rfc3339(t - 600),
                rfc3339(t),
                if pipeline_failed { "failed" } else { "succeeded" }.into(),
                "false".into(),
                "false".into(),
                String::new(),
            ]);
            if pipeline_failed {
                continue;
            }
            for c in 0..1 + rng.below(4) {
                let lead = (lognormal(&mut rng, 20.0, 0.8) * 3_600.0) as i64;
                let first = t - lead;
                let merged = t - (lead as f64 * 0.2) as i64;
                changes.push(vec![
                    dep_id.clone(),
                    format!("{sha}-{c}"),
                    rfc3339(first),
                    rfc3339(first + (lead as f64 * 0.4) as i64),
                    rfc3339(merged),
                ]);
            }
            if rng.chance(cfr[q]) {
                iid += 1;
                let opened = t + 1_800 + rng.below(4 * 3_600) as i64;
                let resolved = opened + (lognormal(&mut rng, 2.5, 0.7) * 3_600.0) as i64;
                let explicit = rng.chance(0.6);
                let inc = format!("P{:06}", 100_000 + iid);
                incidents.push(vec![
                    inc.clone(),
                    svc.into(),
                    rfc3339(opened),
                    rfc3339(resolved),
                    if rng.chance(0.3) { "high" } else { "low" }.into(),
                    if explicit { dep_id.clone() } else { String::new() },
                    if explicit { "true".into() } else { String::new() },
                ]);
                if rng.chance(0.5) {
                    // The fix ships as an unplanned hotfix deployment.
                    did += 1;
                    deps.push(vec![
                        format!("deploy-{did:05}"),
                        svc.into(),
                        "production".into(),
                        format!("{:012x}", rng.next_u64() >> 16),
                        rfc3339(resolved - 1_200),
                        rfc3339(resolved - 600),
                        "succeeded".into(),
                        "false".into(),
                        "true".into(),
                        inc,
                    ]);
                }
            }
        }
        // Incidents no change caused (a cloud-provider outage, a certificate expiry).
        for _ in 0..6 {
            iid += 1;
            let opened = s + rng.below((e - s) as usize) as i64;
            incidents.push(vec![
                format!("P{:06}", 100_000 + iid),
                services[rng.below(services.len())].into(),
                rfc3339(opened),
                rfc3339(opened + 5_400),
                "high".into(),
                String::new(),
                "false".into(),
            ]);
        }
    }
    // Capability usage by the survey's developers (same people, same e-mails).
    let people = people(&mut Rng::new(seed));
    let mut usage = vec![
        ["timestamp", "feature", "action", "team", "email", "outcome"].map(String::from).to_vec(),
    ];
    let caps: [(&str, [usize; 4]); 3] = [
        ("docs-portal", [220, 230, 240, 420]),
        ("observability", [500, 505, 510, 512]),
        ("service-templates", [100, 140, 180, 230]),
    ];
    for (cap, active) in caps {
        let mut prev: Vec<usize> = Vec::new();
        for q in 0..4 {
            let (s, e) = (QUARTERS[q], QUARTERS[q + 1]);
            // Most of last quarter's users come back; the rest are new.
            let mut users: Vec<usize> = prev.iter().copied().filter(|_| rng.chance(0.75)).collect();
            users.truncate(active[q]);
            while users.len() < active[q] {
                let p = rng.below(people.len());
                if !users.contains(&p) {
                    users.push(p);
                }
            }
            users.sort_unstable();
            for &p in &users {
                for _ in 0..1 + rng.below(3) {
                    let at = s + rng.below((e - s) as usize) as i64;
                    usage.push(vec![
                        rfc3339(at),
                        cap.into(),
                        "invoked".into(),
                        TEAMS[people[p].team].0.into(),
                        people[p].email.clone(),
                        if rng.chance(0.95) { "success" } else { "failure" }.into(),
                    ]);
                }
            }
            prev = users;
        }
    }
    // Usage rows in time order, as an event log would be.
    let header = usage.remove(0);
    usage.sort_by(|a, b| a[0].cmp(&b[0]).then_with(|| a[4].cmp(&b[4])));
    usage.insert(0, header);
    vec![
        ("builds", "github-actions-runs.csv", csv_bytes(&builds, false)),
        ("deployments", "deployments.csv", csv_bytes(&deps, false)),
        ("changes", "changes.csv", csv_bytes(&changes, false)),
        ("incidents", "pagerduty-incidents.csv", csv_bytes(&incidents, false)),
        ("usage", "capability-usage.csv", csv_bytes(&usage, false)),
    ]
}
