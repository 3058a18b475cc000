//! The root `Query`, split by entity with `MergedObject`.

use super::connection::{Connection, PageArgs};
use super::disease::{Disease, DiseaseEdge};
use super::error::ApiError;
use super::error::Coded;
use super::gene::{Gene, GeneEdge};
use super::ids::{self, DiseaseId, GeneId, PhenotypeId};
use super::kg;
use super::phenotype::{Phenotype, PhenotypeEdge};
use super::provenance::SourceInfo;
use super::release::ReleasePin;
use crate::graph::model::{NodeId, Source};
use crate::graph::Rel;
use async_graphql::{
    Context, Enum, ErrorExtensions, InputObject, MergedObject, Object, Result, SimpleObject, ID,
};

/// The most ids one batch lookup may ask for.
pub const MAX_BATCH: usize = 500;

/// The root query.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    DiseaseQuery,
    PhenotypeQuery,
    GeneQuery,
    MetaQuery,
    RecordQuery,
    super::ontology::OntologyQuery,
    super::release::ReleaseQuery,
    super::search::SearchQuery,
    super::analytics::AnalyticsQuery,
    super::explore::ExploreQuery,
);

fn phenotype(r: ids::Resolved) -> Phenotype {
    Phenotype {
        node: r.node,
        redirect: r.redirect,
    }
}

fn gene(r: ids::Resolved) -> Gene {
    Gene {
        node: r.node,
        redirect: r.redirect,
    }
}

/// A batch lookup's answer, item by item: `null` for an unknown id, and
/// for a malformed or ambiguous one `null` with an error whose `path`
/// names its index, so one bad id does not void the rest.
fn per_item<T>(
    ids: &[ID],
    find: impl Fn(&str) -> Result<Option<T>, ApiError>,
) -> Vec<Option<Result<T>>> {
    ids.iter()
        .map(|id| match find(id) {
            Ok(found) => found.map(Ok),
            Err(e) => Some(Err(e.extend())),
        })
        .collect()
}

fn check_batch(ids: &[ID]) -> Result<(), ApiError> {
    if ids.len() > MAX_BATCH {
        return Err(ApiError::BadUserInput(format!(
            "at most {MAX_BATCH} ids per request (got {})",
            ids.len()
        )));
    }
    Ok(())
}

/// A data source, for filtering.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "Source")]
pub enum SourceName {
    /// The Human Phenotype Ontology (`hp.obo`)
    Hpo,
    /// HPO's disease annotations (`phenotype.hpoa`)
    Hpoa,
    /// HPO's gene-phenotype links (`genes_to_phenotype.txt`)
    GenesToPhenotype,
    /// Orphanet (ORPHApackets)
    Orphanet,
    /// MONDO (its rare-disease subset and mappings)
    Mondo,
    /// HGNC's approved human genes
    Hgnc,
    /// FDA orphan designations
    Fda,
    /// ClinicalTrials.gov
    ClinicalTrials,
    /// This project's curated files and curators' changes
    Curated,
}

/// Filters for `diseases`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct DiseaseFilter {
    /// Case-insensitive substring of the name or a synonym.
    pub name_contains: Option<String>,
    /// Only diseases this source contributes to.
    pub source: Option<SourceName>,
    /// Orphanet disorder type, e.g. `Disease`, `Clinical subtype`.
    pub disorder_type: Option<String>,
    /// Only diseases annotated with this HPO term or a descendant of it.
    pub has_phenotype: Option<PhenotypeId>,
    /// Only diseases associated with this gene.
    pub has_gene: Option<GeneId>,
}

#[derive(Default)]
pub struct DiseaseQuery;

#[Object]
impl DiseaseQuery {
    /// A disease by any of its CURIEs (`ORPHA:732`, `Orphanet:732`, `MONDO:0019127`,
    /// `OMIM:154700`, `GARD:7425`, `DOID:...`, `MESH:...`, `UMLS:...`). Null when
    /// no disease has the id; an error when the id is malformed.
    async fn disease(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(
            desc = "Any id of the disease (`ORPHA:732`, `MONDO:0007947`, `OMIM:154700`) or a cross-reference naming one disease (GARD, DOID, MESH, UMLS, NCIT, ICD10CM)."
        )]
        id: DiseaseId,
    ) -> Result<Option<Disease>> {
        Ok(ids::resolve(kg(ctx), &id).coded()?.map(|r| Disease(r.node)))
    }
    /// Many diseases at once, in the order asked, with null for unknown ids.
    async fn diseases_by_ids(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(desc = "At most 500 disease ids, each as for `disease`.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Result<Disease>>>> {
        check_batch(&ids).coded()?;
        let g = kg(ctx);
        Ok(per_item(&ids, |id| {
            Ok(ids::find::<DiseaseId>(g, id)?.map(|r| Disease(r.node)))
        }))
    }
    /// Diseases by name, filtered.
    async fn diseases(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(desc = "Conditions every disease listed must meet (default: no filter).")]
        filter: Option<DiseaseFilter>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<DiseaseEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let g = kg(ctx);
        let f = filter.unwrap_or_default();
        let needle = f.name_contains.as_ref().map(|s| s.trim().to_lowercase());
        let phenotype = match &f.has_phenotype {
            Some(id) => match ids::resolve(g, id).coded()? {
                Some(p) => Some(p.node),
                None => {
                    return Ok(page.apply(&[] as &[NodeId], |cursor, &node| DiseaseEdge {
                        cursor,
                        node,
                    }))
                }
            },
            None => None,
        };
        let gene = match &f.has_gene {
            Some(id) => match ids::resolve(g, id).coded()? {
                Some(x) => Some(x.node),
                None => {
                    return Ok(page.apply(&[] as &[NodeId], |cursor, &node| DiseaseEdge {
                        cursor,
                        node,
                    }))
                }
            },
            None => None,
        };
        let source: Option<Source> = f.source.map(Into::into);
        let matches: Vec<NodeId> = g
            .diseases_by_name()
            .iter()
            .copied()
            .filter(|&n| {
                let d = g.disease(n);
                if let Some(s) = source {
                    if !d.sources.contains(&s) {
                        return false;
                    }
                }
                if let Some(t) = &f.disorder_type {
                    if !d.disorder_type.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(t)) {
                        return false;
                    }
                }
                if let Some(needle) = &needle {
                    let hit = d.name.value.to_lowercase().contains(needle)
                        || d.synonyms.iter().any(|s| s.value.to_lowercase().contains(needle));
                    if !hit {
                        return false;
                    }
                }
                if let Some(p) = phenotype {
                    if !g.edges(n, Rel::DiseasePhenotypes).iter().any(|&e| {
                        matches!(g.edge(e).0, crate::graph::model::Edge::HasPhenotype(a) if !a.negated) && g.is_a(g.other(e, n), p)
                    }) {
                        return false;
                    }
                }
                if let Some(x) = gene {
                    if !g.edges(n, Rel::DiseaseGenes).iter().any(|&e| g.other(e, n) == x) {
                        return false;
                    }
                }
                true
            })
            .collect();
        Ok(page.apply(&matches, |cursor, &node| DiseaseEdge { cursor, node }))
    }
}

/// Filters for `phenotypes`.
#[derive(InputObject, Default)]
pub struct PhenotypeFilter {
    /// Case-insensitive substring of the name or a synonym.
    pub name_contains: Option<String>,
    /// Only this term's descendants (the term itself excluded).
    pub descendant_of: Option<PhenotypeId>,
    /// Include obsolete terms (default false).
    pub include_obsolete: Option<bool>,
}

#[derive(Default)]
pub struct PhenotypeQuery;

#[Object]
impl PhenotypeQuery {
    /// An HPO term by HP id, alt_id or obsolete id. Alt and obsolete ids answer
    /// with the current term and set `redirectedFrom`.
    async fn phenotype(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(desc = "An HP id (`HP:0003701`), alt_id or obsolete id.")] id: PhenotypeId,
    ) -> Result<Option<Phenotype>> {
        Ok(ids::resolve(kg(ctx), &id).coded()?.map(phenotype))
    }
    /// Many terms at once, in the order asked, with null for unknown ids.
    async fn phenotypes_by_ids(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(desc = "At most 500 HPO ids, each as for `phenotype`.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Result<Phenotype>>>> {
        check_batch(&ids).coded()?;
        let g = kg(ctx);
        Ok(per_item(&ids, |id| {
            Ok(ids::find::<PhenotypeId>(g, id)?.map(phenotype))
        }))
    }
    /// HPO terms by name, filtered.
    async fn phenotypes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(desc = "Conditions every term listed must meet (default: no filter).")]
        filter: Option<PhenotypeFilter>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<PhenotypeEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let g = kg(ctx);
        let f = filter.unwrap_or_default();
        let needle = f.name_contains.as_ref().map(|s| s.trim().to_lowercase());
        let ancestor = match &f.descendant_of {
            Some(id) => match ids::resolve(g, id).coded()? {
                Some(p) => Some(p.node),
                None => {
                    return Ok(page.apply(&[] as &[NodeId], |cursor, &node| PhenotypeEdge {
                        cursor,
                        node,
                    }))
                }
            },
            None => None,
        };
        let obsolete = f.include_obsolete.unwrap_or(false);
        let matches: Vec<NodeId> = g
            .phenotypes_by_name()
            .iter()
            .copied()
            .filter(|&n| {
                let p = g.phenotype(n);
                (obsolete || !p.obsolete)
                    && ancestor.is_none_or(|a| a != n && g.is_a(n, a))
                    && needle.as_ref().is_none_or(|needle| {
                        p.name.to_lowercase().contains(needle)
                            || p.synonyms
                                .iter()
                                .any(|s| s.text.to_lowercase().contains(needle))
                    })
            })
            .collect();
        Ok(page.apply(&matches, |cursor, &node| PhenotypeEdge { cursor, node }))
    }
}

/// Filters for `genes`.
#[derive(InputObject, Default)]
pub struct GeneFilter {
    /// Case-insensitive prefix of the symbol.
    pub symbol_prefix: Option<String>,
    /// Case-insensitive substring of the approved name.
    pub name_contains: Option<String>,
    /// Locus type, e.g. `gene with protein product`.
    pub locus_type: Option<String>,
    /// Only genes with at least one disease association.
    pub has_disease: Option<bool>,
}

#[derive(Default)]
pub struct GeneQuery;

#[Object]
impl GeneQuery {
    /// A gene by current, previous or alias symbol (case-insensitive), `HGNC:n`,
    /// `NCBIGene:n` or `ENSEMBL:ENSG...`. A previous or alias symbol sets
    /// `redirectedFrom`; one shared by several genes is an `AMBIGUOUS_ID` error.
    async fn gene(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(
            desc = "A symbol (`FBN1`), `HGNC:3603`, `NCBIGene:2200` or `ENSEMBL:ENSG00000166147`."
        )]
        id: GeneId,
    ) -> Result<Option<Gene>> {
        Ok(ids::resolve(kg(ctx), &id).coded()?.map(gene))
    }
    /// Many genes at once, in the order asked, with null for unknown ids.
    async fn genes_by_ids(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(desc = "At most 500 gene ids or symbols, each as for `gene`.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Result<Gene>>>> {
        check_batch(&ids).coded()?;
        let g = kg(ctx);
        Ok(per_item(&ids, |id| {
            Ok(ids::find::<GeneId>(g, id)?.map(gene))
        }))
    }
    /// Genes by symbol, filtered.
    async fn genes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(desc = "Conditions every gene listed must meet (default: no filter).")]
        filter: Option<GeneFilter>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<GeneEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let g = kg(ctx);
        let f = filter.unwrap_or_default();
        let prefix = f.symbol_prefix.as_ref().map(|s| s.trim().to_uppercase());
        let needle = f.name_contains.as_ref().map(|s| s.trim().to_lowercase());
        let matches: Vec<NodeId> = g
            .genes_by_symbol()
            .iter()
            .copied()
            .filter(|&n| {
                let x = g.gene(n);
                prefix
                    .as_ref()
                    .is_none_or(|p| x.symbol.to_uppercase().starts_with(p.as_str()))
                    && needle.as_ref().is_none_or(|s| {
                        x.name
                            .as_deref()
                            .is_some_and(|nm| nm.to_lowercase().contains(s.as_str()))
                    })
                    && f.locus_type.as_ref().is_none_or(|t| {
                        x.locus_type
                            .as_deref()
                            .is_some_and(|l| l.eq_ignore_ascii_case(t))
                    })
                    && f.has_disease
                        .is_none_or(|want| want != g.edges(n, Rel::GeneDiseases).is_empty())
            })
            .collect();
        Ok(page.apply(&matches, |cursor, &node| GeneEdge { cursor, node }))
    }
}

/// How many of something.
#[derive(SimpleObject)]
pub struct TypeCount {
    /// The type: `Disease`, `Phenotype` or `Gene` in `entityCounts`; an edge
    /// kind (`has_phenotype`, `gene_associated_with_disease`,
    /// `gene_has_phenotype`, `subclass_of`) in `edgeCounts`.
    pub name: &'static str,
    /// How many this release has.
    pub count: usize,
}

/// What this server is serving.
pub struct Meta;

/// What this server is serving.
#[Object]
impl Meta {
    /// The release answering this request (see `releases`).
    async fn release_id(&self, ctx: &Context<'_>) -> u64 {
        ctx.data_unchecked::<std::sync::Arc<crate::release::Release>>()
            .id
    }
    /// Version of this API (the server's crate version).
    async fn api_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
    /// Every source this server knows, with the release loaded (`unknown`
    /// when none is), files and licences.
    async fn sources(&self) -> Vec<SourceInfo> {
        Source::ALL.into_iter().map(SourceInfo).collect()
    }
    /// Entities by type.
    async fn entity_counts(&self, ctx: &Context<'_>) -> Vec<TypeCount> {
        kg(ctx)
            .entity_counts()
            .into_iter()
            .map(|(name, count)| TypeCount { name, count })
            .collect()
    }
    /// Edges (associations) by type.
    async fn edge_counts(&self, ctx: &Context<'_>) -> Vec<TypeCount> {
        kg(ctx)
            .stats()
            .edges
            .iter()
            .map(|(&name, &count)| TypeCount { name, count })
            .collect()
    }
}

#[derive(Default)]
pub struct MetaQuery;

#[Object]
impl MetaQuery {
    /// Which releases of which sources this server is serving.
    async fn meta(
        &self,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
    ) -> Meta {
        Meta
    }
}

#[derive(Default)]
pub struct RecordQuery;

#[Object]
impl RecordQuery {
    /// A drug by id (`DRUG:bosentan`) or generic name (`bosentan`).
    async fn drug(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(
            desc = "`DRUG:bosentan` or a generic name (`Bosentan`); case and punctuation are ignored."
        )]
        id: ID,
    ) -> Option<super::drug::Drug> {
        kg(ctx).records().drug(&id).map(super::drug::Drug)
    }
    /// A clinical trial by NCT number (`NCT06472557`).
    async fn trial(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(desc = "`NCT` and 8 digits, e.g. `NCT06472557` (case-insensitive).")] nct_id: ID,
    ) -> Result<Option<super::trial::ClinicalTrial>> {
        let id = nct_id.trim().to_ascii_uppercase();
        if !crate::ingest::ctgov::is_nct_id(&id) {
            return Err(ApiError::BadUserInput(format!(
                "`{}` is not an NCT number (NCT and 8 digits)",
                nct_id.as_str()
            ))
            .into_error());
        }
        Ok(kg(ctx)
            .records()
            .trial(&id)
            .map(super::trial::ClinicalTrial))
    }
    /// Orphan designations in file order; `linked: false` lists those the
    /// entity linker could not place on a disease (kept visible, not dropped).
    async fn designations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
        #[graphql(
            desc = "`true`: only those placed on a disease; `false`: only the others; default: all."
        )]
        linked: Option<bool>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<super::drug::DesignationEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let r = kg(ctx).records();
        let list: Vec<u32> = (0..r.designations.len() as u32)
            .filter(|&i| linked.is_none_or(|l| r.designations[i as usize].link.is_some() == l))
            .collect();
        Ok(
            page.apply(&list, |cursor, &d| super::drug::DesignationEdge {
                cursor,
                node: super::drug::Designation(d),
            }),
        )
    }
    /// How many designations the entity linker placed on a disease.
    async fn designation_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<ReleasePin>,
    ) -> super::drug::DesignationStats {
        let r = kg(ctx).records();
        let total = r.designations.len();
        let linked = r.designations.iter().filter(|d| d.link.is_some()).count();
        super::drug::DesignationStats {
            total,
            linked,
            ambiguous: r
                .designations
                .iter()
                .filter(|d| !d.candidates.is_empty())
                .count(),
            unlinked: total - linked,
            share_linked: if total == 0 {
                0.0
            } else {
                linked as f64 / total as f64
            },
        }
    }
}
