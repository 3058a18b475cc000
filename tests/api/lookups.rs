use crate::common::query;
use serde_json::json;

#[test]
fn alt_id_resolves_to_its_term() {
    let d = query(
        r#"{ phenotype(id: "HP:0003432") { id name redirectedFrom { from reason } } }"#,
        json!({}),
    );
    assert_eq!(d["phenotype"]["id"], "HP:0003701");
    assert_eq!(d["phenotype"]["name"], "Proximal muscle weakness");
    assert_eq!(
        d["phenotype"]["redirectedFrom"],
        json!({ "from": "HP:0003432", "reason": "ALT_ID" })
    );
}

#[test]
fn obsolete_id_resolves_to_its_replacement() {
    // hp.obo: HP:0000057 is obsolete, replaced_by HP:0008665.
    let d = query(
        r#"{ phenotype(id: "HP:0000057") { id isObsolete redirectedFrom { from reason } } }"#,
        json!({}),
    );
    assert_eq!(d["phenotype"]["id"], "HP:0008665");
    assert_eq!(d["phenotype"]["isObsolete"], false);
    assert_eq!(d["phenotype"]["redirectedFrom"]["reason"], "OBSOLETE");
}

#[test]
fn current_term_is_not_redirected_and_knows_its_lineage() {
    let d = query(
        r#"{ phenotype(id: "HP:0003701") { id redirectedFrom { from } parents { id }
              ancestors(first: 100) { totalCount edges { node { id } } } } }"#,
        json!({}),
    );
    let p = &d["phenotype"];
    assert!(p["redirectedFrom"].is_null());
    let anc: Vec<&str> = p["ancestors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    assert!(
        anc.contains(&"HP:0000001") && anc.contains(&"HP:0000118"),
        "{anc:?}"
    );
    assert!(!p["parents"].as_array().unwrap().is_empty());
}

#[test]
fn genes_resolve_by_symbol_previous_symbol_and_ids() {
    for id in ["FBN1", "fbn1", "HGNC:3603", "NCBIGene:2200", "MFS1"] {
        let d = query(
            "query($id: ID!){ gene(id: $id) { symbol } }",
            json!({ "id": id }),
        );
        assert_eq!(d["gene"]["symbol"], "FBN1", "{id}");
    }
    let d = query(
        r#"{ gene(id: "MFS1") { redirectedFrom { reason } } }"#,
        json!({}),
    );
    assert_eq!(d["gene"]["redirectedFrom"]["reason"], "PREVIOUS_SYMBOL");
}

#[test]
fn unknown_but_well_formed_ids_are_null() {
    let d = query(
        r#"{ disease(id: "ORPHA:999999999") { id } phenotype(id: "HP:9999999") { id } gene(id: "NOTAGENE1") { id } }"#,
        json!({}),
    );
    assert!(
        d["disease"].is_null() && d["phenotype"].is_null() && d["gene"].is_null(),
        "{d}"
    );
}

#[test]
fn batch_lookup_answers_in_order_with_nulls() {
    let d = query(
        r#"{ diseasesByIds(ids: ["OMIM:154700", "ORPHA:999999999", "ORPHA:732"]) { id }
             phenotypesByIds(ids: ["HP:0003701", "HP:0003432"]) { id }
             genesByIds(ids: ["FBN1", "NOTAGENE1"]) { symbol } }"#,
        json!({}),
    );
    let ds = d["diseasesByIds"].as_array().unwrap();
    assert_eq!(ds.len(), 3);
    assert!(ds[0]["id"].is_string() && ds[1].is_null());
    assert_eq!(ds[2]["id"], "MONDO:0019127");
    assert_eq!(
        d["phenotypesByIds"],
        json!([{ "id": "HP:0003701" }, { "id": "HP:0003701" }])
    );
    assert_eq!(d["genesByIds"], json!([{ "symbol": "FBN1" }, null]));
}

#[test]
fn meta_names_the_releases_served() {
    let d = query(
        r#"{ meta { apiVersion sources { name release licence } entityCounts { name count } } }"#,
        json!({}),
    );
    let sources = d["meta"]["sources"].as_array().unwrap();
    let release = |n: &str| {
        sources.iter().find(|s| s["name"] == n).unwrap()["release"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(release("HPO"), "2025-01-16");
    assert_eq!(release("Orphanet"), "2025-03-03");
    assert!(sources
        .iter()
        .any(|s| s["licence"].as_str().unwrap().contains("CC BY 4.0")));
}

#[test]
fn diseases_filter_by_name_and_phenotype() {
    let d = query(
        r#"{ diseases(filter: { nameContains: "polymyositis", hasPhenotype: "HP:0003701" }, first: 50) {
              totalCount edges { node { id name } } } }"#,
        json!({}),
    );
    let names: Vec<&str> = d["diseases"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Polymyositis"), "{names:?}");
}

#[test]
fn phenotype_diseases_can_include_descendants() {
    let q = r#"query($d: Boolean!) { phenotype(id: "HP:0003701") { diseases(first: 1, includeDescendants: $d) { totalCount } } }"#;
    let direct = query(q, json!({ "d": false }))["phenotype"]["diseases"]["totalCount"]
        .as_u64()
        .unwrap();
    let all = query(q, json!({ "d": true }))["phenotype"]["diseases"]["totalCount"]
        .as_u64()
        .unwrap();
    assert!(direct > 100, "{direct}");
    assert!(all > direct, "descendants add diseases: {all} vs {direct}");
}
