//! The report's context: the workspace, its catalog (read once) and every analysis a section
//! reads, each run at most once and cached, plus the charts the sections have drawn so far.

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;

use anyhow::Result;
use polars::prelude::*;

use super::inputs::{self, Checked};
use crate::analyse::compare::{CompareOptions, CompareRow};
use crate::analyse::delivery::BuildMetrics;
use crate::analyse::disclosure::RoundPlan;
use crate::analyse::dora::DeployMetrics;
use crate::analyse::summary::SummaryRow;
use crate::analyse::usage::UsageMetrics;
use crate::render::chart::Chart;
use crate::store::catalog::Catalog;
use crate::store::read::FlagSet;
use crate::store::{frames, workspace::Workspace};

/// The respondent quality flags, as (plural for text, flag as stored), in the order of
/// [`crate::ingest::survey::quality::FLAGS`] (a test keeps the two equal).
pub const QUALITY_FLAGS: [(&str, &str); 4] = [
    ("duplicates", "duplicate"),
    ("speeders", "speeder"),
    ("straightliners", "straightliner"),
    ("incomplete", "incomplete"),
];

#[cfg(test)]
#[test]
fn quality_flags_are_the_ingest_flags() {
    assert_eq!(QUALITY_FLAGS.map(|(_, f)| f), crate::ingest::survey::quality::FLAGS);
}

/// Everything the sections read, computed at most once.
pub struct Ctx<'a> {
    /// The workspace.
    pub ws: &'a Workspace,
    /// Its catalog.
    pub catalog: Catalog,
    /// Round reported.
    pub round: String,
    /// The round before it.
    pub previous: Option<String>,
    /// Every round up to and including `round`.
    pub rounds: Vec<String>,
    /// Respondents left out of every survey figure by their quality flags.
    pub exclude: FlagSet,
    per_round: OnceCell<Vec<(String, Vec<SummaryRow>)>>,
    plans: OnceCell<BTreeMap<String, RoundPlan>>,
    compare: OnceCell<Vec<CompareRow>>,
    trend: OnceCell<DataFrame>,
    builds: OnceCell<BTreeMap<String, BuildMetrics>>,
    deploys: OnceCell<BTreeMap<String, DeployMetrics>>,
    usage: OnceCell<BTreeMap<(String, String), UsageMetrics>>,
    checked: OnceCell<Option<Checked>>,
    quality: OnceCell<BTreeMap<String, [usize; 4]>>,
    charts: RefCell<Vec<Chart>>,
    labels: BTreeMap<String, String>,
}

/// The cached value of `cell`, computing it with `f` the first time.
fn once<T>(cell: &OnceCell<T>, f: impl FnOnce() -> Result<T>) -> Result<&T> {
    if let Some(v) = cell.get() {
        return Ok(v);
    }
    let v = f()?;
    Ok(cell.get_or_init(|| v))
}

/// Every question's short label as `round` words it: the catalog's `label` where set, else one
/// read against the other questions of the same kind (rated items against rated items).
fn labels(catalog: &Catalog, round: &str) -> BTreeMap<String, String> {
    let mut by_kind: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    for c in &catalog.questions {
        let t = c.rounds.get(round).map_or(c.text.as_str(), |a| a.text.as_str());
        let t = if t.is_empty() { c.text.as_str() } else { t };
        by_kind.entry(c.kind.as_str()).or_default().insert(c.id.clone(), t.to_string());
    }
    let mut out: BTreeMap<String, String> =
        by_kind.values().flat_map(super::labels::short_labels).collect();
    for c in catalog.questions.iter().filter(|c| !c.label.trim().is_empty()) {
        out.insert(c.id.clone(), c.label.trim().to_string());
    }
    out
}

impl<'a> Ctx<'a> {
    /// The context for reporting `round`.
    pub fn new(ws: &'a Workspace, round: &str, exclude: FlagSet) -> Result<Ctx<'a>> {
        let catalog = inputs::catalog(ws)?;
        let rounds: Vec<String> =
            ws.round_ids().into_iter().filter(|r| r.as_str() <= round).collect();
        let previous = rounds.iter().rev().nth(1).cloned();
        let labels = labels(&catalog, round);
        Ok(Ctx {
            ws,
            catalog,
            round: round.to_string(),
            previous,
            rounds,
            exclude,
            per_round: OnceCell::new(),
            plans: OnceCell::new(),
            compare: OnceCell::new(),
            trend: OnceCell::new(),
            builds: OnceCell::new(),
            deploys: OnceCell::new(),
            usage: OnceCell::new(),
            checked: OnceCell::new(),
            quality: OnceCell::new(),
            charts: RefCell::new(Vec::new()),
            labels,
        })
    }

    /// Minimum group size.
    pub fn min(&self) -> usize {
        self.ws.config.min_group_size
    }

    /// `pulse summary` rows of the round (whole round).
    pub fn summary(&self) -> Result<&Vec<SummaryRow>> {
        self.rows_of(&self.round)
    }

    /// `pulse summary` rows (whole round) of every round up to the reported one, made once: the
    /// summary, the previous round's summary and the trend all read them.
    fn per_round(&self) -> Result<&Vec<(String, Vec<SummaryRow>)>> {
        once(&self.per_round, || {
            let rounds = inputs::trend_rounds(self.ws, &self.round)?;
            inputs::round_summaries(self.ws, &rounds, self.exclude, self.plans()?)
        })
    }

    fn rows_of(&self, round: &str) -> Result<&Vec<SummaryRow>> {
        self.per_round()?
            .iter()
            .find(|(r, _)| r == round)
            .map(|(_, rows)| rows)
            .ok_or_else(|| anyhow::anyhow!("round {round} is not among the report's rounds"))
    }

    /// The disclosure plan of the reported round (made once, against the rounds before it).
    pub fn plan(&self) -> Result<&RoundPlan> {
        self.plans()?
            .get(&self.round)
            .ok_or_else(|| anyhow::anyhow!("no plan for round {}", self.round))
    }

    /// Every round's disclosure plan up to the reported one.
    pub fn plans(&self) -> Result<&BTreeMap<String, RoundPlan>> {
        once(&self.plans, || inputs::plans(self.ws, &self.round))
    }

    /// `pulse summary` rows of the round per group of `segment` (one section reads them).
    pub fn summary_by(&self, segment: &str) -> Result<Vec<SummaryRow>> {
        let plans = self.plans()?;
        inputs::summary(self.ws, &self.catalog, &self.round, Some(segment), self.exclude, plans)
    }

    /// `pulse compare previous round` rows (empty without a previous round).
    pub fn compare(&self) -> Result<&Vec<CompareRow>> {
        once(&self.compare, || match &self.previous {
            Some(p) => {
                let opts = CompareOptions {
                    min_n: self.min(),
                    rescale: false,
                    paired: false,
                    alpha: 0.05,
                };
                inputs::compare(self.ws, &self.catalog, p, &self.round, self.exclude, opts)
            }
            None => Ok(Vec::new()),
        })
    }

    /// `pulse trend` over every round up to the reported one.
    pub fn trend(&self) -> Result<&DataFrame> {
        once(&self.trend, || inputs::trend_of(self.ws, self.per_round()?))
    }

    /// `pulse maturity` of `round`.
    pub fn maturity(&self, round: &str) -> Result<DataFrame> {
        inputs::maturity(self.ws, &self.catalog, round, self.exclude)
    }

    /// `pulse drivers` of the round against `outcome`.
    pub fn drivers(&self, outcome: &str) -> Result<DataFrame> {
        inputs::drivers(self.ws, &self.catalog, &self.round, outcome, self.exclude)
    }

    /// `pulse themes` of the round.
    pub fn themes(&self) -> Result<DataFrame> {
        inputs::themes(self.ws, &self.catalog, &self.round, self.exclude)
    }

    /// Build metrics per quarter (with samples, for the bunching histogram).
    pub fn builds(&self) -> Result<&BTreeMap<String, BuildMetrics>> {
        once(&self.builds, || inputs::builds(self.ws))
    }

    /// Deployment metrics per quarter.
    pub fn deploys(&self) -> Result<&BTreeMap<String, DeployMetrics>> {
        once(&self.deploys, || inputs::deploys(self.ws))
    }

    /// Usage per quarter and capability.
    pub fn usage(&self) -> Result<&BTreeMap<(String, String), UsageMetrics>> {
        once(&self.usage, || inputs::usage(self.ws))
    }

    /// `pulse check` for the round's period, when the workspace has a metrics.toml.
    pub fn checked(&self) -> Result<Option<&Checked>> {
        let c = once(&self.checked, || {
            if self.ws.path("metrics.toml").is_file() && self.round_is_period() {
                // The report's quarterly metrics are reused (a round is a quarter's period).
                let (b, d, u) = (self.builds()?, self.deploys()?, self.usage()?);
                Ok(Some(inputs::check(self.ws, &self.round, b, d, u, self.exclude)?))
            } else {
                Ok(None)
            }
        })?;
        Ok(c.as_ref())
    }

    /// True when the round ID is a calendar period label (2026-Q3, 2026-07, 2026-W27), so
    /// telemetry periods line up with it.
    pub fn round_is_period(&self) -> bool {
        crate::analyse::dora::label_bounds(&self.round).is_some()
    }

    /// Respondents per round carrying each of [`QUALITY_FLAGS`] (one scan of every round).
    pub fn quality(&self) -> Result<&BTreeMap<String, [usize; 4]>> {
        once(&self.quality, || {
            let df = frames::table(self.ws, "respondents", None)?
                .select([col("round"), col("quality_flags")])
                .collect()
                .map_err(anyhow::Error::from)?;
            let mut out: BTreeMap<String, [usize; 4]> = BTreeMap::new();
            let (rounds, flags) = (df.column("round")?.str()?, df.column("quality_flags")?.str()?);
            for (r, f) in rounds.iter().zip(flags.iter()) {
                let counts = out.entry(r.unwrap_or("").to_string()).or_default();
                for token in f.unwrap_or("").split(',').map(str::trim) {
                    if let Some(k) = QUALITY_FLAGS.iter().position(|(_, q)| *q == token) {
                        counts[k] += 1;
                    }
                }
            }
            Ok(out)
        })
    }

    /// `pulse summary` rows of the previous round (whole round; empty for the first round).
    pub fn previous_summary(&self) -> Result<&[SummaryRow]> {
        match self.previous.as_deref() {
            Some(p) => Ok(self.rows_of(p)?.as_slice()),
            None => Ok(&[]),
        }
    }

    /// Registers a chart and returns its name for a figure block.
    pub fn chart(&self, c: Chart) -> String {
        let name = c.name.clone();
        self.charts.borrow_mut().push(c);
        name
    }

    /// The charts drawn so far, in order.
    pub fn into_charts(self) -> Vec<Chart> {
        self.charts.into_inner()
    }

    /// A question's short label: its catalog `label`, else the words that tell it from its
    /// siblings (see `report::labels`); the question ID for a question not in the catalog.
    pub fn label(&self, q: &str) -> String {
        self.labels.get(q).cloned().unwrap_or_else(|| q.to_string())
    }

    /// The short label as charts and tables show it: `▼ ` before an item where a low answer is
    /// good (its favourable share is the bottom box; one convention everywhere, issue 15).
    pub fn marked_label(&self, q: &str) -> String {
        let l = self.label(q);
        if self.favourable(q) { l } else { format!("▼ {l}") }
    }

    /// True unless a low answer to `q` is the good one (unknown questions count as favourable).
    pub fn favourable(&self, q: &str) -> bool {
        self.catalog.get(q).is_none_or(inputs::higher_is_better)
    }
}
