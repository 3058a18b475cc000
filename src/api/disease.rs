//! The `Disease` type and its connections.

use super::connection::{Connection, PageArgs};
use super::curated;
use super::drug::{Designation, DesignationEdge};
use super::error::Coded;
use super::gene::Gene;
use super::kg;
use super::phenotype::Phenotype;
use super::provenance::{distinct_sources, Assertion, Frequency, SourceInfo, Xref};
use super::trial::{ClinicalTrialEdge, TrialCounts, TrialPhase, TrialStatus};
use crate::graph::model::{self, AttributeKind, EdgeId, NodeId};
use crate::graph::Rel;
use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use std::collections::BTreeSet;

/// A rare disease, merged across Orphanet, MONDO, OMIM and DECIPHER: every
/// identifier of the disease resolves to this one record.
pub struct Disease(pub NodeId);

/// Which phenotype annotations to list.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum Qualifier {
    /// Phenotypes present in the disease.
    #[default]
    Present,
    /// Phenotypes explicitly excluded (HPOA `NOT`, Orphanet "Excluded (0%)").
    Excluded,
    /// Both.
    All,
}

/// Picks the part of an adjacency list (present first, excluded last) that
/// a qualifier asks for.
pub(crate) fn by_qualifier<'a>(
    ctx: &Context<'_>,
    edges: &'a [EdgeId],
    q: Qualifier,
) -> &'a [EdgeId] {
    let g = kg(ctx);
    let split = edges.partition_point(|&e| match g.edge(e).0 {
        model::Edge::HasPhenotype(a) => !a.negated,
        _ => true,
    });
    match q {
        Qualifier::Present => &edges[..split],
        Qualifier::Excluded => &edges[split..],
        Qualifier::All => edges,
    }
}

/// A disease-level attribute: mode of inheritance, onset, clinical course.
pub struct DiseaseAttribute<'a>(&'a model::Attribute);

/// A disease-level attribute: mode of inheritance, onset, clinical course.
#[Object]
impl DiseaseAttribute<'_> {
    /// The label as the source states it (e.g. `Autosomal dominant inheritance`, `Adult`).
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// The HPO term, when the source gives one.
    async fn term(&self) -> Option<Phenotype> {
        self.0.term.map(Phenotype::new)
    }
    /// Where it comes from.
    async fn evidence(&self) -> Assertion<'_> {
        Assertion::plain(&self.0.provenance)
    }
}

/// Orphanet epidemiology: one prevalence, incidence or case count.
#[derive(SimpleObject)]
pub struct Prevalence<'a> {
    /// e.g. `Point prevalence`, `Annual incidence`, `Cases/families`.
    kind: Option<&'a str>,
    /// `Value and class`, `Only value`, `Class only`.
    qualification: Option<&'a str>,
    /// e.g. `1-9 / 100 000`.
    class: Option<&'a str>,
    /// Mean value, when given.
    mean_value: Option<&'a str>,
    /// Geographic area, e.g. `Europe`, `Worldwide`.
    geographic: Option<&'a str>,
    /// Orphanet validation status.
    validation_status: Option<&'a str>,
    /// Reference (PMID, `[EXPERT]`, registry).
    reference: Option<&'a str>,
}

/// A synonym and its source.
#[derive(SimpleObject)]
pub struct DiseaseSynonym<'a> {
    /// The synonym, e.g. `Marfan syndrome type 1`.
    text: &'a str,
    /// The source that gives it: `Orphanet`, `MONDO` or `HPOA`.
    source: &'static str,
}

/// A rare disease, merged across Orphanet, MONDO, OMIM and DECIPHER: every
/// identifier of the disease (`ORPHA:558`, `MONDO:0007947`, `OMIM:154700`)
/// resolves to this one record.
#[Object]
impl Disease {
    /// Canonical CURIE: MONDO when the disease is in MONDO, else ORPHA, OMIM or DECIPHER.
    async fn id<'c>(&self, ctx: &Context<'c>) -> &'c str {
        kg(ctx).disease(self.0).id.as_str()
    }
    /// Preferred name: MONDO's label when the disease is in MONDO (first
    /// letter capitalised, e.g. `Marfan syndrome`), else Orphanet's, else the
    /// HPO annotations' (HPOA), else the label MONDO's mappings give, else the
    /// id itself; `nameSource` says which source it is.
    async fn name<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &kg(ctx).disease(self.0).name.value
    }
    /// The source of `name`: `MONDO`, `Orphanet` or `HPOA` (as `SourceInfo.name` spells it).
    async fn name_source(&self, ctx: &Context<'_>) -> &'static str {
        kg(ctx).disease(self.0).name.source.name()
    }
    /// Textual definition (from Orphanet).
    async fn definition<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx)
            .disease(self.0)
            .definition
            .as_ref()
            .map(|d| d.value.as_str())
    }
    /// Other names of the disease, from every source.
    async fn synonyms<'c>(&self, ctx: &Context<'c>) -> Vec<&'c str> {
        kg(ctx)
            .disease(self.0)
            .synonyms
            .iter()
            .map(|s| s.value.as_str())
            .collect()
    }
    /// Other names, each with the source that gives it.
    async fn synonyms_with_source<'c>(&self, ctx: &Context<'c>) -> Vec<DiseaseSynonym<'c>> {
        kg(ctx)
            .disease(self.0)
            .synonyms
            .iter()
            .map(|s| DiseaseSynonym {
                text: &s.value,
                source: s.source.name(),
            })
            .collect()
    }
    /// Every identifier merged into this record (MONDO, ORPHA, OMIM, DECIPHER); each resolves to it.
    async fn equivalent_ids<'c>(&self, ctx: &Context<'c>) -> Vec<&'c str> {
        kg(ctx)
            .disease(self.0)
            .equivalent_ids
            .iter()
            .map(|c| c.as_str())
            .collect()
    }
    /// Cross-references to other vocabularies (DOID, MeSH, UMLS, NCIT, GARD,
    /// ICD-10-CM, related OMIM entries), with curators' changes applied.
    async fn xrefs(&self, ctx: &Context<'_>) -> Vec<Xref> {
        let d = kg(ctx).disease(self.0);
        curated::facts(ctx, self.0, &[crate::curation::FactKind::Xref])
            .await
            .into_iter()
            .filter_map(|(fact_id, f)| match f {
                crate::curation::Fact::Xref(x) => {
                    let source = d
                        .xrefs
                        .iter()
                        .find(|s| s.id.as_str() == x.xref && s.relation == x.relation)
                        .map_or(model::Source::Curated, |s| s.source);
                    Some(Xref {
                        id: ID(fact_id.clone()),
                        curie: x.xref,
                        relation: x.relation,
                        source: source.name(),
                        fact_id,
                    })
                }
                _ => None,
            })
            .collect()
    }
    /// Orphan designations of drugs for this disease (FDA; the model takes
    /// EMA's too), newest first.
    async fn designations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<DesignationEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        Ok(
            page.apply(kg(ctx).records().designations_of(self.0), |cursor, &d| {
                DesignationEdge {
                    cursor,
                    node: Designation(d),
                }
            }),
        )
    }
    /// Clinical trials for this disease, most recently updated first,
    /// optionally only those with one of `status` and one of `phase`.
    async fn trials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only trials with one of these overall statuses (default: any).")]
        status: Option<Vec<TrialStatus>>,
        #[graphql(desc = "Only trials having one of these among their phases (default: any).")]
        phase: Option<Vec<TrialPhase>>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<ClinicalTrialEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let r = kg(ctx).records();
        let all = r.trials_of(self.0);
        let filtered: Vec<u32>;
        let list = if status.is_none() && phase.is_none() {
            all
        } else {
            let statuses: Option<Vec<&str>> =
                status.map(|v| v.into_iter().map(TrialStatus::api_name).collect());
            let phases: Option<Vec<&str>> =
                phase.map(|v| v.into_iter().map(TrialPhase::api_name).collect());
            filtered = all
                .iter()
                .copied()
                .filter(|&t| {
                    let rec = &r.trials[t as usize].record;
                    statuses.as_ref().is_none_or(|s| {
                        rec.overall_status
                            .as_deref()
                            .is_some_and(|x| s.contains(&x))
                    }) && phases
                        .as_ref()
                        .is_none_or(|p| rec.phases.iter().any(|x| p.contains(&x.as_str())))
                })
                .collect();
            &filtered
        };
        Ok(page.apply(list, |cursor, &t| ClinicalTrialEdge::new(cursor, t)))
    }
    /// Active and total trial counts.
    async fn trial_counts(&self, ctx: &Context<'_>) -> TrialCounts {
        let r = kg(ctx).records();
        let list = r.trials_of(self.0);
        TrialCounts {
            active: list
                .iter()
                .filter(|&&t| r.trials[t as usize].is_active())
                .count(),
            total: list.len(),
        }
    }
    /// Patient organizations serving this disease's patients (curated).
    async fn patient_organizations(&self, ctx: &Context<'_>) -> Vec<curated::PatientOrganization> {
        curated::organizations(
            &curated::facts(
                ctx,
                self.0,
                &[crate::curation::FactKind::PatientOrganization],
            )
            .await,
        )
    }
    /// Newborn-screening panel entries for this disease (curated).
    async fn screening(&self, ctx: &Context<'_>) -> Vec<curated::ScreeningEntry> {
        curated::screening(
            &curated::facts(ctx, self.0, &[crate::curation::FactKind::Screening]).await,
        )
    }
    /// Curators' changes to this disease's curated facts, oldest first.
    async fn curation_history(&self, ctx: &Context<'_>) -> Vec<curated::CurationChange> {
        curated::changes(ctx, self.0)
            .await
            .into_iter()
            .map(curated::CurationChange)
            .collect()
    }
    /// Orphanet disorder type (`Disease`, `Clinical subtype`, `Category`, ...).
    async fn disorder_type<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).disease(self.0).disorder_type.as_deref()
    }
    /// Modes of inheritance (HPOA aspect I, Orphanet).
    async fn inheritance<'c>(&self, ctx: &Context<'c>) -> Vec<DiseaseAttribute<'c>> {
        attributes(ctx, self.0, AttributeKind::Inheritance)
    }
    /// Ages of onset (HPOA aspect C under Onset, Orphanet average age of onset).
    async fn onset<'c>(&self, ctx: &Context<'c>) -> Vec<DiseaseAttribute<'c>> {
        attributes(ctx, self.0, AttributeKind::Onset)
    }
    /// Clinical course other than onset (HPOA aspect C), e.g. progression, mortality.
    async fn clinical_course<'c>(&self, ctx: &Context<'c>) -> Vec<DiseaseAttribute<'c>> {
        attributes(ctx, self.0, AttributeKind::ClinicalCourse)
    }
    /// The MONDO subsets of rare-disease programmes this disease is in:
    /// `nord_rare` (NORD's rare disease database) and `gard_rare` (GARD,
    /// the NIH Genetic and Rare Diseases Information Center), stated by
    /// MONDO for its id.
    async fn subsets<'c>(&self, ctx: &Context<'c>) -> Vec<DiseaseAttribute<'c>> {
        attributes(ctx, self.0, AttributeKind::Subset)
    }
    /// Clinical modifiers (HPOA aspect M) and past medical history (aspect H).
    async fn modifiers<'c>(&self, ctx: &Context<'c>) -> Vec<DiseaseAttribute<'c>> {
        let mut v = attributes(ctx, self.0, AttributeKind::Modifier);
        v.extend(attributes(ctx, self.0, AttributeKind::History));
        v
    }
    /// Orphanet prevalence, incidence and case counts.
    async fn prevalences<'c>(&self, ctx: &Context<'c>) -> Vec<Prevalence<'c>> {
        kg(ctx)
            .disease(self.0)
            .prevalences
            .iter()
            .map(|p| Prevalence {
                kind: p.kind.as_deref(),
                qualification: p.qualification.as_deref(),
                class: p.class.as_deref(),
                mean_value: p.mean_value.as_deref(),
                geographic: p.geographic.as_deref(),
                validation_status: p.validation_status.as_deref(),
                reference: p.reference.as_deref(),
            })
            .collect()
    }
    /// Sources that contribute to this record, with their releases,
    /// licences and data-as-of dates.
    async fn sources(&self, ctx: &Context<'_>) -> Vec<SourceInfo> {
        let kg = kg(ctx);
        let r = kg.records();
        let mut out: Vec<model::Source> = kg.disease(self.0).sources.clone();
        let extra = [
            (model::Source::Fda, !r.designations_of(self.0).is_empty()),
            (
                model::Source::ClinicalTrials,
                !r.trials_of(self.0).is_empty(),
            ),
            (
                model::Source::Curated,
                !r.organizations_of(self.0).is_empty() || !r.screening_of(self.0).is_empty(),
            ),
        ];
        for (s, has) in extra {
            if has && !out.contains(&s) {
                out.push(s);
            }
        }
        out.into_iter().map(SourceInfo).collect()
    }
    /// HPO phenotypes, most frequent first. Each edge carries frequency, onset,
    /// evidence and the sources asserting it.
    async fn phenotypes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
        #[graphql(
            default,
            desc = "Present phenotypes (default), excluded ones, or all (excluded last)."
        )]
        qualifier: Qualifier,
    ) -> Result<Connection<DiseasePhenotypeEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let edges = by_qualifier(
            ctx,
            kg(ctx).edges(self.0, Rel::DiseasePhenotypes),
            qualifier,
        );
        Ok(page.apply(edges, |cursor, &edge| DiseasePhenotypeEdge {
            cursor,
            edge,
            disease: self.0,
        }))
    }
    /// Associated genes, by symbol.
    async fn genes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<DiseaseGeneEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        let edges = kg(ctx).edges(self.0, Rel::DiseaseGenes);
        Ok(page.apply(edges, |cursor, &edge| DiseaseGeneEdge {
            cursor,
            edge,
            disease: self.0,
        }))
    }
    /// How this disease's phenotypes and genes changed between the releases
    /// this server keeps (oldest first; empty with a single release).
    async fn history(&self, ctx: &Context<'_>) -> Vec<DiseaseChange> {
        let id = &kg(ctx).disease(self.0).id;
        let releases = ctx
            .data_unchecked::<std::sync::Arc<crate::release::Releases>>()
            .history();
        let mut out = Vec::new();
        let mut prev: Option<(u64, Annotations)> = None;
        for r in &releases {
            let now = annotations(&r.kg, id);
            if let Some((from, before)) = &prev {
                let diff = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
                    a.difference(b).cloned().collect::<Vec<_>>()
                };
                out.push(DiseaseChange {
                    from_release: *from,
                    to_release: r.id,
                    phenotypes_added: diff(&now.0, &before.0),
                    phenotypes_removed: diff(&before.0, &now.0),
                    genes_added: diff(&now.1, &before.1),
                    genes_removed: diff(&before.1, &now.1),
                });
            }
            prev = Some((r.id, now));
        }
        out
    }
    /// Broader diseases and groups (Orphanet classification, MONDO is_a).
    async fn parents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<DiseaseRelationEdge>> {
        relation(ctx, self.0, Rel::Parents, first, after)
    }
    /// Narrower diseases and subtypes (Orphanet classification, MONDO is_a).
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<DiseaseRelationEdge>> {
        relation(ctx, self.0, Rel::Children, first, after)
    }
}

type Annotations = (BTreeSet<String>, BTreeSet<String>);

/// A disease's present phenotype ids and gene ids in one release.
fn annotations(kg: &crate::graph::KnowledgeGraph, id: &crate::curie::Curie) -> Annotations {
    let crate::graph::Lookup::Found(n) = kg.find_disease(id) else {
        return Default::default();
    };
    let phenotypes = kg
        .edges(n, Rel::DiseasePhenotypes)
        .iter()
        .filter(|&&e| matches!(kg.edge(e).0, model::Edge::HasPhenotype(a) if !a.negated))
        .map(|&e| kg.phenotype(kg.other(e, n)).id.to_string())
        .collect();
    let genes = kg
        .edges(n, Rel::DiseaseGenes)
        .iter()
        .map(|&e| kg.gene(kg.other(e, n)).id.to_string())
        .collect();
    (phenotypes, genes)
}

/// What changed in a disease's record between two releases.
#[derive(SimpleObject)]
pub struct DiseaseChange {
    /// The earlier release (an `id` of `releases`).
    from_release: u64,
    /// The later release (an `id` of `releases`).
    to_release: u64,
    /// HP ids annotated in `toRelease` but not in `fromRelease` (present
    /// annotations only), sorted.
    phenotypes_added: Vec<String>,
    /// HP ids annotated in `fromRelease` but not in `toRelease`, sorted.
    phenotypes_removed: Vec<String>,
    /// Gene ids (`HGNC:3603`) associated in `toRelease` but not in
    /// `fromRelease`, sorted.
    genes_added: Vec<String>,
    /// Gene ids associated in `fromRelease` but not in `toRelease`, sorted.
    genes_removed: Vec<String>,
}

fn attributes<'c>(ctx: &Context<'c>, n: NodeId, kind: AttributeKind) -> Vec<DiseaseAttribute<'c>> {
    kg(ctx)
        .disease(n)
        .attributes
        .iter()
        .filter(|a| a.kind == kind)
        .map(DiseaseAttribute)
        .collect()
}

fn relation(
    ctx: &Context<'_>,
    n: NodeId,
    rel: Rel,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Connection<DiseaseRelationEdge>> {
    let page = PageArgs::new(first, after.as_deref()).coded()?;
    Ok(
        page.apply(kg(ctx).edges(n, rel), |cursor, &edge| DiseaseRelationEdge {
            cursor,
            edge,
            from: n,
        }),
    )
}

/// A disease's phenotype annotation.
pub struct DiseasePhenotypeEdge {
    pub cursor: String,
    pub edge: EdgeId,
    pub disease: NodeId,
}

pub(crate) fn phenotype_association<'c>(
    ctx: &Context<'c>,
    e: EdgeId,
) -> &'c model::PhenotypeAssociation {
    match kg(ctx).edge(e).0 {
        model::Edge::HasPhenotype(a) => a,
        other => unreachable!("not a phenotype edge: {other:?}"),
    }
}

/// The assertions of a disease-phenotype edge.
pub(crate) fn phenotype_assertions<'c>(
    ctx: &Context<'c>,
    e: EdgeId,
) -> &'c [model::PhenotypeAssertion] {
    kg(ctx).phenotype_assertions(phenotype_association(ctx, e))
}

/// Attributes of a disease-phenotype association, shown on its edges from
/// either end.
pub struct PhenotypeAssociationFields {
    pub cursor: String,
    pub edge: EdgeId,
}

#[Object]
impl PhenotypeAssociationFields {
    /// Opaque cursor; pass as `after` to continue after this edge.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// True when the phenotype is explicitly excluded in this disease.
    async fn negated(&self, ctx: &Context<'_>) -> bool {
        phenotype_association(ctx, self.edge).negated
    }
    /// The most precise frequency any source states (a patient count over a
    /// percentage over a frequency class).
    async fn frequency(&self, ctx: &Context<'_>) -> Option<Frequency> {
        phenotype_assertions(ctx, self.edge)
            .iter()
            .filter_map(|x| x.frequency)
            .min_by_key(model::Frequency::precision)
            .map(Frequency)
    }
    /// Age of onset of the feature, when a source states one.
    async fn onset(&self, ctx: &Context<'_>) -> Option<Phenotype> {
        phenotype_assertions(ctx, self.edge)
            .iter()
            .find_map(|a| a.onset)
            .map(Phenotype::new)
    }
    /// The sources asserting this association.
    async fn sources(&self, ctx: &Context<'_>) -> Vec<SourceInfo> {
        distinct_sources(
            phenotype_assertions(ctx, self.edge)
                .iter()
                .map(|a| &a.provenance),
        )
    }
    /// Every source's assertion, with evidence code, references and frequency.
    async fn evidence<'c>(&self, ctx: &Context<'c>) -> Vec<Assertion<'c>> {
        phenotype_assertions(ctx, self.edge)
            .iter()
            .map(|a| Assertion {
                provenance: &a.provenance,
                frequency: a.frequency,
                onset: a.onset,
                sex: a.sex,
                modifiers: &a.modifiers,
            })
            .collect()
    }
}

/// A disease's phenotype annotation.
#[Object]
impl DiseasePhenotypeEdge {
    /// The phenotype.
    async fn node(&self, ctx: &Context<'_>) -> Phenotype {
        Phenotype::new(kg(ctx).other(self.edge, self.disease))
    }
    #[graphql(flatten)]
    async fn association(&self) -> PhenotypeAssociationFields {
        PhenotypeAssociationFields {
            cursor: self.cursor.clone(),
            edge: self.edge,
        }
    }
}

/// The assertions of a gene-disease edge.
pub(crate) fn gene_assertions<'c>(ctx: &Context<'c>, e: EdgeId) -> &'c [model::Provenance] {
    let g = kg(ctx);
    match g.edge(e).0 {
        model::Edge::GeneDisease(span) => g.gene_disease_assertions(*span),
        other => unreachable!("not a gene-disease edge: {other:?}"),
    }
}

/// Attributes of a gene-disease association, shown on its edges from either end.
pub struct GeneAssociationFields {
    pub cursor: String,
    pub edge: EdgeId,
}

#[Object]
impl GeneAssociationFields {
    /// Opaque cursor; pass as `after` to continue after this edge.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// Orphanet's gene-disease association types (e.g. `Disease-causing germline mutation(s) in`).
    async fn association_types<'c>(&self, ctx: &Context<'c>) -> Vec<&'c str> {
        let mut v: Vec<&str> = gene_assertions(ctx, self.edge)
            .iter()
            .filter_map(|p| p.evidence.map(|s| kg(ctx).text(s)))
            .collect();
        v.dedup();
        v
    }
    /// The sources asserting this association.
    async fn sources(&self, ctx: &Context<'_>) -> Vec<SourceInfo> {
        distinct_sources(gene_assertions(ctx, self.edge).iter())
    }
    /// Every source's assertion (the disease id it was stated for).
    async fn evidence<'c>(&self, ctx: &Context<'c>) -> Vec<Assertion<'c>> {
        gene_assertions(ctx, self.edge)
            .iter()
            .map(Assertion::plain)
            .collect()
    }
}

/// A disease's gene association.
pub struct DiseaseGeneEdge {
    pub cursor: String,
    pub edge: EdgeId,
    pub disease: NodeId,
}

/// A disease's gene association.
#[Object]
impl DiseaseGeneEdge {
    /// The gene.
    async fn node(&self, ctx: &Context<'_>) -> Gene {
        Gene::new(kg(ctx).other(self.edge, self.disease))
    }
    #[graphql(flatten)]
    async fn association(&self) -> GeneAssociationFields {
        GeneAssociationFields {
            cursor: self.cursor.clone(),
            edge: self.edge,
        }
    }
}

/// A classification link between two diseases.
pub struct DiseaseRelationEdge {
    pub cursor: String,
    pub edge: EdgeId,
    pub from: NodeId,
}

/// A classification link between two diseases.
#[Object]
impl DiseaseRelationEdge {
    /// Opaque cursor; pass as `after` to continue after this edge.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The related disease.
    async fn node(&self, ctx: &Context<'_>) -> Disease {
        Disease(kg(ctx).other(self.edge, self.from))
    }
    /// The classifications asserting the link (Orphanet, MONDO).
    async fn sources(&self, ctx: &Context<'_>) -> Vec<SourceInfo> {
        match kg(ctx).edge(self.edge).0 {
            model::Edge::SubclassOf(s) => s.iter().map(SourceInfo).collect(),
            _ => vec![],
        }
    }
}

/// A disease in a list.
pub struct DiseaseEdge {
    pub cursor: String,
    pub node: NodeId,
}

/// A disease in a list.
#[Object]
impl DiseaseEdge {
    /// Opaque cursor; pass as `after` to continue after this edge.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The disease.
    async fn node(&self) -> Disease {
        Disease(self.node)
    }
}
