//! HTTP: `POST /graphql`, GraphiQL on `GET /graphql`, `GET /health`, and the
//! SPARQL endpoint `/sparql`.

mod sparql;

use crate::api::{DocumentCache, RareSchema};
use crate::store::{OntologyStore, QueryLimits};
use arc_swap::ArcSwapOption;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;

/// The ontology store once loaded (it loads in the background after start-up).
pub type StoreSlot = Arc<ArcSwapOption<OntologyStore>>;

/// What every handler shares.
#[derive(Clone)]
struct AppState {
    schema: RareSchema,
    documents: Arc<DocumentCache>,
    store: StoreSlot,
    sparql_limits: QueryLimits,
}

/// The HTTP application serving `schema` and the ontology `store`.
pub fn app(schema: RareSchema, store: StoreSlot, sparql_limits: QueryLimits) -> Router {
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/sparql", get(sparql::get).post(sparql::post))
        .route("/health", get(health))
        .with_state(AppState {
            schema,
            documents: Arc::new(DocumentCache::default()),
            store,
            sparql_limits,
        })
}

async fn graphql(State(state): State<AppState>, req: GraphQLRequest) -> GraphQLResponse {
    state
        .documents
        .execute(&state.schema, req.into_inner())
        .await
        .into()
}

async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
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
