//! A patient's terms as they come: resolved to the served HPO, with alt and
//! obsolete ids redirected, and every term that cannot be used set aside
//! with the reason, never a failure.

use super::PHENOTYPIC_ABNORMALITY;
use crate::curie::{Curie, Prefix};
use crate::graph::model::NodeId;
use crate::graph::{KnowledgeGraph, Lookup, RedirectReason};

/// Why a term was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreReason {
    /// Not an HPO id (`HP:` and seven digits).
    NotAnHpoId,
    /// Well-formed, but not in the served HPO release (often a newer term).
    UnknownTerm,
    /// Obsolete, with no replacement.
    ObsoleteWithoutReplacement,
    /// An HPO term outside the phenotypic abnormalities (an inheritance
    /// mode, an onset, a frequency...).
    NotAPhenotypicAbnormality,
    /// Excluded and also observed: the observation is kept.
    AlsoObserved,
}

/// A term set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The id as given.
    pub id: String,
    /// Whether it was given as excluded.
    pub excluded: bool,
    pub reason: IgnoreReason,
}

/// A term given by an alt or obsolete id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirected {
    /// The id as given.
    pub from: String,
    /// The current term used.
    pub to: NodeId,
    /// Obsolete (replaced by) rather than an alt id.
    pub obsolete: bool,
}

/// A patient's usable terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patient {
    pub observed: Vec<NodeId>,
    pub excluded: Vec<NodeId>,
    pub redirected: Vec<Redirected>,
    pub ignored: Vec<Ignored>,
}

impl Patient {
    /// Whether any term is left to rank on once the ids are resolved: a
    /// patient without one is refused (the API) or not ranked (the CLI),
    /// since a ranking on nothing would order records by their unstated
    /// features alone.
    pub fn has_terms(&self) -> bool {
        !self.observed.is_empty() || !self.excluded.is_empty()
    }

    /// Resolves observed and excluded term ids against the served HPO.
    pub fn resolve<S: AsRef<str>>(kg: &KnowledgeGraph, observed: &[S], excluded: &[S]) -> Patient {
        let root = match kg.find_phenotype(&Curie::parse(PHENOTYPIC_ABNORMALITY).expect("valid")) {
            Lookup::Found(r) => Some(r),
            _ => None,
        };
        let mut p = Patient::default();
        for (ids, is_excluded) in [(observed, false), (excluded, true)] {
            for id in ids {
                let id = id.as_ref().trim();
                match term(kg, root, id) {
                    Ok((node, redirect)) => {
                        if is_excluded && p.observed.contains(&node) {
                            p.ignored.push(Ignored {
                                id: id.to_string(),
                                excluded: true,
                                reason: IgnoreReason::AlsoObserved,
                            });
                            continue;
                        }
                        if let Some(obsolete) = redirect {
                            p.redirected.push(Redirected {
                                from: id.to_string(),
                                to: node,
                                obsolete,
                            });
                        }
                        let list = if is_excluded {
                            &mut p.excluded
                        } else {
                            &mut p.observed
                        };
                        if !list.contains(&node) {
                            list.push(node);
                        }
                    }
                    Err(reason) => p.ignored.push(Ignored {
                        id: id.to_string(),
                        excluded: is_excluded,
                        reason,
                    }),
                }
            }
        }
        p
    }
}

/// One term: the node, and whether it was redirected (`Some(obsolete)`).
fn term(
    kg: &KnowledgeGraph,
    root: Option<NodeId>,
    id: &str,
) -> Result<(NodeId, Option<bool>), IgnoreReason> {
    let c = Curie::parse(id).map_err(|_| IgnoreReason::NotAnHpoId)?;
    if c.prefix() != Prefix::Hp {
        return Err(IgnoreReason::NotAnHpoId);
    }
    let (node, redirect) = match kg.find_phenotype(&c) {
        Lookup::Found(n) => (n, None),
        Lookup::Redirected { node, reason } => (node, Some(reason == RedirectReason::Obsolete)),
        _ => return Err(IgnoreReason::UnknownTerm),
    };
    if kg.phenotype(node).obsolete {
        return Err(IgnoreReason::ObsoleteWithoutReplacement);
    }
    if let Some(root) = root {
        if node != root && !kg.is_a(node, root) {
            return Err(IgnoreReason::NotAPhenotypicAbnormality);
        }
    }
    Ok((node, redirect))
}
