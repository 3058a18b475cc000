//! Identifier arguments, parsed once at the edge, and the one resolver that
//! turns them into nodes.
//!
//! An argument typed [`DiseaseId`], [`PhenotypeId`], [`GeneId`] or
//! [`EntityId`] is parsed while async-graphql coerces the request's
//! arguments, before any resolver runs: a malformed id is a
//! `BAD_USER_INPUT` error naming the id, with the field's path. In the
//! schema they are all `ID`, so that clients' `$id: ID!` variables, their
//! codegen and their normalised caches see the type the GraphQL spec gives
//! identifiers; the kind is in each argument's description.
//!
//! [`resolve`] applies the same rules to every kind: the id names a node
//! (or redirects to one: an alt or obsolete HPO id, a previous gene
//! symbol), names several (`AMBIGUOUS_ID`, with the candidates), or names
//! nothing (`null`; [`require`] makes that `NOT_FOUND` where an answer
//! needs the node). Batch lookups take `[ID!]!` and parse item by item
//! with [`find`], so that one bad id does not void the rest.
//!
//! A patient's terms (`rankDiseases(phenotypes:)`) are the one exception:
//! a term the served HPO does not know is skipped and reported there
//! (`ignoredTerms`), which is `analytics::patient`'s rule.

use super::error::ApiError;
use super::phenotype::Redirect;
use crate::curie::{Curie, GeneKey, Prefix};
use crate::graph::explore::{self, Entity};
use crate::graph::model::NodeId;
use crate::graph::{KnowledgeGraph, Lookup};
use async_graphql::registry::Registry;
use async_graphql::{InputType, InputValueError, InputValueResult, Value, ID};
use std::borrow::Cow;

/// A kind of id that names graph nodes.
pub trait Key: Sized {
    /// Parses the id as a client sent it.
    fn parse_id(id: &str) -> Result<Self, ApiError>;
    /// The id as asked, for redirects and errors.
    fn asked(&self) -> &str;
    /// What the graph says the id names.
    fn lookup(&self, kg: &KnowledgeGraph) -> Lookup;
    /// The canonical id of a node of this kind, for ambiguity candidates.
    fn canonical(kg: &KnowledgeGraph, node: NodeId) -> String;
    /// "disease", "HPO term", "gene": for "not found" messages.
    const WHAT: &'static str;
}

/// A node an id resolved to, and how, when it was redirected.
pub struct Resolved {
    /// The node.
    pub node: NodeId,
    /// Set when the id was an alternative one (alt id, previous symbol).
    pub redirect: Option<Redirect>,
}

/// The one resolver: the node `key` names, `None` when it names none, an
/// `AMBIGUOUS_ID` error when it names several.
pub fn resolve<K: Key>(kg: &KnowledgeGraph, key: &K) -> Result<Option<Resolved>, ApiError> {
    match key.lookup(kg) {
        Lookup::Found(node) => Ok(Some(Resolved {
            node,
            redirect: None,
        })),
        Lookup::Redirected { node, reason } => Ok(Some(Resolved {
            node,
            redirect: Some(Redirect {
                from: key.asked().to_string(),
                reason: reason.into(),
            }),
        })),
        Lookup::NotFound => Ok(None),
        Lookup::Ambiguous(v) => Err(ApiError::AmbiguousId {
            id: key.asked().to_string(),
            candidates: v.into_iter().map(|n| K::canonical(kg, n)).collect(),
        }),
    }
}

/// [`resolve`], where an unknown id is a `NOT_FOUND` error.
pub fn require<K: Key>(kg: &KnowledgeGraph, key: &K) -> Result<NodeId, ApiError> {
    resolve(kg, key)?.map(|r| r.node).ok_or_else(|| {
        ApiError::NotFound(format!(
            "`{}` names no {} in this release",
            key.asked(),
            K::WHAT
        ))
    })
}

/// Parses and resolves one item of a batch: `Err` only for a malformed or
/// ambiguous id.
pub fn find<K: Key>(kg: &KnowledgeGraph, id: &str) -> Result<Option<Resolved>, ApiError> {
    resolve(kg, &K::parse_id(id)?)
}

/// Declares an id argument type: a newtype over its parsed form, shown as
/// `ID` in the schema and parsed during argument coercion.
macro_rules! id_argument {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            asked: String,
            parsed: $inner,
        }

        impl InputType for $name {
            type RawValueType = Self;

            fn type_name() -> Cow<'static, str> {
                <ID as InputType>::type_name()
            }

            fn create_type_info(registry: &mut Registry) -> String {
                <ID as InputType>::create_type_info(registry)
            }

            fn parse(value: Option<Value>) -> InputValueResult<Self> {
                let id = <ID as InputType>::parse(value).map_err(InputValueError::propagate)?;
                <$name>::parse_id(&id)
                    .map_err(|e| InputValueError::custom(&e).with_extension("code", e.code()))
            }

            fn to_value(&self) -> Value {
                Value::String(self.asked.clone())
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }
        }
    };
}

id_argument!(
    /// A disease id: any of its CURIEs (`ORPHA:732`, `MONDO:0007947`,
    /// `OMIM:154700`) or a cross-reference (GARD, DOID, MESH, UMLS, NCIT,
    /// ICD10CM).
    DiseaseId(Curie)
);

id_argument!(
    /// An HPO term id (`HP:0003701`), an alt id or an obsolete id.
    PhenotypeId(Curie)
);

id_argument!(
    /// A gene: a symbol (current, previous or alias), `HGNC:n`, `NCBIGene:n`
    /// or `ENSEMBL:ENSG...`.
    GeneId(GeneKey)
);

id_argument!(
    /// Any entity: a disease, HPO term or gene id, `DRUG:name`,
    /// `DESIGNATION:FDA-L123` or an NCT number.
    EntityId(EntityKey)
);

impl Key for DiseaseId {
    const WHAT: &'static str = "disease";

    fn parse_id(id: &str) -> Result<Self, ApiError> {
        let c = Curie::parse(id)?;
        if !c.prefix().is_disease() {
            return Err(ApiError::BadUserInput(format!(
                "`{id}` is not a disease identifier (expected MONDO, ORPHA, OMIM, DECIPHER, GARD, DOID, MESH, UMLS, NCIT or ICD10CM)"
            )));
        }
        Ok(DiseaseId {
            asked: id.to_string(),
            parsed: c,
        })
    }
    fn asked(&self) -> &str {
        &self.asked
    }
    fn lookup(&self, kg: &KnowledgeGraph) -> Lookup {
        kg.find_disease(&self.parsed)
    }
    fn canonical(kg: &KnowledgeGraph, node: NodeId) -> String {
        kg.disease(node).id.to_string()
    }
}

impl Key for PhenotypeId {
    const WHAT: &'static str = "HPO term";

    fn parse_id(id: &str) -> Result<Self, ApiError> {
        let c = Curie::parse(id)?;
        if c.prefix() != Prefix::Hp {
            return Err(ApiError::BadUserInput(format!(
                "`{id}` is not an HPO term id (expected HP:0000000)"
            )));
        }
        Ok(PhenotypeId {
            asked: id.to_string(),
            parsed: c,
        })
    }
    fn asked(&self) -> &str {
        &self.asked
    }
    fn lookup(&self, kg: &KnowledgeGraph) -> Lookup {
        kg.find_phenotype(&self.parsed)
    }
    fn canonical(kg: &KnowledgeGraph, node: NodeId) -> String {
        kg.phenotype(node).id.to_string()
    }
}

impl Key for GeneId {
    const WHAT: &'static str = "gene";

    /// A gene CURIE or a symbol, taken as it is (`IGLV(VI)-25-1`,
    /// `CYP4F-se9[6:7:8]`); empty, over-long or control characters are
    /// refused (see [`GeneKey::parse`]).
    fn parse_id(id: &str) -> Result<Self, ApiError> {
        Ok(GeneId {
            asked: id.to_string(),
            parsed: GeneKey::parse(id)?,
        })
    }
    fn asked(&self) -> &str {
        &self.asked
    }
    fn lookup(&self, kg: &KnowledgeGraph) -> Lookup {
        kg.find_gene_key(&self.parsed)
    }
    fn canonical(kg: &KnowledgeGraph, node: NodeId) -> String {
        kg.gene(node).id.to_string()
    }
}

/// What an [`EntityId`] is, by its form.
#[derive(Debug, Clone)]
pub enum EntityKey {
    /// A drug, designation or trial id (see [`explore::find_record`]).
    Record(String),
    /// A disease CURIE.
    Disease(DiseaseId),
    /// An HPO term id.
    Phenotype(PhenotypeId),
    /// A gene id or symbol.
    Gene(GeneId),
}

impl EntityId {
    /// The one resolver over every entity type: records by their ids, then
    /// diseases, terms and genes by [`resolve`]'s rules; `None` when nothing
    /// has the id.
    pub fn resolve(&self, kg: &KnowledgeGraph) -> Result<Option<Entity>, ApiError> {
        Ok(match &self.parsed {
            EntityKey::Record(id) => explore::find_record(kg, id),
            EntityKey::Disease(k) => resolve(kg, k)?.map(|r| Entity::Disease(r.node)),
            EntityKey::Phenotype(k) => resolve(kg, k)?.map(|r| Entity::Phenotype(r.node)),
            EntityKey::Gene(k) => resolve(kg, k)?.map(|r| Entity::Gene(r.node)),
        })
    }

    /// [`EntityId::resolve`], where an unknown id is a `NOT_FOUND` error.
    pub fn require(&self, kg: &KnowledgeGraph) -> Result<Entity, ApiError> {
        self.resolve(kg)?.ok_or_else(|| {
            ApiError::NotFound(format!(
                "nothing in this release has the id `{}`",
                self.asked
            ))
        })
    }
}

impl EntityId {
    /// Sorts an id by its form: a record id, else a disease or HPO CURIE,
    /// else a gene id or symbol.
    pub fn parse_id(id: &str) -> Result<Self, ApiError> {
        let parsed = if explore::is_record_id(id) {
            EntityKey::Record(id.trim().to_string())
        } else {
            match Curie::parse(id) {
                Ok(c) if c.prefix().is_disease() => EntityKey::Disease(DiseaseId::parse_id(id)?),
                Ok(c) if c.prefix() == Prefix::Hp => {
                    EntityKey::Phenotype(PhenotypeId::parse_id(id)?)
                }
                _ => EntityKey::Gene(GeneId::parse_id(id)?),
            }
        };
        Ok(EntityId {
            asked: id.to_string(),
            parsed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_refuses_the_ids_of_the_others() {
        assert!(DiseaseId::parse_id("ORPHA:732").is_ok());
        assert!(DiseaseId::parse_id("HP:0003701").is_err());
        assert!(PhenotypeId::parse_id("HP:0003701").is_ok());
        assert!(PhenotypeId::parse_id("ORPHA:732").is_err());
        assert!(GeneId::parse_id("FBN1").is_ok());
        assert!(GeneId::parse_id("MONDO:0019127").is_err());
        let e = DiseaseId::parse_id("ORPHA:abc").unwrap_err();
        assert!(e.to_string().contains("ORPHA:abc"), "{e}");
    }

    #[test]
    fn an_entity_id_is_sorted_by_its_form() {
        let kind = |id: &str| match EntityId::parse_id(id).unwrap().parsed {
            EntityKey::Record(_) => "record",
            EntityKey::Disease(_) => "disease",
            EntityKey::Phenotype(_) => "phenotype",
            EntityKey::Gene(_) => "gene",
        };
        assert_eq!(kind("DRUG:bosentan"), "record");
        assert_eq!(kind("designation:FDA-L12"), "record");
        assert_eq!(kind("NCT01234567"), "record");
        assert_eq!(kind("ORPHA:732"), "disease");
        assert_eq!(kind("HP:0003701"), "phenotype");
        assert_eq!(kind("FBN1"), "gene");
        assert_eq!(kind("HGNC:3603"), "gene");
    }

    /// A malformed id argument fails during coercion with the code the
    /// resolvers' errors carry.
    #[test]
    fn a_malformed_argument_is_bad_user_input_at_coercion() {
        let err = <DiseaseId as InputType>::parse(Some(Value::from("banana"))).unwrap_err();
        let e = err.into_server_error(Default::default());
        assert!(e.message.contains("banana"), "{}", e.message);
        let code = e.extensions.and_then(|x| x.get("code").cloned());
        assert_eq!(code, Some(Value::from("BAD_USER_INPUT")));
        assert_eq!(<DiseaseId as InputType>::type_name(), "ID");
    }
}
