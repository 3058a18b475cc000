//! Phenotype analytics checked against pyhpo 4.0.0 on the same HPO release
//! (fixtures made by `scripts/pyhpo_fixtures.py`), and the ranking of
//! diseases and genes over the real annotations.

use crate::common::{kg, query, run};
use rarekg::analytics::{Combine, Method};
use rarekg::curie::Curie;
use rarekg::graph::model::NodeId;
use rarekg::graph::{KnowledgeGraph, Lookup};
use serde_json::json;

fn fixture(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/pyhpo")
            .join(name),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn term(kg: &KnowledgeGraph, id: &str) -> NodeId {
    match kg.find_phenotype(&Curie::parse(id).unwrap()) {
        Lookup::Found(n) => n,
        other => panic!("{id}: {other:?}"),
    }
}

/// Equal to 1e-9, relative where the values are large.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn information_content_matches_pyhpo() {
    let kg = kg();
    let a = kg.analytics();
    assert_eq!(a.omim_diseases, 8359);
    let rows = fixture("term_ic.tsv");
    assert!(rows.len() >= 500);
    for r in &rows {
        let ours = a.ic(term(&kg, &r[0]));
        let theirs: f64 = r[1].parse().unwrap();
        assert!(close(ours, theirs), "IC {}: {ours} vs pyhpo {theirs}", r[0]);
    }
}

#[test]
fn term_similarity_matches_pyhpo() {
    let kg = kg();
    let a = kg.analytics();
    let rows = fixture("term_pairs.tsv");
    assert!(rows.len() >= 200);
    let methods = [
        (2, Method::Resnik),
        (3, Method::Lin),
        (4, Method::JiangConrath),
        (5, Method::GraphIc),
    ];
    for r in &rows {
        let (x, y) = (term(&kg, &r[0]), term(&kg, &r[1]));
        for (col, m) in methods {
            let theirs: f64 = r[col].parse().unwrap();
            let ours = a.term_similarity(&kg, x, y, m);
            assert!(
                close(ours, theirs),
                "{m:?}({}, {}): {ours} vs pyhpo {theirs}",
                r[0],
                r[1]
            );
            // The ranking's vectors agree with the pairwise definition.
            let v = a.term_similarity_vector(&kg, x, m)[y.index()];
            assert!(
                close(v, theirs),
                "{m:?} vector({}, {}): {v} vs {theirs}",
                r[0],
                r[1]
            );
        }
    }
}

#[test]
fn set_similarity_matches_pyhpo() {
    let kg = kg();
    let a = kg.analytics();
    let rows = fixture("term_sets.tsv");
    assert!(rows.len() >= 20);
    let set = |s: &str| -> Vec<NodeId> { s.split(',').map(|t| term(&kg, t)).collect() };
    let mut columns = Vec::new();
    for (i, m) in ["resnik", "lin", "graphic", "jc"].iter().enumerate() {
        for (j, c) in ["funSimAvg", "funSimMax", "BMA"].iter().enumerate() {
            let method = [
                Method::Resnik,
                Method::Lin,
                Method::GraphIc,
                Method::JiangConrath,
            ][i];
            let combine = [Combine::FunSimAvg, Combine::FunSimMax, Combine::Bma][j];
            columns.push((2 + i * 3 + j, method, combine, format!("{m}_{c}")));
        }
    }
    for r in &rows {
        let (x, y) = (set(&r[0]), set(&r[1]));
        for (col, m, c, name) in &columns {
            let theirs: f64 = r[*col].parse().unwrap();
            let ours = a.set_similarity(&kg, &x, &y, *m, *c);
            assert!(
                close(ours, theirs),
                "{name}({}; {}): {ours} vs pyhpo {theirs}",
                r[0],
                r[1]
            );
        }
    }
}
