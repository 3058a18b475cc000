use crate::common::{kg, query, run};
use rarekg::graph::{DataPaths, Lookup};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};

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

#[test]
fn symbols_with_punctuation_resolve() {
    // HGNC previous and alias symbols as they are written.
    for (symbol, gene) in [
        ("IGLV(VI)-25-1", "IGLVVI-25-1"),
        ("2'-PDE", "PDE12"),
        ("CK2alpha'", "CSNK2A2"),
        ("4F-se9[6:7:8]", "CYP4F30P"),
        ("CYP4F-se3[6:7:8]", "CYP4F27P"),
        ("MGC:14091", "APBA2"),
    ] {
        let d = query(
            "query($id: ID!){ gene(id: $id) { symbol redirectedFrom { from reason } } }",
            json!({ "id": symbol }),
        );
        assert_eq!(d["gene"]["symbol"], gene, "{symbol}");
        assert_eq!(
            d["gene"]["redirectedFrom"],
            json!({ "from": symbol, "reason": "PREVIOUS_SYMBOL" }),
            "{symbol}"
        );
    }
}

#[test]
fn garbage_gene_ids_are_bad_user_input_with_the_reason() {
    let long = "A".repeat(65);
    for (id, why) in [
        ("", "empty"),
        ("   ", "empty"),
        ("FBN\u{7}1", "control character"),
        ("FB\nN1", "control character"),
        (long.as_str(), "longer than 64 characters"),
        ("not a gene", "whitespace"),
        ("MONDO:0019127", "not a gene identifier"),
        ("HGNC:abc", "malformed"),
    ] {
        let resp = run(
            "query($id: ID!){ gene(id: $id) { id } }",
            json!({ "id": id }),
        );
        let v = serde_json::to_value(&resp).unwrap();
        assert_eq!(
            v["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{id:?}: {v}"
        );
        let message = v["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(why), "{id:?}: {message}");
    }
}

/// NCBI writes `-` for a gene without a symbol; genes_to_phenotype has four
/// such genes HGNC does not know. Each is its own gene, with its own diseases.
#[test]
fn genes_without_a_symbol_stay_apart() {
    let file = crate::common::read_gz("data/hpo/genes_to_phenotype.txt.gz");
    let mut diseases: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for line in file.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f[1] == "-" {
            diseases.entry(f[0]).or_default().insert(f[5]);
        }
    }
    let mut candidates = Vec::new();
    for (ncbi, want) in &diseases {
        let id = format!("NCBIGene:{ncbi}");
        let d = query(
            r#"query($id: ID!){ gene(id: $id) { id symbol hgncId
                  diseases(first: 100) { edges { node { equivalentIds } } } } }"#,
            json!({ "id": id }),
        );
        let g = &d["gene"];
        if !g["hgncId"].is_null() {
            // HGNC knows it by another symbol (NCBIGene:7467 is WHCR).
            assert_ne!(g["symbol"], "-", "{g}");
            continue;
        }
        assert_eq!(g["id"], id.as_str());
        assert_eq!(g["symbol"], "-");
        let got: BTreeSet<String> = g["diseases"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["node"]["equivalentIds"].as_array().unwrap().clone())
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        for w in want {
            assert!(got.contains(*w), "{id}: {w} missing from {got:?}");
        }
        // None of the other genes' diseases.
        for (other, theirs) in &diseases {
            if other != ncbi {
                for t in theirs.difference(want) {
                    assert!(!got.contains(*t), "{id} has {other}'s {t}");
                }
            }
        }
        candidates.push(id);
    }
    assert_eq!(candidates.len(), 4, "{candidates:?}");
    // The symbol names all four: ambiguous, with every candidate.
    let v = serde_json::to_value(run(r#"{ gene(id: "-") { id } }"#, json!({}))).unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "AMBIGUOUS_ID", "{v}");
    let mut got: Vec<String> = v["errors"][0]["extensions"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    got.sort();
    candidates.sort();
    assert_eq!(got, candidates);
}

#[test]
fn a_gene_is_found_by_each_of_its_ids() {
    // HGNC's release lacks NOTCH2NLC's NCBI id; genes_to_phenotype gives it
    // (NCBIGene:100996717) and Orphanet its HGNC id: one gene, by any of them.
    let ids: Vec<Value> = ["NOTCH2NLC", "HGNC:53924", "NCBIGene:100996717"]
        .iter()
        .map(|id| {
            query(
                "query($id: ID!){ gene(id: $id) { id hgncId ncbiGeneId sources { name } } }",
                json!({ "id": id }),
            )["gene"]
                .clone()
        })
        .collect();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[0], ids[2]);
    assert_eq!(ids[0]["hgncId"], "HGNC:53924");
    assert_eq!(ids[0]["ncbiGeneId"], "NCBIGene:100996717");
    // An Ensembl id HGNC gives two genes is ambiguous, not the last one read.
    let v = serde_json::to_value(run(
        r#"{ gene(id: "ENSEMBL:ENSG00000283607") { id } }"#,
        json!({}),
    ))
    .unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "AMBIGUOUS_ID", "{v}");
    let mut got: Vec<&str> = v["errors"][0]["extensions"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, ["HGNC:52400", "HGNC:5677"]);
}

// --- Identifiers as they are: every HGNC symbol and every MONDO exact match,
// measured over the vendored releases.

fn data_paths() -> DataPaths {
    DataPaths::under(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// What `gene(id:)` answers for one HGNC previous or alias symbol.
#[derive(Debug, Default)]
struct SymbolFigures {
    distinct: usize,
    /// Redirected to the one gene that lists the symbol.
    own_gene: usize,
    /// Some gene's current symbol: names that gene.
    current_symbol: usize,
    ambiguous: usize,
    refused: Vec<String>,
    not_found: Vec<String>,
    /// Resolves to a gene that neither lists it nor has it as symbol.
    wrong: Vec<String>,
}

/// Asks `gene(id:)` for every distinct previous and alias symbol of the HGNC
/// release, fifty aliased fields per request.
fn measure_hgnc_symbols() -> SymbolFigures {
    let hgnc = rarekg::ingest::hgnc::parse(&data_paths().hgnc).unwrap();
    // Symbol as written -> HGNC ids listing it.
    let mut listed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for g in &hgnc.genes {
        for s in g.previous_symbols.iter().chain(&g.alias_symbols) {
            listed.entry(s).or_default().insert(g.hgnc.as_str());
        }
    }
    let symbols: Vec<&str> = listed.keys().copied().collect();
    const BATCH: usize = 50;
    let vars: Vec<String> = (0..BATCH).map(|i| format!("$s{i}: ID!")).collect();
    let fields: Vec<String> = (0..BATCH)
        .map(|i| format!("s{i}: gene(id: $s{i}) {{ id hgncId symbol }}"))
        .collect();
    let q = format!("query({}) {{ {} }}", vars.join(", "), fields.join(" "));
    let mut out = SymbolFigures {
        distinct: symbols.len(),
        ..Default::default()
    };
    for chunk in symbols.chunks(BATCH) {
        let mut v = serde_json::Map::new();
        for i in 0..BATCH {
            // The last request repeats its first symbol in the unused slots.
            let s = chunk.get(i).unwrap_or(&chunk[0]);
            v.insert(format!("s{i}"), json!(s));
        }
        let resp = serde_json::to_value(run(&q, serde_json::Value::Object(v))).unwrap();
        let mut codes: BTreeMap<String, String> = BTreeMap::new();
        for e in resp["errors"].as_array().into_iter().flatten() {
            let at = e["path"][0].as_str().unwrap_or("").to_string();
            let code = e["extensions"]["code"].as_str().unwrap_or("").to_string();
            codes.insert(at, code);
        }
        for (i, s) in chunk.iter().enumerate() {
            let key = format!("s{i}");
            match codes.get(&key).map(String::as_str) {
                Some("AMBIGUOUS_ID") => out.ambiguous += 1,
                Some("BAD_USER_INPUT") => out.refused.push(s.to_string()),
                Some(other) => panic!("{s}: unexpected error {other}: {resp}"),
                None => {
                    let g = &resp["data"][&key];
                    if g.is_null() {
                        out.not_found.push(s.to_string());
                    } else if g["symbol"].as_str().unwrap().eq_ignore_ascii_case(s) {
                        out.current_symbol += 1;
                    } else if listed[s].len() == 1
                        && g["hgncId"].as_str().is_some_and(|h| listed[s].contains(h))
                    {
                        out.own_gene += 1;
                    } else {
                        out.wrong.push(format!("{s} -> {g}"));
                    }
                }
            }
        }
    }
    out
}

/// What the graph makes of each of MONDO's exact matches, per target namespace.
#[derive(Debug, Default)]
struct ExactMatchFigures {
    total: usize,
    /// The target id resolves to the record of the MONDO id.
    resolves: usize,
    /// The target has a record of its own (or is shared), and the MONDO
    /// record lists it among its xrefs as an exact match.
    listed: usize,
    /// The MONDO term is not in the vendored rare subset and has no record.
    outside_subset: usize,
    /// None of the above.
    unexplained: Vec<String>,
}

fn measure_mondo_exact_matches() -> BTreeMap<&'static str, ExactMatchFigures> {
    let g = kg();
    let paths = data_paths();
    let rare: HashSet<_> = rarekg::ingest::mondo::parse_terms(&paths.mondo_terms)
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let mut out: BTreeMap<&'static str, ExactMatchFigures> = BTreeMap::new();
    for p in &paths.mondo_mappings {
        let set = rarekg::ingest::mondo::parse_sssom(p).unwrap();
        for m in set
            .mappings
            .iter()
            .filter(|m| m.predicate == "skos:exactMatch")
        {
            let f = out.entry(m.object.prefix().as_str()).or_default();
            f.total += 1;
            let record = match g.find_disease(&m.subject) {
                Lookup::Found(n) => Some(n),
                _ => None,
            };
            let target = g.find_disease(&m.object);
            match record {
                Some(n) if target == Lookup::Found(n) => f.resolves += 1,
                Some(n)
                    if g.disease(n)
                        .xrefs
                        .iter()
                        .any(|x| x.id == m.object && x.relation == "exactMatch") =>
                {
                    f.listed += 1
                }
                None if !rare.contains(&m.subject) => f.outside_subset += 1,
                _ => f.unexplained.push(format!(
                    "{} {} -> {} {} ({:?}; subject record {:?})",
                    m.subject,
                    m.subject_label,
                    m.object,
                    m.object_label,
                    target,
                    record.map(|n| g.disease(n).id.to_string())
                )),
            }
        }
    }
    out
}

/// Prints the figures (`cargo test --test api identifiers_as_they_are -- --nocapture`).
#[test]
fn identifiers_as_they_are_figures() {
    let s = measure_hgnc_symbols();
    println!(
        "HGNC previous/alias symbols: {} distinct; resolve to the one gene listing them {}, \
         are a current symbol (name that gene) {}, ambiguous {}, refused {}, not found {}, wrong gene {}",
        s.distinct,
        s.own_gene,
        s.current_symbol,
        s.ambiguous,
        s.refused.len(),
        s.not_found.len(),
        s.wrong.len()
    );
    println!("  refused e.g. {:?}", &s.refused[..s.refused.len().min(8)]);
    println!(
        "  not found e.g. {:?}",
        &s.not_found[..s.not_found.len().min(8)]
    );
    println!("  wrong e.g. {:?}", &s.wrong[..s.wrong.len().min(8)]);
    let m = measure_mondo_exact_matches();
    for (ns, f) in &m {
        println!(
            "MONDO exact matches to {ns}: {}; resolve to the MONDO record {}, listed in its xrefs {}, \
             MONDO term outside the rare subset {}, unexplained {}",
            f.total,
            f.resolves,
            f.listed,
            f.outside_subset,
            f.unexplained.len()
        );
        for u in f.unexplained.iter().take(60) {
            println!("    {u}");
        }
    }
    assert!(s.refused.is_empty(), "refused: {:?}", s.refused);
    assert!(s.not_found.is_empty(), "not found: {:?}", s.not_found);
    assert!(s.wrong.is_empty(), "wrong gene: {:?}", s.wrong);
    assert_eq!(s.own_gene + s.current_symbol + s.ambiguous, s.distinct);
    for (ns, f) in &m {
        assert!(f.unexplained.is_empty(), "{ns}: {:?}", f.unexplained);
        assert_eq!(f.resolves + f.listed + f.outside_subset, f.total, "{ns}");
    }
}
