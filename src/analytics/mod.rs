//! Ontology-aware phenotype analytics: the information content of every HPO
//! term, term and term-set similarity, and phenotype-driven ranking of
//! diseases and genes.
//!
//! The definitions follow pyhpo 4.0 exactly (kind `omim`), so that scores
//! can be checked against an independent implementation
//! (`tests/fixtures/pyhpo/`, made by `scripts/pyhpo_fixtures.py`):
//! - the information content of a term is `-ln(n/N)`, where `n` is the
//!   number of OMIM diseases annotated (positively, any aspect) to the term or
//!   a descendant and `N` the number of OMIM diseases in `phenotype.hpoa`;
//!   0 where `n` is 0;
//! - the common ancestors of two terms include the terms themselves;
//! - Resnik is the highest IC among them; Lin is `2 r / (IC a + IC b)`;
//!   Jiang-Conrath is `1 / (IC a + IC b - 2 r + 1)` (1 for a term with
//!   itself, 0 when either IC is 0); graph IC is the IC summed over the
//!   common ancestors over the IC summed over both terms' strict ancestors
//!   (1 for a term with itself);
//! - set scores combine the best match of each term of either set:
//!   funSimAvg (the mean of both directions' means), funSimMax (the larger
//!   mean) and best-match average (BMA, all best matches averaged).
//!
//! Everything here is built once per release with the graph: the IC table,
//! each term's ancestor IC sum, the term sets of every annotated disease
//! record and gene, and the likelihood-ratio tables (see [`likelihood`]).
//!
//! A disease record ranks on the union of its annotation sets: every HPOA
//! set merged into it (OMIM, ORPHA, DECIPHER) and its Orphanet packet, so
//! that every disease whose page lists phenotypes can be ranked. A term
//! stated by several sets keeps the mean of the frequencies they state, and
//! which sets state it.

pub mod evaluation;
mod likelihood;
mod patient;
mod pvalue;
mod ranking;
mod sex;
mod similarity;

pub use likelihood::{LikelihoodTables, Params, TermRatio};
pub use patient::{IgnoreReason, Ignored, Patient, Redirected};
pub use pvalue::{MAX_SIZE, POOL, RANDOM_PROFILES};
pub use ranking::{
    Ranked, Ranking, RankingRequest, Scoring, Target, TermMatch, TieBreak, TIE_BREAK,
};
pub use sex::Sex;
pub use similarity::{Combine, Method};

use crate::curie::Curie;
use crate::graph::model::{AnnotationRow, Annotations, NodeId, Source};
use crate::graph::KnowledgeGraph;
use std::collections::HashMap;

/// A disease record or a gene, with its annotated terms.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The first annotation set's id: an HPOA disease id (`OMIM:...`,
    /// `ORPHA:...`, `DECIPHER:...`), or the gene's id.
    pub id: Curie,
    /// Every annotation set combined, with its source, in order of first row
    /// (at most 32; later sets are merged without being named).
    pub sets: Vec<(Curie, Source)>,
    /// The graph node it belongs to.
    pub node: NodeId,
    /// Into [`Analytics::terms`]: distinct terms, sorted.
    start: u32,
    end: u32,
}

/// A profile term's frequency when no source states one.
pub const UNKNOWN: f32 = -1.0;

/// The analytics tables of one release.
#[derive(Default)]
pub struct Analytics {
    /// Per phenotype node.
    ic: Vec<f64>,
    /// Per phenotype node: the IC summed over its strict ancestors.
    ancestor_ic: Vec<f64>,
    diseases: Vec<Profile>,
    genes: Vec<Profile>,
    terms: Vec<u32>,
    /// Per entry of `terms`: the mean frequency its sets state (0..=1), or
    /// [`UNKNOWN`].
    freqs: Vec<f32>,
    /// Per entry of `terms`: which of the profile's `sets` state it (bit i
    /// for set i).
    origins: Vec<u32>,
    /// Per entry of `terms`: the weight under `weightByFrequency`.
    weights: Vec<f32>,
    /// Per profile (diseases, then genes): its place in the order of ids,
    /// the last tie-break.
    disease_order: Vec<u32>,
    gene_order: Vec<u32>,
    /// Phenotype-branch terms with IC > 0: what random profiles draw from.
    informative: Vec<u32>,
    /// OMIM diseases in the annotation file (the IC's denominator).
    pub omim_diseases: usize,
    /// Whether each node is a phenotypic abnormality (under HP:0000118).
    in_branch: Vec<bool>,
    lr_diseases: LikelihoodTables,
    sex_diseases: sex::SexTable,
    sex_genes: sex::SexTable,
    lr_genes: LikelihoodTables,
    backgrounds: pvalue::Backgrounds,
}

impl std::fmt::Debug for Analytics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analytics")
            .field("diseases", &self.diseases.len())
            .field("genes", &self.genes.len())
            .finish_non_exhaustive()
    }
}

/// HP:0000118, the root of the phenotype branch.
pub const PHENOTYPIC_ABNORMALITY: &str = "HP:0000118";

impl Analytics {
    /// Digests of every table built from a release, by table: information
    /// content, the profiles' terms, their frequencies and weights, and the
    /// p-value backgrounds computed so far. Two builds from the same files
    /// give the same digests (a reload and a start-up are checked against
    /// each other this way).
    pub fn digests(&self) -> Vec<(&'static str, u64)> {
        use std::hash::{Hash, Hasher};
        fn of(f: impl FnOnce(&mut std::collections::hash_map::DefaultHasher)) -> u64 {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            f(&mut h);
            h.finish()
        }
        let bits = |xs: &[f32], h: &mut std::collections::hash_map::DefaultHasher| {
            xs.iter().for_each(|x| x.to_bits().hash(h))
        };
        vec![
            (
                "information content",
                of(|h| self.ic.iter().for_each(|x| x.to_bits().hash(h))),
            ),
            (
                "profiles",
                of(|h| (self.diseases.len(), self.genes.len(), self.omim_diseases).hash(h)),
            ),
            (
                "profile terms",
                of(|h| (&self.terms, &self.origins).hash(h)),
            ),
            ("frequencies", of(|h| bits(&self.freqs, h))),
            ("weights", of(|h| bits(&self.weights, h))),
            ("informative terms", of(|h| self.informative.hash(h))),
            ("p-value backgrounds", of(|h| self.hash_backgrounds(h))),
        ]
    }

    /// Builds the tables of `kg` from the annotation sets its builder
    /// handed over (see [`KnowledgeGraph::load_with_annotations`]).
    pub fn build(kg: &KnowledgeGraph, annotations: Annotations) -> Analytics {
        let Annotations {
            diseases: disease_rows,
            genes: gene_rows,
            omim_total,
        } = annotations;
        let n = kg.phenotypes().len();
        // Each OMIM disease counts once on each of its terms and their ancestors.
        let mut count = vec![0u32; n];
        let mut stamp = vec![u32::MAX; n];
        let mut by_omim: HashMap<&Curie, Vec<u32>> = HashMap::new();
        for r in &disease_rows {
            if r.subject.prefix() == crate::curie::Prefix::Omim {
                by_omim
                    .entry(&r.subject)
                    .or_default()
                    .push(r.term.index() as u32);
            }
        }
        for (i, terms) in by_omim.values().enumerate() {
            for &t in terms {
                for a in std::iter::once(t).chain(
                    kg.ancestors(NodeId::new(t as usize))
                        .map(|a| a.index() as u32),
                ) {
                    if stamp[a as usize] != i as u32 {
                        stamp[a as usize] = i as u32;
                        count[a as usize] += 1;
                    }
                }
            }
        }
        let total = omim_total.max(1) as f64;
        let ic: Vec<f64> = count
            .iter()
            .map(|&c| {
                if c == 0 {
                    0.0
                } else {
                    -(f64::from(c) / total).ln()
                }
            })
            .collect();
        let ancestor_ic: Vec<f64> = (0..n)
            .map(|t| kg.ancestors(NodeId::new(t)).map(|a| ic[a.index()]).sum())
            .collect();
        let branch = kg.find_phenotype(&Curie::parse(PHENOTYPIC_ABNORMALITY).expect("a valid id"));
        let mut in_branch = vec![false; n];
        if let crate::graph::Lookup::Found(root) = branch {
            for t in std::iter::once(root).chain(kg.descendants(root)) {
                in_branch[t.index()] = true;
            }
        }
        let informative = (0..n)
            .filter(|&t| in_branch[t] && ic[t] > 0.0 && t != branch_root(&branch))
            .map(|t| t as u32)
            .collect();
        let mut a = Analytics {
            ic,
            ancestor_ic,
            omim_diseases: omim_total,
            informative,
            in_branch,
            ..Default::default()
        };
        a.diseases = a.profiles(kg, disease_rows);
        a.genes = a.profiles(kg, gene_rows);
        a.disease_order = id_order(&a.diseases);
        a.gene_order = id_order(&a.genes);
        a.lr_diseases = LikelihoodTables::build(kg, &a, &a.diseases);
        // A gene's annotations gather every disease of the gene, most of
        // which a patient does not have: its unstated features say nothing.
        let genes = Params {
            unstated: 0.0,
            ..Params::default()
        };
        a.lr_genes = LikelihoodTables::build_with(kg, &a, &a.genes, genes);
        a.sex_diseases = sex::SexTable::build(kg, &a.diseases);
        a.sex_genes = sex::SexTable::build(kg, &a.genes);
        a.build_pools(kg);
        a
    }

    /// Groups rows into profiles (one per graph node, in order of first
    /// row), merging a term stated by several sets.
    fn profiles(&mut self, kg: &KnowledgeGraph, rows: Vec<AnnotationRow>) -> Vec<Profile> {
        let mut order: Vec<NodeId> = Vec::new();
        // Per node: its sets, and (term, frequency, set bit) per row.
        type Rows = (Vec<(Curie, Source)>, Vec<(u32, f32, u32)>);
        let mut by_node: HashMap<NodeId, Rows> = HashMap::new();
        for r in rows {
            let f = r
                .frequency
                .as_ref()
                .and_then(|f| kg.frequency_value(f))
                .map_or(UNKNOWN, |v| v.clamp(0.0, 1.0) as f32);
            let (sets, terms) = by_node.entry(r.node).or_insert_with(|| {
                order.push(r.node);
                Default::default()
            });
            let set = match sets
                .iter()
                .position(|s| s.0 == r.subject && s.1 == r.source)
            {
                Some(i) => i,
                None => {
                    sets.push((r.subject, r.source));
                    sets.len() - 1
                }
            };
            terms.push((r.term.index() as u32, f, 1u32 << set.min(31)));
        }
        order
            .into_iter()
            .map(|node| {
                let (sets, mut t) = by_node.remove(&node).unwrap_or_default();
                t.sort_by_key(|x| x.0);
                let start = self.terms.len() as u32;
                for group in t.chunk_by(|a, b| a.0 == b.0) {
                    let known: Vec<f32> = group.iter().map(|x| x.1).filter(|&f| f >= 0.0).collect();
                    let f = if known.is_empty() {
                        UNKNOWN
                    } else {
                        known.iter().sum::<f32>() / known.len() as f32
                    };
                    self.terms.push(group[0].0);
                    self.freqs.push(f);
                    self.origins.push(group.iter().fold(0, |m, x| m | x.2));
                }
                let end = self.terms.len() as u32;
                self.weights
                    .extend(neutral_weights(&self.freqs[start as usize..end as usize]));
                Profile {
                    id: sets[0].0.clone(),
                    sets,
                    node,
                    start,
                    end,
                }
            })
            .collect()
    }

    /// The information content of an HPO term (0 for other nodes).
    pub fn ic(&self, term: NodeId) -> f64 {
        self.ic.get(term.index()).copied().unwrap_or(0.0)
    }

    /// The diseases ranked, one per HPOA id.
    pub fn diseases(&self) -> &[Profile] {
        &self.diseases
    }

    /// The genes ranked.
    pub fn genes(&self) -> &[Profile] {
        &self.genes
    }

    /// A profile's terms.
    pub fn terms(&self, p: &Profile) -> impl ExactSizeIterator<Item = NodeId> + '_ {
        self.terms[p.start as usize..p.end as usize]
            .iter()
            .map(|&t| NodeId::new(t as usize))
    }

    /// A profile's terms with the mean frequency their sets state (`None`
    /// where none does) and the sets that state each.
    pub fn annotations<'a>(
        &'a self,
        p: &'a Profile,
    ) -> impl ExactSizeIterator<Item = (NodeId, Option<f32>, Vec<&'a (Curie, Source)>)> + 'a {
        let r = p.start as usize..p.end as usize;
        r.map(move |i| {
            let f = self.freqs[i];
            let sets = (0..p.sets.len().min(32))
                .filter(|b| self.origins[i] & (1 << b) != 0)
                .map(|b| &p.sets[b])
                .collect();
            (
                NodeId::new(self.terms[i] as usize),
                (f >= 0.0).then_some(f),
                sets,
            )
        })
    }

    /// Whether a node is a phenotypic abnormality (under HP:0000118).
    pub fn in_branch(&self, term: NodeId) -> bool {
        self.in_branch.get(term.index()).copied().unwrap_or(false)
    }

    fn span(&self, p: &Profile) -> (&[u32], &[f32]) {
        let r = p.start as usize..p.end as usize;
        (&self.terms[r.clone()], &self.weights[r])
    }

    fn freqs_of(&self, p: &Profile) -> &[f32] {
        &self.freqs[p.start as usize..p.end as usize]
    }
}

fn branch_root(l: &crate::graph::Lookup) -> usize {
    match l {
        crate::graph::Lookup::Found(r) => r.index(),
        _ => usize::MAX,
    }
}

/// Each profile's place in the order of its ids (the last tie-break).
fn id_order(profiles: &[Profile]) -> Vec<u32> {
    let mut idx: Vec<usize> = (0..profiles.len()).collect();
    idx.sort_by(|&a, &b| profiles[a].id.as_str().cmp(profiles[b].id.as_str()));
    let mut order = vec![0u32; profiles.len()];
    for (rank, i) in idx.into_iter().enumerate() {
        order[i] = rank as u32;
    }
    order
}

/// How far a term's weight under `weightByFrequency` moves from 1 per unit
/// of frequency above or below its profile's mean (see [`neutral_weights`]).
/// 1 would let a profile's weights span (0, 2); 0.75 is the value at which
/// weighting is at least as good as none in every simulated condition
/// (`rarekg diagnose --simulate`), where 0.5 and 1 each fell behind in one
/// condition, by one and five patients in a thousand.
const FREQUENCY_WEIGHT_SPREAD: f32 = 0.75;

/// The weights of a profile's terms under `weightByFrequency`: `1 + s·(f -
/// mean)`, `f` the term's stated frequency (the mean of the profile's stated
/// frequencies where none is stated), `mean` that mean and `s`
/// [`FREQUENCY_WEIGHT_SPREAD`]. Weights enter as a weighted mean over the
/// profile's own terms, and they are centred on 1: the weighted mean is the
/// plain mean plus `s` times the covariance of frequency and match, so an
/// unstated frequency is neutral, a profile whose source states none (or
/// one frequency for all) scores as without weighting, and a profile of
/// many rare features is not scored on its few frequent ones alone (the
/// raw frequencies as weights did that, and made weighting worse than none
/// on noisy simulated patients).
fn neutral_weights(freqs: &[f32]) -> impl Iterator<Item = f32> + '_ {
    let known: Vec<f32> = freqs.iter().copied().filter(|&f| f >= 0.0).collect();
    let mean = if known.is_empty() {
        0.0
    } else {
        known.iter().sum::<f32>() / known.len() as f32
    };
    freqs.iter().map(move |&f| {
        let f = if f < 0.0 { mean } else { f };
        1.0 + FREQUENCY_WEIGHT_SPREAD * (f - mean)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_weights_are_centred_on_one_and_an_unstated_frequency_is_neutral() {
        let w: Vec<f32> = neutral_weights(&[0.9, UNKNOWN, 0.1]).collect();
        let s = FREQUENCY_WEIGHT_SPREAD;
        let want = [1.0 + 0.4 * s, 1.0, 1.0 - 0.4 * s];
        assert!(
            w.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-6),
            "{w:?}"
        );
        // No stated frequency, or one for all: the plain mean.
        assert!(neutral_weights(&[UNKNOWN, UNKNOWN]).all(|w| w == 1.0));
        assert!(neutral_weights(&[0.3, 0.3]).all(|w| w == 1.0));
    }
}
