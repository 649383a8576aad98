//! Numbers as text: the one place a report (its sentences, tables and chart labels) turns a
//! number into words, so a share or a p-value reads the same wherever it appears.

/// A share with one decimal: `42.1 %`.
pub fn pct1(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

/// A share, whole percent: `42 %`.
pub fn pct0(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// A share as a compact chart label, whole percent without the space: `42%`.
pub fn pct_label(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// A share as a bare axis tick, whole percent without the sign: `42`.
pub fn pct_tick(v: f64) -> String {
    format!("{:.0}", v * 100.0)
}

/// A p- or q-value as text.
pub fn pq(p: f64) -> String {
    if p < 0.001 { "< 0.001".into() } else { format!("{p:.3}") }
}

/// `= 0.031` or `< 0.001`, to follow "q " or "p ".
pub fn q_is(p: f64) -> String {
    if p < 0.001 { "< 0.001".into() } else { format!("= {p:.3}") }
}

/// A measurement with precision by magnitude: `1234`, `12.3`, `1.23`.
pub fn num(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A count or a value on a bar: whole when it is whole or large, else two decimals.
pub fn count_or_value(v: f64) -> String {
    if v.abs() >= 100.0 || v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.2}") }
}

/// A log-axis tick: no trailing zeros (`20`, `2`, `1.5`, `0.05`).
pub fn trim_num(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}").trim_end_matches(".0").to_string()
    } else {
        format!("{v:.2}")
    }
}

/// A value with a fixed number of decimals.
pub fn fixed(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

/// A value with two decimals: `0.31`.
pub fn dec2(v: f64) -> String {
    fixed(v, 2)
}

/// A change in percentage points with one decimal, for a sentence: `+1.5 points`.
pub fn points1(v: f64) -> String {
    format!("{:+.1} points", v * 100.0)
}

/// A signed value with one decimal: `+3.2`.
pub fn signed1(v: f64) -> String {
    format!("{v:+.1}")
}

/// A signed value with two decimals: `+0.31`.
pub fn signed2(v: f64) -> String {
    format!("{v:+.2}")
}

/// A change in percentage points, whole: `+4 pts`.
pub fn pts0(v: f64) -> String {
    format!("{:+.0} pts", v * 100.0)
}

/// A number, or an en dash when there is none.
pub fn opt(v: Option<f64>, f: fn(f64) -> String) -> String {
    v.map_or(DASH.into(), f)
}

/// What a table shows where there is no value.
pub const DASH: &str = "–";

/// `Text` from `text`.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(pct1(0.4237), "42.4 %");
        assert_eq!(pct0(0.4237), "42 %");
        assert_eq!(pct_label(0.4237), "42%");
        assert_eq!(pq(0.0004), "< 0.001");
        assert_eq!(pq(0.0312), "0.031");
        assert_eq!(q_is(0.0312), "= 0.031");
        assert_eq!(num(1234.5), "1234");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(1.234), "1.23");
        assert_eq!(count_or_value(3.0), "3");
        assert_eq!(count_or_value(2.345), "2.35");
        assert_eq!(trim_num(2.0), "2");
        assert_eq!(trim_num(0.05), "0.05");
        assert_eq!(opt(None, num), "–");
        assert_eq!(pts0(-0.04), "-4 pts");
        assert_eq!(capitalise("ci speed"), "Ci speed");
    }
}
