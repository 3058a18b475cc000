//! Graph downloads: KGX TSV and JSON-LD, whole or a neighbourhood, named
//! with the release.

use crate::common::{app, kg};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

async fn get(uri: &str) -> (StatusCode, String, String) {
    let resp = app()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let name = resp
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, name, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_neighbourhood_exports_as_kgx_and_json_ld() {
    let (status, name, edges) = get("/export/edges.tsv?around=ORPHA:732&depth=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        name.contains("rarekg-r1-MONDO_0019127-d1-edges.tsv"),
        "{name}"
    );
    let mut lines = edges.lines();
    assert_eq!(
        lines.next(),
        Some("subject\tpredicate\tobject\tprimary_knowledge_source")
    );
    assert!(edges.contains(
        "MONDO:0019127\tbiolink:has_phenotype\tHP:0003701\tinfores:hpo-annotations|infores:orphanet"
    ));
    let (_, _, nodes) = get("/export/nodes.tsv?around=ORPHA:732&depth=1").await;
    assert!(nodes.contains("MONDO:0019127\tbiolink:Disease\tPolymyositis\tinfores:rarekg"));
    // Every edge's ends are among the nodes.
    let ids: std::collections::HashSet<&str> = nodes
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    for l in edges.lines().skip(1) {
        let f: Vec<&str> = l.split('\t').collect();
        assert!(ids.contains(f[0]) && ids.contains(f[2]), "{l}");
    }
    let (status, name, doc) = get("/export/graph.jsonld?around=ORPHA:732").await;
    assert_eq!(status, StatusCode::OK);
    assert!(name.ends_with("-graph.jsonld\""));
    let v: Value = serde_json::from_str(&doc).unwrap();
    let pm = v["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@id"] == "MONDO:0019127")
        .unwrap();
    assert_eq!(pm["@type"], "biolink:Disease");
    assert!(pm["biolink:has_phenotype"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!({ "@id": "HP:0003701" })));
    assert_eq!(v["@context"]["HP"], "http://purl.obolibrary.org/obo/HP_");
}

#[tokio::test]
async fn the_whole_graph_exports_every_node() {
    let (status, name, nodes) = get("/export/nodes.tsv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(name.contains("rarekg-r1-nodes.tsv"));
    let kg = kg();
    let r = kg.records();
    let expected = kg.diseases().len()
        + kg.phenotypes()
            .filter(|&n| !kg.phenotype(n).obsolete)
            .count()
        + kg.genes().len()
        + r.drugs.len()
        + r.designations.len()
        + r.trials.len();
    assert_eq!(nodes.lines().count() - 1, expected);
    assert!(nodes.contains("clinicaltrials:NCT06953583\tbiolink:Study"));
}

#[tokio::test]
async fn bad_exports_are_refused() {
    let (status, _, body) = get("/export/graph.xml").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("NOT_FOUND"));
    let (status, _, body) = get("/export/nodes.tsv?around=ORPHA:732&depth=9").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("BAD_USER_INPUT"));
    let (status, _, _) = get("/export/nodes.tsv?around=NOPE:1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
