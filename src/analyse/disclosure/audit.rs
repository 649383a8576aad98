//! The differencing audit: which sets of people can a reader compute exact aggregates for,
//! given the aggregates pulse publishes?
//!
//! Every figure pulse prints (counts, sums behind means, option counts) is a sum over the
//! people behind it, so a reader holding the figures of sets P1..Pm can compute the same
//! figure for any set whose indicator vector is a linear combination of theirs (total − shown
//! teams, a team − a role, ...). People are merged into *cells* (people who belong to exactly
//! the same published sets cannot be told apart), and the audit asks two questions of the
//! span of the published sets' cell vectors:
//! - is there a 0/1 vector in it whose people number between 1 and `min − 1` (a small set that
//!   can be isolated)?
//! - is any protected set (a group hidden for another reason) in it?
//!
//! The first question is answered exactly: in reduced row-echelon form with the columns
//! ordered by cell size (largest first), a 0/1 vector of the span is the sum of the basis rows
//! of the pivots where it is 1, so a small one only uses pivots of small cells whose sizes
//! add up to less than `min`, a short search.

/// Tolerance of the elimination (the matrices hold small integers and sums of them).
const EPS: f64 = 1e-7;

/// The row-reduced span of a family of vectors over the cells.
pub struct Span {
    rows: Vec<Vec<f64>>,
    pivots: Vec<usize>,
}

impl Span {
    /// Row-reduces `vectors` (each of length `cells`), choosing pivots left to right.
    pub fn new(vectors: &[Vec<f64>], cells: usize) -> Span {
        let mut rows: Vec<Vec<f64>> = vectors.to_vec();
        let mut pivots = Vec::new();
        let mut r = 0;
        for c in 0..cells {
            if r == rows.len() {
                break;
            }
            // Partial pivoting: the largest entry of the column among the rows left.
            let Some(best) = (r..rows.len())
                .filter(|&i| rows[i][c].abs() > EPS)
                .max_by(|&a, &b| rows[a][c].abs().total_cmp(&rows[b][c].abs()))
            else {
                continue;
            };
            rows.swap(r, best);
            let p = rows[r][c];
            for x in &mut rows[r] {
                *x /= p;
            }
            let pivot_row = rows[r].clone();
            for (i, row) in rows.iter_mut().enumerate() {
                if i != r && row[c].abs() > EPS {
                    let f = row[c];
                    for (x, y) in row.iter_mut().zip(&pivot_row) {
                        *x -= f * y;
                    }
                }
            }
            pivots.push(c);
            r += 1;
        }
        rows.truncate(r);
        Span { rows, pivots }
    }

    /// True when `v` is a linear combination of the vectors.
    pub fn contains(&self, v: &[f64]) -> bool {
        let mut v = v.to_vec();
        for (row, &p) in self.rows.iter().zip(&self.pivots) {
            let f = v[p];
            if f.abs() > EPS {
                for (x, y) in v.iter_mut().zip(row) {
                    *x -= f * y;
                }
            }
        }
        v.iter().all(|x| x.abs() < 1e-6)
    }

    /// A 0/1 vector of the span whose weight (sum of `size` over its cells) is between 1 and
    /// `min − 1`, if any. `size` must be sorted descending (the column order of the span).
    /// Pivots of weight 0 are left out of the search (they cannot change a weight; a set
    /// that needs one of them to be a 0/1 vector is not found).
    pub fn small_set(&self, size: &[usize], min: usize) -> Option<Vec<bool>> {
        // Pivots of small cells, as (row index, size).
        let small: Vec<(usize, usize)> = self
            .pivots
            .iter()
            .enumerate()
            .filter(|(_, p)| size[**p] > 0 && size[**p] < min)
            .map(|(i, p)| (i, size[*p]))
            .collect();
        let mut chosen = Vec::new();
        self.search(&small, 0, 0, min, size, &mut chosen)
    }

    fn search(
        &self,
        small: &[(usize, usize)],
        from: usize,
        weight: usize,
        min: usize,
        size: &[usize],
        chosen: &mut Vec<usize>,
    ) -> Option<Vec<bool>> {
        for k in from..small.len() {
            let (row, s) = small[k];
            if weight + s >= min {
                continue;
            }
            chosen.push(row);
            if let Some(set) = self.zero_one(chosen, size, min) {
                return Some(set);
            }
            if let Some(set) = self.search(small, k + 1, weight + s, min, size, chosen) {
                return Some(set);
            }
            chosen.pop();
        }
        None
    }

    /// The sum of the chosen basis rows when it is a 0/1 vector of weight 1..min−1.
    fn zero_one(&self, chosen: &[usize], size: &[usize], min: usize) -> Option<Vec<bool>> {
        let cells = size.len();
        let mut set = vec![false; cells];
        let mut weight = 0;
        for (c, cell) in set.iter_mut().enumerate() {
            let x: f64 = chosen.iter().map(|&r| self.rows[r][c]).sum();
            if (x - 1.0).abs() < 1e-6 {
                *cell = true;
                weight += size[c];
            } else if x.abs() >= 1e-6 {
                return None;
            }
        }
        (weight > 0 && weight < min).then_some(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: &[u8]) -> Vec<f64> {
        x.iter().map(|&b| f64::from(b)).collect()
    }

    #[test]
    fn total_minus_the_other_groups_isolates_the_hidden_one() {
        // Cells: team A (20), team B (9), team C (3). Published: total, A, B.
        let size = [20, 9, 3];
        let s = Span::new(&[v(&[1, 1, 1]), v(&[1, 0, 0]), v(&[0, 1, 0])], 3);
        assert_eq!(s.small_set(&size, 5), Some(vec![false, false, true]));
        // Published: total and A only: B ∪ C (12 people) is derivable, nothing small.
        let s = Span::new(&[v(&[1, 1, 1]), v(&[1, 0, 0])], 3);
        assert_eq!(s.small_set(&size, 5), None);
        assert!(s.contains(&v(&[0, 1, 1])));
        assert!(!s.contains(&v(&[0, 1, 0])));
    }

    #[test]
    fn margins_of_a_full_two_way_table_do_not_give_a_cell() {
        // Cells (team, role): (A,dev)=10, (A,mgr)=2, (B,dev)=12, (B,mgr)=3, sorted by size.
        // Published: total, team A, team B, role dev, role mgr (mgr has 5: shown).
        let size = [12, 10, 3, 2]; // (B,dev), (A,dev), (B,mgr), (A,mgr)
        let total = v(&[1, 1, 1, 1]);
        let a = v(&[0, 1, 0, 1]);
        let b = v(&[1, 0, 1, 0]);
        let dev = v(&[1, 1, 0, 0]);
        let mgr = v(&[0, 0, 1, 1]);
        let s = Span::new(&[total, a, b, dev, mgr], 4);
        assert_eq!(s.small_set(&size, 5), None, "a 2x2 table's margins fix no cell");
    }

    #[test]
    fn a_role_equal_to_a_hidden_team_breaks_complementary_suppression() {
        // The attack: teams T3 (3, hidden), T6 (6, hidden as the complement), T20;
        // role R is exactly T6. Cells: T20 (20), T6 (6), T3 (3).
        let size = [20, 6, 3];
        let total = v(&[1, 1, 1]);
        let t20 = v(&[1, 0, 0]);
        let role = v(&[0, 1, 0]);
        let s = Span::new(&[total.clone(), t20.clone(), role], 3);
        assert_eq!(s.small_set(&size, 5), Some(vec![false, false, true]));
        let s = Span::new(&[total, t20], 3);
        assert_eq!(s.small_set(&size, 5), None);
    }

    #[test]
    fn a_small_set_found_through_two_published_differences() {
        // G1 = {a,b,c}, G2 = {b,c,d}, G3 = {d}: G1 − G2 + G3 = {a}, with a of size 2.
        // Cells a=2 (small), b=10, c=10, d=6 sorted: b, c, d, a.
        let size = [10, 10, 6, 2];
        let g1 = v(&[1, 1, 0, 1]);
        let g2 = v(&[1, 1, 1, 0]);
        let g3 = v(&[0, 0, 1, 0]);
        let s = Span::new(&[g1, g2, g3], 4);
        assert_eq!(s.small_set(&size, 5), Some(vec![false, false, false, true]));
    }
}
