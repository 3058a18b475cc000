use crate::common::{error_code, run};
use serde_json::json;

#[test]
fn malformed_ids_are_bad_user_input() {
    for (q, id) in [
        ("query($id: ID!){ disease(id: $id) { id } }", "banana"),
        ("query($id: ID!){ disease(id: $id) { id } }", "ORPHA:abc"),
        ("query($id: ID!){ disease(id: $id) { id } }", "HP:0003701"),
        ("query($id: ID!){ phenotype(id: $id) { id } }", "HP:12"),
        ("query($id: ID!){ phenotype(id: $id) { id } }", "ORPHA:732"),
        ("query($id: ID!){ gene(id: $id) { id } }", "not a gene"),
        ("query($id: ID!){ gene(id: $id) { id } }", "MONDO:0019127"),
    ] {
        assert_eq!(error_code(q, json!({ "id": id })), "BAD_USER_INPUT", "{id}");
    }
}

#[test]
fn error_names_the_problem_and_the_path() {
    let resp = run(r#"{ disease(id: "ORPHA:abc") { id } }"#, json!({}));
    let v = serde_json::to_value(&resp).unwrap();
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("ORPHA:abc"));
    assert_eq!(v["errors"][0]["path"], json!(["disease"]));
    assert!(v["data"]["disease"].is_null());
}

#[test]
fn bad_page_arguments_are_bad_user_input() {
    for q in [
        r#"{ disease(id: "ORPHA:732") { phenotypes(first: -1) { totalCount } } }"#,
        r#"{ disease(id: "ORPHA:732") { phenotypes(after: "garbage") { totalCount } } }"#,
    ] {
        assert_eq!(error_code(q, json!({})), "BAD_USER_INPUT", "{q}");
    }
}

#[test]
fn an_id_shared_by_several_diseases_is_ambiguous() {
    // ICD-10-CM codes are broad: many MONDO diseases share one.
    let resp = run(r#"{ disease(id: "ICD10CM:G71.1") { id } }"#, json!({}));
    let v = serde_json::to_value(&resp).unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "AMBIGUOUS_ID", "{v}");
    assert!(
        v["errors"][0]["extensions"]["candidates"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
}
