//! The `Gene` type and its connections.

use super::connection::{Connection, PageArgs};
use super::disease::{Disease, GeneAssociationFields};
use super::error::Coded;
use super::kg;
use super::phenotype::{Phenotype, Redirect};
use super::provenance::{Assertion, Frequency, SourceInfo};
use crate::graph::model::{self, EdgeId, NodeId};
use crate::graph::Rel;
use async_graphql::{Context, Object, Result};

/// A human gene (HGNC-approved, or known to the annotation files).
pub struct Gene {
    pub node: NodeId,
    pub redirect: Option<Redirect>,
}

impl Gene {
    pub fn new(node: NodeId) -> Self {
        Gene {
            node,
            redirect: None,
        }
    }
}

/// A human gene (HGNC-approved, or known to the annotation files), e.g.
/// `FBN1` (`HGNC:3603`).
#[Object]
impl Gene {
    /// `HGNC:n` when a source gives the gene an HGNC id, else `NCBIGene:n`:
    /// genes are keyed by these ids, never by symbol (four NCBI genes share
    /// the symbol `-`).
    async fn id<'c>(&self, ctx: &Context<'c>) -> &'c str {
        kg(ctx).gene(self.node).id.as_str()
    }
    /// Approved symbol.
    async fn symbol<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &kg(ctx).gene(self.node).symbol
    }
    /// Approved name.
    async fn name<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).gene(self.node).name.as_deref()
    }
    /// HGNC id, e.g. `HGNC:3603`; null when no source gives one (a gene
    /// outside the HGNC release may still carry the id Orphanet gives).
    async fn hgnc_id<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).gene(self.node).hgnc.as_ref().map(|c| c.as_str())
    }
    /// NCBI Gene (Entrez) id, as `NCBIGene:n`.
    async fn ncbi_gene_id<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx)
            .gene(self.node)
            .ncbi_gene
            .as_ref()
            .map(|c| c.as_str())
    }
    /// Ensembl gene id, e.g. `ENSEMBL:ENSG00000166147`; null when HGNC gives none.
    async fn ensembl_id<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).gene(self.node).ensembl.as_ref().map(|c| c.as_str())
    }
    /// e.g. `gene with protein product`.
    async fn locus_type<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).gene(self.node).locus_type.as_deref()
    }
    /// e.g. `protein-coding gene`.
    async fn locus_group<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).gene(self.node).locus_group.as_deref()
    }
    /// Cytogenetic location, e.g. `15q21.1`.
    async fn location<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).gene(self.node).location.as_deref()
    }
    /// HGNC alias symbols (FBN1: `MASS`, `OCTD`, `SGS`); empty outside HGNC.
    async fn alias_symbols<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &kg(ctx).gene(self.node).alias_symbols
    }
    /// HGNC previous symbols (FBN1: `FBN`, `MFS1`, `WMS`); empty outside HGNC.
    async fn previous_symbols<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &kg(ctx).gene(self.node).previous_symbols
    }
    /// OMIM gene entries.
    async fn omim_ids<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &kg(ctx).gene(self.node).omim
    }
    /// Sources that know this gene.
    async fn sources(&self, ctx: &Context<'_>) -> Vec<SourceInfo> {
        kg(ctx)
            .gene(self.node)
            .sources
            .iter()
            .copied()
            .map(SourceInfo)
            .collect()
    }
    /// How `id` leads to this gene when it is one of its previous or alias
    /// symbols; null when `id` is one of its own ids or names another
    /// gene. Pass the id you looked the gene up by
    /// (`gene(id: $id) { redirectedFrom(id: $id) { from reason } }`): the
    /// answer then depends on the gene and the argument only, so a
    /// normalised cache keeps it right. Without `id`, the redirect of the
    /// lookup that reached this gene, which a cache shared between lookups
    /// cannot keep apart.
    async fn redirected_from(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The symbol or id to explain, e.g. `MFS1`, a previous symbol of FBN1.")]
        id: Option<super::ids::GeneId>,
    ) -> Option<Redirect> {
        match id {
            None => self.redirect.clone(),
            Some(id) => super::ids::resolve(kg(ctx), &id)
                .ok()
                .flatten()
                .filter(|g| g.node == self.node)
                .and_then(|g| g.redirect),
        }
    }
    /// Associated diseases (Orphanet, HPO genes_to_phenotype), by name.
    async fn diseases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<GeneDiseaseEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        Ok(page.apply(
            kg(ctx).edges(self.node, Rel::GeneDiseases),
            |cursor, &edge| GeneDiseaseEdge { cursor, edge },
        ))
    }
    /// Phenotypes of the gene's diseases (HPO genes_to_phenotype), by name.
    async fn phenotypes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<GenePhenotypeEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        Ok(page.apply(
            kg(ctx).edges(self.node, Rel::GenePhenotypes),
            |cursor, &edge| GenePhenotypeEdge { cursor, edge },
        ))
    }
}

/// A disease associated with a gene.
pub struct GeneDiseaseEdge {
    pub cursor: String,
    pub edge: EdgeId,
}

/// A disease associated with a gene.
#[Object]
impl GeneDiseaseEdge {
    /// The disease.
    async fn node(&self, ctx: &Context<'_>) -> Disease {
        Disease(kg(ctx).edge(self.edge).2)
    }
    #[graphql(flatten)]
    async fn association(&self) -> GeneAssociationFields {
        GeneAssociationFields {
            cursor: self.cursor.clone(),
            edge: self.edge,
        }
    }
}

/// A phenotype linked to a gene.
pub struct GenePhenotypeEdge {
    pub cursor: String,
    pub edge: EdgeId,
}

/// A phenotype linked to a gene.
#[Object]
impl GenePhenotypeEdge {
    /// The phenotype.
    async fn node(&self, ctx: &Context<'_>) -> Phenotype {
        Phenotype::new(kg(ctx).edge(self.edge).2)
    }
    #[graphql(flatten)]
    async fn association(&self) -> GenePhenotypeFields {
        GenePhenotypeFields {
            cursor: self.cursor.clone(),
            edge: self.edge,
        }
    }
}

fn gene_phenotype<'c>(ctx: &Context<'c>, e: EdgeId) -> &'c [model::GenePhenotypeAssertion] {
    let g = kg(ctx);
    match g.edge(e).0 {
        model::Edge::GenePhenotype(span) => g.gene_phenotype_assertions(*span),
        other => unreachable!("not a gene-phenotype edge: {other:?}"),
    }
}

/// Attributes of a gene-phenotype link, shown from either end.
pub struct GenePhenotypeFields {
    pub cursor: String,
    pub edge: EdgeId,
}

#[Object]
impl GenePhenotypeFields {
    /// Opaque cursor; pass as `after` to continue after this edge.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The diseases through which the gene and the phenotype are linked.
    async fn via_diseases(&self, ctx: &Context<'_>) -> Vec<Disease> {
        let g = kg(ctx);
        let mut out: Vec<NodeId> = Vec::new();
        for (_, p) in gene_phenotype(ctx, self.edge) {
            let id = p
                .asserted_for
                .and_then(|s| crate::curie::Curie::parse(g.text(s)).ok());
            if let Some(crate::graph::Lookup::Found(n)) = id.map(|c| g.find_disease(&c)) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out.into_iter().map(Disease).collect()
    }
    /// The sources asserting the link.
    async fn sources(&self, ctx: &Context<'_>) -> Vec<SourceInfo> {
        super::provenance::distinct_sources(gene_phenotype(ctx, self.edge).iter().map(|(_, p)| p))
    }
    /// Every assertion, with the disease it was stated for and its frequency.
    async fn evidence<'c>(&self, ctx: &Context<'c>) -> Vec<Assertion<'c>> {
        gene_phenotype(ctx, self.edge)
            .iter()
            .map(|(f, p)| Assertion {
                frequency: *f,
                ..Assertion::plain(p)
            })
            .collect()
    }
    /// The most precise frequency stated across the linking diseases.
    async fn frequency(&self, ctx: &Context<'_>) -> Option<Frequency> {
        gene_phenotype(ctx, self.edge)
            .iter()
            .filter_map(|(f, _)| *f)
            .min_by_key(model::Frequency::precision)
            .map(Frequency)
    }
}

/// A gene in a list.
pub struct GeneEdge {
    pub cursor: String,
    pub node: NodeId,
}

/// A gene in a list.
#[Object]
impl GeneEdge {
    /// Opaque cursor; pass as `after` to continue after this edge.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The gene.
    async fn node(&self) -> Gene {
        Gene::new(self.node)
    }
}
