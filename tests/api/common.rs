use async_graphql::{Request, Variables};
use rarekg::analytics::Analytics;
use rarekg::api::{schema, RareSchema};
use rarekg::graph::{DataPaths, KnowledgeGraph};
use rarekg::release::{BuildOptions, Built, Derived, Release, Releases, StoreSlot};
use rarekg::store::QueryLimits;
use serde_json::Value;
use std::path::Path;
use std::sync::{Arc, OnceLock};

fn paths() -> DataPaths {
    DataPaths::under(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// The real data, built once per test binary by the release pipeline,
/// every derived index included.
pub fn built() -> Built {
    shared().clone()
}

fn shared() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let options = BuildOptions {
            // The p-value tests compute what they need.
            warm_up: false,
            ..BuildOptions::complete(true)
        };
        rarekg::release::build(paths(), options).expect("the vendored releases load")
    })
}

/// The graph of the real data.
pub fn kg() -> Arc<KnowledgeGraph> {
    built().kg
}

/// Its analytics tables.
pub fn analytics() -> &'static Analytics {
    &shared().analytics
}

/// The RDF store over the same data.
pub fn store() -> StoreSlot {
    built().derived.store.clone()
}

/// The real data with its graph, analytics and store shared and nothing
/// else built (the store too when `store`): for releases of a test's own.
pub fn unbuilt(store: bool) -> Built {
    let derived = if store {
        Derived::sharing_store(self::store())
    } else {
        Derived::none()
    };
    Built {
        derived: Arc::new(derived),
        ..built()
    }
}

/// The shared releases over the graph and store above; never reloaded
/// (reload tests make their own).
pub fn releases() -> Arc<Releases> {
    static RELEASES: OnceLock<Arc<Releases>> = OnceLock::new();
    RELEASES
        .get_or_init(|| Arc::new(Releases::new(Release::initial(built()), 2)))
        .clone()
}

pub fn schema_() -> RareSchema {
    static SCHEMA: OnceLock<RareSchema> = OnceLock::new();
    SCHEMA
        .get_or_init(|| schema(releases(), QueryLimits::default()))
        .clone()
}

/// The maintainer token the test apps accept.
pub const MAINTAINER_TOKEN: &str = "test-maintainer-token";

/// The configuration of the test apps: default limits, the test tokens, and
/// no anonymous rate limit (tests hammer the app from one address; the rate
/// limit tests set their own).
pub fn config() -> rarekg::config::Config {
    rarekg::config::Config {
        rate_limits: rarekg::config::RateLimits {
            anonymous_per_minute: 0,
            ..Default::default()
        },
        tokens: rarekg::config::Tokens {
            maintainers: vec![format!("alice:{MAINTAINER_TOKEN}")],
            curators: vec!["carol:curator-token".into()],
            readers: vec!["reader:reader-token".into()],
        },
        ..Default::default()
    }
}

/// The HTTP application over the shared releases.
pub fn app() -> axum::Router {
    rarekg::server::app(schema_(), releases(), &config())
}

/// Runs a query in process; panics on GraphQL errors.
pub fn query(q: &str, vars: Value) -> Value {
    let resp = run(q, vars);
    assert!(
        resp.errors.is_empty(),
        "unexpected errors: {:?}",
        resp.errors
    );
    resp.data.into_json().unwrap()
}

/// Runs a query in process and returns the whole response.
pub fn run(q: &str, vars: Value) -> async_graphql::Response {
    static DOCS: OnceLock<rarekg::api::DocumentCache> = OnceLock::new();
    let docs = DOCS.get_or_init(Default::default);
    let req = Request::new(q).variables(Variables::from_json(vars));
    block_on(docs.execute(&schema_(), &releases(), req))
}

/// The first error's `extensions.code`.
pub fn error_code(q: &str, vars: Value) -> String {
    let resp = run(q, vars);
    let json = serde_json::to_value(&resp).unwrap();
    json["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code, got {json}"))
        .to_string()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

/// Reads a vendored gzipped text file.
pub fn read_gz(rel: &str) -> String {
    use std::io::Read;
    let f = std::fs::File::open(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap();
    let mut s = String::new();
    flate2::read::GzDecoder::new(f)
        .read_to_string(&mut s)
        .unwrap();
    s
}
