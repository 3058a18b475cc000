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
    // A GET without a query is the service description; a POST has no such
    // meaning and still lacks its query.
    let (status, _, body) = http(
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("default-graph-uri=urn%3Ax"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("missing `query`"), "{body}");
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
    // The closure first: joined the other way round the query takes seconds.
    let q = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX obo: <http://purl.obolibrary.org/obo/>
             PREFIX biolink: <https://w3id.org/biolink/vocab/>
             SELECT DISTINCT ?d WHERE { ?p rdfs:subClassOf* obo:HP_0003701 . ?d biolink:has_phenotype ?p }";
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

/// The named graph of the ontology called `name`.
fn graph_of(name: &str) -> String {
    store()
        .load_full()
        .unwrap()
        .ontologies()
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no {name} graph"))
        .graph
        .clone()
}

fn get_with(params: &[(&str, &str)], accept: &str) -> Request<Body> {
    let qs = serde_urlencoded::to_string(params).unwrap();
    Request::get(format!("/sparql?{qs}"))
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap()
}

fn json_count(body: &str) -> usize {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {body}"))
}

fn error_code_of(body: &str) -> String {
    serde_json::from_str::<Value>(body).unwrap()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// HP classes counted in the default graph, whatever it is made of.
const COUNT_HP_CLASSES_IN_DEFAULT: &str = "PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a owl:Class . FILTER(STRSTARTS(STR(?c), \"http://purl.obolibrary.org/obo/HP_\"))
  FILTER NOT EXISTS { ?c owl:deprecated true }
}";

/// The named graphs visible to the query (`GRAPH ?g {}` lists them without
/// scanning their triples).
const COUNT_GRAPHS: &str = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g {} }";

#[tokio::test]
async fn dataset_parameters_choose_the_graphs() {
    let want = hp_obo_current_terms();
    let (hpo, ordo) = (graph_of("HPO"), graph_of("ORDO"));
    let json = "application/sparql-results+json";

    // default-graph-uri: the default graph is that graph alone.
    let (status, _, body) = http(get_with(
        &[
            ("query", COUNT_HP_CLASSES_IN_DEFAULT),
            ("default-graph-uri", &hpo),
        ],
        json,
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json_count(&body), want);
    let (_, _, body) = http(get_with(
        &[
            ("query", COUNT_HP_CLASSES_IN_DEFAULT),
            ("default-graph-uri", &ordo),
        ],
        json,
    ))
    .await;
    assert_eq!(json_count(&body), 0, "ORDO holds no HP classes");

    // named-graph-uri: only those graphs are visible to GRAPH.
    let all = store().load_full().unwrap().named_graphs();
    assert!(all.contains(&hpo) && all.contains(&ordo), "{all:?}");
    let (_, _, body) = http(get(COUNT_GRAPHS, json)).await;
    assert_eq!(json_count(&body), all.len(), "no parameters: every graph");
    let (_, _, body) = http(get_with(
        &[
            ("query", COUNT_GRAPHS),
            ("named-graph-uri", &hpo),
            ("named-graph-uri", &ordo),
        ],
        json,
    ))
    .await;
    assert_eq!(json_count(&body), 2);
    // ... and then the default graph is empty.
    let (_, _, body) = http(get_with(
        &[
            ("query", COUNT_HP_CLASSES_IN_DEFAULT),
            ("named-graph-uri", &hpo),
        ],
        json,
    ))
    .await;
    assert_eq!(json_count(&body), 0);

    // A bare POST takes them from the URL, a form from its body.
    let qs = serde_urlencoded::to_string([("default-graph-uri", &hpo)]).unwrap();
    let (status, _, body) = http(
        Request::post(format!("/sparql?{qs}"))
            .header(header::CONTENT_TYPE, "application/sparql-query")
            .header(header::ACCEPT, json)
            .body(Body::from(COUNT_HP_CLASSES_IN_DEFAULT))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json_count(&body), want);
    let form = serde_urlencoded::to_string([
        ("query", COUNT_HP_CLASSES_IN_DEFAULT),
        ("default-graph-uri", &ordo),
    ])
    .unwrap();
    let (_, _, body) = http(
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, json)
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    assert_eq!(json_count(&body), 0);

    // Not an IRI.
    let (status, _, body) = http(get_with(
        &[("query", COUNT_GRAPHS), ("default-graph-uri", "not an iri")],
        json,
    ))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code_of(&body), "BAD_REQUEST");
}

#[tokio::test]
async fn a_query_with_from_and_dataset_parameters_is_refused() {
    let hpo = graph_of("HPO");
    let with_from = COUNT_HP_CLASSES_IN_DEFAULT.replace(" WHERE", &format!(" FROM <{hpo}> WHERE"));
    // FROM alone is honoured.
    let (status, _, body) = http(get(&with_from, "application/sparql-results+json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json_count(&body), hp_obo_current_terms());
    let named = "SELECT ?g FROM NAMED <urn:x> WHERE { GRAPH ?g {} }";
    for (q, param) in [
        (with_from.as_str(), "default-graph-uri"),
        (with_from.as_str(), "named-graph-uri"),
        (named, "default-graph-uri"),
    ] {
        let (status, _, body) = http(get_with(&[("query", q), (param, &hpo)], "*/*")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_code_of(&body), "DATASET_CONFLICT");
        assert!(body.contains("FROM"), "{body}");
    }
}

const CONSTRUCT_HP_0003701: &str = "CONSTRUCT { <http://purl.obolibrary.org/obo/HP_0003701> ?p ?o } WHERE { <http://purl.obolibrary.org/obo/HP_0003701> ?p ?o }";

fn count_triples(format: oxigraph::io::RdfFormat, body: &str) -> usize {
    let mut n = 0;
    for q in oxigraph::io::RdfParser::from_format(format).for_slice(body.as_bytes()) {
        if let Err(e) = q {
            panic!("{format}: {e}\n{body}");
        }
        n += 1;
    }
    n
}

#[tokio::test]
async fn construct_answers_every_rdf_format() {
    use oxigraph::io::RdfFormat;
    let (status, _, turtle) = http(get(CONSTRUCT_HP_0003701, "text/turtle")).await;
    assert_eq!(status, StatusCode::OK);
    let want = count_triples(RdfFormat::Turtle, &turtle);
    assert!(want > 5, "{turtle}");
    for (accept, format) in [
        ("application/n-triples", RdfFormat::NTriples),
        ("application/rdf+xml", RdfFormat::RdfXml),
        (
            "application/ld+json",
            RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
        ),
        ("application/n-quads", RdfFormat::NQuads),
        ("application/trig", RdfFormat::TriG),
    ] {
        let (status, ctype, body) = http(get(CONSTRUCT_HP_0003701, accept)).await;
        assert_eq!(status, StatusCode::OK, "{accept}: {body}");
        assert_eq!(ctype, accept);
        assert_eq!(count_triples(format, &body), want, "{accept}: {body}");
    }
    // DESCRIBE too.
    let (status, ctype, body) = http(get(
        "DESCRIBE <http://purl.obolibrary.org/obo/HP_0003701>",
        "application/rdf+xml",
    ))
    .await;
    assert_eq!(
        (status, ctype.as_str()),
        (StatusCode::OK, "application/rdf+xml")
    );
    assert!(count_triples(RdfFormat::RdfXml, &body) >= want);
}

#[tokio::test]
async fn content_negotiation_weighs_q_values_and_wildcards() {
    let select = "SELECT ?l WHERE { <http://purl.obolibrary.org/obo/HP_0003701> <http://www.w3.org/2000/01/rdf-schema#label> ?l }";
    let cases: &[(&str, &str, &str)] = &[
        (select, "*/*", "application/sparql-results+json"),
        (select, "", "application/sparql-results+json"),
        (select, "application/*", "application/sparql-results+json"),
        (select, "text/*", "text/csv; charset=utf-8"),
        (
            select,
            "text/csv;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        (
            select,
            "application/sparql-results+json;q=0, */*",
            "application/sparql-results+xml",
        ),
        (
            select,
            "*/*;q=0.1, text/tab-separated-values;q=0.9",
            "text/tab-separated-values; charset=utf-8",
        ),
        // rdflib's SPARQLStore (one header for every query form, in either order).
        (
            select,
            "application/sparql-results+xml, application/rdf+xml",
            "application/sparql-results+xml",
        ),
        (
            select,
            "application/rdf+xml, application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        (
            CONSTRUCT_HP_0003701,
            "application/sparql-results+xml, application/rdf+xml",
            "application/rdf+xml",
        ),
        // SPARQLWrapper's JSON and XML.
        (
            select,
            "application/sparql-results+json,application/json,text/javascript,application/javascript",
            "application/sparql-results+json",
        ),
        (
            select,
            "application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        (CONSTRUCT_HP_0003701, "*/*", "text/turtle"),
        (CONSTRUCT_HP_0003701, "", "text/turtle"),
        (
            CONSTRUCT_HP_0003701,
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/rdf+xml",
        ),
        (
            CONSTRUCT_HP_0003701,
            "application/ld+json;q=0.4, text/turtle;q=0.3",
            "application/ld+json",
        ),
    ];
    for (q, accept, want) in cases {
        let mut req = Request::get(format!(
            "/sparql?{}",
            serde_urlencoded::to_string([("query", q)]).unwrap()
        ));
        if !accept.is_empty() {
            req = req.header(header::ACCEPT, *accept);
        }
        let (status, ctype, body) = http(req.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{accept}: {body}");
        assert_eq!(&ctype, want, "Accept: {accept}");
    }
}

#[tokio::test]
async fn unacceptable_types_get_406_naming_the_offers() {
    let (status, ctype, body) = http(get("ASK {}", "image/png")).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert!(ctype.starts_with("application/json"), "{ctype}");
    assert_eq!(error_code_of(&body), "NOT_ACCEPTABLE");
    assert!(body.contains("application/sparql-results+json"), "{body}");
    // Results types do not serve a graph, nor graph types a SELECT.
    let (status, _, body) =
        http(get(CONSTRUCT_HP_0003701, "application/sparql-results+json")).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    for media in [
        "text/turtle",
        "application/rdf+xml",
        "application/ld+json",
        "application/n-quads",
        "application/trig",
    ] {
        assert!(body.contains(media), "{media} in {body}");
    }
    let (status, _, _) = http(get("SELECT * WHERE {}", "text/turtle")).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    let (status, _, _) = http(get("ASK {}", "application/sparql-results+json;q=0")).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn get_without_a_query_describes_the_service() {
    use oxigraph::io::{RdfFormat, RdfParser};
    use oxigraph::model::{NamedNode, Term};
    const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
    let sd = |l: &str| Term::from(NamedNode::new(format!("{SD}{l}")).unwrap());
    let describe = |accept: &'static str| {
        Request::get("/sparql")
            .header(header::HOST, "kg.example.org:8443")
            .header(header::ACCEPT, accept)
            .body(Body::empty())
            .unwrap()
    };
    let (status, ctype, body) = http(describe("*/*")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ctype, "text/turtle");
    let triples: Vec<oxigraph::model::Quad> = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(body.as_bytes())
        .map(|q| q.unwrap())
        .collect();
    let objects = |p: &str| -> Vec<Term> {
        triples
            .iter()
            .filter(|t| t.predicate.as_str() == format!("{SD}{p}"))
            .map(|t| t.object.clone())
            .collect()
    };
    assert_eq!(
        objects("endpoint"),
        [Term::from(
            NamedNode::new("http://kg.example.org:8443/sparql").unwrap()
        )]
    );
    assert_eq!(objects("supportedLanguage"), [sd("SPARQL11Query")]);
    assert!(objects("feature").contains(&sd("UnionDefaultGraph")));
    let formats = objects("resultFormat");
    for f in [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "RDF_XML",
        "JSON-LD",
        "N-Quads",
        "TriG",
    ] {
        let iri = Term::from(NamedNode::new(format!("http://www.w3.org/ns/formats/{f}")).unwrap());
        assert!(formats.contains(&iri), "{f} in {formats:?}");
    }
    assert_eq!(objects("defaultDataset").len(), 1);
    assert_eq!(objects("defaultGraph").len(), 1);
    let names: Vec<String> = objects("name")
        .into_iter()
        .map(|t| match t {
            Term::NamedNode(n) => n.into_string(),
            other => panic!("{other}"),
        })
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, store().load_full().unwrap().named_graphs());
    assert!(names.contains(&graph_of("HPO")) && names.contains(&graph_of("ORDO")));
    assert!(body.contains("HPO 2025-01-16"), "{body}");

    // The other RDF formats describe it too.
    for (accept, format) in [
        ("application/rdf+xml", RdfFormat::RdfXml),
        (
            "application/ld+json",
            RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
        ),
        ("application/n-triples", RdfFormat::NTriples),
    ] {
        let (status, ctype, body) = http(describe(accept)).await;
        assert_eq!((status, ctype.as_str()), (StatusCode::OK, accept), "{body}");
        assert_eq!(count_triples(format, &body), triples.len(), "{accept}");
    }
    let (status, _, _) = http(describe("application/sparql-results+json")).await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
}
