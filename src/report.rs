//! Plain-text summaries of a loaded graph (the `check` command).

use crate::graph::KnowledgeGraph;
use std::fmt::Write;

/// Counts per source, entity type and edge type, and load anomalies.
pub fn counts(kg: &KnowledgeGraph) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "sources:");
    for r in kg.sources() {
        let _ = writeln!(
            s,
            "  {:<24} release {:<12} {}",
            r.source.name(),
            r.release,
            r.files.join(", ")
        );
    }
    let st = kg.stats();
    let _ = writeln!(s, "records read:");
    for (k, v) in &st.rows {
        let _ = writeln!(s, "  {k:<26} {v:>8}");
    }
    let _ = writeln!(s, "entities:");
    for (k, v) in kg.entity_counts() {
        let _ = writeln!(s, "  {k:<26} {v:>8}");
    }
    let _ = writeln!(s, "edges:");
    for (k, v) in &st.edges {
        let _ = writeln!(s, "  {k:<26} {v:>8}");
    }
    let _ = writeln!(s, "identity and references:");
    for (k, v) in [
        ("disease ids merged", st.identity_merges),
        ("merges refused", st.identity_merges_refused),
        ("annotations redirected", st.redirected_terms),
        ("annotations unresolved", st.unresolved_terms),
        ("genes outside HGNC", st.genes_outside_hgnc),
        ("genes unresolved", st.unresolved_genes),
        ("classification outside data", st.unresolved_classification),
        ("xrefs unparsed", st.unparsed_xrefs),
    ] {
        let _ = writeln!(s, "  {k:<26} {v:>8}");
    }
    let r = kg.records();
    let linked = r.designations.iter().filter(|d| d.link.is_some()).count();
    let linked_trials = r.trials.iter().filter(|t| !t.diseases.is_empty()).count();
    let _ = writeln!(s, "records:");
    for (k, v) in [
        ("drugs", r.drugs.len()),
        ("orphan designations", r.designations.len()),
        ("  linked to a disease", linked),
        (
            "  ambiguous",
            r.designations
                .iter()
                .filter(|d| !d.candidates.is_empty())
                .count(),
        ),
        ("clinical trials", r.trials.len()),
        ("  linked to a disease", linked_trials),
        (
            "  unconfirmed ORPHA keys",
            r.trials
                .iter()
                .flat_map(|t| &t.diseases)
                .filter(|l| l.method == "orpha_key_unconfirmed")
                .count(),
        ),
        ("patient organizations", r.organizations.len()),
        ("screening entries", r.screening.len()),
    ] {
        let _ = writeln!(s, "  {k:<26} {v:>8}");
    }
    s
}

/// The ontologies held by the RDF store.
pub fn ontologies(store: &crate::store::OntologyStore) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ontology store ({} triples):", store.len());
    for o in store.ontologies() {
        let _ = writeln!(
            s,
            "  {:<24} {:<12} {:>8} triples {:>7} terms  <{}>",
            o.name, o.version, o.triple_count, o.term_count, o.graph
        );
    }
    s
}

/// What the entity linker makes of every designation text and trial
/// condition, as TSV: kind, text, disease id, disease name, matched name,
/// confidence, method. Unlinked texts have empty disease columns. The linker
/// runs on each text afresh (a trial's stored links merge its conditions
/// with its ORPHA keys).
pub fn links(kg: &KnowledgeGraph) -> String {
    use crate::graph::linker::Linked;
    let linker = crate::graph::records::disease_linker(kg);
    let r = kg.records();
    let mut s =
        String::from("kind\ttext\tdisease_id\tdisease_name\tmatched_name\tconfidence\tmethod\n");
    let texts = r
        .designations
        .iter()
        .map(|d| ("designation", d.text.as_str()))
        .chain(r.trials.iter().flat_map(|t| {
            t.record
                .conditions
                .iter()
                .map(|c| ("trial_condition", c.as_str()))
        }));
    for (kind, text) in texts {
        let _ = match linker.link(text) {
            Linked::Linked(l) => {
                let d = kg.disease(l.disease);
                writeln!(
                    s,
                    "{kind}\t{text}\t{}\t{}\t{}\t{:.2}\t{}",
                    d.id, d.name.value, l.matched_name, l.confidence, l.method
                )
            }
            _ => writeln!(s, "{kind}\t{text}\t\t\t\t\t"),
        };
    }
    s
}
