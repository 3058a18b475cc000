//! Builds the [`KnowledgeGraph`] from parsed sources: merges disease
//! identities, joins annotations onto one node per entity, computes the HPO
//! closures and the adjacency indexes. Only a complete graph leaves here.

use super::csr::Csr;
use super::identity::{label_agreement, Identities};
use super::model::*;
use super::strings::Interner;
use super::{Adjacency, Indexes, KnowledgeGraph, LoadStats};
use crate::curie::{Curie, Prefix};
use crate::ingest::genes_to_phenotype::GeneToPhenotypeRow;
use crate::ingest::hgnc::HgncSet;
use crate::ingest::hpoa::{Aspect, Hpoa};
use crate::ingest::mondo::{MappingSet, MondoTerm};
use crate::ingest::obo::OboDocument;
use crate::ingest::orphapacket::{Packet, PacketSet};
use crate::ingest::{self, IngestError};
use petgraph::graph::Graph;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Every parsed input of one build, with the files it came from.
#[derive(Debug)]
pub struct SourceBundle {
    pub hpo: (PathBuf, OboDocument),
    pub hpoa: (PathBuf, Hpoa),
    pub genes_to_phenotype: (PathBuf, Vec<GeneToPhenotypeRow>),
    pub orphanet: (PathBuf, PacketSet),
    pub mondo_terms: (PathBuf, Vec<MondoTerm>),
    pub mondo_edges: (PathBuf, Vec<(Curie, Curie)>),
    pub mondo_mappings: Vec<(PathBuf, MappingSet)>,
    pub hgnc: (PathBuf, HgncSet),
}

/// HPO's "Onset" branch: clinical-course annotations under it are onsets.
const ONSET_ROOT: &str = "HP:0003674";

/// Orphanet frequency classes and the HPO frequency terms they denote.
fn orphanet_frequency(label: &str) -> Option<(&'static str, bool)> {
    let l = label.to_ascii_lowercase();
    Some(if l.starts_with("obligate") {
        ("HP:0040280", false)
    } else if l.starts_with("very frequent") {
        ("HP:0040281", false)
    } else if l.starts_with("frequent") {
        ("HP:0040282", false)
    } else if l.starts_with("occasional") {
        ("HP:0040283", false)
    } else if l.starts_with("very rare") {
        ("HP:0040284", false)
    } else if l.starts_with("excluded") {
        ("HP:0040285", true)
    } else {
        return None;
    })
}

struct Build {
    graph: Graph<Node, Edge, petgraph::Directed, u32>,
    index: Indexes,
    stats: LoadStats,
    strings: Interner,
}

impl Build {
    fn add_edge(&mut self, a: NodeId, b: NodeId, e: Edge) {
        *self.stats.edges.entry(e.kind().name()).or_default() += 1;
        self.graph.add_edge(a, b, e);
    }

    /// One shared copy of a repeated string (evidence codes, references, curators, ids).
    fn intern(&mut self, s: &str) -> Sym {
        self.strings.sym(s)
    }

    /// A parsed frequency with its HP term resolved to a node; an unknown
    /// frequency term is an error at `path:line`.
    fn frequency(
        &mut self,
        f: Option<&ingest::Frequency>,
        path: &std::path::Path,
        line: usize,
    ) -> Result<Option<Frequency>, IngestError> {
        Ok(match f {
            None => None,
            Some(ingest::Frequency::Term(t)) => match self.hp(t) {
                Some(n) => Some(Frequency::Term(n)),
                None => {
                    return Err(IngestError::parse(
                        path,
                        line,
                        format!("field `frequency`: unknown term {t}"),
                    ));
                }
            },
            Some(ingest::Frequency::Ratio(n, m)) => Some(Frequency::Ratio(*n, *m)),
            Some(ingest::Frequency::Percent(p)) => Some(Frequency::Percent(*p)),
        })
    }

    /// Resolves an HP id through alt_ids and `replaced_by`.
    fn hp(&mut self, id: &Curie) -> Option<NodeId> {
        let n = *self.index.phenotype.get(id)?;
        if let Node::Phenotype(p) = &self.graph[n] {
            if let Some(r) = &p.replaced_by {
                self.stats.redirected_terms += 1;
                return self.index.phenotype.get(r).copied();
            }
        }
        Some(n)
    }
}

pub(super) fn build(b: SourceBundle) -> Result<(KnowledgeGraph, Annotations), IngestError> {
    let mut st = Build {
        graph: Graph::default(),
        index: Indexes::default(),
        stats: LoadStats::default(),
        strings: Interner::default(),
    };

    // --- Phenotypes (HPO terms): node ids 0..P, so dense term indexes are node indexes.
    let (hpo_path, hpo) = &b.hpo;
    for t in &hpo.terms {
        let id = t.id.clone().expect("parser guarantees an id");
        if st.index.phenotype.contains_key(&id) {
            return Err(IngestError::parse(
                hpo_path,
                t.line,
                format!("duplicate term {id}"),
            ));
        }
        let n = st.graph.add_node(Node::Phenotype(Phenotype {
            id: id.clone(),
            name: t.name.clone(),
            definition: t.definition.clone(),
            definition_refs: t.definition_refs.clone(),
            comment: t.comment.clone(),
            synonyms: t.synonyms.clone(),
            xrefs: t.xrefs.clone(),
            alt_ids: t.alt_ids.clone(),
            obsolete: t.obsolete,
            replaced_by: t.replaced_by.first().cloned(),
            consider: t.consider.clone(),
        }));
        st.index.phenotype.insert(id, n);
    }
    let phenotype_count = st.graph.node_count();
    for t in &hpo.terms {
        let n = st.index.phenotype[t.id.as_ref().unwrap()];
        for alt in &t.alt_ids {
            st.index.phenotype.entry(alt.clone()).or_insert(n);
        }
    }
    let mut parents: Vec<Vec<u32>> = vec![Vec::new(); phenotype_count];
    for t in &hpo.terms {
        let child = st.index.phenotype[t.id.as_ref().unwrap()];
        for for_id in t.replaced_by.iter().chain(&t.is_a).chain(&t.consider) {
            if !st.index.phenotype.contains_key(for_id) {
                return Err(IngestError::parse(
                    hpo_path,
                    t.line,
                    format!(
                        "{} refers to {for_id}, which is not in the file",
                        t.id.as_ref().unwrap()
                    ),
                ));
            }
        }
        for p in &t.is_a {
            let parent = st.index.phenotype[p];
            parents[child.index()].push(parent.index() as u32);
            let mut hpo = SourceSet::default();
            hpo.insert(Source::Hpo);
            st.add_edge(child, parent, Edge::SubclassOf(hpo));
        }
    }
    let (ancestors, descendants) = closures(&parents).map_err(|i| {
        let t = &hpo.terms[i];
        IngestError::parse(
            hpo_path,
            t.line,
            format!("is_a cycle through {}", t.id.as_ref().unwrap()),
        )
    })?;

    // --- Genes: HGNC first, then genes only the annotation files know. A
    // gene is its ids (HGNC, NCBI Gene): a symbol joins two sources' records
    // only where it names one gene and no id of the two contradicts, so the
    // genes NCBI lists without a symbol (`-`) stay apart.
    let (_, hgnc) = &b.hgnc;
    let mut symbols: HashMap<String, Vec<NodeId>> = HashMap::new();
    let mut alias: HashMap<String, Vec<NodeId>> = HashMap::new();
    let mut ensembl: HashMap<Curie, Vec<NodeId>> = HashMap::new();
    fn push(v: &mut Vec<NodeId>, n: NodeId) {
        if !v.contains(&n) {
            v.push(n);
        }
    }
    for g in &hgnc.genes {
        let n = st.graph.add_node(Node::Gene(Gene {
            id: g.hgnc.clone(),
            symbol: g.symbol.clone(),
            name: Some(g.name.clone()),
            hgnc: Some(g.hgnc.clone()),
            ncbi_gene: g.ncbi_gene.clone(),
            ensembl: g.ensembl.clone(),
            locus_group: Some(g.locus_group.clone()),
            locus_type: Some(g.locus_type.clone()),
            location: Some(g.location.clone()).filter(|s| !s.is_empty()),
            alias_symbols: g.alias_symbols.clone(),
            previous_symbols: g.previous_symbols.clone(),
            omim: g.omim.clone(),
            sources: vec![Source::Hgnc],
        }));
        st.index.gene.insert(g.hgnc.clone(), n);
        if let Some(e) = &g.ncbi_gene {
            st.index.gene.insert(e.clone(), n);
        }
        if let Some(e) = &g.ensembl {
            push(ensembl.entry(e.clone()).or_default(), n);
        }
        push(symbols.entry(g.symbol.to_ascii_uppercase()).or_default(), n);
        for s in g.previous_symbols.iter().chain(&g.alias_symbols) {
            push(alias.entry(s.to_ascii_uppercase()).or_default(), n);
        }
    }
    // The one gene bearing `symbol` whose own id of this kind, if any, is `id`.
    let by_symbol = |st: &Build,
                     symbols: &HashMap<String, Vec<NodeId>>,
                     symbol: &str,
                     id: Option<&Curie>|
     -> Option<NodeId> {
        let &[n] = symbols.get(&symbol.to_ascii_uppercase())?.as_slice() else {
            return None;
        };
        let Node::Gene(g) = &st.graph[n] else {
            unreachable!()
        };
        let own = match id.map(Curie::prefix) {
            Some(Prefix::NcbiGene) => g.ncbi_gene.as_ref(),
            Some(Prefix::Hgnc) => g.hgnc.as_ref(),
            _ => None,
        };
        (own.is_none() || own == id).then_some(n)
    };
    let (g2p_path, g2p) = &b.genes_to_phenotype;
    let mut g2p_gene: Vec<NodeId> = Vec::with_capacity(g2p.len());
    for r in g2p {
        let n = match st.index.gene.get(&r.ncbi_gene) {
            Some(&n) => n,
            None => match by_symbol(&st, &symbols, &r.symbol, Some(&r.ncbi_gene)) {
                Some(n) => {
                    if let Node::Gene(g) = &mut st.graph[n] {
                        g.ncbi_gene = Some(r.ncbi_gene.clone());
                    }
                    st.index.gene.insert(r.ncbi_gene.clone(), n);
                    n
                }
                None => {
                    let n = st.graph.add_node(Node::Gene(Gene {
                        id: r.ncbi_gene.clone(),
                        symbol: r.symbol.to_string(),
                        name: None,
                        hgnc: None,
                        ncbi_gene: Some(r.ncbi_gene.clone()),
                        ensembl: None,
                        locus_group: None,
                        locus_type: None,
                        location: None,
                        alias_symbols: vec![],
                        previous_symbols: vec![],
                        omim: vec![],
                        sources: vec![],
                    }));
                    st.index.gene.insert(r.ncbi_gene.clone(), n);
                    push(symbols.entry(r.symbol.to_ascii_uppercase()).or_default(), n);
                    st.stats.genes_outside_hgnc += 1;
                    n
                }
            },
        };
        if let Node::Gene(g) = &mut st.graph[n] {
            if !g.sources.contains(&Source::GenesToPhenotype) {
                g.sources.push(Source::GenesToPhenotype);
            }
        }
        g2p_gene.push(n);
    }
    let (orpha_path, orphanet) = &b.orphanet;
    // Orphanet genes: (packet index, gene node, association type).
    let mut orpha_genes: Vec<(usize, NodeId, Option<String>)> = Vec::new();
    for (pi, p) in orphanet.packets.iter().enumerate() {
        for gi in &p.genes.0 {
            let g = &gi.gene;
            let hgnc_ref = g
                .external_references
                .0
                .iter()
                .find(|x| x.source == "HGNC")
                .and_then(|x| Curie::parse(&format!("HGNC:{}", x.reference.trim())).ok());
            let found = match &hgnc_ref {
                Some(h) => st.index.gene.get(h).copied(),
                None => None,
            }
            .or_else(|| by_symbol(&st, &symbols, &g.symbol, hgnc_ref.as_ref()));
            let n = match found {
                Some(n) => {
                    if let (Some(h), Node::Gene(gn)) = (&hgnc_ref, &mut st.graph[n]) {
                        if gn.hgnc.is_none() {
                            gn.hgnc = Some(h.clone());
                            st.index.gene.insert(h.clone(), n);
                        }
                    }
                    n
                }
                None => {
                    let Some(id) = hgnc_ref else {
                        st.stats.unresolved_genes += 1;
                        continue;
                    };
                    let n = st.graph.add_node(Node::Gene(Gene {
                        id: id.clone(),
                        symbol: g.symbol.clone(),
                        name: g.name.clone().or_else(|| g.label.clone()),
                        hgnc: Some(id.clone()),
                        ncbi_gene: None,
                        ensembl: None,
                        locus_group: None,
                        locus_type: None,
                        location: None,
                        alias_symbols: vec![],
                        previous_symbols: vec![],
                        omim: vec![],
                        sources: vec![],
                    }));
                    st.index.gene.insert(id, n);
                    push(symbols.entry(g.symbol.to_ascii_uppercase()).or_default(), n);
                    st.stats.genes_outside_hgnc += 1;
                    n
                }
            };
            if let Node::Gene(gn) = &mut st.graph[n] {
                if !gn.sources.contains(&Source::Orphanet) {
                    gn.sources.push(Source::Orphanet);
                }
            }
            orpha_genes.push((pi, n, g.disorder_gene_association_type.clone()));
        }
    }
    // Previous and alias symbols resolve where they are not some gene's
    // current symbol; one listed by several genes is ambiguous.
    alias.retain(|k, _| !symbols.contains_key(k));
    st.index.gene_symbol = symbols;
    st.index.gene_alias = alias;
    for (id, v) in ensembl {
        if let [n] = v[..] {
            st.index.gene.insert(id, n);
        } else {
            st.index.ambiguous_gene.insert(id, v);
        }
    }
    let gene_end = st.graph.node_count();

    // --- Disease identities.
    let mut ids = Identities::default();
    let (mondo_path, mondo_terms) = &b.mondo_terms;
    for t in mondo_terms {
        ids.add(&t.id, true);
    }
    let packet_by_code: HashMap<Curie, &Packet> = orphanet
        .packets
        .iter()
        .map(|p| {
            (
                Curie::from_parts(Prefix::Orpha, p.orpha_code.trim_start_matches('0')),
                p,
            )
        })
        .collect();
    for c in packet_by_code.keys() {
        ids.add(c, true);
    }
    let (hpoa_path, hpoa) = &b.hpoa;
    let mut hpoa_names: HashMap<&Curie, &str> = HashMap::new();
    for r in &hpoa.rows {
        if hpoa_names.insert(&r.disease, &r.disease_name).is_none() {
            ids.add(&r.disease, true);
        }
    }
    for r in g2p {
        ids.add(&r.disease, true);
    }
    // xrefs keyed by the id that carries them.
    let mut xrefs: HashMap<Curie, Vec<Xref>> = HashMap::new();
    let mut mapping_labels: HashMap<Curie, String> = HashMap::new();
    // Exact mappings to a primary namespace, merged below in the order of how
    // well their labels agree: where MONDO maps one disease to two Orphanet
    // entries (Marfan syndrome to ORPHA:558 "Marfan syndrome" and ORPHA:284963
    // "Marfan syndrome type 1"), only one can join it, and it should be the
    // one of the same name, not the one first in the file.
    let mut exact_primary: Vec<&crate::ingest::mondo::Mapping> = Vec::new();
    for (_, set) in &b.mondo_mappings {
        for m in &set.mappings {
            let exact = m.predicate == "skos:exactMatch";
            let primary = matches!(
                m.object.prefix(),
                Prefix::Orpha | Prefix::Omim | Prefix::Decipher
            );
            if m.subject.prefix() == Prefix::Mondo && !m.subject_label.is_empty() {
                mapping_labels
                    .entry(m.subject.clone())
                    .or_insert_with(|| m.subject_label.clone());
            }
            if exact && primary && m.subject.prefix() == Prefix::Mondo {
                exact_primary.push(m);
            } else {
                ids.add(&m.subject, false);
                xrefs.entry(m.subject.clone()).or_default().push(Xref {
                    id: m.object.clone(),
                    relation: relation_of(&m.predicate),
                    source: Source::Mondo,
                });
            }
        }
    }
    // Two mappings compete for a merge only when they share the MONDO id and
    // the target namespace, or the target id; only those few (about a
    // hundred of 20,000) need their labels compared, which costs ~2 us each.
    let mut uses: HashMap<(&Curie, Prefix), u32> = HashMap::new();
    for m in &exact_primary {
        *uses.entry((&m.subject, m.object.prefix())).or_default() += 1;
        *uses.entry((&m.object, Prefix::Mondo)).or_default() += 1;
    }
    let mut ordered: Vec<(f64, &crate::ingest::mondo::Mapping)> = exact_primary
        .into_iter()
        .map(|m| {
            let competes =
                uses[&(&m.subject, m.object.prefix())] > 1 || uses[&(&m.object, Prefix::Mondo)] > 1;
            let agreement = if competes {
                label_agreement(&m.subject_label, &m.object_label)
            } else {
                1.0
            };
            (agreement, m)
        })
        .collect();
    // Stable: mappings whose labels agree equally keep the files' order.
    ordered.sort_by(|a, b| b.0.total_cmp(&a.0));
    // An exact match that cannot join (Marfan syndrome's second Orphanet
    // entry, ORPHA:284963, has a record of its own) stays on the MONDO
    // record as a cross-reference with MONDO's predicate; where it has no
    // record of its own, it resolves to the MONDO record through it.
    for (_, m) in ordered {
        if !ids.union(&m.subject, &m.object) {
            xrefs.entry(m.subject.clone()).or_default().push(Xref {
                id: m.object.clone(),
                relation: relation_of(&m.predicate),
                source: Source::Mondo,
            });
        }
    }
    for (code, p) in &packet_by_code {
        for x in p.external_references.0.iter().filter_map(|x| x.get()) {
            let Ok(target) = Curie::parse(&format!("{}:{}", x.source, x.reference)) else {
                st.stats.unparsed_xrefs += 1;
                continue;
            };
            let relation = x.disorder_mapping_relation.as_deref().unwrap_or("");
            let code_only = relation.split_whitespace().next().unwrap_or("").to_string();
            if code_only == "E" && ids.union(code, &target) {
                continue;
            }
            xrefs.entry(code.clone()).or_default().push(Xref {
                id: target,
                relation: code_only,
                source: Source::Orphanet,
            });
        }
    }
    st.stats.identity_merges = ids.merged;
    st.stats.identity_merges_refused = ids.refused;
    let clusters = ids.clusters();
    let mondo_by_id: HashMap<&Curie, &MondoTerm> = mondo_terms.iter().map(|t| (&t.id, t)).collect();

    // --- Disease nodes.
    let mut xref_targets: HashMap<Curie, Vec<NodeId>> = HashMap::new();
    for members in clusters {
        let packet = members.iter().find_map(|m| packet_by_code.get(m).copied());
        let mondo = members.iter().find_map(|m| mondo_by_id.get(m).copied());
        let mut sources = Vec::new();
        let mut synonyms: Vec<Sourced<String>> = Vec::new();
        // The canonical id's own label names the record: MONDO's when the
        // disease is in MONDO (an ORPHA subtype can map to the OMIM entry of
        // the whole disease), else Orphanet's.
        let name = if let Some(m) = mondo {
            Sourced {
                value: display_label(&m.label),
                source: Source::Mondo,
            }
        } else if let Some(p) = packet {
            Sourced {
                value: p.label.clone(),
                source: Source::Orphanet,
            }
        } else if let Some(n) = members.iter().find_map(|m| hpoa_names.get(m)) {
            Sourced {
                value: n.to_string(),
                source: Source::Hpoa,
            }
        } else if let Some(l) = members.iter().find_map(|m| mapping_labels.get(m)) {
            Sourced {
                value: l.clone(),
                source: Source::Mondo,
            }
        } else {
            Sourced {
                value: members[0].as_str().to_string(),
                source: Source::Hpoa,
            }
        };
        let add_syn = |text: &str, source: Source, synonyms: &mut Vec<Sourced<String>>| {
            let t = text.trim();
            if t.is_empty()
                || t.eq_ignore_ascii_case(&name.value)
                || synonyms.iter().any(|s| s.value.eq_ignore_ascii_case(t))
            {
                return;
            }
            synonyms.push(Sourced {
                value: t.to_string(),
                source,
            });
        };
        let mut disorder_type = None;
        let mut attributes = Vec::new();
        let mut prevalences = Vec::new();
        let mut definition = None;
        if let Some(p) = packet {
            sources.push(Source::Orphanet);
            let asserted = Curie::from_parts(Prefix::Orpha, p.orpha_code.trim_start_matches('0'));
            add_syn(&p.label, Source::Orphanet, &mut synonyms);
            for s in &p.synonyms.0 {
                add_syn(&s.synonym, Source::Orphanet, &mut synonyms);
            }
            definition = p.definition().map(|d| Sourced {
                value: d.to_string(),
                source: Source::Orphanet,
            });
            disorder_type = p.disorder_type.as_ref().map(|d| d.value.clone());
            let asserted = st.intern(asserted.as_str());
            let prov = || Provenance::new(Source::Orphanet, asserted);
            for v in p.inheritance().filter(|v| !v.is_empty()) {
                attributes.push(Attribute {
                    kind: AttributeKind::Inheritance,
                    term: None,
                    label: v.to_string(),
                    provenance: prov(),
                });
            }
            for v in p.onsets().filter(|v| !v.is_empty()) {
                attributes.push(Attribute {
                    kind: AttributeKind::Onset,
                    term: None,
                    label: v.to_string(),
                    provenance: prov(),
                });
            }
            prevalences = p
                .prevalences()
                .map(|x| Prevalence {
                    kind: x.prevalence_type.clone(),
                    qualification: x.prevalence_qualification.clone(),
                    class: x.prevalence_class.clone(),
                    mean_value: x.val_moy.clone().filter(|v| v != "no data" && v != "0.0"),
                    geographic: x.prevalence_geographic.clone(),
                    validation_status: x.prevalence_validation_status.clone(),
                    reference: x.source.clone(),
                })
                .collect();
        }
        if let Some(m) = mondo {
            sources.push(Source::Mondo);
            add_syn(&m.label, Source::Mondo, &mut synonyms);
            for s in &m.synonyms {
                add_syn(s, Source::Mondo, &mut synonyms);
            }
        }
        for m in &members {
            if let Some(n) = hpoa_names.get(m) {
                add_syn(n, Source::Hpoa, &mut synonyms);
                if !sources.contains(&Source::Hpoa) {
                    sources.push(Source::Hpoa);
                }
            }
        }
        let mut xs: Vec<Xref> = Vec::new();
        for m in &members {
            for x in xrefs.get(m).into_iter().flatten() {
                if !members.contains(&x.id) && !xs.iter().any(|y| y.id == x.id) {
                    xs.push(x.clone());
                }
            }
        }
        xs.sort_by(|a, b| (a.id.prefix(), a.id.as_str()).cmp(&(b.id.prefix(), b.id.as_str())));
        let n = st.graph.add_node(Node::Disease(Disease {
            id: members[0].clone(),
            name,
            definition,
            synonyms,
            equivalent_ids: members.clone(),
            xrefs: xs.clone(),
            disorder_type,
            attributes,
            prevalences,
            sources,
        }));
        for m in &members {
            st.index.disease.insert(m.clone(), n);
        }
        for x in &xs {
            // Orphanet's broader/narrower references do not identify the disease.
            if x.source == Source::Orphanet {
                continue;
            }
            let v = xref_targets.entry(x.id.clone()).or_default();
            if !v.contains(&n) {
                v.push(n);
            }
        }
    }
    for (x, v) in xref_targets {
        if st.index.disease.contains_key(&x) {
            continue;
        }
        if v.len() == 1 {
            st.index.disease.insert(x, v[0]);
        } else {
            st.index.ambiguous_disease.insert(x, v);
        }
    }
    let node_count = st.graph.node_count();
    let disease_of = |st: &Build, c: &Curie| st.index.disease.get(c).copied();

    // --- Disease -> phenotype and disease attributes.
    let onset_root = st
        .index
        .phenotype
        .get(&Curie::parse(ONSET_ROOT).unwrap())
        .copied();
    let mut assoc: Vec<((u32, u32, bool), PhenotypeAssertion)> =
        Vec::with_capacity(hpoa.rows.len() + 120_000);
    let mut disease_rows: Vec<AnnotationRow> = Vec::with_capacity(hpoa.rows.len());
    let omim_total = {
        let mut omim: Vec<&Curie> = hpoa
            .rows
            .iter()
            .map(|r| &r.disease)
            .filter(|d| d.prefix() == Prefix::Omim)
            .collect();
        omim.sort_unstable();
        omim.dedup();
        omim.len()
    };
    for r in &hpoa.rows {
        let Some(d) = disease_of(&st, &r.disease) else {
            continue;
        };
        let Some(hp) = st.hp(&r.hpo) else {
            st.stats.unresolved_terms += 1;
            continue;
        };
        let freq = st.frequency(r.frequency.as_ref(), hpoa_path, r.line)?;
        if !r.negated {
            disease_rows.push(AnnotationRow {
                subject: r.disease.clone(),
                source: Source::Hpoa,
                node: d,
                term: hp,
                frequency: freq,
            });
        }
        let provenance = Provenance {
            source: Source::Hpoa,
            asserted_for: Some(st.intern(r.disease.as_str())),
            evidence: Some(st.intern(&r.evidence)),
            references: st.strings.list(r.references.iter().map(|x| &**x)),
            curation: (!r.biocuration.is_empty()).then(|| st.intern(&r.biocuration)),
        };
        if r.aspect != Aspect::Phenotype {
            let kind = match r.aspect {
                Aspect::Inheritance => AttributeKind::Inheritance,
                Aspect::ClinicalCourse => {
                    let is_onset = onset_root.is_some_and(|o| {
                        o == hp || ancestors[hp.index()].contains(&(o.index() as u32))
                    });
                    if is_onset {
                        AttributeKind::Onset
                    } else {
                        AttributeKind::ClinicalCourse
                    }
                }
                Aspect::Modifier => AttributeKind::Modifier,
                _ => AttributeKind::History,
            };
            let label = match &st.graph[hp] {
                Node::Phenotype(p) => p.name.clone(),
                _ => unreachable!(),
            };
            if let Node::Disease(dd) = &mut st.graph[d] {
                if !dd
                    .attributes
                    .iter()
                    .any(|a| a.term == Some(hp) && a.provenance.source == Source::Hpoa)
                {
                    dd.attributes.push(Attribute {
                        kind,
                        term: Some(hp),
                        label,
                        provenance,
                    });
                }
            }
            continue;
        }
        let onset = match &r.onset {
            Some(o) => st.hp(o),
            None => None,
        };
        let modifiers = r.modifiers.iter().filter_map(|m| st.hp(m)).collect();
        let key = (d.index() as u32, hp.index() as u32, r.negated);
        assoc.push((
            key,
            PhenotypeAssertion {
                frequency: freq,
                onset,
                sex: r.sex,
                modifiers,
                provenance,
            },
        ));
    }
    for (code, p) in &packet_by_code {
        let Some(d) = disease_of(&st, code) else {
            continue;
        };
        for ph in &p.phenotypes.0 {
            let ph = &ph.phenotype;
            let Ok(c) = Curie::parse(&ph.hpo_id) else {
                return Err(IngestError::parse(
                    &orpha_path.join(format!("ORPHApacket_{}.json", p.orpha_code)),
                    1,
                    format!("field `HPOId`: `{}` is not an HP id", ph.hpo_id),
                ));
            };
            let Some(hp) = st.hp(&c) else {
                st.stats.unresolved_terms += 1;
                continue;
            };
            let (freq, negated) = match ph.hpo_frequency.as_deref().and_then(orphanet_frequency) {
                Some((t, neg)) => (st.hp(&Curie::parse(t).unwrap()).map(Frequency::Term), neg),
                None => (None, false),
            };
            if !negated {
                // A disease ranks on every phenotype its page lists.
                disease_rows.push(AnnotationRow {
                    subject: code.clone(),
                    source: Source::Orphanet,
                    node: d,
                    term: hp,
                    frequency: freq,
                });
            }
            assoc.push((
                (d.index() as u32, hp.index() as u32, negated),
                PhenotypeAssertion {
                    frequency: freq,
                    onset: None,
                    sex: None,
                    modifiers: Box::new([]),
                    provenance: Provenance::new(Source::Orphanet, st.intern(code.as_str()))
                        .with_evidence(ph.hpo_frequency.as_deref().map(|f| st.intern(f))),
                },
            ));
        }
    }
    let (groups, phenotype_assertions) = arena(assoc);
    for ((d, hp, negated), span) in groups {
        st.add_edge(
            NodeId::new(d as usize),
            NodeId::new(hp as usize),
            Edge::HasPhenotype(PhenotypeAssociation {
                negated,
                assertions: span,
            }),
        );
    }

    // --- Gene -> disease and gene -> phenotype.
    let mut gene_disease: Vec<((u32, u32), Provenance)> = Vec::new();
    for (pi, g, kind) in &orpha_genes {
        let p = &orphanet.packets[*pi];
        let code = Curie::from_parts(Prefix::Orpha, p.orpha_code.trim_start_matches('0'));
        let Some(d) = disease_of(&st, &code) else {
            continue;
        };
        let evidence = kind.as_deref().map(|k| st.intern(k));
        let code = st.intern(code.as_str());
        gene_disease.push((
            (g.index() as u32, d.index() as u32),
            Provenance::new(Source::Orphanet, code).with_evidence(evidence),
        ));
    }
    let mut gene_pheno: Vec<((u32, u32), GenePhenotypeAssertion)> = Vec::with_capacity(g2p.len());
    let mut gene_rows: Vec<AnnotationRow> = Vec::with_capacity(g2p.len());
    for (r, &g) in g2p.iter().zip(&g2p_gene) {
        if let Some(hp) = st.hp(&r.hpo) {
            gene_rows.push(AnnotationRow {
                source: Source::GenesToPhenotype,
                subject: match &st.graph[g] {
                    Node::Gene(gene) => gene.id.clone(),
                    _ => unreachable!(),
                },
                node: g,
                term: hp,
                frequency: st.frequency(r.frequency.as_ref(), g2p_path, r.line)?,
            });
        }
        let Some(d) = disease_of(&st, &r.disease) else {
            continue;
        };
        let disease_id = st.intern(r.disease.as_str());
        gene_disease.push((
            (g.index() as u32, d.index() as u32),
            Provenance::new(Source::GenesToPhenotype, disease_id),
        ));
        let Some(hp) = st.hp(&r.hpo) else {
            st.stats.unresolved_terms += 1;
            continue;
        };
        let freq = st.frequency(r.frequency.as_ref(), g2p_path, r.line)?;
        gene_pheno.push((
            (g.index() as u32, hp.index() as u32),
            (freq, Provenance::new(Source::GenesToPhenotype, disease_id)),
        ));
    }
    // genes_to_phenotype repeats a gene-disease pair once per phenotype.
    gene_disease.sort_by_key(|a| a.0);
    gene_disease.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let (groups, gene_disease_assertions) = arena(gene_disease);
    for ((g, d), span) in groups {
        st.add_edge(
            NodeId::new(g as usize),
            NodeId::new(d as usize),
            Edge::GeneDisease(span),
        );
    }
    let (groups, gene_phenotype_assertions) = arena(gene_pheno);
    for ((g, hp), span) in groups {
        st.add_edge(
            NodeId::new(g as usize),
            NodeId::new(hp as usize),
            Edge::GenePhenotype(span),
        );
    }

    // --- Disease classification: Orphanet parents and MONDO is_a.
    let mut subclass: BTreeMap<(u32, u32), SourceSet> = BTreeMap::new();
    let mut add_sub =
        |c: Option<NodeId>, p: Option<NodeId>, s: Source, missing: &mut usize| match (c, p) {
            (Some(c), Some(p)) if c != p => {
                subclass
                    .entry((c.index() as u32, p.index() as u32))
                    .or_default()
                    .insert(s);
            }
            (Some(_), Some(_)) => {}
            _ => *missing += 1,
        };
    let mut missing = 0;
    for (code, p) in &packet_by_code {
        for parent in p.parents() {
            let pc = Curie::parse(&format!("ORPHA:{}", parent.orpha_code)).ok();
            add_sub(
                disease_of(&st, code),
                pc.and_then(|c| disease_of(&st, &c)),
                Source::Orphanet,
                &mut missing,
            );
        }
    }
    let (_, mondo_edges) = &b.mondo_edges;
    for (c, p) in mondo_edges {
        add_sub(
            disease_of(&st, c),
            disease_of(&st, p),
            Source::Mondo,
            &mut missing,
        );
    }
    st.stats.unresolved_classification = missing;
    for ((c, p), s) in subclass {
        st.add_edge(
            NodeId::new(c as usize),
            NodeId::new(p as usize),
            Edge::SubclassOf(s),
        );
    }

    st.graph.shrink_to_fit();

    // --- Adjacency indexes, ordered for display.
    let ranks = name_ranks(&st.graph);
    let adjacency = Adjacency::build(&st.graph, &ranks, &phenotype_assertions);
    let ordered = |r: std::ops::Range<usize>| {
        let mut v: Vec<NodeId> = r.map(NodeId::new).collect();
        v.sort_by_key(|n| ranks[n.index()]);
        v
    };
    let by_name = [
        ordered(gene_end..node_count),
        ordered(0..phenotype_count),
        ordered(phenotype_count..gene_end),
    ];

    let sources = vec![
        release(Source::Hpo, hpo.release(), [hpo_path]),
        release(Source::Hpoa, hpoa.version.clone(), [hpoa_path]),
        release(Source::GenesToPhenotype, hpoa.version.clone(), [g2p_path]),
        release(Source::Orphanet, orphanet.release(), [orpha_path]),
        release(
            Source::Mondo,
            b.mondo_mappings.iter().find_map(|(_, m)| m.release()),
            [mondo_path, &b.mondo_edges.0]
                .into_iter()
                .chain(b.mondo_mappings.iter().map(|(p, _)| p)),
        ),
        release(Source::Hgnc, hgnc.release(), [&b.hgnc.0]),
    ];
    st.stats.rows = vec![
        ("HPO terms", hpo.terms.len()),
        ("HPOA annotations", hpoa.rows.len()),
        ("genes_to_phenotype rows", g2p.len()),
        ("ORPHApackets", orphanet.packets.len()),
        ("MONDO rare terms", mondo_terms.len()),
        ("MONDO is_a edges", mondo_edges.len()),
        (
            "MONDO mappings",
            b.mondo_mappings.iter().map(|(_, m)| m.mappings.len()).sum(),
        ),
        ("HGNC approved genes", hgnc.genes.len()),
    ];
    let kg = KnowledgeGraph {
        graph: st.graph,
        phenotype_range: 0..phenotype_count as u32,
        gene_range: phenotype_count as u32..gene_end as u32,
        disease_range: gene_end as u32..node_count as u32,
        ancestors,
        descendants,
        index: st.index,
        adjacency,
        by_name,
        ranks,
        phenotype_assertions,
        strings: st.strings.finish(),
        gene_disease_assertions,
        gene_phenotype_assertions,
        sources,
        stats: st.stats,
        records: Default::default(),
    };
    let annotations = Annotations {
        diseases: disease_rows,
        genes: gene_rows,
        omim_total,
    };
    Ok((kg, annotations))
}

fn release<'a>(
    source: Source,
    release: Option<String>,
    files: impl IntoIterator<Item = &'a PathBuf>,
) -> SourceRelease {
    SourceRelease {
        source,
        release: release.unwrap_or_else(|| "unknown".to_string()),
        files: files
            .into_iter()
            .map(|p| {
                p.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect(),
    }
}

/// An SSSOM predicate without its prefix: `skos:exactMatch` -> `exactMatch`.
fn relation_of(predicate: &str) -> String {
    predicate
        .rsplit(':')
        .next()
        .unwrap_or(predicate)
        .to_string()
}

/// Sorts keyed items (stably: the sources' order is kept within a key) into
/// one flat arena, and returns each key with its span.
fn arena<K: Ord + Copy, T>(mut items: Vec<(K, T)>) -> (Vec<(K, Span)>, Vec<T>) {
    items.sort_by_key(|a| a.0);
    let mut groups: Vec<(K, Span)> = Vec::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, (k, t)) in items.into_iter().enumerate() {
        match groups.last_mut() {
            Some((last, span)) if *last == k => span.len += 1,
            _ => groups.push((
                k,
                Span {
                    start: i as u32,
                    len: 1,
                },
            )),
        }
        out.push(t);
    }
    (groups, out)
}

/// MONDO writes labels in lower case ("polymyositis"); a record title starts
/// with a capital unless the first word is mixed-case ("mRNA", "dGTP").
fn display_label(label: &str) -> String {
    let first_word = label.split([' ', ',', '-']).next().unwrap_or("");
    if first_word.chars().any(|c| c.is_uppercase()) {
        return label.to_string();
    }
    let mut chars = label.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Each node's rank when all nodes are sorted by display name
/// (case-insensitive), so adjacency can be ordered by integer keys.
fn name_ranks(g: &Graph<Node, Edge, petgraph::Directed, u32>) -> Vec<u32> {
    let mut order: Vec<(String, u32)> = g
        .node_indices()
        .map(|n| {
            let name = match &g[n] {
                Node::Phenotype(p) => &p.name,
                Node::Gene(x) => &x.symbol,
                Node::Disease(d) => &d.name.value,
            };
            (name.to_lowercase(), n.index() as u32)
        })
        .collect();
    order.sort_unstable();
    let mut ranks = vec![0u32; order.len()];
    for (r, (_, n)) in order.into_iter().enumerate() {
        ranks[n as usize] = r as u32;
    }
    ranks
}

/// Ancestor and descendant closures of a DAG given as parent lists
/// (excluding the term itself, sorted). Err(i) names a term on a cycle.
///
/// The lists become a petgraph graph with an edge from each term to each of
/// its parents; `toposort` refuses a cycle (the node it names is on one: a
/// self loop, or a second node of a strongly connected component), and
/// `tred::dag_transitive_reduction_closure` over the graph in topological
/// order gives every term the terms it reaches, its ancestors.
#[allow(clippy::type_complexity)]
fn closures(parents: &[Vec<u32>]) -> Result<(Vec<Box<[u32]>>, Vec<Box<[u32]>>), usize> {
    use petgraph::algo::{toposort, tred};
    use petgraph::graph::{DiGraph, NodeIndex};
    use petgraph::visit::IntoNeighbors;
    let n = parents.len();
    let mut g: DiGraph<(), (), u32> = DiGraph::with_capacity(n, parents.iter().map(Vec::len).sum());
    for _ in 0..n {
        g.add_node(());
    }
    for (child, ps) in parents.iter().enumerate() {
        for &p in ps {
            g.add_edge(NodeIndex::new(child), NodeIndex::new(p as usize), ());
        }
    }
    let order = toposort(&g, None).map_err(|c| c.node_id().index())?;
    // Nodes renumbered by their rank in `order`, as the closure needs them.
    let (ranked, _) = tred::dag_to_toposorted_adjacency_list::<_, u32>(&g, &order);
    let (_, reach) = tred::dag_transitive_reduction_closure(&ranked);
    let mut anc: Vec<Box<[u32]>> = vec![Box::default(); n];
    for (rank, term) in order.iter().enumerate() {
        let mut a: Vec<u32> = (&reach)
            .neighbors(rank as u32)
            .map(|r| order[r as usize].index() as u32)
            .collect();
        // A parent listed twice is reached twice.
        a.sort_unstable();
        a.dedup();
        anc[term.index()] = a.into_boxed_slice();
    }
    let mut desc: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, a) in anc.iter().enumerate() {
        for &p in a.iter() {
            desc[p as usize].push(i as u32);
        }
    }
    Ok((anc, desc.into_iter().map(Vec::into_boxed_slice).collect()))
}

impl Adjacency {
    fn build(
        g: &Graph<Node, Edge, petgraph::Directed, u32>,
        ranks: &[u32],
        assertions: &[PhenotypeAssertion],
    ) -> Adjacency {
        use petgraph::visit::EdgeRef;
        let n = g.node_count();
        let mut dp_out = Vec::new();
        let mut dp_in = Vec::new();
        let mut gd_out = Vec::new();
        let mut gd_in = Vec::new();
        let mut gp_out = Vec::new();
        let mut gp_in = Vec::new();
        let mut sub_out = Vec::new();
        let mut sub_in = Vec::new();
        for e in g.edge_references() {
            let (s, t, id) = (e.source().index() as u32, e.target().index() as u32, e.id());
            let (rs, rt) = (ranks[s as usize], ranks[t as usize]);
            match e.weight() {
                Edge::HasPhenotype(a) => {
                    // Frequent phenotypes first, excluded ones last, then by name.
                    let f = association_frequency(g, &assertions[a.assertions.range()])
                        .map(|v| ((1.0 - v) * 1e6) as u32)
                        .unwrap_or(2_000_000);
                    dp_out.push((s, (a.negated, f, rt), id));
                    dp_in.push((t, (a.negated, 0, rs), id));
                }
                Edge::GeneDisease(_) => {
                    gd_out.push((s, rt, id));
                    gd_in.push((t, rs, id));
                }
                Edge::GenePhenotype(_) => {
                    gp_out.push((s, rt, id));
                    gp_in.push((t, rs, id));
                }
                Edge::SubclassOf(_) => {
                    sub_out.push((s, rt, id));
                    sub_in.push((t, rs, id));
                }
            }
        }
        Adjacency {
            disease_phenotypes: Csr::build(n, dp_out),
            phenotype_diseases: Csr::build(n, dp_in),
            gene_diseases: Csr::build(n, gd_out),
            disease_genes: Csr::build(n, gd_in),
            gene_phenotypes: Csr::build(n, gp_out),
            phenotype_genes: Csr::build(n, gp_in),
            parents: Csr::build(n, sub_out),
            children: Csr::build(n, sub_in),
        }
    }
}

/// The frequency of an association as a fraction: the most precise
/// assertion wins (a patient count over a percentage over a frequency term).
pub(crate) fn association_frequency(
    g: &Graph<Node, Edge, petgraph::Directed, u32>,
    a: &[PhenotypeAssertion],
) -> Option<f64> {
    a.iter()
        .filter_map(|x| x.frequency.as_ref())
        .min_by_key(|f| f.precision())
        .and_then(|f| frequency_value(g, f))
}

/// A frequency as a fraction of patients. Frequency terms take the middle of
/// their range, as HPO defines them.
pub(crate) fn frequency_value(
    g: &Graph<Node, Edge, petgraph::Directed, u32>,
    f: &Frequency,
) -> Option<f64> {
    match *f {
        Frequency::Ratio(n, m) => Some(n as f64 / m as f64),
        Frequency::Percent(p) => Some(p as f64 / 100.0),
        Frequency::Term(t) => match &g[t] {
            Node::Phenotype(p) => match p.id.as_str() {
                "HP:0040280" => Some(1.0),
                "HP:0040281" => Some(0.895),
                "HP:0040282" => Some(0.545),
                "HP:0040283" => Some(0.17),
                "HP:0040284" => Some(0.025),
                "HP:0040285" => Some(0.0),
                _ => None,
            },
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::closures;

    /// The closures as a depth-first walk of the parent lists finds them.
    #[allow(clippy::type_complexity)]
    fn plain(parents: &[Vec<u32>]) -> (Vec<Box<[u32]>>, Vec<Box<[u32]>>) {
        fn up(i: usize, parents: &[Vec<u32>], out: &mut Vec<u32>) {
            for &p in &parents[i] {
                out.push(p);
                up(p as usize, parents, out);
            }
        }
        let anc: Vec<Box<[u32]>> = (0..parents.len())
            .map(|i| {
                let mut a = Vec::new();
                up(i, parents, &mut a);
                a.sort_unstable();
                a.dedup();
                a.into_boxed_slice()
            })
            .collect();
        let desc = (0..parents.len() as u32)
            .map(|t| {
                (0..parents.len() as u32)
                    .filter(|&i| anc[i as usize].contains(&t))
                    .collect()
            })
            .collect();
        (anc, desc)
    }

    #[test]
    fn closures_of_a_small_dag() {
        // 0 is the root; 1 and 2 are its children; 3 is a child of both
        // (and lists 1 twice); 4 is a child of 3; 5 stands alone.
        let parents = vec![vec![], vec![0], vec![0], vec![1, 2, 1], vec![3], vec![]];
        let (anc, desc) = closures(&parents).unwrap();
        let anc: Vec<&[u32]> = anc.iter().map(|a| &a[..]).collect();
        let desc: Vec<&[u32]> = desc.iter().map(|d| &d[..]).collect();
        assert_eq!(anc, [&[][..], &[0], &[0], &[0, 1, 2], &[0, 1, 2, 3], &[]]);
        assert_eq!(desc, [&[1, 2, 3, 4][..], &[3, 4], &[3, 4], &[4], &[], &[]]);
    }

    #[test]
    fn closures_match_a_plain_walk_on_larger_dags() {
        // Parents only among lower indices: acyclic, with shared ancestors.
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for n in [1usize, 2, 10, 60] {
            let parents: Vec<Vec<u32>> = (0..n)
                .map(|i| {
                    let k = if i == 0 { 0 } else { next(3) + 1 };
                    (0..k)
                        .map(|_| next(i.max(1) as u64) as u32)
                        .filter(|_| i > 0)
                        .collect()
                })
                .collect();
            // Reversed term order, so the walk does not follow the indices.
            let r = |t: u32| (n - 1) as u32 - t;
            let parents: Vec<Vec<u32>> = (0..n)
                .map(|i| parents[n - 1 - i].iter().map(|&p| r(p)).collect())
                .collect();
            assert_eq!(closures(&parents).unwrap(), plain(&parents));
        }
    }

    #[test]
    fn a_cycle_is_refused_with_a_term_on_it() {
        // 1 -> 2 -> 3 -> 1 is a cycle; 0 is a parent of 1 and 4 a child of 3.
        let parents = vec![vec![], vec![0, 2], vec![3], vec![1], vec![3]];
        let i = closures(&parents).unwrap_err();
        assert!([1, 2, 3].contains(&i), "{i}");
        // A term that is its own parent.
        let parents = vec![vec![], vec![0, 1]];
        assert_eq!(closures(&parents).unwrap_err(), 1);
        // Two terms that are each other's parent, away from the first terms.
        let parents = vec![vec![], vec![0], vec![0, 3], vec![2]];
        let i = closures(&parents).unwrap_err();
        assert!([2, 3].contains(&i), "{i}");
    }
}
