//! Errors a client can see, each with a stable `extensions.code`.

use async_graphql::ErrorExtensions;

/// An error answered to a GraphQL client. Internal failures never reach a
/// client with their details.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// An argument is malformed (an id, a cursor, a page size).
    #[error("{0}")]
    BadUserInput(String),
    /// The caller may not do this (e.g. a SPARQL Update).
    #[error("{0}")]
    Forbidden(String),
    /// A query exceeded a time or size limit.
    #[error("{0}")]
    LimitExceeded(String),
    /// The operation needs a token and none was sent.
    #[error("this operation needs a maintainer or curator token (Authorization: Bearer ...)")]
    Unauthenticated,
    /// Nothing has the id the operation names.
    #[error("{0}")]
    NotFound(String),
    /// A new release was refused; the running one is untouched.
    #[error("release refused: {0}")]
    InvalidRelease(String),
    /// The operation conflicts with one in progress.
    #[error("{0}")]
    Conflict(String),
    /// The ontology store is still loading after start-up.
    #[error("the ontology store is still loading; retry shortly")]
    StoreLoading,
    /// Something failed inside the server; details are logged, not sent.
    #[error("internal error")]
    Internal,
    /// The query nests fields deeper than the limit.
    #[error("the query is {depth} fields deep; the limit is {max}")]
    DepthLimit { depth: usize, max: usize },
    /// The query aliases more fields than the limit.
    #[error("the query has {aliases} aliased fields; the limit is {max}")]
    AliasLimit { aliases: u64, max: usize },
    /// A list asks for a page larger than the ceiling.
    #[error("`first` may be at most {max} (got {first})")]
    PageSize { first: u64, max: usize },
    /// The query would cost more than the limit.
    #[error(
        "the query costs {complexity} (one per field, times each page size); the limit is {max}"
    )]
    ComplexityLimit { complexity: u64, max: u64 },
    /// The request body is larger than the limit.
    #[error("the request body is larger than {max} bytes")]
    PayloadTooLarge { max: usize },
    /// The request ran past its deadline.
    #[error("the request did not finish within {ms} ms")]
    Timeout { ms: u64 },
    /// Too many requests are running; retry after a second.
    #[error("the server is busy; retry shortly")]
    Overloaded,
    /// The caller has spent its request budget.
    #[error("request budget of {limit} per minute spent; retry in {retry_after} s")]
    RateLimited { limit: u32, retry_after: u64 },
    /// The `X-API-Key` sent is not configured.
    #[error("unknown API key (X-API-Key)")]
    UnknownApiKey,
    /// An automatic persisted query's hash is not known (yet): send the query with it.
    #[error("PersistedQueryNotFound")]
    PersistedQueryNotFound,
    /// The HTTP request could not be read as GraphQL (bad JSON, a
    /// non-object `variables`, no query, a wrong content type or method);
    /// `code` is `BAD_REQUEST`, `UNSUPPORTED_MEDIA_TYPE`, `NOT_ACCEPTABLE`
    /// or `METHOD_NOT_ALLOWED`.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// A well-formed id names several records.
    #[error("`{id}` names {} records; use one of: {}", candidates.len(), candidates.join(", "))]
    AmbiguousId { id: String, candidates: Vec<String> },
}

impl ApiError {
    /// The stable code in `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadUserInput(_) => "BAD_USER_INPUT",
            ApiError::AmbiguousId { .. } => "AMBIGUOUS_ID",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::LimitExceeded(_) => "LIMIT_EXCEEDED",
            ApiError::StoreLoading => "STORE_LOADING",
            ApiError::Unauthenticated => "UNAUTHENTICATED",
            ApiError::InvalidRelease(_) => "INVALID_RELEASE",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Internal => "INTERNAL",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::DepthLimit { .. } => "DEPTH_LIMIT_EXCEEDED",
            ApiError::AliasLimit { .. } => "ALIAS_LIMIT_EXCEEDED",
            ApiError::PageSize { .. } => "PAGE_SIZE_EXCEEDED",
            ApiError::ComplexityLimit { .. } => "COMPLEXITY_LIMIT_EXCEEDED",
            ApiError::PayloadTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            ApiError::Timeout { .. } => "TIMEOUT",
            ApiError::Overloaded => "OVERLOADED",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ApiError::UnknownApiKey => "UNKNOWN_API_KEY",
            ApiError::BadRequest { code, .. } => code,
        }
    }

    /// The HTTP status of a response refused with this error, if the
    /// request was refused as a whole (`None`: 200, errors in the body).
    pub fn http_status(code: &str) -> Option<u16> {
        Some(match code {
            "DEPTH_LIMIT_EXCEEDED"
            | "ALIAS_LIMIT_EXCEEDED"
            | "PAGE_SIZE_EXCEEDED"
            | "COMPLEXITY_LIMIT_EXCEEDED"
            | "BAD_REQUEST" => 400,
            "UNKNOWN_API_KEY" => 401,
            "METHOD_NOT_ALLOWED" => 405,
            "NOT_ACCEPTABLE" => 406,
            "UNSUPPORTED_MEDIA_TYPE" => 415,
            "INTERNAL" => 500,
            "PAYLOAD_TOO_LARGE" => 413,
            "RATE_LIMITED" => 429,
            "OVERLOADED" => 503,
            "TIMEOUT" => 504,
            _ => return None,
        })
    }

    /// The GraphQL error, with `extensions.code`.
    pub fn into_error(self) -> async_graphql::Error {
        self.extend()
    }

    /// A response to a request refused as a whole: no data, this one error
    /// with its `extensions.code`.
    pub fn to_response(&self) -> async_graphql::Response {
        let mut error = async_graphql::ServerError::new(self.to_string(), None);
        error.extensions = self.extend().extensions;
        async_graphql::Response::from_errors(vec![error])
    }

    /// The `extensions.code` of an error in a response, if it has one.
    pub fn code_of(error: &async_graphql::ServerError) -> Option<&str> {
        match error.extensions.as_ref()?.get("code")? {
            async_graphql::Value::String(c) => Some(c),
            _ => None,
        }
    }
}

impl From<crate::curie::CurieError> for ApiError {
    fn from(e: crate::curie::CurieError) -> Self {
        ApiError::BadUserInput(e.to_string())
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        let code = self.code();
        let candidates = match self {
            ApiError::AmbiguousId { candidates, .. } => Some(candidates.clone()),
            _ => None,
        };
        async_graphql::Error::new(self.to_string()).extend_with(move |_, e| {
            e.set("code", code);
            if let Some(c) = &candidates {
                e.set("candidates", c.clone());
            }
        })
    }
}

/// Converts `Result<T, ApiError>` into a GraphQL result that keeps the code.
///
/// async-graphql turns any `Display` error into a GraphQL error *without*
/// extensions, so a bare `?` on an [`ApiError`] would lose `extensions.code`:
/// resolvers call `.coded()?` instead.
pub trait Coded<T> {
    fn coded(self) -> async_graphql::Result<T>;
}

impl<T> Coded<T> for Result<T, ApiError> {
    fn coded(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.extend())
    }
}
