//! Rule 3 of the plan: across rounds, the sets a reader can compute in both rounds from one
//! segment's figures may not have changed by 1..min−1 people.

use std::collections::HashMap;

use super::{Cell, Dim, Population, Scope, ScopePlan};

/// An earlier round, as one scope's cross-round check sees it.
pub(super) struct Prev<'a> {
    pub pop: &'a Population,
    pub plan: &'a ScopePlan,
    /// Per respondent index there: 0 not in the scope, 1 a member, 2 a member with a valid answer.
    pub state: Vec<u8>,
    /// Respondent index there per index here (u32::MAX: absent).
    pub link: &'a [u32],
}

/// Change between a set in this round and the same set in an earlier one: (members, valid
/// answers), each as (joined + left) when the rounds link, or as the change in size otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Change {
    members: usize,
    valid: usize,
}

/// A change of 1..min−1 people would describe them.
pub(super) fn risky(c: &Change, min: usize) -> bool {
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
pub(super) fn whole_change(scope: &Scope, valid: &dyn Fn(usize) -> bool, p: &Prev) -> Change {
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
pub(super) fn across_rounds(
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
        candidates.sort_by_cached_key(|&g| (members_of(dims, scope, d, g), dim.values[g].clone()));
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
