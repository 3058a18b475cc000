//! Phenotype analytics checked against pyhpo 4.0.0 on the same HPO release
//! (fixtures made by `scripts/pyhpo_fixtures.py`), and the ranking of
//! diseases and genes over the real annotations.

use crate::common::{analytics, kg, query, run};
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
    let a = analytics();
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
    let a = analytics();
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
    let a = analytics();
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

/// Five of polymyositis' very frequent Orphanet phenotypes.
const POLYMYOSITIS: [&str; 5] = [
    "HP:0003701", // Proximal muscle weakness
    "HP:0003236", // Elevated circulating creatine kinase concentration
    "HP:0003457", // EMG abnormality
    "HP:0012544", // Elevated circulating aldolase concentration
    "HP:0002829", // Arthralgia
];

const RANK: &str = r#"query($p: [ID!], $x: [ID!], $first: Int, $m: RankingMethod = RESNIK) {
  rankDiseases(phenotypes: $p, excluded: $x, first: $first, method: $m) {
    totalCount resolvedTerms { redirect { from reason } term { id } }
    edges { rank score pValue annotationId disease { id name }
      explanation { queryTerm { id } bestMatch { id } commonAncestor { id } informationContent similarity } } } }"#;

#[test]
fn five_polymyositis_phenotypes_rank_polymyositis_in_the_top_ten() {
    let v = query(RANK, json!({ "p": POLYMYOSITIS, "first": 10 }));
    let r = &v["rankDiseases"];
    // Every annotated disease is ranked, once.
    assert!(r["totalCount"].as_u64().unwrap() > 10_000);
    let edges = r["edges"].as_array().unwrap();
    let pm = edges
        .iter()
        .find(|e| e["disease"]["id"] == "MONDO:0019127")
        .unwrap_or_else(|| {
            panic!(
                "{:#?}",
                edges
                    .iter()
                    .map(|e| &e["disease"]["name"])
                    .collect::<Vec<_>>()
            )
        });
    assert_eq!(pm["annotationId"], "ORPHA:732");
    // Its own annotations match each query term exactly (Resnik: the IC).
    for m in pm["explanation"].as_array().unwrap() {
        assert_eq!(m["bestMatch"]["id"], m["queryTerm"]["id"]);
        assert_eq!(m["commonAncestor"]["id"], m["queryTerm"]["id"]);
        assert_eq!(m["similarity"], m["informationContent"]);
    }
    let p = pm["pValue"].as_f64().unwrap();
    assert!(p > 0.0 && p < 0.05, "p-value {p}");
    // Scores fall down the ranking.
    let scores: Vec<f64> = edges.iter().map(|e| e["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
    // The score is the set similarity of the query and ORPHA:732's annotations.
    let kg = kg();
    let a = analytics();
    let profile = a
        .diseases()
        .iter()
        .find(|p| p.id.as_str() == "ORPHA:732")
        .unwrap();
    let q: Vec<NodeId> = POLYMYOSITIS.iter().map(|t| term(&kg, t)).collect();
    let d: Vec<NodeId> = a.terms(profile).collect();
    let expected = a.set_similarity(&kg, &q, &d, Method::Resnik, Combine::FunSimAvg);
    assert!(close(pm["score"].as_f64().unwrap(), expected));
}

/// An excluded term's ratio is its absence, `(1 - F) / (1 - B)` with both
/// capped at 0.7, times its ratio as an observed term to the power 0.3 (the
/// ascertainment factor).
#[test]
fn an_excluded_term_counts_its_absence_and_that_it_was_looked_for() {
    const Q: &str = r#"query($p: [ID!], $x: [ID!]) {
      rankDiseases(phenotypes: $p, excluded: $x, first: 100) {
        edges { annotationId explanation { queryTerm { id } excluded likelihoodRatio frequency backgroundFrequency } } } }"#;
    let term_of = |v: &serde_json::Value, excluded: bool| {
        let e = v["rankDiseases"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["annotationId"] == "ORPHA:732")
            .cloned()
            .unwrap_or_else(|| panic!("{v:#?}"));
        e["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["queryTerm"]["id"] == "HP:0003326" && m["excluded"] == excluded)
            .cloned()
            .unwrap()
    };
    // Myalgia, which polymyositis has, excluded; then observed.
    let ex = term_of(
        &query(Q, json!({ "p": POLYMYOSITIS, "x": ["HP:0003326"] })),
        true,
    );
    let mut p = POLYMYOSITIS.to_vec();
    p.push("HP:0003326");
    let obs = term_of(&query(Q, json!({ "p": p })), false);
    let f = ex["frequency"].as_f64().unwrap();
    let b = ex["backgroundFrequency"].as_f64().unwrap();
    assert!(f > b, "{ex}");
    let expected = obs["likelihoodRatio"].as_f64().unwrap().powf(0.3) * (1.0 - f.min(0.7))
        / (1.0 - b.min(0.7));
    assert!(
        close(ex["likelihoodRatio"].as_f64().unwrap(), expected),
        "{ex} vs {expected}"
    );
}

#[test]
fn alt_ids_resolve_and_bad_terms_are_refused() {
    // HP:0004715 is an alt_id of HP:0000003.
    let v = query(
        RANK,
        json!({ "p": ["HP:0004715", "HP:0003701"], "first": 1 }),
    );
    let r = &v["rankDiseases"]["resolvedTerms"][0];
    assert_eq!(r["redirect"]["from"], "HP:0004715");
    assert_eq!(r["redirect"]["reason"], "ALT_ID");
    assert_eq!(r["term"]["id"], "HP:0000003");
    let code = |p: serde_json::Value| {
        let r = run(RANK, json!({ "p": p }));
        r.errors[0]
            .extensions
            .as_ref()
            .unwrap()
            .get("code")
            .cloned()
    };
    use async_graphql::Value as V;
    // Autosomal recessive inheritance is not a phenotypic abnormality.
    assert_eq!(code(json!(["HP:0000007"])), Some(V::from("BAD_USER_INPUT")));
    // An unknown term is skipped (see `ignoredTerms`); with nothing left to
    // rank on, the request is refused.
    assert_eq!(code(json!(["HP:9999999"])), Some(V::from("BAD_USER_INPUT")));
    assert_eq!(
        code(json!(["MONDO:0019127"])),
        Some(V::from("BAD_USER_INPUT"))
    );
    assert_eq!(code(json!([])), Some(V::from("BAD_USER_INPUT")));
}

#[test]
fn genes_are_ranked_and_helpers_answer() {
    let v = query(
        r#"{ rankGenes(phenotypes: ["HP:0001166", "HP:0001519", "HP:0000545"], first: 10) {
               edges { annotationId gene { symbol } } }
             isA(term: "HP:0003701", ancestor: "HP:0001324")
             notA: isA(term: "HP:0001324", ancestor: "HP:0003701")
             commonAncestors(terms: ["HP:0003701", "HP:0008997"]) { term { id } informationContent }
             termSimilarity(a: "HP:0003701", b: "HP:0003701", method: RESNIK) { score mostInformativeCommonAncestor { term { id } } } }"#,
        json!({}),
    );
    // Arachnodactyly, tall stature, myopia: Marfan syndrome's gene is near the top.
    let genes: Vec<&str> = v["rankGenes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["gene"]["symbol"].as_str().unwrap())
        .collect();
    assert!(genes.contains(&"FBN1"), "{genes:?}");
    assert_eq!(v["isA"], true);
    assert_eq!(v["notA"], false);
    // Proximal muscle weakness and proximal muscle weakness in upper limbs:
    // the first is the most informative common ancestor.
    assert_eq!(v["commonAncestors"][0]["term"]["id"], "HP:0003701");
    let kg = kg();
    let ic = analytics().ic(term(&kg, "HP:0003701"));
    assert!(close(v["termSimilarity"]["score"].as_f64().unwrap(), ic));
}
