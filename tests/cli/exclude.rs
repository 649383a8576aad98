//! `--exclude` (issue 15) and its attack: a reader runs the same analysis with and without an
//! exclusion (or under two exclusions) and subtracts, to learn what the few excluded people
//! answered. Planted:
//! - team `big` (30): two speeders who answer "Strongly disagree", and one person who answered
//!   twice, fast both times (their first response is a duplicate *and* a speeder);
//! - team `mid` (10): one speeder, "Strongly disagree";
//! - team `six` (6): one person who answered twice (the first response is a duplicate);
//! - team `ops` (10): five speeders.
//!
//! An exclusion leaves out a person with all their responses (so `duplicate` leaves out both
//! responses of who answered twice): 5 people, 7 of the 48 responses, carry a flag.
//!
//! Every difference of published figures over all 16 exclusions (and none) must describe 0 or
//! at least 5 people.

use super::*;
use serde_json::Value;
use std::collections::BTreeMap;

const MIN: f64 = 5.0;
const AGREE: [&str; 5] =
    ["Agree", "Strongly agree", "Neither agree nor disagree", "Agree", "Disagree"];
const FLAGS: [&str; 4] = ["duplicate", "speeder", "straightliner", "incomplete"];

fn row(s: &mut String, email: &str, team: &str, secs: u32, deploy: &str, docs: &str) {
    s.push_str(&format!("{email},{team},{secs},{deploy},{docs}\n"));
}

/// `n` unflagged people of a team: durations from `secs`, answers shifted by `shift`.
fn plain(s: &mut String, team: &str, n: u32, secs: u32, shift: usize) {
    for i in 0..n {
        let (a, b) = (AGREE[i as usize % 5], AGREE[(i as usize + shift) % 5]);
        row(s, &format!("{team}{i}@x.example"), team, secs + i, a, b);
    }
}

fn csv() -> String {
    let mut s = String::from("Email,Team,Duration (in seconds),Deploys are easy.,Docs are good.\n");
    plain(&mut s, "big", 27, 600, 1);
    row(&mut s, "big27@x.example", "big", 40, "Strongly disagree", "Agree");
    row(&mut s, "big28@x.example", "big", 30, "Strongly disagree", "Agree");
    row(&mut s, "big29@x.example", "big", 35, "Strongly disagree", "Disagree");
    row(&mut s, "big29@x.example", "big", 33, "Strongly disagree", "Disagree");
    plain(&mut s, "mid", 9, 620, 2);
    row(&mut s, "mid9@x.example", "mid", 25, "Strongly disagree", "Agree");
    plain(&mut s, "six", 6, 640, 3);
    row(&mut s, "six5@x.example", "six", 650, "Agree", "Agree");
    for i in 0..10 {
        let (secs, deploy) =
            if i < 5 { (660 + i, AGREE[i as usize % 5]) } else { (20 + i, "Disagree") };
        row(&mut s, &format!("ops{i}@x.example"), "ops", secs, deploy, "Agree");
    }
    s
}

fn ws() -> &'static CliTest {
    static WS: std::sync::OnceLock<CliTest> = std::sync::OnceLock::new();
    WS.get_or_init(|| {
        let t = CliTest::new();
        t.workspace();
        let f = t.write("r.csv", csv().as_bytes());
        t.import_json(&f, "2026-Q1", &[]);
        t
    })
}

/// The flags of exclusion number `x` (bit i: FLAGS[i]), as `--exclude` takes them.
fn exclusion(x: u8) -> String {
    (0..4).filter(|i| x & (1 << i) != 0).map(|i| FLAGS[i]).collect::<Vec<_>>().join(",")
}

/// The rows of `pulse summary --format json` of `round` (default: the latest), under
/// `--exclude exclude` (none when empty), per group of `segment`.
fn summary_json(
    t: &CliTest,
    round: Option<&str>,
    exclude: &str,
    segment: Option<&str>,
) -> Vec<Value> {
    let mut args = vec!["-w", "ws", "summary", "--format", "json"];
    if let Some(r) = round {
        args.extend(["--round", r]);
    }
    if !exclude.is_empty() {
        args.extend(["--exclude", exclude]);
    }
    if let Some(s) = segment {
        args.extend(["--segment", s]);
    }
    serde_json::from_str(&t.ok(&args)).unwrap()
}

/// A (question, group) row of `pulse summary`.
type Key = (String, String);

/// Published (question, group) -> n of `pulse summary` under exclusion `x`, and every row key.
fn summary(t: &CliTest, x: u8, segment: Option<&str>) -> (BTreeMap<Key, f64>, Vec<Key>) {
    let rows = summary_json(t, None, &exclusion(x), segment);
    let keys = rows
        .iter()
        .map(|r| (r["question_id"].as_str().unwrap().into(), r["group"].as_str().unwrap().into()))
        .collect();
    let shown = rows
        .iter()
        .filter(|r| r["suppressed"] == false && r["option"] == "")
        .map(|r| {
            let k =
                (r["question_id"].as_str().unwrap().into(), r["group"].as_str().unwrap().into());
            (k, r["n"].as_f64().unwrap())
        })
        .collect();
    (shown, keys)
}

#[test]
fn the_flags_planted_are_the_flags_stored() {
    let t = ws();
    let rows = t.query(
        "SELECT team, quality_flags, count(*) AS n FROM respondents GROUP BY 1, 2 ORDER BY 1, 2",
    );
    let got: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["team"].as_str().unwrap(),
                r["quality_flags"].as_str().unwrap(),
                r["n"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "big  27",
            "big duplicate,speeder 1",
            "big speeder 3",
            "mid  9",
            "mid speeder 1",
            "ops  5",
            "ops speeder 5",
            "six  6",
            "six duplicate 1",
        ],
        "{rows:?}"
    );
}

#[test]
fn no_difference_of_exclusions_describes_fewer_than_five_people() {
    let t = ws();
    for segment in [None, Some("team")] {
        let runs: Vec<_> = (0..16u8).map(|x| summary(t, x, segment)).collect();
        // The rows are the same whatever the exclusion: a group whose people were all left out
        // stays, suppressed.
        for (x, (_, keys)) in runs.iter().enumerate() {
            assert_eq!(
                keys,
                &runs[0].1,
                "rows under --exclude {:?} ({segment:?})",
                exclusion(x as u8)
            );
        }
        // Pairs: the same figure under two exclusions.
        let mut compared = 0;
        for a in 0..16 {
            for b in a + 1..16 {
                for (k, na) in &runs[a].0 {
                    if let Some(nb) = runs[b].0.get(k) {
                        let d = (na - nb).abs();
                        assert!(
                            d == 0.0 || d >= MIN,
                            "{k:?}: --exclude {:?} gives n {na}, --exclude {:?} gives {nb}: {d} people told apart",
                            exclusion(a as u8),
                            exclusion(b as u8)
                        );
                        compared += usize::from(d > 0.0);
                    }
                }
            }
        }
        // Inclusion and exclusion: the people carrying every flag of T, for each T whose
        // exclusions are all published.
        for k in runs[0].0.keys() {
            for tset in 1..16u8 {
                let subsets: Vec<u8> = (0..16u8).filter(|s| s & !tset == 0).collect();
                let ns: Option<Vec<(u8, f64)>> =
                    subsets.iter().map(|&s| runs[s as usize].0.get(k).map(|n| (s, *n))).collect();
                let Some(ns) = ns else { continue };
                let both: f64 =
                    ns.iter().map(|(s, n)| if s.count_ones() % 2 == 0 { *n } else { -n }).sum();
                assert!(
                    both == 0.0 || both >= MIN,
                    "{k:?}: {both} people carry every flag of {:?}, computed from published figures",
                    exclusion(tset)
                );
            }
        }
        if segment.is_none() {
            assert!(compared > 0, "some exclusion changes a published whole-round figure");
        }
    }
}

#[test]
fn exclude_all_is_published_and_says_what_it_left_out() {
    let t = ws();
    let o = t.run(&["-w", "ws", "summary", "--exclude", "all", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    let deploy = rows
        .iter()
        .find(|r| r["option"] == "" && r["suppressed"] == false && r["n"].as_f64() == Some(46.0))
        .unwrap_or_else(|| panic!("the 46 unflagged responses' figures are shown: {rows:?}"));
    // No planted "Strongly disagree" is left in the figures of the unflagged people.
    assert!(!deploy["distribution"].as_str().unwrap().contains("Strongly disagree"), "{deploy}");
    let err = text(&o.stderr);
    assert!(err.contains("round 2026-Q1 without the 10 people with any quality flag"), "{err}");
    // Team ops without its five speeders is published; big (3 people left out), mid (1) and six
    // (1) are not: their difference with the figures without an exclusion would describe them.
    let (teams, _) = summary(t, 0b1111, Some("team"));
    let shown: std::collections::BTreeSet<&str> = teams.keys().map(|(_, g)| g.as_str()).collect();
    assert_eq!(shown, ["ops"].into(), "{teams:?}");
    let (all, _) = summary(t, 0, Some("team"));
    assert!(all.keys().any(|(_, g)| g == "big") && all.keys().any(|(_, g)| g == "mid"));
    // A speeder-only exclusion would leave the duplicate-and-speeder person between two
    // exclusions: the round's figures are suppressed, and the note says why and what can be shown.
    let o = t.run(&["-w", "ws", "summary", "--exclude", "speeder"]);
    let err = text(&o.stderr);
    assert!(
        o.status.success() && err.contains("suppressed") && err.contains("--exclude all"),
        "{err}"
    );
}

#[test]
fn every_survey_analysis_takes_exclude_and_refuses_unknown_flags() {
    let t = ws();
    for cmd in [
        vec!["summary"],
        vec!["trend"],
        vec!["drivers", "--outcome", "deploys_are_easy"],
        vec!["reliability"],
        vec!["maturity"],
    ] {
        let mut args = vec!["-w", "ws"];
        args.extend(cmd.iter());
        args.extend(["--exclude", "all"]);
        let o = t.run(&args);
        // drivers may refuse for another reason (the outcome id), never for --exclude itself.
        assert!(!text(&o.stderr).contains("unexpected argument"), "{cmd:?}: {}", text(&o.stderr));
    }
    let o = t.run(&["-w", "ws", "summary", "--exclude", "speeder,bots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unknown quality flag \"bots\""), "{}", text(&o.stderr));
}

#[test]
fn the_report_says_what_it_excluded() {
    let t = ws();
    t.ok(&["-w", "ws", "report", "--exclude", "all", "--formats", "md,html", "--out", "rep"]);
    let html = std::fs::read_to_string(t.path("rep/report.html")).unwrap();
    assert!(
        html.contains("Excluded from every survey figure, with all their responses: respondents with any quality flag (2026-Q1: 10)"),
        "methods section: {html}"
    );
    let md = std::fs::read_to_string(t.path("rep/summary.md")).unwrap();
    assert!(
        md.contains("10 respondents with any quality flag are left out of every figure"),
        "{md}"
    );
    // The spec's `exclude` does the same, and `--exclude none` overrides it.
    let spec = std::fs::read_to_string(t.path("ws/reports/quarterly.toml")).unwrap();
    assert!(spec.contains("exclude = []"), "the spec documents `exclude`");
    let spec = spec.replace("exclude = []", "exclude = [\"speeder\"]");
    t.write("ws/reports/quarterly.toml", spec.as_bytes());
    t.ok(&["-w", "ws", "report", "--formats", "html", "--out", "rep2"]);
    let html = std::fs::read_to_string(t.path("rep2/report.html")).unwrap();
    // Speeders alone cannot be shown in this round (a duplicate-and-speeder and a duplicate
    // would be told apart by other exclusions): the count is not shown either.
    assert!(
        html.contains("respondents with a response flagged speeder (2026-Q1: not shown)"),
        "{html}"
    );
    t.ok(&["-w", "ws", "report", "--formats", "html", "--out", "rep3", "--exclude", "none"]);
    let html = std::fs::read_to_string(t.path("rep3/report.html")).unwrap();
    assert!(!html.contains("Excluded from every survey figure"));
}

const L5: [&str; 5] =
    ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];

/// A workspace from plain CSV rounds (`Email,Team,Duration (in seconds),...` as given).
fn rounds_ws(rounds: &[String]) -> CliTest {
    let t = CliTest::new();
    t.workspace();
    for (i, text) in rounds.iter().enumerate() {
        let f = t.write(&format!("r{i}.csv"), text.as_bytes());
        t.import_json(&f, &format!("2026-Q{}", i + 1), &[]);
    }
    t
}

/// (n, sum of values) of a published whole-round or team row of `summary`, parsed from its
/// distribution ("1=2; 3=4").
fn n_sum(
    t: &CliTest,
    round: &str,
    q: &str,
    team: Option<&str>,
    exclude: &str,
) -> Option<(f64, f64)> {
    let rows = summary_json(t, Some(round), exclude, team.map(|_| "team"));
    let r = rows
        .iter()
        .find(|r| r["question_id"] == q && r["option"] == "" && r["group"] == team.unwrap_or(""))?;
    if r["suppressed"] == true {
        return None;
    }
    Some((r["n"].as_f64()?, r["mean"].as_f64()? * r["n"].as_f64()?))
}

#[test]
fn across_rounds_an_exclusion_does_not_single_out_who_left_or_joined() {
    // Round 1: team A = a0..a9 (a9 answers 1), team B = b0..b9, nobody flagged. Round 2: a9
    // left, five speeders joined A. Without the fix, A without speeders in round 2 (a0..a8) set
    // against A in round 1 was a9's answer; the reverse (speeders in round 1, one joiner in
    // round 2) gave the joiner's. Every pair of published figures (same question, any round,
    // any exclusion, whole round or team) must differ by 0 or at least 5 people, by
    // membership: the planted people keep their answers, so a difference of a few people
    // would be their answers.
    type Person = (String, &'static str, bool); // email, team, speeder
    let p = |e: String, team: &'static str, fast: bool| -> Person { (e, team, fast) };
    let b: Vec<Person> = (0..10).map(|i| p(format!("b{i}@x.io"), "B", false)).collect();
    let a = |r: std::ops::Range<u32>, fast: bool| -> Vec<Person> {
        r.map(|i| p(format!("a{i}@x.io"), "A", fast)).collect()
    };
    let s = |prefix: &str, fast: bool| -> Vec<Person> {
        (0..5).map(|i| p(format!("{prefix}{i}@x.io"), "A", fast)).collect()
    };
    // (round 1, round 2): a9 leaves and five speeders join; the reverse (a9 joins); and flags
    // that change for the same people: round 1's five speeders answer slowly in round 2, while
    // a9 leaves and five new speeders join.
    let scenarios: Vec<(Vec<Person>, Vec<Person>)> = vec![
        ([a(0..10, false), b.clone()].concat(), [a(0..9, false), s("s", true), b.clone()].concat()),
        ([a(0..9, false), s("s", true), b.clone()].concat(), [a(0..10, false), b.clone()].concat()),
        (
            [a(0..10, false), s("s", true), b.clone()].concat(),
            [a(0..9, false), s("s", false), s("n", true), b.clone()].concat(),
        ),
    ];
    let csv = |ps: &[Person]| -> String {
        let mut s = "Email,Team,Duration (in seconds),Deploys are easy.\n".to_string();
        for (k, (e, team, fast)) in ps.iter().enumerate() {
            let v = if e == "a9@x.io" { 0 } else { k % 5 };
            s += &format!("{e},{team},{},{}\n", if *fast { 30 + k } else { 600 + k }, L5[v]);
        }
        s
    };
    for (p1, p2) in &scenarios {
        let t = rounds_ws(&[csv(p1), csv(p2)]);
        let q = t.query("SELECT DISTINCT question_id FROM questions")[0]["question_id"]
            .as_str()
            .unwrap()
            .to_string();
        // Every published figure with its members.
        let mut figures: Vec<(String, std::collections::BTreeSet<String>)> = Vec::new();
        for (round, ps) in [("2026-Q1", p1), ("2026-Q2", p2)] {
            for ex in ["", "speeder", "all", "duplicate"] {
                for team in [None, Some("A"), Some("B")] {
                    if n_sum(&t, round, &q, team, ex).is_some() {
                        let members = ps
                            .iter()
                            .filter(|(_, tm, fast)| {
                                team.is_none_or(|x| x == *tm)
                                    && !(*fast && !ex.is_empty() && ex != "duplicate")
                            })
                            .map(|(e, _, _)| e.clone())
                            .collect();
                        figures.push((format!("{round} {team:?} --exclude {ex:?}"), members));
                    }
                }
            }
        }
        assert!(figures.len() >= 6, "{figures:?}");
        for (i, (a, ma)) in figures.iter().enumerate() {
            for (b, mb) in &figures[i + 1..] {
                let d = ma.symmetric_difference(mb).count();
                assert!(d == 0 || d >= 5, "{a} and {b} differ by {d} people");
            }
        }
    }
}

#[test]
fn a_theme_does_not_tell_apart_the_one_speeder_who_wrote_about_it() {
    let mut s =
        "Email,Team,Duration (in seconds),Deploys are easy.,Any other comments?\n".to_string();
    for i in 0..20 {
        let c = ["The CI pipeline is slow and flaky", "Docs are great", "Deploys are painful", ""]
            [i % 4];
        s += &format!("p{i}@x.io,{},{},{},\"{c}\"\n", ["A", "B"][i % 2], 600 + i, L5[i % 5]);
    }
    for i in 0..5 {
        let c = if i == 0 { "The CI pipeline is flaky and terrible" } else { "" };
        s += &format!("s{i}@x.io,C,{},{},\"{c}\"\n", 30 + i, L5[i % 5]);
    }
    let t = rounds_ws(&[s]);
    let themes = |ex: &str| -> Option<BTreeMap<String, f64>> {
        let mut args = vec!["-w", "ws", "themes", "--format", "json"];
        if !ex.is_empty() {
            args.extend(["--exclude", ex]);
        }
        let o = t.run(&args);
        if !o.status.success() {
            assert!(text(&o.stderr).contains("--exclude"), "{}", text(&o.stderr));
            return None;
        }
        let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
        Some(
            rows.iter()
                .map(|r| {
                    (r["theme"].as_str().unwrap().to_string(), r["comments"].as_f64().unwrap())
                })
                .collect(),
        )
    };
    let all = themes("").expect("themes without an exclusion");
    if let Some(ex) = themes("speeder") {
        for (th, n) in &all {
            let d = n - ex.get(th).copied().unwrap_or(0.0);
            assert!(d == 0.0 || d >= MIN, "theme {th}: {n} comments, {} without speeders", n - d);
        }
    }
}

#[test]
fn a_driver_does_not_tell_apart_the_one_speeder_who_answered_both() {
    // 40 people answer the outcome and the item; 5 speeders answer the outcome, only one of
    // them the item too.
    let mut s =
        "Email,Team,Duration (in seconds),Overall I am satisfied.,CI is fast.\n".to_string();
    for i in 0..40 {
        s += &format!(
            "p{i}@x.io,{},{},{},{}\n",
            ["A", "B"][i % 2],
            600 + i,
            L5[i % 5],
            L5[(i / 2) % 5]
        );
    }
    for i in 0..5 {
        let item = if i == 0 { L5[0] } else { "" };
        s += &format!("s{i}@x.io,A,{},{},{item}\n", 30 + i, L5[4]);
    }
    let t = rounds_ws(&[s]);
    let ids: Vec<String> = t
        .query("SELECT DISTINCT question_id FROM questions ORDER BY question_id")
        .iter()
        .map(|r| r["question_id"].as_str().unwrap().to_string())
        .collect();
    let outcome = ids.iter().find(|q| q.contains("satisf")).expect("outcome id").clone();
    let drivers = |ex: &str| -> BTreeMap<String, f64> {
        let mut args =
            vec!["-w", "ws", "drivers", "--outcome", outcome.as_str(), "--format", "json"];
        if !ex.is_empty() {
            args.extend(["--exclude", ex]);
        }
        let rows: Vec<Value> = serde_json::from_str(&t.ok(&args)).unwrap();
        rows.iter()
            .map(|r| (r["question_id"].as_str().unwrap().to_string(), r["n"].as_f64().unwrap()))
            .collect()
    };
    let (all, ex) = (drivers(""), drivers("speeder"));
    assert!(!all.is_empty(), "the item is a driver without an exclusion");
    for (q, n) in &ex {
        let d = all[q] - n;
        assert!(
            d == 0.0 || d >= MIN,
            "{q}: pairs {} without an exclusion, {n} without speeders",
            all[q]
        );
    }
    // --paired with --exclude is refused, with the reason.
    let o = t.run(&["-w", "ws", "compare", "--paired", "--exclude", "speeder"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn a_second_response_of_a_returning_person_is_not_told_apart() {
    // The same 20 people answer both rounds; in round 2, a3 also sent an earlier response
    // (flagged duplicate, kept in the figures). Figures count responses: team A's round-2
    // figure minus its round-1 figure would be that extra response.
    let row = |e: &str, team: &str, v: usize| format!("{e},{team},{},{}\n", 600 + v, L5[v % 5]);
    let head = "Email,Team,Duration (in seconds),Deploys are easy.\n";
    let (mut r1, mut r2) = (head.to_string(), head.to_string());
    r2 += &row("a3@x.io", "A", 4);
    for i in 0..10 {
        for (r, team) in [(&mut r1, "A"), (&mut r2, "A")] {
            *r += &row(&format!("a{i}@x.io"), team, i);
        }
        for r in [&mut r1, &mut r2] {
            *r += &row(&format!("b{i}@x.io"), "B", i + 2);
        }
    }
    let t = rounds_ws(&[r1, r2]);
    let q = t.query("SELECT DISTINCT question_id FROM questions")[0]["question_id"]
        .as_str()
        .unwrap()
        .to_string();
    for team in [None, Some("A")] {
        let (a, b) = (n_sum(&t, "2026-Q1", &q, team, ""), n_sum(&t, "2026-Q2", &q, team, ""));
        if let (Some((na, _)), Some((nb, _))) = (a, b) {
            let d = (na - nb).abs();
            assert!(d == 0.0 || d >= MIN, "{team:?}: n {na} in 2026-Q1, {nb} in 2026-Q2");
        }
    }
    // Round 1 is shown: it has nothing to be set against.
    assert!(n_sum(&t, "2026-Q1", &q, Some("B"), "").is_some());
}
