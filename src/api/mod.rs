//! The GraphQL API: schema and resolvers over a [`KnowledgeGraph`].
//!
//! One file per GraphQL type; the root query is split by entity in
//! [`query`]. Resolvers hold node ids and read the graph from the request
//! context, so every field of one request sees the same loaded release.

pub mod connection;
pub mod disease;
pub mod documents;
pub mod error;
pub mod gene;
pub mod ontology;
pub mod phenotype;
pub mod provenance;
pub mod query;

use crate::graph::KnowledgeGraph;
use async_graphql::{Context, EmptyMutation, EmptySubscription, Schema};
use std::sync::Arc;

pub use documents::DocumentCache;
pub use error::ApiError;
pub use query::QueryRoot;

/// The schema type served.
pub type RareSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Builds the schema serving `kg` and the ontology store in `store` (which
/// may still be empty while it loads).
pub fn schema(
    kg: Arc<KnowledgeGraph>,
    store: crate::server::StoreSlot,
    sparql_limits: crate::store::QueryLimits,
) -> RareSchema {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .data(kg)
        .data(store)
        .data(sparql_limits)
        .finish()
}

/// The schema's SDL (what `schema/schema.graphql` holds).
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .finish()
        .sdl()
}

/// The graph the current request reads.
pub(crate) fn kg<'c>(ctx: &Context<'c>) -> &'c KnowledgeGraph {
    ctx.data_unchecked::<Arc<KnowledgeGraph>>()
}
