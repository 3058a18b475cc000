//! The GraphQL API: schema and resolvers over the served [`Releases`].
//!
//! One file per GraphQL type; the root query is split by entity in
//! [`query`]. Resolvers hold node ids and read the graph of the release the
//! request was pinned to by [`DocumentCache::execute`], so every field of one request sees
//! the same release, whatever reloads happen meanwhile.

pub mod analytics;
pub mod connection;
pub mod cost;
pub mod curated;
pub mod disease;
pub mod documents;
pub mod drug;
pub mod error;
pub mod explore;
pub mod gene;
pub mod ids;
pub mod nulls;
pub mod ontology;
pub mod phenotype;
pub mod provenance;
pub mod query;
pub mod release;
pub mod search;
pub mod trial;

use crate::graph::KnowledgeGraph;
use crate::release::{Release, Releases};
use async_graphql::{Context, Schema};
use std::sync::Arc;

pub use documents::DocumentCache;
pub use error::ApiError;
pub use query::QueryRoot;
pub use release::{Role, SubscriptionRoot};

/// The root mutation: releases (maintainers) and curated facts (curators).
#[derive(async_graphql::MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(release::ReleaseMutation, curated::CurationMutation);

/// The schema type served.
pub type RareSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Builds the schema serving `releases`. Requests must go through
/// [`DocumentCache::execute`], which pins the release they are answered from.
pub fn schema(releases: Arc<Releases>, sparql_limits: crate::store::QueryLimits) -> RareSchema {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .data(releases)
    .data(sparql_limits)
    .finish()
}

/// The schema's SDL (what `schema/schema.graphql` holds).
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .finish()
    .sdl()
}

/// The graph the current request reads.
pub(crate) fn kg<'c>(ctx: &Context<'c>) -> &'c KnowledgeGraph {
    &ctx.data_unchecked::<Arc<Release>>().kg
}

/// The analytics tables of the release the current request reads.
pub(crate) fn analytics<'c>(ctx: &Context<'c>) -> &'c crate::analytics::Analytics {
    &ctx.data_unchecked::<Arc<Release>>().analytics
}
