//! Linking a new round's items to catalog questions, in this order:
//! 1. exact text (normalised) or a recorded alias;
//! 2. text similarity above [`LINK_THRESHOLD`] with at least two shared content words (half of
//!    the shorter text's), only between questions of the same kind and
//!    scale (TF-IDF cosine over content words, so shared stems like "How satisfied are you with"
//!    do not link different questions; or a near-identical spelling for typo fixes);
//! 3. otherwise a new question.
//!
//! A link by similarity records the new text as an alias and marks the round `wording_changed`;
//! a different number of scale points marks it `scale_changed`.

use std::collections::{HashMap, HashSet};

use super::words::{enough_overlap, similarity, slug, words};
use super::{Asked, Catalog, Question};
use crate::ingest::scales::{ScaleKind, normalise};
use crate::ingest::survey::{Item, ItemKind};

/// Minimum similarity for linking a reworded question.
pub const LINK_THRESHOLD: f64 = 0.5;

/// How an item was linked.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// Same text or a recorded alias.
    Exact,
    /// Reworded: linked by similarity (old text, score).
    Reworded {
        /// Text in the previous round.
        old: String,
        /// Similarity score.
        similarity: f64,
    },
    /// New question.
    New,
}

/// The result of linking one round.
#[derive(Debug, Clone)]
pub struct Linked {
    /// Per item (same order as the items): question ID and link kind.
    pub links: Vec<(String, Link)>,
    /// Questions of the previous round not in this one.
    pub dropped: Vec<String>,
    /// Items whose scale changed: (question ID, old scale, new scale).
    pub rescaled: Vec<(String, String, String)>,
}

fn family(kind: &str) -> &str {
    match kind {
        "likert" | "likelihood" => "scale",
        // A maturity question is a single-choice question the user mapped to levels.
        "maturity" => "single",
        k => k,
    }
}

impl Catalog {
    /// The latest round before `round` in which question `q` was asked.
    fn previous<'a>(q: &'a Question, round: &str) -> Option<&'a Asked> {
        q.rounds.range::<String, _>(..round.to_string()).next_back().map(|(_, a)| a)
    }

    /// A question the catalog knows as a multi-select stays one in a round where nobody happened
    /// to choose two options (the answers then look like single choice): its answers become
    /// sets, split against the catalog's options, so its trend does not break.
    fn keep_multi_selects(&self, items: &mut [Item]) {
        use crate::ingest::scales::is_excluded;
        use crate::ingest::survey::{Answers, NONE, split_joined};
        for it in items.iter_mut().filter(|it| it.kind == ItemKind::Single) {
            let t = normalise(&it.text);
            let Some(q) = self.questions.iter().find(|q| {
                q.kind == "multi"
                    && (normalise(&q.text) == t || q.aliases.iter().any(|a| normalise(a) == t))
            }) else {
                continue;
            };
            let Answers::Coded { labels, codes } = &it.answers else { continue };
            let mut options = q.options.clone();
            for l in labels.iter().filter(|l| !is_excluded(l)) {
                if !l.contains(',') && !l.contains(';') && !options.contains(l) {
                    options.push(l.clone());
                }
            }
            let sets: Vec<Vec<String>> = codes
                .iter()
                .map(|&k| {
                    let Some(l) = (k != NONE).then(|| &labels[k as usize]) else { return vec![] };
                    if is_excluded(l) {
                        vec![]
                    } else if l.contains(';') {
                        split_joined(l, ";", &options)
                    } else {
                        split_joined(l, ",", &options)
                    }
                })
                .collect();
            it.kind = ItemKind::Multi;
            it.options = options;
            it.answers = Answers::Sets(sets);
            it.why = "multi-select: the catalog knows this question as one".into();
        }
    }

    /// Links the items of `round` into the catalog, updating it.
    pub fn link(&mut self, round: &str, items: &mut [Item]) -> Linked {
        self.keep_multi_selects(items);
        let n = items.len();
        let mut links: Vec<Option<(usize, Link)>> = vec![None; n];
        let mut taken: HashSet<usize> = HashSet::new();
        // 1. Exact text or alias (same kind family).
        for (i, it) in items.iter().enumerate() {
            let t = normalise(&it.text);
            let hit = self.questions.iter().enumerate().find(|(qi, q)| {
                !taken.contains(qi)
                    && family(&q.kind) == family(it.kind.name())
                    && (normalise(&q.text) == t || q.aliases.iter().any(|a| normalise(a) == t))
            });
            if let Some((qi, _)) = hit {
                taken.insert(qi);
                links[i] = Some((qi, Link::Exact));
            }
        }
        // 2. Similarity, same kind and scale; best pairs first.
        let mut df: HashMap<String, usize> = HashMap::new();
        let docs: Vec<Vec<String>> = self
            .questions
            .iter()
            .map(|q| words(&q.text))
            .chain(items.iter().map(|it| words(&it.text)))
            .collect();
        for d in &docs {
            for w in d.iter().collect::<HashSet<_>>() {
                *df.entry(w.clone()).or_default() += 1;
            }
        }
        let mut pairs = Vec::new();
        for (i, it) in items.iter().enumerate().filter(|(i, _)| links[*i].is_none()) {
            let scale = item_scale(it);
            let iw = words(&it.text);
            for (qi, q) in self.questions.iter().enumerate().filter(|(qi, _)| !taken.contains(qi)) {
                if family(&q.kind) != family(it.kind.name()) || q.kind != it.kind.name() {
                    continue;
                }
                let qscale = ScaleKind::from_name(&q.scale);
                let same_scale = qscale.as_ref().map(ScaleKind::points)
                    == scale.as_ref().map(ScaleKind::points)
                    || qscale.as_ref().is_some_and(|s| fits(it, s));
                if !same_scale {
                    continue;
                }
                let score = match (&it.group, q.group.is_empty()) {
                    // Grid rows: the parent and the row must both match.
                    (Some(g), false) => {
                        let (qs, is) = (sub_of(&q.text, &q.group), sub_of(&it.text, g));
                        similarity(&q.group, g, &words(g), &df, docs.len()).min(similarity(
                            qs,
                            is,
                            &words(is),
                            &df,
                            docs.len(),
                        ))
                    }
                    (None, true) => similarity(&q.text, &it.text, &iw, &df, docs.len()),
                    _ => 0.0,
                };
                let typo =
                    strsim::normalized_levenshtein(&normalise(&q.text), &normalise(&it.text))
                        >= 0.9;
                if score >= LINK_THRESHOLD && (typo || enough_overlap(&iw, &words(&q.text))) {
                    pairs.push((score, i, qi));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (score, i, qi) in pairs {
            if links[i].is_none() && !taken.contains(&qi) {
                taken.insert(qi);
                let old = Self::previous(&self.questions[qi], round)
                    .map_or(self.questions[qi].text.clone(), |a| a.text.clone());
                links[i] = Some((
                    qi,
                    Link::Reworded { old, similarity: (score * 1000.0).round() / 1000.0 },
                ));
            }
        }
        // 3. New questions, and the catalog update.
        let mut used: HashSet<String> = self.questions.iter().map(|q| q.id.clone()).collect();
        let mut out = Vec::with_capacity(n);
        let mut rescaled = Vec::new();
        for (i, it) in items.iter_mut().enumerate() {
            let (qi, link) = match links[i].take() {
                Some(l) => l,
                None => {
                    let id = unique_id(&new_id(it), &mut used);
                    self.questions.push(Question {
                        id,
                        text: it.text.clone(),
                        kind: it.kind.name().to_string(),
                        scale: item_scale(it).map(|s| s.name()).unwrap_or_default(),
                        group: it.group.clone().unwrap_or_default(),
                        options: it.options.clone(),
                        ..Question::default()
                    });
                    (self.questions.len() - 1, Link::New)
                }
            };
            let q = &mut self.questions[qi];
            let prev = Self::previous(q, round).cloned();
            // Answers alone leave a scale open (nobody chose 6 or 7 on a 7-point item): when the
            // question's previous scale fits every answer, it is the same scale.
            if let (Some(p), ItemKind::Scale(_)) = (&prev, &it.kind)
                && let Some(ps) = ScaleKind::from_name(&p.scale)
                && fits(it, &ps)
            {
                it.kind = ItemKind::Scale(ps);
            }
            let scale = item_scale(it).map(|s| s.name()).unwrap_or_default();
            let wording_changed =
                prev.as_ref().is_some_and(|p| normalise(&p.text) != normalise(&it.text));
            let prev_scale = prev.as_ref().map(|p| p.scale.clone()).unwrap_or_default();
            // A labelled scale linked to a numeric one of the same size (or the reverse) keeps
            // the previous scale's name only if the answers fit it.
            let scale_changed = !prev_scale.is_empty()
                && !scale.is_empty()
                && ScaleKind::from_name(&prev_scale).map(|s| s.points())
                    != ScaleKind::from_name(&scale).map(|s| s.points());
            if scale_changed {
                rescaled.push((q.id.clone(), prev_scale.clone(), scale.clone()));
            }
            if !matches!(link, Link::New) && normalise(&q.text) != normalise(&it.text) {
                let old = std::mem::replace(&mut q.text, it.text.clone());
                if !q.aliases.iter().any(|a| normalise(a) == normalise(&old)) {
                    q.aliases.push(old);
                }
            }
            // The catalog text is the latest wording; the round's own text is kept per round.
            if round >= q.rounds.keys().next_back().map_or("", String::as_str) {
                q.scale.clone_from(&scale);
                q.text.clone_from(&it.text);
                q.aliases.retain(|a| normalise(a) != normalise(&it.text));
            }
            for o in &it.options {
                if !q.options.contains(o) {
                    q.options.push(o.clone());
                }
            }
            q.rounds.insert(
                round.to_string(),
                Asked {
                    stored_id: q.id.clone(),
                    text: it.text.clone(),
                    column: it.key.clone(),
                    position: it.position,
                    scale: scale.clone(),
                    wording_changed,
                    scale_changed,
                    similarity: match &link {
                        Link::Reworded { similarity, .. } => Some(*similarity),
                        _ => None,
                    },
                },
            );
            out.push((q.id.clone(), link));
        }
        let linked: HashSet<&str> = out.iter().map(|(id, _)| id.as_str()).collect();
        let dropped = self
            .questions
            .iter()
            .filter(|q| !linked.contains(q.id.as_str()))
            .filter(|q| {
                let prev_round = q
                    .rounds
                    .range::<String, _>(..round.to_string())
                    .next_back()
                    .map(|(r, _)| r.clone());
                let latest_prev = self.latest_round_before(round);
                prev_round.is_some() && prev_round == latest_prev
            })
            .map(|q| q.id.clone())
            .collect();
        Linked { links: out, dropped, rescaled }
    }

    /// The most recent round before `round` known to the catalog.
    pub fn latest_round_before(&self, round: &str) -> Option<String> {
        self.questions
            .iter()
            .flat_map(|q| q.rounds.keys())
            .filter(|r| r.as_str() < round)
            .max()
            .cloned()
    }
}

/// True when every valid answer of the item is a point on `scale`.
fn fits(it: &Item, scale: &ScaleKind) -> bool {
    match &it.answers {
        crate::ingest::survey::Answers::Coded { labels, .. } => {
            let valid: Vec<&String> =
                labels.iter().filter(|l| !crate::ingest::scales::is_excluded(l)).collect();
            scale.fits(&valid)
        }
        _ => false,
    }
}

fn item_scale(it: &Item) -> Option<ScaleKind> {
    match &it.kind {
        ItemKind::Scale(s) => Some(s.clone()),
        _ => None,
    }
}

/// The row part of a grid question's text (`Parent [Row]` -> `Row`).
fn sub_of<'a>(text: &'a str, group: &str) -> &'a str {
    text.strip_prefix(group)
        .map_or(text, |s| s.trim().trim_start_matches('[').trim_end_matches(']').trim())
}

fn new_id(it: &Item) -> String {
    match &it.group {
        Some(g) => {
            let sub = sub_of(&it.text, g);
            format!("{}_{}", slug(g, 2), slug(sub, 3))
        }
        None => slug(&it.text, 4),
    }
}

fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut id = base.to_string();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}_{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::scales::scale_by_name;
    use crate::ingest::survey::Answers;

    fn item(text: &str, scale: &str) -> Item {
        Item {
            key: text.into(),
            text: text.into(),
            group: None,
            kind: ItemKind::Scale(ScaleKind::from_name(scale).unwrap()),
            options: vec![],
            position: 1,
            answers: Answers::Coded { labels: vec![], codes: vec![] },
            why: String::new(),
            columns: vec![],
        }
    }

    #[test]
    fn links_exact_reworded_rescaled_new_and_dropped() {
        let mut c = Catalog::default();
        let mut r1 = vec![
            item("How satisfied are you with CI build speed?", "satisfaction5"),
            item("How satisfied are you with deployment speed?", "satisfaction5"),
            item("How easy is it to find the documentation you need?", "ease5"),
            item("I can get a new service to production without filing a ticket.", "agreement5"),
            item("How satisfied are you with the on-call load?", "satisfaction5"),
        ];
        let l1 = c.link("2026-Q1", &mut r1);
        assert!(l1.links.iter().all(|(_, l)| *l == Link::New));
        let ids: Vec<String> = l1.links.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(ids[0], "satisfied_ci_build_speed");

        let mut r2 = vec![
            item("I can get a new service to production without filing a ticket.", "agreement7"),
            item("How satisfied are you with CI build speed?", "satisfaction5"),
            item("How easy is it to find the right documentation for a task?", "ease5"),
            item("How satisfied are you with deployment speed?", "satisfaction5"),
            item("How satisfied are you with local development environments?", "satisfaction5"),
        ];
        let l2 = c.link("2026-Q2", &mut r2);
        assert_eq!(l2.links[1], (ids[0].clone(), Link::Exact));
        assert_eq!(l2.links[3], (ids[1].clone(), Link::Exact));
        match &l2.links[2] {
            (id, Link::Reworded { old, similarity }) => {
                assert_eq!(id, &ids[2]);
                assert!(old.contains("documentation you need"));
                assert!(*similarity >= LINK_THRESHOLD);
            }
            other => panic!("expected a reworded link, got {other:?}"),
        }
        assert_eq!(
            l2.links[0],
            (ids[3].clone(), Link::Exact),
            "exact text links even when rescaled"
        );
        assert_eq!(l2.rescaled, vec![(ids[3].clone(), "agreement5".into(), "agreement7".into())]);
        assert_eq!(l2.links[4].1, Link::New, "same stem, different subject: not linked");
        assert_eq!(l2.dropped, vec![ids[4].clone()]);
        let q = c.get(&ids[2]).unwrap();
        assert!(q.rounds["2026-Q2"].wording_changed);
        assert!(!q.rounds["2026-Q1"].wording_changed);
        assert_eq!(
            q.aliases,
            vec!["How easy is it to find the documentation you need?".to_string()]
        );
        assert!(c.get(&ids[3]).unwrap().rounds["2026-Q2"].scale_changed);
        assert!(scale_by_name("agreement7").is_some());
    }

    #[test]
    fn user_edits_are_respected() {
        let mut c = Catalog::default();
        let mut r1 = vec![item("Deploys are easy.", "agreement5")];
        c.link("2026-Q1", &mut r1);
        // The user renames the id and records an alias by hand.
        c.questions[0].id = "deploy_ease".into();
        c.questions[0].aliases.push("Shipping to production is painless.".into());
        let text = c.to_toml().unwrap();
        let mut c = Catalog::from_toml(&text).unwrap();
        let mut r2 = vec![item("Shipping to production is painless.", "agreement5")];
        let l = c.link("2026-Q2", &mut r2);
        assert_eq!(l.links[0].0, "deploy_ease");
        assert!(c.get("deploy_ease").unwrap().rounds["2026-Q2"].wording_changed);
    }

    #[test]
    fn linking_needs_shared_content_words_not_similarity_alone() {
        let mut c = Catalog::default();
        let mut a = vec![
            item("Age", "agreement5"),
            item("How satisfied are you with CI?", "satisfaction5"),
        ];
        c.link("r1", &mut a);
        // An unrelated header that happens to contain "age" is new, not "Age" reworded; a typo
        // fix still links.
        let mut b = vec![
            item("Age of the oldest page you maintain", "agreement5"),
            item("How satisified are you with CI?", "satisfaction5"),
        ];
        let l = c.link("r2", &mut b);
        assert_eq!(l.links[0].1, Link::New);
        assert!(matches!(l.links[1].1, Link::Reworded { .. }), "{:?}", l.links[1]);
    }

    fn coded(text: &str, labels: &[&str]) -> Item {
        let mut it = item(text, "agreement5");
        it.kind = ItemKind::Scale(crate::ingest::scales::detect_scale(labels, None).unwrap());
        it.answers = Answers::Coded {
            labels: labels.iter().map(|s| s.to_string()).collect(),
            codes: vec![0],
        };
        it
    }

    #[test]
    fn previous_scale_is_kept_when_the_answers_fit_it() {
        let mut c = Catalog::default();
        let mut r1 =
            vec![coded("Deploys are easy.", &["Somewhat agree", "Agree", "Strongly disagree"])];
        c.link("2026-Q1", &mut r1);
        assert_eq!(c.questions[0].scale, "agreement7");
        // Nobody chose a 7-point-only label this time: still the 7-point scale, not a change.
        let mut r2 = vec![coded("Deploys are easy.", &["Agree", "Strongly agree"])];
        let l = c.link("2026-Q2", &mut r2);
        assert!(l.rescaled.is_empty(), "{:?}", l.rescaled);
        assert_eq!(r2[0].kind, ItemKind::Scale(ScaleKind::from_name("agreement7").unwrap()));
        let mut r3 = vec![coded("Deploys are easy.", &["1", "4", "5"])];
        let l = c.link("2026-Q3", &mut r3);
        assert_eq!(l.rescaled.len(), 1, "numeric 1-5 answers are a real change from agreement7");
    }
}
