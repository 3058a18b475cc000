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
//! each term's ancestor IC sum, and the term sets of every annotated disease
//! (per HPOA id, as pyhpo and hpo3 rank them) and gene.

mod ranking;
mod similarity;

pub use ranking::{Background, Ranked, Ranking, RankingRequest, Target, TermMatch};
pub use similarity::{Combine, Method};

use crate::curie::Curie;
use crate::graph::model::{Frequency, NodeId};
use crate::graph::KnowledgeGraph;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A disease (by its HPOA id) or a gene, with its annotated terms.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The HPOA disease id (`OMIM:...`, `ORPHA:...`, `DECIPHER:...`), or the
    /// gene's id.
    pub id: Curie,
    /// The graph node it belongs to.
    pub node: NodeId,
    /// Into [`Analytics::terms`]: distinct terms, sorted.
    start: u32,
    end: u32,
}

/// One positive annotation row, as the builder hands it over.
pub(crate) struct AnnotationRow {
    pub subject: Curie,
    pub node: NodeId,
    pub term: NodeId,
    pub frequency: Option<Frequency>,
}

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
    /// Per entry of `terms`: the annotation's frequency (0..=1), or 1 where
    /// none is given.
    weights: Vec<f32>,
    /// Phenotype-branch terms with IC > 0: what random profiles draw from.
    informative: Vec<u32>,
    /// OMIM diseases in the annotation file (the IC's denominator).
    pub omim_diseases: usize,
    backgrounds: Mutex<HashMap<ranking::BackgroundKey, Arc<Background>>>,
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
    /// Builds the tables. `omim_total` is the number of distinct OMIM ids in
    /// the annotation file (every row counts, as in pyhpo).
    pub(crate) fn build(
        kg: &KnowledgeGraph,
        disease_rows: Vec<AnnotationRow>,
        gene_rows: Vec<AnnotationRow>,
        omim_total: usize,
    ) -> Analytics {
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
        let informative = match branch {
            crate::graph::Lookup::Found(root) => kg
                .descendants(root)
                .filter(|t| ic[t.index()] > 0.0)
                .map(|t| t.index() as u32)
                .collect(),
            _ => Vec::new(),
        };
        let mut a = Analytics {
            ic,
            ancestor_ic,
            omim_diseases: omim_total,
            informative,
            ..Default::default()
        };
        a.diseases = a.profiles(kg, disease_rows);
        a.genes = a.profiles(kg, gene_rows);
        a
    }

    /// Groups rows into profiles (one per subject, in order of first row).
    fn profiles(&mut self, kg: &KnowledgeGraph, rows: Vec<AnnotationRow>) -> Vec<Profile> {
        let mut order: Vec<(Curie, NodeId)> = Vec::new();
        let mut terms: HashMap<Curie, Vec<(u32, f32)>> = HashMap::new();
        for r in rows {
            let w = r
                .frequency
                .as_ref()
                .and_then(|f| kg.frequency_value(f))
                .map_or(1.0, |v| v as f32);
            let e = terms.entry(r.subject.clone()).or_insert_with(|| {
                order.push((r.subject.clone(), r.node));
                Vec::new()
            });
            e.push((r.term.index() as u32, w));
        }
        order
            .into_iter()
            .map(|(id, node)| {
                let mut t = terms.remove(&id).unwrap_or_default();
                // One entry per term, with the highest frequency stated.
                t.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
                t.dedup_by_key(|x| x.0);
                let start = self.terms.len() as u32;
                self.terms.extend(t.iter().map(|x| x.0));
                self.weights.extend(t.iter().map(|x| x.1));
                Profile {
                    id,
                    node,
                    start,
                    end: self.terms.len() as u32,
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

    fn span(&self, p: &Profile) -> (&[u32], &[f32]) {
        let r = p.start as usize..p.end as usize;
        (&self.terms[r.clone()], &self.weights[r])
    }
}
