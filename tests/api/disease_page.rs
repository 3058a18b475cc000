use crate::common::{query, read_gz};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const PAGE: &str = r#"
query Page($id: ID!, $after: String) {
  disease(id: $id) {
    id name definition equivalentIds
    xrefs { id curie relation source }
    sources { name release }
    phenotypes(first: 20, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node { id name }
        frequency { label value }
        sources { name }
        evidence { source { name } evidence references assertedFor }
      }
    }
    genes(first: 20) { totalCount edges { node { symbol } } }
  }
}"#;

/// All phenotype ids of a disease, walking every page.
fn all_phenotypes(id: &str) -> (Value, Vec<String>) {
    let mut after = Value::Null;
    let mut ids = Vec::new();
    let mut first = None;
    loop {
        let d = query(PAGE, json!({ "id": id, "after": after }));
        let p = &d["disease"]["phenotypes"];
        ids.extend(
            p["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_string()),
        );
        if first.is_none() {
            first = Some(d["disease"].clone());
        }
        if !p["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = p["pageInfo"]["endCursor"].clone();
    }
    (first.unwrap(), ids)
}

/// The distinct present phenotypes (aspect P, no NOT) HPOA gives a disease,
/// read straight from the vendored file.
fn hpoa_phenotypes(disease: &str) -> BTreeSet<String> {
    read_gz("data/hpo/phenotype.hpoa.gz")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f.len() > 10 && f[0] == disease && f[2] != "NOT" && f[10] == "P")
        .map(|f| f[3].to_string())
        .collect()
}

#[test]
fn polymyositis_is_one_record_by_orpha_and_mondo() {
    let (by_orpha, orpha_ids) = all_phenotypes("ORPHA:732");
    let (by_mondo, mondo_ids) = all_phenotypes("MONDO:0019127");
    assert_eq!(
        by_orpha, by_mondo,
        "ORPHA:732 and MONDO:0019127 must be the same record"
    );
    assert_eq!(orpha_ids, mondo_ids);
    assert_eq!(by_orpha["id"], "MONDO:0019127");
    assert_eq!(by_orpha["name"], "Polymyositis");
    let def = by_orpha["definition"].as_str().unwrap();
    assert!(
        def.starts_with("A rare idiopathic inflammatory myopathy (IIM)"),
        "{def}"
    );
    let eq: Vec<&str> = by_orpha["equivalentIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        eq.contains(&"ORPHA:732") && eq.contains(&"MONDO:0019127"),
        "{eq:?}"
    );
    // Other CURIEs of the disease resolve to the same record.
    for id in [
        "Orphanet:732",
        "GARD:7425",
        "DOID:0080745",
        "UMLS:C0085655",
        "MESH:D017285",
        "NCIT:C26925",
    ] {
        let d = query(
            "query($id: ID!){ disease(id: $id) { id } }",
            json!({ "id": id }),
        );
        assert_eq!(d["disease"]["id"], "MONDO:0019127", "{id}");
    }
}

#[test]
fn polymyositis_has_every_hpoa_phenotype() {
    let want = hpoa_phenotypes("ORPHA:732");
    assert_eq!(
        want.len(),
        60,
        "phenotype.hpoa gives ORPHA:732 60 distinct phenotypes"
    );
    let (d, ids) = all_phenotypes("ORPHA:732");
    let got: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(got.len(), ids.len(), "no phenotype listed twice");
    let missing: Vec<_> = want.difference(&got).collect();
    assert!(missing.is_empty(), "missing from the API: {missing:?}");
    assert!(got.contains("HP:0003701"));
    assert_eq!(
        d["phenotypes"]["totalCount"].as_u64().unwrap() as usize,
        got.len()
    );
}

#[test]
fn proximal_muscle_weakness_is_asserted_by_hpoa_and_orphanet() {
    let d = query(
        r#"{ disease(id: "ORPHA:732") { phenotypes(first: 500) { edges {
            node { id name } frequency { label value term { id } }
            sources { name release } evidence { source { name } evidence } } } } }"#,
        json!({}),
    );
    let edges = d["disease"]["phenotypes"]["edges"].as_array().unwrap();
    let e = edges
        .iter()
        .find(|e| e["node"]["id"] == "HP:0003701")
        .expect("HP:0003701 listed");
    assert_eq!(e["node"]["name"], "Proximal muscle weakness");
    let sources: Vec<&str> = e["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["HPOA", "Orphanet"],
        "one edge listing both sources"
    );
    assert_eq!(e["sources"][0]["release"], "2025-01-16");
    assert_eq!(
        e["frequency"]["term"]["id"], "HP:0040281",
        "Very frequent (99-80%)"
    );
    // Frequent phenotypes come first.
    let values: Vec<f64> = edges
        .iter()
        .filter_map(|e| e["frequency"]["value"].as_f64())
        .collect();
    assert!(
        values.windows(2).all(|w| w[0] >= w[1]),
        "ordered by frequency: {values:?}"
    );
}

#[test]
fn polymyositis_carries_orphanet_epidemiology_and_onset() {
    let d = query(
        r#"{ disease(id: "ORPHA:732") { disorderType onset { label evidence { source { name } } }
             inheritance { label } prevalences { kind class geographic reference } } }"#,
        json!({}),
    );
    let d = &d["disease"];
    assert_eq!(d["disorderType"], "Disease");
    let onsets: Vec<&str> = d["onset"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert!(
        onsets.contains(&"Adult") && onsets.contains(&"Elderly"),
        "{onsets:?}"
    );
    let prev = d["prevalences"].as_array().unwrap();
    assert!(prev.iter().any(|p| p["kind"] == "Point prevalence"
        && p["class"] == "1-9 / 100 000"
        && p["geographic"] == "Europe"));
}

#[test]
fn fbn1_leads_to_marfan_syndrome() {
    let d = query(
        r#"{ gene(id: "FBN1") { id symbol name hgncId ncbiGeneId
              diseases(first: 100) { totalCount edges { node { id name equivalentIds } sources { name } } } } }"#,
        json!({}),
    );
    let g = &d["gene"];
    assert_eq!(g["hgncId"], "HGNC:3603");
    assert_eq!(g["ncbiGeneId"], "NCBIGene:2200");
    let edges = g["diseases"]["edges"].as_array().unwrap();
    let marfan = edges
        .iter()
        .find(|e| {
            e["node"]["equivalentIds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i == "OMIM:154700")
        })
        .expect("FBN1 is associated with OMIM:154700");
    assert_eq!(marfan["node"]["name"], "Marfan syndrome");
    // and OMIM:154700 resolves to that same record
    let m = query(r#"{ disease(id: "OMIM:154700") { id name } }"#, json!({}));
    assert_eq!(m["disease"]["id"], marfan["node"]["id"]);
}

/// Regression: MONDO maps Marfan syndrome to two Orphanet entries, "Marfan
/// syndrome" (ORPHA:558) and "Marfan syndrome type 1" (ORPHA:284963), and only
/// one can join it. The merge used to take the first in the file, which left
/// ORPHA:558 a record of its own without FBN1; the entry of the same name wins.
#[test]
fn marfan_syndrome_is_one_record_by_orpha_mondo_and_omim() {
    let q = r#"query($id: ID!) { disease(id: $id) { id name equivalentIds
        genes(first: 50) { edges { node { symbol } } } } }"#;
    let by = |id: &str| query(q, json!({ "id": id }))["disease"].clone();
    let (orpha, mondo, omim) = (by("ORPHA:558"), by("MONDO:0007947"), by("OMIM:154700"));
    assert_eq!(orpha["id"], mondo["id"]);
    assert_eq!(omim["id"], mondo["id"]);
    assert_eq!(orpha["name"], "Marfan syndrome");
    let genes: Vec<&str> = orpha["genes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["symbol"].as_str().unwrap())
        .collect();
    assert!(genes.contains(&"FBN1"), "{genes:?}");
    // The narrower Orphanet entry stays a record of its own.
    let type1 = by("ORPHA:284963");
    assert_ne!(type1["id"], mondo["id"]);
    assert_eq!(type1["name"], "Marfan syndrome type 1");
}
