//! Large synthetic inputs for benchmarks: plain-CSV survey rounds and CI builds.

use std::io::Write;

use std::fmt::Write as _;

use super::Rng;
use super::content::{AGREE5, COMMENTS, TEAMS};
use super::survey::{label, likert};

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
