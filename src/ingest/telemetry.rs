//! Telemetry schemas: the columns of each kind (builds, deployments, changes, incidents, usage),
//! the aliases that map GitHub Actions, GitLab CI, Jenkins, Argo CD and PagerDuty exports onto
//! them, and cell parsing (timestamps to UTC milliseconds, numbers, booleans, results).
//!
//! Column definitions follow `../shared/real-telemetry/DEFINITIONS.md` section 8. Reading files
//! into typed batches is in [`read`] and [`rows`].

pub mod read;
pub mod rows;

/// The type a telemetry column is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// Text.
    Str,
    /// UTC timestamp, stored as Datetime(ms).
    Time,
    /// Floating-point number.
    Num,
    /// true / false.
    Bool,
}

/// One column of a telemetry kind.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Column name in the store.
    pub name: &'static str,
    /// Stored type.
    pub ty: Type,
    /// Must be present in the input.
    pub required: bool,
    /// Header names in common exports that mean this column.
    pub aliases: &'static [&'static str],
}

const fn f(
    name: &'static str,
    ty: Type,
    required: bool,
    aliases: &'static [&'static str],
) -> Field {
    Field { name, ty, required, aliases }
}

/// Telemetry kinds and their columns.
pub const KINDS: &[(&str, &[Field])] = &[
    (
        "builds",
        &[
            f(
                "build_id",
                Type::Str,
                true,
                &["id", "run_id", "pipeline_id", "build_number", "number"],
            ),
            f(
                "service",
                Type::Str,
                false,
                &["repository", "repo", "project", "project_path", "repo_name"],
            ),
            f(
                "pipeline",
                Type::Str,
                false,
                &["workflow", "workflow_name", "name", "job_name", "job"],
            ),
            f("branch", Type::Str, false, &["head_branch", "ref", "branch_name"]),
            f("commit_sha", Type::Str, false, &["head_sha", "sha", "revision", "commit"]),
            f("attempt", Type::Num, false, &["run_attempt", "retry", "retries"]),
            f("queued_at", Type::Time, false, &["created_at", "enqueued_at"]),
            f(
                "started_at",
                Type::Time,
                true,
                &["run_started_at", "start_time", "started", "timestamp"],
            ),
            f(
                "finished_at",
                Type::Time,
                false,
                &["completed_at", "end_time", "finished", "updated_at"],
            ),
            f("result", Type::Str, true, &["conclusion", "status", "state", "outcome"]),
            f("duration_s", Type::Num, false, &["duration", "duration_seconds", "elapsed_s"]),
            f("queued_s", Type::Num, false, &["queued_duration", "queue_s", "queue_time_s"]),
            f("runner", Type::Str, false, &["runner_name", "agent", "executor", "runner_label"]),
        ],
    ),
    (
        "deployments",
        &[
            f("deployment_id", Type::Str, true, &["id", "deploy_id", "history_id"]),
            f("service", Type::Str, true, &["application", "app", "repository", "project"]),
            f("environment", Type::Str, true, &["env", "environment_name", "target", "stage"]),
            f("commit_sha", Type::Str, false, &["sha", "revision", "commit"]),
            f("started_at", Type::Time, false, &["deploy_started_at", "start_time"]),
            f(
                "finished_at",
                Type::Time,
                true,
                &["deployed_at", "finished", "end_time", "completed_at", "time"],
            ),
            f("result", Type::Str, true, &["status", "state", "phase", "outcome"]),
            f("is_rollback", Type::Bool, false, &["rollback"]),
            f("is_unplanned", Type::Bool, false, &["unplanned", "hotfix"]),
            f("related_incident_id", Type::Str, false, &["incident_id", "remediates"]),
        ],
    ),
    (
        "changes",
        &[
            f("deployment_id", Type::Str, true, &["deploy_id"]),
            f("change_id", Type::Str, true, &["commit_sha", "sha", "pr_id", "id"]),
            f(
                "first_commit_at",
                Type::Time,
                true,
                &["authored_at", "commit_time", "first_commit_time"],
            ),
            f("pr_opened_at", Type::Time, false, &["pr_created_at", "opened_at"]),
            f("pr_merged_at", Type::Time, false, &["merged_at"]),
        ],
    ),
    (
        "incidents",
        &[
            f("incident_id", Type::Str, true, &["id", "incident_number", "number"]),
            f("service", Type::Str, false, &["service_name", "service_summary", "component"]),
            f("opened_at", Type::Time, true, &["created_at", "triggered_at", "created"]),
            f(
                "resolved_at",
                Type::Time,
                false,
                &["last_status_change_at", "closed_at", "resolutiondate", "resolved"],
            ),
            f("severity", Type::Str, false, &["urgency", "priority", "sev"]),
            // PagerDuty's `last_status_change_at` is the resolution time only when the status
            // is resolved: `pulse metrics` reads resolved_at through `is_resolved(status)`.
            f("status", Type::Str, false, &["state", "incident_status", "status_name"]),
            f("caused_by_deployment_id", Type::Str, false, &["deployment_id", "caused_by"]),
            f("caused_by_commit_sha", Type::Str, false, &["root_cause", "commit_sha"]),
            f("is_change_failure", Type::Bool, false, &["change_failure", "caused_by_change"]),
        ],
    ),
    (
        "usage",
        &[
            f("occurred_at", Type::Time, true, &["timestamp", "time", "event_time", "created_at"]),
            f("capability", Type::Str, true, &["feature", "tool", "template"]),
            f("action", Type::Str, false, &["event", "event_type"]),
            f("team", Type::Str, false, &["owner", "team_name"]),
            f("actor", Type::Str, false, &["user", "user_id", "actor_hash", "login", "email"]),
            f("service", Type::Str, false, &["component", "repo"]),
            f("outcome", Type::Str, false, &["result", "status"]),
            f("duration_s", Type::Num, false, &["duration"]),
        ],
    ),
];

/// Does an incident status say it is over? An empty status trusts `resolved_at`; open states
/// (triggered, acknowledged, investigating, …) mean it is still open whatever the timestamps say.
pub fn is_resolved(status: &str) -> bool {
    let s = status.trim().to_ascii_lowercase();
    s.is_empty()
        || matches!(
            s.as_str(),
            "resolved" | "closed" | "done" | "mitigated" | "fixed" | "completed"
        )
}

/// The columns of a kind.
pub fn fields(kind: &str) -> Option<&'static [Field]> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, f)| *f)
}

fn key(h: &str) -> String {
    h.trim().to_lowercase().replace([' ', '-', '.'], "_")
}

/// Maps input headers to fields: `maps` (our=their) first, then exact names, then aliases.
/// Returns, per field, the input column index.
pub fn resolve(
    headers: &[String],
    fields: &[Field],
    maps: &[(String, String)],
) -> Result<Vec<Option<usize>>, String> {
    let keys: Vec<String> = headers.iter().map(|h| key(h)).collect();
    let find = |name: &str| keys.iter().position(|k| *k == key(name));
    let mut out = Vec::with_capacity(fields.len());
    for f in fields {
        let mapped = maps.iter().find(|(ours, _)| ours == f.name).map(|(_, theirs)| theirs);
        let idx = match mapped {
            Some(theirs) => Some(find(theirs).ok_or_else(|| {
                format!("--map {}={theirs}: no column {theirs:?} in the file", f.name)
            })?),
            None => find(f.name).or_else(|| f.aliases.iter().find_map(|a| find(a))),
        };
        if idx.is_none() && f.required {
            return Err(format!(
                "no column for {:?} (looked for {:?} and {})\nhint: pass --map {}=YOUR_COLUMN",
                f.name,
                f.name,
                f.aliases.join(", "),
                f.name
            ));
        }
        out.push(idx);
    }
    Ok(out)
}

/// The largest timestamp (UTC ms) accepted: 9999-12-31T23:59:59.999Z, as far as SQL engines and
/// spreadsheets go; any difference of two accepted timestamps fits an i64 comfortably.
pub const MAX_MS: i64 = 253_402_300_799_999;

/// Parses a timestamp to UTC epoch milliseconds: RFC 3339 (any offset), naive date-times (taken
/// as UTC), epoch seconds or milliseconds (by magnitude).
pub fn parse_time(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let v: f64 = t.parse().ok()?;
        // Beyond 1e11 seconds (year 5138) it must be milliseconds.
        let ms = if v > 1e11 { v } else { v * 1000.0 };
        // Out of the calendar's range (year 262143) is not a time: later subtractions of such
        // values would overflow.
        return (ms.is_finite() && ms.abs() <= MAX_MS as f64).then_some(ms as i64);
    }
    if let Some(ms) = fast_rfc3339(t) {
        return Some(ms);
    }
    super::timestamp::parse(t)
        .map(|d| d.and_utc().timestamp_millis())
        .filter(|ms| (-MAX_MS..=MAX_MS).contains(ms))
}

/// `YYYY-MM-DDTHH:MM:SS[Z]` without chrono's general parser (the 10 M-row path).
fn fast_rfc3339(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    if !(b.len() == 19 || (b.len() == 20 && b[19] == b'Z')) || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter()
            .try_fold(0i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
    };
    if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::try_from(y).ok()?,
        u32::try_from(mo).ok()?,
        u32::try_from(d).ok()?,
    )?;
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() + (h * 3600 + mi * 60 + s) * 1000)
}

/// Parses a boolean cell.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "t" => Some(true),
        "false" | "0" | "no" | "n" | "f" => Some(false),
        _ => None,
    }
}

/// Normalises a build or deployment result across providers: success, failure, cancelled,
/// skipped, in_progress, or the lowercased original (no allocation for the known values).
pub fn normalise_result(s: &str) -> std::borrow::Cow<'static, str> {
    const KNOWN: &[(&str, &str)] = &[
        ("success", "success"),
        ("succeeded", "success"),
        ("successful", "success"),
        ("passed", "success"),
        ("ok", "success"),
        ("completed", "success"),
        ("synced", "success"),
        ("failure", "failure"),
        ("failed", "failure"),
        ("fail", "failure"),
        ("error", "failure"),
        ("errored", "failure"),
        ("timed_out", "failure"),
        ("startup_failure", "failure"),
        ("unstable", "failure"),
        ("degraded", "failure"),
        ("cancelled", "cancelled"),
        ("canceled", "cancelled"),
        ("aborted", "cancelled"),
        ("skipped", "skipped"),
        ("not_built", "skipped"),
        ("in_progress", "in_progress"),
        ("running", "in_progress"),
        ("pending", "in_progress"),
        ("queued", "in_progress"),
        ("created", "in_progress"),
        ("waiting_for_resource", "in_progress"),
    ];
    let t = s.trim();
    match KNOWN.iter().find(|(k, _)| k.eq_ignore_ascii_case(t)) {
        Some((_, v)) => std::borrow::Cow::Borrowed(v),
        None => std::borrow::Cow::Owned(t.to_ascii_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_to_utc_ms() {
        assert_eq!(parse_time("2024-05-01T12:00:00Z"), Some(1_714_564_800_000));
        assert_eq!(parse_time("2024-05-01 12:00:00"), Some(1_714_564_800_000));
        assert_eq!(parse_time("2024-05-01T14:00:00+02:00"), Some(1_714_564_800_000));
        assert_eq!(parse_time("1714564800"), Some(1_714_564_800_000));
        assert_eq!(parse_time("1714564800000"), Some(1_714_564_800_000));
        assert_eq!(parse_time("2024-13-01T00:00:00Z"), None);
        assert_eq!(parse_time("soon"), None);
        assert_eq!(parse_time(""), None);
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        assert_eq!(parse_time("9999-12-31T23:59:59Z"), Some(MAX_MS - 999));
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("9223372036854775807"), None, "i64::MAX is not a time");
        assert_eq!(parse_time("99999999999999999999999999"), None);
        assert_eq!(parse_time("+262143-12-31T23:59:59Z"), None);
        let (lo, hi) = (parse_time("0").unwrap(), parse_time("253402300799999").unwrap());
        assert_eq!(hi.checked_sub(lo), Some(MAX_MS));
    }

    #[test]
    fn aliases_and_maps() {
        let f = fields("builds").unwrap();
        let h: Vec<String> = ["id", "head_sha", "run_started_at", "conclusion", "Workflow Name"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let r = resolve(&h, f, &[("pipeline".into(), "Workflow Name".into())]).unwrap();
        assert_eq!(r[0], Some(0));
        assert_eq!(r[2], Some(4), "--map wins");
        assert_eq!(r[4], Some(1));
        let err = resolve(&h[1..], f, &[]).unwrap_err();
        assert!(err.contains("build_id") && err.contains("--map"), "{err}");
    }

    #[test]
    fn results_normalise() {
        assert_eq!(normalise_result("FAILED"), "failure");
        assert_eq!(normalise_result("canceled"), "cancelled");
        assert_eq!(normalise_result("SUCCESS"), "success");
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("maybe"), None);
    }
}
