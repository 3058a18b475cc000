//! A bounded cache of parsed GraphQL documents, by query text.
//!
//! async-graphql parses every request from scratch; for a disease page that
//! is ~60 us of a ~200 us request (`cargo bench --bench disease_page`).
//! Frontends send the same few query texts over and over, so parsed
//! documents are kept (LRU) and handed to the executor ready-made.

use super::RareSchema;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response};
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

    /// Executes `req`, reusing the parsed document of an identical query text.
    /// A query that does not parse is left to the executor, which reports the
    /// syntax error as usual.
    pub async fn execute(&self, schema: &RareSchema, mut req: Request) -> Response {
        let cached = self
            .docs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(req.query.as_str())
            .cloned();
        match cached {
            Some(doc) => req.set_parsed_query(doc),
            None => {
                if let Ok(doc) = async_graphql::parser::parse_query(&req.query) {
                    self.docs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .put(req.query.clone(), doc.clone());
                    req.set_parsed_query(doc);
                }
            }
        }
        schema.execute(req).await
    }
}

impl Default for DocumentCache {
    fn default() -> Self {
        DocumentCache::new(512)
    }
}
