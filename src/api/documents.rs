//! The request path in front of the executor: parsed documents cached by
//! query text, and the pinning of each request to one release.
//!
//! async-graphql parses every request from scratch; for a disease page that
//! is ~60 us of a ~200 us request (`cargo bench --bench disease_page`).
//! Frontends send the same few query texts over and over, so parsed
//! documents are kept (LRU) and handed to the executor ready-made.

use super::error::ApiError;
use super::RareSchema;
use crate::release::Releases;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection};
use async_graphql::{ErrorExtensions, Request, Response, ServerError, Variables};
use async_graphql_value::{ConstValue, Value};
use std::num::NonZeroUsize;
use std::sync::Mutex;

/// Parsed documents by query text.
pub struct DocumentCache {
    docs: Mutex<lru::LruCache<String, ExecutableDocument>>,
}

impl DocumentCache {
    /// A cache holding at most `capacity` documents.
    pub fn new(capacity: usize) -> Self {
        DocumentCache {
            docs: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity.max(1)).unwrap(),
            )),
        }
    }

    /// Executes `req` against the release it asks for (the `release:`
    /// argument of its root fields) or the current one, reusing the parsed
    /// document of an identical query text. A query that does not parse is
    /// left to the executor, which reports the syntax error as usual.
    pub async fn execute(
        &self,
        schema: &RareSchema,
        releases: &Releases,
        mut req: Request,
    ) -> Response {
        let cached = self
            .docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(req.query.as_str())
            .cloned();
        let doc = match cached {
            Some(doc) => Some(doc),
            None => async_graphql::parser::parse_query(&req.query)
                .ok()
                .inspect(|doc| {
                    self.docs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .put(req.query.clone(), doc.clone());
                }),
        };
        let mut release = releases.current();
        if let Some(doc) = doc {
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
                        let e = ApiError::BadUserInput(format!(
                            "release {id} is not kept (kept: {})",
                            kept.join(", ")
                        ));
                        return Response::from_errors(vec![
                            ServerError::new(e.to_string(), None).with_extension(e)
                        ]);
                    }
                },
                Err(e) => {
                    return Response::from_errors(vec![
                        ServerError::new(e.to_string(), None).with_extension(e)
                    ])
                }
            }
            req.set_parsed_query(doc);
        }
        schema.execute(req.data(release)).await
    }
}

/// Adds `extensions.code` to a request-level error.
trait WithExtension {
    fn with_extension(self, e: ApiError) -> Self;
}

impl WithExtension for ServerError {
    fn with_extension(mut self, e: ApiError) -> Self {
        self.extensions = e.extend().extensions;
        self
    }
}

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
