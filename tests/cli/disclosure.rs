//! Attacks on disclosure control (issue 12): a curious manager combines pulse's outputs to learn
//! what a small group answered. The workspace is generated with planted answers:
//! - team `tiny` (3 people, role dev) all answer "Strongly disagree" to "Deploys are easy.", and
//!   none of them uses Docs or Deploy;
//! - team `six` (6 people) is exactly role `lead`, and the next smallest team after `tiny`;
//! - location `berlin` grows 4 -> 5 and location `paris` 5 -> 6 between the rounds; the newcomer
//!   in paris answers "Strongly disagree" while everyone else keeps their answer;
//! - squad `sq3` (3 people of team alpha, a segment given only with `--segment` at import) is
//!   alone in writing about on-call;
//! - only 2 people of team alpha (20) answer the rare question.
//!
//! Every test fails if a planted value, size or choice can be derived; each failed against the
//! binary before the disclosure layer (checked by hand when the suite was written).

use super::*;
use serde_json::Value;

const MIN: f64 = 5.0;
const AGREE: [&str; 5] =
    ["Agree", "Strongly agree", "Neither agree nor disagree", "Agree", "Disagree"];
const PLANTED_COMMENT: &str = "PLANTED: the oncall pager wakes us every night";

/// One generated person.
struct P {
    email: String,
    team: &'static str,
    role: &'static str,
    location: &'static str,
    squad: &'static str,
    deploy: &'static str,
    tools: &'static str,
    rare: &'static str,
    docs: &'static str,
    gpu: &'static str,
    comment: String,
}

fn people(round: u8) -> Vec<P> {
    let mut v = Vec::new();
    let mut add =
        |prefix: &str, n: usize, team: &'static str, role: &dyn Fn(usize) -> &'static str| {
            for i in 0..n {
                v.push(P {
                    email: format!("{prefix}{i}@x.example"),
                    team,
                    role: role(i),
                    location: "london",
                    squad: "main",
                    deploy: AGREE[i % 5],
                    tools: if i % 2 == 0 { "CI;Deploy;Docs" } else { "CI;Docs" },
                    rare: "",
                    docs: AGREE[(i + 2) % 5],
                    gpu: "",
                    comment: if i % 3 == 0 {
                        "Deploys are slow on Mondays.".into()
                    } else {
                        String::new()
                    },
                });
            }
        };
    add("tiny", 3, "tiny", &|_| "dev");
    add("six", 6, "six", &|_| "lead");
    add("alpha", 20, "alpha", &|i| if i < 10 { "dev" } else { "ops" });
    add("beta", 25, "beta", &|i| if i % 2 == 0 { "dev" } else { "ops" });
    for (i, p) in v.iter_mut().enumerate() {
        if p.team == "tiny" {
            p.deploy = "Strongly disagree";
            p.tools = "CI";
            p.docs = "Not applicable";
            p.gpu = "Strongly agree";
        }
        if p.team == "beta" || p.email.starts_with("alpha0@") || p.email.starts_with("alpha1@") {
            p.rare = "Agree";
        }
        if ["alpha2@", "alpha3@", "alpha4@"].iter().any(|s| p.email.starts_with(s)) {
            p.squad = "sq3";
            p.comment = PLANTED_COMMENT.into();
        }
        // paris: alpha10..alpha14 (5); berlin: beta0..beta3 (4).
        if p.team == "alpha" && (10..15).contains(&(i - 9)) {
            p.location = "paris";
        }
        if ["beta0@", "beta1@", "beta2@", "beta3@"].iter().any(|s| p.email.starts_with(s)) {
            p.location = "berlin";
        }
    }
    if round == 2 {
        // Turnover: 5 of beta leave, 5 join (the round as a whole changes by 12 people).
        v.retain(|p| !(20..25).any(|i| p.email == format!("beta{i}@x.example")));
        for i in 0..5 {
            v.push(P {
                email: format!("beta_new{i}@x.example"),
                team: "beta",
                role: if i % 2 == 0 { "dev" } else { "ops" },
                location: "london",
                squad: "main",
                deploy: AGREE[i % 5],
                tools: "CI;Docs",
                rare: "Agree",
                docs: AGREE[i % 5],
                gpu: "",
                comment: String::new(),
            });
        }
        let new = |email: &str, team, location, deploy| P {
            email: email.into(),
            team,
            role: "ops",
            location,
            squad: "main",
            deploy,
            tools: "CI;Deploy;Docs",
            rare: "",
            docs: "Agree",
            gpu: "",
            comment: String::new(),
        };
        let (a, b) = (
            new("paris_new@x.example", "alpha", "paris", "Strongly disagree"),
            new("berlin_new@x.example", "beta", "berlin", "Agree"),
        );
        v.push(a);
        v.push(b);
    }
    v
}

fn csv(round: u8) -> String {
    let mut s = String::from(
        "Email,Team,Role,Location,Squad,Deploys are easy.,Rare: the GPU queue is fine.,Which tools do you use?,Docs are good.,Only the smallest team: the GPU quota is fair.,Anything else?\n",
    );
    for p in people(round) {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},\"{}\"\n",
            p.email,
            p.team,
            p.role,
            p.location,
            p.squad,
            p.deploy,
            p.rare,
            p.tools,
            p.docs,
            p.gpu,
            p.comment
        ));
    }
    s
}

/// The attack workspace `ws` with rounds 2026-Q1 and 2026-Q2.
fn attack_ws() -> &'static CliTest {
    static WS: std::sync::OnceLock<CliTest> = std::sync::OnceLock::new();
    WS.get_or_init(|| {
        let t = CliTest::new();
        t.workspace();
        for (r, id) in [(1, "2026-Q1"), (2, "2026-Q2")] {
            let f = t.write(&format!("r{r}.csv"), csv(r).as_bytes());
            t.ok(&[
                "-w",
                "ws",
                "import",
                "survey",
                f.to_str().unwrap(),
                "--round",
                id,
                "--segment",
                "squad=Squad",
            ]);
        }
        t
    })
}

fn json(t: &CliTest, args: &[&str]) -> Vec<Value> {
    let mut a = vec!["-w", "ws"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&t.ok(&a)).unwrap()
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Question id of a question text's catalog entry.
fn qid(t: &CliTest, starts: &str) -> String {
    let q =
        t.query(&format!("SELECT DISTINCT question_id FROM questions WHERE text LIKE '{starts}%'"));
    q[0]["question_id"].as_str().unwrap().to_string()
}

/// (group -> (n, mean)) of the published rows of a segmented summary for a question.
fn published(rows: &[Value], q: &str) -> Vec<(String, f64, f64)> {
    rows.iter()
        .filter(|r| r["question_id"] == q && r["option"] == "" && r["suppressed"] == false)
        .map(|r| {
            (
                r["group"].as_str().unwrap().to_string(),
                num(&r["n"]).unwrap(),
                num(&r["mean"]).unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn whole(t: &CliTest, round: &str, q: &str) -> (f64, f64) {
    let rows = json(t, &["summary", "--round", round]);
    let r = rows.iter().find(|r| r["question_id"] == q && r["option"] == "").unwrap();
    (num(&r["n"]).unwrap(), num(&r["mean"]).unwrap())
}

/// A derived group of `n` people (n > 0) must have at least MIN of them.
fn assert_not_isolated(n: f64, what: &str) {
    assert!(n.abs() < 1e-9 || n >= MIN - 1e-9, "{what}: {n} people isolated");
}

#[test]
fn across_breakdowns_total_minus_teams_minus_a_role() {
    let t = attack_ws();
    let q = qid(t, "Deploys are easy");
    for round in ["2026-Q1", "2026-Q2"] {
        let (n, mean) = whole(t, round, &q);
        let teams = published(&json(t, &["summary", "--round", round, "--segment", "team"]), &q);
        let roles = published(&json(t, &["summary", "--round", round, "--segment", "role"]), &q);
        assert!(teams.iter().all(|g| g.0 != "tiny"), "the tiny team is published");
        // Hidden teams together.
        let hn = n - teams.iter().map(|g| g.1).sum::<f64>();
        let hs = n * mean - teams.iter().map(|g| g.1 * g.2).sum::<f64>();
        assert_not_isolated(hn, "total − shown teams");
        // Any shown role inside the hidden teams: subtract it.
        for (role, rn, rm) in &roles {
            let ps = people(if round == "2026-Q1" { 1 } else { 2 });
            let inside_hidden =
                ps.iter().filter(|p| p.role == role).all(|p| !teams.iter().any(|g| g.0 == p.team));
            if inside_hidden {
                let left = hn - rn;
                assert_not_isolated(left, &format!("hidden teams − role {role}"));
                if left > 0.0 && left < MIN {
                    let recovered = (hs - rn * rm) / left;
                    panic!("recovered mean {recovered} of {left} people");
                }
            }
        }
    }
}

#[test]
fn across_commands_summary_and_compare_hide_the_same_groups() {
    let t = attack_ws();
    let s = json(t, &["summary", "--round", "2026-Q2", "--segment", "team"]);
    let c = json(t, &["compare", "2026-Q1", "2026-Q2", "--segment", "team"]);
    let shown_s: std::collections::BTreeSet<(String, String)> = s
        .iter()
        .filter(|r| r["suppressed"] == false && r["option"] == "")
        .map(|r| (r["question_id"].as_str().unwrap().into(), r["group"].as_str().unwrap().into()))
        .collect();
    for r in c.iter().filter(|r| r["suppressed"] == false && r["option"] == "") {
        let key = (
            r["question_id"].as_str().unwrap().to_string(),
            r["group"].as_str().unwrap().to_string(),
        );
        assert!(shown_s.contains(&key), "compare shows {key:?}, which summary hides");
        // And its n is the summary's n (no second way to count the same group).
        let n = s
            .iter()
            .find(|x| x["question_id"] == key.0 && x["group"] == key.1 && x["option"] == "")
            .unwrap()["n"]
            .clone();
        assert_eq!(r["n_to"], n, "{key:?}");
    }
}

#[test]
fn small_n_inside_a_large_group_is_hidden_per_question() {
    let t = attack_ws();
    let q = qid(t, "Rare");
    for args in [
        vec!["summary", "--round", "2026-Q2", "--segment", "team"],
        vec!["compare", "2026-Q1", "2026-Q2", "--segment", "team"],
    ] {
        let rows = json(t, &args);
        for r in rows.iter().filter(|r| r["question_id"] == q && r["suppressed"] == false) {
            let n = num(&r["n"]).or_else(|| num(&r["n_to"])).unwrap();
            assert!(n >= MIN, "{args:?}: {} has {n} answers to the rare question", r["group"]);
            assert_ne!(r["group"], "alpha", "{args:?}: alpha has 2 answers");
        }
        // Nor can alpha's 2 be recovered as total − shown groups.
        let (n, _) = whole(t, "2026-Q2", &q);
        let shown: f64 = rows
            .iter()
            .filter(|r| r["question_id"] == q && r["suppressed"] == false && r["option"] == "")
            .map(|r| num(&r["n"]).or_else(|| num(&r["n_to"])).unwrap())
            .sum();
        if args[0] == "summary" {
            assert_not_isolated(n - shown, "rare: total − shown teams");
        }
    }
}

#[test]
fn across_rounds_the_newcomer_does_not_fall_out() {
    let t = attack_ws();
    let q = qid(t, "Deploys are easy");
    let trend = json(t, &["trend", &q, "--segment", "location"]);
    let cell = |round: &str, g: &str| -> Option<(f64, f64)> {
        trend
            .iter()
            .find(|r| r["round"] == round && r["group"] == g && r["question_id"] == q)
            .and_then(|r| Some((num(&r["n"])?, num(&r["mean"])?)))
    };
    // paris: 5 -> 6 with one newcomer: both rounds shown would give the newcomer away.
    let both = cell("2026-Q1", "paris").zip(cell("2026-Q2", "paris"));
    assert!(
        both.is_none(),
        "paris shown in both rounds: newcomer = {:?}",
        both.map(|((n1, m1), (n2, m2))| n2 * m2 - n1 * m1)
    );
    // Two summary calls say the same.
    let s1 = published(&json(t, &["summary", "--round", "2026-Q1", "--segment", "location"]), &q);
    let s2 = published(&json(t, &["summary", "--round", "2026-Q2", "--segment", "location"]), &q);
    assert!(!(s1.iter().any(|g| g.0 == "paris") && s2.iter().any(|g| g.0 == "paris")));
    // Nor from the complement: the hidden locations of round 2 are not paris alone.
    let (n2, _) = whole(t, "2026-Q2", &q);
    let hidden2 = n2 - s2.iter().map(|g| g.1).sum::<f64>();
    assert_ne!(hidden2, 6.0, "total − shown locations is paris alone in round 2");
    // The same team-level attack: alpha gained the newcomer (20 -> 21).
    let t1 = published(&json(t, &["summary", "--round", "2026-Q1", "--segment", "team"]), &q);
    let t2 = published(&json(t, &["summary", "--round", "2026-Q2", "--segment", "team"]), &q);
    assert!(!(t1.iter().any(|g| g.0 == "alpha") && t2.iter().any(|g| g.0 == "alpha")));
    // berlin was never shown at 4, so its 5 may be shown in round 2.
    assert!(cell("2026-Q1", "berlin").is_none());
}

#[test]
fn multi_select_every_option_has_a_row_for_every_group() {
    let t = attack_ws();
    let q = qid(t, "Which tools");
    let rows = json(t, &["summary", "--round", "2026-Q2", "--segment", "team"]);
    let rows: Vec<&Value> = rows.iter().filter(|r| r["question_id"] == q).collect();
    let options: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["option"].as_str().unwrap()).collect();
    let kind =
        &t.query(&format!("SELECT kind FROM questions WHERE question_id = '{q}'"))[0]["kind"];
    assert_eq!(kind, "multi");
    assert!(options.contains("Docs") && options.contains("CI"), "{options:?}");
    for g in ["tiny", "six", "alpha", "beta"] {
        for o in &options {
            let r = rows.iter().find(|r| r["group"] == g && r["option"] == *o);
            assert!(r.is_some(), "no row for group {g}, option {o}: its absence tells");
        }
    }
    let tiny: Vec<&&Value> = rows.iter().filter(|r| r["group"] == "tiny").collect();
    assert!(tiny.iter().all(|r| r["suppressed"] == true && r["n"].is_null()));
    // Hidden groups together are not a small set, for every option.
    let (whole_rows, shown): (Vec<Value>, Vec<&&Value>) = (
        json(t, &["summary", "--round", "2026-Q2"]),
        rows.iter().filter(|r| r["suppressed"] == false).collect(),
    );
    for o in &options {
        let w = whole_rows.iter().find(|r| r["question_id"] == q && r["option"] == *o).unwrap();
        let n = num(&w["n"]).unwrap()
            - shown
                .iter()
                .filter(|r| r["option"] == *o)
                .map(|r| num(&r["n"]).unwrap())
                .sum::<f64>();
        assert_not_isolated(n, &format!("option {o}: total − shown"));
    }
}

#[test]
fn comments_of_an_import_only_small_squad_are_never_quoted() {
    let t = attack_ws();
    for round in ["2026-Q1", "2026-Q2"] {
        let out = t.ok(&["-w", "ws", "themes", "--round", round, "--format", "json"]);
        assert!(!out.contains("PLANTED"), "{round}: planted squad comment quoted: {out}");
    }
}

#[test]
fn report_shows_no_small_group_size_or_answer() {
    let t = attack_ws();
    t.ok(&["-w", "ws", "report", "--round", "2026-Q2", "--formats", "pdf,png,md,html"]);
    let dir = t.path("ws/reports/2026-Q2");
    let mut texts: Vec<(String, String)> = ["summary.md", "report.html"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read_to_string(dir.join(f)).unwrap()))
        .collect();
    if let Some(pdf) = super::report::pdf_text(&dir.join("report.pdf")) {
        texts.push(("report.pdf".into(), pdf));
    }
    for e in std::fs::read_dir(dir.join("charts")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "svg") {
            texts.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
        }
    }
    assert!(texts.len() > 3, "charts drawn");
    for (f, s) in &texts {
        assert!(!s.contains("PLANTED"), "{f} quotes the squad");
        assert!(!s.contains("tiny"), "{f} names the tiny team");
        assert!(!s.contains(" group(s) with fewer"), "{f} says how many groups were left out");
        assert!(!s.contains("1 group"), "{f} says how many groups were left out");
    }
}

#[test]
fn min_group_size_is_validated() {
    let t = CliTest::new();
    t.workspace();
    let cfg = std::fs::read_to_string(t.path("ws/pulse.toml")).unwrap();
    for (v, code, says) in [
        ("1", Some(2), "too small"),
        ("5.5", Some(2), "min_group_size"),
        ("-3", Some(2), "min_group_size"),
    ] {
        t.write(
            "ws/pulse.toml",
            cfg.replace("min_group_size = 5", &format!("min_group_size = {v}")).as_bytes(),
        );
        let o = t.run(&["-w", "ws", "rounds"]);
        assert_eq!(o.status.code(), code, "{v}");
        assert!(text(&o.stderr).contains(says), "{v}: {}", text(&o.stderr));
    }
    t.write("ws/pulse.toml", cfg.replace("min_group_size = 5", "min_group_size = 3").as_bytes());
    let o = t.run(&["-w", "ws", "rounds"]);
    assert!(o.status.success());
    assert!(text(&o.stderr).contains("warning:") && text(&o.stderr).contains("below 5"));
}

#[test]
fn bundled_segment_sizes_query_and_safe_query_keep_the_plan() {
    let t = attack_ws();
    let sql = t.path("ws/queries/segment_sizes.sql");
    let rows = json(t, &["query", "--safe", sql.to_str().unwrap()]);
    assert!(rows.iter().all(|r| r["team"] != "tiny"));
    for round in ["2026-Q1", "2026-Q2"] {
        let total = t.query(&format!("SELECT count(*) AS n FROM respondents WHERE round = '{round}'"))[0]["n"].as_f64().unwrap();
        let shown: f64 = rows
            .iter()
            .filter(|r| r["round"] == round)
            .map(|r| num(&r["respondents"]).unwrap())
            .sum();
        assert_not_isolated(total - shown, &format!("{round}: respondents − shown team sizes"));
    }
    // Without a count column, --safe refuses.
    let o = t.run(&[
        "-w",
        "ws",
        "query",
        "--safe",
        "SELECT team, avg(duration_s) AS d FROM respondents GROUP BY team",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--count"), "{}", text(&o.stderr));
}

#[test]
fn every_format_hides_the_tiny_team_numbers() {
    let t = attack_ws();
    let q = qid(t, "Deploys are easy");
    for f in ["csv", "table"] {
        let out = t.ok(&[
            "-w",
            "ws",
            "summary",
            "--round",
            "2026-Q2",
            "--segment",
            "team",
            "--format",
            f,
        ]);
        for line in out.lines().filter(|l| l.contains("tiny") && l.contains(&q)) {
            assert!(line.contains("suppressed"), "{f}: {line}");
            assert!(!line.contains("1.0") && !line.contains(",3,"), "{f}: numbers in {line}");
        }
    }
}

/// The same checks on the demo: per round, question and segment, the hidden groups together are
/// never a small set; compare hides what summary hides.
#[test]
fn demo_passes_the_differencing_checks() {
    let t = CliTest::new();
    t.ok(&["demo", "--out", "ws", "--no-report"]);
    for round in ["2026-Q2", "2026-Q3"] {
        let whole_rows = json(&t, &["summary", "--round", round]);
        for seg in ["team", "role", "tenure"] {
            let rows = json(&t, &["summary", "--round", round, "--segment", seg]);
            for w in whole_rows.iter().filter(|r| r["option"] == "" && r["kind"] != "multi") {
                let q = &w["question_id"];
                let shown: f64 = rows
                    .iter()
                    .filter(|r| &r["question_id"] == q && r["suppressed"] == false)
                    .map(|r| num(&r["n"]).unwrap())
                    .sum();
                let n = num(&w["n"]).unwrap();
                assert_not_isolated(n - shown, &format!("{round} {seg} {q}"));
            }
        }
    }
}

#[test]
fn excluded_counts_do_not_give_a_hidden_group_away() {
    // tiny's 3 all answer "Not applicable" to the docs question: total excluded − shown groups'
    // excluded would say so if tiny were the only group hidden.
    let t = attack_ws();
    let q = qid(t, "Docs are good");
    for round in ["2026-Q1", "2026-Q2"] {
        let whole = json(t, &["summary", "--round", round]);
        let w = whole.iter().find(|r| r["question_id"] == q).unwrap();
        let people = |r: &Value| num(&r["n"]).unwrap_or(0.0) + num(&r["excluded"]).unwrap_or(0.0);
        let rows = json(t, &["summary", "--round", round, "--segment", "team"]);
        let shown: f64 = rows
            .iter()
            .filter(|r| r["question_id"] == q && r["suppressed"] == false)
            .map(people)
            .sum();
        assert_not_isolated(people(w) - shown, &format!("{round}: respondents − shown teams"));
    }
}

#[test]
fn drivers_reliability_and_themes_respect_the_minimum() {
    let t = attack_ws();
    let only_tiny = qid(t, "Only the smallest");
    let deploy = qid(t, "Deploys are easy");
    let d = json(t, &["drivers", "--round", "2026-Q2", "--outcome", &deploy]);
    assert!(
        d.iter().all(|r| r["question_id"] != only_tiny.as_str()),
        "drivers shows the 3-person question"
    );
    assert!(d.iter().all(|r| num(&r["n"]).unwrap() >= MIN));
    // The on-call theme has 3 comments (the squad's): no sentiment, no example.
    let th = json(t, &["themes", "--round", "2026-Q2"]);
    let oc = th.iter().find(|r| r["theme"] == "on_call").expect("the on-call theme");
    assert!(oc["sentiment"].is_null() && oc["examples"] == "", "{oc}");
}

#[test]
fn across_rounds_the_remainder_of_hidden_locations_gives_no_newcomer() {
    // Round 1 hides berlin (4) and paris (its complement); round 2 has both grown by one. If
    // london were shown in both rounds, total − london would differ by the two newcomers.
    let t = attack_ws();
    let q = qid(t, "Deploys are easy");
    let mut remainder = Vec::new();
    for round in ["2026-Q1", "2026-Q2"] {
        let (n, _) = whole(t, round, &q);
        let s = published(&json(t, &["summary", "--round", round, "--segment", "location"]), &q);
        remainder.push((
            n - s.iter().map(|g| g.1).sum::<f64>(),
            s.iter().map(|g| g.0.clone()).collect::<Vec<_>>(),
        ));
    }
    if remainder[0].1 == remainder[1].1 {
        let d = (remainder[1].0 - remainder[0].0).abs();
        assert_not_isolated(d, "the hidden locations' remainder between rounds");
    }
}

#[test]
fn a_whole_round_that_changed_by_one_person_is_not_published() {
    // Round 2 is round 1 plus one newcomer: the two rounds' whole figures would give the
    // newcomer's answer, so round 2's figures are withheld (whole round and every group).
    let t = CliTest::new();
    t.workspace();
    let mut r1 = String::from("Email,Team,Deploys are easy.\n");
    for i in 0..30 {
        r1.push_str(&format!("p{i}@x.example,{},{}\n", ["a", "b"][i % 2], AGREE[i % 5]));
    }
    let r2 = format!("{r1}new@x.example,a,Strongly disagree\n");
    for (r, body) in [("2026-Q1", &r1), ("2026-Q2", &r2)] {
        let f = t.write(&format!("{r}.csv"), body.as_bytes());
        t.ok(&["-w", "ws", "import", "survey", f.to_str().unwrap(), "--round", r]);
        // Plans are cached in .pulse/cache: the next import must not reuse this one.
        t.ok(&["-w", "ws", "summary", "--round", r, "--segment", "team"]);
    }
    let q = qid(&t, "Deploys are easy");
    let s1 = json(&t, &["summary", "--round", "2026-Q1"]);
    let s2 = json(&t, &["summary", "--round", "2026-Q2"]);
    let row = |rows: &[Value]| rows.iter().find(|r| r["question_id"] == q).unwrap().clone();
    assert!(row(&s1)["mean"].is_number(), "round 1 is published");
    assert!(row(&s2)["mean"].is_null() && row(&s2)["n"].is_null(), "round 2: {}", row(&s2));
    let c = json(&t, &["compare", "2026-Q1", "2026-Q2"]);
    assert!(c.iter().all(|r| r["mean_to"].is_null()), "compare gives round 2 away");
    let tr = json(&t, &["trend", &q, "--segment", "team"]);
    assert!(tr.iter().filter(|r| r["round"] == "2026-Q2").all(|r| r["mean"].is_null()));
}
