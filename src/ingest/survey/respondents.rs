//! Respondent metadata: the day/month order of the file's dates, and per response its pseudonym
//! key, submission time, duration and completeness. Answers are `items`'.

use rayon::prelude::*;

use super::Respondent;
use crate::ingest::decode::InputError;
use crate::ingest::grid::Row;
use crate::ingest::layout::{ColumnSpec, Platform, Role};
use crate::ingest::scales::normalise;
use crate::ingest::timestamp;

/// Decides day-first or month-first for the file's dates from all of its values: a first number
/// over 12 means day-first, a second over 12 month-first. Values that contradict each other are
/// an error unless `--date-order` says which; a file where no value decides is read month-first
/// with a warning.
pub(super) fn date_order(
    columns: &[ColumnSpec],
    data: &[Row],
    given: Option<timestamp::DateOrder>,
    file: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<(timestamp::DateOrder, String)>, InputError> {
    use timestamp::{DateOrder, OrderEvidence};
    let mut e = OrderEvidence::default();
    for c in columns.iter().filter(|c| matches!(c.role, Role::Submitted | Role::Started)) {
        for r in data {
            e.add(&r.cells[c.index]);
        }
    }
    if e.dmy + e.mdy + e.ambiguous == 0 {
        return Ok(given.map(|o| (o, "--date-order (the file has no day/month dates)".into())));
    }
    if let Some(o) = given {
        return Ok(Some((o, "--date-order".into())));
    }
    match e.decided() {
        Some(o @ DateOrder::Dmy) => Ok(Some((
            o,
            format!("day-first: {:?} has a day over 12", e.examples.0.unwrap_or_default()),
        ))),
        Some(o) => Ok(Some((
            o,
            format!("month-first: {:?} has a day over 12", e.examples.1.unwrap_or_default()),
        ))),
        None if e.dmy > 0 => Err(InputError {
            file: file.to_string(),
            pos: None,
            message: format!(
                "the submission dates contradict each other: {:?} reads only day-first, {:?} only month-first",
                e.examples.0.unwrap_or_default(),
                e.examples.1.unwrap_or_default()
            ),
            hint: Some("pass --date-order dmy or --date-order mdy".into()),
        }),
        None => {
            warnings.push(format!(
                "dates are ambiguous: in all {} values both day and month are 12 or less; read month-first (pass --date-order dmy if the export is day-first, e.g. a UK-locale tenant)",
                e.ambiguous
            ));
            Ok(Some((DateOrder::Mdy, "month-first by default: no value decides (warned)".into())))
        }
    }
}

/// Each response's metadata, in file order (in parallel).
pub(super) fn respondents(
    columns: &[ColumnSpec],
    data: &[Row],
    platform: Platform,
    order: Option<timestamp::DateOrder>,
    warnings: &mut Vec<String>,
) -> Vec<Respondent> {
    let order = order.unwrap_or(timestamp::DateOrder::Mdy);
    let unreadable = std::sync::atomic::AtomicUsize::new(0);
    let when = |s: &str| {
        let t = timestamp::parse_ordered(s, order);
        if t.is_none() {
            unreadable.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        t
    };
    let find =
        |pred: &dyn Fn(&Role) -> bool| columns.iter().find(|c| pred(&c.role)).map(|c| c.index);
    let id_col = find(&|r| *r == Role::ResponseId);
    let person_col = find(&|r| *r == Role::Pii { person_key: true });
    let submitted_col = find(&|r| *r == Role::Submitted);
    let started_col = find(&|r| *r == Role::Started);
    let duration_col = find(&|r| *r == Role::Duration);
    let progress_col = find(&|r| *r == Role::Progress);
    let finished_col = find(&|r| *r == Role::Finished);
    // In parallel: timestamps and pseudonym keys are the work, one row at a time.
    let out = data
        .par_iter()
        .map(|row| {
            let get = |c: Option<usize>| c.map(|i| row.cells[i].trim()).filter(|s| !s.is_empty());
            let person = get(person_col)
                .filter(|p| !p.eq_ignore_ascii_case("anonymous"))
                .map(|p| format!("person:{}", p.to_lowercase()))
                .or_else(|| get(id_col).map(|i| format!("{}:{i}", platform.name())))
                .unwrap_or_else(|| format!("{}:line{}", platform.name(), row.line));
            let submitted = get(submitted_col).and_then(when);
            let started = get(started_col).and_then(when);
            let duration_s = get(duration_col)
                .and_then(|d| d.parse::<f64>().ok().filter(|v| v.is_finite()))
                .or_else(|| match (started, submitted) {
                    (Some(a), Some(b)) if b >= a => {
                        Some((b - a).num_milliseconds() as f64 / 1000.0)
                    }
                    _ => None,
                });
            let finished = get(finished_col).map(|f| {
                matches!(
                    normalise(f).as_str(),
                    "1" | "true" | "yes" | "completed" | "complete" | "finished"
                )
            });
            let progress_ok = get(progress_col)
                .and_then(|p| p.parse::<f64>().ok().filter(|v| v.is_finite()))
                .map(|p| p >= 100.0);
            let complete = match (finished, progress_ok) {
                (Some(f), _) => f,
                (None, Some(p)) => p,
                // LimeSurvey: an incomplete response has an empty `Date submitted`.
                (None, None) if platform == Platform::LimeSurvey => submitted.is_some(),
                _ => true,
            };
            Respondent { line: row.line, person_key: person, submitted, duration_s, complete }
        })
        .collect();
    let bad = unreadable.into_inner();
    if bad > 0 {
        warnings.push(format!(
            "{bad} date cell(s) could not be read as {} dates and were left empty",
            order.name()
        ));
    }
    out
}
