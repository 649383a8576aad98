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
    // Atoms: respondents with the same group in every segment (the finest cells there are).
    let mut atom_of: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut atoms: Vec<Vec<u32>> = Vec::new();
    let atom: Vec<u32> = (0..pop.ids.len())
        .map(|i| {
            let key: Vec<u32> = pop.dims.iter().map(|d| d.of[i]).collect();
            *atom_of.entry(key.clone()).or_insert_with(|| {
                atoms.push(key);
                atoms.len() as u32 - 1
            })
        })
        .collect();
    let atoms = Atoms { of: atom, keys: atoms };
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
                pop.dims
                    .iter()
                    .enumerate()
                    .all(|(d, dim)| s.groups[d][dim.of[i] as usize] == Cell::Shown)
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

/// Audit results by (people per atom, valid answers per atom, decisions before the audit).
type Audits = HashMap<(Vec<usize>, Vec<usize>, Vec<Vec<Cell>>), Vec<Vec<Cell>>>;

/// An earlier round, as one scope's cross-round check sees it.
struct Prev<'a> {
    pop: &'a Population,
    plan: &'a ScopePlan,
    /// Per respondent index there: 0 not in the scope, 1 a member, 2 a member with a valid answer.
    state: Vec<u8>,
    /// Respondent index there per index here (u32::MAX: absent).
    link: &'a [u32],
}

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
    if total && prevs.iter().any(|p| risky(&whole_change(scope, &valid, p), min)) {
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
    // Rules 3 and 2 until neither hides anything more.
    loop {
        for d in 0..dims.len() {
            for p in &prevs {
                across_rounds(dims, d, scope, &valid, &mut groups, p, min);
            }
        }
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

/// Change between a set in this round and the same set in an earlier one: (members, valid
/// answers), each as (joined + left) when the rounds link, or as the change in size otherwise.
#[derive(Debug, Clone, Copy, Default)]
struct Change {
    members: usize,
    valid: usize,
}

/// A change of 1..min−1 people would describe them.
fn risky(c: &Change, min: usize) -> bool {
    (c.members > 0 && c.members < min) || (c.valid > 0 && c.valid < min)
}

/// Tallies of one set in both rounds.
#[derive(Default, Clone, Copy)]
struct Tally {
    now: usize,
    now_valid: usize,
    then: usize,
    then_valid: usize,
    both: usize,
    both_valid: usize,
}

impl Tally {
    fn change(&self, linked: bool) -> Change {
        if linked {
            Change {
                members: self.now + self.then - 2 * self.both,
                valid: self.now_valid + self.then_valid - 2 * self.both_valid,
            }
        } else {
            Change {
                members: self.now.abs_diff(self.then),
                valid: self.now_valid.abs_diff(self.then_valid),
            }
        }
    }
}

/// The whole scope's change against an earlier round.
fn whole_change(scope: &Scope, valid: &dyn Fn(usize) -> bool, p: &Prev) -> Change {
    let mut t = Tally::default();
    let mut linked = false;
    for (k, &i) in scope.members.iter().enumerate() {
        let v = valid(k);
        t.now += 1;
        t.now_valid += usize::from(v);
        let j = p.link[i as usize];
        if j != u32::MAX {
            linked = true;
            let s = p.state[j as usize];
            t.both += usize::from(s > 0);
            t.both_valid += usize::from(s == 2 && v);
        }
    }
    t.then = p.state.iter().filter(|&&s| s > 0).count();
    t.then_valid = p.state.iter().filter(|&&s| s == 2).count();
    t.change(linked)
}

/// Group labels as a reader matches them across rounds.
fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Rule 3 for segment `d` against one earlier round. What a reader can compute in a round from
/// one segment's figures is any union of its shown groups and of the remainder (the hidden
/// groups together). The sets computable in both rounds are the unions of the blocks of the
/// two rounds' partitions joined; each block must have changed by 0 or at least `min` people
/// (then so does every union). While one changed by fewer, one more group of this round is
/// hidden: the smallest whose hiding leaves no such block, else the one that leaves fewest.
fn across_rounds(
    dims: &[Dim],
    d: usize,
    scope: &Scope,
    valid: &dyn Fn(usize) -> bool,
    groups: &mut [Vec<Cell>],
    p: &Prev,
    min: usize,
) {
    let dim = &dims[d];
    let Some(pd) = p.pop.dims.iter().position(|x| x.name == dim.name) else { return };
    let pdim = &p.pop.dims[pd];
    // Labels of both rounds, matched as a reader would.
    let mut label: HashMap<String, usize> = HashMap::new();
    let mut id = |s: &str| {
        let n = label.len();
        *label.entry(norm(s)).or_insert(n)
    };
    let now_label: Vec<usize> = dim.values.iter().map(|v| id(v)).collect();
    let then_label: Vec<usize> = pdim.values.iter().map(|v| id(v)).collect();
    let nl = label.len();
    let then_hidden: Vec<usize> = (0..pdim.values.len())
        .filter(|&g| p.plan.groups[pd][g] != Cell::Shown)
        .map(|g| then_label[g])
        .collect();
    // Risky blocks when this round shows `shown`.
    let assess = |shown: &[bool]| -> usize {
        let mut parent: Vec<usize> = (0..nl).collect();
        fn find(p: &mut [usize], x: usize) -> usize {
            let mut r = x;
            while p[r] != r {
                r = p[r];
            }
            r
        }
        let mut join = |a: usize, b: usize| {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        };
        let now_hidden: Vec<usize> =
            (0..dim.values.len()).filter(|&g| !shown[g]).map(|g| now_label[g]).collect();
        for w in now_hidden.windows(2).chain(then_hidden.windows(2)) {
            join(w[0], w[1]);
        }
        let block: Vec<usize> = (0..nl).map(|l| find(&mut parent, l)).collect();
        let mut t = vec![Tally::default(); nl];
        let mut linked = false;
        for (k, &i) in scope.members.iter().enumerate() {
            let v = valid(k);
            let b = block[now_label[dim.of[i as usize] as usize]];
            t[b].now += 1;
            t[b].now_valid += usize::from(v);
            let j = p.link[i as usize];
            if j != u32::MAX {
                linked = true;
                let s = p.state[j as usize];
                if s > 0 && block[then_label[pdim.of[j as usize] as usize]] == b {
                    t[b].both += 1;
                    t[b].both_valid += usize::from(s == 2 && v);
                }
            }
        }
        for (j, &s) in p.state.iter().enumerate() {
            if s > 0 {
                let b = block[then_label[pdim.of[j] as usize]];
                t[b].then += 1;
                t[b].then_valid += usize::from(s == 2);
            }
        }
        (0..nl).filter(|&b| block[b] == b && risky(&t[b].change(linked), min)).count()
    };
    loop {
        let shown: Vec<bool> = groups[d].iter().map(|c| *c == Cell::Shown).collect();
        let now = assess(&shown);
        if now == 0 {
            return;
        }
        let mut candidates: Vec<usize> = (0..dim.values.len()).filter(|&g| shown[g]).collect();
        if candidates.is_empty() {
            return; // nothing shown in this segment: only the whole round, checked already
        }
        candidates.sort_by_key(|&g| (members_of(dims, scope, d, g), dim.values[g].clone()));
        let mut best: Option<(usize, usize)> = None; // (risky blocks left, candidate)
        for &g in &candidates {
            let mut trial = shown.clone();
            trial[g] = false;
            let left = assess(&trial);
            if best.is_none_or(|(b, _)| left < b) {
                best = Some((left, g));
            }
            if left == 0 {
                break;
            }
        }
        let (_, g) = best.expect("a candidate");
        groups[d][g] = Cell::Changed;
    }
}

/// Members of group `g` of segment `d` in the scope.
fn members_of(dims: &[Dim], scope: &Scope, d: usize, g: usize) -> usize {
    scope.members.iter().filter(|&&i| dims[d].of[i as usize] as usize == g).count()
}

/// Hides more groups until no small set and no `Changed` group can be computed: the audit runs
/// on the members behind each figure and on their valid answers.
fn secondary(
    dims: &[Dim],
    atoms: &[Vec<u32>],
    per_atom: &[usize],
    per_atom_valid: &[usize],
    groups: &mut [Vec<Cell>],
    min: usize,
) {
    // Cells: atoms merged by their groups that matter (shown or protected ones; hidden small
    // groups are never published, so they do not tell people apart).
    let matters = |c: Cell| matches!(c, Cell::Shown | Cell::Changed);
    let mut cell_of: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut keys: Vec<Vec<u32>> = Vec::new();
    let mut size: Vec<usize> = Vec::new();
    let mut size_valid: Vec<usize> = Vec::new();
    for ((a, &n), &nv) in atoms.iter().zip(per_atom).zip(per_atom_valid) {
        if n == 0 {
            continue;
        }
        let key: Vec<u32> = a
            .iter()
            .enumerate()
            .map(|(d, &g)| if matters(groups[d][g as usize]) { g } else { u32::MAX })
            .collect();
        let c = *cell_of.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            size.push(0);
            size_valid.push(0);
            size.len() - 1
        });
        size[c] += n;
        size_valid[c] += nv;
    }
    // Columns by size, largest first (ties by key: deterministic).
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then_with(|| keys[a].cmp(&keys[b])));
    let keys: Vec<Vec<u32>> = order.iter().map(|&c| keys[c].clone()).collect();
    let size_valid: Vec<usize> = order.iter().map(|&c| size_valid[c]).collect();
    let size: Vec<usize> = order.iter().map(|&c| size[c]).collect();
    // The valid-answer measure's own column order (largest first), as a permutation.
    let mut by_valid: Vec<usize> = (0..keys.len()).collect();
    by_valid.sort_by(|&a, &b| size_valid[b].cmp(&size_valid[a]).then(a.cmp(&b)));
    let valid_sorted: Vec<usize> = by_valid.iter().map(|&c| size_valid[c]).collect();
    let vector = |d: usize, g: u32| -> Vec<f64> {
        keys.iter().map(|k| if k[d] == g { 1.0 } else { 0.0 }).collect()
    };
    let permute = |v: &[f64]| -> Vec<f64> { by_valid.iter().map(|&c| v[c]).collect() };
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
        let vectors = |skip: Option<usize>| -> Vec<Vec<f64>> {
            let mut vs = vec![total.clone()];
            vs.extend(
                shown
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| Some(*k) != skip)
                    .map(|(_, &(_, d, g))| vector(d, g)),
            );
            vs
        };
        let published = |skip: Option<usize>| Span::new(&vectors(skip), keys.len());
        let span = published(None);
        let as_f64 = |set: Vec<bool>| -> Vec<f64> {
            set.iter().map(|&b| if b { 1.0 } else { 0.0 }).collect()
        };
        let violation: Option<Vec<f64>> = span
            .small_set(&size, min)
            .map(as_f64)
            .or_else(|| {
                // The same search over valid answers (columns in their own order).
                let vs: Vec<Vec<f64>> = vectors(None).iter().map(|v| permute(v)).collect();
                let set = Span::new(&vs, keys.len()).small_set(&valid_sorted, min)?;
                let mut out = vec![0.0; keys.len()];
                for (k, &c) in by_valid.iter().enumerate() {
                    out[c] = if set[k] { 1.0 } else { 0.0 };
                }
                Some(out)
            })
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
