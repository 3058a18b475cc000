//! Phenotype-driven ranking of every annotated disease (or gene) against a
//! set of query terms, with an explanation per query term and an empirical
//! p-value.
//!
//! A ranking computes one similarity vector per query term over all HPO
//! terms (see [`Analytics::term_similarity_vector`]), then one pass over every
//! profile's terms gives both directions' best matches at once.
//!
//! Excluded terms lower the score of a profile annotated with them (or a
//! descendant): each one present multiplies the score by `1 - f/2`, `f` the
//! annotation's frequency (1 when not given). With `weight_by_frequency`,
//! each profile term's similarities are multiplied by its frequency, so rare
//! features count less.
//!
//! The p-value of a score is `(1 + b) / (1 + R)`, `b` the number of `R`
//! random profiles of the same size (drawn from the informative phenotype
//! terms with a fixed seed) that scored at least as well against the same
//! disease. The background is computed once per target, method, combination,
//! weighting and size, and kept for the release: on first use, or ahead of
//! it with [`Analytics::precompute_backgrounds`].

use super::{Analytics, Combine, Method, Profile};
use crate::graph::model::NodeId;
use crate::graph::KnowledgeGraph;
use rand::rngs::SmallRng;
use rand::seq::index::sample;
use rand::SeedableRng;
use std::sync::Arc;

/// Random profiles per background distribution.
pub const BACKGROUND_PROFILES: usize = 200;
/// Backgrounds are drawn for profiles of up to this size; larger queries use
/// this size's.
pub const BACKGROUND_MAX_SIZE: usize = 10;

/// What is ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Diseases,
    Genes,
}

/// One ranking.
#[derive(Debug, Clone)]
pub struct RankingRequest {
    pub target: Target,
    pub terms: Vec<NodeId>,
    pub excluded: Vec<NodeId>,
    pub method: Method,
    pub combine: Combine,
    pub weight_by_frequency: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct BackgroundKey {
    target: Target,
    method: Method,
    combine: Combine,
    weighted: bool,
    size: usize,
}

/// Per profile, the sorted scores of random profiles.
#[derive(Debug)]
pub struct Background {
    scores: Vec<Vec<f32>>,
}

impl Background {
    fn p_value(&self, profile: usize, score: f64) -> f64 {
        let s = &self.scores[profile];
        // Scores are kept as f32: compare with a hair of tolerance.
        let below = s.partition_point(|&b| f64::from(b) < score - 1e-6);
        (1 + s.len() - below) as f64 / (1 + s.len()) as f64
    }
}

/// A profile's place in a ranking.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    /// Index into [`Analytics::diseases`] or [`Analytics::genes`].
    pub profile: usize,
    pub score: f64,
}

/// Every profile, best first.
#[derive(Debug)]
pub struct Ranking {
    pub ranked: Vec<Ranked>,
    /// The query terms' similarity vectors, interleaved by term.
    sims: Vec<f64>,
    k: usize,
}

/// How one query term matched a profile.
#[derive(Debug, Clone, Copy)]
pub struct TermMatch {
    pub query: NodeId,
    /// The profile's best-matching term (none for an empty profile).
    pub matched: Option<NodeId>,
    /// Their most informative common ancestor.
    pub ancestor: Option<NodeId>,
    pub ancestor_ic: f64,
    pub similarity: f64,
}

impl RankingRequest {
    /// The query terms, each once, in node order.
    fn query_terms(&self) -> Vec<NodeId> {
        let mut terms = self.terms.clone();
        terms.sort_unstable();
        terms.dedup();
        terms
    }
}

impl Analytics {
    fn profiles_of(&self, t: Target) -> &[Profile] {
        match t {
            Target::Diseases => &self.diseases,
            Target::Genes => &self.genes,
        }
    }

    /// Scores every profile; the order is by score, then profile order.
    pub fn rank(&self, kg: &KnowledgeGraph, req: &RankingRequest) -> Ranking {
        let terms = req.query_terms();
        let k = terms.len();
        let n = self.ic.len();
        let mut sims = vec![0.0f64; n * k];
        for (qi, &q) in terms.iter().enumerate() {
            for (x, v) in self
                .term_similarity_vector(kg, q, req.method)
                .into_iter()
                .enumerate()
            {
                sims[x * k + qi] = v;
            }
        }
        let mut excluded = vec![false; if req.excluded.is_empty() { 0 } else { n }];
        let mut excluded_of: Vec<(u32, u32)> = Vec::new();
        for (ei, &e) in req.excluded.iter().enumerate() {
            for x in std::iter::once(e).chain(kg.descendants(e)) {
                excluded[x.index()] = true;
                excluded_of.push((x.index() as u32, ei as u32));
            }
        }
        excluded_of.sort_unstable();
        let profiles = self.profiles_of(req.target);
        let mut best = vec![0.0f64; k];
        let mut ranked: Vec<Ranked> = profiles
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (pt, pw) = self.span(p);
                let mut score = self.score(&sims, k, pt, pw, req, &mut best);
                if !excluded.is_empty() {
                    score *= exclusion_factor(&excluded, &excluded_of, pt, pw, req.excluded.len());
                }
                Ranked { profile: i, score }
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.profile.cmp(&b.profile)));
        Ranking { ranked, sims, k }
    }

    fn score(
        &self,
        sims: &[f64],
        k: usize,
        terms: &[u32],
        weights: &[f32],
        req: &RankingRequest,
        best: &mut [f64],
    ) -> f64 {
        best.iter_mut().for_each(|b| *b = 0.0);
        let mut cols = 0.0;
        for (&t, &w) in terms.iter().zip(weights) {
            let row = &sims[t as usize * k..t as usize * k + k];
            let mut col = 0.0f64;
            for (b, &v) in best.iter_mut().zip(row) {
                let v = if req.weight_by_frequency {
                    v * f64::from(w)
                } else {
                    v
                };
                *b = b.max(v);
                col = col.max(v);
            }
            cols += col;
        }
        req.combine.apply(best.iter().sum(), k, cols, terms.len())
    }

    /// How each query term matched one profile of a ranking.
    pub fn explain(
        &self,
        kg: &KnowledgeGraph,
        ranking: &Ranking,
        req: &RankingRequest,
        profile: usize,
    ) -> Vec<TermMatch> {
        let terms = req.query_terms();
        let p = &self.profiles_of(req.target)[profile];
        let (pt, _) = self.span(p);
        terms
            .iter()
            .enumerate()
            .map(|(qi, &q)| {
                // Ties: the query term itself, then the most informative.
                let q32 = q.index() as u32;
                let matched = pt
                    .iter()
                    .map(|&t| (t, ranking.sims[t as usize * ranking.k + qi]))
                    .max_by(|a, b| {
                        a.1.total_cmp(&b.1)
                            .then((a.0 == q32).cmp(&(b.0 == q32)))
                            .then(self.ic[a.0 as usize].total_cmp(&self.ic[b.0 as usize]))
                            .then(b.0.cmp(&a.0))
                    });
                let (matched, similarity) = match matched {
                    Some((t, s)) => (Some(NodeId::new(t as usize)), s),
                    None => (None, 0.0),
                };
                let ancestor = matched.and_then(|m| self.mica(kg, &[q, m]));
                TermMatch {
                    query: q,
                    matched,
                    ancestor,
                    ancestor_ic: ancestor.map_or(0.0, |a| self.ic(a)),
                    similarity,
                }
            })
            .collect()
    }

    /// The empirical p-value of each ranked profile's score (computing the
    /// background on first use for this kind of request).
    pub fn p_values(
        &self,
        kg: &KnowledgeGraph,
        req: &RankingRequest,
        ranked: &[Ranked],
    ) -> Vec<f64> {
        let terms = req.query_terms();
        let key = BackgroundKey {
            target: req.target,
            method: req.method,
            combine: req.combine,
            weighted: req.weight_by_frequency,
            size: terms.len().clamp(1, BACKGROUND_MAX_SIZE),
        };
        let bg = self.background(kg, key);
        ranked
            .iter()
            .map(|r| bg.p_value(r.profile, r.score))
            .collect()
    }

    /// Computes the background distributions of every profile size for one
    /// kind of request ahead of its first use (the server does this for
    /// the API's default ranking after start-up).
    pub fn precompute_backgrounds(
        &self,
        kg: &KnowledgeGraph,
        target: Target,
        method: Method,
        combine: Combine,
    ) {
        for size in 1..=BACKGROUND_MAX_SIZE {
            let key = BackgroundKey {
                target,
                method,
                combine,
                weighted: false,
                size,
            };
            self.background(kg, key);
        }
    }

    fn background(&self, kg: &KnowledgeGraph, key: BackgroundKey) -> Arc<Background> {
        if let Some(b) = self.backgrounds.lock().expect("not poisoned").get(&key) {
            return b.clone();
        }
        let profiles = self.profiles_of(key.target).len();
        let mut scores: Vec<Vec<f32>> = vec![Vec::with_capacity(BACKGROUND_PROFILES); profiles];
        let mut rng = SmallRng::seed_from_u64(0x5eed ^ key.size as u64);
        let size = key.size.min(self.informative.len());
        for _ in 0..BACKGROUND_PROFILES {
            let terms = sample(&mut rng, self.informative.len(), size)
                .into_iter()
                .map(|i| NodeId::new(self.informative[i] as usize))
                .collect();
            let req = RankingRequest {
                target: key.target,
                terms,
                excluded: Vec::new(),
                method: key.method,
                combine: key.combine,
                weight_by_frequency: key.weighted,
            };
            for r in self.rank(kg, &req).ranked {
                scores[r.profile].push(r.score as f32);
            }
        }
        for s in &mut scores {
            s.sort_by(f32::total_cmp);
        }
        let b = Arc::new(Background { scores });
        self.backgrounds
            .lock()
            .expect("not poisoned")
            .insert(key, b.clone());
        b
    }
}

/// `Π (1 - f/2)` over the excluded terms the profile has.
fn exclusion_factor(
    excluded: &[bool],
    excluded_of: &[(u32, u32)],
    terms: &[u32],
    weights: &[f32],
    count: usize,
) -> f64 {
    let mut worst = vec![0.0f32; count];
    for (&t, &w) in terms.iter().zip(weights) {
        if excluded[t as usize] {
            let from = excluded_of.partition_point(|x| x.0 < t);
            for &(x, e) in &excluded_of[from..] {
                if x != t {
                    break;
                }
                worst[e as usize] = worst[e as usize].max(w);
            }
        }
    }
    worst.iter().map(|&f| 1.0 - f64::from(f) / 2.0).product()
}
