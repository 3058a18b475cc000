//! What operators and frontends rely on beyond the schema: rate limits and
//! API keys, persisted queries, cache headers, request ids, metrics,
//! readiness, and graceful shutdown.

use crate::common::{config, releases, schema_};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

fn app_with(f: impl FnOnce(&mut rarekg::config::Config)) -> axum::Router {
    let mut c = config();
    f(&mut c);
    rarekg::server::app(schema_(), releases(), &c)
}

async fn send(
    app: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn post(body: Value, api_key: Option<&str>) -> Request<Body> {
    let mut r = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = api_key {
        r = r.header("x-api-key", k);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

const PAGE: &str = r#"query DiseasePage { disease(id: "ORPHA:732") { name } }"#;

#[tokio::test]
async fn anonymous_budgets_count_down_then_refuse_with_429() {
    let app = app_with(|c| c.rate_limits.anonymous_per_minute = 3);
    for remaining in [2, 1, 0] {
        let (status, h, body) = send(&app, post(json!({ "query": PAGE }), None)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(h["ratelimit-limit"], "3");
        assert_eq!(h["ratelimit-remaining"], remaining.to_string().as_str());
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["extensions"]["rateLimit"]["remaining"], remaining);
        assert_eq!(v["data"]["disease"]["name"], "Polymyositis");
    }
    let (status, h, body) = send(&app, post(json!({ "query": PAGE }), None)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    let retry: u64 = h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(
        (1..=20).contains(&retry),
        "one request comes back every 20 s"
    );
    assert_eq!(h["ratelimit-remaining"], "0");
    // Other routes share the budget and answer in their own format.
    let (status, _, body) = send(
        &app,
        Request::get("/export/nodes.tsv?around=ORPHA:732&depth=1")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("RATE_LIMITED"));
    // Operators' routes are never limited.
    let (status, _, _) = send(&app, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn api_keys_have_their_own_budget_and_unknown_keys_are_refused() {
    let app = app_with(|c| {
        c.rate_limits.anonymous_per_minute = 1;
        c.api_keys = vec![rarekg::config::ApiKey {
            name: "frontend".into(),
            key: "frontend-secret-key".into(),
            per_minute: Some(1000),
        }];
    });
    for _ in 0..3 {
        let (status, h, _) = send(
            &app,
            post(json!({ "query": PAGE }), Some("frontend-secret-key")),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h["ratelimit-limit"], "1000");
    }
    let (status, _, body) = send(
        &app,
        post(json!({ "query": PAGE }), Some("guessed-key-1234")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body.contains("UNKNOWN_API_KEY"));
}

#[tokio::test]
async fn persisted_queries_are_sent_by_hash() {
    let app = app_with(|_| {});
    let hash = format!("{:x}", Sha256::digest(PAGE.as_bytes()));
    let pq = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    // Unknown hash: the client then sends the query with it.
    let (status, _, body) = send(&app, post(json!({ "extensions": pq }), None)).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(
        v["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    let (_, _, body) = send(&app, post(json!({ "query": PAGE, "extensions": pq }), None)).await;
    assert!(body.contains("Polymyositis"), "{body}");
    // From now on the hash alone is enough.
    let (_, _, body) = send(&app, post(json!({ "extensions": pq }), None)).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["data"]["disease"]["name"], "Polymyositis", "{v}");
    // A hash that is not the query's is refused.
    let wrong = json!({ "persistedQuery": { "version": 1, "sha256Hash": "00".repeat(32) } });
    let (_, _, body) = send(
        &app,
        post(json!({ "query": PAGE, "extensions": wrong }), None),
    )
    .await;
    assert!(body.contains("BAD_USER_INPUT"), "{body}");
}

#[tokio::test]
async fn get_queries_carry_an_etag_and_revalidate_with_304() {
    let app = app_with(|_| {});
    let url = format!(
        "/graphql?query={}",
        PAGE.replace(' ', "%20")
            .replace('"', "%22")
            .replace('{', "%7B")
            .replace('}', "%7D")
    );
    let (status, h, body) = send(&app, Request::get(&url).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Polymyositis"));
    let etag = h[header::ETAG].to_str().unwrap().to_string();
    let release = releases().current().id;
    assert!(etag.starts_with(&format!("\"r{release}-")), "{etag}");
    assert_eq!(h[header::CACHE_CONTROL], "public, max-age=60");
    let (status, h, body) = send(
        &app,
        Request::get(&url)
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(h[header::ETAG], etag.as_str());
    // Mutations are never sent with GET.
    let (status, _, _) = send(
        &app,
        Request::get(
            "/graphql?query=mutation%20%7B%20rollback(release%3A%201)%20%7B%20id%20%7D%20%7D",
        )
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = app_with(|_| {});
    let (_, h, _) = send(&app, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(h["x-request-id"].len(), 36, "a UUID");
    let (_, h, _) = send(
        &app,
        Request::get("/health")
            .header("x-request-id", "trace-me-42")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(h["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn metrics_count_requests_by_operation_errors_by_code_and_the_graph() {
    let app = app_with(|_| {});
    send(&app, post(json!({ "query": PAGE }), None)).await;
    send(&app, post(json!({ "query": PAGE }), None)).await;
    send(
        &app,
        post(
            json!({ "query": "query Big { diseases(first: 100000) { totalCount } }" }),
            None,
        ),
    )
    .await;
    let (status, h, text) = send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let has = |line: &str| text.lines().any(|l| l == line);
    assert!(
        has(r#"rarekg_graphql_requests_total{operation="DiseasePage",outcome="ok"} 2"#),
        "{text}"
    );
    assert!(
        has(r#"rarekg_graphql_errors_total{code="PAGE_SIZE_EXCEEDED"} 1"#),
        "{text}"
    );
    assert!(
        has(r#"rarekg_http_requests_total{route="/graphql",status="400"} 1"#),
        "{text}"
    );
    let kg = crate::common::kg();
    assert!(
        has(&format!("rarekg_graph_nodes {}", kg.node_count())),
        "{text}"
    );
    assert!(
        has(&format!("rarekg_graph_edges {}", kg.edge_count())),
        "{text}"
    );
    assert!(
        text.contains("rarekg_graphql_request_duration_seconds_bucket{operation=\"DiseasePage\"")
    );
    assert!(
        has(r#"rarekg_reloads_total{outcome="applied"} 0"#),
        "{text}"
    );
}

/// An app over a fresh release without a store: the graph is there, search
/// is not built yet, so `/ready` answers 503.
fn loading_app() -> (axum::Router, std::sync::Arc<rarekg::release::Releases>) {
    let fresh = std::sync::Arc::new(rarekg::release::Releases::new(
        rarekg::release::Release::initial(crate::common::unbuilt(false)),
        2,
    ));
    let schema = rarekg::api::schema(fresh.clone(), Default::default());
    (rarekg::server::app(schema, fresh.clone(), &config()), fresh)
}

#[tokio::test]
async fn ready_waits_for_the_search_index_and_the_store() {
    let (app, fresh) = loading_app();
    let (status, _, body) = send(&app, Request::get("/ready").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["search"], false);
    assert_eq!(v["store"], true, "no store is served, so none is awaited");
    fresh.current().search().unwrap();
    let (status, _, body) = send(&app, Request::get("/ready").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["pValueBackgrounds"], false,
        "the p-value warm-up holds nothing back"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["status"],
        "ready"
    );
}

/// Collects what the app logs, for the test below.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// Regression: every `/ready` probe during start-up was logged at ERROR.
#[tokio::test]
async fn a_ready_probe_while_loading_is_logged_at_debug_not_as_an_error() {
    let (app, _fresh) = loading_app();
    let log = LogBuffer::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test's runtime runs on this thread, so the app logs here.
    let _guard = tracing::subscriber::set_default(subscriber);
    let (status, _, _) = send(&app, Request::get("/ready").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains("DEBUG") && l.contains("503 Service Unavailable")),
        "{text}"
    );
    assert!(!text.contains("ERROR"), "{text}");
}

#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish_and_refuses_new_ones() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(rarekg::server::serve_until(
        listener,
        app_with(|_| {}),
        async {
            let _ = rx.await;
        },
    ));
    // A long streamed download: the whole graph's edges.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /export/edges.tsv HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = vec![0u8; 4096];
    let n = stream.read(&mut first).await.unwrap();
    assert!(first[..n].starts_with(b"HTTP/1.1 200"));
    tx.send(()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connection once shutting down"
    );
    // The download in flight still ends properly (the last chunk).
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    assert!(rest.ends_with(b"0\r\n\r\n"), "the chunked body is complete");
    let lines = rest.iter().filter(|&&b| b == b'\n').count();
    assert!(lines > 100_000, "the whole graph's edges ({lines} lines)");
    server.await.unwrap().unwrap();
}
