//! Term and term-set similarity (see the module documentation of
//! [`super`] for the definitions).

use super::Analytics;
use crate::graph::model::NodeId;
use crate::graph::KnowledgeGraph;

/// A term similarity measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Resnik,
    Lin,
    JiangConrath,
    /// Graph IC (Deng et al. 2015, as pyhpo computes it).
    GraphIc,
}

/// How the best matches of two term sets combine into one score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Combine {
    /// The mean of the two directions' mean best matches.
    FunSimAvg,
    /// The larger of the two directions' mean best matches.
    FunSimMax,
    /// Every best match of both directions, averaged.
    Bma,
}

impl Combine {
    /// Combines the best matches of each term of A (`rows`) and of B (`cols`).
    pub fn apply(self, rows_sum: f64, rows: usize, cols_sum: f64, cols: usize) -> f64 {
        if rows == 0 || cols == 0 {
            return 0.0;
        }
        let (r, c) = (rows_sum / rows as f64, cols_sum / cols as f64);
        match self {
            Combine::FunSimAvg => (r + c) / 2.0,
            Combine::FunSimMax => r.max(c),
            Combine::Bma => (rows_sum + cols_sum) / (rows + cols) as f64,
        }
    }
}

/// A term and its strict ancestors, sorted.
fn with_self(kg: &KnowledgeGraph, t: NodeId) -> Vec<u32> {
    let mut v: Vec<u32> = kg.ancestors(t).map(|a| a.index() as u32).collect();
    v.push(t.index() as u32);
    v.sort_unstable();
    v
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    a.iter()
        .filter(|x| b.binary_search(x).is_ok())
        .copied()
        .collect()
}

impl Analytics {
    /// The common ancestors of some terms (each term counts as its own
    /// ancestor), most informative first, the more specific first among
    /// equals.
    pub fn common_ancestors(&self, kg: &KnowledgeGraph, terms: &[NodeId]) -> Vec<NodeId> {
        let Some((first, rest)) = terms.split_first() else {
            return Vec::new();
        };
        let mut common = with_self(kg, *first);
        for t in rest {
            common = intersect(&common, &with_self(kg, *t));
        }
        let mut out: Vec<NodeId> = common
            .into_iter()
            .map(|i| NodeId::new(i as usize))
            .collect();
        // Equal IC (the same diseases below): the more specific term first.
        out.sort_by(|a, b| {
            self.ic(*b)
                .total_cmp(&self.ic(*a))
                .then(kg.ancestors(*b).count().cmp(&kg.ancestors(*a).count()))
                .then(a.cmp(b))
        });
        out
    }

    /// The most informative common ancestor of some terms, if they have one.
    pub fn mica(&self, kg: &KnowledgeGraph, terms: &[NodeId]) -> Option<NodeId> {
        self.common_ancestors(kg, terms).into_iter().next()
    }

    /// The similarity of two terms.
    pub fn term_similarity(&self, kg: &KnowledgeGraph, a: NodeId, b: NodeId, m: Method) -> f64 {
        self.similarity_of(kg, (a, &with_self(kg, a)), (b, &with_self(kg, b)), m)
    }

    /// The similarity of two terms, each given with [`with_self`].
    fn similarity_of(
        &self,
        kg: &KnowledgeGraph,
        (a, up_a): (NodeId, &[u32]),
        (b, up_b): (NodeId, &[u32]),
        m: Method,
    ) -> f64 {
        let (ia, ib) = (self.ic(a), self.ic(b));
        let common = intersect(up_a, up_b);
        let resnik = common
            .iter()
            .map(|&c| self.ic[c as usize])
            .fold(0.0, f64::max);
        match m {
            Method::Resnik => resnik,
            Method::Lin => lin(resnik, ia, ib),
            Method::JiangConrath => jc(a == b, resnik, ia, ib),
            Method::GraphIc => {
                if a == b {
                    return 1.0;
                }
                let num: f64 = common.iter().map(|&c| self.ic[c as usize]).sum();
                let shared: f64 = kg
                    .ancestors(a)
                    .filter(|x| kg.is_a(b, *x) && *x != b)
                    .map(|x| self.ic(x))
                    .sum();
                let union = self.ancestor_ic[a.index()] + self.ancestor_ic[b.index()] - shared;
                if union == 0.0 {
                    0.0
                } else {
                    num / union
                }
            }
        }
    }

    /// The similarity of two term sets.
    pub fn set_similarity(
        &self,
        kg: &KnowledgeGraph,
        a: &[NodeId],
        b: &[NodeId],
        m: Method,
        c: Combine,
    ) -> f64 {
        let mut a = a.to_vec();
        a.sort_unstable();
        a.dedup();
        let mut b = b.to_vec();
        b.sort_unstable();
        b.dedup();
        // Each term's ancestors once, not once per pair.
        let up = |t: &[NodeId]| -> Vec<(NodeId, Vec<u32>)> {
            t.iter().map(|&x| (x, with_self(kg, x))).collect()
        };
        let (up_a, up_b) = (up(&a), up(&b));
        let matrix: Vec<Vec<f64>> = up_a
            .iter()
            .map(|(x, ux)| {
                up_b.iter()
                    .map(|(y, uy)| self.similarity_of(kg, (*x, ux), (*y, uy), m))
                    .collect()
            })
            .collect();
        let rows: f64 = matrix
            .iter()
            .map(|r| r.iter().copied().fold(0.0, f64::max))
            .sum();
        let cols: f64 = (0..b.len())
            .map(|j| matrix.iter().map(|r| r[j]).fold(0.0, f64::max))
            .sum();
        c.apply(rows, a.len(), cols, b.len())
    }

    /// One query term's similarity to every HPO term, in node order: the
    /// vector the rankings read. Resnik, Lin and Jiang-Conrath come from the
    /// IC of the most informative common ancestor, spread down from each
    /// ancestor of `q` (most informative first) to its descendants; graph
    /// IC from the IC sums spread the same way.
    pub fn term_similarity_vector(&self, kg: &KnowledgeGraph, q: NodeId, m: Method) -> Vec<f64> {
        let n = self.ic.len();
        let iq = self.ic(q);
        let mut up = with_self(kg, q);
        match m {
            Method::Resnik | Method::Lin | Method::JiangConrath => {
                up.sort_by(|a, b| self.ic[*b as usize].total_cmp(&self.ic[*a as usize]));
                let mut r = vec![-1.0f64; n];
                for &a in &up {
                    let v = self.ic[a as usize].max(0.0);
                    let a = NodeId::new(a as usize);
                    for x in std::iter::once(a).chain(kg.descendants(a)) {
                        let slot = &mut r[x.index()];
                        if *slot < 0.0 {
                            *slot = v;
                        }
                    }
                }
                for (x, v) in r.iter_mut().enumerate() {
                    let resnik = v.max(0.0);
                    *v = match m {
                        Method::Resnik => resnik,
                        Method::Lin => lin(resnik, iq, self.ic[x]),
                        _ => jc(x == q.index(), resnik, iq, self.ic[x]),
                    };
                }
                r
            }
            Method::GraphIc => {
                // common[x]: IC over the common ancestors (terms included);
                // shared[x]: IC over the common strict ancestors.
                let mut common = vec![0.0f64; n];
                let mut shared = vec![0.0f64; n];
                for &a in &up {
                    let v = self.ic[a as usize];
                    let a = NodeId::new(a as usize);
                    common[a.index()] += v;
                    for x in kg.descendants(a) {
                        common[x.index()] += v;
                        if a != q {
                            shared[x.index()] += v;
                        }
                    }
                }
                let sq = self.ancestor_ic[q.index()];
                (0..n)
                    .map(|x| {
                        if x == q.index() {
                            return 1.0;
                        }
                        let union = sq + self.ancestor_ic[x] - shared[x];
                        if union == 0.0 {
                            0.0
                        } else {
                            common[x] / union
                        }
                    })
                    .collect()
            }
        }
    }
}

fn lin(resnik: f64, ia: f64, ib: f64) -> f64 {
    if ia + ib == 0.0 {
        0.0
    } else {
        2.0 * resnik / (ia + ib)
    }
}

fn jc(same: bool, resnik: f64, ia: f64, ib: f64) -> f64 {
    if same {
        1.0
    } else if ia == 0.0 || ib == 0.0 {
        0.0
    } else {
        1.0 / (ia + ib - 2.0 * resnik + 1.0)
    }
}
