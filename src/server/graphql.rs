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

use super::rate_limit::RateInfo;
use super::{role, AppState};
use crate::api::{ApiError, Role};
use async_graphql_axum::GraphQLRequest;
use axum::body::Body;
use axum::extract::{FromRequest, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Instant;

/// `POST /graphql`: JSON, or a multipart upload (a maintainer's reload).
pub(super) async fn post(State(state): State<AppState>, req: Request<Body>) -> Response {
    let role = role(req.headers(), &state.tokens);
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
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
        return refusal(ApiError::PayloadTooLarge { max: limit }, None);
    }
    let rate = req.extensions().get::<RateInfo>().copied();
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    let gql = match GraphQLRequest::<async_graphql_axum::rejection::GraphQLRejection>::from_request(
        Request::from_parts(parts, body),
        &(),
    )
    .await
    {
        Ok(r) => r.into_inner(),
        Err(rejection) => {
            if is_length_limit(&rejection.0) {
                return refusal(ApiError::PayloadTooLarge { max: limit }, rate);
            }
            return rejection.into_response();
        }
    };
    execute(state, role, gql, rate, None).await
}

/// `GET /graphql?query=...`: a cacheable query; GraphiQL without one.
pub(super) async fn get(State(state): State<AppState>, req: Request<Body>) -> Response {
    let qs = req.uri().query().unwrap_or("");
    if !qs.split('&').any(|p| {
        p.starts_with("query=") || p.starts_with("extensions=") || p.starts_with("operationName=")
    }) {
        return super::graphiql().await.into_response();
    }
    let gql = match async_graphql::http::parse_query_string(qs) {
        Ok(r) => r,
        Err(e) => {
            return refusal(ApiError::BadUserInput(e.to_string()), None);
        }
    };
    if is_mutation(&state, &gql) {
        let mut r = refusal(
            ApiError::BadUserInput("mutations are sent with POST".into()),
            None,
        );
        *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
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
    let role = role(req.headers(), &state.tokens);
    let rate = req.extensions().get::<RateInfo>().copied();
    execute(state, role, gql, rate, Some(etag)).await
}

/// Waits for a permit, runs the request against its deadline, and turns
/// the GraphQL response into an HTTP one.
async fn execute(
    state: AppState,
    role: Role,
    gql: async_graphql::Request,
    rate: Option<RateInfo>,
    etag: Option<String>,
) -> Response {
    let started = Instant::now();
    let mut operation = gql.operation_name.clone();
    let query = gql.query.clone();
    let Some(permit) = state.permit().await else {
        state.metrics.refused(operation.as_deref(), "OVERLOADED");
        return refusal(ApiError::Overloaded, rate);
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
            let mut r = refusal(ApiError::Internal, rate);
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return r;
        }
        None => {
            let ms = state.limits.request_timeout_ms;
            tracing::warn!(ms, "a GraphQL request passed its deadline");
            state.metrics.refused(operation.as_deref(), "TIMEOUT");
            return refusal(ApiError::Timeout { ms }, rate);
        }
    };
    if operation.is_none() {
        operation = state.documents.operation_name(&query);
    }
    state
        .metrics
        .graphql(operation.as_deref(), started.elapsed(), &resp.errors);
    let status = whole_refusal(&resp);
    let cacheable = etag.is_some() && resp.errors.is_empty();
    let headers = resp.http_headers.clone();
    let mut out = json_answer(status, resp, rate);
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

/// The status of a response: the refusal's when the request was refused
/// as a whole (no data), else 200.
fn whole_refusal(resp: &async_graphql::Response) -> StatusCode {
    if resp.data != async_graphql::Value::Null {
        return StatusCode::OK;
    }
    resp.errors
        .first()
        .and_then(ApiError::code_of)
        .and_then(ApiError::http_status)
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK)
}

/// A GraphQL response as JSON, with `extensions.rateLimit` when the request
/// was charged to a budget.
fn json_answer(
    status: StatusCode,
    mut resp: async_graphql::Response,
    rate: Option<RateInfo>,
) -> Response {
    if let Some(r) = rate {
        resp.extensions.insert("rateLimit".into(), r.to_value());
    }
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(&resp).unwrap_or_default(),
    )
        .into_response()
}

/// A request refused before it ran: the GraphQL error body with its code,
/// the status the code maps to, and `Retry-After` when retrying helps.
pub(super) fn refusal(e: ApiError, rate: Option<RateInfo>) -> Response {
    refused(&e, json_answer(refusal_status(&e), e.to_response(), rate))
}

/// A request to a route other than `/graphql` refused before it ran: the
/// plain JSON error body of those routes, with the same status and headers
/// as [`refusal`].
pub(super) fn plain_refusal(e: &ApiError) -> Response {
    refused(
        e,
        super::sparql::error(refusal_status(e), e.code(), &e.to_string()),
    )
}

/// The status of a request refused with `e`.
fn refusal_status(e: &ApiError) -> StatusCode {
    ApiError::http_status(e.code())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::BAD_REQUEST)
}

/// `out` with the headers of a refusal: `Retry-After` when a retry may
/// succeed, and `Connection: close` when the rest of the body is not read.
fn refused(e: &ApiError, mut out: Response) -> Response {
    let retry_after = match e {
        ApiError::RateLimited { retry_after, .. } => Some(*retry_after),
        ApiError::Overloaded | ApiError::Timeout { .. } => Some(1),
        _ => None,
    };
    let h = out.headers_mut();
    if let Some(s) = retry_after {
        h.insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    if matches!(e, ApiError::PayloadTooLarge { .. }) {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    out
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
    let Ok(doc) = state.documents.parse(&req.query) else {
        return false;
    };
    doc.operations.iter().any(|(name, op)| {
        op.node.ty != OperationType::Query
            && (req.operation_name.is_none()
                || name.map(|n| n.as_str()) == req.operation_name.as_deref())
    })
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
