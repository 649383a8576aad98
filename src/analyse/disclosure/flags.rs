//! Exclusions (`--exclude speeder,…`): figures without the respondents who carry some quality
//! flags, and why they cannot describe those respondents.
//!
//! **The attack.** A figure with an exclusion is the figure of a smaller set of people: a
//! group's people without the excluded flags. A reader who holds a team's figure with and
//! without `--exclude speeder` subtracts them and has the figure of the team's speeders; for a
//! team with one speeder, that person's answer. Every exclusion a user may ask for is one more
//! set, so over all of them a reader can compute every *part* of a group: its people with one
//! exact pattern of flags (by inclusion and exclusion over the 16 possible exclusions).
//!
//! **The rule.** The plan treats the parts as published figures. The round's people by flag
//! pattern are one more dimension of the population, and each segment's groups split by
//! pattern another ([`split`]), planned with the segments by rules 1–3 of [`super`]: a part
//! under the minimum is hidden, a part that sums with shown ones to a hidden part is hidden
//! (`parts_rule`, then the audit), a part that changed by a few people since an earlier
//! round is hidden. Parts are hidden before any segment group (within.rs tries them first), so
//! the figures without an exclusion are decided as before unless only hiding one of them
//! protects a part. A figure with an exclusion is published ([`RoundPlan::shows_excluding`])
//! when its group's is and either every part it leaves out or every part it keeps is
//! published (or empty): it is then a sum or a difference of published figures, and tells a
//! reader nothing the plan did not already allow.
//!
//! **Across rounds.** Every round gets the splits once any round has a flag
//! ([`split_rounds`]), so rule 3 compares a pattern's part with the same part of an earlier
//! round, and `across_exclusions` compares every figure a round publishes of a group (plain
//! or under any exclusion) with every one an earlier round published of it, whichever
//! patterns each is made of (a figure without this round's speeders against last round's plain
//! one). **Other figures.** A figure the plan does not plan one by one (a correlation's pairs,
//! a construct's complete cases, a theme's commenters) passes [`figure_ok`] on its own people.
//! **People.** An exclusion leaves out a person with every response (`store::read::excluded`),
//! and a person's pattern is the union of their responses' flags, so figures are sums over
//! whole people of the plan.

use super::rounds::{Joint, Prev, Tally, norm, risky};
use super::{Cell, Dim, DimKind, FlagSet, Population, RoundPlan};

/// Adds the splits by flags to every round when some round has a flagged respondent (then a
/// round without flags needs them too, see [`split`]); without any flag in the workspace no
/// exclusion changes a figure, and the plans are made without them.
pub fn split_rounds(pops: &mut [Population]) {
    if pops.iter().all(|p| p.flags.iter().all(|f| f.is_empty())) {
        return;
    }
    for p in pops {
        split(p);
    }
}

/// Appends the splits by quality flags ([`Population::flags`]) to `pop`. A round in
/// which nobody carries a flag gets them too (each group is its one part, "no flag"): a later
/// round's figure without its flagged people is then checked against this round's figure of
/// the same people (rule 3), which is what a reader compares it with.
pub fn split(pop: &mut Population) {
    let flags = &pop.flags;
    if flags.len() != pop.ids.len() {
        return;
    }
    let segments: Vec<usize> =
        (0..pop.dims.len()).filter(|&d| pop.dims[d].kind == DimKind::Segment).collect();
    // The round by pattern: one parent (the whole round, group 0).
    let whole = vec![0u32; flags.len()];
    let mut added = vec![parts_of("quality flags", &whole, None, flags, DimKind::Flags)];
    for d in segments {
        let seg = &pop.dims[d];
        let name = format!("{} by quality flags", seg.name);
        added.push(parts_of(&name, &seg.of, Some(&seg.values), flags, DimKind::SegmentFlags(d)));
    }
    pop.dims.extend(added);
}

/// The parts of a partition (`of`: group per respondent) by flag pattern, coded in order of
/// first appearance. The name has a character a column name cannot start with, so it never
/// matches a segment's across rounds.
fn parts_of(
    name: &str,
    of: &[u32],
    values: Option<&[String]>,
    flags: &[FlagSet],
    kind: DimKind,
) -> Dim {
    let mut index: std::collections::HashMap<(u32, FlagSet), u32> = Default::default();
    let mut dim = Dim { name: format!("\u{1}{name}"), kind, ..Dim::default() };
    for (&g, &f) in of.iter().zip(flags) {
        let code = *index.entry((g, f)).or_insert_with(|| {
            let label = match values {
                Some(v) => format!("{} · {f}", v[g as usize]),
                None => f.to_string(),
            };
            dim.values.push(label);
            dim.parts.push((g, f));
            dim.values.len() as u32 - 1
        });
        dim.of.push(code);
    }
    dim
}

/// The group of the dimension a split splits (the whole round for [`DimKind::Flags`]) is shown.
fn parent_shown(dims: &[Dim], groups: &[Vec<Cell>], d: usize, parent: u32) -> bool {
    match dims[d].kind {
        DimKind::Flags => true, // the whole round: a scope whose total is hidden is not audited
        DimKind::SegmentFlags(s) => groups[s][parent as usize] == Cell::Shown,
        DimKind::Segment => true,
    }
}

/// Rule 1 for the parts, beyond each part's own size: a part of a hidden group is hidden (its
/// parts would add up to the group), and the hidden parts of a shown group (the group minus its
/// shown parts) add up to 0 or at least `min` people and valid answers; while they do not, the
/// smallest shown part of the group is hidden too. The audit would find the same, one hidden
/// part at a time; this does it in one pass per group. `members`/`counted`: people and valid
/// answers per dimension and group.
pub(super) fn parts_rule(
    dims: &[Dim],
    members: &[Vec<usize>],
    counted: &[Vec<usize>],
    groups: &mut [Vec<Cell>],
    min: usize,
) {
    for d in 0..dims.len() {
        if dims[d].kind == DimKind::Segment {
            continue;
        }
        let mut by_parent: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
        for (g, &(parent, _)) in dims[d].parts.iter().enumerate() {
            by_parent.entry(parent).or_default().push(g);
        }
        for (parent, parts) in by_parent {
            if !parent_shown(dims, groups, d, parent) {
                for &g in &parts {
                    if groups[d][g] == Cell::Shown {
                        groups[d][g] = Cell::Secondary;
                    }
                }
                continue;
            }
            loop {
                let hidden = |count: &[usize]| -> usize {
                    parts.iter().filter(|&&g| groups[d][g] != Cell::Shown).map(|&g| count[g]).sum()
                };
                let (h, hv) = (hidden(&members[d]), hidden(&counted[d]));
                if (h == 0 || h >= min) && (hv == 0 || hv >= min) {
                    break;
                }
                let next = parts
                    .iter()
                    .copied()
                    .filter(|&g| groups[d][g] == Cell::Shown)
                    .min_by_key(|&g| (members[d][g], g));
                match next {
                    Some(g) => groups[d][g] = Cell::Secondary,
                    None => break,
                }
            }
        }
    }
}

impl RoundPlan {
    /// True when the figures of `group` of `segment` in `scope` (of the whole round without a
    /// segment) may be published without the respondents who carry a flag of `exclude`.
    pub fn shows_excluding(
        &self,
        scope: &str,
        segment: Option<&str>,
        group: &str,
        exclude: FlagSet,
    ) -> bool {
        if !self.shows_in(scope, segment, group) {
            return false;
        }
        if exclude.is_empty() {
            return true;
        }
        let Some(s) = self.scopes.get(scope) else { return false };
        // The split of the figure's set by pattern, and the set's group there.
        let (kind, parent) = match segment {
            None => (DimKind::Flags, 0),
            Some(seg) => {
                let Some(d) = self.segment(seg) else { return false };
                let Some(g) = self.values[d].iter().position(|v| v == group) else {
                    return false;
                };
                (DimKind::SegmentFlags(d), g as u32)
            }
        };
        let Some(d) = self.kinds.iter().position(|k| *k == kind) else {
            // No split: no round of the workspace has a flagged respondent
            // ([`split_rounds`]), and no exclusion changes a figure.
            return true;
        };
        let parts = self.parts[d].iter().zip(&s.groups[d]).filter(|((p, _), _)| *p == parent);
        publishable(parts.map(|(&(_, f), &c)| (FlagSet(f), open(c))), exclude)
    }
}

/// A part's figures are published, or it has nobody.
fn open(c: Cell) -> bool {
    matches!(c, Cell::Shown | Cell::Empty)
}

/// The rule for a figure with an exclusion, over its group's parts as (flag pattern, open):
/// every part the exclusion leaves out is open, or every part it keeps is.
fn publishable(parts: impl IntoIterator<Item = (FlagSet, bool)>, exclude: FlagSet) -> bool {
    let (mut dropped, mut kept) = (true, true);
    for (f, o) in parts {
        if f.meets(exclude) {
            dropped &= o;
        } else {
            kept &= o;
        }
    }
    dropped || kept
}

/// The figures a round publishes of one group's parts (`parts`: indices into the split's
/// groups, at most 32), as bit sets over `parts`: the group itself (every part) when `parent` is
/// shown, and its kept parts under each exclusion the cells allow (what
/// [`RoundPlan::shows_excluding`] decides).
fn published_sets(parts: &[usize], flags: &[FlagSet], cells: &[Cell], parent: bool) -> Vec<u32> {
    if !parent {
        return Vec::new();
    }
    let mut out: Vec<u32> = Vec::new();
    for x in 0..16u8 {
        let ex = FlagSet(x);
        let shown = publishable(flags.iter().zip(parts).map(|(&f, &v)| (f, open(cells[v]))), ex);
        let kept = (0..flags.len()).filter(|&k| !flags[k].meets(ex)).fold(0u32, |m, k| m | 1 << k);
        if shown && !out.contains(&kept) {
            out.push(kept);
        }
    }
    out
}

/// Rule 3 for the figures with an exclusion, against one earlier round: a group's published
/// figure here (plain, or without the people of an exclusion) and its published figure there
/// (plain or under any exclusion) may not differ by 1..min−1 people, whichever patterns they
/// are made of, so a figure without this round's speeders is checked against last round's
/// plain figure even when the speeders of last round are not this round's. (The label-by-label
/// check of [`super::rounds::across_rounds`] compares a pattern only with itself.) While two
/// differ by a few, the smallest open part of the figure here is marked changed; when the
/// figure here is the group itself, the group is (the segment's cell). Returns false when the
/// whole round would have to be withheld (the round's own figure against an earlier one).
pub(super) fn across_exclusions(
    dims: &[Dim],
    d: usize,
    groups: &mut [Vec<Cell>],
    p: &Prev,
    joint: &Joint,
    min: usize,
) -> bool {
    let dim = &dims[d];
    let pdim = &p.pop.dims[joint.pd];
    let parent_label = |dims: &[Dim], dim: &Dim, parent: u32| -> String {
        match dim.kind {
            DimKind::SegmentFlags(s) => norm(&dims[s].values[parent as usize]),
            _ => String::new(),
        }
    };
    let h_n = pdim.values.len();
    // Parts per parent label, here and there.
    let mut here: std::collections::BTreeMap<String, (u32, Vec<usize>)> = Default::default();
    for (v, &(parent, _)) in dim.parts.iter().enumerate() {
        here.entry(parent_label(dims, dim, parent)).or_insert((parent, Vec::new())).1.push(v);
    }
    let mut there: std::collections::BTreeMap<String, (u32, Vec<usize>)> = Default::default();
    for (h, &(parent, _)) in pdim.parts.iter().enumerate() {
        there
            .entry(parent_label(&p.pop.dims, pdim, parent))
            .or_insert((parent, Vec::new()))
            .1
            .push(h);
    }
    for (label, (parent, vs)) in &here {
        let Some((pparent, hs)) = there.get(label) else { continue };
        if vs.len() > 32 || hs.len() > 32 {
            continue;
        }
        let parent_shown_there = match pdim.kind {
            DimKind::SegmentFlags(s) => {
                p.plan.groups.get(s).and_then(|g| g.get(*pparent as usize)) == Some(&Cell::Shown)
            }
            _ => p.plan.total,
        };
        let fl_here: Vec<FlagSet> = vs.iter().map(|&v| dim.parts[v].1).collect();
        let fl_there: Vec<FlagSet> = hs.iter().map(|&h| pdim.parts[h].1).collect();
        let then_cells: &[Cell] = &p.plan.groups[joint.pd];
        let sets_there = published_sets(hs, &fl_there, then_cells, parent_shown_there);
        loop {
            let sets_here =
                published_sets(vs, &fl_here, &groups[d], parent_shown(dims, groups, d, *parent));
            let mut offending: Option<u32> = None;
            'pairs: for &u in &sets_here {
                for &w in &sets_there {
                    let mut t = Tally::default();
                    let inside = |mask: u32, k: usize| mask & (1 << k) != 0;
                    for (_, &v) in vs.iter().enumerate().filter(|&(a, _)| inside(u, a)) {
                        t.now += joint.now[v].0;
                        t.now_valid += joint.now[v].1;
                        for (_, &h) in hs.iter().enumerate().filter(|&(b, _)| inside(w, b)) {
                            let both = joint.both[v * h_n + h];
                            t.both += both.0;
                            t.both_valid += both.1;
                        }
                    }
                    for (_, &h) in hs.iter().enumerate().filter(|&(b, _)| inside(w, b)) {
                        t.then += joint.then[h].0;
                        t.then_valid += joint.then[h].1;
                    }
                    if risky(&t.change(joint.linked), min) {
                        offending = Some(u);
                        break 'pairs;
                    }
                }
            }
            let Some(u) = offending else { break };
            let all = (1u32 << vs.len()) - 1;
            if u == all {
                // The group itself (or the whole round) against an earlier figure.
                match dim.kind {
                    DimKind::SegmentFlags(s) => groups[s][*parent as usize] = Cell::Changed,
                    _ => return false,
                }
                continue;
            }
            // Hide the smallest open part: the figure's kept and dropped sides both lose one
            // open part in at most two steps.
            let next = vs
                .iter()
                .copied()
                .filter(|&v| matches!(groups[d][v], Cell::Shown))
                .min_by_key(|&v| (joint.now[v].0, v));
            match next {
                Some(v) => groups[d][v] = Cell::Changed,
                None => break,
            }
        }
    }
    true
}

/// Rule 7 for a figure the plan does not plan one by one (the pairs of a correlation, a
/// construct's complete cases, a theme's commenters): `patterns` are the flags of the people
/// behind the figure without an exclusion. As for the plan's parts, the decision of which
/// patterns are open does not depend on the exclusion asked for: a pattern carried by fewer than
/// `min` of them is hidden, and while the hidden ones add up to fewer than `min` people the
/// smallest open one is hidden too. The figure is published under `exclude` when every pattern
/// it leaves out, or every pattern it keeps, is open (or carried by nobody): any two published
/// figures then differ by open patterns or by all the hidden ones, never by fewer than `min`.
pub fn figure_ok(
    patterns: impl IntoIterator<Item = FlagSet>,
    exclude: FlagSet,
    min: usize,
) -> bool {
    if exclude.is_empty() {
        return true;
    }
    let mut counts: std::collections::BTreeMap<FlagSet, usize> = Default::default();
    for f in patterns {
        *counts.entry(f).or_default() += 1;
    }
    // Which patterns are hidden: the rule for the rows of one table (`suppress_rows`).
    let (patterns, sizes): (Vec<FlagSet>, Vec<usize>) = counts.into_iter().unzip();
    let hidden = super::suppress_rows(&sizes, min);
    publishable(patterns.into_iter().zip(hidden).map(|(f, h)| (f, !h)), exclude)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_is_published_when_what_it_drops_or_what_it_keeps_is_never_small() {
        let f = |bits: &[u8]| bits.iter().map(|&b| FlagSet(b)).collect::<Vec<_>>();
        // 10 unflagged, 1 speeder: dropping the speeder is a difference of one; keeping the 10
        // while the speeder is the only one dropped is the same difference.
        let one = f(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        assert!(!figure_ok(one.clone(), FlagSet(2), 5));
        assert!(figure_ok(one.clone(), FlagSet(1), 5), "nobody is a duplicate: nothing dropped");
        assert!(figure_ok(one, FlagSet::NONE, 5));
        // 6 speeders: the difference is six people.
        let six = f(&[0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2]);
        assert!(figure_ok(six, FlagSet(2), 5));
        // 5 unflagged, 6 speeders, 1 duplicate: the duplicate is hidden, and so are the 5
        // unflagged (the smallest open pattern), so that the hidden ones are 6. Excluding
        // speeders drops an open pattern: published. Excluding both would keep the five alone,
        // one person away from the speeders-only figure: not published.
        let mixed = f(&[0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 1]);
        assert!(figure_ok(mixed.clone(), FlagSet(2), 5));
        assert!(!figure_ok(mixed.clone(), FlagSet(3), 5));
        // Brute force over every pair of exclusions: two published figures never differ by 1..4.
        for pats in [mixed, f(&[0, 0, 0, 0, 0, 0, 2, 2, 3, 1, 1, 1, 1, 1, 4, 8])] {
            let n_under = |x: u8| pats.iter().filter(|p| !p.meets(FlagSet(x))).count();
            for a in 0..16u8 {
                for b in 0..16u8 {
                    if figure_ok(pats.clone(), FlagSet(a), 5)
                        && figure_ok(pats.clone(), FlagSet(b), 5)
                    {
                        let d = n_under(a).abs_diff(n_under(b));
                        assert!(d == 0 || d >= 5, "{a} vs {b}: {d}");
                    }
                }
            }
        }
    }
}
