//! Disclosure control: the one place that decides which group figures pulse may publish.
//!
//! **The guarantee.** For every round, every question and every segment the round has (those
//! in pulse.toml and those given with `--segment` at import), a group's figures are published
//! only when
//! 1. the people behind them, counted as valid answers to that question (respondents who
//!    answered, for a multi-select, whatever they chose), number at least `min_group_size`;
//! 2. no set of fewer than `min_group_size` people can be isolated by adding and subtracting
//!    published figures of that round and question — across every segment at once, the whole
//!    round included (total − shown teams, a team − a role, ...), checked exactly by
//!    [`audit`]; when one could, more groups are hidden (secondary suppression), smallest
//!    first, in a fixed order, so every command and the report hide the same cells;
//! 3. the same group's figures in any earlier round, where published, differ from it by at
//!    least `min_group_size` people (joined plus left, by pseudonym; by count when the rounds'
//!    pseudonyms do not link) or by none — otherwise the difference of two rounds would
//!    describe the few who joined or left — and a group hidden for this reason cannot be
//!    recovered within its round either.
//!
//! The whole round's figure of a question is published when rule 1 holds for it. Comments are
//! quoted only from respondents whose group is published under every segment of the round.
//!
//! **Limits** (also in the README): sums across *different* questions are not compared (they
//! are different variables); the whole round's figure is published every round whatever its
//! change (the organisation is assumed large); unions of groups are not compared across
//! rounds; raw `pulse query` reads the store and is for analysts who may see it.

pub mod audit;
pub mod query;

use std::collections::{BTreeMap, HashMap};

use audit::Span;

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
}

/// The respondents behind one scope's figures.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Respondent indices, ascending: everyone the scope's figures are computed over.
    pub members: Vec<u32>,
    /// For a multi-select, the members whose answer holds at least one option (the `n` of its
    /// shares): a group needs `min` of these too. None: all members.
    pub counted: Option<Vec<bool>>,
}

/// Why a group's figures are published or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Default)]
pub struct ScopePlan {
    /// The whole round's figure is published.
    pub total: bool,
    /// Per segment, per group code.
    pub groups: Vec<Vec<Cell>>,
}

/// The decisions for one round.
#[derive(Debug, Clone, Default)]
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
}

impl RoundPlan {
    /// The decision for `group` of `segment` in `scope`; `Empty` for a group the round does not
    /// have, `Small` for a scope it does not have.
    pub fn cell(&self, scope: &str, segment: &str, group: &str) -> Cell {
        let Some(s) = self.scopes.get(scope) else { return Cell::Small };
        let Some(d) = self.dims.iter().position(|x| x == segment) else { return Cell::Small };
        match self.values[d].iter().position(|v| v == group) {
            Some(g) => s.groups[d][g],
            None => Cell::Empty,
        }
    }

    /// True when the figures of `group` of `segment` in `scope` may be published.
    pub fn shows(&self, scope: &str, segment: &str, group: &str) -> bool {
        self.cell(scope, segment, group) == Cell::Shown
    }

    /// True when the whole round's figure of `scope` may be published.
    pub fn shows_total(&self, scope: &str) -> bool {
        self.scopes.get(scope).is_some_and(|s| s.total)
    }

    /// Groups hidden in `scope` for `segment` (any reason but Empty).
    pub fn hidden(&self, scope: &str, segment: &str) -> usize {
        let (Some(s), Some(d)) =
            (self.scopes.get(scope), self.dims.iter().position(|x| x == segment))
        else {
            return 0;
        };
        s.groups[d].iter().filter(|c| !matches!(c, Cell::Shown | Cell::Empty)).count()
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
    for (name, scope) in &pop.scopes {
        let sp = plan_scope(pop, name, scope, earlier, &links, min);
        plan.scopes.insert(name.clone(), sp);
    }
    let round = plan.scopes.get(ROUND);
    plan.quotable = (0..pop.ids.len())
        .map(|i| {
            round.is_some_and(|s| {
                pop.dims
                    .iter()
                    .enumerate()
                    .all(|(d, dim)| s.groups[d][dim.of[i] as usize] == Cell::Shown)
            })
        })
        .collect();
    plan
}

fn plan_scope(
    pop: &Population,
    name: &str,
    scope: &Scope,
    earlier: &[(&Population, &RoundPlan)],
    links: &[Vec<u32>],
    min: usize,
) -> ScopePlan {
    let dims = &pop.dims;
    // Rule 1: members and counted members per group.
    let mut members: Vec<Vec<usize>> = dims.iter().map(|d| vec![0; d.values.len()]).collect();
    let mut counted: Vec<Vec<usize>> = members.clone();
    let mut total_counted = 0;
    for (k, &i) in scope.members.iter().enumerate() {
        let c = scope.counted.as_ref().is_none_or(|c| c[k]);
        total_counted += usize::from(c);
        for (d, dim) in dims.iter().enumerate() {
            let g = dim.of[i as usize] as usize;
            members[d][g] += 1;
            counted[d][g] += usize::from(c);
        }
    }
    let total = scope.members.len() >= min && total_counted >= min;
    let mut groups: Vec<Vec<Cell>> = members
        .iter()
        .zip(&counted)
        .map(|(m, c)| {
            m.iter()
                .zip(c)
                .map(|(&m, &c)| match (m, total) {
                    (0, _) => Cell::Empty,
                    (_, false) => Cell::Small,
                    _ if m < min || c < min => Cell::Small,
                    _ => Cell::Shown,
                })
                .collect()
        })
        .collect();
    if !total {
        return ScopePlan { total, groups };
    }
    // Rule 3: against every earlier round where the same group was shown.
    for ((prev, prev_plan), link) in earlier.iter().zip(links) {
        let (Some(ps), Some(pp)) = (prev.scopes.get(name), prev_plan.scopes.get(name)) else {
            continue;
        };
        let in_prev = {
            let mut v = vec![false; prev.ids.len()];
            for &j in &ps.members {
                v[j as usize] = true;
            }
            v
        };
        for (d, dim) in dims.iter().enumerate() {
            let Some(pd) = prev.dims.iter().position(|x| x.name == dim.name) else { continue };
            let pdim = &prev.dims[pd];
            // This round's group code -> the earlier round's code of the same name.
            let to_prev: Vec<Option<usize>> =
                dim.values.iter().map(|v| pdim.values.iter().position(|x| x == v)).collect();
            let mut both = vec![0usize; dim.values.len()];
            let mut linked_any = false;
            for &i in &scope.members {
                let j = link[i as usize];
                if j == u32::MAX {
                    continue;
                }
                linked_any = true;
                let g = dim.of[i as usize] as usize;
                if in_prev[j as usize] && to_prev[g] == Some(pdim.of[j as usize] as usize) {
                    both[g] += 1;
                }
            }
            let mut prev_members = vec![0usize; pdim.values.len()];
            for &j in &ps.members {
                prev_members[pdim.of[j as usize] as usize] += 1;
            }
            for (g, cell) in groups[d].iter_mut().enumerate() {
                let Some(pg) = to_prev[g] else { continue };
                if *cell != Cell::Shown || pp.groups[pd][pg] != Cell::Shown {
                    continue;
                }
                let (now, then) = (members[d][g], prev_members[pg]);
                let by_count = now.abs_diff(then);
                let by_set = now + then - 2 * both[g];
                // Linked rounds: who joined and left, exactly. Unlinked (no pseudonym in
                // common, e.g. response ids): the change in size, the least it can be.
                let change = if linked_any { by_set } else { by_count };
                let risky = change > 0 && change < min;
                if risky {
                    *cell = Cell::Changed;
                }
            }
        }
    }
    // Rule 2: the differencing audit, with secondary suppression until it passes.
    secondary(dims, scope, &mut groups, min);
    ScopePlan { total, groups }
}

/// Hides more groups until no small set and no `Changed` group can be computed.
fn secondary(dims: &[Dim], scope: &Scope, groups: &mut [Vec<Cell>], min: usize) {
    // Cells: members grouped by their groups that matter (shown or protected ones; hidden small
    // groups are never published, so they do not tell people apart).
    let matters = |c: Cell| matches!(c, Cell::Shown | Cell::Changed);
    let mut cell_of: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut keys: Vec<Vec<u32>> = Vec::new();
    let mut size: Vec<usize> = Vec::new();
    for &i in &scope.members {
        let key: Vec<u32> = dims
            .iter()
            .enumerate()
            .map(|(d, dim)| {
                let g = dim.of[i as usize];
                if matters(groups[d][g as usize]) { g } else { u32::MAX }
            })
            .collect();
        let c = *cell_of.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            size.push(0);
            size.len() - 1
        });
        size[c] += 1;
    }
    // Columns by size, largest first (ties by key: deterministic).
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then_with(|| keys[a].cmp(&keys[b])));
    let keys: Vec<Vec<u32>> = order.iter().map(|&c| keys[c].clone()).collect();
    let size: Vec<usize> = order.iter().map(|&c| size[c]).collect();
    let vector = |d: usize, g: u32| -> Vec<f64> {
        keys.iter().map(|k| if k[d] == g { 1.0 } else { 0.0 }).collect()
    };
    let total = vec![1.0; keys.len()];
    loop {
        // Published sets, smallest first (the order secondary suppression tries them in).
        let mut shown: Vec<(usize, usize, u32)> = Vec::new();
        for (d, cells) in groups.iter().enumerate() {
            for (g, c) in cells.iter().enumerate() {
                if *c == Cell::Shown {
                    let n = keys
                        .iter()
                        .zip(&size)
                        .filter(|(k, _)| k[d] == g as u32)
                        .map(|(_, s)| s)
                        .sum();
                    shown.push((n, d, g as u32));
                }
            }
        }
        shown.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.cmp(&b.1))
                .then_with(|| dims[a.1].values[a.2 as usize].cmp(&dims[b.1].values[b.2 as usize]))
        });
        let published = |skip: Option<usize>| -> Span {
            let mut vs = vec![total.clone()];
            vs.extend(
                shown
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| Some(*k) != skip)
                    .map(|(_, &(_, d, g))| vector(d, g)),
            );
            Span::new(&vs, keys.len())
        };
        let span = published(None);
        let violation: Option<Vec<f64>> = span
            .small_set(&size, min)
            .map(|set| set.iter().map(|&b| if b { 1.0 } else { 0.0 }).collect())
            .or_else(|| {
                groups.iter().enumerate().find_map(|(d, cells)| {
                    cells.iter().enumerate().find_map(|(g, c)| {
                        let v = vector(d, g as u32);
                        (*c == Cell::Changed && span.contains(&v)).then_some(v)
                    })
                })
            });
        let Some(v) = violation else { return };
        if shown.is_empty() {
            return; // only the total is published: nothing can be computed but it
        }
        // Hide the smallest shown group whose removal breaks this derivation; else the smallest.
        let pick = (0..shown.len()).find(|&k| !published(Some(k)).contains(&v)).unwrap_or(0);
        let (_, d, g) = shown[pick];
        groups[d][g as usize] = Cell::Secondary;
    }
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
