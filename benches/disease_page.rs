//! The disease page executed in process, as the HTTP handler executes it
//! (pinned to the current release, parsed documents cached by query text).
//!
//! - `disease_page`: the page a frontend renders: the record, its first 20
//!   phenotypes with frequency, and its genes (`bench/disease_page.graphql`).
//!   Target: <= 100 us.
//! - `disease_page_full`: the same with provenance on every edge, xrefs and
//!   sources (`bench/disease_page_full.graphql`), for reference.
//! - `disease_page_record`: the whole record a rare-disease page shows:
//!   the above plus epidemiology, classification, designations, trial
//!   counts and trials, patient organizations and screening
//!   (`bench/disease_page_record.graphql`). Target: <= 200 us.

use async_graphql::{Request, Variables};
use criterion::{criterion_group, criterion_main, Criterion};
use rarekg::api::{schema, DocumentCache, RareSchema};
use rarekg::graph::DataPaths;
use rarekg::release::{build, BuildOptions, Release, Releases};
use std::sync::Arc;

/// The server's allocator, as `src/main.rs` chooses it, so that these
/// figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Page {
    rt: tokio::runtime::Runtime,
    schema: RareSchema,
    releases: Arc<Releases>,
    docs: DocumentCache,
}

impl Page {
    fn run(&self, query: &str) -> async_graphql::Response {
        let req = Request::new(query).variables(Variables::from_json(
            serde_json::json!({ "id": "ORPHA:732" }),
        ));
        let resp = self
            .rt
            .block_on(self.docs.execute(&self.schema, &self.releases, req));
        assert!(resp.errors.is_empty(), "{:?}", resp.errors);
        resp
    }
}

fn disease_page(c: &mut Criterion) {
    let paths = DataPaths::under(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let first = Release::initial(build(paths, BuildOptions::graph_only()).unwrap());
    let releases = Arc::new(Releases::new(first, 2));
    let page = Page {
        rt: tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap(),
        schema: schema(releases.clone(), rarekg::store::QueryLimits::default()),
        releases,
        docs: DocumentCache::default(),
    };
    for (name, query) in [
        (
            "disease_page",
            include_str!("../bench/disease_page.graphql"),
        ),
        (
            "disease_page_full",
            include_str!("../bench/disease_page_full.graphql"),
        ),
        (
            "disease_page_record",
            include_str!("../bench/disease_page_record.graphql"),
        ),
    ] {
        let json = page.run(query).data.into_json().unwrap();
        assert_eq!(
            json["disease"]["phenotypes"]["edges"]
                .as_array()
                .unwrap()
                .len(),
            20
        );
        assert_eq!(json["disease"]["name"], "Polymyositis");
        c.bench_function(name, |b| b.iter(|| page.run(query)));
    }
}

criterion_group!(benches, disease_page);
criterion_main!(benches);
