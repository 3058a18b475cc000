//! The whole disease record over the real files: orphan designations, trials,
//! patient organizations, screening, epidemiology, provenance, and the
//! entity linker's measured precision.

use crate::common::{kg, query, read_gz, run};
use rarekg::graph::linker::Linked;
use rarekg::graph::Lookup;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn bosentan_tracleer_is_designated_for_pulmonary_arterial_hypertension() {
    let v = query(
        r#"{ drug(id: "bosentan") { id genericName tradeNames
              designations { designation dateDesignated status agency sourceLine
                disease { id name } link { matchedName confidence method }
                approvals { approvalDate labeledIndication } } } }"#,
        json!({}),
    );
    let d = &v["drug"];
    assert_eq!(d["id"], "DRUG:bosentan");
    assert!(d["tradeNames"]
        .as_array()
        .unwrap()
        .contains(&json!("Tracleer")));
    let pah = d["designations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["designation"] == "Treatment of pulmonary arterial hypertension")
        .expect("the PAH designation");
    assert_eq!(pah["disease"]["name"], "Pulmonary arterial hypertension");
    assert_eq!(pah["link"]["method"], "exact");
    assert_eq!(pah["dateDesignated"], "2000-10-06");
    assert_eq!(pah["agency"], "FDA");
    // Two approvals of the one designation (two rows of the export).
    assert_eq!(pah["approvals"].as_array().unwrap().len(), 2, "{pah}");

    // And from the disease's side, with FDA among its sources.
    let id = pah["disease"]["id"].as_str().unwrap();
    let p = query(
        r#"query($id: ID!) { disease(id: $id) { designations(first: 500) { totalCount edges { node { drug { genericName } } } }
              sources { name licence } } }"#,
        json!({ "id": id }),
    );
    let drugs: Vec<&str> = p["disease"]["designations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["drug"]["genericName"].as_str().unwrap())
        .collect();
    assert!(drugs.contains(&"bosentan"), "{drugs:?}");
    let sources = p["disease"]["sources"].as_array().unwrap();
    assert!(sources.iter().any(|s| s["name"] == "FDA OOPD"));
}

#[test]
fn unlinked_designations_stay_visible_and_are_counted() {
    let v = query(
        r#"{ designationStats { total linked unlinked ambiguous shareLinked }
             designations(linked: false, first: 5) { totalCount edges { node { designation disease { id } } } } }"#,
        json!({}),
    );
    let s = &v["designationStats"];
    let total = s["total"].as_u64().unwrap();
    assert!(total > 1000, "{s}");
    assert_eq!(
        s["linked"].as_u64().unwrap() + s["unlinked"].as_u64().unwrap(),
        total
    );
    assert_eq!(v["designations"]["totalCount"], s["unlinked"]);
    for e in v["designations"]["edges"].as_array().unwrap() {
        assert_eq!(e["node"]["disease"], Value::Null);
    }
}

/// Wilson disease (ORPHA:905) is one of the 73 diseases the 317-trial set is
/// keyed to.
#[test]
fn trials_of_the_317_set_are_listed_with_counts_made_from_the_file() {
    let index: BTreeMap<String, Value> = serde_json::from_str(&read_gz(
        "data/clinicaltrials/rare_metabolic_trials/clinical_trials_index.json.gz",
    ))
    .unwrap();
    let keyed: BTreeMap<String, Value> = serde_json::from_str(&read_gz(
        "data/clinicaltrials/rare_metabolic_trials/clinical_trials2diseases.json.gz",
    ))
    .unwrap();
    let wilson: BTreeSet<&str> = keyed
        .iter()
        .filter(|(_, t)| {
            t["diseases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["orpha_code"] == "905")
        })
        .map(|(id, _)| id.as_str())
        .collect();
    let active_states = [
        "RECRUITING",
        "NOT_YET_RECRUITING",
        "ENROLLING_BY_INVITATION",
        "ACTIVE_NOT_RECRUITING",
    ];
    let active = wilson
        .iter()
        .filter(|id| active_states.contains(&index[**id]["overallStatus"].as_str().unwrap()))
        .count();
    assert!(wilson.len() > 10);

    let v = query(
        r#"{ disease(id: "ORPHA:905") { name trialCounts { active total }
              trials(first: 500) { totalCount edges { node { nctId overallStatus phases
                diseases { disease { id } link { method } } } } } } }"#,
        json!({}),
    );
    let d = &v["disease"];
    assert_eq!(d["name"], "Wilson disease");
    assert_eq!(
        d["trialCounts"]["total"],
        wilson.len(),
        "{}",
        d["trialCounts"]
    );
    assert_eq!(d["trialCounts"]["active"], active);
    let listed: BTreeSet<&str> = d["trials"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["nctId"].as_str().unwrap())
        .collect();
    assert_eq!(listed, wilson);
    // One trial's status and phases as the file gives them.
    let first = wilson.iter().next().unwrap();
    let node = d["trials"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["nctId"] == *first)
        .unwrap();
    assert_eq!(node["overallStatus"], index[*first]["overallStatus"]);
    assert_eq!(node["phases"], index[*first]["phases"]);
    // The file keys some trials to Wilson disease that do not study it (a
    // migraine trial): they are kept, flagged as unconfirmed.
    let method = |nct: &str| {
        d["trials"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["node"])
            .find(|n| n["nctId"] == nct)
            .unwrap()["diseases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["disease"]["id"] == "MONDO:0010200")
            .map(|x| x["link"]["method"].as_str().unwrap().to_string())
    };
    assert_eq!(
        method("NCT05239858").as_deref(),
        Some("orpha_key"),
        "the iWilson registry"
    );
    assert_eq!(
        method("NCT04396236").as_deref(),
        Some("orpha_key_unconfirmed"),
        "a migraine trial"
    );

    // Filters: only recruiting phase 3 trials.
    let f = query(
        r#"{ disease(id: "ORPHA:905") { trials(status: [RECRUITING], phase: [PHASE3], first: 500) { edges { node { overallStatus phases } } } } }"#,
        json!({}),
    );
    for e in f["disease"]["trials"]["edges"].as_array().unwrap() {
        assert_eq!(e["node"]["overallStatus"], "RECRUITING");
        assert!(e["node"]["phases"]
            .as_array()
            .unwrap()
            .contains(&json!("PHASE3")));
    }
}

#[test]
fn a_full_v2_study_is_linked_through_its_conditions() {
    let v = query(
        r#"{ trial(nctId: "NCT06171568") { nctId overallStatus studyType enrollment startDate sponsor lastUpdate conditions } }"#,
        json!({}),
    );
    let t = &v["trial"];
    assert_eq!(t["overallStatus"], "NOT_YET_RECRUITING");
    assert_eq!(t["enrollment"], 400);
    assert_eq!(t["startDate"], "2024-02-01");
    assert_eq!(t["lastUpdate"], "2023-12-14");
    assert_eq!(
        crate::common::error_code(r#"{ trial(nctId: "12345") { nctId } }"#, json!({})),
        "BAD_USER_INPUT"
    );
}

#[test]
fn polymyositis_has_prevalence_onset_and_curated_organizations() {
    let v = query(
        r#"{ disease(id: "ORPHA:732") { name
              prevalences { kind class geographic validationStatus meanValue reference }
              onset { label }
              patientOrganizations { factId name url country scope sourceUrl asOf }
              screening { program }
              sources { name release licence attribution } } }"#,
        json!({}),
    );
    let d = &v["disease"];
    // From the packets, completed by Orphadata's epidemiology file.
    let europe = d["prevalences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "Annual incidence" && p["geographic"] == "Europe")
        .expect("the European incidence");
    assert_eq!(europe["class"], "1-9 / 1 000 000");
    assert_eq!(europe["validationStatus"], "Validated");
    assert_eq!(europe["meanValue"], "0.585");
    assert_eq!(europe["reference"], "ORPHANET");
    assert!(d["onset"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["label"] == "Adult"));
    let orgs = d["patientOrganizations"].as_array().unwrap();
    let tma = orgs
        .iter()
        .find(|o| o["name"] == "The Myositis Association")
        .expect("TMA serves polymyositis");
    assert_eq!(tma["url"], "https://www.myositis.org");
    assert_eq!(tma["country"], "US");
    assert!(orgs.iter().any(|o| o["name"] == "Myositis UK"));
    assert_eq!(d["screening"], json!([]));
    let sources = d["sources"].as_array().unwrap();
    let curated = sources
        .iter()
        .find(|s| s["name"] == "rarekg curated")
        .unwrap();
    assert!(curated["licence"].as_str().unwrap().contains("CC BY 4.0"));
    let orphanet = sources.iter().find(|s| s["name"] == "Orphanet").unwrap();
    assert!(orphanet["licence"].as_str().unwrap().contains("CC BY 4.0"));
    assert!(orphanet["attribution"]
        .as_str()
        .unwrap()
        .contains("© INSERM 1999"));
}

#[test]
fn newborn_screening_lists_the_rusp_core_conditions() {
    let v = query(
        r#"{ disease(id: "ORPHA:35") { name screening { program panel condition conditionCode jurisdiction sourceUrl } } }"#,
        json!({}),
    );
    let s = &v["disease"]["screening"][0];
    assert_eq!(v["disease"]["name"], "Propionic acidemia");
    assert_eq!(s["program"], "RUSP");
    assert_eq!(s["panel"], "core");
    assert_eq!(s["conditionCode"], "PROP");
}

/// Precision (links to the disease the text names / links made) and share
/// linked of the linker on a hand-checked fixture, per kind; panics with the
/// wrong links when the precision is under `min`.
fn linker_precision(fixture: &str, min: f64) {
    let kg = kg();
    let linker = rarekg::graph::records::disease_linker(&kg);
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture),
    )
    .unwrap();
    let mut per_kind: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (kind, text, expected) = (f[0], f[1], f[2]);
        // Several ids where the text names several diseases: any is right.
        let expected: Vec<_> = expected
            .split('|')
            .filter(|id| !id.is_empty())
            .map(
                |id| match kg.find_disease(&rarekg::curie::Curie::parse(id).unwrap()) {
                    Lookup::Found(n) => n,
                    other => panic!("fixture id {id}: {other:?}"),
                },
            )
            .collect();
        let e = per_kind.entry(kind.to_string()).or_default();
        e.0 += 1;
        if let Linked::Linked(l) = linker.link(text) {
            e.1 += 1;
            if expected.contains(&l.disease) {
                e.2 += 1;
            } else {
                wrong.push(format!("{text} -> {}", l.matched_name));
            }
        }
    }
    let (rows, made, right) = per_kind
        .values()
        .fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
    for (k, (n, m, r)) in &per_kind {
        println!(
            "{fixture} {k}: {n} texts, {m} linked ({:.0}%), precision {:.1}%",
            100.0 * *m as f64 / *n as f64,
            100.0 * *r as f64 / *m as f64
        );
    }
    assert!(rows >= 100 && per_kind.values().all(|v| v.0 >= 50));
    let precision = right as f64 / made as f64;
    println!(
        "{fixture}: precision {:.1}% of {made} links",
        100.0 * precision
    );
    assert!(
        precision >= min,
        "{fixture}: precision {precision:.3}; wrong: {wrong:#?}"
    );
    // Not at the cost of linking nothing.
    assert!(made as f64 / rows as f64 > 0.4);
}

/// The sample the linker's rules were tuned on: the 95% target holds.
#[test]
fn the_linker_is_precise_on_the_hand_checked_sample() {
    linker_precision("linker_sample.tsv", 0.95);
}

/// The first held-out sample. Measured at 93.2% before the synonym-breadth
/// rules, whose errors ("pancreatic cancer" taken for familial pancreatic
/// carcinoma, "acid lipase deficiency" for Wolman disease) they fix; it is no
/// longer held out and holds them in place.
#[test]
fn the_linker_is_precise_on_the_first_held_out_sample() {
    linker_precision("linker_heldout.tsv", 0.95);
}

/// Drawn and judged (blind) after the synonym-breadth rules were final:
/// 60 of 63 links right (95.2%).
#[test]
fn the_linker_is_precise_on_a_fresh_held_out_sample() {
    linker_precision("linker_heldout2.tsv", 0.95);
}

#[test]
fn malformed_rows_name_file_line_and_field() {
    use rarekg::ingest::{ctgov, curated, fda};
    let dir = std::env::temp_dir().join(format!("rarekg-bad-rows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let csv = read_gz("data/fda/FDA_oopd_approved_2025.csv.gz");
    let mut lines: Vec<&str> = csv.lines().collect();
    let broken = lines[1].replacen(",2000-10-06,", ",20X0-10-06,", 1);
    assert_ne!(broken, lines[1]);
    lines[1] = &broken;
    let e = fda::parse(&write("fda.csv", &lines.join("\n")))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fda.csv:2:") && e.contains("Date Designated"),
        "{e}"
    );

    let tsv = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/curated/patient_organizations.tsv"),
    )
    .unwrap();
    let bad = tsv.replacen("\tnational\t", "\tplanetary\t", 1);
    let line = bad
        .lines()
        .position(|l| l.contains("\tplanetary\t"))
        .unwrap()
        + 1;
    let e = curated::parse_organizations(&write("orgs.tsv", &bad))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("orgs.tsv:{line}:")) && e.contains("scope"),
        "{e}"
    );

    let json = "{\n  \"NCT06472557\": {\n    \"nctId\": \"NCT06472557\",\n    \"enrollment\": \"many\"\n  }\n}\n";
    let e = ctgov::parse(&write("trials.json", json))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("trials.json:4:") && e.contains("NCT06472557.enrollment"),
        "{e}"
    );
    let e = ctgov::parse(&write(
        "v1.json",
        "{\"FullStudiesResponse\": {\"APIVrs\": \"1.01.05\"}}",
    ))
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("v1.json:1:") && e.contains("FullStudiesResponse"),
        "{e}"
    );
    let json = "{\"NCT06472557\": {\"nctId\": \"NCT06472557\", \"overallStatus\": \"DONE\"}}";
    let e = ctgov::parse(&write("status.json", json))
        .unwrap_err()
        .to_string();
    assert!(e.contains("overallStatus") && e.contains("DONE"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_full_polymyositis_page_is_one_query() {
    let q = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/disease_page_record.graphql"),
    )
    .unwrap();
    let resp = run(&q, json!({ "id": "ORPHA:732" }));
    assert!(resp.errors.is_empty(), "{:?}", resp.errors);
    let v = resp.data.into_json().unwrap();
    let d = &v["disease"];
    assert_eq!(d["name"], "Polymyositis");
    assert_eq!(d["phenotypes"]["totalCount"], 60);
    assert!(!d["patientOrganizations"].as_array().unwrap().is_empty());
    assert!(d["trialCounts"]["total"].is_number());
    assert!(d["designations"]["totalCount"].is_number());
    assert!(d["sources"].as_array().unwrap().len() >= 3);
}

#[test]
fn trials_link_to_designated_drugs_through_their_interventions() {
    let v = query(
        r#"{ drug(id: "omaveloxolone") { tradeNames designations { disease { name } }
              trials(first: 10) { edges { node { nctId interventions { kind name } drugs { id } } } } } }"#,
        json!({}),
    );
    let d = &v["drug"];
    assert_eq!(d["tradeNames"], json!(["Skyclarys"]));
    assert_eq!(d["designations"][0]["disease"]["name"], "Friedreich ataxia");
    let trial = &d["trials"]["edges"][0]["node"];
    assert_eq!(trial["nctId"], "NCT06953583");
    assert!(trial["interventions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["name"] == "Omaveloxolone" && i["kind"] == "DRUG"));
    assert_eq!(trial["drugs"], json!([{ "id": "DRUG:omaveloxolone" }]));
}

/// MONDO gives Marfan syndrome (MONDO:0007947) two exact Orphanet matches:
/// ORPHA:558 joins the record; ORPHA:284963 ("Marfan syndrome type 1"), a
/// clinical subtype with an ORPHApacket of its own, keeps its record and is
/// listed on MONDO's with the predicate MONDO gives.
#[test]
fn a_second_exact_match_is_listed_on_the_mondo_record() {
    let g = kg();
    let id = |s: &str| rarekg::curie::Curie::parse(s).unwrap();
    let Lookup::Found(marfan) = g.find_disease(&id("MONDO:0007947")) else {
        panic!("MONDO:0007947 has a record")
    };
    let d = g.disease(marfan);
    assert!(d.equivalent_ids.contains(&id("ORPHA:558")));
    assert!(d.equivalent_ids.contains(&id("OMIM:154700")));
    assert!(!d.equivalent_ids.contains(&id("ORPHA:284963")));
    let x = d
        .xrefs
        .iter()
        .find(|x| x.id == id("ORPHA:284963"))
        .unwrap_or_else(|| panic!("ORPHA:284963 not in {:?}", d.xrefs));
    assert_eq!(x.relation, "exactMatch");
    assert_eq!(x.source, rarekg::graph::model::Source::Mondo);
    // And so on the page.
    let v = query(
        r#"{ disease(id: "MONDO:0007947") { xrefs { relation source } xrefsAll: xrefs { factId } } }"#,
        json!({}),
    );
    let page = v["disease"]["xrefs"].as_array().unwrap();
    let facts = v["disease"]["xrefsAll"].as_array().unwrap();
    let i = facts
        .iter()
        .position(|f| f["factId"].as_str().unwrap().contains("ORPHA:284963"))
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(
        page[i],
        json!({ "relation": "exactMatch", "source": "MONDO" })
    );
    let own = query(
        r#"{ disease(id: "ORPHA:284963") { id name disorderType } }"#,
        json!({}),
    );
    assert_eq!(own["disease"]["id"], "ORPHA:284963");
    assert_eq!(own["disease"]["disorderType"], "Clinical subtype");

    // A second exact match without a record of its own resolves to MONDO's:
    // OMIM:207720 (no HPOA annotation) to MONDO:0008807, whose first OMIM
    // match, OMIM:107640, joined it.
    let q = r#"query($id: ID!) { disease(id: $id) { id } }"#;
    let by = |i: &str| query(q, json!({ "id": i }))["disease"]["id"].clone();
    assert_eq!(by("MONDO:0008807"), "MONDO:0008807");
    assert_eq!(by("OMIM:107640"), "MONDO:0008807");
    assert_eq!(by("OMIM:207720"), "MONDO:0008807");
}

/// MONDO's NORD and GARD subset flags, the catalogue's newest source, as
/// disease attributes with MONDO's provenance; counted against the file.
#[test]
fn nord_and_gard_subset_flags_come_from_mondo() {
    let v = query(
        r#"{ marfan: disease(id: "MONDO:0007947") { subsets { label evidence { source { name release } assertedFor } } }
             polymyositis: disease(id: "ORPHA:732") { subsets { label } }
             neither: disease(id: "MONDO:0979353") { id subsets { label } } }"#,
        json!({}),
    );
    let labels = |d: &str| -> Vec<String> {
        v[d]["subsets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["label"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(labels("marfan"), ["gard_rare", "nord_rare"], "{v}");
    assert_eq!(labels("polymyositis"), ["gard_rare", "nord_rare"]);
    assert_eq!(
        v["marfan"]["subsets"][0]["evidence"]["source"]["name"],
        "MONDO"
    );
    assert_eq!(
        v["marfan"]["subsets"][0]["evidence"]["source"]["release"],
        "2026-08-04"
    );
    assert_eq!(
        v["marfan"]["subsets"][0]["evidence"]["assertedFor"],
        "MONDO:0007947"
    );
    if !v["neither"].is_null() {
        assert_eq!(labels("neither"), Vec::<String>::new(), "{v}");
    }
    // Every flagged disease is in the file's subset, and most rare ones are.
    let text = read_gz("data/mondo/mondo_subsets.tsv.gz");
    let nord: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(_, rest)| rest.starts_with("nord_rare\t"))
        .map(|(id, _)| id)
        .collect();
    let kg = kg();
    let flagged: Vec<&str> = kg
        .diseases()
        .flat_map(|d| kg.disease(d).attributes.iter())
        .filter(|a| a.label == "nord_rare")
        .map(|a| kg.text(a.provenance.asserted_for.unwrap()))
        .collect();
    assert!(
        flagged.len() > 5_000,
        "{} NORD-flagged diseases",
        flagged.len()
    );
    assert!(
        flagged.iter().all(|id| nord.contains(id)),
        "a flag on a disease the file does not list"
    );
}

/// `check` reports each source's records from the load itself (no second
/// parse): the counts the build kept are the ones each source's own parser
/// gives, for every source the graph reads, and only ORDO (read by the RDF
/// store) has none.
#[test]
fn the_load_counts_every_catalogued_source_as_its_parser_does() {
    use rarekg::ingest::catalogue::SourceFile;
    let built = crate::common::built();
    let counts = &built.kg.stats().records;
    let missing: Vec<&str> = SourceFile::ALL
        .iter()
        .filter(|s| !counts.contains_key(s))
        .map(|s| s.key())
        .collect();
    assert_eq!(missing, ["ordo"]);
    for s in [
        SourceFile::Hpo,
        SourceFile::MondoGard,
        SourceFile::Fda,
        SourceFile::Screening,
    ] {
        let parsed = s.parse(s.file(&built.paths)).unwrap();
        assert_eq!(counts[&s], parsed, "{}", s.key());
    }
    assert_eq!(counts[&SourceFile::Hpo], 19_484);
}
