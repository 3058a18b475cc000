//! How every route answers: GraphQL responses as JSON, the plain JSON
//! error body of the other routes, and refusals (a request refused before
//! it ran) with the status their code maps to and the headers that tell a
//! client when to retry. The routes call into this module; it calls none of
//! them.

use super::request::Media;
use crate::api::ApiError;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Where a request stands against its budget.
#[derive(Debug, Clone, Copy)]
pub(super) struct RateInfo {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the budget is full again.
    pub reset: u64,
}

impl RateInfo {
    /// `extensions.rateLimit`.
    pub fn to_value(self) -> async_graphql::Value {
        async_graphql::Value::from_json(serde_json::json!({
            "limit": self.limit,
            "remaining": self.remaining,
            "resetSeconds": self.reset,
        }))
        .unwrap_or_default()
    }

    pub fn headers(self, h: &mut HeaderMap) {
        h.insert("ratelimit-limit", HeaderValue::from(self.limit));
        h.insert("ratelimit-remaining", HeaderValue::from(self.remaining));
        h.insert("ratelimit-reset", HeaderValue::from(self.reset));
    }
}

/// A response as the JSON a client reads: without `data` when the request
/// was not executed (every error is a request error, with no path), as
/// the GraphQL spec has it.
pub(super) fn response_json(resp: &async_graphql::Response) -> serde_json::Value {
    let mut v = serde_json::to_value(resp).unwrap_or_default();
    if is_request_error(resp) {
        if let Some(o) = v.as_object_mut() {
            o.remove("data");
        }
    }
    v
}

/// Whether `resp` answers a request that did not execute.
pub(super) fn is_request_error(resp: &async_graphql::Response) -> bool {
    resp.data == async_graphql::Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty())
}

/// A GraphQL response as JSON, with `extensions.rateLimit` when the request
/// was charged to a budget.
pub(super) fn graphql_json(
    status: StatusCode,
    mut resp: async_graphql::Response,
    rate: Option<RateInfo>,
    media: Media,
) -> Response {
    if let Some(r) = rate {
        resp.extensions.insert("rateLimit".into(), r.to_value());
    }
    (
        status,
        [(header::CONTENT_TYPE, media.content_type())],
        serde_json::to_vec(&response_json(&resp)).unwrap_or_default(),
    )
        .into_response()
}

/// A request refused before it ran: the GraphQL error body with its code,
/// the status the code maps to, and `Retry-After` when retrying helps.
pub(super) fn refusal(e: ApiError, rate: Option<RateInfo>, media: Media) -> Response {
    refused(
        &e,
        graphql_json(refusal_status(&e), e.to_response(), rate, media),
    )
}

/// A request to a route other than `/graphql` refused before it ran: the
/// plain JSON error body of those routes, with the same status and headers
/// as [`refusal`].
pub(super) fn plain_refusal(e: &ApiError) -> Response {
    refused(e, plain_error(refusal_status(e), e.code(), &e.to_string()))
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

/// The plain JSON error body of the routes other than `/graphql`:
/// `{"error": {"code", "message"}}`.
pub(super) fn plain_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}
