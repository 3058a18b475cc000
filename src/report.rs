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

/// A timed ranking from the command line.
pub struct RankRun<'a> {
    pub terms: &'a [String],
    /// resnik, lin, jc or graphic.
    pub method: &'a str,
    /// funSimAvg, funSimMax or BMA.
    pub combine: &'a str,
    /// Annotation sources to list (omim, orpha, decipher).
    pub sources: &'a [String],
    pub reps: usize,
    pub top: usize,
}

/// Why a command-line ranking was refused.
#[derive(Debug, thiserror::Error)]
pub enum RankError {
    /// A term is not an HP id of this release.
    #[error("`{0}` is not an HPO term of this release")]
    UnknownTerm(String),
    /// The method or combination is not one of those listed.
    #[error("unknown {0} `{1}`")]
    UnknownOption(&'static str, String),
}

/// Ranks every disease for `run.terms`, `run.reps` times after 3 untimed
/// runs: timings as `#` lines, then the top entries as TSV (rank, id, name,
/// score).
pub fn rank(
    kg: &KnowledgeGraph,
    a: &crate::analytics::Analytics,
    run: &RankRun,
) -> Result<String, RankError> {
    use crate::analytics::{Combine, Method, RankingRequest, Scoring, Target};
    use crate::graph::Lookup;
    let terms = run
        .terms
        .iter()
        .map(
            |t| match crate::curie::Curie::parse(t).map(|c| kg.find_phenotype(&c)) {
                Ok(Lookup::Found(n)) | Ok(Lookup::Redirected { node: n, .. }) => Ok(n),
                _ => Err(RankError::UnknownTerm(t.clone())),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    let method = match run.method.to_lowercase().as_str() {
        "resnik" => Method::Resnik,
        "lin" => Method::Lin,
        "jc" => Method::JiangConrath,
        "graphic" => Method::GraphIc,
        _ => return Err(RankError::UnknownOption("method", run.method.into())),
    };
    let combine = match run.combine.to_lowercase().as_str() {
        "funsimavg" => Combine::FunSimAvg,
        "funsimmax" => Combine::FunSimMax,
        "bma" => Combine::Bma,
        _ => return Err(RankError::UnknownOption("combination", run.combine.into())),
    };
    let req = RankingRequest {
        target: Target::Diseases,
        terms,
        excluded: Vec::new(),
        scoring: Scoring::Similarity { method, combine },
        weight_by_frequency: false,
        sex: None,
    };
    for _ in 0..3 {
        std::hint::black_box(a.rank(kg, &req));
    }
    let mut times = Vec::with_capacity(run.reps);
    let mut ranking = None;
    for _ in 0..run.reps.max(1) {
        let t = std::time::Instant::now();
        let r = a.rank(kg, &req);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        ranking = Some(r);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let ranking = ranking.expect("at least one repetition");
    let mut s = format!(
        "# rarekg {}: {} diseases ranked, method {}, combine {}, {} reps\n# p50 {:.3} ms  p99 {:.3} ms  mean {:.3} ms\nrank\tid\tname\tscore\n",
        env!("CARGO_PKG_VERSION"),
        ranking.ranked.len(),
        run.method,
        run.combine,
        times.len(),
        pct(0.5),
        pct(0.99),
        mean
    );
    let wanted: Vec<String> = run.sources.iter().map(|x| x.to_uppercase()).collect();
    for (i, r) in ranking
        .ranked
        .iter()
        .filter(|r| {
            let id = &a.diseases()[r.profile].id;
            wanted
                .iter()
                .any(|w| id.prefix().as_str().eq_ignore_ascii_case(w))
        })
        .take(run.top)
        .enumerate()
    {
        let p = &a.diseases()[r.profile];
        s.push_str(&format!(
            "{}\t{}\t{}\t{:.6}\n",
            i + 1,
            p.id,
            kg.disease(p.node).name.value,
            r.score
        ));
    }
    Ok(s)
}

/// Every source of the catalogue: its key, the records its file holds,
/// the file, whether a reload's diff reports it, and its licence.
pub fn sources(paths: &crate::graph::DataPaths, stats: &crate::graph::LoadStats) -> String {
    use crate::ingest::catalogue::SourceFile;
    let mut out = String::from("source files:\n");
    for &s in SourceFile::ALL {
        let file = s.file(paths);
        let records = match stats.records.get(&s) {
            Some(n) => format!("{n:>8} records"),
            None => format!("{:>16}", "(RDF store)"),
        };
        let _ = writeln!(
            out,
            "  {:<22} {}  {}  diff: {}  licence: {}",
            s.key(),
            records,
            file.display(),
            if s.diffs() { "yes" } else { "no" },
            s.licence()
        );
    }
    out
}
