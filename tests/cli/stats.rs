//! summary, compare and trend on the demo workspace: the story shows, and no small group's
//! number reaches any output format.

use super::*;

fn demo(t: &CliTest) {
    t.ok(&["demo", "--out", "ws", "--no-report"]);
}

fn json(t: &CliTest, args: &[&str]) -> Vec<serde_json::Value> {
    let mut a = vec!["-w", "ws"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&t.ok(&a)).unwrap()
}

#[test]
fn compare_tells_the_demo_story() {
    let t = CliTest::new();
    demo(&t);
    let rows = json(&t, &["compare", "2026-Q2", "2026-Q3"]);
    let verdict = |q: &str| {
        rows.iter().find(|r| r["question_id"] == q && r["option"] == "").unwrap()["verdict"].clone()
    };
    assert_eq!(verdict("satisfied_part_ci_build_speed"), "improved");
    assert_eq!(verdict("satisfied_part_documentation"), "declined");
    assert_eq!(
        verdict("satisfied_part_observability"),
        "no detectable change",
        "the honest control"
    );
    // Fewer flaky-test blocks is an improvement for a lower-is-better item (over the year the
    // generator lowers the mean by 0.6 points; one quarter's 0.2 is not reliably detectable).
    let year = json(&t, &["compare", "2025-Q4", "2026-Q3"]);
    let flaky = year.iter().find(|r| r["question_id"] == "often_flaky_test_block").unwrap();
    assert!(flaky["mean_delta"].as_f64().unwrap() < 0.0);
    assert_eq!(flaky["verdict"], "improved");
    // Every tested row has a q-value >= its p-value (BH never lowers p).
    for r in rows.iter().filter(|r| r["p_value"].is_number()) {
        assert!(r["q_value"].as_f64().unwrap() >= r["p_value"].as_f64().unwrap() - 1e-15, "{r}");
    }
    // The rescaled item: not comparable without --rescale, tested with it.
    let rows = json(&t, &["compare", "2026-Q1", "2026-Q2"]);
    let ticket = rows.iter().find(|r| r["question_id"] == "get_new_service_production").unwrap();
    assert_eq!(ticket["verdict"], "not comparable");
    assert!(ticket["flags"].as_str().unwrap().contains("scale_changed"));
    let docs = rows.iter().find(|r| r["question_id"] == "easy_find_documentation_need").unwrap();
    assert!(docs["flags"].as_str().unwrap().contains("wording_changed"));
    let rows = json(&t, &["compare", "2026-Q1", "2026-Q2", "--rescale"]);
    let ticket = rows.iter().find(|r| r["question_id"] == "get_new_service_production").unwrap();
    assert_eq!(ticket["test"], "mann-whitney");
    assert!(ticket["flags"].as_str().unwrap().contains("rescaled"));
    // Paired: the same pseudonymous people in both rounds.
    let rows = json(&t, &["compare", "2026-Q2", "2026-Q3", "--paired"]);
    let ci = rows.iter().find(|r| r["question_id"] == "satisfied_part_ci_build_speed").unwrap();
    assert_eq!(ci["test"], "wilcoxon");
    assert!(ci["flags"].as_str().unwrap().contains("pairs="));
}

#[test]
fn summary_fields_and_trend_breaks() {
    let t = CliTest::new();
    demo(&t);
    let rows = json(&t, &["summary", "--round", "2026-Q3"]);
    let nps =
        rows.iter().find(|r| r["question_id"] == "likely_recommend_developer_platform").unwrap();
    for f in [
        "n",
        "excluded",
        "mean",
        "mean_ci_low",
        "mean_ci_high",
        "top_box",
        "top_box_ci_low",
        "top_box_ci_high",
        "bottom_box",
        "nps",
        "nps_ci_low",
        "nps_ci_high",
        "distribution",
    ] {
        assert!(!nps[f].is_null(), "{f} missing: {nps}");
    }
    let (lo, m, hi) = (
        nps["mean_ci_low"].as_f64().unwrap(),
        nps["mean"].as_f64().unwrap(),
        nps["mean_ci_high"].as_f64().unwrap(),
    );
    assert!(lo < m && m < hi);
    let tr = json(&t, &["trend", "get_new_service_production"]);
    let series: Vec<u64> = tr.iter().map(|r| r["series"].as_u64().unwrap()).collect();
    assert_eq!(series, [1, 1, 2, 2], "the series breaks at the 5 -> 7 point change");
    assert!(tr[2]["break"].as_str().unwrap().contains("agreement7"));
    let tr = json(&t, &["trend", "easy_find_documentation_need", "--rounds", "2026-Q1..2026-Q2"]);
    assert_eq!(tr.len(), 2);
    assert_eq!(tr[1]["wording_changed"], true);
    let o = t.run(&["-w", "ws", "summary", "--round", "2031-Q1"]);
    assert_eq!(o.status.code(), Some(2));
    let o = t.run(&["-w", "ws", "summary", "--segment", "shoe_size"]);
    assert!(text(&o.stderr).contains("no segment"), "{}", text(&o.stderr));
}

#[test]
fn small_groups_never_appear_in_any_format() {
    let t = CliTest::new();
    demo(&t);
    const STATS: [&str; 17] = [
        "n",
        "excluded",
        "mean",
        "mean_ci_low",
        "mean_ci_high",
        "top_box",
        "top_box_ci_low",
        "top_box_ci_high",
        "bottom_box",
        "nps",
        "nps_ci_low",
        "nps_ci_high",
        "n_from",
        "n_to",
        "mean_delta",
        "p_value",
        "effect_size",
    ];
    for args in [
        vec!["summary", "--segment", "team"],
        vec!["compare", "2026-Q2", "2026-Q3", "--segment", "team"],
        vec!["trend", "--segment", "team"],
    ] {
        // JSON and CSV: every statistic of an infra-tools row is empty.
        let rows = json(&t, &args);
        for r in rows.iter().filter(|r| r["group"] == "infra-tools") {
            for f in STATS {
                assert!(
                    r.get(f).is_none_or(serde_json::Value::is_null),
                    "json {args:?}: {f} in {r}"
                );
            }
        }
        let mut a = vec!["-w", "ws"];
        a.extend_from_slice(&args);
        a.extend_from_slice(&["--format", "csv"]);
        let out = t.ok(&a);
        let mut rdr = csv::ReaderBuilder::new().from_reader(out.as_bytes());
        let header = rdr.headers().unwrap().clone();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            if rec.get(header.iter().position(|h| h == "group").unwrap()) != Some("infra-tools") {
                continue;
            }
            for (h, v) in header.iter().zip(rec.iter()) {
                assert!(!STATS.contains(&h) || v.is_empty(), "csv {args:?}: {h}={v}");
            }
        }
        // Table: the summary and compare views of infra-tools carry no number at all.
        if args[0] != "trend" {
            let mut a = vec!["-w", "ws"];
            a.extend_from_slice(&args);
            for line in t.ok(&a).lines().filter(|l| l.contains("infra-tools")) {
                assert!(
                    !line.split_whitespace().any(|w| w.parse::<f64>().is_ok()),
                    "table {args:?}: {line}"
                );
            }
        }
    }
    let rows = json(&t, &["summary", "--segment", "team"]);
    let infra: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["group"] == "infra-tools").collect();
    assert!(!infra.is_empty());
    for r in &infra {
        assert_eq!(r["suppressed"], true);
        assert!(r["n"].is_null() && r["mean"].is_null() && r["top_box"].is_null(), "{r}");
    }
    // Differencing: with exactly one small group, the next smallest is hidden too.
    let q = "satisfied_part_ci_build_speed";
    let groups: Vec<&serde_json::Value> = rows.iter().filter(|r| r["question_id"] == q).collect();
    let hidden = groups.iter().filter(|r| r["suppressed"] == true).count();
    assert!(hidden >= 2, "{groups:?}");
}

#[test]
fn drivers_and_reliability_on_the_demo() {
    let t = CliTest::new();
    demo(&t);
    let d = json(&t, &["drivers"]);
    assert_eq!(d[0]["outcome"], "overall_satisfied_developer_platform", "outcome from pulse.toml");
    assert_eq!(
        d[0]["question_id"], "likely_recommend_developer_platform",
        "NPS tracks overall satisfaction most"
    );
    for r in &d {
        let (lo, rho, hi) = (
            r["rho_ci_low"].as_f64().unwrap(),
            r["rho"].as_f64().unwrap(),
            r["rho_ci_high"].as_f64().unwrap(),
        );
        assert!(lo < rho && rho < hi, "{r}");
        assert!(
            ["priority", "strength", "maintain", "monitor"]
                .contains(&r["quadrant"].as_str().unwrap())
        );
    }
    let flaky = d.iter().find(|r| r["question_id"] == "often_flaky_test_block").unwrap();
    assert!(
        flaky["rho"].as_f64().unwrap() > 0.0,
        "lower-is-better items enter sign-flipped: {flaky}"
    );
    let rel = json(&t, &["reliability"]);
    assert_eq!(rel[0]["construct"], "platform_satisfaction");
    assert_eq!(rel[0]["items"], 5);
    assert!(rel[0]["alpha"].as_f64().unwrap() > 0.5);
    let o = t.run(&["-w", "ws", "drivers", "--outcome", "no_such_question"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn themes_and_maturity_on_the_demo() {
    let t = CliTest::new();
    demo(&t);
    let th = json(&t, &["themes"]);
    let names: Vec<&str> = th.iter().map(|r| r["theme"].as_str().unwrap()).collect();
    for expected in ["build_speed", "docs", "flaky_tests", "on_call"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    for r in &th {
        let s = r["sentiment"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&s));
        assert!(r["share_change"].is_number(), "a previous round exists");
        // Examples never carry an e-mail (scrubbed) and never come from infra-tools (3 people).
        assert!(!r["examples"].as_str().unwrap().contains('@'));
    }
    let on_call = th.iter().find(|r| r["theme"] == "on_call").unwrap();
    assert!(on_call["sentiment"].as_f64().unwrap() < 0.0, "on-call comments are negative");
    let m = json(&t, &["maturity"]);
    let aspects: Vec<&str> = m
        .iter()
        .filter(|r| r["source"] == "self-assessed")
        .map(|r| r["aspect"].as_str().unwrap())
        .collect();
    assert_eq!(aspects, ["adoption", "interfaces", "investment", "measurement", "operations"]);
    for r in m.iter().filter(|r| r["source"] == "self-assessed") {
        let counts: u64 = (1..=4).map(|l| r[format!("level_{l}")].as_u64().unwrap()).sum();
        assert_eq!(counts, r["n"].as_u64().unwrap());
        assert!(!r["next_level"].as_str().unwrap().is_empty());
    }
    let ev = m.iter().find(|r| r["source"] == "evidence").unwrap();
    // The demo imports a year of telemetry and a metrics.toml whose targets have counters.
    assert_eq!(ev["median_level"], 4, "4 stable rounds, telemetry and guardrails: optimizing");
    assert!(!ev["next_level"].as_str().unwrap().contains("no telemetry imported"));
}

#[test]
fn compare_same_round_twice_is_refused() {
    let t = CliTest::new();
    demo(&t);
    let o = t.run(&["-w", "ws", "compare", "2026-Q3", "2026-Q3"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("with itself") && err.contains("hint:"), "{err}");
    let o = t.run(&["-w", "ws", "compare", "2026-Q3"]);
    assert_eq!(o.status.code(), Some(2), "one round alone is ambiguous");
    assert!(text(&o.stderr).contains("hint:"));
}

#[test]
fn compare_warns_when_from_is_later_than_to() {
    let t = CliTest::new();
    demo(&t);
    let o = t.run(&["-w", "ws", "compare", "2026-Q3", "2026-Q2", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("warning: 2026-Q3 comes after 2026-Q2"),
        "{}",
        text(&o.stderr)
    );
    let o = t.run(&["-w", "ws", "compare", "2026-Q2", "2026-Q3", "--format", "json"]);
    assert!(text(&o.stderr).is_empty(), "in order: no warning: {}", text(&o.stderr));
}

#[test]
fn compare_without_rounds_takes_the_latest_two() {
    let t = CliTest::new();
    demo(&t);
    let latest = json(&t, &["compare"]);
    assert!(!latest.is_empty());
    assert!(latest.iter().all(|r| r["from"] == "2026-Q2" && r["to"] == "2026-Q3"));
    assert_eq!(latest, json(&t, &["compare", "2026-Q2", "2026-Q3"]));
}

/// Regression: the segment join fanned out on a pseudonym listed twice in `respondents` (a
/// duplicate submission), so a segmented summary counted that person's answers twice. Each
/// answer now counts once: with no group suppressed, the groups add up to the whole round.
#[test]
fn segment_breakdown_counts_a_duplicate_submitter_once() {
    let t = CliTest::new();
    demo(&t);
    let whole = json(&t, &["summary", "--round", "2026-Q3"]);
    let by_role = json(&t, &["summary", "--round", "2026-Q3", "--segment", "role"]);
    assert!(by_role.iter().all(|r| r["suppressed"] == false), "no role group is small");
    for w in whole.iter().filter(|r| r["option"] == "" && r["kind"] != "multi") {
        let q = &w["question_id"];
        let sum: u64 = by_role
            .iter()
            .filter(|r| &r["question_id"] == q)
            .map(|r| r["n"].as_u64().unwrap())
            .sum();
        assert_eq!(sum, w["n"].as_u64().unwrap(), "{q}");
    }
}
