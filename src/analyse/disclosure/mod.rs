//! Disclosure control: the one place that decides which group figures pulse may publish.
//!
//! **The guarantee.** For every round, every question and every segment the round has (those
//! in pulse.toml and those given with `--segment` at import), a group's figures are published
//! only when
//! 1. the people behind them number at least `min_group_size`, counted both as respondents
//!    with a row for the question (N/A and blank included: excluded counts are printed) and as
//!    valid answers (for a multi-select: respondents who chose an option);
//! 2. no set of fewer than `min_group_size` people can be isolated by adding and subtracting
//!    published figures of that round and question — across every segment at once, the whole
//!    round included (total − shown teams, a team − a role, ...), checked exactly by
//!    [`audit`]; when one could, more groups are hidden (secondary suppression), smallest
//!    first, in a fixed order, so every command and the report hide the same cells;
//! 3. across rounds, every set a reader can compute in both this round and an earlier one from
//!    one segment's figures (a shown group, the remainder of hidden groups, unions of these,
//!    the whole round) differs between the rounds by 0 or at least `min_group_size` people
//!    (joined plus left, by pseudonym; by the change in size when the rounds' pseudonyms do not
//!    link) — otherwise the difference of two rounds would describe the few who joined or left;
//!    a group hidden for this reason cannot be recovered within its round either. Group labels
//!    match across rounds as a reader matches them (trimmed, any case).
//!
//! The whole round's figure of a question is published when rules 1 and 3 hold for it. Comments are
//! quoted only from respondents whose group is published under every segment of the round.
//!
//! **Limits** (also in the README): sums across *different* questions are not compared (they
//! are different variables); across rounds, sets computable only by combining two segments are
//! not compared, and unlinked rounds hide a one-for-one swap (same size); raw `pulse query`
//! reads the store and is for analysts who may see it.

pub mod audit;
pub mod flags;
pub mod query;
mod rounds;
mod within;

use rounds::{Joint, Prev, across_rounds, risky, whole_change};

pub use crate::ingest::survey::quality::FlagSet;
use within::secondary;

use std::collections::{BTreeMap, HashMap};

/// Scope of the round itself (every respondent), beside the question scopes.
pub const ROUND: &str = "";

/// One round's respondents, their segment groups, and who answered each question.
#[derive(Debug, Clone, Default)]
pub struct Population {
    /// Round id.
    pub round: String,
    /// Pseudonym per respondent index.
    pub ids: Vec<String>,
    /// The round's segments.
    pub dims: Vec<Dim>,
    /// Per scope ([`ROUND`] or a question id): the respondents behind its figures.
    pub scopes: BTreeMap<String, Scope>,
    /// Per respondent index: how many responses the person sent, on the index that stands for
    /// the person in the question scopes (the last of their rows), 0 on their other rows (empty:
    /// one each). Figures count responses, so across rounds (rule 3) a person who answered
    /// twice in one round and once in the other changed the figure by a response.
    pub responses: Vec<u8>,
    /// Per respondent index: the person's quality flags (those of all their responses).
    pub flags: Vec<FlagSet>,
}

impl Population {
    /// Responses that respondent index `i` stands for in rule 3's counts.
    pub(crate) fn weight(&self, i: usize) -> usize {
        usize::from(self.responses.get(i).copied().unwrap_or(1))
    }
}

/// One segment: its groups and each respondent's group ("(none)" is a group).
#[derive(Debug, Clone, Default)]
pub struct Dim {
    /// Segment name.
    pub name: String,
    /// Group names by code.
    pub values: Vec<String>,
    /// Group code per respondent index.
    pub of: Vec<u32>,
    /// A segment, or one of the splits by quality flags that exclusions publish
    /// ([`flags`]).
    pub kind: DimKind,
    /// For a split: per group, (the group of the segment it splits, its flag pattern).
    pub parts: Vec<(u32, FlagSet)>,
}

/// What a [`Dim`] of the population is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DimKind {
    /// A segment of the round.
    #[default]
    Segment,
    /// The round's people by their exact pattern of quality flags.
    Flags,
    /// A segment's groups (the segment at this index), each split by flag pattern.
    SegmentFlags(usize),
}

/// The respondents behind one scope's figures.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Respondent indices, ascending: everyone with a row for the scope (answered, N/A, blank:
    /// counts of excluded answers are figures too).
    pub members: Vec<u32>,
    /// Per member: a valid answer (a value; for a multi-select, at least one option), what `n`
    /// counts. None: every member.
    pub counted: Option<Vec<bool>>,
}

/// Why a group's figures are published or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Cell {
    /// Published.
    Shown,
    /// Nobody of the group is in the scope (nothing to publish).
    Empty,
    /// Fewer than the minimum behind it.
    Small,
    /// Changed by fewer than the minimum people since an earlier round where it was shown.
    Changed,
    /// Hidden so that a smaller set cannot be computed from published figures.
    Secondary,
}

/// The decision for one scope of one round.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ScopePlan {
    /// The whole round's figure is published.
    pub total: bool,
    /// Per segment, per group code.
    pub groups: Vec<Vec<Cell>>,
}

/// The decisions for one round.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RoundPlan {
    /// Round id.
    pub round: String,
    /// Segment names, in [`Population::dims`] order.
    pub dims: Vec<String>,
    /// Group names per segment.
    pub values: Vec<Vec<String>>,
    /// Per scope.
    pub scopes: BTreeMap<String, ScopePlan>,
    /// Per respondent index: every group they belong to is shown in the round scope (their
    /// comments may be quoted).
    pub quotable: Vec<bool>,
    /// Pseudonym per respondent index (to match comments).
    pub ids: Vec<String>,
    /// Per dimension: a segment or a split by flags ([`DimKind`]).
    #[serde(default)]
    pub kinds: Vec<DimKind>,
    /// Per dimension: [`Dim::parts`].
    #[serde(default)]
    pub parts: Vec<Vec<(u32, u8)>>,
}

impl RoundPlan {
    /// The index of segment `segment` (never a split by flags, whatever its name).
    fn segment(&self, segment: &str) -> Option<usize> {
        (0..self.dims.len()).find(|&d| {
            self.dims[d] == segment && self.kinds.get(d).is_none_or(|k| *k == DimKind::Segment)
        })
    }

    /// The decision for `group` of `segment` in `scope`; `Empty` for a group the round does not
    /// have, `Small` for a scope it does not have.
    pub fn cell(&self, scope: &str, segment: &str, group: &str) -> Cell {
        let Some(s) = self.scopes.get(scope) else { return Cell::Small };
        let Some(d) = self.segment(segment) else { return Cell::Small };
        match self.values[d].iter().position(|v| v == group) {
            Some(g) => s.groups[d][g],
            None => Cell::Empty,
        }
    }

    /// True when the figures of `group` of `segment` in `scope` may be published.
    pub fn shows(&self, scope: &str, segment: &str, group: &str) -> bool {
        self.cell(scope, segment, group) == Cell::Shown
    }

    /// The figures of `group` of `segment` in `scope`, or of the whole round without a segment
    /// (rule 1 for the whole round implies its `n` reaches the minimum, every row's `n`
    /// counting at least the people the plan counts).
    pub fn shows_in(&self, scope: &str, segment: Option<&str>, group: &str) -> bool {
        match segment {
            Some(seg) => self.shows(scope, seg, group),
            None => self.shows_total(scope),
        }
    }

    /// True when the whole round's figure of `scope` may be published.
    pub fn shows_total(&self, scope: &str) -> bool {
        self.scopes.get(scope).is_some_and(|s| s.total)
    }
}

/// Plans the rounds in order (each round's plan depends on the earlier rounds' published
/// groups). `pops` must be in round order.
pub fn plan_rounds(pops: &[Population], min: usize) -> Vec<RoundPlan> {
    let mut plans: Vec<RoundPlan> = Vec::with_capacity(pops.len());
    for (i, pop) in pops.iter().enumerate() {
        let earlier: Vec<(&Population, &RoundPlan)> = pops[..i].iter().zip(&plans).collect();
        plans.push(plan_round(pop, &earlier, min));
    }
    plans
}

/// Whole-round figure rule alone (rule 1), for outputs without segments: `n` people behind it.
pub fn total_shown(n: usize, min: usize) -> bool {
    n >= min
}

/// Plans one round against the earlier rounds' populations and plans.
pub fn plan_round(
    pop: &Population,
    earlier: &[(&Population, &RoundPlan)],
    min: usize,
) -> RoundPlan {
    let mut plan = RoundPlan {
        round: pop.round.clone(),
        dims: pop.dims.iter().map(|d| d.name.clone()).collect(),
        values: pop.dims.iter().map(|d| d.values.clone()).collect(),
        ids: pop.ids.clone(),
        kinds: pop.dims.iter().map(|d| d.kind).collect(),
        parts: pop.dims.iter().map(|d| d.parts.iter().map(|&(g, f)| (g, f.0)).collect()).collect(),
        ..RoundPlan::default()
    };
    // Links to each earlier round: respondent index there per index here (u32::MAX: absent).
    let links: Vec<Vec<u32>> = earlier
        .iter()
        .map(|(p, _)| {
            let index: HashMap<&str, u32> =
                p.ids.iter().zip(0u32..).map(|(s, i)| (s.as_str(), i)).collect();
            pop.ids.iter().map(|s| index.get(s.as_str()).copied().unwrap_or(u32::MAX)).collect()
        })
        .collect();
    let atoms = atoms(pop);
    // Scopes with the same people per atom and the same decisions so far get the same audit.
    let mut audits: Audits = HashMap::new();
    for (name, scope) in &pop.scopes {
        let sp = plan_scope(pop, &atoms, name, scope, earlier, &links, min, &mut audits);
        plan.scopes.insert(name.clone(), sp);
    }
    let round = plan.scopes.get(ROUND);
    plan.quotable = (0..pop.ids.len())
        .map(|i| {
            round.is_some_and(|s| {
                pop.dims.iter().enumerate().all(|(d, dim)| {
                    dim.kind != DimKind::Segment || s.groups[d][dim.of[i] as usize] == Cell::Shown
                })
            })
        })
        .collect();
    plan
}

/// Each respondent's atom and each atom's group per segment.
struct Atoms {
    of: Vec<u32>,
    keys: Vec<Vec<u32>>,
}

/// Atoms: respondents with the same group in every segment (the finest cells there are),
/// numbered in order of first appearance. A respondent's groups are one number (mixed radix
/// over the segments' group counts) when that fits in a `u64`, so most respondents cost one
/// hash lookup and no allocation.
fn atoms(pop: &Population) -> Atoms {
    let n = pop.ids.len();
    // The segments and the flag patterns decide a respondent's atom; a segment's split by flags
    // is a function of the two, so it is read off the atom's first respondent.
    let base: Vec<&Dim> =
        pop.dims.iter().filter(|d| matches!(d.kind, DimKind::Segment | DimKind::Flags)).collect();
    let full = |i: usize| -> Vec<u32> { pop.dims.iter().map(|d| d.of[i]).collect() };
    let radix: Option<u64> =
        base.iter().try_fold(1u64, |acc, d| acc.checked_mul(d.values.len().max(1) as u64));
    let mut keys: Vec<Vec<u32>> = Vec::new();
    let of: Vec<u32> = match radix {
        Some(_) => {
            let mut atom_of: HashMap<u64, u32> = HashMap::new();
            (0..n)
                .map(|i| {
                    let key = base
                        .iter()
                        .fold(0u64, |acc, d| acc * d.values.len().max(1) as u64 + d.of[i] as u64);
                    *atom_of.entry(key).or_insert_with(|| {
                        keys.push(full(i));
                        keys.len() as u32 - 1
                    })
                })
                .collect()
        }
        None => {
            let mut atom_of: HashMap<Vec<u32>, u32> = HashMap::new();
            (0..n)
                .map(|i| {
                    let key: Vec<u32> = base.iter().map(|d| d.of[i]).collect();
                    *atom_of.entry(key).or_insert_with(|| {
                        keys.push(full(i));
                        keys.len() as u32 - 1
                    })
                })
                .collect()
        }
    };
    Atoms { of, keys }
}

/// Audit results by (people per atom, valid answers per atom, decisions before the audit).
type Audits = HashMap<(Vec<usize>, Vec<usize>, Vec<Vec<Cell>>), Vec<Vec<Cell>>>;

#[allow(clippy::too_many_arguments)]
fn plan_scope(
    pop: &Population,
    atoms: &Atoms,
    name: &str,
    scope: &Scope,
    earlier: &[(&Population, &RoundPlan)],
    links: &[Vec<u32>],
    min: usize,
    audits: &mut Audits,
) -> ScopePlan {
    let dims = &pop.dims;
    let valid = |k: usize| scope.counted.as_ref().is_none_or(|c| c[k]);
    // Rule 1: members and valid answers per atom, then per group.
    let na = atoms.keys.len();
    let (mut per_atom, mut per_atom_valid) = (vec![0usize; na], vec![0usize; na]);
    for (k, &i) in scope.members.iter().enumerate() {
        let a = atoms.of[i as usize] as usize;
        per_atom[a] += 1;
        per_atom_valid[a] += usize::from(valid(k));
    }
    let mut members: Vec<Vec<usize>> = dims.iter().map(|d| vec![0; d.values.len()]).collect();
    let mut counted: Vec<Vec<usize>> = members.clone();
    for (a, key) in atoms.keys.iter().enumerate() {
        for (d, &g) in key.iter().enumerate() {
            members[d][g as usize] += per_atom[a];
            counted[d][g as usize] += per_atom_valid[a];
        }
    }
    let (all, all_valid) = (scope.members.len(), per_atom_valid.iter().sum::<usize>());
    let mut total = all >= min && all_valid >= min;
    let mut groups: Vec<Vec<Cell>> = members
        .iter()
        .zip(&counted)
        .map(|(m, c)| {
            m.iter()
                .zip(c)
                .map(|(&m, &c)| match m {
                    0 => Cell::Empty,
                    _ if m < min || c < min => Cell::Small,
                    _ => Cell::Shown,
                })
                .collect()
        })
        .collect();
    // The earlier rounds that have this scope.
    let prevs: Vec<Prev> = earlier
        .iter()
        .zip(links)
        .filter_map(|((p, pp), link)| {
            let (ps, plan) = (p.scopes.get(name)?, pp.scopes.get(name)?);
            if !plan.total {
                return None;
            }
            let mut state = vec![0u8; p.ids.len()];
            for (k, &j) in ps.members.iter().enumerate() {
                state[j as usize] = if ps.counted.as_ref().is_none_or(|c| c[k]) { 2 } else { 1 };
            }
            Some(Prev { pop: p, plan, state, link })
        })
        .collect();
    // Rule 3 for the whole round: its figure is published in every round, so it may not
    // change by fewer than the minimum either.
    if total && prevs.iter().any(|p| risky(&whole_change(pop, scope, &valid, p), min)) {
        total = false;
    }
    if !total {
        for cells in &mut groups {
            for c in cells.iter_mut().filter(|c| **c != Cell::Empty) {
                *c = Cell::Small;
            }
        }
        return ScopePlan { total, groups };
    }
    // The scope's people against each earlier round, per segment, counted once.
    let joints: Vec<Vec<Option<Joint>>> =
        prevs.iter().map(|p| Joint::all(pop, dims, scope, &valid, p)).collect();
    // Rules 3 and 2 until neither hides anything more.
    loop {
        let mut resolved = true;
        for d in 0..dims.len() {
            for (p, joint) in prevs.iter().zip(&joints) {
                if let Some(j) = &joint[d] {
                    resolved &= across_rounds(dims, d, &mut groups, p, j, min);
                    if dims[d].kind != DimKind::Segment {
                        resolved &= flags::across_exclusions(dims, d, &mut groups, p, j, min);
                    }
                }
            }
        }
        if !resolved {
            // The whole round's figure would describe the few who joined or left a set the
            // earlier round published: the question publishes nothing in this round.
            for cells in &mut groups {
                for c in cells.iter_mut().filter(|c| **c != Cell::Empty) {
                    *c = Cell::Small;
                }
            }
            return ScopePlan { total: false, groups };
        }
        flags::parts_rule(dims, &members, &counted, &mut groups, min);
        let key = (per_atom.clone(), per_atom_valid.clone(), groups.clone());
        let audited = match audits.get(&key) {
            Some(g) => g.clone(),
            None => {
                let mut g = groups.clone();
                secondary(dims, &atoms.keys, &per_atom, &per_atom_valid, &mut g, min);
                audits.insert(key, g.clone());
                g
            }
        };
        if audited == groups {
            break;
        }
        groups = audited;
    }
    ScopePlan { total, groups }
}

/// Decides which rows of one table to drop when each row counts `sizes[i]` people and rows
/// under `min` are dropped: when the dropped rows add up to fewer than `min` people (the total
/// minus the shown rows would describe them), the smallest shown rows are dropped as well.
/// For query results, whose rows pulse cannot audit like its own figures.
pub fn suppress_rows(sizes: &[usize], min: usize) -> Vec<bool> {
    let mut out: Vec<bool> = sizes.iter().map(|&n| n < min).collect();
    loop {
        let hidden: usize = sizes.iter().zip(&out).filter(|(_, h)| **h).map(|(n, _)| n).sum();
        if hidden == 0 || hidden >= min {
            return out;
        }
        let next = (0..sizes.len()).filter(|&i| !out[i]).min_by_key(|&i| (sizes[i], i));
        match next {
            Some(i) => out[i] = true,
            None => return out,
        }
    }
}

#[cfg(test)]
mod tests;
