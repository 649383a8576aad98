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
pub(super) struct Tally {
    pub(super) now: usize,
    pub(super) now_valid: usize,
    pub(super) then: usize,
    pub(super) then_valid: usize,
    pub(super) both: usize,
    pub(super) both_valid: usize,
}

impl Tally {
    pub(super) fn change(&self, linked: bool) -> Change {
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
/// Counted in responses: a person with two responses in one round and one in the other
/// changed it by one.
pub(super) fn whole_change(
    pop: &Population,
    scope: &Scope,
    valid: &dyn Fn(usize) -> bool,
    p: &Prev,
) -> Change {
    let mut t = Tally::default();
    let mut linked = false;
    for (k, &i) in scope.members.iter().enumerate() {
        let v = valid(k);
        let w = pop.weight(i as usize);
        t.now += w;
        t.now_valid += w * usize::from(v);
        let j = p.link[i as usize];
        if j != u32::MAX {
            linked = true;
            let s = p.state[j as usize];
            let both = w.min(p.pop.weight(j as usize));
            t.both += both * usize::from(s > 0);
            t.both_valid += both * usize::from(s == 2 && v);
        }
    }
    for (j, &s) in p.state.iter().enumerate() {
        let w = p.pop.weight(j);
        t.then += w * usize::from(s > 0);
        t.then_valid += w * usize::from(s == 2);
    }
    t.change(linked)
}

/// Group labels as a reader matches them across rounds.
pub(super) fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// One scope's people and one segment, against an earlier round, counted once per group here
/// and group there: every set rule 3 weighs is a union of such groups, so each trial of
/// [`across_rounds`] adds up these counts instead of going over the people again.
pub(super) struct Joint {
    /// The segment's index in the earlier round.
    pub(super) pd: usize,
    /// Per group here: (members, valid answers).
    pub(super) now: Vec<(usize, usize)>,
    /// Per group there: (members, valid answers) of the earlier round's scope.
    pub(super) then: Vec<(usize, usize)>,
    /// Per (group here, group there), `g * groups there + h`: members here who are members
    /// there too, and those with a valid answer in both.
    pub(super) both: Vec<(usize, usize)>,
    /// Some member here has a pseudonym of the earlier round.
    pub(super) linked: bool,
}

impl Joint {
    /// Counts every segment of the scope against `p` in one pass over the people (a segment
    /// the earlier round does not have gets None).
    pub(super) fn all(
        pop: &Population,
        dims: &[Dim],
        scope: &Scope,
        valid: &dyn Fn(usize) -> bool,
        p: &Prev,
    ) -> Vec<Option<Joint>> {
        let mut out: Vec<Option<(Joint, &Dim, &Dim)>> = dims
            .iter()
            .map(|dim| {
                let pd = p.pop.dims.iter().position(|x| x.name == dim.name)?;
                let pdim = &p.pop.dims[pd];
                let (g_n, h_n) = (dim.values.len(), pdim.values.len());
                let j = Joint {
                    pd,
                    now: vec![(0, 0); g_n],
                    then: vec![(0, 0); h_n],
                    both: vec![(0, 0); g_n * h_n],
                    linked: false,
                };
                Some((j, dim, pdim))
            })
            .collect();
        let mut linked = false;
        for (k, &i) in scope.members.iter().enumerate() {
            let v = valid(k);
            let there = p.link[i as usize];
            let s = if there == u32::MAX { 0 } else { p.state[there as usize] };
            linked |= there != u32::MAX;
            // Counted in responses (see `whole_change`).
            let w = pop.weight(i as usize);
            let both = if s > 0 { w.min(p.pop.weight(there as usize)) } else { 0 };
            for (j, dim, pdim) in out.iter_mut().flatten() {
                let g = dim.of[i as usize] as usize;
                j.now[g].0 += w;
                j.now[g].1 += w * usize::from(v);
                if s > 0 {
                    let h_n = pdim.values.len();
                    let b = &mut j.both[g * h_n + pdim.of[there as usize] as usize];
                    b.0 += both;
                    b.1 += both * usize::from(s == 2 && v);
                }
            }
        }
        for (i, &s) in p.state.iter().enumerate() {
            if s > 0 {
                let w = p.pop.weight(i);
                for (j, _, pdim) in out.iter_mut().flatten() {
                    let t = &mut j.then[pdim.of[i] as usize];
                    t.0 += w;
                    t.1 += w * usize::from(s == 2);
                }
            }
        }
        out.into_iter()
            .map(|x| {
                x.map(|(mut j, _, _)| {
                    j.linked = linked;
                    j
                })
            })
            .collect()
    }
}

/// Rule 3 for segment `d` against one earlier round (`joint`: the scope's people counted
/// against it). What a reader can compute in a round from one segment's figures is any union
/// of its shown groups and of the remainder (the hidden groups together). The sets computable
/// in both rounds are the unions of the blocks of the two rounds' partitions joined; each
/// block must have changed by 0 or at least `min` people (then so does every union). While one
/// changed by fewer, one more group of this round is hidden: the smallest whose hiding leaves
/// no such block, else the one that leaves fewest. Returns false when a block still changed by
/// fewer with every group of this round hidden: the remainder is then the whole round, whose
/// figure the caller must withhold (the earlier round's figures are published already).
pub(super) fn across_rounds(
    dims: &[Dim],
    d: usize,
    groups: &mut [Vec<Cell>],
    p: &Prev,
    joint: &Joint,
    min: usize,
) -> bool {
    let dim = &dims[d];
    let pd = joint.pd;
    let pdim = &p.pop.dims[pd];
    let h_n = pdim.values.len();
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
        for (g, &(n, nv)) in joint.now.iter().enumerate() {
            let b = block[now_label[g]];
            t[b].now += n;
            t[b].now_valid += nv;
            for (h, &(both, both_valid)) in joint.both[g * h_n..(g + 1) * h_n].iter().enumerate() {
                if both > 0 && block[then_label[h]] == b {
                    t[b].both += both;
                    t[b].both_valid += both_valid;
                }
            }
        }
        for (h, &(n, nv)) in joint.then.iter().enumerate() {
            let b = block[then_label[h]];
            t[b].then += n;
            t[b].then_valid += nv;
        }
        (0..nl).filter(|&b| block[b] == b && risky(&t[b].change(joint.linked), min)).count()
    };
    loop {
        let shown: Vec<bool> = groups[d].iter().map(|c| *c == Cell::Shown).collect();
        let now = assess(&shown);
        if now == 0 {
            return true;
        }
        let mut candidates: Vec<usize> = (0..dim.values.len()).filter(|&g| shown[g]).collect();
        if candidates.is_empty() {
            // Nothing of this round is shown in this segment, yet the remainder (the whole
            // round) set against a set of the earlier round changed by a few people.
            return false;
        }
        candidates.sort_by_cached_key(|&g| (joint.now[g].0, dim.values[g].clone()));
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
