//! `search`: typo-tolerant search over every entity type (see
//! [`crate::search`]).

use super::connection::{cursor, page_info, PageArgs, PageInfo};
use super::disease::Disease;
use super::drug::Drug;
use super::error::{ApiError, Coded};
use super::gene::Gene;
use super::kg;
use super::phenotype::Phenotype;
use super::trial::ClinicalTrial;
use crate::graph::model::NodeId;
use crate::release::Release;
use crate::search::{self, Kind, Request, SearchError};
use async_graphql::{Context, Enum, Object, Result, SimpleObject, Union};
use std::sync::Arc;

/// The most hits one search ranks; `first`/`after` page within them.
pub const MAX_SEARCH_HITS: usize = 200;

/// An entity type.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::search::Kind")]
pub enum EntityType {
    /// A disease.
    Disease,
    /// An HPO term.
    Phenotype,
    /// A gene.
    Gene,
    /// A drug with orphan designations.
    Drug,
    /// A clinical trial.
    Trial,
    /// A patient organization (from the curated files).
    Organization,
}

/// Which text of the entity matched.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::search::MatchedField")]
pub enum MatchField {
    /// An id (or a gene symbol).
    Id,
    /// The name: a drug's generic name, a trial's brief title.
    Name,
    /// A synonym: a gene's approved name, alias or previous symbol, a
    /// drug's trade name, a trial's official title.
    Synonym,
    /// The definition (diseases and HPO terms).
    Definition,
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Empty | SearchError::TooLong => ApiError::BadUserInput(e.to_string()),
            SearchError::Index(_) | SearchError::Build(_) => {
                tracing::error!("search: {e}");
                ApiError::Internal
            }
        }
    }
}

/// A patient organization, with every disease it is listed for.
pub struct Organization {
    /// Index of its first fact in the release's records.
    first: u32,
}

/// A patient organization, with every disease it is listed for.
#[Object]
impl Organization {
    /// Its web site's URL, which identifies it (the same as `url`).
    async fn id<'c>(&self, ctx: &Context<'c>) -> async_graphql::ID {
        async_graphql::ID(
            kg(ctx).records().organizations[self.first as usize]
                .1
                .url
                .clone(),
        )
    }
    /// Its web site, which identifies it.
    async fn url<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &kg(ctx).records().organizations[self.first as usize].1.url
    }
    /// Its name, e.g. `The Myositis Association`.
    async fn name<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &kg(ctx).records().organizations[self.first as usize]
            .1
            .organization
    }
    /// ISO 3166-1 alpha-2 code of its seat; null for international bodies.
    async fn country<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        kg(ctx).records().organizations[self.first as usize]
            .1
            .country
            .as_deref()
    }
    /// The diseases whose patients it serves (from the curated seed file).
    async fn diseases(&self, ctx: &Context<'_>) -> Vec<Disease> {
        let orgs = &kg(ctx).records().organizations;
        let url = &orgs[self.first as usize].1.url;
        let mut out: Vec<NodeId> = orgs
            .iter()
            .filter(|(_, o)| &o.url == url)
            .map(|(d, _)| *d)
            .collect();
        out.sort_unstable();
        out.dedup();
        out.into_iter().map(Disease).collect()
    }
}

/// Whatever a search found.
#[derive(Union)]
pub enum SearchEntity {
    Disease(Disease),
    Phenotype(Phenotype),
    Gene(Gene),
    Drug(Drug),
    ClinicalTrial(ClinicalTrial),
    Organization(Organization),
}

/// A range of characters (Unicode scalar values, from 0, end excluded).
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct TextRange {
    /// Its first character.
    pub start: usize,
    /// The character after its last.
    pub end: usize,
}

/// One hit.
pub struct SearchHit {
    cursor: String,
    hit: search::Hit,
}

/// One hit.
#[Object]
impl SearchHit {
    /// Pass as `after` for the hits that follow.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The entity's id (a URL for an organization). A hit is not an entity:
    /// it carries this search's score and highlights, so it has no `id` of
    /// its own and normalised caches keep it with the query that found it.
    async fn entity_id(&self) -> &str {
        &self.hit.id
    }
    /// The entity's type.
    #[graphql(name = "type")]
    async fn entity_type(&self) -> EntityType {
        self.hit.kind.into()
    }
    /// Its display name (a gene's symbol, a trial's brief title).
    async fn name(&self) -> &str {
        &self.hit.name
    }
    /// What matched: ids first, then names, synonyms and definitions.
    async fn matched_field(&self) -> MatchField {
        self.hit.field.into()
    }
    /// The text that matched.
    async fn matched_text(&self) -> &str {
        &self.hit.matched
    }
    /// The words of `matchedText` the query hit.
    async fn highlights(&self) -> Vec<TextRange> {
        let t = &self.hit.matched;
        let chars = |byte: usize| t[..byte].chars().count();
        self.hit
            .highlights
            .iter()
            .map(|&(a, b)| TextRange {
                start: chars(a),
                end: chars(b),
            })
            .collect()
    }
    /// `matchedText` with the hit words wrapped in `<mark>` and `</mark>`
    /// (the rest of the text is not escaped).
    async fn highlighted(&self) -> String {
        let t = &self.hit.matched;
        let mut out = String::with_capacity(t.len() + 16);
        let mut at = 0;
        for &(a, b) in &self.hit.highlights {
            out.push_str(&t[at..a]);
            out.push_str("<mark>");
            out.push_str(&t[a..b]);
            out.push_str("</mark>");
            at = b;
        }
        out.push_str(&t[at..]);
        out
    }
    /// The relevance score, for information: the order is by what matched
    /// first (see `search`).
    async fn score(&self) -> f32 {
        self.hit.score
    }
    /// The entity itself.
    async fn entity(&self) -> SearchEntity {
        let key = self.hit.key;
        let node = NodeId::new(key as usize);
        match self.hit.kind {
            Kind::Disease => SearchEntity::Disease(Disease(node)),
            Kind::Phenotype => SearchEntity::Phenotype(Phenotype::new(node)),
            Kind::Gene => SearchEntity::Gene(Gene::new(node)),
            Kind::Drug => SearchEntity::Drug(Drug(key)),
            Kind::Trial => SearchEntity::ClinicalTrial(ClinicalTrial(key)),
            Kind::Organization => SearchEntity::Organization(Organization { first: key }),
        }
    }
}

/// How many entities of a type match.
#[derive(SimpleObject)]
pub struct TypeFacet {
    /// The entity type.
    #[graphql(name = "type")]
    pub entity_type: EntityType,
    /// Matching entities of that type.
    pub count: u64,
}

/// A page of search hits.
#[derive(SimpleObject)]
pub struct SearchResults {
    /// Entities of the requested types that match (only the first
    /// 200 are ranked and reachable by paging).
    pub total_count: usize,
    /// Matching entities by type, whatever `types` asked for.
    pub facets: Vec<TypeFacet>,
    /// Where this page lies among the first 200 hits; pass `endCursor` as
    /// `after` for the next.
    pub page_info: PageInfo,
    /// The hits of this page, in search order.
    pub edges: Vec<SearchHit>,
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Searches diseases, phenotypes, genes, drugs, trials and patient
    /// organizations by name, synonym, id and definition. The last word may
    /// be the start of a word (`polymyo`), and typos are forgiven (one in a
    /// word of 4 to 9 letters, two from 10: `polymiositis`). Hits are ordered
    /// by what matched: an id, then the whole name, a whole synonym, the
    /// name's words, a synonym's words, the definition's words; then by
    /// relevance, then shorter names first (a general entry before its
    /// subtypes).
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most 200 characters and 12 words.")] text: String,
        #[graphql(desc = "Only these types (default: all).")] types: Option<Vec<EntityType>>,
        #[graphql(desc = "At most 200; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<SearchResults> {
        let page = PageArgs::capped(first, after.as_deref(), MAX_SEARCH_HITS).coded()?;
        let wanted = page.range(MAX_SEARCH_HITS);
        let release = ctx.data_unchecked::<Arc<Release>>();
        let index = release
            .search()
            .map_err(|e| ApiError::from(e).into_error())?;
        let req = Request::new(&text)
            .kinds(
                types
                    .unwrap_or_default()
                    .into_iter()
                    .map(Kind::from)
                    .collect(),
            )
            .offset(wanted.start)
            .limit(wanted.len());
        let found = index
            .search(&release.kg, &req)
            .map_err(|e| ApiError::from(e).into_error())?;
        let offset = wanted.start;
        let shown = offset..offset + found.hits.len();
        let reachable = found.total.min(MAX_SEARCH_HITS);
        Ok(SearchResults {
            total_count: found.total,
            facets: found
                .facets
                .into_iter()
                .map(|(k, count)| TypeFacet {
                    entity_type: k.into(),
                    count,
                })
                .collect(),
            page_info: page_info(shown, reachable),
            edges: found
                .hits
                .into_iter()
                .enumerate()
                .map(|(i, hit)| SearchHit {
                    cursor: cursor(offset + i),
                    hit,
                })
                .collect(),
        })
    }
}
