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
        }
    }

    /// The GraphQL error, with `extensions.code`.
    pub fn into_error(self) -> async_graphql::Error {
        self.extend()
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
