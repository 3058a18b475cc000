//! What a new ontology release changes: terms added, removed, obsoleted,
//! relabeled and re-parented, and the disease annotations that change with
//! them. Computed between two built graphs, so it sees exactly what the
//! server would serve before and after.

use super::model::{Edge, NodeId};
use super::{KnowledgeGraph, Rel};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A term as it stands in one release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermRef {
    pub id: String,
    pub name: String,
}

/// A term whose label changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relabel {
    pub id: String,
    pub old_name: String,
    pub new_name: String,
}

/// A term made obsolete, with what replaces it and how many diseases the
/// new release still annotates with it (annotations to an obsolete term
/// without a replacement are kept, on the obsolete term, for curators to fix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obsoletion {
    pub id: String,
    pub name: String,
    pub replaced_by: Option<String>,
    pub diseases_annotated: usize,
}

/// A term whose parents changed; `descendants` is the size of the subtree
/// that moves with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reparent {
    pub id: String,
    pub name: String,
    pub old_parents: Vec<String>,
    pub new_parents: Vec<String>,
    pub descendants: usize,
}

/// How the disease-phenotype annotations change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationImpact {
    /// Diseases whose phenotype list changes.
    pub diseases_changed: usize,
    pub annotations_added: usize,
    pub annotations_removed: usize,
    /// Up to 20 changed diseases, by id.
    pub examples: Vec<String>,
}

/// The changes of the phenotype ontology between two releases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OntologyDiff {
    pub added: Vec<TermRef>,
    pub removed: Vec<TermRef>,
    pub obsoleted: Vec<Obsoletion>,
    pub relabeled: Vec<Relabel>,
    pub reparented: Vec<Reparent>,
    pub annotations: AnnotationImpact,
}

impl OntologyDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.obsoleted.is_empty()
            && self.relabeled.is_empty()
            && self.reparented.is_empty()
            && self.annotations.diseases_changed == 0
    }
}

fn terms(kg: &KnowledgeGraph) -> BTreeMap<&str, NodeId> {
    kg.phenotypes()
        .map(|n| (kg.phenotype(n).id.as_str(), n))
        .collect()
}

fn parents(kg: &KnowledgeGraph, n: NodeId) -> Vec<String> {
    let mut v: Vec<String> = kg
        .edges(n, Rel::Parents)
        .iter()
        .map(|&e| kg.phenotype(kg.other(e, n)).id.to_string())
        .collect();
    v.sort();
    v
}

/// Disease-phenotype annotations by disease canonical id.
fn annotations(kg: &KnowledgeGraph) -> BTreeMap<&str, BTreeSet<(&str, bool)>> {
    kg.diseases()
        .map(|d| {
            let set = kg
                .edges(d, Rel::DiseasePhenotypes)
                .iter()
                .filter_map(|&e| match kg.edge(e) {
                    (Edge::HasPhenotype(a), _, p) => Some((kg.phenotype(p).id.as_str(), a.negated)),
                    _ => None,
                })
                .collect();
            (kg.disease(d).id.as_str(), set)
        })
        .collect()
}

/// The phenotype-ontology changes from `old` to `new`.
pub fn phenotype_diff(old: &KnowledgeGraph, new: &KnowledgeGraph) -> OntologyDiff {
    let (before, after) = (terms(old), terms(new));
    let mut diff = OntologyDiff::default();
    for (&id, &n) in &after {
        let t = new.phenotype(n);
        match before.get(id) {
            None if !t.obsolete => diff.added.push(TermRef {
                id: id.into(),
                name: t.name.clone(),
            }),
            None => {}
            Some(&o) => {
                let was = old.phenotype(o);
                if t.obsolete && !was.obsolete {
                    diff.obsoleted.push(Obsoletion {
                        id: id.into(),
                        name: was.name.clone(),
                        replaced_by: t.replaced_by.as_ref().map(|c| c.to_string()),
                        diseases_annotated: new.edges(n, Rel::PhenotypeDiseases).len(),
                    });
                }
                if t.name != was.name {
                    diff.relabeled.push(Relabel {
                        id: id.into(),
                        old_name: was.name.clone(),
                        new_name: t.name.clone(),
                    });
                }
                if !t.obsolete && !was.obsolete {
                    let (p0, p1) = (parents(old, o), parents(new, n));
                    if p0 != p1 {
                        diff.reparented.push(Reparent {
                            id: id.into(),
                            name: t.name.clone(),
                            old_parents: p0,
                            new_parents: p1,
                            descendants: new.descendants(n).count(),
                        });
                    }
                }
            }
        }
    }
    for (&id, &o) in &before {
        if !after.contains_key(id) {
            diff.removed.push(TermRef {
                id: id.into(),
                name: old.phenotype(o).name.clone(),
            });
        }
    }
    let (a0, a1) = (annotations(old), annotations(new));
    let empty = BTreeSet::new();
    for (id, set1) in &a1 {
        let set0 = a0.get(id).unwrap_or(&empty);
        if set0 != set1 {
            diff.annotations.diseases_changed += 1;
            diff.annotations.annotations_added += set1.difference(set0).count();
            diff.annotations.annotations_removed += set0.difference(set1).count();
            if diff.annotations.examples.len() < 20 {
                diff.annotations.examples.push(id.to_string());
            }
        }
    }
    for (id, set0) in &a0 {
        if !a1.contains_key(id) {
            diff.annotations.diseases_changed += 1;
            diff.annotations.annotations_removed += set0.len();
        }
    }
    diff
}
