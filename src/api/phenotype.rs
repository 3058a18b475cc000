//! The `Phenotype` type (an HPO term) and its connections.

use super::connection::{Connection, PageArgs};
use super::disease::{by_qualifier, Disease, PhenotypeAssociationFields, Qualifier};
use super::error::Coded;
use super::gene::{Gene, GenePhenotypeFields};
use super::{analytics, kg};
use crate::graph::model::{EdgeId, NodeId};
use crate::graph::{RedirectReason, Rel};
use async_graphql::{Context, Enum, Object, Result, SimpleObject};

/// An HPO term.
pub struct Phenotype {
    pub node: NodeId,
    /// Set when the term was looked up by another id.
    pub redirect: Option<Redirect>,
}

impl Phenotype {
    pub fn new(node: NodeId) -> Self {
        Phenotype {
            node,
            redirect: None,
        }
    }
}

/// Why a lookup answered with another record than the id asked for.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum RedirectKind {
    /// The id is an alternative id (`alt_id`) of this term.
    AltId,
    /// The id is an obsolete term replaced by this one.
    Obsolete,
    /// The symbol is a previous or alias symbol of this gene.
    PreviousSymbol,
}

impl From<RedirectReason> for RedirectKind {
    fn from(r: RedirectReason) -> Self {
        match r {
            RedirectReason::AltId => RedirectKind::AltId,
            RedirectReason::Obsolete => RedirectKind::Obsolete,
            RedirectReason::PreviousSymbol => RedirectKind::PreviousSymbol,
        }
    }
}

/// The id a lookup was made with, when it was redirected.
#[derive(SimpleObject, Clone)]
pub struct Redirect {
    /// The id or symbol as asked.
    pub from: String,
    /// Why it was redirected.
    pub reason: RedirectKind,
}

/// An HPO synonym.
#[derive(SimpleObject)]
pub struct TermSynonym<'a> {
    /// The synonym.
    text: &'a str,
    /// EXACT, BROAD, NARROW or RELATED.
    scope: &'static str,
    /// Synonym type, e.g. `layperson`, `abbreviation`.
    kind: Option<&'a str>,
}

/// An HPO term, e.g. `HP:0003701` (Proximal muscle weakness).
#[Object]
impl Phenotype {
    /// The HP id.
    async fn id<'c>(&self, ctx: &Context<'c>) -> &'c str {
        kg(ctx).phenotype(self.node).id.as_str()
    }
    /// The term's label, e.g. `Proximal muscle weakness`.
    async fn name<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &kg(ctx).phenotype(self.node).name
    }
    /// HPO's textual definition; null when the term has none.
    async fn definition<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).phenotype(self.node).definition.as_deref()
    }
    /// References of the definition.
    async fn definition_references<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &kg(ctx).phenotype(self.node).definition_refs
    }
    /// HPO's comment on the term (usage notes); null when it has none.
    async fn comment<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).phenotype(self.node).comment.as_deref()
    }
    /// Synonyms, in HPO's order, with their scope and type.
    async fn synonyms<'c>(&self, ctx: &Context<'c>) -> Vec<TermSynonym<'c>> {
        use crate::ingest::obo::SynonymScope::*;
        kg(ctx)
            .phenotype(self.node)
            .synonyms
            .iter()
            .map(|s| TermSynonym {
                text: &s.text,
                scope: match s.scope {
                    Exact => "EXACT",
                    Broad => "BROAD",
                    Narrow => "NARROW",
                    Related => "RELATED",
                },
                kind: s.kind.as_deref(),
            })
            .collect()
    }
    /// Cross-references (UMLS, SNOMED CT, MeSH, ...).
    async fn xrefs<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &kg(ctx).phenotype(self.node).xrefs
    }
    /// Alternative ids that resolve to this term.
    async fn alt_ids<'c>(&self, ctx: &Context<'c>) -> Vec<&'c str> {
        kg(ctx)
            .phenotype(self.node)
            .alt_ids
            .iter()
            .map(|c| c.as_str())
            .collect()
    }
    /// Whether HPO marks the term obsolete (see `replacedBy` and `consider`).
    async fn is_obsolete(&self, ctx: &Context<'_>) -> bool {
        kg(ctx).phenotype(self.node).obsolete
    }
    /// Information content from the OMIM annotations, as pyhpo computes it:
    /// `-ln(n / N)`, `n` the OMIM diseases annotated to the term or below,
    /// `N` all OMIM diseases annotated; 0 where `n` is 0.
    async fn information_content(&self, ctx: &Context<'_>) -> f64 {
        analytics(ctx).ic(self.node)
    }
    /// For an obsolete term: the term that replaces it.
    async fn replaced_by(&self, ctx: &Context<'_>) -> Option<Phenotype> {
        let g = kg(ctx);
        let r = g.phenotype(self.node).replaced_by.as_ref()?;
        match g.find_phenotype(r) {
            crate::graph::Lookup::Found(n) | crate::graph::Lookup::Redirected { node: n, .. } => {
                Some(Phenotype::new(n))
            }
            _ => None,
        }
    }
    /// For an obsolete term: terms to consider instead.
    async fn consider(&self, ctx: &Context<'_>) -> Vec<Phenotype> {
        let g = kg(ctx);
        g.phenotype(self.node)
            .consider
            .iter()
            .filter_map(|c| match g.find_phenotype(c) {
                crate::graph::Lookup::Found(n)
                | crate::graph::Lookup::Redirected { node: n, .. } => Some(Phenotype::new(n)),
                _ => None,
            })
            .collect()
    }
    /// How `id` leads to this term when it is one of its alt_ids or an
    /// obsolete id it replaces; null when `id` is this term's own id or
    /// names another. Pass the id you looked the term up by
    /// (`phenotype(id: $id) { redirectedFrom(id: $id) { from reason } }`):
    /// the answer then depends on the term and the argument only, so a
    /// normalised cache keeps it right. Without `id`, the redirect of the
    /// lookup that reached this term, which a cache shared between lookups
    /// cannot keep apart.
    async fn redirected_from(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The id to explain, e.g. the alt_id `HP:0003432`.")] id: Option<
            super::ids::PhenotypeId,
        >,
    ) -> Option<Redirect> {
        match id {
            None => self.redirect.clone(),
            Some(id) => super::ids::resolve(kg(ctx), &id)
                .ok()
                .flatten()
                .filter(|p| p.node == self.node)
                .and_then(|p| p.redirect),
        }
    }
    /// Direct parents (is_a).
    async fn parents(&self, ctx: &Context<'_>) -> Vec<Phenotype> {
        let g = kg(ctx);
        g.edges(self.node, Rel::Parents)
            .iter()
            .map(|&e| Phenotype::new(g.other(e, self.node)))
            .collect()
    }
    /// Direct children, by name.
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<PhenotypeEdge>> {
        let g = kg(ctx);
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        Ok(page.apply(g.edges(self.node, Rel::Children), |cursor, &e| {
            PhenotypeEdge {
                cursor,
                node: g.other(e, self.node),
            }
        }))
    }
    /// All ancestors (transitive is_a), by HP id.
    async fn ancestors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<PhenotypeEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let v: Vec<NodeId> = kg(ctx).ancestors(self.node).collect();
        Ok(page.apply(&v, |cursor, &node| PhenotypeEdge { cursor, node }))
    }
    /// All descendants (transitive), by HP id.
    async fn descendants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<PhenotypeEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let v: Vec<NodeId> = kg(ctx).descendants(self.node).collect();
        Ok(page.apply(&v, |cursor, &node| PhenotypeEdge { cursor, node }))
    }
    /// Diseases annotated with this term, by name. With
    /// `includeDescendants: true`, also diseases annotated with any more
    /// specific term (each disease once; `annotatedTerm` says which term).
    async fn diseases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
        #[graphql(
            default = false,
            desc = "Also diseases annotated with a more specific term (each disease once)."
        )]
        include_descendants: bool,
        #[graphql(
            default,
            desc = "Present annotations (default), excluded ones, or all."
        )]
        qualifier: Qualifier,
    ) -> Result<Connection<PhenotypeDiseaseEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let g = kg(ctx);
        let direct = by_qualifier(ctx, g.edges(self.node, Rel::PhenotypeDiseases), qualifier);
        let make = |cursor, &edge: &EdgeId| PhenotypeDiseaseEdge { cursor, edge };
        if !include_descendants {
            return Ok(page.apply(direct, make));
        }
        let mut seen = vec![];
        let mut all: Vec<(u32, EdgeId)> = Vec::new();
        for term in std::iter::once(self.node).chain(g.descendants(self.node)) {
            for &e in by_qualifier(ctx, g.edges(term, Rel::PhenotypeDiseases), qualifier) {
                let (_, d, _) = g.edge(e);
                all.push((g.rank(d), e));
            }
        }
        // Each disease once: keep its first (closest) annotation.
        all.sort_by_key(|&(r, _)| r);
        all.dedup_by_key(|&mut (r, _)| r);
        seen.extend(all.into_iter().map(|(_, e)| e));
        Ok(page.apply(&seen, make))
    }
    /// Genes linked to this term through their diseases (genes_to_phenotype),
    /// by symbol.
    async fn genes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<PhenotypeGeneEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        Ok(page.apply(
            kg(ctx).edges(self.node, Rel::PhenotypeGenes),
            |cursor, &edge| PhenotypeGeneEdge { cursor, edge },
        ))
    }
}

/// An HPO term in a list.
pub struct PhenotypeEdge {
    pub cursor: String,
    pub node: NodeId,
}

/// An HPO term in a list.
#[Object]
impl PhenotypeEdge {
    /// Opaque cursor; pass as `after` to continue after this edge.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The term.
    async fn node(&self) -> Phenotype {
        Phenotype::new(self.node)
    }
}

/// A disease annotated with a phenotype.
pub struct PhenotypeDiseaseEdge {
    pub cursor: String,
    pub edge: EdgeId,
}

/// A disease annotated with a phenotype.
#[Object]
impl PhenotypeDiseaseEdge {
    /// The disease.
    async fn node(&self, ctx: &Context<'_>) -> Disease {
        Disease(kg(ctx).edge(self.edge).1)
    }
    /// The term the disease is annotated with (a descendant when `includeDescendants` is set).
    async fn annotated_term(&self, ctx: &Context<'_>) -> Phenotype {
        Phenotype::new(kg(ctx).edge(self.edge).2)
    }
    #[graphql(flatten)]
    async fn association(&self) -> PhenotypeAssociationFields {
        PhenotypeAssociationFields {
            cursor: self.cursor.clone(),
            edge: self.edge,
        }
    }
}

/// A gene linked to a phenotype.
pub struct PhenotypeGeneEdge {
    pub cursor: String,
    pub edge: EdgeId,
}

/// A gene linked to a phenotype.
#[Object]
impl PhenotypeGeneEdge {
    /// The gene.
    async fn node(&self, ctx: &Context<'_>) -> Gene {
        Gene::new(kg(ctx).edge(self.edge).1)
    }
    #[graphql(flatten)]
    async fn association(&self) -> GenePhenotypeFields {
        GenePhenotypeFields {
            cursor: self.cursor.clone(),
            edge: self.edge,
        }
    }
}
