//! `/health` (the process answers) and `/ready` (the data is loaded: the
//! graph, the RDF store when one is served, and the search index).

use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// `GET /health`: 200 while the process answers.
pub(super) async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /ready`: 200 once everything is loaded, else 503 naming what is
/// still loading (a load balancer holds traffic back until then).
pub(super) async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let release = state.releases.current();
    let store = !state.releases.serves_store() || release.store.load().is_some();
    let search = release.search_ready();
    let ready = store && search;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if ready { "ready" } else { "loading" },
            "release": release.id,
            "graph": true,
            "store": store,
            "search": search,
        })),
    )
}
