//! Coverage and the choice of the period pair, on hand-made calendars.

use super::*;

fn d(y: i32, m: u32, day: u32) -> i32 {
    day_number(NaiveDate::from_ymd_opt(y, m, day).unwrap())
}

/// A source with one event on every weekday from `from` to `to` (inclusive).
fn weekdays(from: i32, to: i32) -> Days {
    (from..=to)
        .filter(|x| (x + 3).rem_euclid(7) < 5)
        .map(|x| (x, Day { events: 1, ..Day::default() }))
        .collect()
}

fn builds(days: Days) -> Sources {
    Sources { builds: days, ..Sources::default() }
}

#[test]
fn weekends_and_a_holiday_gap_are_covered() {
    let mut b = weekdays(d(2026, 4, 1), d(2026, 9, 30));
    // Ten days without a build in August.
    b.retain(|k, _| !(d(2026, 8, 10)..d(2026, 8, 20)).contains(k));
    let c = coverage(&b, "2026-Q3");
    assert_eq!((c.covered, c.days, c.complete), (92, 92, true));
    assert_eq!(c.describe(), "92 of 92 days");
}

#[test]
fn check_a_row_past_the_quarter_end_never_changes_the_period() {
    // Issue 14: a build retried after midnight on 30 September, an incident on 2 October or a
    // future-dated row made a near-empty "latest" quarter that plain `pulse check` compared.
    let base = weekdays(d(2026, 1, 1), d(2026, 9, 30));
    let want = ("2026-Q3".to_string(), "2026-Q2".to_string());
    for extra in [d(2026, 10, 1), d(2026, 10, 2), d(2027, 5, 1), d(2031, 1, 1)] {
        let mut b = base.clone();
        b.insert(extra, Day { events: 1, ..Day::default() });
        let c = choose(&builds(b.clone()), Period::Quarter, false, 0.5).unwrap();
        assert_eq!((c.period.clone(), c.previous.clone()), want, "{extra}: {}", c.why);
        assert!(c.why.contains("passed over"), "{}", c.why);
        assert!(!coverage(&b, "2026-Q4").complete);
    }
    // Deployments that stop at the quarter end do not hold the period back either.
    let s = Sources { builds: base.clone(), deploys: base, ..Sources::default() };
    let c = choose(&s, Period::Quarter, false, 0.5).unwrap();
    assert_eq!((c.period, c.previous), want);
}

#[test]
fn a_partial_quarter_is_checked_only_with_partial() {
    let b = builds(weekdays(d(2026, 1, 1), d(2026, 8, 31)));
    let c = choose(&b, Period::Quarter, false, 0.5).unwrap();
    assert_eq!(c.period, "2026-Q2");
    assert!(c.why.contains("2026-Q3 is not complete (builds cover 62 of 92 days)"), "{}", c.why);
    let c = choose(&b, Period::Quarter, true, 0.5).unwrap();
    assert_eq!((c.period.as_str(), c.previous.as_str()), ("2026-Q3", "2026-Q2"));
    // A quarter barely started is not compared even with --partial.
    let b = builds(weekdays(d(2026, 1, 1), d(2026, 7, 20)));
    assert_eq!(choose(&b, Period::Quarter, true, 0.5).unwrap().period, "2026-Q2");
}

#[test]
fn the_first_quarter_of_data_is_not_compared_with_nothing() {
    // Data from 20 May: 2026-Q2 covers 42 of 91 days, under one half.
    let b = builds(weekdays(d(2026, 5, 20), d(2026, 9, 30)));
    let c = choose(&b, Period::Quarter, false, 0.5);
    assert!(c.is_err(), "{c:?}");
    let why = c.unwrap_err().join("; ");
    assert!(why.contains("of 2026-Q2, under min_coverage 0.5"), "{why}");
    assert_eq!(coverage(&b.builds, "2026-Q2").covered, 42);
}

#[test]
fn a_sparse_source_gets_a_longer_gap_limit() {
    // A deployment every three weeks is continuous data, not 1-day islands.
    let dep: Days =
        (0..20).map(|i| (d(2026, 1, 5) + 21 * i, Day { events: 1, ..Day::default() })).collect();
    assert_eq!(gap_limit(&dep), 84);
    assert_eq!(coverage(&dep, "2026-Q2").covered, 91);
}

#[test]
fn covered_days_are_the_exposure_of_a_count() {
    let b = weekdays(d(2026, 7, 1), d(2026, 8, 31));
    let c = covered_days(&b, d(2026, 7, 1), d(2026, 10, 1));
    assert_eq!(c.len(), 62);
    assert_eq!((c[0], *c.last().unwrap()), (d(2026, 7, 1), d(2026, 8, 31)));
    assert_eq!(day_of_ms(-1), -1);
    assert_eq!(bounds("2026-Q0"), None);
}
