//! Disease identity: which CURIEs denote the same disease.
//!
//! A union-find over identifiers, fed with exact mappings (MONDO SSSOM
//! `skos:exactMatch`, Orphanet `E` references to OMIM). A merge that would put
//! two different ids of one primary namespace (MONDO, ORPHA, OMIM, DECIPHER)
//! into one disease is refused and counted: exact mappings are meant to be
//! one-to-one, and a chain of them must not collapse distinct diseases.

use crate::curie::{Curie, Prefix};
use std::collections::{HashMap, HashSet};

const PRIMARY: [Prefix; 4] = [Prefix::Mondo, Prefix::Orpha, Prefix::Omim, Prefix::Decipher];

/// How well two labels of one mapping agree: the share of their normalised
/// words in common (1 for the same name, 0 for no word shared or a label
/// missing).
pub fn label_agreement(a: &str, b: &str) -> f64 {
    let (a, b) = (super::linker::normalise(a), super::linker::normalise(b));
    let wa: HashSet<&str> = a.split(' ').filter(|w| !w.is_empty()).collect();
    let wb: HashSet<&str> = b.split(' ').filter(|w| !w.is_empty()).collect();
    let union = wa.union(&wb).count();
    if union == 0 {
        return 0.0;
    }
    wa.intersection(&wb).count() as f64 / union as f64
}

#[derive(Debug, Default)]
pub struct Identities {
    index: HashMap<Curie, u32>,
    ids: Vec<Curie>,
    parent: Vec<u32>,
    /// Whether a source gives data (not only a mapping) for this id.
    data: Vec<bool>,
    /// For roots: the primary ids of the cluster.
    primary: Vec<Vec<u32>>,
    /// Merges refused because they would join two distinct primary ids.
    pub refused: usize,
    pub merged: usize,
}

impl Identities {
    /// Interns an id; `data` marks it as described by a source.
    pub fn add(&mut self, id: &Curie, data: bool) -> u32 {
        let i = match self.index.get(id) {
            Some(&i) => i,
            None => {
                let i = self.ids.len() as u32;
                self.index.insert(id.clone(), i);
                self.ids.push(id.clone());
                self.parent.push(i);
                self.data.push(false);
                self.primary.push(if PRIMARY.contains(&id.prefix()) {
                    vec![i]
                } else {
                    vec![]
                });
                i
            }
        };
        self.data[i as usize] |= data;
        i
    }

    fn find(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let p = self.parent[i as usize];
            self.parent[i as usize] = self.parent[p as usize];
            i = p;
        }
        i
    }

    /// Declares `a` and `b` the same disease. Returns false if refused.
    pub fn union(&mut self, a: &Curie, b: &Curie) -> bool {
        let (ia, ib) = (self.add(a, false), self.add(b, false));
        let (ra, rb) = (self.find(ia), self.find(ib));
        if ra == rb {
            return true;
        }
        let clash = self.primary[ra as usize].iter().any(|&x| {
            self.primary[rb as usize]
                .iter()
                .any(|&y| self.ids[x as usize].prefix() == self.ids[y as usize].prefix())
        });
        if clash {
            self.refused += 1;
            return false;
        }
        let (big, small) = if self.primary[ra as usize].len() >= self.primary[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let moved = std::mem::take(&mut self.primary[small as usize]);
        self.primary[big as usize].extend(moved);
        self.parent[small as usize] = big;
        self.merged += 1;
        true
    }

    /// The clusters holding at least one data-bearing id; each cluster's ids
    /// are sorted canonical first (MONDO, ORPHA, OMIM, DECIPHER, then others).
    pub fn clusters(mut self) -> Vec<Vec<Curie>> {
        let mut by_root: HashMap<u32, Vec<u32>> = HashMap::new();
        for i in 0..self.ids.len() as u32 {
            let r = self.find(i);
            by_root.entry(r).or_default().push(i);
        }
        let mut out: Vec<Vec<Curie>> = by_root
            .into_values()
            .filter(|m| m.iter().any(|&i| self.data[i as usize]))
            .map(|m| {
                let mut ids: Vec<Curie> = m
                    .into_iter()
                    .map(|i| self.ids[i as usize].clone())
                    .collect();
                ids.sort_by_key(|c| (c.prefix(), c.as_str().to_string()));
                ids
            })
            .collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Curie {
        Curie::parse(s).unwrap()
    }

    #[test]
    fn merges_and_refuses_collisions() {
        let mut ids = Identities::default();
        ids.add(&c("ORPHA:732"), true);
        ids.add(&c("ORPHA:558"), true);
        assert!(ids.union(&c("MONDO:0019127"), &c("ORPHA:732")));
        assert!(
            !ids.union(&c("MONDO:0019127"), &c("ORPHA:558")),
            "two ORPHA ids in one disease"
        );
        assert_eq!(ids.refused, 1);
        let clusters = ids.clusters();
        assert_eq!(clusters.len(), 2);
        assert!(clusters.contains(&vec![c("MONDO:0019127"), c("ORPHA:732")]));
    }

    #[test]
    fn labels_of_the_same_name_agree_most() {
        let same = label_agreement("Marfan syndrome", "Marfan syndrome");
        let narrower = label_agreement("Marfan syndrome", "Marfan syndrome type 1");
        assert_eq!(same, 1.0);
        assert!((narrower - 2.0 / 4.0).abs() < 1e-12, "{narrower}");
        // Roman numerals and case are normalised.
        assert_eq!(
            label_agreement(
                "spinocerebellar ataxia 7",
                "Spinocerebellar ataxia type VII"
            ),
            0.75
        );
        assert_eq!(label_agreement("", "Marfan syndrome"), 0.0);
    }
}
