//! The disease page executed in process, as the HTTP handler executes it
//! (parsed documents cached by query text).
//!
//! - `disease_page`: the page a frontend renders: the record, its first 20
//!   phenotypes with frequency, and its genes (`bench/disease_page.graphql`).
//!   Target: <= 100 us.
//! - `disease_page_full`: the same with provenance on every edge, xrefs and
//!   sources (`bench/disease_page_full.graphql`), for reference.

use async_graphql::{Request, Variables};
use criterion::{criterion_group, criterion_main, Criterion};
use rarekg::api::{schema, DocumentCache, RareSchema};
use rarekg::graph::{DataPaths, KnowledgeGraph};
use std::sync::Arc;

fn request(query: &str) -> Request {
    Request::new(query).variables(Variables::from_json(
        serde_json::json!({ "id": "ORPHA:732" }),
    ))
}

fn run(
    rt: &tokio::runtime::Runtime,
    schema: &RareSchema,
    docs: &DocumentCache,
    query: &str,
) -> async_graphql::Response {
    let resp = rt.block_on(docs.execute(schema, request(query)));
    assert!(resp.errors.is_empty(), "{:?}", resp.errors);
    resp
}

fn disease_page(c: &mut Criterion) {
    let kg = KnowledgeGraph::load(&DataPaths::under(std::path::Path::new(env!(
        "CARGO_MANIFEST_DIR"
    ))))
    .unwrap();
    let schema = schema(
        Arc::new(kg),
        Default::default(),
        rarekg::store::QueryLimits::default(),
    );
    let docs = DocumentCache::default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for (name, query) in [
        (
            "disease_page",
            include_str!("../bench/disease_page.graphql"),
        ),
        (
            "disease_page_full",
            include_str!("../bench/disease_page_full.graphql"),
        ),
    ] {
        let json = run(&rt, &schema, &docs, query).data.into_json().unwrap();
        assert_eq!(
            json["disease"]["phenotypes"]["edges"]
                .as_array()
                .unwrap()
                .len(),
            20
        );
        assert_eq!(json["disease"]["name"], "Polymyositis");
        c.bench_function(name, |b| b.iter(|| run(&rt, &schema, &docs, query)));
    }
}

criterion_group!(benches, disease_page);
criterion_main!(benches);
