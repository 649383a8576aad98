//! Plans checked against planted populations, and every "no small set can be computed" claim
//! checked by brute force (an independent search over sums and differences of the published
//! sets), not by the audit the plan itself uses.

use super::*;

/// A population from (pseudonym, [group per segment]) and the segments' names; every
/// respondent answers the one question "q" (and is in the round scope).
fn pop(round: &str, names: &[&str], people: &[(&str, &[&str])]) -> Population {
    let mut dims: Vec<Dim> =
        names.iter().map(|n| Dim { name: n.to_string(), ..Dim::default() }).collect();
    for (_, gs) in people {
        for (d, g) in gs.iter().enumerate() {
            let dim = &mut dims[d];
            let code = match dim.values.iter().position(|v| v == g) {
                Some(c) => c,
                None => {
                    dim.values.push(g.to_string());
                    dim.values.len() - 1
                }
            };
            dim.of.push(code as u32);
        }
    }
    let all: Vec<u32> = (0..people.len() as u32).collect();
    let mut scopes = BTreeMap::new();
    scopes.insert(ROUND.to_string(), Scope { members: all.clone(), counted: None });
    scopes.insert("q".to_string(), Scope { members: all, counted: None });
    Population {
        round: round.into(),
        ids: people.iter().map(|(id, _)| id.to_string()).collect(),
        dims,
        scopes,
    }
}

/// `n` people of the given groups, pseudonyms `prefix0..`.
fn many(prefix: &str, n: usize, groups: &[&'static str]) -> Vec<(String, Vec<&'static str>)> {
    (0..n).map(|i| (format!("{prefix}{i}"), groups.to_vec())).collect()
}

fn build(round: &str, names: &[&str], people: &[(String, Vec<&'static str>)]) -> Population {
    let p: Vec<(&str, &[&str])> = people.iter().map(|(a, b)| (a.as_str(), b.as_slice())).collect();
    pop(round, names, &p)
}

/// Brute force: every combination of the published sets (total and shown groups of scope
/// "q") with coefficients in -2..=2 that gives a 0/1 vector over people; returns the smallest
/// non-empty one's size. Independent of `audit`.
fn smallest_derivable(p: &Population, plan: &RoundPlan, protected: &[Vec<bool>]) -> (usize, bool) {
    let n = p.ids.len();
    let mut sets: Vec<Vec<i64>> = vec![vec![1; n]];
    for dim in &p.dims {
        for (g, v) in dim.values.iter().enumerate() {
            if plan.shows("q", &dim.name, v) {
                sets.push((0..n).map(|i| i64::from(dim.of[i] as usize == g)).collect());
            }
        }
    }
    let m = sets.len();
    assert!(m <= 9, "brute force is for small cases");
    let mut smallest = usize::MAX;
    let mut protected_hit = false;
    let mut coef = vec![-2i64; m];
    loop {
        let v: Vec<i64> = (0..n).map(|i| (0..m).map(|k| coef[k] * sets[k][i]).sum()).collect();
        if v.iter().all(|&x| x == 0 || x == 1) {
            let w = v.iter().filter(|&&x| x == 1).count();
            if w > 0 {
                smallest = smallest.min(w);
            }
            for pr in protected {
                if pr.iter().zip(&v).all(|(&a, &b)| i64::from(a) == b) {
                    protected_hit = true;
                }
            }
        }
        // Next combination.
        let mut k = 0;
        loop {
            if k == m {
                return (smallest, protected_hit);
            }
            coef[k] += 1;
            if coef[k] <= 2 {
                break;
            }
            coef[k] = -2;
            k += 1;
        }
    }
}

fn members(p: &Population, dim: usize, group: &str) -> Vec<bool> {
    let g = p.dims[dim].values.iter().position(|v| v == group).unwrap() as u32;
    p.dims[dim].of.iter().map(|&x| x == g).collect()
}

#[test]
fn one_small_team_hides_the_next_smallest_too() {
    let mut people = many("a", 20, &["big"]);
    people.extend(many("b", 12, &["mid"]));
    people.extend(many("c", 6, &["six"]));
    people.extend(many("d", 3, &["tiny"]));
    let p = build("r1", &["team"], &people);
    let plan = &plan_rounds(std::slice::from_ref(&p), 5)[0];
    assert_eq!(plan.cell("q", "team", "tiny"), Cell::Small);
    assert_eq!(plan.cell("q", "team", "six"), Cell::Secondary);
    assert!(plan.shows("q", "team", "big") && plan.shows("q", "team", "mid"));
    assert!(plan.shows_total("q"));
    assert!(smallest_derivable(&p, plan, &[]).0 >= 5);
}

#[test]
fn a_role_that_equals_the_complementary_team_is_hidden_or_the_team_set_is_kept_whole() {
    // The first attack: total − shown teams − the role made of the six-person team.
    let mut people = many("a", 20, &["big", "dev"]);
    people.extend(many("b", 12, &["mid", "dev"]));
    people.extend(many("c", 6, &["six", "lead"]));
    people.extend(many("d", 3, &["tiny", "dev"]));
    let p = build("r1", &["team", "role"], &people);
    let plan = &plan_rounds(std::slice::from_ref(&p), 5)[0];
    assert!(!plan.shows("q", "team", "tiny"));
    let (smallest, _) = smallest_derivable(&p, plan, &[]);
    assert!(smallest >= 5, "a set of {smallest} people can be computed");
    // Still useful: the big team is shown.
    assert!(plan.shows("q", "team", "big"));
}

#[test]
fn full_cross_tables_with_small_cells_hide_nothing_extra() {
    // Team × role with small cells in every team: margins do not fix a cell.
    let mut people = Vec::new();
    for (t, n) in [("a", 10), ("b", 11), ("c", 12)] {
        let team: &'static str = Box::leak(t.to_string().into_boxed_str());
        people.extend(many(&format!("{t}d"), n, &[team, "dev"]));
        people.extend(many(&format!("{t}m"), 2, &[team, "mgr"]));
    }
    let p = build("r1", &["team", "role"], &people);
    let plan = &plan_rounds(std::slice::from_ref(&p), 5)[0];
    for t in ["a", "b", "c"] {
        assert!(plan.shows("q", "team", t), "team {t}");
    }
    assert!(plan.shows("q", "role", "dev") && plan.shows("q", "role", "mgr"));
    assert!(smallest_derivable(&p, plan, &[]).0 >= 5);
}

/// Round 2 of a round: `target` gains one newcomer; every other team loses `churn` people and
/// gains as many new ones.
fn next_round(
    r1: &[(String, Vec<&'static str>)],
    target: &'static str,
    churn: usize,
) -> Vec<(String, Vec<&'static str>)> {
    let mut r2: Vec<(String, Vec<&'static str>)> = Vec::new();
    let mut dropped = BTreeMap::<&'static str, usize>::new();
    for (id, g) in r1 {
        let d = dropped.entry(g[0]).or_default();
        if g[0] != target && *d < churn {
            *d += 1;
            continue;
        }
        r2.push((id.clone(), g.clone()));
    }
    for (team, n) in dropped {
        r2.extend(many(&format!("new-{team}-"), n, &[team]));
    }
    r2.push(("newcomer".into(), vec![target]));
    r2
}

#[test]
fn a_team_that_grows_by_one_is_hidden_and_cannot_be_recomputed() {
    let r1: Vec<_> =
        [many("a", 5, &["five"]), many("b", 20, &["big"]), many("c", 15, &["other"])].concat();
    let r2 = next_round(&r1, "five", 3);
    let (p1, p2) = (build("r1", &["team"], &r1), build("r2", &["team"], &r2));
    let plans = plan_rounds(&[p1, p2.clone()], 5);
    assert!(plans[0].shows("q", "team", "five"), "5 people: shown in the first round");
    assert_eq!(plans[1].cell("q", "team", "five"), Cell::Changed);
    // Total − big − other would give it back: one more is hidden; big and other changed by 6
    // people each, so the remainder five ∪ other differs from round 1's union by 7.
    assert!(plans[1].shows("q", "team", "big"));
    assert!(!plans[1].shows("q", "team", "other"));
    let five = members(&p2, 0, "five");
    let (smallest, hit) = smallest_derivable(&p2, &plans[1], &[five]);
    assert!(!hit, "the changed team can be computed from the round's figures");
    assert!(smallest >= 5);
}

#[test]
fn a_team_that_grows_from_four_to_five_is_shown_once_it_has_five() {
    let r1: Vec<_> =
        [many("a", 4, &["four"]), many("b", 20, &["big"]), many("c", 15, &["other"])].concat();
    let r2 = next_round(&r1, "four", 3);
    let plans = plan_rounds(&[build("r1", &["team"], &r1), build("r2", &["team"], &r2)], 5);
    assert_eq!(plans[0].cell("q", "team", "four"), Cell::Small);
    assert!(plans[1].shows("q", "team", "four"), "never published alone before");
}

#[test]
fn a_remainder_that_changed_by_one_is_not_published_again() {
    // Round 1 hides four and other (its complement). Round 2 has four + a newcomer and other
    // unchanged: showing both would give round 1's remainder four ∪ other plus one person.
    let r1: Vec<_> =
        [many("a", 4, &["four"]), many("b", 20, &["big"]), many("c", 15, &["other"])].concat();
    let mut r2 = next_round(&r1, "four", 0);
    r2.extend(many("extra", 6, &["big"])); // the round as a whole changes by 7
    let plans = plan_rounds(&[build("r1", &["team"], &r1), build("r2", &["team"], &r2)], 5);
    assert!(!plans[0].shows("q", "team", "other"));
    let s = &plans[1];
    assert!(
        !(s.shows("q", "team", "four") && s.shows("q", "team", "other")),
        "{:?}",
        s.scopes["q"]
    );
}

#[test]
fn a_round_that_changed_by_one_person_publishes_nothing_of_the_question() {
    let r1: Vec<_> = [many("b", 20, &["big"]), many("c", 15, &["other"])].concat();
    let mut r2 = r1.clone();
    r2.push(("newcomer".into(), vec!["big"]));
    let plans = plan_rounds(&[build("r1", &["team"], &r1), build("r2", &["team"], &r2)], 5);
    assert!(plans[0].shows_total("q"));
    assert!(!plans[1].shows_total("q"), "round 2 − round 1 is the newcomer");
    assert!(!plans[1].shows("q", "team", "other"));
}

#[test]
fn pseudonyms_that_do_not_link_fall_back_to_counts() {
    let r1: Vec<_> =
        [many("a", 6, &["six"]), many("b", 20, &["big"]), many("c", 20, &["c"])].concat();
    let r2: Vec<_> =
        [many("x", 7, &["six"]), many("y", 26, &["big"]), many("z", 26, &["c"])].concat();
    let plans = plan_rounds(&[build("r1", &["team"], &r1), build("r2", &["team"], &r2)], 5);
    assert_eq!(plans[1].cell("q", "team", "six"), Cell::Changed, "6 -> 7 by count");
    // Total − the other two would give it back: exactly one of them is hidden as well.
    assert_eq!(
        plans[1].shows("q", "team", "big") as u8 + plans[1].shows("q", "team", "c") as u8,
        1
    );
}

#[test]
fn labels_match_across_rounds_as_a_reader_matches_them() {
    let r1: Vec<_> =
        [many("a", 6, &["six"]), many("b", 20, &["big"]), many("c", 20, &["c"])].concat();
    let mut r2: Vec<_> = [
        many("a", 6, &["Six "]),
        many("b", 20, &["big"]),
        many("n", 6, &["big"]),
        many("c", 20, &["c"]),
        many("m", 6, &["c"]),
    ]
    .concat();
    r2.push(("new".into(), vec!["Six "]));
    let plans = plan_rounds(&[build("r1", &["team"], &r1), build("r2", &["team"], &r2)], 5);
    assert!(!plans[1].shows("q", "team", "Six "), "\"Six \" is six with a newcomer");
}

#[test]
fn a_multi_select_group_needs_the_minimum_who_chose_something() {
    let people: Vec<_> =
        [many("a", 6, &["six"]), many("b", 20, &["big"]), many("c", 20, &["c"])].concat();
    let mut p = build("r1", &["team"], &people);
    // Of the six, only 2 chose an option; everyone else chose one.
    let counted: Vec<bool> = (0..p.ids.len()).map(|i| i >= 2).collect();
    p.scopes.get_mut("q").unwrap().counted = Some(counted);
    let plan = &plan_rounds(&[p], 5)[0];
    assert!(!plan.shows("q", "team", "six"));
}

#[test]
fn comments_are_quotable_only_when_every_group_is_shown() {
    let mut people = many("a", 20, &["big", "red"]);
    people.extend(many("b", 12, &["mid", "blue"]));
    people.extend(many("g", 12, &["mid", "green"]));
    people.extend(many("s", 3, &["mid", "squad3"]));
    let p = build("r1", &["team", "squad"], &people);
    let plan = &plan_rounds(std::slice::from_ref(&p), 5)[0];
    for (i, id) in p.ids.iter().enumerate() {
        // squad3 is small; blue (12, the next smallest squad) is hidden as its complement.
        assert_eq!(plan.quotable[i], !id.starts_with('s') && !id.starts_with('b'), "{id}");
    }
}

#[test]
fn plans_are_deterministic() {
    let mut people = many("a", 7, &["x", "dev"]);
    people.extend(many("b", 7, &["y", "dev"]));
    people.extend(many("c", 7, &["z", "mgr"]));
    people.extend(many("d", 2, &["w", "mgr"]));
    let p = build("r1", &["team", "role"], &people);
    let a = &plan_rounds(std::slice::from_ref(&p), 5)[0];
    let b = &plan_rounds(std::slice::from_ref(&p), 5)[0];
    assert_eq!(format!("{:?}", a.scopes), format!("{:?}", b.scopes));
    assert!(smallest_derivable(&p, a, &[]).0 >= 5);
}

#[test]
fn query_rows_hide_a_complement_when_one_is_dropped() {
    assert_eq!(suppress_rows(&[10, 3, 8, 20], 5), vec![false, true, true, false]);
    assert_eq!(suppress_rows(&[10, 3, 4, 20], 5), vec![false, true, true, false]);
    assert_eq!(suppress_rows(&[10, 9], 5), vec![false, false]);
    assert_eq!(suppress_rows(&[4], 5), vec![true]);
    assert_eq!(suppress_rows(&[1, 1, 30, 40], 5), vec![true, true, true, false]);
}
