//! One builder per section kind: analyses in, text, tables and charts out. Every number in a
//! sentence comes from the same rows `pulse summary`, `compare`, `metrics` and `check` print.
//! A section whose data is absent returns [`Section::skip`] with the reason.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use polars::prelude::*;

use super::Ctx;
use crate::analyse::dora::{DoraMetric, DoraYear};
use crate::analyse::summary::SummaryRow;
use crate::render::chart::{
    self, Band, Cell, Driver, LikertRow, Line, Point, TrendPanel, TrendPoint,
};
use crate::render::spec::SectionSpec;
use crate::render::{Align, Block, Kpi, Section};

/// Builds the section `s` asks for.
pub fn build(ctx: &mut Ctx<'_>, s: &SectionSpec) -> Result<Section> {
    let title = s.title.clone().unwrap_or_else(|| default_title(&s.kind).to_string());
    match s.kind.as_str() {
        "cover" => cover(ctx, &title),
        "summary" => summary(ctx, &title),
        "maturity" => maturity(ctx, &title),
        "likert" => likert(ctx, &title, &s.questions),
        "trends" => trends(ctx, &title, &s.questions),
        "heatmap" => heatmap(ctx, &title, s.segment.as_deref()),
        "drivers" => drivers(ctx, &title),
        "nps" => nps(ctx, &title),
        "delivery" => delivery(ctx, &title),
        "guardrails" => guardrails(ctx, &title),
        "themes" => themes(ctx, &title),
        "query" => query(ctx, &title, s.query.as_deref().unwrap_or_default()),
        "methods" => methods(ctx, &title),
        k => bail!("unknown section kind {k:?}"),
    }
}

fn default_title(kind: &str) -> &'static str {
    match kind {
        "cover" => "Cover",
        "summary" => "Executive summary",
        "maturity" => "CNCF platform maturity",
        "likert" => "Answers by question",
        "trends" => "Round over round",
        "heatmap" => "Segments",
        "drivers" => "Drivers",
        "nps" => "Net Promoter Score",
        "delivery" => "Delivery metrics",
        "guardrails" => "Goodhart guardrails",
        "themes" => "Comment themes",
        "query" => "Query",
        _ => "Methods and data",
    }
}

/// `42.1 %`.
pub fn pct1(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

fn pct0(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// A p- or q-value as text.
pub fn pq(p: f64) -> String {
    if p < 0.001 { "< 0.001".into() } else { format!("{p:.3}") }
}

/// `= 0.031` or `< 0.001`, to follow "q " or "p ".
pub fn q_is(p: f64) -> String {
    if p < 0.001 { "< 0.001".into() } else { format!("= {p:.3}") }
}

/// A test's name for reading.
fn test_name(t: &str) -> String {
    match t {
        "mann-whitney" => "Mann–Whitney U".into(),
        "wilcoxon" => "Wilcoxon signed-rank".into(),
        "chi-square" => "chi-square".into(),
        t => t.to_string(),
    }
}

fn num(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn opt(v: Option<f64>, f: fn(f64) -> String) -> String {
    v.map_or("–".into(), f)
}

fn para(s: impl Into<String>) -> Block {
    Block::Para { text: s.into() }
}

fn note(s: impl Into<String>) -> Block {
    Block::Note { text: s.into() }
}

fn table(header: &[&str], align: &[Align], rows: Vec<Vec<String>>, caption: &str) -> Block {
    Block::Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        align: align.to_vec(),
        rows,
        caption: caption.into(),
    }
}

fn figure(name: String, caption: impl Into<String>) -> Block {
    Block::Figure { chart: name, caption: caption.into() }
}

use Align::{Left as L, Right as R};

fn whole<'a>(rows: &'a [SummaryRow], q: &str) -> Option<&'a SummaryRow> {
    rows.iter().find(|r| r.question_id == q && r.group.is_empty() && r.option.is_empty())
}

fn favourable(ctx: &Ctx<'_>, q: &str) -> bool {
    ctx.catalog.get(q).is_none_or(|c| c.direction != "lower_is_better")
}

fn cover(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    let meta = ctx.ws.config.rounds.get(&ctx.round).cloned().unwrap_or_default();
    let asked = ctx.catalog.questions.iter().filter(|q| q.rounds.contains_key(&ctx.round)).count();
    let mut items = vec![Kpi {
        label: "Responses".into(),
        value: meta.responses.to_string(),
        detail: meta
            .invited
            .map_or("invited count not recorded".into(), |i| format!("of {i} invited")),
    }];
    if let Some(r) = meta.response_rate() {
        let prev = ctx
            .previous
            .as_ref()
            .and_then(|p| ctx.ws.config.rounds.get(p))
            .and_then(|m| m.response_rate());
        items.push(Kpi {
            label: "Response rate".into(),
            value: pct1(r),
            detail: prev.map_or("first round".into(), |p| {
                format!(
                    "{:+.1} points vs {}",
                    (r - p) * 100.0,
                    ctx.previous.as_deref().unwrap_or("")
                )
            }),
        });
    }
    items.push(Kpi {
        label: "Questions".into(),
        value: asked.to_string(),
        detail: format!("{} rounds so far", ctx.rounds.len()),
    });
    Ok(Section::new("cover", title, vec![Block::Kpis { items }]))
}

fn summary(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    let mut blocks = Vec::new();
    let round = ctx.round.clone();
    let meta = ctx.ws.config.rounds.get(&round).cloned().unwrap_or_default();
    let mut kpis = Vec::new();
    let outcome = ctx.ws.config.outcome.clone();
    let rows = ctx.summary()?.clone();
    if let Some(o) = outcome.as_deref().and_then(|o| whole(&rows, o)).filter(|r| !r.suppressed)
        && let (Some(t), Some((lo, hi))) = (o.top_box, o.top_box_ci)
    {
        kpis.push(Kpi {
            label: format!("{} (top box)", ctx.label(&o.question_id)),
            value: pct1(t),
            detail: format!("95 % CI {}–{}, n = {}", pct1(lo), pct1(hi), o.n),
        });
    }
    if let Some(r) = rows.iter().find(|r| r.nps.is_some() && r.group.is_empty() && !r.suppressed)
        && let Some((v, lo, hi)) = r.nps
    {
        kpis.push(Kpi {
            label: "Net Promoter Score".into(),
            value: format!("{v:+.1}"),
            detail: format!("95 % CI {lo:+.1} to {hi:+.1}, n = {}", r.n),
        });
    }
    let checked = ctx.checked()?.cloned();
    if let Some(c) = &checked {
        let high = c.alerts.iter().filter(|a| a.severity == "high").count();
        kpis.push(Kpi {
            label: "Guardrail alerts".into(),
            value: c.alerts.len().to_string(),
            detail: format!("{high} high severity, {} vs {}", c.period, c.previous),
        });
    }
    if !kpis.is_empty() {
        blocks.push(Block::Kpis { items: kpis });
    }
    // Survey health.
    let mut health = format!("{} developers answered the {round} survey", meta.responses);
    if let (Some(r), Some(i)) = (meta.response_rate(), meta.invited) {
        health.push_str(&format!(" ({} of {i} invited", pct1(r)));
        if let Some(p) =
            ctx.previous.as_ref().and_then(|p| ctx.ws.config.rounds.get(p).map(|m| (p, m)))
            && let Some(pr) = p.1.response_rate()
        {
            health.push_str(&format!(", {:+.1} points against {}", (r - pr) * 100.0, p.0));
        }
        health.push(')');
    }
    health.push('.');
    let flags = ctx.quality()?.get(&round).copied().unwrap_or_default();
    if flags.iter().any(|n| *n > 0) {
        health.push_str(&format!(
            " Quality flags (kept in the data, counted here): {}.",
            super::QUALITY_FLAGS
                .iter()
                .zip(flags)
                .map(|((f, _), n)| format!("{n} {f}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let compare = ctx.compare()?.clone();
    let tested: Vec<&crate::analyse::compare::CompareRow> = compare
        .iter()
        .filter(|r| r.group.is_empty() && r.option.is_empty() && !r.suppressed)
        .collect();
    if let Some(prev) = ctx.previous.clone() {
        let improved: Vec<_> = tested.iter().filter(|r| r.verdict == "improved").collect();
        let declined: Vec<_> = tested.iter().filter(|r| r.verdict == "declined").collect();
        let flat = tested.iter().filter(|r| r.verdict == "no detectable change").count();
        let nc = tested.iter().filter(|r| r.verdict == "not comparable").count();
        if tested.is_empty() {
            health.push_str(&format!(
                " No question was asked in both {prev} and {round}, so nothing is compared."
            ));
        } else {
            health.push_str(&format!(
            " Against {prev}, {} of {} compared questions improved and {} declined beyond noise \
             (Benjamini–Hochberg q < 0.05); {flat} showed no detectable change{}.",
            improved.len(),
            tested.len(),
            declined.len(),
            if nc > 0 {
                format!(" and {nc} were not comparable (scale change or too few answers)")
            } else {
                String::new()
            }
        ));
        }
        blocks.push(para(health));
        let line = |r: &&&crate::analyse::compare::CompareRow| -> String {
            let tb = match (r.top_box_from, r.top_box_to) {
                (Some(a), Some(b)) => format!("top box {} → {}", pct1(a), pct1(b)),
                _ => match (r.mean_from, r.mean_to) {
                    (Some(a), Some(b)) => format!("mean {a:.2} → {b:.2}"),
                    _ => String::new(),
                },
            };
            format!(
                "{}: {tb} ({}, q {}{})",
                ctx.label(&r.question_id),
                test_name(&r.test),
                r.q_value.map_or("–".into(), q_is),
                r.effect_size
                    .map_or(String::new(), |e| format!(", {} {e:+.2}", r.effect_size_kind))
            )
        };
        if !improved.is_empty() {
            blocks.push(Block::Subhead { text: "Improved beyond noise".into() });
            blocks.push(Block::List { items: improved.iter().map(line).collect() });
        }
        if !declined.is_empty() {
            blocks.push(Block::Subhead { text: "Declined beyond noise".into() });
            blocks.push(Block::List { items: declined.iter().map(line).collect() });
        }
    } else {
        health.push_str(" This is the first round, so there is nothing to compare against yet.");
        blocks.push(para(health));
    }
    // Goodhart alerts.
    if let Some(c) = &checked {
        if c.alerts.is_empty() {
            blocks.push(para(format!(
                "pulse check raised no Goodhart alert for {} against {}.",
                c.period, c.previous
            )));
        } else {
            let kinds: BTreeMap<&str, usize> = c.alerts.iter().fold(BTreeMap::new(), |mut m, a| {
                *m.entry(a.kind).or_default() += 1;
                m
            });
            blocks.push(para(format!(
                "pulse check raised {} Goodhart alert{} for {} against {} ({}); the most severe:",
                c.alerts.len(),
                if c.alerts.len() == 1 { "" } else { "s" },
                c.period,
                c.previous,
                kinds
                    .iter()
                    .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
            let mut sorted: Vec<_> = c.alerts.iter().filter(|a| a.severity != "info").collect();
            sorted.sort_by_key(|a| ["high", "medium", "low"].iter().position(|s| *s == a.severity));
            blocks.push(Block::List {
                items: sorted
                    .iter()
                    .take(4)
                    .map(|a| format!("{} ({}): {}", a.metric, a.kind.replace('_', " "), a.message))
                    .collect(),
            });
        }
    }
    // DORA levels.
    let deploys = ctx.deploys()?.clone();
    if let Some(d) = deploys.get(&round) {
        let y = DoraYear::Y2024;
        let [f, l, c, r] = dora_cells(d, y);
        blocks.push(para(format!(
            "Delivery in {round} (DORA {} clusters): deployment frequency {}/day ({}), lead time {} h ({}), \
             change failure rate {} ({}), failed deployment recovery {} h ({}); times are medians.",
            y.label(),
            f.0,
            f.1,
            l.0,
            l.1,
            c.0,
            c.1,
            r.0,
            r.1
        )));
    }
    Ok(Section::new("summary", title, blocks))
}

fn maturity(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    let has = ctx
        .catalog
        .questions
        .iter()
        .any(|q| !q.aspect.is_empty() && q.rounds.contains_key(&ctx.round));
    if !has {
        return Ok(Section::skip(
            "maturity",
            title,
            "no maturity questions (catalog `aspect`) in this round",
        ));
    }
    let now = super::super::maturity::frame(ctx.ws, &ctx.round)?;
    let prev = match &ctx.previous {
        Some(p) => Some(super::super::maturity::frame(ctx.ws, p)?),
        None => None,
    };
    let levels = |df: &DataFrame| -> Result<BTreeMap<String, Option<f64>>> {
        let a = df.column("aspect")?.str()?.clone();
        let m = df.column("median_level")?.u64()?.clone();
        let s = df.column("source")?.str()?.clone();
        Ok(a.iter()
            .zip(m.iter())
            .zip(s.iter())
            .filter(|(_, s)| *s == Some("self-assessed"))
            .map(|((a, m), _)| (a.unwrap_or("").to_string(), m.map(|v| v as f64)))
            .collect())
    };
    let ln = levels(&now)?;
    let lp = match &prev {
        Some(p) => levels(p)?,
        None => BTreeMap::new(),
    };
    let rows: Vec<(String, Option<f64>, Option<f64>)> =
        ln.iter().map(|(a, v)| (a.clone(), lp.get(a).copied().flatten(), *v)).collect();
    let name = ctx.chart(chart::dots(
        "maturity",
        "CNCF maturity per aspect: median self-assessed level, previous vs this round",
        &rows,
        &["Provisional", "Operational", "Scalable", "Optimizing"],
    )?);
    let mut blocks = vec![figure(
        name,
        format!(
            "Median level each aspect's respondents chose (1 Provisional … 4 Optimizing), {} (filled) vs {} (hollow).",
            ctx.round,
            ctx.previous.as_deref().unwrap_or("no previous round")
        ),
    )];
    let s = |c: &str| -> Result<Vec<String>> {
        let col = now.column(c)?.cast(&DataType::String)?;
        Ok(col.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
    };
    let (aspect, source, n, lname, agree, change, next) = (
        s("aspect")?,
        s("source")?,
        s("n")?,
        s("level_name")?,
        s("agreement")?,
        s("median_change")?,
        s("next_level")?,
    );
    let mut trows = Vec::new();
    let mut measurement = None;
    for i in 0..aspect.len() {
        if source[i] == "evidence" {
            measurement = Some((lname[i].clone(), next[i].clone()));
            continue;
        }
        trows.push(vec![
            aspect[i].clone(),
            n[i].clone(),
            lname[i].clone(),
            agree[i].parse::<f64>().map_or("–".into(), |v| format!("{v:.2}")),
            if change[i].is_empty() {
                "–".into()
            } else {
                format!("{:+}", change[i].parse::<i64>().unwrap_or(0))
            },
            next[i].clone(),
        ]);
    }
    blocks.push(table(
        &["Aspect", "n", "Median level", "Agreement", "Change", "To reach the next level"],
        &[L, R, L, R, R, L],
        trows,
        "Self-assessed maturity per aspect (agreement: share choosing the median level)",
    ));
    if let Some((l, why)) = measurement {
        blocks.push(para(format!(
            "Measurement, scored from evidence in this workspace rather than opinion: {l}. {why}"
        )));
    }
    Ok(Section::new("maturity", title, blocks))
}

/// Shares per scale point from a `1=154; 2=247` distribution.
fn shares(dist: &str, points: usize) -> Option<Vec<f64>> {
    let mut counts = vec![0f64; points];
    for part in dist.split("; ") {
        let (k, v) = part.split_once('=')?;
        let k: f64 = k.trim().parse().ok()?;
        let v: f64 = v.trim().parse().ok()?;
        let i = k as usize;
        // 0–10 items start at 0; others at 1.
        let idx = if points == 11 { i } else { i.checked_sub(1)? };
        *counts.get_mut(idx)? += v;
    }
    let t: f64 = counts.iter().sum();
    (t > 0.0).then(|| counts.iter().map(|c| c / t).collect())
}

fn likert(ctx: &mut Ctx<'_>, title: &str, only: &[String]) -> Result<Section> {
    let rows = ctx.summary()?.clone();
    let mut groups: BTreeMap<(String, String), Vec<(f64, LikertRow)>> = BTreeMap::new();
    let mut scales_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut hidden = 0;
    for r in rows.iter().filter(|r| r.kind == "likert" && r.group.is_empty() && r.option.is_empty())
    {
        if !only.is_empty() && !only.contains(&r.question_id) {
            continue;
        }
        if r.suppressed {
            hidden += 1;
            continue;
        }
        let Some(q) = ctx.catalog.get(&r.question_id) else { continue };
        let scale_name = q.rounds.get(&ctx.round).map_or(q.scale.clone(), |a| a.scale.clone());
        let Some(scale) = crate::ingest::scales::scale_by_name(&scale_name) else { continue };
        let points = scale.points.len();
        let Some(mut sh) = shares(&r.distribution, points) else { continue };
        let fav = favourable(ctx, &r.question_id);
        let score = if fav { r.top_box } else { r.bottom_box }.unwrap_or(0.0);
        if !fav {
            sh.reverse();
        }
        let construct = if q.construct.is_empty() {
            "other rated".to_string()
        } else {
            q.construct.replace('_', " ")
        };
        let key = (construct, String::new());
        scales_of.entry(key.0.clone()).or_default().insert(format!(
            "{}{}",
            scale_name,
            if fav { "" } else { ":reversed" }
        ));
        let mut label = ctx.label(&r.question_id);
        if !fav {
            label.push_str(" (reversed)");
        }
        groups.entry(key).or_default().push((score, LikertRow { label, n: r.n, shares: sh }));
    }
    if groups.is_empty() {
        return Ok(Section::skip(
            "likert",
            title,
            "no rated (Likert) questions with enough answers in this round",
        ));
    }
    let mut blocks = vec![para(format!(
        "Each bar is one question in {}: unfavourable answers to the left of zero, favourable to the right, \
         the neutral answer centred on zero. Bars are sorted by favourable share; items where a low answer \
         is good (\"how often do flaky tests block you\") are reversed so right is always good.",
        ctx.round
    ))];
    for (i, ((construct, _), mut items)) in groups.into_iter().enumerate() {
        items.sort_by(|a, b| b.0.total_cmp(&a.0));
        let scales = &scales_of[&construct];
        let (labels, base) = if scales.len() == 1 {
            let scale = scales.first().expect("one");
            let base = scale.split(':').next().unwrap_or("").to_string();
            let sc = crate::ingest::scales::scale_by_name(&base).expect("checked above");
            let mut labels: Vec<String> =
                (1..=sc.points.len()).map(|v| capitalise(sc.label(v))).collect();
            if scale.ends_with(":reversed") {
                labels.reverse();
            }
            (labels, format!("{base} scale"))
        } else {
            let labels =
                ["Most unfavourable", "Unfavourable", "Neutral", "Favourable", "Most favourable"]
                    .map(String::from)
                    .to_vec();
            (labels, "mixed scales; 7-point items use the same ramp with finer steps".to_string())
        };
        let rows: Vec<LikertRow> = items.into_iter().map(|x| x.1).collect();
        let name = ctx.chart(chart::likert(
            &format!("likert-{}", i + 1),
            &format!("Answers to the {construct} items, {}", ctx.round),
            &labels,
            &rows,
        )?);
        blocks.push(figure(
            name,
            format!("{} ({base}): share of valid answers per point.", capitalise(&construct)),
        ));
    }
    if hidden > 0 {
        blocks.push(note(format!(
            "{hidden} question(s) had fewer than {} answers and are not shown.",
            ctx.min()
        )));
    }
    Ok(Section::new("likert", title, blocks))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
}

fn col_str(df: &DataFrame, c: &str) -> Result<Vec<String>> {
    let s = df.column(c)?.cast(&DataType::String)?;
    Ok(s.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

fn col_f64(df: &DataFrame, c: &str) -> Result<Vec<Option<f64>>> {
    let s = df.column(c)?.cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

fn trends(ctx: &mut Ctx<'_>, title: &str, only: &[String]) -> Result<Section> {
    if ctx.rounds.len() < 2 {
        return Ok(Section::skip("trends", title, "only one round so far: trends need two"));
    }
    let df = ctx.trend()?.clone();
    let (q, g, o, r) = (
        col_str(&df, "question_id")?,
        col_str(&df, "group")?,
        col_str(&df, "option")?,
        col_str(&df, "round")?,
    );
    let (k, tb, lo, hi) = (
        col_str(&df, "kind")?,
        col_f64(&df, "top_box")?,
        col_f64(&df, "top_box_ci_low")?,
        col_f64(&df, "top_box_ci_high")?,
    );
    let series: Vec<u32> = col_str(&df, "series")?.iter().map(|s| s.parse().unwrap_or(1)).collect();
    let reworded = col_str(&df, "wording_changed")?;
    let brk = col_str(&df, "break")?;
    let mut panels: BTreeMap<String, Vec<TrendPoint>> = BTreeMap::new();
    let mut changes = 0;
    for i in 0..q.len() {
        if !g[i].is_empty() || !o[i].is_empty() || k[i] != "likert" {
            continue;
        }
        if !only.is_empty() && !only.contains(&q[i]) {
            continue;
        }
        changes += usize::from(reworded[i] == "true") + usize::from(!brk[i].is_empty());
        let (Some(y), Some(l), Some(h)) = (tb[i], lo[i], hi[i]) else { continue };
        let x = ctx.rounds.iter().position(|x| *x == r[i]).unwrap_or(0);
        panels.entry(q[i].clone()).or_default().push(TrendPoint {
            x,
            y,
            lo: l,
            hi: h,
            series: series[i],
            reworded: reworded[i] == "true",
        });
    }
    if panels.is_empty() {
        return Ok(Section::skip("trends", title, "no rated question was asked in two rounds"));
    }
    let panels: Vec<TrendPanel> = panels
        .into_iter()
        .map(|(q, points)| {
            let mut t = ctx.label(&q);
            if !favourable(ctx, &q) {
                t.insert_str(0, "▼ ");
            }
            TrendPanel { title: t, points }
        })
        .collect();
    let rounds = ctx.rounds.clone();
    let name = ctx.chart(chart::trends(
        "trends",
        "Top-box share per round with 95 % Wilson intervals",
        &rounds,
        &panels,
    )?);
    let mut blocks = vec![
        para(
            "Top-box share (the top two points of a 5- or 7-point scale) per round, with its 95 % Wilson interval \
             as a band. Where the intervals of two rounds overlap widely, the change is within noise; the \
             executive summary's verdicts come from the tests, not from the picture.",
        ),
        figure(
            name,
            "Top-box share (%) per round. A vertical line and a new series mark a scale change (not comparable across it); ◆ marks a reworded question.",
        ),
    ];
    if changes > 0 {
        blocks.push(note(format!(
            "{} wording or scale change(s) in these rounds; the methods appendix lists them.",
            changes
        )));
    }
    Ok(Section::new("trends", title, blocks))
}

fn heatmap(ctx: &mut Ctx<'_>, title: &str, segment: Option<&str>) -> Result<Section> {
    let segs: Vec<String> = ctx.ws.config.segments.keys().cloned().collect();
    let seg = match segment {
        Some(s) => s.to_string(),
        None => match segs.iter().find(|s| s.as_str() == "team").or(segs.first()) {
            Some(s) => s.clone(),
            None => {
                return Ok(Section::skip("heatmap", title, "no segments configured in pulse.toml"));
            }
        },
    };
    let Ok(sizes) = super::super::load::group_sizes(ctx.ws, &ctx.round, &seg) else {
        return Ok(Section::skip(
            "heatmap",
            title,
            format!("segment {seg:?} is not recorded for this round"),
        ));
    };
    let min = ctx.min();
    let mut shown: Vec<String> = sizes
        .iter()
        .filter(|(g, n)| **n >= min && g.as_str() != "(none)")
        .map(|(g, _)| g.clone())
        .collect();
    shown.sort();
    let hidden_groups = sizes.iter().filter(|(g, n)| **n < min && g.as_str() != "(none)").count();
    if shown.is_empty() {
        return Ok(Section::skip(
            "heatmap",
            title,
            format!("no {seg} group has {min} or more respondents"),
        ));
    }
    let rows = super::super::summary::rows(ctx.ws, &ctx.round, Some(&seg))?;
    let questions: Vec<String> = {
        let mut v: Vec<String> = rows
            .iter()
            .filter(|r| r.kind == "likert" && r.option.is_empty())
            .map(|r| r.question_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        v.sort();
        v
    };
    let mut cells = Vec::new();
    let mut suppressed = 0;
    for g in &shown {
        let mut line = Vec::new();
        for q in &questions {
            let r =
                rows.iter().find(|r| &r.group == g && &r.question_id == q && r.option.is_empty());
            line.push(match r {
                Some(r) if r.suppressed || r.n < min => {
                    suppressed += 1;
                    Cell::Suppressed
                }
                Some(r) => {
                    let v = if favourable(ctx, q) { r.top_box } else { r.bottom_box };
                    v.map_or(Cell::Missing, Cell::Value)
                }
                None => Cell::Missing,
            });
        }
        cells.push(line);
    }
    let labels: Vec<String> = questions.iter().map(|q| ctx.label(q)).collect();
    // A row hidden entirely (complementary suppression, protecting a smaller group) shows no n.
    let rl: Vec<String> = shown
        .iter()
        .zip(&cells)
        .map(|(g, c)| {
            if c.iter().any(|x| matches!(x, Cell::Value(_))) {
                format!("{g} (n={})", sizes[g])
            } else {
                g.clone()
            }
        })
        .collect();
    let name = ctx.chart(chart::heatmap(
        "heatmap",
        &format!("Favourable share per {seg} and question, {}", ctx.round),
        &rl,
        &labels,
        &cells,
        min,
    )?);
    let mut blocks = vec![figure(
        name,
        format!(
            "Favourable (top-box; bottom-box for lower-is-better items) share per {seg}. Hatched cells are hidden: fewer than {min} answers, or a whole row withheld so that a smaller group cannot be worked out from the totals."
        ),
    )];
    let mut n = format!("{} {seg} groups shown.", shown.len());
    if hidden_groups > 0 {
        n.push_str(&format!(" {hidden_groups} group(s) with fewer than {min} respondents are left out entirely, names included."));
    }
    if suppressed > 0 {
        n.push_str(&format!(" {suppressed} cell(s) suppressed."));
    }
    blocks.push(note(n));
    Ok(Section::new("heatmap", title, blocks))
}

fn drivers(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    let Some(outcome) = ctx.ws.config.outcome.clone() else {
        return Ok(Section::skip("drivers", title, "no `outcome` question set in pulse.toml"));
    };
    if whole(ctx.summary()?, &outcome).is_none() {
        return Ok(Section::skip(
            "drivers",
            title,
            format!("the outcome {outcome} was not asked in this round"),
        ));
    }
    let df = super::super::drivers::frame(ctx.ws, &ctx.round, Some(&outcome))?;
    let (q, rho, tb, quad, n, p) = (
        col_str(&df, "question_id")?,
        col_f64(&df, "rho")?,
        col_f64(&df, "top_box")?,
        col_str(&df, "quadrant")?,
        col_str(&df, "n")?,
        col_f64(&df, "p_value")?,
    );
    let mut pts = Vec::new();
    let mut trows = Vec::new();
    for i in 0..q.len() {
        let likert = ctx.catalog.get(&q[i]).is_some_and(|c| c.kind == "likert");
        if let (Some(r), Some(t), true) = (rho[i], tb[i], likert) {
            pts.push(Driver { label: ctx.label(&q[i]), score: t, importance: r });
            trows.push((
                r,
                vec![
                    ctx.label(&q[i]),
                    n[i].clone(),
                    format!("{r:.2}"),
                    opt(p[i], pq),
                    pct1(t),
                    quad[i].clone(),
                ],
            ));
        }
    }
    if pts.is_empty() {
        return Ok(Section::skip(
            "drivers",
            title,
            "no rated item correlates with the outcome (too few answers)",
        ));
    }
    trows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let name = ctx.chart(chart::quadrant("drivers", "Importance × score of each item", &pts)?);
    Ok(Section::new(
        "drivers",
        title,
        vec![
            para(format!(
                "Importance is each rated item's Spearman correlation with \"{}\" among respondents who answered both; \
                 score is its favourable share. Items in the top-left quadrant matter most and score lowest: fix them first. \
                 Correlation is not causation: read it as where to look.",
                ctx.label(&outcome)
            )),
            figure(name, "Split lines at the median importance and the median score."),
            table(
                &["Item", "n", "ρ", "p", "Score", "Quadrant"],
                &[L, R, R, R, R, L],
                trows.into_iter().map(|x| x.1).collect(),
                "Drivers, most important first",
            ),
        ],
    ))
}

fn nps(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    let df = ctx.trend()?.clone();
    let (q, g, r) = (col_str(&df, "question_id")?, col_str(&df, "group")?, col_str(&df, "round")?);
    let (v, lo, hi) =
        (col_f64(&df, "nps")?, col_f64(&df, "nps_ci_low")?, col_f64(&df, "nps_ci_high")?);
    let n = col_str(&df, "n")?;
    let mut by_q: BTreeMap<String, Vec<Point>> = BTreeMap::new();
    for i in 0..q.len() {
        if !g[i].is_empty() {
            continue;
        }
        if let (Some(v), Some(l), Some(h)) = (v[i], lo[i], hi[i]) {
            by_q.entry(q[i].clone()).or_default().push(Point {
                label: r[i].clone(),
                value: v,
                ci: Some((l, h)),
                n: n[i].parse().ok(),
            });
        }
    }
    let Some((qid, points)) = by_q.into_iter().next() else {
        return Ok(Section::skip("nps", title, "no 0–10 likelihood-to-recommend question"));
    };
    let last = points.last().cloned();
    let spec = Line {
        name: "nps".into(),
        title: "Net Promoter Score per round with 95 % interval".into(),
        y_desc: "NPS (points, −100 to +100)".into(),
        series: vec![("NPS".into(), points)],
        decimals: 1,
        ..Line::default()
    };
    let name = ctx.chart(chart::line(&spec, &chart::Colours::default())?);
    let mut blocks = vec![figure(
        name,
        format!(
            "\"{}\": % promoters (9–10) − % detractors (0–6), with a 95 % interval from the multinomial variance.",
            ctx.label(&qid)
        ),
    )];
    if let Some(p) = last {
        let (l, h) = p.ci.unwrap_or((p.value, p.value));
        blocks.insert(0, para(format!(
            "NPS in {} is {:+.1} (95 % CI {:+.1} to {:+.1}, n = {}). An interval this wide means moves of a few points between rounds are noise.",
            p.label, p.value, l, h, p.n.unwrap_or(0)
        )));
    }
    Ok(Section::new("nps", title, blocks))
}

/// The four DORA metrics of a period as (value, level) text: frequency per day, median lead
/// time (h), change failure rate, median recovery time (h).
fn dora_cells(d: &crate::analyse::dora::DeployMetrics, y: DoraYear) -> [(String, String); 4] {
    let lv = |m, v: Option<f64>, n| {
        super::super::metrics::level(y, m, v, n).unwrap_or_else(|| "n/a".into())
    };
    [
        (opt(d.per_day, num), lv(DoraMetric::Frequency, d.per_day, d.deployments)),
        (opt(d.lead_time_p50, num), lv(DoraMetric::LeadTime, d.lead_time_p50, d.lead_times.len())),
        (
            opt(d.change_failure_rate, pct1),
            lv(DoraMetric::ChangeFailureRate, d.change_failure_rate, d.deployments),
        ),
        (
            opt(d.recovery_p50, num),
            lv(DoraMetric::RecoveryTime, d.recovery_p50, d.recoveries.len()),
        ),
    ]
}

fn bands(year: DoraYear, m: DoraMetric, lo: f64, hi: f64) -> Vec<Band> {
    crate::analyse::dora::level_bands(year, m, lo, hi)
        .into_iter()
        .map(|(lo, hi, l)| Band { lo, hi, label: l.to_string() })
        .collect()
}

fn delivery(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    let deploys = ctx.deploys()?.clone();
    let builds = ctx.builds()?.clone();
    let usage = ctx.usage()?.clone();
    if deploys.is_empty() && builds.is_empty() && usage.is_empty() {
        return Ok(Section::skip(
            "delivery",
            title,
            "no telemetry imported (pulse import telemetry)",
        ));
    }
    let round = ctx.round.clone();
    let upto = move |k: &String| k.as_str() <= round.as_str();
    let year = DoraYear::Y2024;
    let mut blocks = Vec::new();
    if !deploys.is_empty() {
        blocks.push(para(format!(
            "Production deployments per quarter, with the DORA {} performance clusters shaded behind each line \
             (elite, high, medium, low). Lead and recovery times are medians on a log scale.",
            year.label()
        )));
        let pts = |f: &dyn Fn(&crate::analyse::dora::DeployMetrics) -> Option<f64>,
                   ns: &dyn Fn(&crate::analyse::dora::DeployMetrics) -> usize|
         -> Vec<Point> {
            deploys
                .iter()
                .filter(|(k, _)| upto(k))
                .filter_map(|(k, d)| {
                    f(d).map(|v| Point { label: k.clone(), value: v, ci: None, n: Some(ns(d)) })
                })
                .collect()
        };
        let charts = [
            (
                "dora-frequency",
                "Deployment frequency",
                "deployments per day, log scale",
                DoraMetric::Frequency,
                pts(&|d| d.per_day, &|d| d.deployments),
                true,
                2,
            ),
            (
                "dora-lead-time",
                "Lead time for changes (median)",
                "hours, log scale",
                DoraMetric::LeadTime,
                pts(&|d| d.lead_time_p50, &|d| d.lead_times.len()),
                true,
                1,
            ),
            (
                "dora-change-failure",
                "Change failure rate",
                "share of deployments",
                DoraMetric::ChangeFailureRate,
                pts(&|d| d.change_failure_rate, &|d| d.deployments),
                false,
                2,
            ),
            (
                "dora-recovery",
                "Failed deployment recovery time (median)",
                "hours, log scale",
                DoraMetric::RecoveryTime,
                pts(&|d| d.recovery_p50, &|d| d.recoveries.len()),
                true,
                1,
            ),
        ];
        for (name, t, unit, m, points, log, dec) in charts {
            if points.is_empty() {
                continue;
            }
            let vals: Vec<f64> = points.iter().map(|p| p.value).collect();
            let (mn, mx) = (
                vals.iter().copied().fold(f64::INFINITY, f64::min),
                vals.iter().copied().fold(0.0, f64::max),
            );
            let (lo, hi) = if log {
                ((mn / 4.0).max(0.05), mx * 4.0)
            } else if m == DoraMetric::ChangeFailureRate {
                (0.0, (mx * 1.4).max(0.3))
            } else {
                (0.0, mx * 1.4)
            };
            let spec = Line {
                name: name.into(),
                title: format!("{t} per quarter"),
                y_desc: unit.into(),
                series: vec![(t.into(), points)],
                bands: bands(year, m, lo, hi),
                y_range: Some((lo, hi)),
                decimals: dec,
                log,
                ..Line::default()
            };
            let n = ctx.chart(chart::line(&spec, &chart::Colours::default())?);
            blocks.push(figure(
                n,
                format!(
                    "{t} per quarter; shading: DORA {} clusters. n under each quarter.",
                    year.label()
                ),
            ));
        }
        let mut trows = Vec::new();
        for (k, d) in deploys.iter().filter(|(k, _)| upto(k)) {
            let mut row = vec![k.clone(), d.deployments.to_string()];
            row.extend(dora_cells(d, year).map(|(v, l)| format!("{v} ({l})")));
            row.push(opt(d.rework_rate, pct1));
            trows.push(row);
        }
        blocks.push(table(
            &[
                "Quarter",
                "Deploys",
                "Per day (level)",
                "Lead time h (level)",
                "CFR (level)",
                "Recovery h (level)",
                "Rework",
            ],
            &[L, R, R, R, R, R, R],
            trows,
            &format!(
                "DORA metrics and levels (DORA {} clusters; n/a below 5 samples)",
                year.label()
            ),
        ));
    }
    if !builds.is_empty() {
        let target = ctx.checked()?.and(None::<f64>).or_else(|| build_target(ctx));
        let p = |f: &dyn Fn(&crate::analyse::delivery::BuildMetrics) -> Option<f64>| -> Vec<Point> {
            builds
                .iter()
                .filter(|(k, _)| upto(k))
                .filter_map(|(k, b)| {
                    f(b).map(|v| Point {
                        label: k.clone(),
                        value: v / 60.0,
                        ci: None,
                        n: Some(b.builds),
                    })
                })
                .collect()
        };
        let spec = Line {
            name: "build-time".into(),
            title: "CI build time per quarter".into(),
            y_desc: "minutes (successful runs)".into(),
            series: vec![
                ("p50".into(), p(&|b| b.duration_p50)),
                ("p90".into(), p(&|b| b.duration_p90)),
            ],
            reference: target.map(|t| (t / 60.0, format!("target / SLO: {:.0} min", t / 60.0))),
            decimals: 1,
            ..Line::default()
        };
        let colours = chart::Colours::new(["p50", "p90"]);
        let n = ctx.chart(chart::line(&spec, &colours)?);
        blocks.push(figure(n, "Median (p50) and 90th percentile of successful build wall-clock time; the red line is the target from metrics.toml."));
    }
    if !usage.is_empty() {
        let mut by_cap: BTreeMap<String, Vec<Point>> = BTreeMap::new();
        for ((period, cap), u) in usage.iter().filter(|((p, _), _)| upto(p)) {
            if u.suppressed {
                continue;
            }
            let v = u.adoption.unwrap_or(u.active_users as f64);
            by_cap.entry(cap.clone()).or_default().push(Point {
                label: period.clone(),
                value: v,
                ci: None,
                n: None,
            });
        }
        let share = usage.values().any(|u| u.adoption.is_some());
        if !by_cap.is_empty() {
            let colours = chart::Colours::new(by_cap.keys().map(String::as_str));
            let spec = Line {
                name: "adoption".into(),
                title: "Capability adoption per quarter".into(),
                y_desc: if share {
                    "share of the organisation active".into()
                } else {
                    "active developers".into()
                },
                series: by_cap.into_iter().collect(),
                decimals: 2,
                ..Line::default()
            };
            let n = ctx.chart(chart::line(&spec, &colours)?);
            blocks.push(figure(n, "Distinct developers active per capability per quarter, over organisation_size in pulse.toml. Capabilities with fewer users than the minimum group size are not shown."));
        }
    }
    Ok(Section::new("delivery", title, blocks))
}

/// The build-time target: the metric on builds.duration_p50 in metrics.toml.
fn build_target(ctx: &Ctx<'_>) -> Option<f64> {
    let f = crate::cmd::check::load(&ctx.ws.path("metrics.toml")).ok()?;
    f.metrics
        .iter()
        .find(|m| m.source.as_deref() == Some("builds.duration_p50"))
        .and_then(|m| m.target.or(m.slo.as_ref().and_then(|s| s.max)))
}

fn guardrails(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    if !ctx.round_is_period() {
        return Ok(Section::skip(
            "guardrails",
            title,
            format!(
                "round {} is not a period label (like 2026-Q3, 2026-07 or 2026-W27), so telemetry periods cannot be lined up with it",
                ctx.round
            ),
        ));
    }
    let Some(c) = ctx.checked()?.cloned() else {
        return Ok(Section::skip(
            "guardrails",
            title,
            "no metrics.toml in the workspace: no target metrics to guard",
        ));
    };
    let mut blocks = vec![para(format!(
        "Every target metric in metrics.toml has counter-metrics and, where possible, a survey perception; \
         pulse check compares {} with {} and raises an alert when a metric is gamed, regresses, or disagrees \
         with how developers feel. \"Beyond noise\" means a Benjamini–Hochberg q-value below 0.05.",
        c.period, c.previous
    ))];
    if c.alerts.is_empty() {
        blocks.push(para("No alert was raised."));
    }
    let series = &c.series;
    let names = col_str(series, "series")?;
    let from = col_f64(series, &c.previous).unwrap_or_else(|_| vec![None; names.len()]);
    let to = col_f64(series, &c.period).unwrap_or_else(|_| vec![None; names.len()]);
    let qv = col_f64(series, "q_value")?;
    let verdict = col_str(series, "verdict")?;
    for (i, a) in c.alerts.iter().enumerate() {
        blocks.push(Block::Subhead {
            text: format!(
                "{} · {} · {}",
                a.severity.to_uppercase(),
                a.kind.replace('_', " "),
                a.metric
            ),
        });
        blocks.push(para(a.message.clone()));
        if a.kind == "target_bunching" && !a.sample.is_empty() {
            let t = a.evidence["target"].as_f64().unwrap_or(0.0);
            let bin = a.evidence["bin"].as_f64().unwrap_or(t * 0.05);
            let name = ctx.chart(chart::bunching(
                &format!("alert-{}-bunching", i + 1),
                &format!("{}: values around the target, {}", a.metric, c.period),
                &a.sample,
                t,
                bin,
                "s",
            )?);
            blocks.push(figure(name, format!("Histogram of {} in {} around its target; the bin just inside the target is highlighted. n = {}.", a.metric, c.period, a.sample.len())));
        } else {
            // The series the alert names, before and after.
            let mut involved: Vec<String> = vec![a.metric.clone()];
            for k in ["counter", "perception"] {
                if let Some(s) = a.evidence[k].as_str() {
                    involved.push(s.to_string());
                }
            }
            let rows: Vec<Vec<String>> = involved
                .iter()
                .filter_map(|s| names.iter().position(|n| n == s))
                .map(|j| {
                    vec![
                        names[j].clone(),
                        opt(from[j], num),
                        opt(to[j], num),
                        opt(qv[j], pq),
                        verdict[j].clone(),
                    ]
                })
                .collect();
            if !rows.is_empty() && a.kind != "lone_target" {
                // Slope chart: every series indexed to the previous period = 100.
                let series_idx: Vec<(String, Vec<Point>)> = involved
                    .iter()
                    .filter_map(|s| names.iter().position(|n| n == s))
                    .filter_map(|j| match (from[j], to[j]) {
                        (Some(f), Some(t)) if f != 0.0 => Some((
                            names[j].clone(),
                            vec![
                                Point {
                                    label: c.previous.clone(),
                                    value: 100.0,
                                    ci: None,
                                    n: None,
                                },
                                Point {
                                    label: c.period.clone(),
                                    value: t / f * 100.0,
                                    ci: None,
                                    n: None,
                                },
                            ],
                        )),
                        _ => None,
                    })
                    .collect();
                if series_idx.len() >= 2 {
                    let colours = chart::Colours::new(series_idx.iter().map(|s| s.0.as_str()));
                    let spec = Line {
                        name: format!("alert-{}-{}", i + 1, a.kind.replace('_', "-")),
                        title: format!(
                            "{}: the metric and the series that should move with it",
                            a.metric
                        ),
                        y_desc: format!("index, {} = 100", c.previous),
                        series: series_idx,
                        decimals: 0,
                        ..Line::default()
                    };
                    let name = ctx.chart(chart::line(&spec, &colours)?);
                    blocks.push(figure(name, format!("Each series as an index ({} = 100): they should move together; read the direction of each in the table.", c.previous)));
                }
                blocks.push(table(
                    &["Series", c.previous.as_str(), c.period.as_str(), "q", "Verdict"],
                    &[L, R, R, R, L],
                    rows,
                    "",
                ));
            }
        }
        blocks.push(note(format!("What to do: {}", a.action)));
    }
    if !c.notes.is_empty() {
        blocks.push(Block::Subhead { text: "Within noise, so not alerts".into() });
        blocks.push(Block::List { items: c.notes.clone() });
    }
    Ok(Section::new("guardrails", title, blocks))
}

fn themes(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    let df = super::super::themes::frame(ctx.ws, &ctx.round)?;
    if df.height() == 0 {
        return Ok(Section::skip("themes", title, "no free-text comments in this round"));
    }
    let (t, n, sh, prev, ch, sent, ex) = (
        col_str(&df, "theme")?,
        col_str(&df, "comments")?,
        col_f64(&df, "share")?,
        col_f64(&df, "share_previous")?,
        col_f64(&df, "share_change")?,
        col_f64(&df, "sentiment")?,
        col_str(&df, "examples")?,
    );
    let bars: Vec<(String, f64, Option<f64>)> =
        (0..t.len()).map(|i| (t[i].clone(), sh[i].unwrap_or(0.0), prev[i])).collect();
    let name = ctx.chart(chart::bars(
        "themes",
        &format!("Share of comments per theme, {}", ctx.round),
        "share of comments (%)",
        &bars,
        true,
    )?);
    let rows: Vec<Vec<String>> = (0..t.len())
        .map(|i| {
            vec![
                t[i].clone(),
                n[i].clone(),
                opt(sh[i], pct0),
                ch[i].map_or("–".into(), |c| format!("{:+.0} pts", c * 100.0)),
                opt(sent[i], |v| format!("{v:+.2}")),
            ]
        })
        .collect();
    let mut blocks = vec![
        figure(
            name,
            "Bars: share of this round's comments mentioning each theme (a comment can have several); black tick: previous round.",
        ),
        table(
            &["Theme", "Comments", "Share", "Change", "Sentiment"],
            &[L, R, R, R, R],
            rows,
            "Themes (sentiment: mean VADER compound score, −1 to +1)",
        ),
    ];
    let mut quoted = 0;
    for i in 0..t.len().min(4) {
        if let Some(e) = ex[i].split(" | ").find(|e| !e.is_empty()) {
            blocks.push(Block::Quote { text: format!("{} ({})", e, t[i]) });
            quoted += 1;
        }
    }
    if quoted > 0 {
        blocks.push(note(format!(
            "Example comments are quoted only from respondents whose every segment group has at least {} people.",
            ctx.min()
        )));
    }
    Ok(Section::new("themes", title, blocks))
}

fn query(ctx: &mut Ctx<'_>, title: &str, file: &str) -> Result<Section> {
    let path = [ctx.ws.path(&format!("queries/{file}")), ctx.ws.path(file)]
        .into_iter()
        .find(|p| p.is_file());
    let Some(path) = path else {
        return Ok(Section::skip("query", title, format!("no {file} in the workspace's queries/")));
    };
    let sql = std::fs::read_to_string(&path)?;
    let h = crate::render::spec::query_header(&sql)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if sql.contains("{{period_") && !ctx.round_is_period() {
        return Ok(Section::skip(
            "query",
            title,
            format!(
                "{file} uses {{{{period_start}}}}, but round {} is not a period label like 2026-Q3",
                ctx.round
            ),
        ));
    }
    let sql = super::super::query::fill_period(ctx.ws, &sql, Some(&ctx.round))?;
    let title = h.title.clone().unwrap_or_else(|| title.to_string());
    let mut df = super::super::query::execute(ctx.ws, &sql)
        .map_err(|e| anyhow::anyhow!("{}: {e:#}", path.display()))?;
    // Anonymity: rows whose count column is under the minimum group size never reach the report.
    let min = ctx.min() as f64;
    let mut dropped = 0;
    for c in ["n", "respondents", "users", "developers"] {
        if let Ok(col) = df.column(c) {
            let v = col.cast(&DataType::Float64)?;
            let mask: BooleanChunked =
                v.f64()?.iter().map(|x| Some(x.is_none_or(|x| x >= min))).collect();
            dropped += df.height() - mask.sum().unwrap_or(0) as usize;
            df = df.filter(&mask)?;
        }
    }
    if df.height() == 0 {
        return Ok(Section::skip(
            "query",
            &title,
            format!(
                "{} returned no rows (after suppressing groups under {})",
                path.display(),
                ctx.min()
            ),
        ));
    }
    let names: Vec<String> = df.get_column_names().iter().map(|s| s.to_string()).collect();
    let x = h.x.clone().unwrap_or_else(|| names[0].clone());
    let y = h.y.clone().or_else(|| {
        names
            .iter()
            .find(|n| **n != x && df.column(n).is_ok_and(|c| c.dtype().is_primitive_numeric()))
            .cloned()
    });
    let mut blocks = Vec::new();
    if !h.description.is_empty() {
        blocks.push(para(h.description.clone()));
    }
    let stem = format!(
        "query-{}",
        path.file_stem().map_or("q".into(), |s| s.to_string_lossy().to_string())
    );
    if let (Some(y), true) = (&y, h.chart != "table") {
        let xs = col_str(&df, &x)?;
        let ys = col_f64(&df, y)?;
        let percent = ys.iter().flatten().all(|v| (0.0..=1.0).contains(v)) && y.contains("share")
            || y.contains("rate")
            || y.contains("adoption");
        let name = if h.chart == "bar" {
            let rows: Vec<(String, f64, Option<f64>)> =
                xs.iter().zip(&ys).filter_map(|(a, b)| b.map(|b| (a.clone(), b, None))).collect();
            chart::bars(&stem, &title, h.unit.as_deref().unwrap_or(y), &rows, percent)?
        } else {
            let pts: Vec<Point> = xs
                .iter()
                .zip(&ys)
                .filter_map(|(a, b)| {
                    b.map(|b| Point { label: a.clone(), value: b, ci: None, n: None })
                })
                .collect();
            chart::line(
                &Line {
                    name: stem.clone(),
                    title: title.clone(),
                    y_desc: h.unit.clone().unwrap_or(y.clone()),
                    series: vec![(y.clone(), pts)],
                    decimals: 2,
                    ..Line::default()
                },
                &chart::Colours::default(),
            )?
        };
        let n = ctx.chart(name);
        blocks.push(figure(n, format!("{title} (from queries/{file})")));
    }
    let rows: Vec<Vec<String>> = (0..df.height().min(40))
        .map(|i| {
            names
                .iter()
                .map(|c| {
                    df.column(c)
                        .ok()
                        .and_then(|s| s.get(i).ok())
                        .and_then(|v| crate::output::cell_text(&v))
                        .map_or("–".into(), |s| match s.parse::<f64>() {
                            Ok(f) if s.contains('.') => num(f),
                            _ => s,
                        })
                })
                .collect()
        })
        .collect();
    let align: Vec<Align> = names
        .iter()
        .map(|c| if df.column(c).is_ok_and(|s| s.dtype().is_primitive_numeric()) { R } else { L })
        .collect();
    let hdr: Vec<&str> = names.iter().map(String::as_str).collect();
    blocks.push(table(&hdr, &align, rows, ""));
    if dropped > 0 {
        blocks.push(note(format!(
            "{dropped} row(s) under the minimum group size of {} were left out.",
            ctx.min()
        )));
    }
    Ok(Section::new("query", &title, blocks))
}

fn methods(ctx: &mut Ctx<'_>, title: &str) -> Result<Section> {
    let mut rows = Vec::new();
    for r in &ctx.rounds {
        let m = ctx.ws.config.rounds.get(r).cloned().unwrap_or_default();
        let mut row = vec![
            r.clone(),
            m.platform.clone(),
            m.invited.map_or("–".into(), |i| i.to_string()),
            m.responses.to_string(),
            opt(m.response_rate(), pct1),
        ];
        let flags = ctx.quality()?.get(r).copied().unwrap_or_default();
        row.extend(flags.iter().map(|n| n.to_string()));
        rows.push(row);
    }
    let mut changes = Vec::new();
    for q in &ctx.catalog.questions {
        for (r, a) in &q.rounds {
            if ctx.rounds.contains(r) && (a.wording_changed || a.scale_changed) {
                let what = match (a.wording_changed, a.scale_changed) {
                    (true, true) => format!("reworded; scale changed to {}", a.scale),
                    (true, false) => format!(
                        "reworded (similarity {})",
                        a.similarity.map_or("–".into(), |s| format!("{s:.2}"))
                    ),
                    _ => format!("scale changed to {}", a.scale),
                };
                changes.push(vec![q.id.clone(), r.clone(), what]);
            }
        }
    }
    let mut blocks = vec![
        table(
            &["Round", "Platform", "Invited", "Responses", "Rate", "Duplicates", "Speeders", "Straightliners", "Incomplete"],
            &[L, L, R, R, R, R, R, R, R],
            rows,
            "Rounds and response quality (flagged responses are kept in the store, counted here)",
        ),
        Block::List {
            items: vec![
                "Proportions (top box, favourable share): 95 % Wilson score intervals. Means: 95 % Student t intervals. NPS: 95 % interval from the multinomial variance of promoters and detractors.".into(),
                "Round over round: Mann–Whitney U (two-sided, tie- and continuity-corrected) with rank-biserial effect size for rated items; chi-square with Cramér's V for single choice.".into(),
                "Multiple comparisons: Benjamini–Hochberg false discovery rate over every question compared; a change is reported as improved or declined only when its q-value is below 0.05.".into(),
                format!("Anonymity: groups with fewer than {} respondents are never shown — not in charts, tables, comments or this report's source data; cells below it are drawn as suppressed.", ctx.min()),
                "Items whose scale changed are not compared across the change (the trend line breaks); reworded items are marked.".into(),
                "Drivers: Spearman rank correlation with the outcome question, with a Fisher-z 95 % interval.".into(),
                "Delivery metrics follow DORA's definitions (production deployments; lead time from first commit; change failure rate including failed attempts; recovery time of change failures), levels from the DORA 2024 clusters; build time is the wall clock of successful runs.".into(),
                "Goodhart guardrails: telemetry changes are tested on the events (Mann–Whitney on durations, two-proportion z on rates, exact conditional binomial on Poisson counts), BH-corrected; target bunching uses a one-sided exact binomial test on the bins adjacent to the target.".into(),
            ],
        },
    ];
    if !changes.is_empty() {
        blocks.push(table(
            &["Question", "Round", "Change"],
            &[L, L, L],
            changes,
            "Wording and scale changes",
        ));
    }
    Ok(Section::new("methods", title, blocks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_distributions() {
        let s = shares("1=1; 2=1; 3=2", 5).unwrap();
        assert_eq!(s, vec![0.25, 0.25, 0.5, 0.0, 0.0]);
        let s = shares("0=1; 10=3", 11).unwrap();
        assert_eq!(s[0], 0.25);
        assert_eq!(s[10], 0.75);
        assert!(shares("", 5).is_none());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(pct1(0.4237), "42.4 %");
        assert_eq!(pq(0.0004), "< 0.001");
        assert_eq!(pq(0.0312), "0.031");
        assert_eq!(num(1234.5), "1234");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(1.234), "1.23");
    }
}
