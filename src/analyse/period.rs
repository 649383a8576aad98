//! Calendar periods: the one place that turns a timestamp into a period label (`2026-Q3`,
//! `2026-07`, `2026-W27`) and a label back into its days.
//!
//! A label that names no period (`2026-Q0`, `2026-Q5`, `2026-13`, `2026-W54`) gives `None`;
//! no input, however extreme (`i64::MIN` ms, year −262 144), panics or overflows.

use chrono::{Datelike, NaiveDate};

/// Calendar period for grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// `2026-Q3` (aligned with survey rounds named the same).
    Quarter,
    /// `2026-07`.
    Month,
    /// ISO week `2026-W27`.
    Week,
}

impl Period {
    /// The kind of a period label: `2026-Q3` a quarter, `2026-W27` a week, anything else a
    /// month (whether it really is one, [`label_bounds`] tells).
    pub fn of_label(label: &str) -> Period {
        if label.contains("-Q") {
            Period::Quarter
        } else if label.contains("-W") {
            Period::Week
        } else {
            Period::Month
        }
    }
}

/// The UTC day of a timestamp in milliseconds (the epoch's day when out of chrono's range).
fn date_of(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(|| chrono::DateTime::UNIX_EPOCH.date_naive(), |d| d.date_naive())
}

/// The period label of a UTC timestamp in milliseconds.
pub fn period_of(ms: i64, p: Period) -> String {
    label_of_date(date_of(ms), p)
}

fn label_of_date(d: NaiveDate, p: Period) -> String {
    match p {
        Period::Quarter => format!("{}-Q{}", d.year(), d.month0() / 3 + 1),
        Period::Month => format!("{}-{:02}", d.year(), d.month()),
        Period::Week => {
            let w = d.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
    }
}

/// First day and the day after the last of a period label of any kind (2026-Q3, 2026-07,
/// 2026-W27); `None` when the label is not one.
pub fn label_bounds(label: &str) -> Option<(NaiveDate, NaiveDate)> {
    period_bounds(label, Period::of_label(label))
}

/// First and one-past-last day of a period label; `None` when it names no such period.
pub fn period_bounds(label: &str, p: Period) -> Option<(NaiveDate, NaiveDate)> {
    match p {
        Period::Quarter => {
            let (y, q) = label.split_once("-Q")?;
            let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
            if !(1..=4).contains(&q) {
                return None;
            }
            let start = NaiveDate::from_ymd_opt(y, (q - 1) * 3 + 1, 1)?;
            Some((start, start.checked_add_months(chrono::Months::new(3))?))
        }
        Period::Month => {
            let (y, m) = label.split_once('-')?;
            let start = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
            Some((start, start.checked_add_months(chrono::Months::new(1))?))
        }
        Period::Week => {
            let (y, w) = label.split_once("-W")?;
            let start =
                NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, chrono::Weekday::Mon)?;
            Some((start, start.checked_add_days(chrono::Days::new(7))?))
        }
    }
}

/// The period before `label`; `None` when the label is not a period of kind `p`.
pub fn previous_period(label: &str, p: Period) -> Option<String> {
    let (start, _) = period_bounds(label, p)?;
    Some(label_of_date(start.pred_opt()?, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_timestamps() {
        let ms = 1_782_907_200_000; // 2026-07-01T12:00:00Z
        assert_eq!(period_of(ms, Period::Quarter), "2026-Q3");
        assert_eq!(period_of(ms, Period::Month), "2026-07");
        assert_eq!(period_of(ms, Period::Week), "2026-W27");
    }

    #[test]
    fn bounds_and_previous() {
        let (s, e) = period_bounds("2026-Q3", Period::Quarter).unwrap();
        assert_eq!((s.to_string(), e.to_string()), ("2026-07-01".into(), "2026-10-01".into()));
        assert_eq!(label_bounds("2026-W27").unwrap().0.to_string(), "2026-06-29");
        assert_eq!(previous_period("2026-Q1", Period::Quarter).unwrap(), "2025-Q4");
        assert_eq!(previous_period("2026-01", Period::Month).unwrap(), "2025-12");
        assert_eq!(previous_period("2026-W01", Period::Week).unwrap(), "2025-W52");
        // 2026 has 53 ISO weeks.
        assert_eq!(previous_period("2027-W01", Period::Week).unwrap(), "2026-W53");
    }

    #[test]
    fn labels_that_name_no_period_are_none_not_a_panic() {
        for l in ["2026-Q0", "2026-Q5", "2026-13", "2026-00", "2026-W54", "2026-W00", "2025-W53"] {
            assert_eq!(label_bounds(l), None, "{l}");
            assert_eq!(previous_period(l, Period::of_label(l)), None, "{l}");
        }
        for l in ["", "-", "x-Q1", "2026-Q", "2026-W", "2026-Q-1", "2026-Q+"] {
            assert_eq!(previous_period(l, Period::of_label(l)), None, "{l}");
        }
        for l in ["-262144-Q1", "262143-Q4", "262143-12", "262143-W52", "-262144-01"] {
            let _ = (previous_period(l, Period::of_label(l)), label_bounds(l));
        }
        assert_eq!(period_bounds("2026-Q3", Period::Month), None);
    }

    #[test]
    fn extreme_timestamps_do_not_panic() {
        for ms in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            for p in [Period::Quarter, Period::Month, Period::Week] {
                let l = period_of(ms, p);
                assert!(label_bounds(&l).is_some(), "{l}");
                assert!(previous_period(&l, p).is_some(), "{l}");
            }
        }
        // The first and last days chrono knows.
        for d in [NaiveDate::MIN, NaiveDate::MAX] {
            for p in [Period::Quarter, Period::Month, Period::Week] {
                let l = label_of_date(d, p);
                let _ = previous_period(&l, p);
                let _ = label_bounds(&l);
            }
        }
    }
}
