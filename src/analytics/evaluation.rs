//! Measuring a ranking on patients whose diagnosis is known: published
//! cases (phenopackets) and simulated patients, as top-k shares and ranks.

use super::{Analytics, LikelihoodTables, Patient, RankingRequest, Scoring, Sex, Target};
use crate::curie::Curie;
use crate::graph::model::NodeId;
use crate::graph::{KnowledgeGraph, Lookup, Rel};
use crate::ingest::phenopacket::Case;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// One way of ranking, as measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    pub scoring: Scoring,
    pub weight_by_frequency: bool,
    /// Whether the patient's excluded terms are given.
    pub use_excluded: bool,
}

/// A patient with a known diagnosis, resolved.
#[derive(Debug, Clone)]
pub struct Known {
    pub id: String,
    pub patient: Patient,
    /// The diagnosis' record (none: the diagnosis is not in the graph).
    pub diagnosis: Option<NodeId>,
    /// The case's sex.
    pub sex: Option<Sex>,
}

impl Known {
    /// Whether the diagnosis has annotations in the served release, so
    /// that a ranking can find it at all.
    pub fn rankable(&self, a: &Analytics) -> bool {
        self.diagnosis
            .is_some_and(|d| a.diseases.iter().any(|p| p.node == d))
    }
}

/// Where the diagnosis was ranked.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub id: String,
    /// 1 for the first; `None` when the diagnosis is not ranked at all.
    pub rank: Option<usize>,
    /// Whether the diagnosis has annotations in the served release.
    pub rankable: bool,
    /// The terms set aside (see [`Patient::resolve`]).
    pub ignored: usize,
}

/// Top-k shares and ranks over the patients whose diagnosis has
/// annotations in the served release (a ranking cannot find the others).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Patients measured: those whose diagnosis has annotations.
    pub cases: usize,
    /// Patients left out: their diagnosis has no annotations in the served
    /// release (or is not in the graph).
    pub unannotated: usize,
    pub top1: f64,
    pub top3: f64,
    pub top10: f64,
    /// A measured patient whose diagnosis is not ranked (no usable term)
    /// counts as ranked last.
    pub median_rank: f64,
    pub mean_rank: f64,
}

/// Resolves published cases: their terms, and their first diagnosis found
/// in the graph.
pub fn known_cases(kg: &KnowledgeGraph, cases: &[Case]) -> Vec<Known> {
    cases
        .iter()
        .map(|c| {
            let observed: Vec<&str> = c.observed.iter().map(|f| f.id.as_str()).collect();
            let excluded: Vec<&str> = c.excluded.iter().map(|f| f.id.as_str()).collect();
            Known {
                id: c.id.clone(),
                patient: Patient::resolve(kg, &observed, &excluded),
                sex: c.sex.as_deref().and_then(Sex::parse),
                diagnosis: c.diagnoses.iter().find_map(|d| {
                    let d = Curie::parse(d).ok()?;
                    match kg.find_disease(&d) {
                        Lookup::Found(n) | Lookup::Redirected { node: n, .. } => Some(n),
                        Lookup::Ambiguous(v) => v.first().copied(),
                        Lookup::NotFound => None,
                    }
                }),
            }
        })
        .collect()
}

impl Analytics {
    /// Ranks every patient under one condition (on two threads).
    pub fn evaluate(
        &self,
        kg: &KnowledgeGraph,
        target: Target,
        patients: &[Known],
        cond: Condition,
        tables: Option<&LikelihoodTables>,
    ) -> Vec<Outcome> {
        let tables = tables.unwrap_or_else(|| self.tables_of(target));
        let profiles = self.profiles_of(target);
        let one = |k: &Known| -> Outcome {
            let req = RankingRequest {
                target,
                terms: k.patient.observed.clone(),
                excluded: if cond.use_excluded {
                    k.patient.excluded.clone()
                } else {
                    Vec::new()
                },
                scoring: cond.scoring,
                weight_by_frequency: cond.weight_by_frequency,
                sex: k.sex,
            };
            let rankable = k
                .diagnosis
                .is_some_and(|d| profiles.iter().any(|p| p.node == d));
            let rank = match k.diagnosis {
                Some(d) if rankable && (!req.terms.is_empty() || !req.excluded.is_empty()) => self
                    .rank_with(kg, &req, tables)
                    .ranked
                    .iter()
                    .position(|r| profiles[r.profile].node == d)
                    .map(|i| i + 1),
                _ => None,
            };
            Outcome {
                id: k.id.clone(),
                rank,
                rankable,
                ignored: k.patient.ignored.len(),
            }
        };
        let half = patients.len().div_ceil(2);
        std::thread::scope(|s| {
            let (a, b) = patients.split_at(half.min(patients.len()));
            let h = s.spawn(move || b.iter().map(one).collect::<Vec<_>>());
            let mut out: Vec<Outcome> = a.iter().map(one).collect();
            out.extend(h.join().expect("the evaluation thread panicked"));
            out
        })
    }

    /// Simulated patients, in the manner of Köhler et al. (AJHG 2009): for
    /// `count` diseases drawn at random among those with at least `size`
    /// phenotypic abnormalities, `size` of its annotations drawn without
    /// replacement in proportion to their frequency (an unstated frequency
    /// counts as the mean of the profile's stated ones, or 1/2); then
    /// `noise` of them replaced by random informative terms, and each kept
    /// term, with `imprecision` true, replaced by one of its parents.
    pub fn simulate(
        &self,
        kg: &KnowledgeGraph,
        count: usize,
        size: usize,
        noise: usize,
        imprecision: bool,
        seed: u64,
    ) -> Vec<Known> {
        let mut rng = SmallRng::seed_from_u64(seed);
        let eligible: Vec<usize> = self
            .diseases
            .iter()
            .enumerate()
            .filter(|(_, p)| self.terms(p).filter(|&t| self.in_branch(t)).count() >= size)
            .map(|(i, _)| i)
            .collect();
        let mut out = Vec::with_capacity(count);
        for n in 0..count.min(eligible.len()) {
            let p = &self.diseases[eligible[rng.random_range(0..eligible.len())]];
            let freqs = self.freqs_of(p);
            let known: Vec<f32> = freqs.iter().copied().filter(|&f| f >= 0.0).collect();
            let fill = if known.is_empty() {
                0.5
            } else {
                known.iter().sum::<f32>() / known.len() as f32
            };
            let mut pool: Vec<(NodeId, f64)> = self
                .terms(p)
                .zip(freqs)
                .filter(|(t, _)| self.in_branch(*t))
                .map(|(t, &f)| (t, f64::from(if f < 0.0 { fill } else { f }).max(0.01)))
                .collect();
            let mut terms = Vec::with_capacity(size);
            for _ in 0..size {
                let total: f64 = pool.iter().map(|x| x.1).sum();
                let mut x = rng.random::<f64>() * total;
                let i = pool
                    .iter()
                    .position(|t| {
                        x -= t.1;
                        x <= 0.0
                    })
                    .unwrap_or(pool.len() - 1);
                terms.push(pool.swap_remove(i).0);
            }
            for t in terms.iter_mut().take(noise) {
                *t = NodeId::new(
                    self.informative[rng.random_range(0..self.informative.len())] as usize,
                );
            }
            if imprecision {
                for t in terms.iter_mut().skip(noise) {
                    let parents: Vec<NodeId> = kg
                        .edges(*t, Rel::Parents)
                        .iter()
                        .map(|&e| kg.other(e, *t))
                        .filter(|&x| self.in_branch(x))
                        .collect();
                    if !parents.is_empty() {
                        *t = parents[rng.random_range(0..parents.len())];
                    }
                }
            }
            terms.sort_unstable();
            terms.dedup();
            out.push(Known {
                id: format!("simulated-{n}"),
                patient: Patient {
                    observed: terms,
                    ..Default::default()
                },
                diagnosis: Some(p.node),
                sex: None,
            });
        }
        out
    }
}

/// The top-k shares and ranks of some outcomes; `last` is the rank given
/// to an unranked diagnosis.
pub fn summarise(outcomes: &[Outcome], last: usize) -> Summary {
    let measured: Vec<&Outcome> = outcomes.iter().filter(|o| o.rankable).collect();
    let n = measured.len().max(1) as f64;
    let mut ranks: Vec<usize> = measured.iter().map(|o| o.rank.unwrap_or(last)).collect();
    ranks.sort_unstable();
    let share = |k: usize| ranks.iter().filter(|&&r| r <= k).count() as f64 / n * 100.0;
    let median = match ranks.len() {
        0 => 0.0,
        l if l % 2 == 1 => ranks[l / 2] as f64,
        l => (ranks[l / 2 - 1] + ranks[l / 2]) as f64 / 2.0,
    };
    Summary {
        cases: measured.len(),
        unannotated: outcomes.len() - measured.len(),
        top1: share(1),
        top3: share(3),
        top10: share(10),
        median_rank: median,
        mean_rank: ranks.iter().sum::<usize>() as f64 / n,
    }
}
