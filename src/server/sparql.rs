//! The SPARQL 1.1 Protocol endpoint, `/sparql`: read-only, with content
//! negotiation, a time limit and a result-size limit per query.

use super::AppState;
use crate::store::{Answer, StoreError};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

/// `GET /sparql?query=...`
pub(super) async fn get(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    match parse_form(raw.unwrap_or_default().as_bytes()) {
        Ok(p) => run(state, &headers, p).await,
        Err(message) => error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message),
    }
}

/// `POST /sparql` with a form (`query=` or `update=`) or a bare query.
pub(super) async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let params = match ctype.as_str() {
        "application/x-www-form-urlencoded" => parse_form(&body),
        "application/sparql-query" => String::from_utf8(body.to_vec())
            .map(|q| vec![("query".to_string(), q)])
            .map_err(|_| "the query is not UTF-8".to_string()),
        "application/sparql-update" => return refused(),
        other => {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                &format!("content type `{other}`: send application/sparql-query or a form"),
            )
        }
    };
    match params {
        Ok(p) => run(state, &headers, p).await,
        Err(message) => error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message),
    }
}

fn parse_form(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    serde_urlencoded::from_bytes(bytes).map_err(|e| format!("malformed form: {e}"))
}

async fn run(state: AppState, headers: &HeaderMap, params: Vec<(String, String)>) -> Response {
    if params.iter().any(|(k, _)| k == "update") {
        return refused();
    }
    let queries: Vec<&String> = params
        .iter()
        .filter(|(k, _)| k == "query")
        .map(|(_, v)| v)
        .collect();
    let query = match queries.as_slice() {
        [q] => (*q).clone(),
        [] => {
            return error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "missing `query` parameter",
            )
        }
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "more than one `query` parameter",
            )
        }
    };
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*")
        .to_string();
    let Some(store) = state.releases.current().store.load_full() else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "STORE_LOADING",
            "the ontology store is still loading; retry shortly",
        );
    };
    // SPARQL queries share the request slots with GraphQL (its own
    // `sparql_timeout_ms` bounds each one).
    let Some(permit) = state.permit().await else {
        return super::graphql::plain_refusal(&crate::api::ApiError::Overloaded);
    };
    let limits = state.limits.sparql();
    let answer = tokio::task::spawn_blocking(move || {
        let answer = store.query(&query, &limits);
        drop(permit);
        answer
    })
    .await;
    match answer {
        Ok(Ok(a)) => serialize(&a, &accept),
        Ok(Err(e)) => store_error(&e),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "the query failed",
        ),
    }
}

fn refused() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
        &StoreError::UpdateRefused.to_string(),
    )
}

/// Maps store errors to HTTP statuses and stable codes.
fn store_error(e: &StoreError) -> Response {
    let (status, code) = match e {
        StoreError::Syntax(_) => (StatusCode::BAD_REQUEST, "SPARQL_SYNTAX"),
        StoreError::UpdateRefused => (StatusCode::FORBIDDEN, "FORBIDDEN"),
        StoreError::Timeout(_) => (StatusCode::SERVICE_UNAVAILABLE, "QUERY_TIMEOUT"),
        StoreError::TooManyResults(_) => (StatusCode::UNPROCESSABLE_ENTITY, "RESULT_TOO_LARGE"),
        StoreError::Evaluation(_) => (StatusCode::BAD_REQUEST, "QUERY_FAILED"),
        StoreError::Ingest(_) | StoreError::Storage(_) => {
            tracing::error!("sparql: {e}");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            );
        }
    };
    error(status, code, &e.to_string())
}

pub(super) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// Media types in the order the client prefers them (by `q`, then order).
fn preferences(accept: &str) -> Vec<String> {
    let mut v: Vec<(f32, usize, String)> = accept
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.split(';');
            let media = it.next()?.trim().to_ascii_lowercase();
            let q = it
                .filter_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .next()
                .unwrap_or(1.0);
            (q > 0.0 && !media.is_empty()).then_some((q, i, media))
        })
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    v.into_iter().map(|(_, _, m)| m).collect()
}

fn results_format(media: &str) -> Option<QueryResultsFormat> {
    Some(match media {
        "application/sparql-results+json" | "application/json" | "*/*" | "application/*" => {
            QueryResultsFormat::Json
        }
        "application/sparql-results+xml" | "application/xml" | "text/xml" => {
            QueryResultsFormat::Xml
        }
        "text/csv" | "text/*" => QueryResultsFormat::Csv,
        "text/tab-separated-values" => QueryResultsFormat::Tsv,
        _ => return None,
    })
}

fn graph_format(media: &str) -> Option<RdfFormat> {
    Some(match media {
        "text/turtle" | "*/*" | "text/*" | "application/x-turtle" => RdfFormat::Turtle,
        "application/n-triples" | "text/plain" => RdfFormat::NTriples,
        _ => return None,
    })
}

fn serialize(answer: &Answer, accept: &str) -> Response {
    let prefs = preferences(accept);
    let body = match answer {
        Answer::Graph(triples) => {
            let Some(format) = prefs.iter().find_map(|m| graph_format(m)) else {
                return not_acceptable("text/turtle, application/n-triples");
            };
            let mut w = RdfSerializer::from_format(format).for_writer(Vec::new());
            for t in triples {
                if w.serialize_triple(t).is_err() {
                    return error(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "INTERNAL",
                        "serialization failed",
                    );
                }
            }
            w.finish().map(|b| (format.media_type(), b))
        }
        Answer::Boolean(b) => {
            let Some(format) = prefs.iter().find_map(|m| results_format(m)) else {
                return not_acceptable("application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values");
            };
            QueryResultsSerializer::from_format(format)
                .serialize_boolean_to_writer(Vec::new(), *b)
                .map(|b| (format.media_type(), b))
        }
        Answer::Solutions { variables, rows } => {
            let Some(format) = prefs.iter().find_map(|m| results_format(m)) else {
                return not_acceptable("application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values");
            };
            let result = (|| {
                let mut w = QueryResultsSerializer::from_format(format)
                    .serialize_solutions_to_writer(Vec::new(), variables.clone())?;
                for row in rows {
                    w.serialize(
                        variables
                            .iter()
                            .zip(row)
                            .filter_map(|(v, t)| t.as_ref().map(|t| (v.as_ref(), t.as_ref()))),
                    )?;
                }
                w.finish()
            })();
            result.map(|b| (format.media_type(), b))
        }
    };
    match body {
        Ok((media, bytes)) => ([(header::CONTENT_TYPE, media)], bytes).into_response(),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "serialization failed",
        ),
    }
}

fn not_acceptable(supported: &str) -> Response {
    error(
        StatusCode::NOT_ACCEPTABLE,
        "NOT_ACCEPTABLE",
        &format!("supported media types: {supported}"),
    )
}
