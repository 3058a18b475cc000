//! Search over the real release: autocomplete, typos, ranking, filters,
//! facets and highlights.

use crate::common::{query, run};
use serde_json::{json, Value};

fn search(text: &str, types: Option<&[&str]>, first: i32) -> Value {
    let v = query(
        r#"query($t: String!, $types: [EntityType!], $first: Int) {
             search(text: $t, types: $types, first: $first) {
               totalCount facets { type count }
               pageInfo { hasNextPage endCursor }
               edges { id: entityId type name matchedField matchedText highlighted highlights { start end }
                 entity { __typename ... on Disease { id } } } } }"#,
        json!({ "t": text, "types": types, "first": first }),
    );
    v["search"].clone()
}

fn ids(v: &Value) -> Vec<String> {
    v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

/// The position of the disease with this id (canonical or merged) in the hits.
fn position(v: &Value, names: &[&str]) -> Option<usize> {
    ids(v).iter().position(|id| names.contains(&id.as_str()))
}

#[test]
fn autocomplete_and_typos_find_polymyositis() {
    // ORPHA:732 is merged into MONDO:0019127.
    let pm = ["MONDO:0019127", "ORPHA:732"];
    for text in ["polymyo", "polymiositis", "Polymyositis"] {
        let v = search(text, None, 3);
        let at = position(&v, &pm);
        assert!(at.is_some(), "{text}: {:?}", ids(&v));
    }
    let v = search("polymiositis", None, 3);
    let hit = &v["edges"][position(&v, &pm).unwrap()];
    assert_eq!(hit["type"], "DISEASE");
    assert_eq!(hit["matchedField"], "NAME");
    assert_eq!(hit["highlighted"], "<mark>Polymyositis</mark>");
    assert_eq!(hit["highlights"], json!([{ "start": 0, "end": 12 }]));
    assert_eq!(hit["entity"]["__typename"], "Disease");
}

#[test]
fn ehlers_hypermobility_finds_hypermobile_eds() {
    // Hypermobile Ehlers-Danlos syndrome: MONDO:0007523 = ORPHA:285 = OMIM:130020.
    let v = search("ehlers hypermobility", None, 3);
    assert_eq!(
        position(&v, &["MONDO:0007523", "ORPHA:285"]),
        Some(0),
        "{:?}",
        ids(&v)
    );
}

#[test]
fn the_general_fanconi_anemia_comes_before_its_subtypes() {
    let v = search("fanconi anemia", Some(&["DISEASE"]), 10);
    let names: Vec<&str> = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0].to_lowercase(), "fanconi anemia", "{names:?}");
    assert!(names[1..]
        .iter()
        .any(|n| n.to_lowercase().contains("complementation group")));
}

#[test]
fn ids_symbols_and_every_entity_type_are_found() {
    let v = search("HP:0003326", None, 1);
    assert_eq!(v["edges"][0]["name"], "Myalgia");
    assert_eq!(v["edges"][0]["matchedField"], "ID");
    let v = search("FBN1", None, 1);
    assert_eq!(v["edges"][0]["type"], "GENE");
    assert_eq!(v["edges"][0]["name"], "FBN1");
    let v = search("bosentan", Some(&["DRUG"]), 1);
    assert_eq!(v["edges"][0]["id"], "DRUG:bosentan");
    let v = search("Tracleer", None, 5);
    assert!(ids(&v).contains(&"DRUG:bosentan".to_string()));
    let v = search("NCT06953583", None, 1);
    assert_eq!(v["edges"][0]["type"], "TRIAL");
    let v = search("myositis association", Some(&["ORGANIZATION"]), 5);
    assert!(v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"] == "The Myositis Association"));
}

#[test]
fn type_filters_facets_and_pages() {
    let all = search("myositis", None, 5);
    let diseases = search("myositis", Some(&["DISEASE"]), 5);
    let facet = |v: &Value, t: &str| {
        v["facets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["type"] == t)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    // The facets do not depend on the filter; the total does.
    assert_eq!(all["facets"], diseases["facets"]);
    assert_eq!(
        diseases["totalCount"].as_u64(),
        Some(facet(&all, "DISEASE"))
    );
    assert!(facet(&all, "PHENOTYPE") > 0 && facet(&all, "ORGANIZATION") > 0);
    assert!(diseases["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["type"] == "DISEASE"));
    // The next page continues where the first ended.
    let cursor = diseases["pageInfo"]["endCursor"].as_str().unwrap();
    let next = query(
        r#"query($c: String) { search(text: "myositis", types: [DISEASE], first: 5, after: $c) { edges { id: entityId } } }"#,
        json!({ "c": cursor }),
    );
    let ten = search("myositis", Some(&["DISEASE"]), 10);
    let page2: Vec<&Value> = next["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["id"])
        .collect();
    let expected: Vec<&Value> = ten["edges"].as_array().unwrap()[5..]
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert_eq!(page2, expected);
}

#[test]
fn bad_search_text_is_refused() {
    for text in ["", "  --  ", &"word ".repeat(20)] {
        let r = run(
            r#"query($t: String!) { search(text: $t) { totalCount } }"#,
            json!({ "t": text }),
        );
        let code = r.errors[0]
            .extensions
            .as_ref()
            .unwrap()
            .get("code")
            .cloned();
        assert_eq!(
            code,
            Some(async_graphql::Value::from("BAD_USER_INPUT")),
            "{text:?}"
        );
    }
}
