//! HTTP: `POST /graphql`, GraphiQL on `GET /graphql`, `GET /health`, the
//! SPARQL endpoint `/sparql`, and graph downloads under `/export/`.

mod export;
mod sparql;

use crate::api::{DocumentCache, RareSchema};
use crate::release::Releases;
pub use crate::release::StoreSlot;
use crate::store::QueryLimits;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;

/// What every handler shares.
#[derive(Clone)]
struct AppState {
    schema: RareSchema,
    documents: Arc<DocumentCache>,
    releases: Arc<Releases>,
    sparql_limits: QueryLimits,
    /// Tokens and roles (`Authorization: Bearer ...`).
    tokens: Arc<Tokens>,
}

/// The HTTP application serving `releases` through `schema`.
pub fn app(
    schema: RareSchema,
    releases: Arc<Releases>,
    sparql_limits: QueryLimits,
    tokens: Tokens,
) -> Router {
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route_service(
            "/graphql/ws",
            async_graphql_axum::GraphQLSubscription::new(schema.clone()),
        )
        .route("/sparql", get(sparql::get).post(sparql::post))
        .route("/health", get(health))
        .route("/export/{file}", get(export::export))
        .with_state(AppState {
            schema,
            documents: Arc::new(DocumentCache::default()),
            releases,
            sparql_limits,
            tokens: Arc::new(tokens),
        })
}

async fn graphql(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    req: GraphQLRequest,
) -> GraphQLResponse {
    let role = role(&headers, &state.tokens);
    let req = req.into_inner().data(role);
    state
        .documents
        .execute(&state.schema, &state.releases, req)
        .await
        .into()
}

/// The caller's role from `Authorization: Bearer <token>`. Configured
/// tokens are `name:secret` (or a bare `secret`, named `maintainer`).
fn role(headers: &axum::http::HeaderMap, tokens: &Tokens) -> crate::api::Role {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token else {
        return crate::api::Role::Anonymous;
    };
    let named = |entry: &String| match entry.rsplit_once(':') {
        Some((name, secret)) => (name.to_string(), secret.to_string()),
        None => ("maintainer".to_string(), entry.clone()),
    };
    if let Some((name, _)) = tokens
        .maintainers
        .iter()
        .map(named)
        .find(|(_, s)| s == token)
    {
        return crate::api::Role::Maintainer(name);
    }
    if let Some((name, _)) = tokens.curators.iter().map(named).find(|(_, s)| s == token) {
        return crate::api::Role::Curator(name);
    }
    if tokens.readers.iter().map(named).any(|(_, s)| s == token) {
        return crate::api::Role::Reader;
    }
    crate::api::Role::Unknown
}

/// Tokens and roles from configuration.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// May reload and roll back releases.
    pub maintainers: Vec<String>,
    /// May add, correct and retire curated facts (not releases).
    pub curators: Vec<String>,
    /// May read (as anyone may), never change.
    pub readers: Vec<String>,
}

async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .finish(),
    )
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Serves `app` on `listener` until SIGTERM or Ctrl-C, letting in-flight
/// requests finish.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Binds `addr`; the error names the address.
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot bind {addr}: {e}")))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
