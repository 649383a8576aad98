//! Interning answer cells: per column, the distinct labels in first-seen order and one code per
//! respondent, cells borrowed from the record buffers (only distinct labels are copied).

use std::collections::HashMap;

use super::NONE;
use crate::ingest::grid::Row;
use crate::ingest::layout::ColumnSpec;

/// A column's distinct labels and one code per respondent.
pub(super) type Coded = (Vec<String>, Vec<u32>);

/// Interns a column's cells; returns (distinct labels, codes), excluded answers coded too.
/// Cells stay borrowed from the record buffers; only distinct labels are copied.
pub(super) fn intern(c: &ColumnSpec, data: &[Row]) -> Coded {
    let mut it = Interner { codes: Vec::with_capacity(data.len()), ..Interner::default() };
    for r in data {
        it.push(trim(&r.cells[c.index]));
    }
    (it.labels.into_iter().map(str::to_string).collect(), it.codes)
}

/// One column's interning state over a run of rows: distinct labels in first-seen order and
/// one code per row. A short list scanned in order comes before the hash map: survey columns
/// have few distinct answers.
#[derive(Default)]
struct Interner<'a> {
    labels: Vec<&'a str>,
    map: HashMap<&'a str, u32>,
    codes: Vec<u32>,
}

impl<'a> Interner<'a> {
    const SHORT: usize = 16;

    #[inline]
    fn push(&mut self, v: &'a str) {
        let code = if v.is_empty() {
            NONE
        } else if let Some(k) = self.labels.iter().take(Self::SHORT).position(|&l| l == v) {
            k as u32
        } else if self.labels.len() < Self::SHORT {
            self.labels.push(v);
            (self.labels.len() - 1) as u32
        } else {
            let next = self.labels.len() as u32;
            let k = *self.map.entry(v).or_insert(next);
            if k == next {
                self.labels.push(v);
            }
            k
        };
        self.codes.push(code);
    }
}

/// Interns every coded question column at once: the rows are cut into runs interned in
/// parallel, each row read once, front to back (a row's cells share one buffer, so a pass
/// per column would fetch every row's buffer once per column); then each column's runs are
/// merged in order (parallel over columns), which keeps labels in first-seen order.
pub(super) fn intern_all(columns: &[&ColumnSpec], data: &[Row]) -> HashMap<usize, Coded> {
    use rayon::prelude::*;
    let cols: Vec<usize> = columns.iter().filter(|c| !c.text_hint).map(|c| c.index).collect();
    if cols.is_empty() {
        return HashMap::new();
    }
    let width = cols.iter().max().map_or(0, |m| m + 1);
    let mut slot: Vec<Option<usize>> = vec![None; width];
    for (k, &i) in cols.iter().enumerate() {
        slot[i] = Some(k);
    }
    let run = (data.len() / (rayon::current_num_threads() * 4).max(1)).max(4096);
    let runs: Vec<Vec<Interner>> = data
        .par_chunks(run)
        .map(|rows| {
            let mut cs: Vec<Interner> = (0..cols.len())
                .map(|_| Interner { codes: Vec::with_capacity(rows.len()), ..Interner::default() })
                .collect();
            for r in rows {
                for (i, cell) in r.cells.iter().take(width).enumerate() {
                    if let Some(k) = slot[i] {
                        cs[k].push(trim(cell));
                    }
                }
            }
            cs
        })
        .collect();
    // Per column, the runs' interners (moved out, so columns merge in parallel).
    let mut per_col: Vec<Vec<Interner>> = (0..cols.len()).map(|_| Vec::new()).collect();
    for run in runs {
        for (k, it) in run.into_iter().enumerate() {
            per_col[k].push(it);
        }
    }
    per_col
        .into_par_iter()
        .zip(cols.par_iter())
        .map(|(runs, &index)| (index, merge_runs(runs, data.len())))
        .collect()
}

/// One column's runs to (labels in first-seen order, codes).
fn merge_runs(runs: Vec<Interner>, rows: usize) -> Coded {
    let mut all = Interner::default();
    let mut codes: Vec<u32> = Vec::with_capacity(rows);
    for run in runs {
        // Each run label's code in the merged labels (the run's first-seen order holds within
        // the run, and runs come in row order).
        let remap: Vec<u32> = run
            .labels
            .iter()
            .map(|&l| {
                all.codes.clear();
                all.push(l);
                all.codes[0]
            })
            .collect();
        codes.extend(run.codes.iter().map(|&k| if k == NONE { NONE } else { remap[k as usize] }));
    }
    (all.labels.into_iter().map(str::to_string).collect(), codes)
}

/// `str::trim`, with a shortcut for the usual cell (blank, or starting and ending with a
/// visible ASCII character, which trimming leaves as it is): most cells never decode a char.
#[inline]
fn trim(cell: &str) -> &str {
    match cell.as_bytes() {
        [] => cell,
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        [only] if only.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}
