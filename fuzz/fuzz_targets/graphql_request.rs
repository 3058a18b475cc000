//! The whole GraphQL request path over the real data: an HTTP body through
//! the axum app (body limit, JSON, persisted queries, the cost measure,
//! validation, execution). Half the inputs are sent as the body as is; the
//! other half as the query text of a JSON request, to reach the GraphQL
//! parser and the resolvers more often. A 500 means a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};

struct World {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let paths = rarekg::graph::DataPaths::under(&root);
        let kg = Arc::new(rarekg::graph::KnowledgeGraph::load(&paths).expect("the data loads"));
        let first = rarekg::release::Release::initial(kg, Default::default(), paths);
        let releases = Arc::new(rarekg::release::Releases::new(first, 2, false));
        // Built now, not by the first search input (seconds, which
        // libFuzzer would report as a slow unit or a timeout).
        releases
            .current()
            .search()
            .expect("the search index builds");
        let mut config = rarekg::config::Config::default();
        config.rate_limits.anonymous_per_minute = 0;
        let schema = rarekg::api::schema(releases.clone(), config.limits.sparql());
        World {
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap(),
            app: rarekg::server::app(schema, releases, &config),
        }
    })
}

fuzz_target!(init: { world(); }, |data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let body = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        serde_json::json!({ "query": String::from_utf8_lossy(rest) })
            .to_string()
            .into_bytes()
    };
    let w = world();
    let req = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    let resp = w
        .runtime
        .block_on(tower::ServiceExt::oneshot(w.app.clone(), req))
        .unwrap();
    assert_ne!(resp.status(), 500, "a resolver panicked");
});
