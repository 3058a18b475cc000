//! The disease page executed in process: one request for a disease with its
//! first 20 phenotypes (frequency, sources, evidence) and its genes.
//! Target: <= 100 us per request.

use criterion::{criterion_group, criterion_main, Criterion};
use rarekg::api::schema;
use rarekg::graph::{DataPaths, KnowledgeGraph};
use std::sync::Arc;

/// The page a frontend renders for one disease (also used by `bench/http_load.sh`).
pub const DISEASE_PAGE: &str = include_str!("../bench/disease_page.graphql");

fn disease_page(c: &mut Criterion) {
    let kg = KnowledgeGraph::load(&DataPaths::under(std::path::Path::new(env!(
        "CARGO_MANIFEST_DIR"
    ))))
    .unwrap();
    let schema = schema(Arc::new(kg));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // Check the page once: no errors, 20 phenotypes.
    let resp = rt.block_on(schema.execute(async_graphql::Request::new(DISEASE_PAGE)));
    assert!(resp.errors.is_empty(), "{:?}", resp.errors);
    let json = resp.data.into_json().unwrap();
    assert_eq!(
        json["disease"]["phenotypes"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    c.bench_function("disease_page_in_process", |b| {
        b.iter(|| {
            let resp = rt.block_on(schema.execute(async_graphql::Request::new(DISEASE_PAGE)));
            assert!(resp.errors.is_empty());
            resp
        })
    });
}

criterion_group!(benches, disease_page);
criterion_main!(benches);
