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
use super::release::ReleasePin;
use super::RareSchema;
use crate::config::Limits;
use crate::release::Releases;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
};
use async_graphql::Positioned;
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
        req: Request,
    ) -> Response {
        let (req, cost, parsed) = match self.prepare(releases, req) {
            Ok(p) => p,
            Err(resp) => return *resp,
        };
        let (query, operation) = (req.query.clone(), req.operation_name.clone());
        let mut resp = schema.execute(req).await;
        self.finish(
            &mut resp,
            cost.as_ref(),
            parsed,
            schema,
            &query,
            operation.as_deref(),
        );
        resp
    }

    /// The stream of answers to a subscription (or the one answer to a
    /// query or mutation), measured and pinned like [`execute`](Self::execute).
    pub fn execute_stream(
        self: &Arc<Self>,
        schema: &RareSchema,
        releases: &Arc<Releases>,
        req: Request,
    ) -> futures_util::stream::BoxStream<'static, Response> {
        use futures_util::StreamExt;
        let (req, cost, parsed) = match self.prepare(releases, req) {
            Ok(p) => p,
            Err(resp) => return futures_util::stream::once(async move { *resp }).boxed(),
        };
        let (query, operation) = (req.query.clone(), req.operation_name.clone());
        let (this, s) = (self.clone(), schema.clone());
        schema
            .execute_stream(req)
            .map(move |mut resp| {
                this.finish(
                    &mut resp,
                    cost.as_ref(),
                    parsed,
                    &s,
                    &query,
                    operation.as_deref(),
                );
                resp
            })
            .boxed()
    }

    /// Resolves a persisted query, parses (or finds) the document, refuses
    /// a request over a cost limit, and pins the release asked for: the
    /// request ready to execute, its cost, and whether its text parsed;
    /// or the answer refusing it.
    fn prepare(
        &self,
        releases: &Arc<Releases>,
        mut req: Request,
    ) -> Result<(Request, Option<Cost>, bool), Box<Response>> {
        let refuse = |e: ApiError| Box::new(e.to_response());
        self.resolve_persisted(&mut req).map_err(refuse)?;
        let doc = match self.parse(&req.query) {
            Ok(doc) => Some(doc),
            // The parser stops at 64 nested selections, before the
            // depth could be measured on the document.
            Err(async_graphql::parser::Error::RecursionLimitExceeded) => {
                return Err(refuse(ApiError::DepthLimit {
                    depth: Cost::nesting(&req.query),
                    max: self.limits.max_depth,
                }));
            }
            Err(_) => None,
        };
        let parsed = doc.is_some();
        let mut release = releases.current();
        let mut cost = None;
        if let Some(doc) = doc {
            let c = Cost::measure(&doc, req.operation_name.as_deref(), &req.variables);
            c.check(&self.limits).map_err(refuse)?;
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
                        return Err(refuse(ApiError::BadUserInput(format!(
                            "release {id} is not kept (kept: {})",
                            kept.join(", ")
                        ))));
                    }
                },
                Err(e) => return Err(refuse(e)),
            }
            req.set_parsed_query(doc);
        }
        let loader = super::curated::CuratedLoader::for_request(release.clone(), releases.clone());
        Ok((req.data(release).data(loader), cost, parsed))
    }

    /// Reports the cost in `extensions.cost`, and gives every error the
    /// executor raised without a code one: `GRAPHQL_PARSE_FAILED` for a
    /// syntax error, `GRAPHQL_VALIDATION_FAILED` for a document the schema
    /// refuses, `BAD_USER_INPUT` for an argument that does not coerce, and
    /// `INTERNAL` otherwise. A failed field is made `null` as the spec has
    /// it ([`super::nulls`]).
    fn finish(
        &self,
        resp: &mut Response,
        cost: Option<&Cost>,
        parsed: bool,
        schema: &RareSchema,
        query: &str,
        operation: Option<&str>,
    ) {
        if resp.errors.iter().any(|e| !e.path.is_empty()) {
            static TYPES: std::sync::OnceLock<super::nulls::FieldTypes> =
                std::sync::OnceLock::new();
            let types = TYPES.get_or_init(|| super::nulls::FieldTypes::from_sdl(&schema.sdl()));
            let docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(doc) = docs.peek(query) {
                super::nulls::repair(resp, doc, operation, types);
            }
        }
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
        let not_executed = resp.data == ConstValue::Null;
        for e in &mut resp.errors {
            if ApiError::code_of(e).is_some() {
                continue;
            }
            let code = if !parsed {
                "GRAPHQL_PARSE_FAILED"
            } else if e.path.is_empty() && not_executed {
                "GRAPHQL_VALIDATION_FAILED"
            } else if e.message.starts_with("Failed to parse")
                || e.message.starts_with("Invalid value for argument")
            {
                "BAD_USER_INPUT"
            } else {
                "INTERNAL"
            };
            e.extensions
                .get_or_insert_with(Default::default)
                .set("code", code);
        }
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

    /// Whether an operation `req` may execute has a type for which `pred`
    /// holds (`false` for a text that does not parse: the executor reports
    /// that).
    pub fn selects(&self, req: &Request, pred: impl Fn(OperationType) -> bool) -> bool {
        let Ok(doc) = self.parse(&req.query) else {
            return false;
        };
        doc.operations.iter().any(|(name, op)| {
            pred(op.node.ty)
                && (req.operation_name.is_none()
                    || name.map(|n| n.as_str()) == req.operation_name.as_deref())
        })
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
    let Some(op) = selected_operation(doc, operation) else {
        return Ok(None);
    };
    let mut found: Option<u64> = None;
    for sel in &op.node.selection_set.node.items {
        let Selection::Field(field) = &sel.node else {
            continue;
        };
        for (name, value) in &field.node.arguments {
            if name.node.as_str() != ReleasePin::ARGUMENT {
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

/// The operation a request executes: the one it names, or the only one.
pub(crate) fn selected_operation<'d>(
    doc: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d Positioned<OperationDefinition>> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| op),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    }
}

impl Default for DocumentCache {
    fn default() -> Self {
        DocumentCache::new(512)
    }
}

#[cfg(test)]
mod tests {
    use super::{ReleasePin, LOOKUPS};
    use async_graphql::parser::types::{ObjectType, TypeKind, TypeSystemDefinition};

    fn query_type(doc: &async_graphql::parser::types::ServiceDocument) -> &ObjectType {
        let query = doc
            .definitions
            .iter()
            .find_map(|d| match d {
                TypeSystemDefinition::Type(t) if t.node.name.node == "Query" => Some(&t.node),
                _ => None,
            })
            .expect("a Query type");
        let TypeKind::Object(object) = &query.kind else {
            panic!("Query is an object type");
        };
        object
    }

    /// The release pin is one argument: wherever a root field declares it,
    /// it has [`ReleasePin`]'s name, type and description, and only root
    /// fields declare it (the pin is read from root fields only). Every
    /// in-place lookup that reads a release's records takes it.
    #[test]
    fn the_release_pin_is_declared_alike_on_every_root_field() {
        let sdl = include_str!("../../schema/schema.graphql");
        let doc = async_graphql::parser::parse_schema(sdl).expect("the committed SDL parses");
        let mut pinned = Vec::new();
        for def in &doc.definitions {
            let TypeSystemDefinition::Type(t) = def else {
                continue;
            };
            let TypeKind::Object(object) = &t.node.kind else {
                continue;
            };
            for f in &object.fields {
                for a in &f.node.arguments {
                    if a.node.name.node != ReleasePin::ARGUMENT {
                        continue;
                    }
                    let field = format!("{}.{}", t.node.name.node, f.node.name.node);
                    assert_eq!(t.node.name.node, "Query", "`{field}` is not a root field");
                    assert_eq!(a.node.ty.node.to_string(), "Int", "{field}");
                    assert_eq!(
                        a.node.description.as_ref().map(|d| d.node.as_str()),
                        Some(ReleasePin::DESCRIPTION),
                        "{field}"
                    );
                    pinned.push(f.node.name.node.to_string());
                }
            }
        }
        assert!(pinned.len() >= 10, "{pinned:?}");
        for name in LOOKUPS {
            if !matches!(*name, "__typename" | "releases") {
                assert!(pinned.iter().any(|p| p == name), "`{name}` takes no pin");
            }
        }
    }

    /// Every in-place lookup is a root field of the committed schema that
    /// takes no page arguments, so renaming a root field, or giving a lookup
    /// a connection, fails here rather than silently moving the field off
    /// (or onto) the in-place path.
    #[test]
    fn the_in_place_lookups_are_unpaged_query_fields_of_the_schema() {
        let sdl = include_str!("../../schema/schema.graphql");
        let doc = async_graphql::parser::parse_schema(sdl).expect("the committed SDL parses");
        let object = query_type(&doc);
        for name in LOOKUPS.iter().filter(|n| **n != "__typename") {
            let field = object
                .fields
                .iter()
                .find(|f| f.node.name.node == *name)
                .unwrap_or_else(|| panic!("`{name}` is not a Query field"));
            let paged = field
                .node
                .arguments
                .iter()
                .any(|a| matches!(a.node.name.node.as_str(), "first" | "after" | "last"));
            assert!(!paged, "`{name}` takes page arguments");
        }
        // A paged root field is not a lookup.
        assert!(!LOOKUPS.contains(&"diseases"));
        assert!(object.fields.iter().any(|f| f.node.name.node == "diseases"));
    }
}
