//! Phenotype-driven ranking of every annotated disease record (or gene)
//! against a patient's observed and excluded terms, with an explanation per
//! query term.
//!
//! Two kinds of scoring:
//! - [`Scoring::LikelihoodRatio`] (the default): the log10 of the composite
//!   likelihood ratio (see [`super::likelihood`]);
//! - [`Scoring::Similarity`]: a term similarity combined over both term
//!   sets. One similarity vector per query term over all HPO terms (see
//!   [`Analytics::term_similarity_vector`]), then one pass over every
//!   profile's terms gives both directions' best matches at once. With
//!   `weight_by_frequency`, the profile's direction (how well each of its
//!   terms is matched by the patient's) is a mean weighted by the terms'
//!   frequencies, centred on the profile's mean frequency, so that a disease
//!   is marked down less for a rare feature the patient lacks; an unstated
//!   frequency is neutral (see `neutral_weights`).
//!   Excluded terms multiply the score by their likelihood ratio (from the
//!   profile's frequencies) raised to [`super::Params::similarity_exclusion`].
//!
//! Ties break by [`TIE_BREAK`].

use super::{Analytics, Combine, Method, Profile, Sex, TermRatio};
use crate::graph::model::NodeId;
use crate::graph::KnowledgeGraph;

/// What is ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Diseases,
    Genes,
}

/// How profiles are scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scoring {
    /// The log10 of the composite likelihood ratio.
    LikelihoodRatio,
    /// A term similarity combined over both sets.
    Similarity { method: Method, combine: Combine },
}

/// The order among equal scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieBreak {
    /// By the profile's first annotation id, as text (`OMIM:...` before
    /// `ORPHA:...`).
    AnnotationId,
}

/// The rule ties break by: equal scores are ordered by the record's first
/// annotation id, as text.
pub const TIE_BREAK: TieBreak = TieBreak::AnnotationId;

/// One ranking.
#[derive(Debug, Clone)]
pub struct RankingRequest {
    pub target: Target,
    pub terms: Vec<NodeId>,
    pub excluded: Vec<NodeId>,
    pub scoring: Scoring,
    pub weight_by_frequency: bool,
    /// The patient's sex (likelihood-ratio scoring only).
    pub sex: Option<Sex>,
}

/// A profile's place in a ranking.
#[derive(Debug, Clone, Copy)]
pub struct Ranked {
    /// Index into [`Analytics::diseases`] or [`Analytics::genes`].
    pub profile: usize,
    pub score: f64,
    /// The part of the score the observed terms make (the score itself for
    /// similarity without excluded terms): what p-values are taken of.
    pub observed_score: f64,
}

/// Every profile, best first.
#[derive(Debug)]
pub struct Ranking {
    pub ranked: Vec<Ranked>,
    /// The query terms' similarity vectors, interleaved by term (similarity
    /// scoring only).
    sims: Vec<f64>,
    k: usize,
}

/// How one query term matched a profile.
#[derive(Debug, Clone, Copy)]
pub enum TermMatch {
    /// Under similarity scoring.
    Similarity {
        query: NodeId,
        /// The profile's best-matching term (none for an empty profile).
        matched: Option<NodeId>,
        /// Their most informative common ancestor.
        ancestor: Option<NodeId>,
        ancestor_ic: f64,
        /// The similarity the score used.
        similarity: f64,
        /// The matched term's weight in the profile's direction (1 without
        /// weighting).
        weight: f64,
    },
    /// Under likelihood-ratio scoring, or an excluded term under either.
    Ratio(TermRatio),
}

impl RankingRequest {
    /// The query terms, each once, in node order.
    pub fn query_terms(&self) -> Vec<NodeId> {
        sorted(&self.terms)
    }

    /// The excluded terms, each once, in node order, less any also
    /// observed.
    pub fn excluded_terms(&self) -> Vec<NodeId> {
        let q = self.query_terms();
        sorted(&self.excluded)
            .into_iter()
            .filter(|e| q.binary_search(e).is_err())
            .collect()
    }

    /// The query terms, then the excluded terms.
    pub fn all_terms(&self) -> Vec<NodeId> {
        let mut all = self.query_terms();
        all.extend(self.excluded_terms());
        all
    }
}

/// A key whose ascending order is the descending order of `x` (with
/// [`f64::total_cmp`]).
fn descending(x: f64) -> u64 {
    let b = x.to_bits();
    let ascending = if b >> 63 == 1 { !b } else { b | 1 << 63 };
    !ascending
}

fn sorted(t: &[NodeId]) -> Vec<NodeId> {
    let mut t = t.to_vec();
    t.sort_unstable();
    t.dedup();
    t
}

impl Analytics {
    pub(super) fn profiles_of(&self, t: Target) -> &[Profile] {
        match t {
            Target::Diseases => &self.diseases,
            Target::Genes => &self.genes,
        }
    }

    pub(super) fn tables_of(&self, t: Target) -> &super::LikelihoodTables {
        match t {
            Target::Diseases => &self.lr_diseases,
            Target::Genes => &self.lr_genes,
        }
    }

    fn order_of(&self, t: Target) -> &[u32] {
        match t {
            Target::Diseases => &self.disease_order,
            Target::Genes => &self.gene_order,
        }
    }

    /// Scores every profile; the order is by score, then [`TIE_BREAK`].
    pub fn rank(&self, kg: &KnowledgeGraph, req: &RankingRequest) -> Ranking {
        self.rank_with(kg, req, self.tables_of(req.target))
    }

    /// [`Analytics::rank`] with other likelihood tables (for studying the
    /// model's constants).
    pub fn rank_with(
        &self,
        kg: &KnowledgeGraph,
        req: &RankingRequest,
        tables: &super::LikelihoodTables,
    ) -> Ranking {
        let (ranked, sims, k) = match req.scoring {
            Scoring::LikelihoodRatio => (self.rank_lr(kg, req, tables), Vec::new(), 0),
            Scoring::Similarity { method, combine } => {
                self.rank_similarity(kg, req, method, combine, tables)
            }
        };
        let order = self.order_of(req.target);
        // By score, then the tie-break: one integer key per entry (score,
        // tie-break rank, position in `ranked`), sorted without a
        // comparator (three times as fast as comparing the floats and
        // looking up the order on ten thousand profiles).
        let mut keys: Vec<u128> = ranked
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (u128::from(descending(r.score)) << 64)
                    | (u128::from(order[r.profile]) << 32)
                    | i as u128
            })
            .collect();
        keys.sort_unstable();
        let ranked = keys
            .into_iter()
            .map(|key| ranked[(key as u32) as usize])
            .collect();
        Ranking { ranked, sims, k }
    }

    fn sex_table(&self, t: Target) -> &super::sex::SexTable {
        match t {
            Target::Diseases => &self.sex_diseases,
            Target::Genes => &self.sex_genes,
        }
    }

    /// One profile's likelihood ratio for the patient's sex (1 unless the
    /// patient is female).
    pub fn sex_ratio(&self, req: &RankingRequest, profile: usize) -> f64 {
        let params = self.tables_of(req.target).params();
        self.sex_table(req.target).ratio(profile, req.sex, &params)
    }

    /// The terms a request covers (each query term, its ancestors and its
    /// descendants), for [`Analytics::unstated_ratio`]: computed once per
    /// request, not once per entry.
    pub fn covered(&self, kg: &KnowledgeGraph, req: &RankingRequest) -> Vec<bool> {
        super::LikelihoodTables::covered(kg, self, &req.all_terms())
    }

    /// One profile's likelihood ratio for its unstated features (see
    /// [`super::Params::unstated`]), from the request's
    /// [`Analytics::covered`] terms.
    pub fn unstated_ratio(&self, req: &RankingRequest, covered: &[bool], profile: usize) -> f64 {
        self.tables_of(req.target)
            .unstated_ln(profile, covered)
            .exp()
    }

    fn rank_lr(
        &self,
        kg: &KnowledgeGraph,
        req: &RankingRequest,
        tables: &super::LikelihoodTables,
    ) -> Vec<Ranked> {
        let n = self.profiles_of(req.target).len();
        let mut acc = vec![0.0f64; n];
        let mut scratch = super::likelihood::Scratch::default();
        for q in req.query_terms() {
            tables.add_observed(kg, self, q, 1.0, &mut acc, &mut scratch);
        }
        let observed = acc.clone();
        let excluded = req.excluded_terms();
        for &e in &excluded {
            tables.add_excluded(kg, self, e, &mut acc, &mut scratch);
        }
        if tables.params().unstated > 0.0 {
            tables.add_unstated(&self.covered(kg, req), &mut acc);
        }
        if req.sex.is_some() {
            let sex = self.sex_table(req.target);
            let params = tables.params();
            for (i, acc) in acc.iter_mut().enumerate() {
                *acc += sex.ratio(i, req.sex, &params).ln();
            }
        }
        acc.iter()
            .zip(&observed)
            .enumerate()
            .map(|(i, (&s, &o))| Ranked {
                profile: i,
                score: s / std::f64::consts::LN_10,
                observed_score: o / std::f64::consts::LN_10,
            })
            .collect()
    }

    fn rank_similarity(
        &self,
        kg: &KnowledgeGraph,
        req: &RankingRequest,
        method: Method,
        combine: Combine,
        tables: &super::LikelihoodTables,
    ) -> (Vec<Ranked>, Vec<f64>, usize) {
        let terms = req.query_terms();
        let k = terms.len();
        let n = self.ic.len();
        let mut sims = vec![0.0f64; n * k];
        for (qi, &q) in terms.iter().enumerate() {
            for (x, v) in self
                .term_similarity_vector(kg, q, method)
                .into_iter()
                .enumerate()
            {
                sims[x * k + qi] = v;
            }
        }
        let profiles = self.profiles_of(req.target);
        let excluded = req.excluded_terms();
        let mut factor = vec![
            0.0f64;
            if excluded.is_empty() {
                0
            } else {
                profiles.len()
            }
        ];
        let mut scratch = super::likelihood::Scratch::default();
        for &e in &excluded {
            tables.add_excluded(kg, self, e, &mut factor, &mut scratch);
        }
        let mut best = vec![0.0f64; k];
        let ranked = profiles
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (pt, pw) = self.span(p);
                let s = self.score(
                    &sims,
                    k,
                    pt,
                    pw,
                    req.weight_by_frequency,
                    combine,
                    &mut best,
                );
                let score = match factor.get(i) {
                    Some(ln) => s * (ln * tables.params().similarity_exclusion).exp(),
                    None => s,
                };
                Ranked {
                    profile: i,
                    score,
                    observed_score: s,
                }
            })
            .collect();
        (ranked, sims, k)
    }

    #[allow(clippy::too_many_arguments)]
    fn score(
        &self,
        sims: &[f64],
        k: usize,
        terms: &[u32],
        weights: &[f32],
        weighted: bool,
        combine: Combine,
        best: &mut [f64],
    ) -> f64 {
        best.iter_mut().for_each(|b| *b = 0.0);
        let (mut cols, mut wsum) = (0.0, 0.0);
        for (&t, &w) in terms.iter().zip(weights) {
            let row = &sims[t as usize * k..t as usize * k + k];
            let mut col = 0.0f64;
            for (b, &v) in best.iter_mut().zip(row) {
                *b = b.max(v);
                col = col.max(v);
            }
            let w = if weighted { f64::from(w) } else { 1.0 };
            cols += col * w;
            wsum += w;
        }
        // The profile's direction as a (weighted) mean, rescaled to a sum.
        let cols = if wsum > 0.0 {
            cols / wsum * terms.len() as f64
        } else {
            0.0
        };
        combine.apply(best.iter().sum(), k, cols, terms.len())
    }

    /// How each query term (observed, then excluded) matched one profile of
    /// a ranking, by the scoring that ranked it.
    pub fn explain(
        &self,
        kg: &KnowledgeGraph,
        ranking: &Ranking,
        req: &RankingRequest,
        profile: usize,
    ) -> Vec<TermMatch> {
        let p = &self.profiles_of(req.target)[profile];
        let tables = self.tables_of(req.target);
        let excluded = req
            .excluded_terms()
            .into_iter()
            .map(|e| TermMatch::Ratio(tables.explain(kg, self, p, profile, e, true)));
        let observed: Vec<TermMatch> = match req.scoring {
            Scoring::LikelihoodRatio => req
                .query_terms()
                .into_iter()
                .map(|q| TermMatch::Ratio(tables.explain(kg, self, p, profile, q, false)))
                .collect(),
            Scoring::Similarity { .. } => self.explain_similarity(kg, ranking, req, p),
        };
        observed.into_iter().chain(excluded).collect()
    }

    fn explain_similarity(
        &self,
        kg: &KnowledgeGraph,
        ranking: &Ranking,
        req: &RankingRequest,
        p: &Profile,
    ) -> Vec<TermMatch> {
        let (pt, pw) = self.span(p);
        req.query_terms()
            .iter()
            .enumerate()
            .map(|(qi, &q)| {
                // Ties: the query term itself, then the most informative.
                let q32 = q.index() as u32;
                let matched = pt
                    .iter()
                    .zip(pw)
                    .map(|(&t, &w)| {
                        let w = if req.weight_by_frequency {
                            f64::from(w)
                        } else {
                            1.0
                        };
                        (t, ranking.sims[t as usize * ranking.k + qi], w)
                    })
                    .max_by(|a, b| {
                        a.1.total_cmp(&b.1)
                            .then((a.0 == q32).cmp(&(b.0 == q32)))
                            .then(self.ic[a.0 as usize].total_cmp(&self.ic[b.0 as usize]))
                            .then(b.0.cmp(&a.0))
                    });
                let (matched, similarity, weight) = match matched {
                    Some((t, s, w)) => (Some(NodeId::new(t as usize)), s, w),
                    None => (None, 0.0, 1.0),
                };
                let ancestor = matched.and_then(|m| self.mica(kg, &[q, m]));
                TermMatch::Similarity {
                    query: q,
                    matched,
                    ancestor,
                    ancestor_ic: ancestor.map_or(0.0, |a| self.ic(a)),
                    similarity,
                    weight,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::descending;

    #[test]
    fn the_sort_key_orders_scores_from_the_highest() {
        let xs = [
            f64::INFINITY,
            12.5,
            1.0,
            0.0,
            -0.0,
            -1e-300,
            -3.0,
            f64::NEG_INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(
                descending(w[0]) < descending(w[1]),
                "{} before {}",
                w[0],
                w[1]
            );
            assert_eq!(
                w[1].total_cmp(&w[0]),
                descending(w[0]).cmp(&descending(w[1]))
            );
        }
    }
}
