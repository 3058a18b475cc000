//! Reading a GraphQL request off HTTP, as the GraphQL-over-HTTP draft
//! (and Apollo's batching) has clients send it, and choosing the media
//! type of the answer.
//!
//! async-graphql-axum's extractor answers a malformed body with plain text
//! (a Rust debug string), takes `{}` as an empty query, and knows no
//! `application/graphql-response+json`; every client library hits one of
//! those on its first mistake. Here each malformed shape gets a JSON error
//! with a code and the status the draft gives. Multipart uploads (a
//! maintainer's reload) still go through async-graphql's reader.

use crate::api::ApiError;
use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

/// The media type of a GraphQL answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Media {
    /// `application/json`: whole-request failures keep the status of
    /// their code; validation errors are 200, as legacy clients expect.
    Json,
    /// `application/graphql-response+json`: a request that did not
    /// execute is a 4xx.
    GraphqlResponse,
}

impl Media {
    pub fn content_type(self) -> &'static str {
        match self {
            Media::Json => "application/json",
            Media::GraphqlResponse => "application/graphql-response+json",
        }
    }

    /// The media type to answer in, from `Accept` (`None`: nothing the
    /// client accepts is offered, 406). No `Accept`, or `*/*`, gets
    /// `application/json`.
    pub fn negotiate(headers: &HeaderMap) -> Option<Media> {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Some(Media::Json);
        };
        if accept.trim().is_empty() {
            return Some(Media::Json);
        }
        let mut best: Option<(f32, Media)> = None;
        for range in accept.split(',') {
            let mut parts = range.split(';');
            let ty = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let media = match ty.as_str() {
                "application/graphql-response+json" => Media::GraphqlResponse,
                "application/json" | "application/*" | "*/*" => Media::Json,
                _ => continue,
            };
            if q <= 0.0 {
                continue;
            }
            // Ties go to the first listed, except that the specific
            // graphql-response type wins over a wildcard of equal weight.
            let better = match best {
                None => true,
                Some((bq, bm)) => {
                    q > bq
                        || (q == bq
                            && bm == Media::Json
                            && media == Media::GraphqlResponse
                            && ty != "*/*")
                }
            };
            if better {
                best = Some((q, media));
            }
        }
        best.map(|(_, m)| m)
    }
}

/// A request that could not be read: `BAD_REQUEST` (400); its status
/// comes from [`ApiError::http_status`] like every other refusal's.
fn bad(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest {
        code: "BAD_REQUEST",
        message: message.into(),
    }
}

/// One operation or a batch of them, as sent.
pub(super) enum Body {
    Single(Box<async_graphql::Request>),
    /// A JSON array; an element that is not a well-formed request is kept
    /// as its error, answered at its index.
    Batch(Vec<Result<async_graphql::Request, ApiError>>),
}

/// How a POST body is encoded, from `Content-Type`.
pub(super) enum Encoding {
    Json,
    /// `application/graphql`: the body is the query text.
    Graphql,
    Multipart,
}

/// The encoding of a POST body; a missing or unknown type is 415.
pub(super) fn encoding(headers: &HeaderMap) -> Result<Encoding, ApiError> {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "application/graphql-response+json" => Ok(Encoding::Json),
        "application/graphql" => Ok(Encoding::Graphql),
        "multipart/form-data" | "multipart/mixed" => Ok(Encoding::Multipart),
        "" => Err(ApiError::BadRequest {
            code: "UNSUPPORTED_MEDIA_TYPE",
            message: "a POST needs `Content-Type: application/json`".into(),
        }),
        other => Err(ApiError::BadRequest {
            code: "UNSUPPORTED_MEDIA_TYPE",
            message: format!(
                "content type `{other}` is not read; send application/json (or multipart/form-data for uploads)"
            ),
        }),
    }
}

/// Reads a JSON body: an object is one request, an array a batch of at
/// most `max_batch`.
pub(super) fn from_json(body: &[u8], max_batch: usize) -> Result<Body, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        bad(format!(
            "the body is not JSON: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    match value {
        Value::Object(o) => Ok(Body::Single(Box::new(from_object(o)?))),
        Value::Array(items) => {
            if items.is_empty() {
                return Err(bad("a batch needs at least one request"));
            }
            if items.len() > max_batch {
                return Err(bad(format!(
                    "a batch may hold at most {max_batch} requests (got {})",
                    items.len()
                )));
            }
            Ok(Body::Batch(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| match item {
                        Value::Object(o) => from_object(o)
                            .map_err(|e| bad(format!("request {i} of the batch: {e}"))),
                        _ => Err(bad(format!(
                            "request {i} of the batch is not a JSON object"
                        ))),
                    })
                    .collect(),
            ))
        }
        _ => Err(bad(
            "the body must be a JSON object (or an array of them, a batch)",
        )),
    }
}

/// Reads the query text of an `application/graphql` body.
pub(super) fn from_graphql(body: &[u8]) -> Result<Body, ApiError> {
    let query = String::from_utf8(body.to_vec()).map_err(|_| bad("the query is not UTF-8"))?;
    Ok(Body::Single(Box::new(async_graphql::Request::new(query))))
}

/// Reads `GET /graphql?query=&variables=&operationName=&extensions=`.
pub(super) fn from_query_string(qs: &str) -> Result<async_graphql::Request, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(qs).map_err(|e| bad(format!("malformed query string: {e}")))?;
    let mut o = Map::new();
    for (k, v) in pairs {
        let value = match k.as_str() {
            "variables" | "extensions" => {
                serde_json::from_str(&v).map_err(|e| bad(format!("`{k}` is not JSON: {e}")))?
            }
            _ => Value::String(v),
        };
        if o.insert(k.clone(), value).is_some() {
            return Err(bad(format!("`{k}` is given twice")));
        }
    }
    from_object(o)
}

/// The request in a graphql-ws `subscribe` payload (the same object as
/// an HTTP body).
pub(super) fn from_payload(o: Map<String, Value>) -> Result<async_graphql::Request, ApiError> {
    from_object(o)
}

/// One request object: `query` a string (absent only for a persisted
/// query sent by hash), `variables` and `extensions` objects or null,
/// `operationName` a string or null.
fn from_object(mut o: Map<String, Value>) -> Result<async_graphql::Request, ApiError> {
    let extensions = match o.remove("extensions") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(e)) => e,
        Some(_) => return Err(bad("`extensions` must be a JSON object")),
    };
    let query = match o.remove("query") {
        Some(Value::String(q)) => q,
        None | Some(Value::Null) if extensions.contains_key("persistedQuery") => String::new(),
        None | Some(Value::Null) => return Err(bad("the request has no `query` (a string)")),
        Some(_) => return Err(bad("`query` must be a string")),
    };
    let variables = match o.remove("variables") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(v)) => v,
        Some(_) => return Err(bad("`variables` must be a JSON object")),
    };
    let operation_name = match o.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(n)) if n.is_empty() => None,
        Some(Value::String(n)) => Some(n),
        Some(_) => return Err(bad("`operationName` must be a string")),
    };
    let mut req = async_graphql::Request::new(query).variables(
        async_graphql::Variables::from_json(Value::Object(variables)),
    );
    req.operation_name = operation_name;
    for (k, v) in extensions {
        let v =
            async_graphql::Value::from_json(v).map_err(|e| bad(format!("extensions.{k}: {e}")))?;
        req.extensions.insert(k, v);
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Option<Media> {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, v.parse().unwrap());
        Media::negotiate(&h)
    }

    #[test]
    fn accept_picks_the_preferred_graphql_type() {
        assert_eq!(Media::negotiate(&HeaderMap::new()), Some(Media::Json));
        assert_eq!(accept("*/*"), Some(Media::Json));
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            accept("application/json, application/graphql-response+json"),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            accept("application/json;q=1, application/graphql-response+json;q=0.5"),
            Some(Media::Json)
        );
        assert_eq!(accept("text/html"), None);
    }

    #[test]
    fn each_malformed_shape_is_named() {
        let msg = |b: &str| match from_json(b.as_bytes(), 10) {
            Err(e) => e.to_string(),
            Ok(_) => "ok".into(),
        };
        assert!(msg("{").contains("not JSON"));
        assert!(msg("{}").contains("no `query`"));
        assert!(msg(r#"{"query": 1}"#).contains("`query` must be a string"));
        assert!(msg(r#"{"query": "{a}", "variables": "{}"}"#).contains("`variables`"));
        assert!(msg("[]").contains("at least one"));
        assert!(msg("3").contains("JSON object"));
        assert_eq!(msg(r#"{"query": "{a}", "variables": null}"#), "ok");
        assert!(msg(&format!("[{}]", [r#"{"query":"{a}"}"#; 11].join(","))).contains("at most 10"));
    }
}
