//! The simulation, small in every `cargo test` and full (ignored) for the README table.

use super::*;

/// Markdown table of the false-alarm and detection rates.
fn table(st: &Stationary, n: usize, seed: u64) -> String {
    let mut s =
        format!("| stationary quarters ({}) | share with the alert |\n|---|---|\n", st.quarters);
    for (k, x) in &st.by_kind {
        s += &format!("| `{k}` | {:.1} % |\n", x * 100.0);
    }
    s += &format!("| any alert | {:.1} % |\n", st.any * 100.0);
    s += &format!("| default period not the quarter made | {:.1} % |\n\n", st.wrong_period * 100.0);
    s += &format!("| planted effect ({n} quarters each) | alert | strong | medium | small |\n");
    s += "|---|---|---|---|---|\n";
    for e in [Effect::Bunching, Effect::Cfr, Effect::P50, Effect::Usage] {
        let (kind, metric) = e(0).expected();
        let rates: Vec<String> = (0..3)
            .map(|k| format!("{:.1} %", detection(e(k), n, seed + 1 + k as u64) * 100.0))
            .collect();
        let what: Vec<String> = (0..3).map(|k| e(k).describe()).collect();
        s += &format!(
            "| {} (medium: {}; small: {}) | `{kind}` on {metric} | {} |\n",
            what[0],
            what[1],
            what[2],
            rates.join(" | ")
        );
    }
    s += &format!(
        "\nCounter regression (strong) by deployment volume: {}\n",
        [4.0, 10.0, 20.0]
            .map(|d| format!(
                "{d} a weekday {:.1} %",
                detection_at(Effect::Cfr(0), n, seed + 9, d) * 100.0
            ))
            .join(", ")
    );
    s
}

#[test]
fn check_simulation_small() {
    // A quick version of the README table: 24 stationary quarters, 8 per strong effect.
    let st = stationary(24, 14);
    assert_eq!(st.wrong_period, 0.0, "a stray row or a partial quarter moved the period");
    assert!(st.any <= 0.25, "{:?}", st.by_kind);
    for e in [Effect::Bunching(0), Effect::Cfr(0), Effect::P50(0), Effect::Usage(0)] {
        let d = detection(e, 8, 15);
        assert!(d >= 0.5, "{e:?}: {d}");
    }
}

/// `cargo test --release -- --ignored simulation_table --nocapture`: the README's table.
#[test]
#[ignore = "minutes in debug; run in release for the README table"]
fn simulation_table() {
    let (n_stat, n_eff, seed) = (400, 200, 2026);
    let st = stationary(n_stat, seed);
    let t = table(&st, n_eff, seed);
    println!("{t}");
    // The table goes to the README as printed; the targets of issue 14 are checked here.
    for (k, x) in &st.by_kind {
        assert!(*x <= 0.05, "{k}: {x}");
    }
    assert!(st.any <= 0.10 && st.wrong_period == 0.0);
}
