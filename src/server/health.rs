//! `/health` (the process answers) and `/ready` (the data is loaded: the
//! graph, the RDF store when one is served, the search index and the
//! p-value backgrounds: [`crate::release::Readiness`]).

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
    let built = release.readiness();
    let ready = built.is_ready();
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
            "store": built.store,
            "search": built.search,
            "pValueBackgrounds": built.p_value_backgrounds,
        })),
    )
}
