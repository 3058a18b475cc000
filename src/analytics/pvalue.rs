//! P-values of ranking scores: how likely a profile of random terms of the
//! same size scores at least as well against the same disease (or gene).
//!
//! Random terms are drawn uniformly from the informative phenotypic
//! abnormalities (IC > 0), with fixed seeds, so a release always gives the
//! same values. Excluded terms stay as the patient gave them: the p-value
//! is of the observed terms' part of the score.
//!
//! - **Likelihood ratio.** The observed part of the score is a sum of one
//!   ln ratio per term, so its null distribution is that of a sum of `k`
//!   independent draws from the profile's single-term distribution, which
//!   is read off a pool of [`POOL`] random terms built with the release. Its
//!   upper tail comes from the Lugannani-Rice saddlepoint approximation
//!   (with Daniels' lattice correction), accurate far into the tail, so
//!   p-values discriminate below 1/200 and survive a correction for testing
//!   every disease. The smallest attainable value is `(1/POOL)^k`.
//! - **Similarity.** A set similarity is not a sum, so [`RANDOM_PROFILES`]
//!   random profiles of each size (1 to [`MAX_SIZE`]; larger queries use
//!   the largest) are scored, in one pass that serves every combination and
//!   weighting of one method, and a normal is fitted to each profile's
//!   scores. The pass runs once per method and target per release (the
//!   server runs all of them after start-up).

use super::{Analytics, Combine, Method, Ranked, RankingRequest, Scoring, Target};
use crate::graph::model::NodeId;
use crate::graph::KnowledgeGraph;
use rand::rngs::SmallRng;
use rand::seq::index::sample;
use rand::SeedableRng;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Random terms in the likelihood-ratio pool.
pub const POOL: usize = 1024;
/// Random profiles per size for similarity p-values.
pub const RANDOM_PROFILES: usize = 200;
/// Similarity backgrounds are drawn for profiles of up to this size.
pub const MAX_SIZE: usize = 10;

/// The resolution of the pool's stored ln ratios.
const STEP: f64 = 1.0 / 16.0;

/// What p-values are computed from.
#[derive(Default)]
pub(super) struct Backgrounds {
    /// Per target: each profile's ln ratios for the pool's terms, quantised
    /// by [`STEP`] above the floor (profile-major).
    pools: [Vec<u8>; 2],
    /// Per target and method: normal fits per (combine, weighting, size,
    /// profile).
    fits: Mutex<HashMap<(Target, Method), Arc<Fits>>>,
}

struct Fits {
    /// Indexed by [`fit_index`]: mean and standard deviation.
    mean_sd: Vec<(f32, f32)>,
    profiles: usize,
}

fn slot(t: Target) -> usize {
    match t {
        Target::Diseases => 0,
        Target::Genes => 1,
    }
}

fn fit_index(combine: Combine, weighted: bool, size: usize, profile: usize, n: usize) -> usize {
    let c = match combine {
        Combine::FunSimAvg => 0,
        Combine::FunSimMax => 1,
        Combine::Bma => 2,
    };
    (((c * 2 + usize::from(weighted)) * MAX_SIZE + (size - 1)) * n) + profile
}

impl Analytics {
    /// Builds the likelihood-ratio pools (with the release).
    pub(super) fn build_pools(&mut self, kg: &KnowledgeGraph) {
        for target in [Target::Diseases, Target::Genes] {
            let n = self.profiles_of(target).len();
            let tables = self.tables_of(target);
            let floor = tables.params().floor.ln();
            let mut rng = SmallRng::seed_from_u64(0x01ab_00a1);
            let picks = sample(
                &mut rng,
                self.informative.len(),
                POOL.min(self.informative.len()),
            );
            let mut pool = vec![0u8; n * POOL];
            let mut acc = vec![0.0f64; n];
            let mut scratch = super::likelihood::Scratch::default();
            for (j, i) in picks.into_iter().enumerate() {
                acc.iter_mut().for_each(|a| *a = 0.0);
                let t = NodeId::new(self.informative[i] as usize);
                tables.add_observed(kg, self, t, 1.0, &mut acc, &mut scratch);
                for (p, &v) in acc.iter().enumerate() {
                    pool[p * POOL + j] = ((v - floor) / STEP).round().clamp(0.0, 255.0) as u8;
                }
            }
            self.backgrounds.pools[slot(target)] = pool;
        }
    }

    /// The smallest p-value a query can have: under the likelihood ratio
    /// one over the pool to the power of the observed terms; none for a
    /// similarity method, whose fitted normal has no floor.
    pub fn p_value_floor(&self, req: &RankingRequest) -> Option<f64> {
        let k = req.query_terms().len().max(1);
        (req.scoring == Scoring::LikelihoodRatio).then(|| (POOL as f64).powi(-(k as i32)))
    }

    /// The p-value of each ranked profile's score.
    pub fn p_values(
        &self,
        kg: &KnowledgeGraph,
        req: &RankingRequest,
        ranked: &[Ranked],
    ) -> Vec<f64> {
        let k = req.query_terms().len().max(1);
        match req.scoring {
            Scoring::LikelihoodRatio => {
                let pool = &self.backgrounds.pools[slot(req.target)];
                let floor = self.tables_of(req.target).params().floor.ln();
                let smallest = self.p_value_floor(req).unwrap_or(0.0);
                ranked
                    .iter()
                    .map(|r| {
                        let x = &pool[r.profile * POOL..(r.profile + 1) * POOL];
                        // The observed part, in pool units.
                        let total = r.observed_score * std::f64::consts::LN_10;
                        let mean = (total - k as f64 * floor) / (k as f64 * STEP);
                        // No tail of the pool's sums is below every draw
                        // at its top value.
                        saddlepoint_tail(x, k, mean).max(smallest)
                    })
                    .collect()
            }
            Scoring::Similarity { method, combine } => {
                let fits = self.fits(kg, req.target, method);
                let size = k.min(MAX_SIZE);
                ranked
                    .iter()
                    .map(|r| {
                        let (m, sd) = fits.mean_sd[fit_index(
                            combine,
                            req.weight_by_frequency,
                            size,
                            r.profile,
                            fits.profiles,
                        )];
                        if sd <= 0.0 {
                            if r.observed_score > f64::from(m) + 1e-9 {
                                1.0 / (RANDOM_PROFILES + 1) as f64
                            } else {
                                1.0
                            }
                        } else {
                            upper_normal((r.observed_score - f64::from(m)) / f64::from(sd))
                        }
                    })
                    .collect()
            }
        }
    }

    /// Computes the similarity backgrounds of one method ahead of their
    /// first use (the server runs every method after start-up).
    pub fn precompute_backgrounds(&self, kg: &KnowledgeGraph, target: Target, method: Method) {
        self.fits(kg, target, method);
    }

    /// Feeds the p-value backgrounds to `h`: the likelihood-ratio pools and
    /// every similarity fit computed so far, in a fixed order.
    pub(super) fn hash_backgrounds(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        self.backgrounds.pools.hash(h);
        let fits = self.backgrounds.fits.lock().expect("not poisoned");
        let mut entries: Vec<((usize, u64), &Arc<Fits>)> = fits
            .iter()
            .map(|(&(t, m), f)| ((slot(t), m as u64), f))
            .collect();
        entries.sort_unstable_by_key(|&(k, _)| k);
        for (key, f) in entries {
            (key, f.profiles).hash(h);
            for &(mean, sd) in &f.mean_sd {
                (mean.to_bits(), sd.to_bits()).hash(h);
            }
        }
    }

    /// Whether the similarity backgrounds of one method are computed.
    pub fn has_backgrounds(&self, target: Target, method: Method) -> bool {
        self.backgrounds
            .fits
            .lock()
            .expect("not poisoned")
            .contains_key(&(target, method))
    }

    fn fits(&self, kg: &KnowledgeGraph, target: Target, method: Method) -> Arc<Fits> {
        if let Some(f) = self
            .backgrounds
            .fits
            .lock()
            .expect("not poisoned")
            .get(&(target, method))
        {
            return f.clone();
        }
        let f = Arc::new(self.similarity_fits(kg, target, method));
        self.backgrounds
            .fits
            .lock()
            .expect("not poisoned")
            .insert((target, method), f.clone());
        f
    }

    /// One pass over [`RANDOM_PROFILES`] random sequences of [`MAX_SIZE`]
    /// terms: each prefix is a random profile of its size, and each is
    /// scored by every combination, with and without weighting.
    fn similarity_fits(&self, kg: &KnowledgeGraph, target: Target, method: Method) -> Fits {
        let profiles = self.profiles_of(target);
        let n = profiles.len();
        let len = 3 * 2 * MAX_SIZE * n;
        let mut sum = vec![0.0f64; len];
        let mut sq = vec![0.0f64; len];
        let terms = self.ic.len();
        let size = MAX_SIZE.min(self.informative.len());
        let mut rng = SmallRng::seed_from_u64(0x5eed ^ (method as u64));
        let mut sims = vec![0.0f64; terms * MAX_SIZE];
        for _ in 0..RANDOM_PROFILES {
            let seq: Vec<NodeId> = sample(&mut rng, self.informative.len(), size)
                .into_iter()
                .map(|i| NodeId::new(self.informative[i] as usize))
                .collect();
            for (j, &q) in seq.iter().enumerate() {
                for (x, v) in self
                    .term_similarity_vector(kg, q, method)
                    .into_iter()
                    .enumerate()
                {
                    sims[x * MAX_SIZE + j] = v;
                }
            }
            for (pi, p) in profiles.iter().enumerate() {
                let (pt, pw) = self.span(p);
                let mut best = [0.0f64; MAX_SIZE];
                let mut cols = [[0.0f64; MAX_SIZE]; 2];
                let mut wsum = 0.0;
                for (&t, &w) in pt.iter().zip(pw) {
                    let row = &sims[t as usize * MAX_SIZE..t as usize * MAX_SIZE + size];
                    let w = f64::from(w);
                    wsum += w;
                    let mut col = 0.0f64;
                    for (j, &v) in row.iter().enumerate() {
                        best[j] = best[j].max(v);
                        col = col.max(v);
                        cols[0][j] += col;
                        cols[1][j] += col * w;
                    }
                }
                let len = pt.len() as f64;
                for weighted in [false, true] {
                    let mut rows = 0.0;
                    for s in 1..=size {
                        rows += best[s - 1];
                        let c = if !weighted {
                            cols[0][s - 1]
                        } else if wsum > 0.0 {
                            cols[1][s - 1] / wsum * len
                        } else {
                            0.0
                        };
                        for combine in [Combine::FunSimAvg, Combine::FunSimMax, Combine::Bma] {
                            let v = combine.apply(rows, s, c, pt.len());
                            let i = fit_index(combine, weighted, s, pi, n);
                            sum[i] += v;
                            sq[i] += v * v;
                        }
                    }
                }
            }
        }
        let r = RANDOM_PROFILES as f64;
        let mean_sd = sum
            .iter()
            .zip(&sq)
            .map(|(&s, &q)| {
                let m = s / r;
                let var = (q / r - m * m).max(0.0) * r / (r - 1.0);
                (m as f32, var.sqrt() as f32)
            })
            .collect();
        Fits {
            mean_sd,
            profiles: n,
        }
    }
}

/// `P(X_1 + ... + X_k >= k m)` for `X` uniform over the values `x` (in
/// lattice units of 1), by Lugannani-Rice with Daniels' lattice correction.
fn saddlepoint_tail(x: &[u8], k: usize, m: f64) -> f64 {
    // The distinct values and their shares.
    let mut counts = [0u32; 256];
    for &v in x {
        counts[v as usize] += 1;
    }
    let total = x.len() as f64;
    let support: Vec<(f64, f64)> = counts
        .iter()
        .enumerate()
        .filter(|c| *c.1 > 0)
        .map(|(v, &c)| (v as f64, f64::from(c) / total))
        .collect();
    let max = support.last().map_or(0.0, |s| s.0);
    let kf = k as f64;
    if m >= max - 1e-9 {
        // Every draw at the top of the support.
        let share = support.last().map_or(1.0, |s| s.1);
        return if m > max + 1e-9 {
            share.powf(kf) / total
        } else {
            share.powf(kf)
        };
    }
    let mean: f64 = support.iter().map(|(v, p)| v * p).sum();
    // K(θ), K'(θ), K''(θ), shifted by the mean for stability.
    let min = support.first().map_or(0.0, |s| s.0);
    let cgf = |th: f64| -> (f64, f64, f64) {
        // Shifted so that no exponent is positive; the values are on the
        // integer lattice, so `exp(θ (v - shift))` is an integer power of
        // one exponential (one `exp` per call, not one per value).
        let shift = if th >= 0.0 { max } else { min };
        let mut powers = [0.0f64; 256];
        let base = (-th.abs()).exp();
        let mut x = 1.0;
        for p in powers.iter_mut().take((max - min) as usize + 1) {
            *p = x;
            x *= base;
        }
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for &(v, p) in &support {
            let w = p * powers[(v - shift).abs() as usize];
            s0 += w;
            s1 += w * v;
            s2 += w * v * v;
        }
        let m1 = s1 / s0;
        (s0.ln() + th * shift, m1, s2 / s0 - m1 * m1)
    };
    let var0 = cgf(0.0).2;
    if var0 <= 0.0 {
        return if m <= mean + 1e-9 { 1.0 } else { 0.0 };
    }
    if m <= min {
        return 1.0;
    }
    if (m - mean).abs() < 1e-3 * var0.sqrt() {
        return 0.5;
    }
    // Newton (with bisection safeguards) for K'(θ) = m.
    let (mut lo, mut hi) = (-50.0f64, 50.0f64);
    let mut th = (m - mean) / var0;
    for _ in 0..60 {
        th = th.clamp(lo, hi);
        let (_, k1, k2) = cgf(th);
        if (k1 - m).abs() < 1e-9 * (1.0 + m.abs()) || hi - lo < 1e-12 {
            break;
        }
        if k1 < m {
            lo = th;
        } else {
            hi = th;
        }
        let next = th - (k1 - m) / k2.max(1e-12);
        th = if !next.is_finite() || next <= lo || next >= hi {
            (lo + hi) / 2.0
        } else {
            next
        };
    }
    let (k0, _, k2) = cgf(th);
    let w2 = 2.0 * kf * (th * m - k0);
    let w = th.signum() * w2.max(0.0).sqrt();
    let u = (1.0 - (-th).exp()) * (kf * k2).sqrt();
    if w.abs() < 1e-6 || u.abs() < 1e-12 {
        return upper_normal((m - mean) * kf.sqrt() / var0.sqrt());
    }
    let p = upper_normal(w) + normal_density(w) * (1.0 / u - 1.0 / w);
    p.clamp(0.0, 1.0)
}

fn normal_density(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// `P(Z >= z)` for a standard normal `Z`.
fn upper_normal(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The complementary error function, with a relative error below 1.2e-7
/// everywhere (Numerical Recipes' Chebyshev fit): relative, so tiny tails
/// stay accurate. Written here because the standard library has none.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_tail_is_right_far_out() {
        assert!((upper_normal(0.0) - 0.5).abs() < 1e-7);
        assert!((upper_normal(1.959_964) - 0.025).abs() < 1e-6);
        // P(Z >= 10) = 7.62e-24.
        assert!((upper_normal(10.0) / 7.619_853e-24 - 1.0).abs() < 1e-5);
    }

    #[test]
    fn the_saddlepoint_tail_matches_an_exact_sum() {
        // X uniform on {0, 1, 2, 3}: P(X1 + ... + X5 >= 12), counted.
        let x = [0u8, 1, 2, 3];
        let mut exact = 0usize;
        for n in 0..4usize.pow(5) {
            let (mut s, mut r) = (0, n);
            for _ in 0..5 {
                s += r % 4;
                r /= 4;
            }
            exact += usize::from(s >= 12);
        }
        let exact = exact as f64 / 1024.0;
        let approx = saddlepoint_tail(&x, 5, 12.0 / 5.0);
        assert!((approx / exact - 1.0).abs() < 0.1, "{approx} vs {exact}");
        // At the top of the support: every draw at 3.
        let top = saddlepoint_tail(&x, 5, 3.0);
        assert!((top - 0.25f64.powi(5)).abs() < 1e-12);
    }
}
