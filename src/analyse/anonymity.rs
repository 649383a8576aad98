//! Anonymity: groups smaller than the minimum size are suppressed everywhere, and one extra
//! group is suppressed when exactly one is, so a hidden group cannot be recovered as the total
//! minus the others (differencing).

/// Decides which groups of one breakdown to suppress. `sizes` are the groups' respondent
/// counts; returns a suppression flag per group.
pub fn suppress(sizes: &[usize], min: usize) -> Vec<bool> {
    let mut out: Vec<bool> = sizes.iter().map(|&n| n < min).collect();
    if out.iter().filter(|&&s| s).count() == 1 {
        // Exactly one hidden: hide the next smallest as well (if there is another group).
        if let Some((i, _)) =
            sizes.iter().enumerate().filter(|(i, _)| !out[*i]).min_by_key(|(_, n)| **n)
        {
            out[i] = true;
        }
    }
    out
}

/// A per-group change between two rounds is hidden when the group's size changed by fewer than
/// `min` (but did change): the difference would describe the few people who joined or left.
pub fn delta_hidden(n_from: usize, n_to: usize, min: usize) -> bool {
    let d = n_from.abs_diff(n_to);
    d > 0 && d < min
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_groups_and_differencing() {
        assert_eq!(
            suppress(&[10, 3, 8, 20], 5),
            vec![false, true, true, false],
            "one small -> next smallest too"
        );
        assert_eq!(
            suppress(&[10, 3, 4, 20], 5),
            vec![false, true, true, false],
            "two small: enough"
        );
        assert_eq!(suppress(&[10, 9], 5), vec![false, false]);
        assert_eq!(suppress(&[4], 5), vec![true]);
        assert_eq!(suppress(&[4, 30], 5), vec![true, true]);
    }

    #[test]
    fn deltas_across_rounds() {
        assert!(delta_hidden(20, 22, 5));
        assert!(!delta_hidden(20, 20, 5));
        assert!(!delta_hidden(20, 30, 5));
    }
}
