//! `/graphql` over HTTP: body limits, the concurrency limit and the
//! per-request deadline around the executor, and the HTTP status and
//! headers of each answer.
//!
//! A request refused as a whole gets a status a client can act on (400 for
//! a query over a cost limit, 413, 429, 503, 504), with the same stable
//! `extensions.code` in the body. `GET /graphql?query=` runs queries (never
//! mutations) and answers with an `ETag` of the release served, so a client
//! or proxy revalidates with `If-None-Match` and gets 304 until a reload or
//! a curator's change.

use super::answer::{graphql_json, is_request_error, refusal, response_json, RateInfo};
use super::rate_limit::Caller;
use super::request::{self, Encoding, Media};
use super::AppState;
use crate::api::{ApiError, Role};
use async_graphql_axum::GraphQLRequest;
use axum::body::Body;
use axum::extract::{FromRequest, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Instant;

/// `POST /graphql`: one operation or a batch (a JSON array) as JSON,
/// `application/graphql`, or a multipart upload (a maintainer's reload).
pub(super) async fn post(State(state): State<AppState>, req: Request<Body>) -> Response {
    let Some(media) = Media::negotiate(req.headers()) else {
        return not_acceptable();
    };
    let role = state.tokens.role(req.headers());
    let encoding = match request::encoding(req.headers()) {
        Ok(e) => e,
        Err(e) => return refusal(e, None, media),
    };
    let multipart = matches!(encoding, Encoding::Multipart);
    // Files are sent by operators, with a token: without one, the small
    // limit holds whatever the content type. A wrong token still gets its
    // upload read, so that the client hears "refused" rather than a reset.
    let limit = match (&role, multipart) {
        (Role::Anonymous, _) | (_, false) => state.limits.max_body_bytes,
        (_, true) => state.limits.max_upload_bytes,
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return refusal(ApiError::PayloadTooLarge { max: limit }, None, media);
    }
    let rate = req.extensions().get::<RateInfo>().copied();
    let caller = req.extensions().get::<Caller>().cloned();
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    let parsed = if multipart {
        match GraphQLRequest::<async_graphql_axum::rejection::GraphQLRejection>::from_request(
            Request::from_parts(parts, body),
            &(),
        )
        .await
        {
            Ok(r) => request::Body::Single(Box::new(r.into_inner())),
            Err(rejection) => {
                if is_length_limit(&rejection.0) {
                    return refusal(ApiError::PayloadTooLarge { max: limit }, rate, media);
                }
                let e = ApiError::BadRequest {
                    code: "BAD_REQUEST",
                    message: format!("malformed multipart request: {}", rejection.0),
                };
                return refusal(e, rate, media);
            }
        }
    } else {
        let bytes = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(b) => b,
            Err(_) => return refusal(ApiError::PayloadTooLarge { max: limit }, rate, media),
        };
        let read = match encoding {
            Encoding::Graphql => request::from_graphql(&bytes),
            _ => request::from_json(&bytes, state.limits.max_batch_size),
        };
        match read {
            Ok(b) => b,
            Err(e) => return refusal(e, None, media),
        }
    };
    match parsed {
        request::Body::Single(gql) => answer(&state, role, *gql, rate, None, media).await,
        request::Body::Batch(items) => batch(&state, role, items, rate, caller, media).await,
    }
}

/// `GET /graphql?query=...`: a cacheable query; GraphiQL without one.
pub(super) async fn get(State(state): State<AppState>, req: Request<Body>) -> Response {
    let qs = req.uri().query().unwrap_or("");
    if !qs.split('&').any(|p| {
        p.starts_with("query=") || p.starts_with("extensions=") || p.starts_with("operationName=")
    }) {
        return super::graphiql().await.into_response();
    }
    let Some(media) = Media::negotiate(req.headers()) else {
        return not_acceptable();
    };
    let gql = match request::from_query_string(qs) {
        Ok(r) => r,
        Err(e) => return refusal(e, None, media),
    };
    if is_mutation(&state, &gql) {
        let e = ApiError::BadRequest {
            code: "METHOD_NOT_ALLOWED",
            message: "mutations are sent with POST".into(),
        };
        let mut r = refusal(e, None, media);
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return r;
    }
    let etag = etag(&state);
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut()
            .insert(header::ETAG, HeaderValue::from_str(&etag).unwrap());
        return r;
    }
    let role = state.tokens.role(req.headers());
    let rate = req.extensions().get::<RateInfo>().copied();
    answer(&state, role, gql, rate, Some(etag), media).await
}

/// `/graphql` with a method other than GET and POST: 405.
pub(super) async fn other_method() -> Response {
    let e = ApiError::BadRequest {
        code: "METHOD_NOT_ALLOWED",
        message: "/graphql takes GET (queries) and POST".into(),
    };
    let mut r = refusal(e, None, Media::Json);
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    r
}

/// 406: the client accepts no GraphQL media type.
fn not_acceptable() -> Response {
    let e = ApiError::BadRequest {
        code: "NOT_ACCEPTABLE",
        message: "answers are application/graphql-response+json or application/json".into(),
    };
    refusal(e, None, Media::Json)
}

/// One operation, answered as HTTP.
async fn answer(
    state: &AppState,
    role: Role,
    gql: async_graphql::Request,
    rate: Option<RateInfo>,
    etag: Option<String>,
    media: Media,
) -> Response {
    let resp = match execute(state, role, gql).await {
        Ok(resp) => resp,
        Err(e) => return refusal(e, rate, media),
    };
    let status = status_of(&resp, media);
    let cacheable = etag.is_some() && resp.errors.is_empty();
    let headers = resp.http_headers.clone();
    let mut out = graphql_json(status, resp, rate, media);
    out.headers_mut().extend(headers);
    if let Some(tag) = etag {
        let h = out.headers_mut();
        if cacheable {
            h.insert(header::ETAG, HeaderValue::from_str(&tag).unwrap());
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=60"),
            );
        } else {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    out
}

/// A batch: each operation in turn, each with its own slot, deadline and
/// charge to the caller's budget (the first was charged with the HTTP
/// request), answered as an array in the order sent.
async fn batch(
    state: &AppState,
    role: Role,
    items: Vec<Result<async_graphql::Request, ApiError>>,
    mut rate: Option<RateInfo>,
    caller: Option<Caller>,
    media: Media,
) -> Response {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let resp = match item {
            Err(e) => e.to_response(),
            Ok(gql) => {
                let charged = match (&caller, i) {
                    (Some(c), 1..) => state.budgets.charge(c),
                    _ => Ok(rate),
                };
                match charged {
                    Err(e) => e.to_response(),
                    Ok(info) => {
                        rate = info.or(rate);
                        match execute(state, role.clone(), gql).await {
                            Ok(resp) => resp,
                            Err(e) => e.to_response(),
                        }
                    }
                }
            }
        };
        out.push(response_json(&resp));
    }
    let mut r = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, media.content_type())],
        serde_json::to_vec(&out).unwrap_or_default(),
    )
        .into_response();
    if let Some(info) = rate {
        info.headers(r.headers_mut());
    }
    r
}

/// Waits for a slot and runs one operation against its deadline. `Err`:
/// refused before or instead of an answer (busy, past the deadline, a
/// failure inside).
pub(super) async fn execute(
    state: &AppState,
    role: Role,
    gql: async_graphql::Request,
) -> Result<async_graphql::Response, ApiError> {
    let started = Instant::now();
    let mut operation = gql.operation_name.clone();
    let query = gql.query.clone();
    let Some(permit) = state.permit().await else {
        state.metrics.refused(operation.as_deref(), "OVERLOADED");
        return Err(ApiError::Overloaded);
    };
    // Maintainers' requests (reloads take seconds) run without a deadline.
    let deadline = match role {
        Role::Maintainer(_) => None,
        _ => Some(state.limits.request_timeout()),
    };
    let gql = gql.data(role);
    let (schema, documents, releases) = (
        state.schema.clone(),
        state.documents.clone(),
        state.releases.clone(),
    );
    let outcome = if documents.is_lookup(&query) {
        // Lookups by id (a disease page) take microseconds, bounded by the
        // cost limits: a thread hand-off would cost more than they do
        // (16,000 against 11,000 pages a second, `bench/http_load.sh`).
        let resp = documents.execute(&schema, &releases, gql).await;
        drop(permit);
        Some(Ok(resp))
    } else {
        // Resolvers compute on the thread that polls them, so a deadline on
        // the async side could not fire while a long query (a ranking, a
        // search, a traversal) held the runtime's threads: such a query
        // runs on a blocking thread, holding its permit until it is done
        // even if its caller was answered at the deadline.
        let handle = tokio::runtime::Handle::current();
        let task = tokio::task::spawn_blocking(move || {
            let resp = handle.block_on(documents.execute(&schema, &releases, gql));
            drop(permit);
            resp
        });
        match deadline {
            Some(d) => tokio::time::timeout(d, task).await.ok(),
            None => Some(task.await),
        }
    };
    let resp = match outcome {
        Some(Ok(resp)) => resp,
        Some(Err(e)) => {
            tracing::error!("a GraphQL request failed: {e}");
            state.metrics.refused(operation.as_deref(), "INTERNAL");
            return Err(ApiError::Internal);
        }
        None => {
            let ms = state.limits.request_timeout_ms;
            tracing::warn!(ms, "a GraphQL request passed its deadline");
            state.metrics.refused(operation.as_deref(), "TIMEOUT");
            return Err(ApiError::Timeout { ms });
        }
    };
    if operation.is_none() {
        operation = state.documents.operation_name(&query);
    }
    state
        .metrics
        .graphql(operation.as_deref(), started.elapsed(), &resp.errors);
    Ok(resp)
}

/// The status of a response: the refusal's when the request was refused
/// as a whole (no data) with a code that has one; a 400 for any other
/// request that did not execute when the client reads
/// `application/graphql-response+json`; else 200.
fn status_of(resp: &async_graphql::Response, media: Media) -> StatusCode {
    if resp.data != async_graphql::Value::Null {
        return StatusCode::OK;
    }
    let coded = resp
        .errors
        .first()
        .and_then(ApiError::code_of)
        .and_then(ApiError::http_status)
        .and_then(|s| StatusCode::from_u16(s).ok());
    match coded {
        Some(s) => s,
        None if media == Media::GraphqlResponse && is_request_error(resp) => {
            StatusCode::BAD_REQUEST
        }
        None => StatusCode::OK,
    }
}

/// The ETag of every GET answer while this release and these curated facts
/// are served.
fn etag(state: &AppState) -> String {
    format!(
        "\"r{}-c{}\"",
        state.releases.current().id,
        state.releases.curation().len()
    )
}

/// Whether the operation asked for is not a query (its document is kept by
/// the document cache, which executes it next).
fn is_mutation(state: &AppState, req: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::OperationType;
    state.documents.selects(req, |t| t != OperationType::Query)
}

/// Whether reading the body stopped at the size limit.
fn is_length_limit(e: &async_graphql::ParseRequestError) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<http_body_util::LengthLimitError>())
            {
                return true;
            }
        }
        source = err.source();
    }
    // Some paths flatten the cause into text.
    e.to_string().contains("length limit exceeded")
}
