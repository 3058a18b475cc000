//! The request path in front of the executor: automatic persisted queries,
//! parsed documents cached by query text, the cost limits, and the pinning
//! of each request to one release.
//!
//! async-graphql parses every request from scratch; for a disease page that
//! is ~60 us of a ~200 us request (`cargo bench --bench disease_page`).
//! Frontends send the same few query texts over and over, so parsed
//! documents are kept (LRU) and handed to the executor ready-made.
//!
//! Persisted queries are resolved here rather than by async-graphql's
//! `ApolloPersistedQueries` extension: that extension runs inside the
//! executor, after this path has measured the document's cost and pinned
//! its release, so a query sent by hash would skip both.

use super::cost::Cost;
use super::error::ApiError;
use super::RareSchema;
use crate::config::Limits;
use crate::release::Releases;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection};
use async_graphql::{Request, Response, Variables};
use async_graphql_value::{ConstValue, Value};
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// Parsed documents by query text, persisted queries by hash, and the
/// limits every request is measured against.
pub struct DocumentCache {
    docs: Mutex<lru::LruCache<String, ExecutableDocument>>,
    persisted: Mutex<lru::LruCache<String, String>>,
    limits: Limits,
}

impl DocumentCache {
    /// A cache holding at most `capacity` documents, with default limits.
    pub fn new(capacity: usize) -> Self {
        let size = NonZeroUsize::new(capacity.max(1)).unwrap();
        DocumentCache {
            docs: Mutex::new(lru::LruCache::new(size)),
            persisted: Mutex::new(lru::LruCache::new(size)),
            limits: Limits::default(),
        }
    }

    /// The same cache measuring requests against `limits`.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Executes `req` against the release it asks for (the `release:`
    /// argument of its root fields) or the current one, reusing the parsed
    /// document of an identical query text. A request over a cost limit is
    /// refused before it runs; the cost of one that runs is reported in
    /// `extensions.cost`. A query that does not parse is left to the
    /// executor, which reports the syntax error as usual.
    pub async fn execute(
        &self,
        schema: &RareSchema,
        releases: &Arc<Releases>,
        mut req: Request,
    ) -> Response {
        if let Err(e) = self.resolve_persisted(&mut req) {
            return e.to_response();
        }
        let doc = match self.parse(&req.query) {
            Ok(doc) => Some(doc),
            // The parser stops at 64 nested selections, before the
            // depth could be measured on the document.
            Err(async_graphql::parser::Error::RecursionLimitExceeded) => {
                return ApiError::DepthLimit {
                    depth: Cost::nesting(&req.query),
                    max: self.limits.max_depth,
                }
                .to_response();
            }
            Err(_) => None,
        };
        let mut release = releases.current();
        let mut cost = None;
        if let Some(doc) = doc {
            let c = Cost::measure(&doc, req.operation_name.as_deref(), &req.variables);
            if let Err(e) = c.check(&self.limits) {
                return e.to_response();
            }
            cost = Some(c);
            match requested_release(&doc, req.operation_name.as_deref(), &req.variables) {
                Ok(None) => {}
                Ok(Some(id)) => match releases.get(id) {
                    Some(r) => release = r,
                    None => {
                        let kept: Vec<String> = releases
                            .history()
                            .iter()
                            .map(|r| r.id.to_string())
                            .collect();
                        return ApiError::BadUserInput(format!(
                            "release {id} is not kept (kept: {})",
                            kept.join(", ")
                        ))
                        .to_response();
                    }
                },
                Err(e) => return e.to_response(),
            }
            req.set_parsed_query(doc);
        }
        let loader = super::curated::CuratedLoader::for_request(release.clone(), releases.clone());
        let mut resp = schema.execute(req.data(release).data(loader)).await;
        if let Some(c) = cost {
            resp.extensions.insert(
                "cost".into(),
                ConstValue::from_json(serde_json::json!({
                    "complexity": c.complexity,
                    "maxComplexity": self.limits.max_complexity,
                    "depth": c.depth,
                    "aliases": c.aliases,
                }))
                .unwrap_or_default(),
            );
        }
        resp
    }

    /// The parsed document of a query text, from the cache or parsed now
    /// (and kept).
    pub fn parse(&self, query: &str) -> Result<ExecutableDocument, async_graphql::parser::Error> {
        let cached = self
            .docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(query)
            .cloned();
        if let Some(doc) = cached {
            return Ok(doc);
        }
        let doc = async_graphql::parser::parse_query(query)?;
        self.docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(query.to_string(), doc.clone());
        Ok(doc)
    }

    /// The name of the operation a query text holds, if it holds one named
    /// operation and was executed recently (for metrics labels).
    pub fn operation_name(&self, query: &str) -> Option<String> {
        let docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        match &docs.peek(query)?.operations {
            DocumentOperations::Single(_) => None,
            DocumentOperations::Multiple(ops) if ops.len() == 1 => {
                ops.keys().next().map(|n| n.to_string())
            }
            DocumentOperations::Multiple(_) => None,
        }
    }

    /// Whether a (recently executed) query text only looks records up by
    /// id: every root field of every operation is one of [`LOOKUPS`]. The
    /// HTTP layer runs those in place rather than on a blocking thread.
    pub fn is_lookup(&self, query: &str) -> bool {
        let docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        let Some(doc) = docs.peek(query) else {
            return false;
        };
        doc.operations.iter().all(|(_, op)| {
            op.node.ty == async_graphql::parser::types::OperationType::Query
                && op
                    .node
                    .selection_set
                    .node
                    .items
                    .iter()
                    .all(|s| match &s.node {
                        Selection::Field(f) => LOOKUPS.contains(&f.node.name.node.as_str()),
                        _ => false,
                    })
        })
    }

    /// Automatic persisted queries (version 1): a request carrying only
    /// `extensions.persistedQuery.sha256Hash` gets the query stored under
    /// that hash; one carrying the query too stores it, if the hash matches.
    fn resolve_persisted(&self, req: &mut Request) -> Result<(), ApiError> {
        let Some(pq) = req.extensions.get("persistedQuery") else {
            return Ok(());
        };
        let field = |name: &str| match pq {
            ConstValue::Object(o) => o.get(name).cloned(),
            _ => None,
        };
        if field("version") != Some(ConstValue::from(1)) {
            return Err(ApiError::BadUserInput(
                "extensions.persistedQuery: only version 1 is supported".into(),
            ));
        }
        let Some(ConstValue::String(hash)) = field("sha256Hash") else {
            return Err(ApiError::BadUserInput(
                "extensions.persistedQuery needs sha256Hash".into(),
            ));
        };
        let mut persisted = self.persisted.lock().unwrap_or_else(|e| e.into_inner());
        if req.query.is_empty() {
            req.query = persisted
                .get(&hash)
                .cloned()
                .ok_or(ApiError::PersistedQueryNotFound)?;
            return Ok(());
        }
        let actual = format!("{:x}", Sha256::digest(req.query.as_bytes()));
        if actual != hash.to_ascii_lowercase() {
            return Err(ApiError::BadUserInput(format!(
                "extensions.persistedQuery.sha256Hash does not match the query (its SHA-256 is {actual})"
            )));
        }
        persisted.put(actual, req.query.clone());
        Ok(())
    }
}

/// Root fields that look records up by id (their nested lists are bounded
/// by the cost limits).
const LOOKUPS: &[&str] = &[
    "disease",
    "diseasesByIds",
    "phenotype",
    "phenotypesByIds",
    "gene",
    "genesByIds",
    "drug",
    "trial",
    "meta",
    "releases",
    "isA",
    "__typename",
];

/// The release the root fields ask for with `release:`; all of a request's
/// root fields must agree, since a request is answered from one release.
fn requested_release(
    doc: &ExecutableDocument,
    operation: Option<&str>,
    vars: &Variables,
) -> Result<Option<u64>, ApiError> {
    let op = match (&doc.operations, operation) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => {
            match ops.iter().find(|(n, _)| n.as_str() == name) {
                Some((_, op)) => op,
                None => return Ok(None),
            }
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next().unwrap(),
        _ => return Ok(None),
    };
    let mut found: Option<u64> = None;
    for sel in &op.node.selection_set.node.items {
        let Selection::Field(field) = &sel.node else {
            continue;
        };
        for (name, value) in &field.node.arguments {
            if name.node.as_str() != "release" {
                continue;
            }
            let id = match &value.node {
                Value::Number(n) => n.as_u64(),
                Value::Variable(v) => match vars.get(v) {
                    Some(ConstValue::Number(n)) => n.as_u64(),
                    _ => None,
                },
                _ => None,
            };
            if let Some(id) = id {
                if found.is_some_and(|f| f != id) {
                    return Err(ApiError::BadUserInput(
                        "all root fields of one request must ask for the same release".into(),
                    ));
                }
                found = Some(id);
            }
        }
    }
    Ok(found)
}

impl Default for DocumentCache {
    fn default() -> Self {
        DocumentCache::new(512)
    }
}
