//! The executive summary: headline numbers, survey health, what changed beyond noise, the
//! Goodhart alerts and the DORA levels, each from the same rows the commands print.

use super::blocks::*;
use super::briefing;
use super::delivery::dora_cells;
use crate::analyse::compare::CompareRow;
use crate::analyse::dora::DoraYear;

/// One item that changed beyond noise, as the reader sees it: favourable shares (or the share
/// choosing an option) before and after, with the 95 % interval of the change.
pub struct Change {
    /// Question ID.
    pub question: String,
    /// Short label (with the option for a multi-select).
    pub label: String,
    /// The multi-select option ("" for a rated item).
    pub option: String,
    /// improved, declined or changed.
    pub verdict: String,
    /// Share in the previous round and now.
    pub from: f64,
    /// Share now.
    pub to: f64,
    /// Newcombe 95 % interval of `to − from`.
    pub ci: Option<(f64, f64)>,
}

/// A change of share with its interval: `+7.1 points (95 % CI +2.9 to +11.2)`.
fn delta(d: f64, ci: Option<(f64, f64)>) -> String {
    match ci {
        Some((lo, hi)) => {
            format!("{} (95 % CI {:+.1} to {:+.1})", points1(d), lo * 100.0, hi * 100.0)
        }
        None => points1(d),
    }
}

impl Change {
    /// `+7.1 points (95 % CI +2.9 to +11.2)`.
    pub fn delta(&self) -> String {
        delta(self.to - self.from, self.ci)
    }

    /// What the share is of: the favourable answers, or the people choosing the option.
    pub fn of(&self) -> &'static str {
        if self.option.is_empty() { "favourable" } else { "chose it" }
    }

    /// `Label: 39.8 % → 46.9 % favourable, +7.1 points (95 % CI +2.9 to +11.2)`.
    pub fn sentence(&self) -> String {
        format!(
            "{}: {} → {} {}, {}",
            self.label,
            pct1(self.from),
            pct1(self.to),
            self.of(),
            self.delta()
        )
    }
}

/// The share behind a summary row as the reader reads it: favourable (bottom box where a low
/// answer is good), with its count.
fn fav(ctx: &Ctx<'_>, r: &SummaryRow) -> Option<(f64, usize)> {
    let v = if ctx.favourable(&r.question_id) { r.top_box? } else { r.bottom_box? };
    Some((v, (v * r.n as f64).round() as usize))
}

/// Every whole-round item that improved, declined or changed beyond noise against the previous
/// round (categorical options included), largest change first, and how many were compared.
pub fn changes(ctx: &Ctx<'_>) -> Result<(Vec<Change>, (usize, usize))> {
    if ctx.previous.is_none() {
        return Ok((Vec::new(), (0, 0)));
    }
    let (before, now) = (ctx.previous_summary()?, ctx.summary()?);
    let tested: Vec<&CompareRow> = ctx
        .compare()?
        .iter()
        .filter(|r| r.group.is_empty() && !r.suppressed && r.verdict != "not comparable")
        .collect();
    // Questions compared (a multi-select counts once) and multi-select options compared.
    let compared = (
        tested.iter().map(|r| &r.question_id).collect::<BTreeSet<_>>().len(),
        tested.iter().filter(|r| !r.option.is_empty()).count(),
    );
    let mut out = Vec::new();
    for r in
        tested.iter().filter(|r| ["improved", "declined", "changed"].contains(&r.verdict.as_str()))
    {
        let count = |v: f64, n: usize| (v * n as f64).round() as usize;
        let (label, shares) = if !r.option.is_empty() {
            let shares = match (r.top_box_from, r.top_box_to) {
                (Some(a), Some(b)) => {
                    Some(((a, count(a, r.n_from), r.n_from), (b, count(b, r.n_to), r.n_to)))
                }
                _ => None,
            };
            (format!("{} – {}", ctx.label(&r.question_id), r.option), shares)
        } else {
            let side = |rows: &[SummaryRow]| {
                whole(rows, &r.question_id)
                    .filter(|s| !s.suppressed)
                    .and_then(|s| fav(ctx, s).map(|(v, k)| (v, k, s.n)))
            };
            (ctx.marked_label(&r.question_id), side(before).zip(side(now)))
        };
        let Some(((a, ka, na), (b, kb, nb))) = shares else { continue };
        out.push(Change {
            question: r.question_id.clone(),
            label,
            option: r.option.clone(),
            verdict: r.verdict.clone(),
            from: a,
            to: b,
            ci: crate::analyse::estimate::newcombe_diff(ka, na, kb, nb),
        });
    }
    out.sort_by(|x, y| (y.to - y.from).abs().total_cmp(&(x.to - x.from).abs()));
    Ok((out, compared))
}

/// The executive summary: a briefing for the reader who reads one page. Headline numbers with
/// their change, what changed (with the size of the change and its interval), what the
/// guardrails found, delivery in one sentence, and three things to do next. Test names,
/// q-values and effect sizes are in the sections' tables and the methods.
pub fn summary(ctx: &Ctx<'_>, title: &str) -> Result<Section> {
    let mut blocks = Vec::new();
    let checked = ctx.checked()?;
    let (changed, compared) = changes(ctx)?;
    let kpis = headline(ctx, checked, &changed)?;
    if !kpis.is_empty() {
        blocks.push(Block::Kpis { items: kpis });
    }
    let mut glance = survey_health(ctx)?;
    glance.push(' ');
    glance.push_str(&counts(ctx, &changed, compared)?);
    blocks.push(para(glance));
    for (head, verdict) in
        [("Improved", "improved"), ("Declined", "declined"), ("Changed", "changed")]
    {
        let rows: Vec<&Change> = changed.iter().filter(|c| c.verdict == verdict).collect();
        if rows.is_empty() {
            continue;
        }
        const SHOWN: usize = 4;
        let mut items: Vec<String> = rows.iter().take(SHOWN).map(|c| c.sentence()).collect();
        if rows.len() > SHOWN {
            items.push(format!(
                "and {} more (every one, with its test, in \"Changes beyond noise\")",
                rows.len() - SHOWN
            ));
        }
        blocks.push(Block::Subhead { text: head.into() });
        blocks.push(Block::List { items });
    }
    let titles = briefing::Titles::load(ctx);
    let findings = match checked {
        Some(c) => briefing::findings(ctx, c, &titles),
        None => Vec::new(),
    };
    if let Some(c) = checked {
        blocks.push(Block::Subhead { text: "Guardrails".into() });
        if findings.is_empty() {
            blocks.push(para(format!(
                "No Goodhart alert for {} against {}: no target metric moved at its counter-metrics' expense.",
                c.period, c.previous
            )));
        } else {
            blocks.push(Block::List {
                items: findings.iter().take(3).map(|f| f.text.clone()).collect(),
            });
        }
    }
    if let Some(d) = ctx.deploys()?.get(&ctx.round) {
        blocks.push(dora_levels(&ctx.round, d));
    }
    let actions = next_steps(ctx, &findings, &changed)?;
    if !actions.is_empty() {
        blocks.push(Block::Subhead { text: "What to do next".into() });
        blocks.extend(actions.iter().enumerate().map(|(i, a)| para(format!("{}. {a}", i + 1))));
    }
    Ok(Section::new(SectionKind::Summary, title, blocks))
}

/// Three things to do next, most urgent first: the guardrail findings' actions (high before
/// medium), the item that declined most, the maturity model's next step.
fn next_steps(
    ctx: &Ctx<'_>,
    findings: &[briefing::Finding],
    changed: &[Change],
) -> Result<Vec<String>> {
    use crate::analyse::guardrails::Severity;
    let mut out: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .map(|f| f.action.clone())
        .collect();
    if let Some(c) = changed.iter().find(|c| c.verdict == "declined") {
        out.push(format!(
            "Find out why “{}” declined ({} → {} favourable): read this round's comments on it \
             and ask the teams where it fell most.",
            c.label,
            pct1(c.from),
            pct1(c.to)
        ));
    }
    out.extend(findings.iter().filter(|f| f.severity != Severity::High).map(|f| f.action.clone()));
    if let Some(m) = briefing::maturity_step(ctx)? {
        out.push(m);
    }
    out.dedup();
    out.truncate(3);
    Ok(out)
}

/// The headline numbers with their change against the previous round: the outcome's
/// favourable share, the NPS and the guardrail alerts.
fn headline(
    ctx: &Ctx<'_>,
    checked: Option<&inputs::Checked>,
    changed: &[Change],
) -> Result<Vec<Kpi>> {
    let mut kpis = Vec::new();
    let rows = ctx.summary()?;
    let before = ctx.previous_summary()?;
    let vs = |what: String| match ctx.previous.as_deref() {
        Some(p) if !what.is_empty() => format!("vs {p}: {what}"),
        Some(p) => format!("not comparable with {p}"),
        None => "first round".to_string(),
    };
    if let Some(o) =
        ctx.ws.config.outcome.as_deref().and_then(|o| whole(rows, o)).filter(|r| !r.suppressed)
        && let Some((t, k)) = fav(ctx, o)
    {
        let change = changed.iter().find(|c| c.question == o.question_id && c.option.is_empty());
        let prev = whole(before, &o.question_id)
            .filter(|r| !r.suppressed)
            .and_then(|r| fav(ctx, r).map(|f| (f, r.n)));
        let delta = match (change, prev) {
            (Some(c), _) => c.delta(),
            (None, Some(((p, pk), pn))) => {
                let ci = crate::analyse::estimate::newcombe_diff(pk, pn, k, o.n);
                delta(t - p, ci) + ", within noise"
            }
            _ => String::new(),
        };
        let (lo, hi) = crate::analyse::estimate::wilson(k, o.n).unwrap_or((t, t));
        kpis.push(Kpi {
            label: format!("{} (favourable)", ctx.label(&o.question_id)),
            value: pct1(t),
            detail: format!("95 % CI {}–{}, n = {} · {}", pct1(lo), pct1(hi), o.n, vs(delta)),
        });
    }
    if let Some(r) = rows.iter().find(|r| r.nps.is_some() && r.group.is_empty() && !r.suppressed)
        && let Some(now @ (v, lo, hi)) = r.nps
    {
        let prev = before
            .iter()
            .find(|p| p.question_id == r.question_id && p.group.is_empty() && !p.suppressed)
            .and_then(|p| p.nps);
        let change = prev.map_or(String::new(), |p| {
            let (dl, dh) = crate::analyse::estimate::nps_diff(p, now);
            let noise = if dl <= 0.0 && dh >= 0.0 { ", within noise" } else { "" };
            format!("{} ({} to {}){noise}", signed1(v - p.0), signed1(dl), signed1(dh))
        });
        kpis.push(Kpi {
            label: "Net Promoter Score".into(),
            value: signed1(v),
            detail: format!(
                "95 % CI {} to {}, n = {} · {}",
                signed1(lo),
                signed1(hi),
                r.n,
                vs(change)
            ),
        });
    }
    if let Some(c) = checked {
        let high = c.alerts.iter().filter(|a| inputs::severity(a) == "high").count();
        kpis.push(Kpi {
            label: "Guardrail alerts".into(),
            value: c.alerts.len().to_string(),
            detail: format!("{high} high severity; telemetry {} vs {}", c.period, c.previous),
        });
    }
    Ok(kpis)
}

/// How many compared items improved, declined or changed, in one sentence.
fn counts(ctx: &Ctx<'_>, changed: &[Change], compared: (usize, usize)) -> Result<String> {
    let Some(prev) = ctx.previous.as_deref() else {
        return Ok("This is the first round, so there is nothing to compare against yet.".into());
    };
    if compared.0 == 0 {
        return Ok(if ctx.compare()?.iter().any(|r| r.suppressed) {
            format!(
                "No comparison with {prev} can be shown without describing fewer than {} people.",
                ctx.min()
            )
        } else {
            format!(
                "No question was asked comparably in both {prev} and {}, so nothing is compared.",
                ctx.round
            )
        });
    }
    let n = |v: &str| changed.iter().filter(|c| c.verdict == v).count();
    let mut s = format!(
        "Against {prev}, {} of {} compared questions improved and {} declined beyond noise",
        n("improved"),
        compared.0,
        n("declined")
    );
    if compared.1 > 0 {
        s.push_str(&format!(
            "; {} of {} multi-select options changed in share",
            n("changed"),
            compared.1
        ));
    }
    s.push_str("; the rest moved no more than chance would.");
    Ok(s)
}

/// Responses, response rate against the previous round, and the quality flags, as sentences.
fn survey_health(ctx: &Ctx<'_>) -> Result<String> {
    let round = &ctx.round;
    let meta = ctx.ws.config.rounds.get(round).cloned().unwrap_or_default();
    let mut health = format!("{} developers answered the {round} survey", meta.responses);
    if let (Some(r), Some(i)) = (meta.response_rate(), meta.invited) {
        health.push_str(&format!(" ({} of {i} invited", pct1(r)));
        if let Some(p) =
            ctx.previous.as_ref().and_then(|p| ctx.ws.config.rounds.get(p).map(|m| (p, m)))
            && let Some(pr) = p.1.response_rate()
        {
            health.push_str(&format!(", {} against {}", points1(r - pr), p.0));
        }
        health.push(')');
    }
    health.push('.');
    let flags = ctx.quality()?.get(round).copied().unwrap_or_default();
    if flags.iter().any(|n| *n > 0) {
        let how = if ctx.exclude.is_empty() {
            "kept in the data, counted here".to_string()
        } else {
            match super::inputs::excluded_count(ctx.ws, round, ctx.exclude)? {
                Some(left) => format!(
                    "{left} respondents {} are left out of every figure, see Methods",
                    ctx.exclude.who()
                ),
                None => format!(
                    "the respondents {} are left out, and this round's figures without them are suppressed, see Methods",
                    ctx.exclude.who()
                ),
            }
        };
        health.push_str(&format!(
            " Quality flags ({how}): {}.",
            QUALITY_FLAGS
                .iter()
                .zip(flags)
                .map(|((f, _), n)| format!("{n} {f}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(health)
}

/// The round's DORA levels in one sentence.
fn dora_levels(round: &str, d: &crate::analyse::dora::DeployMetrics) -> Block {
    let y = DoraYear::Y2024;
    let [f, l, c, r] = dora_cells(d, y);
    para(format!(
        "Delivery in {round} (DORA {} clusters): deployment frequency {}/day ({}), lead time {} h ({}), \
         change failure rate {}{} ({}{}), failed deployment recovery {} h ({}); times are medians.",
        y.label(),
        f.0,
        f.1,
        l.0,
        l.1,
        c.0,
        cfr_interval(d).map_or(String::new(), |(lo, hi)| format!(
            ", 95 % CI {}–{}",
            pct1(lo),
            pct1(hi)
        )),
        c.1,
        cfr_note(y, &c.1),
        r.0,
        r.1
    ))
}

/// The Wilson 95 % interval of the change failure rate (failed changes of all changes).
pub fn cfr_interval(d: &crate::analyse::dora::DeployMetrics) -> Option<(f64, f64)> {
    crate::analyse::estimate::wilson(
        d.failed + d.failed_attempts,
        d.deployments + d.failed_attempts,
    )
}

/// Why a change failure rate's DORA level can read backwards: DORA 2024's clusters put a 20 %
/// rate in "high" and 10 % in "medium" (the clusters are fitted on all four metrics at once).
pub fn cfr_note(y: DoraYear, level: &str) -> &'static str {
    match (y, level) {
        (DoraYear::Y2024, "high" | "medium") => {
            "; DORA 2024's high cluster failed 20 % of changes and its medium cluster 10 %, so \
             the level does not order this rate: lower is better"
        }
        _ => "",
    }
}
