//! Timestamps as survey platforms write them (FORMATS.md section 10), to UTC-or-naive datetimes.
//!
//! Most exports carry no zone; those are kept as written (local naive time). A zone in the cell
//! (`GMT+2`, `-04:00`, `Z`, `(UTC)` in the header) converts the value to UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Parses one timestamp cell. `utc_header` is true when the column header says `(UTC)`.
pub fn parse(s: &str) -> Option<NaiveDateTime> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(d) = plain_iso(t) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.naive_utc());
    }
    // Google Forms download: `2022/06/22 11:07:29 AM GMT+2` (abbreviated zones are kept naive).
    if let Some(i) = t.find(" GMT") {
        let (base, zone) = (&t[..i], &t[i + 4..]);
        let dt = parse_naive(base)?;
        let off = parse_offset(zone).unwrap_or(0);
        // Checked: an absurd offset (`GMT+99999999`) or a date at the calendar's edge is not a
        // time, and must not panic.
        return dt.checked_sub_signed(chrono::TimeDelta::try_seconds(off)?);
    }
    if let Some(dt) = parse_naive(t) {
        return Some(dt);
    }
    // Drop a trailing alphabetic zone abbreviation (`AST`) and keep the local time.
    if let Some((base, zone)) = t.rsplit_once(' ')
        && zone.chars().all(|c| c.is_ascii_uppercase())
        && zone.len() <= 5
    {
        return parse_naive(base);
    }
    None
}

/// Which field comes first in a numeric date with the year last (`16/10/2024`, `10-16-2024`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// Month first (US): `10/16/2024`.
    Mdy,
    /// Day first (UK, most of Europe): `16/10/2024`.
    Dmy,
}

impl DateOrder {
    /// Parses `--date-order`.
    pub fn parse(s: &str) -> Option<DateOrder> {
        match s {
            "mdy" => Some(DateOrder::Mdy),
            "dmy" => Some(DateOrder::Dmy),
            _ => None,
        }
    }

    /// The option value.
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Mdy => "mdy",
            DateOrder::Dmy => "dmy",
        }
    }
}

/// The two leading numbers of a date written `A/B/YYYY` or `A-B-YYYY` (year last).
fn leading_pair(t: &str) -> Option<(u32, u32, char)> {
    let t = t.trim();
    let sep = t.chars().find(|c| !c.is_ascii_digit())?;
    if sep != '/' && sep != '-' {
        return None;
    }
    let mut it = t.splitn(3, sep);
    let a = it.next()?;
    let b = it.next()?;
    let rest = it.next()?;
    let year: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if a.is_empty()
        || a.len() > 2
        || b.is_empty()
        || b.len() > 2
        || !(year.len() == 2 || year.len() == 4)
    {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, sep))
}

/// What a file's dates say about their order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderEvidence {
    /// Values that only read day-first (first number over 12), with the first one seen.
    pub dmy: usize,
    /// Values that only read month-first (second number over 12).
    pub mdy: usize,
    /// Values with both numbers at most 12.
    pub ambiguous: usize,
    /// One value of each kind, for messages: (day-first example, month-first example).
    pub examples: (Option<String>, Option<String>),
}

impl OrderEvidence {
    /// Adds one cell.
    pub fn add(&mut self, s: &str) {
        let Some((a, b, _)) = leading_pair(s) else { return };
        if a > 12 && b <= 12 {
            self.dmy += 1;
            self.examples.0.get_or_insert_with(|| s.trim().to_string());
        } else if b > 12 && a <= 12 {
            self.mdy += 1;
            self.examples.1.get_or_insert_with(|| s.trim().to_string());
        } else if a <= 12 && b <= 12 {
            self.ambiguous += 1;
        }
    }

    /// The order the values decide, if any (None when no value decides or they contradict).
    pub fn decided(&self) -> Option<DateOrder> {
        match (self.dmy > 0, self.mdy > 0) {
            (true, false) => Some(DateOrder::Dmy),
            (false, true) => Some(DateOrder::Mdy),
            _ => None,
        }
    }
}

/// Parses a cell with the given order for dates written with the year last.
pub fn parse_ordered(s: &str, order: DateOrder) -> Option<NaiveDateTime> {
    let t = s.trim();
    match (order, leading_pair(t)) {
        (DateOrder::Dmy, Some((a, b, sep))) => {
            // Rewrite `D/M/Y...` as `M/D/Y...` and read it the month-first way.
            let skip = t.find(sep).map(|i| i + 1)?;
            let rest = &t[skip..];
            let skip2 = rest.find(sep).map(|i| i + 1)?;
            let swapped = format!("{b}/{a}/{}", &rest[skip2..]);
            parse(&swapped)
        }
        (DateOrder::Mdy, Some((a, b, '-'))) => {
            let skip = t.find('-').map(|i| i + 1)?;
            let rest = &t[skip..];
            let skip2 = rest.find('-').map(|i| i + 1)?;
            parse(&format!("{a}/{b}/{}", &rest[skip2..]))
        }
        _ => parse(t),
    }
}

/// `YYYY-MM-DD HH:MM:SS` without chrono's format parser (one call per respondent); anything
/// else, leap seconds included, goes the general way.
fn plain_iso(t: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter()
            .try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
    let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if sec > 59 {
        return None;
    }
    date.and_hms_opt(h, m, sec)
}

fn parse_offset(z: &str) -> Option<i64> {
    if z.is_empty() {
        return Some(0);
    }
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let z = z.trim_start_matches(['+', '-']);
    let (h, m) = z.split_once(':').unwrap_or((z, "0"));
    let secs = h
        .parse::<i64>()
        .ok()?
        .checked_mul(3600)?
        .checked_add(m.parse::<i64>().ok()?.checked_mul(60)?)?;
    Some(sign * secs)
}

const FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    // Two-digit years first: `%Y` would read "25" as the year 25.
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
];

fn parse_naive(t: &str) -> Option<NaiveDateTime> {
    for f in FORMATS {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d);
        }
    }
    for f in ["%Y-%m-%d", "%m/%d/%Y", "%a %b %d %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse(s).map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
    }

    #[test]
    fn the_timestamp_zoo() {
        assert_eq!(p("2017-07-18 08:28:09"), "2017-07-18 08:28:09");
        assert_eq!(p("04/25/2017 23:03:44"), "2017-04-25 23:03:44");
        assert_eq!(p("4/22/2016 19:57:50"), "2016-04-22 19:57:50");
        assert_eq!(p("2022/06/22 11:07:29 AM AST"), "2022-06-22 11:07:29");
        assert_eq!(p("2021/10/13 2:04:34 PM GMT+2"), "2021-10-13 12:04:34");
        assert_eq!(p("8/20/25 12:51:45"), "2025-08-20 12:51:45");
        assert_eq!(p("2017-10-23T05:40:39.000-04:00"), "2017-10-23 09:40:39");
        assert_eq!(p("2017-10-23T09:41:19"), "2017-10-23 09:41:19");
        assert_eq!(p("Sat Jun 15 2024"), "2024-06-15 00:00:00");
        assert_eq!(p("yesterday"), "");
    }

    #[test]
    fn day_first_and_month_first() {
        let f = |s: &str, o| {
            parse_ordered(s, o).map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
        };
        assert_eq!(f("16/10/2024 16:56", DateOrder::Dmy), "2024-10-16 16:56");
        assert_eq!(f("03/10/2024 16:56", DateOrder::Dmy), "2024-10-03 16:56");
        assert_eq!(f("03/10/2024 16:56", DateOrder::Mdy), "2024-03-10 16:56");
        assert_eq!(f("16/10/2024 16:56", DateOrder::Mdy), "");
        assert_eq!(f("16-10-2024 16:56", DateOrder::Dmy), "2024-10-16 16:56");
        assert_eq!(f("10-16-2024 16:56", DateOrder::Mdy), "2024-10-16 16:56");
        assert_eq!(f("2024-10-03 16:56:00", DateOrder::Dmy), "2024-10-03 16:56");
        let mut e = OrderEvidence::default();
        for v in ["03/10/2024 10:00", "16/10/2024 16:56", "2024-10-03 10:00:00"] {
            e.add(v);
        }
        assert_eq!((e.dmy, e.mdy, e.ambiguous), (1, 0, 1));
        assert_eq!(e.decided(), Some(DateOrder::Dmy));
        e.add("10/16/2024 10:00");
        assert_eq!(e.decided(), None);
    }

    #[test]
    fn plain_iso_fast_path_agrees_with_the_format_parser() {
        for t in [
            "2026-09-01 00:00:00",
            "2024-02-29 23:59:59",
            "2023-02-29 10:00:00",
            "2026-13-01 00:00:00",
            "2026-09-01 24:00:00",
            "2016-12-31 23:59:60",
            "0000-01-01 00:00:00",
        ] {
            let general = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").ok();
            assert_eq!(parse(t), general, "{t}");
        }
    }

    #[test]
    fn extreme_timestamps_and_offsets_do_not_panic() {
        assert_eq!(p("9999-12-31 23:59:59"), "9999-12-31 23:59:59");
        assert_eq!(p("1970-01-01 00:00:00"), "1970-01-01 00:00:00");
        assert_eq!(p("2021/10/13 2:04:34 PM GMT+99999999999999"), "");
        // An offset too long to read is ignored, as any unreadable offset is.
        assert_eq!(p("2021/10/13 2:04:34 PM GMT+9223372036854775807"), "2021-10-13 14:04:34");
        assert_eq!(p("+262143/12/31 11:59:59 PM GMT-23"), "");
        let (a, b) = (parse("1970-01-01 00:00:00").unwrap(), parse("9999-12-31 23:59:59").unwrap());
        assert!((b - a).num_milliseconds() > 0 && (a - b).num_milliseconds() < 0);
    }
}
