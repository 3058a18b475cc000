use crate::common::query;
use serde_json::{json, Value};
use std::collections::HashSet;

/// Walks `phenotype(id:).diseases` page by page.
fn walk(page_size: i64) -> (u64, Vec<String>) {
    let q = r#"query($after: String, $n: Int) { phenotype(id: "HP:0001250") {
        diseases(first: $n, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { id } } } } }"#;
    let mut after = Value::Null;
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut totals = Vec::new();
    loop {
        let d = query(q, json!({ "after": after, "n": page_size }));
        let c = &d["phenotype"]["diseases"];
        let total = c["totalCount"].as_u64().unwrap();
        totals.push(total);
        assert_eq!(c["pageInfo"]["hasPreviousPage"], pages > 0);
        let edges = c["edges"].as_array().unwrap();
        ids.extend(
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_string()),
        );
        pages += 1;
        if !c["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        assert_eq!(edges.len() as i64, page_size, "only the last page is short");
        after = c["pageInfo"]["endCursor"].clone();
    }
    assert!(
        totals.windows(2).all(|w| w[0] == w[1]),
        "totalCount is stable across pages"
    );
    (totals[0], ids)
}

#[test]
fn a_long_connection_walks_without_gaps_or_repeats() {
    let (total, ids) = walk(97);
    assert!(
        total > 1000,
        "Seizure is annotated to many diseases: {total}"
    );
    assert_eq!(ids.len() as u64, total, "every item seen once");
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no repeats");
    // The same list in one page per 500 gives the same order.
    let (_, again) = walk(500);
    assert_eq!(ids, again);
}

#[test]
fn an_empty_page_after_the_end() {
    let d = query(
        r#"{ disease(id: "ORPHA:732") { phenotypes(first: 500) { pageInfo { endCursor } } } }"#,
        json!({}),
    );
    let end = d["disease"]["phenotypes"]["pageInfo"]["endCursor"].clone();
    let d = query(
        r#"query($a: String) { disease(id: "ORPHA:732") { phenotypes(first: 5, after: $a) { edges { cursor } pageInfo { hasNextPage endCursor } } } }"#,
        json!({ "a": end }),
    );
    let p = &d["disease"]["phenotypes"];
    assert_eq!(p["edges"], json!([]));
    assert_eq!(p["pageInfo"]["hasNextPage"], false);
    assert!(p["pageInfo"]["endCursor"].is_null());
}
