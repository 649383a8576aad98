//! Rule 2 of the plan: within a round, no set of 1..min−1 people can be computed from the
//! published figures (the audit in [`super::audit`]); secondary suppression until it holds.

use std::collections::HashMap;

use super::audit::Span;
use super::{Cell, Dim, DimKind};

/// Hides more groups until no small set and no `Changed` group can be computed: the audit runs
/// on the members behind each figure and on their valid answers.
pub(super) fn secondary(
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
        // Splits by quality flags first: a part is hidden before any segment group.
        let segment = |d: usize| dims[d].kind == DimKind::Segment;
        shown.sort_by(|a, b| {
            segment(a.1)
                .cmp(&segment(b.1))
                .then(a.0.cmp(&b.0))
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
