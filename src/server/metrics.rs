//! Prometheus metrics at `/metrics`: requests and latencies by route and
//! by GraphQL operation name, errors by code, reloads and their durations,
//! and the size of the graph served.

use super::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{header, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most distinct operation names kept as label values; later ones are
/// counted as `other`, so clients cannot grow the metrics without bound.
const MAX_OPERATIONS: usize = 200;

/// The server's metrics, in a registry of their own (one per app).
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_seconds: HistogramVec,
    in_flight: IntGauge,
    graphql_requests: IntCounterVec,
    graphql_seconds: HistogramVec,
    graphql_errors: IntCounterVec,
    reloads: IntCounterVec,
    reload_seconds_total: Gauge,
    reload_last_seconds: Gauge,
    release: IntGauge,
    graph_nodes: IntGauge,
    graph_edges: IntGauge,
    entities: IntGaugeVec,
    resident: IntGauge,
    operations: Mutex<HashSet<String>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Fresh metrics, all at zero.
    pub fn new() -> Metrics {
        let registry =
            Registry::new_custom(Some("rarekg".into()), None).expect("a valid metrics prefix");
        let buckets = vec![
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
            registry.register(Box::new(c.clone())).expect("unique");
            c
        };
        let histogram = |name: &str, help: &str, labels: &[&str]| {
            let h = HistogramVec::new(
                HistogramOpts::new(name, help).buckets(buckets.clone()),
                labels,
            )
            .expect("valid metric");
            registry.register(Box::new(h.clone())).expect("unique");
            h
        };
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::new(name, help).expect("valid metric");
            registry.register(Box::new(g.clone())).expect("unique");
            g
        };
        let float = |name: &str, help: &str| {
            let g = Gauge::new(name, help).expect("valid metric");
            registry.register(Box::new(g.clone())).expect("unique");
            g
        };
        let entities = IntGaugeVec::new(
            Opts::new("graph_entities", "Entities in the graph served, by kind"),
            &["kind"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(entities.clone()))
            .expect("unique");
        Metrics {
            http_requests: counter(
                "http_requests_total",
                "HTTP requests by route and status",
                &["route", "status"],
            ),
            http_seconds: histogram(
                "http_request_duration_seconds",
                "HTTP request latency by route",
                &["route"],
            ),
            in_flight: gauge("http_requests_in_flight", "HTTP requests being answered"),
            graphql_requests: counter(
                "graphql_requests_total",
                "GraphQL requests by operation name and outcome (ok, error, refused)",
                &["operation", "outcome"],
            ),
            graphql_seconds: histogram(
                "graphql_request_duration_seconds",
                "GraphQL execution latency by operation name",
                &["operation"],
            ),
            graphql_errors: counter(
                "graphql_errors_total",
                "GraphQL errors by extensions.code",
                &["code"],
            ),
            reloads: counter(
                "reloads_total",
                "Release reloads by outcome (applied, dry_run, refused)",
                &["outcome"],
            ),
            reload_seconds_total: float(
                "reload_duration_seconds_total",
                "Time spent in reloads, all outcomes",
            ),
            reload_last_seconds: float(
                "reload_last_duration_seconds",
                "Duration of the last reload",
            ),
            release: gauge("release_id", "The release served"),
            graph_nodes: gauge("graph_nodes", "Nodes in the graph served"),
            graph_edges: gauge("graph_edges", "Edges in the graph served"),
            resident: gauge("resident_memory_bytes", "Resident memory of the process"),
            entities,
            registry,
            operations: Mutex::new(HashSet::new()),
        }
    }

    /// The label for a client-chosen operation name.
    fn operation(&self, name: Option<&str>) -> String {
        let Some(name) = name.filter(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) else {
            return "anonymous".into();
        };
        let mut seen = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains(name) || seen.len() < MAX_OPERATIONS {
            seen.insert(name.to_string());
            name.to_string()
        } else {
            "other".into()
        }
    }

    /// Records a GraphQL request that ran.
    pub(super) fn graphql(
        &self,
        operation: Option<&str>,
        took: Duration,
        errors: &[async_graphql::ServerError],
    ) {
        let op = self.operation(operation);
        let outcome = if errors.is_empty() { "ok" } else { "error" };
        self.graphql_requests
            .with_label_values(&[op.as_str(), outcome])
            .inc();
        self.graphql_seconds
            .with_label_values(&[op.as_str()])
            .observe(took.as_secs_f64());
        for e in errors {
            // Syntax and validation errors come from the executor, uncoded.
            let code = crate::api::ApiError::code_of(e).unwrap_or("GRAPHQL_VALIDATION_FAILED");
            self.graphql_errors.with_label_values(&[code]).inc();
        }
    }

    /// Records a GraphQL request refused before it ran.
    pub(super) fn refused(&self, operation: Option<&str>, code: &str) {
        let op = self.operation(operation);
        self.graphql_requests
            .with_label_values(&[op.as_str(), "refused"])
            .inc();
        self.graphql_errors.with_label_values(&[code]).inc();
    }

    /// The text exposition, with the gauges read from `state` now.
    fn render(&self, state: &AppState) -> String {
        let release = state.releases.current();
        self.release.set(release.id as i64);
        self.graph_nodes.set(release.kg.node_count() as i64);
        self.graph_edges.set(release.kg.edge_count() as i64);
        for (kind, n) in release.kg.entity_counts() {
            self.entities.with_label_values(&[kind]).set(n as i64);
        }
        self.resident
            .set(i64::try_from(crate::memory::resident_bytes()).unwrap_or(i64::MAX));
        let stats = state.releases.reload_stats();
        for (outcome, n) in [
            ("applied", stats.applied),
            ("dry_run", stats.dry_runs),
            ("refused", stats.refused),
        ] {
            let c = self.reloads.with_label_values(&[outcome]);
            c.inc_by(n.saturating_sub(c.get()));
        }
        self.reload_seconds_total.set(stats.seconds_total);
        self.reload_last_seconds.set(stats.last_seconds);
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail but for a broken metric.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// `GET /metrics`
pub(super) async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&state),
    )
        .into_response()
}

/// Counts and times every request by route and status.
pub(super) async fn middleware(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let m = &state.metrics;
    // Decremented on drop too, when a client hangs up mid-request.
    struct InFlight(IntGauge);
    impl Drop for InFlight {
        fn drop(&mut self) {
            self.0.dec();
        }
    }
    m.in_flight.inc();
    let in_flight = InFlight(m.in_flight.clone());
    let started = Instant::now();
    let resp = next.run(req).await;
    drop(in_flight);
    m.http_seconds
        .with_label_values(&[route.as_str()])
        .observe(started.elapsed().as_secs_f64());
    m.http_requests
        .with_label_values(&[route.as_str(), resp.status().as_str()])
        .inc();
    resp
}
