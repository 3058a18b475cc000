//! HTTP: `POST /graphql` (and `GET /graphql?query=` for cacheable
//! queries; GraphiQL without one), the SPARQL endpoint `/sparql`, graph
//! downloads under `/export/`, and for operators `/health`, `/ready` and
//! `/metrics`.
//!
//! Every request gets an id (`x-request-id`, kept when the client sends
//! one) that its log lines carry. Data routes are rate limited per API key
//! or, without one, per client address.

mod answer;
mod auth;
mod export;
mod graphql;
mod health;
mod metrics;
mod rate_limit;
mod request;
mod sparql;
mod ws;

use crate::api::{DocumentCache, RareSchema};
use crate::config::{Config, Limits};
use crate::release::Releases;
pub use crate::release::StoreSlot;
use async_graphql::http::GraphiQLSource;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub use metrics::Metrics;

/// What every handler shares.
#[derive(Clone)]
struct AppState {
    schema: RareSchema,
    documents: Arc<DocumentCache>,
    releases: Arc<Releases>,
    limits: Arc<Limits>,
    /// Requests executing now; more wait for a permit.
    running: Arc<tokio::sync::Semaphore>,
    /// Tokens and roles (`Authorization: Bearer ...`).
    tokens: Arc<auth::TokenTable>,
    metrics: Arc<Metrics>,
    /// Request budgets: the middleware charges each HTTP request; batches
    /// and graphql-ws charge each further operation.
    budgets: Arc<rate_limit::Budgets>,
}

impl AppState {
    /// A slot to execute a request in, waiting in line at most
    /// `queue_timeout_ms` (`None`: the server is overloaded). GraphQL and
    /// SPARQL share the slots.
    async fn permit(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let queue = std::time::Duration::from_millis(self.limits.queue_timeout_ms);
        tokio::time::timeout(queue, self.running.clone().acquire_owned())
            .await
            .ok()?
            .ok()
    }
}

/// The HTTP application serving `releases` through `schema`, configured by
/// `config` (limits, rate limits, API keys, tokens).
pub fn app(schema: RareSchema, releases: Arc<Releases>, config: &Config) -> Router {
    let limits = config.limits.clone();
    let budgets = Arc::new(rate_limit::Budgets::new(
        &config.rate_limits,
        &config.api_keys,
    ));
    let state = AppState {
        schema,
        documents: Arc::new(DocumentCache::default().with_limits(limits.clone())),
        releases,
        running: Arc::new(tokio::sync::Semaphore::new(limits.concurrency())),
        limits: Arc::new(limits),
        tokens: Arc::new(auth::TokenTable::new(&config.tokens)),
        metrics: Arc::new(Metrics::new()),
        budgets: budgets.clone(),
    };
    let data = Router::new()
        .route(
            "/graphql",
            get(graphql::get)
                .post(graphql::post)
                .fallback(graphql::other_method),
        )
        .route("/graphql/ws", get(ws::upgrade))
        .route("/sparql", get(sparql::get).post(sparql::post))
        .route("/export/{file}", get(export::export))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.limits.max_body_bytes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            budgets,
            rate_limit::middleware,
        ));
    let ops = Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(metrics::metrics));
    data.merge(ops)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::middleware,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<_>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", id, method = %req.method(), path = req.uri().path())
                },
            )
            .on_failure(log_failure),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// A 5xx answer, in the log. A 503 is an answer the server chose (`/ready`
/// while a release loads, a full queue, the store not loaded yet) and tells
/// the caller to retry: it is logged at DEBUG, so that the probes of a
/// start-up do not fill the log with errors. Any other 5xx is an ERROR.
fn log_failure(
    class: tower_http::classify::ServerErrorsFailureClass,
    latency: std::time::Duration,
    _span: &tracing::Span,
) {
    use tower_http::classify::ServerErrorsFailureClass::StatusCode as Status;
    let latency_ms = latency.as_millis();
    match class {
        Status(axum::http::StatusCode::SERVICE_UNAVAILABLE) => {
            tracing::debug!(latency_ms, "answered 503 Service Unavailable")
        }
        class => tracing::error!(classification = %class, latency_ms, "response failed"),
    }
}

async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .finish(),
    )
}

/// Serves `app` on `listener` until SIGTERM or Ctrl-C, letting in-flight
/// requests finish.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    serve_until(listener, app, shutdown_signal()).await
}

/// Serves `app` on `listener` until `stop` completes: from then on no new
/// connection is accepted, and the requests in flight finish first.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
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
