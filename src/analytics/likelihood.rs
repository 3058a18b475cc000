//! Likelihood-ratio ranking, in the manner of LIRICAL (Robinson et al.,
//! *AJHG* 2020).
//!
//! For a disease (or gene) profile `D` and a phenotypic abnormality `a`,
//! `F(D, a)` is the frequency with which `D`'s patients show `a` or a more
//! specific term: the highest frequency of `D`'s annotations at or below `a`
//! (an annotation whose sources state none counts [`Params::unknown`]). The
//! background `B(a)` is the mean of `F(·, a)` over every profile ranked.
//!
//! - An **observed** term `q` has the likelihood ratio
//!   `max over a in q and its ancestors of F(D, a) / B(a) · (B(q) / B(a))^γ`:
//!   the exact match (or an annotation below `q`) counts in full; matching
//!   only a more general ancestor `a` is discounted by how much more
//!   specific `q` is than `a`, so a feature `D` explains only at the level
//!   of an organ system costs almost as much as one it does not explain at
//!   all. No ratio is below [`Params::floor`], which stands for a feature
//!   unrelated to the disease (noise, a second condition).
//! - An **excluded** term `e` has `(1 - F') / (1 - B')`, `F' = min(F(D, e),
//!   cap)` and `B'` likewise: an excluded feature the disease has in 10% of
//!   patients costs little, one it always has costs much (but never all:
//!   annotations overstate, and a young patient may not show it yet).
//!   Times the ascertainment factor `LR(e)^η`, `LR(e)` the ratio `e` would
//!   have if observed: clinicians look for the features of the diseases
//!   they have in mind, so that a feature was looked for at all says
//!   something about which diseases are in question (on published cases,
//!   the absence alone made the ranking worse: the diseases that have a
//!   feature are the ones penalised for its absence, and those are the ones
//!   the clinicians were considering).
//!
//! - Each of the profile's **unstated** annotations (phenotypic
//!   abnormalities no query term, observed or excluded, is at, above or
//!   below) has `(1 - ρ·F) / (1 - ρ·B)`, ρ = [`Params::unstated`]: a
//!   feature the patient has is reported with probability ρ, so leaving out
//!   one the disease nearly always has costs a little and leaving out a
//!   rare one nothing. Without it a profile with a hundred annotations
//!   matches any report somewhere and loses nothing for the rest.
//!
//! The constants ([`Params`]) were chosen on up to three cases per disease
//! of the development half of phenopacket-store, as round values on a
//! plateau (`rarekg diagnose --lr-params` varies them), not case by case.
//!
//! The composite ratio is the product over the query's terms, times the
//! unstated features' ratio and the patient's sex's (`super::sex`); the post-test
//! probability is `odds / (1 + odds)` with `odds` the pretest odds times the
//! ratio. Ranking by the ratio is ranking by post-test probability under a
//! uniform pretest probability.
//!
//! Each term's postings (the profiles annotated at or below it, with `F`) are
//! built once per release, so one observed term costs a pass over the
//! postings of its ancestors.

use super::{Analytics, Profile, UNKNOWN};
use crate::graph::model::NodeId;
use crate::graph::KnowledgeGraph;

/// The model's constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// The frequency of an annotation whose sources state none.
    pub unknown: f32,
    /// The exponent γ of the discount for matching through an ancestor.
    pub gamma: f64,
    /// The smallest ratio of an observed term.
    pub floor: f64,
    /// The highest frequency an excluded term is weighed with.
    pub cap: f64,
    /// For an excluded term: the frequency of an annotation whose sources
    /// state none.
    pub excluded_unknown: f32,
    /// For an excluded term: stated frequencies below this count as 0 (a
    /// clinician looks for the features of the diseases in question, so
    /// the absence of an occasional feature says little).
    pub excluded_min: f32,
    /// How far an excluded term's ratio moves a similarity score (the
    /// exponent of the ratio).
    pub similarity_exclusion: f64,
    /// The ascertainment exponent η: a feature looked for is one the
    /// clinicians expected from the diseases they had in mind, so an
    /// excluded term also carries its observed-term ratio to the power η
    /// (0: the absence alone counts, as in LIRICAL).
    pub ascertainment: f64,
    /// The reporting rate ρ of an unstated feature: an annotation of the
    /// profile that no query term (observed or excluded) is at, above or
    /// below counts `(1 - ρ·F) / (1 - ρ·B)` (0: unstated features say
    /// nothing).
    pub unstated: f64,
    /// The sex ratio, before normalising, of a disease that is X-linked
    /// recessive or Y-linked in a female patient (1: sex says nothing).
    pub sex_mismatch: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            unknown: 0.5,
            gamma: 2.0,
            floor: 0.005,
            cap: 0.7,
            excluded_unknown: 0.5,
            excluded_min: 0.0,
            similarity_exclusion: 0.05,
            ascertainment: 0.3,
            unstated: 0.15,
            sex_mismatch: 0.2,
        }
    }
}

/// The postings and backgrounds of one kind of profile.
#[derive(Debug, Default)]
pub struct LikelihoodTables {
    params: Option<Params>,
    /// Per node, the range of its postings.
    offsets: Vec<u32>,
    profile: Vec<u32>,
    /// `F` of each posting.
    freq: Vec<f32>,
    /// `ln F` of each posting, so that an observed term's pass takes no
    /// logarithm.
    ln_freq: Vec<f32>,
    /// The same for excluded terms (see [`Params::excluded_unknown`]).
    excluded_freq: Vec<f32>,
    /// Per node: `B`, floored at half a profile.
    background: Vec<f64>,
    profiles: usize,
    /// Per node: `B` for excluded terms.
    excluded_background: Vec<f64>,
    /// Per profile, the range of its entries in `unstated_term` and
    /// `unstated_ln`: its phenotypic-abnormality annotations, each with its
    /// ln ratio if left unstated (see [`Params::unstated`]).
    unstated_offsets: Vec<u32>,
    unstated_term: Vec<u32>,
    unstated_ln: Vec<f32>,
    /// Per profile: the sum of its `unstated_ln`.
    unstated_total: Vec<f64>,
    /// The same entries by term: per HPO node, the range of its entries in
    /// `stated_profile` and `stated_ln`, so that a query touches only the
    /// annotations it covers.
    stated_offsets: Vec<u32>,
    stated_profile: Vec<u32>,
    stated_ln: Vec<f32>,
}

/// One query term's likelihood ratio for one profile, and where it came
/// from.
#[derive(Debug, Clone, Copy)]
pub struct TermRatio {
    pub query: NodeId,
    pub excluded: bool,
    /// The term the ratio was taken at: the query term or, for an observed
    /// term, the ancestor it matched through (none: no match, the floor).
    pub via: Option<NodeId>,
    /// The profile's annotation that gave `F` (at or below `via`).
    pub matched: Option<NodeId>,
    /// `F(D, via)`.
    pub frequency: f64,
    /// `B(via)`.
    pub background: f64,
    pub ratio: f64,
}

/// The buffer one ranking reuses from term to term: the best `ln` ratio so
/// far per profile, at the floor between terms.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    /// `f32`: half the cache of `f64`, and the postings' `ln F` are `f32`.
    best: Vec<f32>,
}

impl LikelihoodTables {
    /// The tables of some profiles, with the default constants.
    pub(super) fn build(kg: &KnowledgeGraph, a: &Analytics, profiles: &[Profile]) -> Self {
        Self::build_with(kg, a, profiles, Params::default())
    }

    /// The tables with other constants (for studying the model).
    pub fn build_with(
        kg: &KnowledgeGraph,
        a: &Analytics,
        profiles: &[Profile],
        params: Params,
    ) -> Self {
        let n = a.ic.len();
        let mut entries: Vec<(u32, u32, f32, f32)> = Vec::new();
        let mut best = vec![(-1.0f32, 0.0f32); n];
        let mut touched: Vec<u32> = Vec::new();
        for (pi, p) in profiles.iter().enumerate() {
            let (terms, _) = a.span(p);
            for (&t, &f) in terms.iter().zip(a.freqs_of(p)) {
                let (f, fx) = if f == UNKNOWN {
                    (params.unknown, params.excluded_unknown)
                } else if f < params.excluded_min {
                    (f, 0.0)
                } else {
                    (f, f)
                };
                let tn = NodeId::new(t as usize);
                if !a.in_branch(tn) {
                    continue;
                }
                for x in std::iter::once(tn).chain(kg.ancestors(tn)) {
                    if !a.in_branch(x) {
                        continue;
                    }
                    let slot = &mut best[x.index()];
                    if slot.0 < 0.0 {
                        touched.push(x.index() as u32);
                    }
                    slot.0 = slot.0.max(f);
                    slot.1 = slot.1.max(fx);
                }
            }
            for &x in &touched {
                let (f, fx) = best[x as usize];
                entries.push((x, pi as u32, f, fx));
                best[x as usize] = (-1.0, 0.0);
            }
            touched.clear();
        }
        entries.sort_unstable_by_key(|e| (e.0, e.1));
        let mut offsets = vec![0u32; n + 1];
        for e in &entries {
            offsets[e.0 as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let total = profiles.len().max(1) as f64;
        let mut background = vec![0.5 / total; n];
        let mut excluded_background = vec![0.0; n];
        for x in 0..n {
            let r = offsets[x] as usize..offsets[x + 1] as usize;
            let sum: f64 = entries[r.clone()].iter().map(|e| f64::from(e.2)).sum();
            background[x] = (sum / total).max(0.5 / total);
            let sum: f64 = entries[r].iter().map(|e| f64::from(e.3)).sum();
            excluded_background[x] = sum / total;
        }
        LikelihoodTables {
            params: Some(params),
            offsets,
            profile: entries.iter().map(|e| e.1).collect(),
            freq: entries.iter().map(|e| e.2).collect(),
            ln_freq: entries.iter().map(|e| e.2.ln()).collect(),
            excluded_freq: entries.iter().map(|e| e.3).collect(),
            background,
            profiles: profiles.len(),
            excluded_background,
            ..Default::default()
        }
        .with_unstated(a, profiles)
    }

    /// Each profile's annotations with their ln ratio if left unstated,
    /// computed once so that a query only subtracts those it covers.
    fn with_unstated(mut self, a: &Analytics, profiles: &[Profile]) -> Self {
        let p = self.params();
        let rho = p.unstated;
        self.unstated_offsets.push(0);
        for prof in profiles {
            let (terms, _) = a.span(prof);
            let mut total = 0.0;
            for (&t, &f) in terms.iter().zip(a.freqs_of(prof)) {
                if rho <= 0.0 || !a.in_branch[t as usize] {
                    continue;
                }
                let f = f64::from(if f == UNKNOWN { p.unknown } else { f });
                let b = self.background[t as usize].min(1.0);
                let ln = ((1.0 - rho * f) / (1.0 - rho * b)).ln();
                self.unstated_term.push(t);
                self.unstated_ln.push(ln as f32);
                total += f64::from(ln as f32);
            }
            self.unstated_offsets.push(self.unstated_term.len() as u32);
            self.unstated_total.push(total);
        }
        let mut by_term: Vec<(u32, u32, f32)> = Vec::with_capacity(self.unstated_term.len());
        for p in 0..profiles.len() {
            let r = self.unstated_offsets[p] as usize..self.unstated_offsets[p + 1] as usize;
            for (&t, &ln) in self.unstated_term[r.clone()]
                .iter()
                .zip(&self.unstated_ln[r])
            {
                by_term.push((t, p as u32, ln));
            }
        }
        by_term.sort_unstable_by_key(|e| (e.0, e.1));
        self.stated_offsets = vec![0; a.ic.len() + 1];
        for e in &by_term {
            self.stated_offsets[e.0 as usize + 1] += 1;
        }
        for i in 0..a.ic.len() {
            self.stated_offsets[i + 1] += self.stated_offsets[i];
        }
        self.stated_profile = by_term.iter().map(|e| e.1).collect();
        self.stated_ln = by_term.iter().map(|e| e.2).collect();
        self
    }

    /// The constants the tables were built with.
    pub fn params(&self) -> Params {
        self.params.unwrap_or_default()
    }

    /// Where a term's postings are.
    fn range(&self, x: NodeId) -> std::ops::Range<usize> {
        self.offsets[x.index()] as usize..self.offsets[x.index() + 1] as usize
    }

    /// A term's postings: the profiles, with `ln F` for observed and `F`
    /// for excluded terms.
    fn postings(&self, x: NodeId) -> (&[u32], &[f32], &[f32]) {
        let r = self.range(x);
        (
            &self.profile[r.clone()],
            &self.ln_freq[r.clone()],
            &self.excluded_freq[r],
        )
    }

    /// `F(D, x)` of one profile for an observed term, and for an excluded
    /// one.
    fn frequency(&self, x: NodeId, profile: usize) -> (f64, f64) {
        let r = self.range(x);
        match self.profile[r.clone()].binary_search(&(profile as u32)) {
            Ok(i) => (
                f64::from(self.freq[r.start + i]),
                f64::from(self.excluded_freq[r.start + i]),
            ),
            Err(_) => (0.0, 0.0),
        }
    }

    /// The background frequency of a term.
    pub fn background(&self, x: NodeId) -> f64 {
        self.background[x.index()]
    }

    /// The ancestors (and the term) an observed term may match through,
    /// with each one's factor `(B(q) / B(a))^γ / B(a)`.
    fn ladder(&self, kg: &KnowledgeGraph, a: &Analytics, q: NodeId) -> Vec<(NodeId, f64)> {
        let g = self.params().gamma;
        let bq = self.background(q);
        std::iter::once(q)
            .chain(kg.ancestors(q))
            .filter(|&x| a.in_branch(x))
            .map(|x| {
                let bx = self.background(x);
                (x, (bq / bx).powf(g) / bx)
            })
            .collect()
    }

    /// Adds `weight` times one observed term's ln ratio to every profile's
    /// `acc`.
    ///
    /// An ancestor whose factor is at most the floor cannot raise any
    /// profile above it (no frequency exceeds 1) and is skipped: for a
    /// specific term, the organ-system ancestors that every profile reaches
    /// drop out. The maximum is taken in ln space, from the postings'
    /// `ln F`, so the pass takes one logarithm per ancestor, not per
    /// posting.
    pub(super) fn add_observed(
        &self,
        kg: &KnowledgeGraph,
        a: &Analytics,
        q: NodeId,
        weight: f64,
        acc: &mut [f64],
        scratch: &mut Scratch,
    ) {
        let floor = self.params().floor;
        let ln_floor = floor.ln() as f32;
        if scratch.best.len() != self.profiles {
            scratch.best.clear();
            scratch.best.resize(self.profiles, ln_floor);
        }
        for (x, factor) in self.ladder(kg, a, q) {
            if factor <= floor {
                continue;
            }
            let ln_factor = factor.ln() as f32;
            let (p, lf, _) = self.postings(x);
            for (&p, &lf) in p.iter().zip(lf) {
                // Branch-free: which posting wins is data, not a pattern.
                let s = &mut scratch.best[p as usize];
                *s = s.max(lf + ln_factor);
            }
        }
        // One pass over every profile (vectorised) adds the ratio and
        // resets the buffer; a profile no posting raised adds the floor.
        for (acc, s) in acc.iter_mut().zip(scratch.best.iter_mut()) {
            *acc += weight * f64::from(*s);
            *s = ln_floor;
        }
    }

    /// Adds one excluded term's ln ratio to every profile's `acc`.
    pub(super) fn add_excluded(
        &self,
        kg: &KnowledgeGraph,
        a: &Analytics,
        e: NodeId,
        acc: &mut [f64],
        scratch: &mut Scratch,
    ) {
        let eta = self.params().ascertainment;
        if eta > 0.0 {
            self.add_observed(kg, a, e, eta, acc, scratch);
        }
        let cap = self.params().cap;
        let absent = -(1.0 - self.excluded_background[e.index()].min(cap)).ln();
        for acc in acc.iter_mut() {
            *acc += absent;
        }
        let (p, _, f) = self.postings(e);
        for (&p, &f) in p.iter().zip(f) {
            acc[p as usize] += (1.0 - f64::from(f).min(cap)).ln();
        }
    }

    /// Adds every profile's unstated features' ln ratio for a query (see
    /// [`Params::unstated`]): each profile's total, less its annotations at
    /// the covered terms.
    pub(super) fn add_unstated(&self, covered: &[bool], acc: &mut [f64]) {
        if self.unstated_total.len() != acc.len() {
            return;
        }
        for (acc, &t) in acc.iter_mut().zip(&self.unstated_total) {
            *acc += t;
        }
        for (x, _) in covered.iter().enumerate().filter(|(_, &c)| c) {
            let r = self.stated_offsets[x] as usize..self.stated_offsets[x + 1] as usize;
            for (&p, &ln) in self.stated_profile[r.clone()]
                .iter()
                .zip(&self.stated_ln[r])
            {
                acc[p as usize] -= f64::from(ln);
            }
        }
    }

    /// The terms a query covers: each query term (observed or excluded),
    /// its ancestors and its descendants.
    pub(super) fn covered(kg: &KnowledgeGraph, a: &Analytics, query: &[NodeId]) -> Vec<bool> {
        let mut covered = vec![false; a.ic.len()];
        for &q in query {
            for x in std::iter::once(q)
                .chain(kg.ancestors(q))
                .chain(kg.descendants(q))
            {
                if let Some(c) = covered.get_mut(x.index()) {
                    *c = true;
                }
            }
        }
        covered
    }

    /// The ln ratio of a profile's unstated features: its annotations that
    /// the query does not cover (see [`Params::unstated`]). `profile`
    /// indexes the profiles the tables were built from.
    pub(super) fn unstated_ln(&self, profile: usize, covered: &[bool]) -> f64 {
        let Some(&total) = self.unstated_total.get(profile) else {
            return 0.0;
        };
        let r =
            self.unstated_offsets[profile] as usize..self.unstated_offsets[profile + 1] as usize;
        let stated: f64 = self.unstated_term[r.clone()]
            .iter()
            .zip(&self.unstated_ln[r])
            .filter(|&(&t, _)| covered[t as usize])
            .map(|(_, &ln)| f64::from(ln))
            .sum();
        total - stated
    }

    /// One term's ratio for one profile, with what it matched.
    pub fn explain(
        &self,
        kg: &KnowledgeGraph,
        a: &Analytics,
        p: &Profile,
        profile: usize,
        q: NodeId,
        excluded: bool,
    ) -> TermRatio {
        let matched_below = |x: NodeId| -> Option<NodeId> {
            // The profile's annotation at or below `x` with the highest
            // frequency (the most informative among equals).
            let unknown = self.params().unknown;
            a.span(p)
                .0
                .iter()
                .zip(a.freqs_of(p))
                .map(|(&t, &f)| {
                    (
                        NodeId::new(t as usize),
                        if f == UNKNOWN { unknown } else { f },
                    )
                })
                .filter(|&(t, _)| t == x || kg.is_a(t, x))
                .max_by(|l, r| l.1.total_cmp(&r.1).then(a.ic(l.0).total_cmp(&a.ic(r.0))))
                .map(|(t, _)| t)
        };
        if excluded {
            let cap = self.params().cap;
            let f = self.frequency(q, profile).1;
            let b = self.excluded_background[q.index()];
            let eta = self.params().ascertainment;
            let looked = if eta > 0.0 {
                self.explain(kg, a, p, profile, q, false).ratio.powf(eta)
            } else {
                1.0
            };
            return TermRatio {
                query: q,
                excluded: true,
                via: Some(q),
                matched: (f > 0.0).then(|| matched_below(q)).flatten(),
                frequency: f,
                background: b,
                ratio: looked * (1.0 - f.min(cap)) / (1.0 - b.min(cap)),
            };
        }
        let floor = self.params().floor;
        let mut out = TermRatio {
            query: q,
            excluded: false,
            via: None,
            matched: None,
            frequency: 0.0,
            background: self.background(q),
            ratio: floor,
        };
        for (x, factor) in self.ladder(kg, a, q) {
            let f = self.frequency(x, profile).0;
            let v = f * factor;
            if v > out.ratio {
                out.via = Some(x);
                out.frequency = f;
                out.background = self.background(x);
                out.ratio = v;
            }
        }
        if let Some(x) = out.via {
            out.matched = matched_below(x);
        }
        out
    }
}
