//! The RDF store and the SPARQL endpoint over the real HPO.

use crate::common::{app, query, read_gz, store};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use rarekg::store::{Answer, QueryLimits, StoreError};
use serde_json::{json, Value};
use std::time::Duration;
use tower::ServiceExt;

const COUNT_CLASSES: &str = "PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
  GRAPH ?g { ?c a owl:Class . FILTER(STRSTARTS(STR(?c), \"http://purl.obolibrary.org/obo/HP_\"))
             FILTER NOT EXISTS { ?c owl:deprecated true } }
  FILTER(CONTAINS(STR(?g), \"/hp/releases/\"))
}";

const CHAIN: &str = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
SELECT ?ancestor WHERE { obo:HP_0003701 rdfs:subClassOf* ?ancestor } ORDER BY ?ancestor";

/// Non-obsolete terms of the vendored hp.obo, counted from the file itself.
fn hp_obo_current_terms() -> usize {
    let obo = read_gz("ontologies/hpo/hp.obo.gz");
    let stanzas: Vec<&str> = obo
        .split("\n[")
        .filter(|s| s.starts_with("Term]"))
        .collect();
    stanzas
        .iter()
        .filter(|s| !s.contains("\nis_obsolete: true"))
        .count()
}

fn solutions(a: Answer) -> Vec<Vec<String>> {
    match a {
        Answer::Solutions { rows, .. } => rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|t| t.map(|t| t.to_string()).unwrap_or_default())
                    .collect()
            })
            .collect(),
        other => panic!("expected solutions, got {other:?}"),
    }
}

#[test]
fn sparql_counts_the_current_hp_classes() {
    let want = hp_obo_current_terms();
    assert!(want > 19_000, "{want}");
    let rows = solutions(
        store()
            .load_full()
            .unwrap()
            .query(COUNT_CLASSES, &QueryLimits::default())
            .unwrap(),
    );
    assert_eq!(
        rows[0][0],
        format!("\"{want}\"^^<http://www.w3.org/2001/XMLSchema#integer>")
    );
}

#[test]
fn sparql_walks_subclass_of_from_proximal_muscle_weakness_to_the_root() {
    let s = store().load_full().unwrap();
    let rows = solutions(s.query(CHAIN, &QueryLimits::default()).unwrap());
    let ancestors: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(
        ancestors.contains(&"<http://purl.obolibrary.org/obo/HP_0000001>"),
        "{ancestors:?}"
    );
    assert!(
        ancestors.contains(&"<http://purl.obolibrary.org/obo/HP_0003701>"),
        "zero-length path"
    );
    // The same closure the knowledge graph computed at build.
    let kg = crate::common::kg();
    let rarekg::graph::Lookup::Found(n) =
        kg.find_phenotype(&rarekg::curie::Curie::parse("HP:0003701").unwrap())
    else {
        panic!()
    };
    assert_eq!(ancestors.len(), kg.ancestors(n).count() + 1);
    let ask = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX obo: <http://purl.obolibrary.org/obo/>
               ASK { obo:HP_0003701 rdfs:subClassOf+ obo:HP_0000001 }";
    assert!(matches!(
        s.query(ask, &QueryLimits::default()).unwrap(),
        Answer::Boolean(true)
    ));
}

async fn http(req: Request<Body>) -> (StatusCode, String, String) {
    let resp = app().oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

fn get(q: &str, accept: &str) -> Request<Body> {
    let qs = serde_urlencoded::to_string([("query", q)]).unwrap();
    Request::get(format!("/sparql?{qs}"))
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn the_endpoint_answers_json_and_csv_alike() {
    let want = hp_obo_current_terms();
    let (status, ctype, body) = http(get(COUNT_CLASSES, "application/sparql-results+json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ctype, "application/sparql-results+json");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["results"]["bindings"][0]["n"]["value"], want.to_string());

    // POST form, CSV.
    let form = serde_urlencoded::to_string([("query", COUNT_CLASSES)]).unwrap();
    let (status, ctype, body) = http(
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/csv")
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"), "{ctype}");
    assert_eq!(body.lines().collect::<Vec<_>>(), ["n", &want.to_string()]);

    // POST application/sparql-query, TSV, the subClassOf chain.
    let (status, _, tsv) = http(
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/sparql-query")
            .header(header::ACCEPT, "text/tab-separated-values")
            .body(Body::from(CHAIN))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        tsv.contains("<http://purl.obolibrary.org/obo/HP_0000001>"),
        "{tsv}"
    );
    let (_, _, csv) = http(get(CHAIN, "text/csv")).await;
    assert_eq!(
        csv.lines().count(),
        tsv.lines().count(),
        "same rows in CSV and TSV"
    );
}

#[tokio::test]
async fn construct_answers_turtle_or_n_triples() {
    let q = "CONSTRUCT { <http://purl.obolibrary.org/obo/HP_0003701> ?p ?o } WHERE { <http://purl.obolibrary.org/obo/HP_0003701> ?p ?o }";
    let (status, ctype, body) = http(get(q, "text/turtle")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "text/turtle");
    assert!(body.contains("Proximal muscle weakness"));
    let (_, ctype, body) = http(get(q, "application/n-triples")).await;
    assert_eq!(ctype, "application/n-triples");
    assert!(body.lines().all(|l| l.ends_with(" .")), "{body}");
}

#[tokio::test]
async fn anonymous_updates_are_refused() {
    let update =
        "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }";
    for req in [
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/sparql-update")
            .body(Body::from(update))
            .unwrap(),
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                serde_urlencoded::to_string([("update", update)]).unwrap(),
            ))
            .unwrap(),
        get(update, "*/*"),
    ] {
        let (status, _, body) = http(req).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap()["error"]["code"],
            "FORBIDDEN"
        );
    }
    let (_, _, body) = http(get(
        "ASK { <http://example.org/a> ?p ?o }",
        "application/sparql-results+json",
    ))
    .await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["boolean"],
        false,
        "nothing was inserted"
    );
}

#[tokio::test]
async fn bad_queries_get_clear_errors() {
    let (status, _, body) = http(get("SELEC ?x WHERE {}", "*/*")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"]["code"],
        "SPARQL_SYNTAX"
    );
    let (status, _, _) = http(get("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png")).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    let (status, _, body) = http(Request::get("/sparql").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[test]
fn limits_stop_large_and_slow_queries() {
    let s = store().load_full().unwrap();
    let small = QueryLimits {
        timeout: Duration::from_secs(10),
        max_results: 100,
    };
    let err = s.query("SELECT * WHERE { ?s ?p ?o }", &small).unwrap_err();
    assert!(matches!(err, StoreError::TooManyResults(100)), "{err}");
    let quick = QueryLimits {
        timeout: Duration::from_millis(50),
        max_results: 10,
    };
    let slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }";
    let err = s.query(slow, &quick).unwrap_err();
    assert!(matches!(err, StoreError::Timeout(_)), "{err}");
}

#[test]
fn graphql_lists_ontologies_and_looks_up_terms() {
    let d = query(
        r#"{ ontologies { name version graph tripleCount termCount }
             ontologyTerm(id: "HP:0003701") { iri curie labels axioms { predicate object graph } } }"#,
        json!({}),
    );
    let onts = d["ontologies"].as_array().unwrap();
    let hpo = onts.iter().find(|o| o["name"] == "HPO").unwrap();
    assert_eq!(hpo["version"], "2025-01-16");
    assert!(hpo["graph"]
        .as_str()
        .unwrap()
        .contains("/hp/releases/2025-01-16/"));
    assert_eq!(hpo["termCount"], 19484);
    assert!(onts.iter().any(|o| o["name"] == "ORDO") && onts.iter().any(|o| o["name"] == "MONDO"));
    let t = &d["ontologyTerm"];
    assert_eq!(t["curie"], "HP:0003701");
    assert_eq!(t["labels"], json!(["Proximal muscle weakness"]));
    assert!(t["axioms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["predicate"] == "http://www.w3.org/2000/01/rdf-schema#subClassOf"));
}

#[test]
fn graphql_runs_sparql_joining_ontology_and_annotations() {
    // Diseases annotated (Biolink) with a descendant of Proximal muscle weakness.
    let q = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX obo: <http://purl.obolibrary.org/obo/>
             PREFIX biolink: <https://w3id.org/biolink/vocab/>
             SELECT DISTINCT ?d WHERE { ?d biolink:has_phenotype ?p . ?p rdfs:subClassOf* obo:HP_0003701 }";
    let d = query(
        "query($q: String!) { sparql(query: $q) }",
        json!({ "q": q }),
    );
    let bindings = d["sparql"]["results"]["bindings"].as_array().unwrap();
    let iris: Vec<&str> = bindings
        .iter()
        .map(|b| b["d"]["value"].as_str().unwrap())
        .collect();
    assert!(
        iris.contains(&"http://purl.obolibrary.org/obo/MONDO_0019127"),
        "polymyositis among {}",
        iris.len()
    );
    let code = crate::common::error_code(
        "{ sparql(query: \"DELETE WHERE { ?s ?p ?o }\") }",
        json!({}),
    );
    assert_eq!(code, "FORBIDDEN");
}

#[test]
fn rdf_files_load_into_their_own_graph_and_broken_ones_name_their_line() {
    let dir = std::env::temp_dir().join(format!("rarekg-ttl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("local.ttl");
    std::fs::write(
        &good,
        "@prefix ex: <http://example.org/> .\nex:a ex:label \"A local term\" .\n",
    )
    .unwrap();
    let bad = dir.join("broken.ttl");
    std::fs::write(&bad, "@prefix ex: <http://example.org/> .\nex:a ex:label \"fine\" .\nex:b ex:label \"unterminated .\n").unwrap();
    let paths = rarekg::graph::DataPaths::under(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let mut s = rarekg::store::OntologyStore::load_hpo_only(&paths).unwrap();
    s.load_rdf_file(&good).unwrap();
    let o = s
        .ontologies()
        .iter()
        .find(|o| o.name == "local.ttl")
        .unwrap();
    assert_eq!(
        (o.graph.as_str(), o.triple_count),
        ("urn:rarekg:file:local.ttl", 1)
    );
    let before = s.len();
    let err = s.load_rdf_file(&bad).unwrap_err().to_string();
    assert!(err.contains("broken.ttl:3:"), "{err}");
    assert_eq!(s.len(), before, "nothing of the broken file was stored");
    std::fs::remove_dir_all(&dir).ok();
}
