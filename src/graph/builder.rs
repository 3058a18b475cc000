//! Builds the [`KnowledgeGraph`] from parsed sources: merges disease
//! identities, joins annotations onto one node per entity, computes the HPO
//! closures and the adjacency indexes. Only a complete graph leaves here.
//!
//! The build runs in named phases on a [`Builder`] whose type parameter is
//! the state the last phase left: phenotypes, genes, identities, diseases,
//! annotations, classification, indexes. Each phase consumes the builder and
//! returns it in the next state, so no phase can run before the one it
//! depends on, and each can be tested on the state the previous ones leave.

use super::csr::Csr;
use super::frequency::association_frequency;
use super::identity::{label_agreement, Identities};
use super::model::*;
use super::strings::Interner;
use super::{Adjacency, Indexes, KnowledgeGraph, LoadStats};
use crate::curie::{Curie, Prefix};
use crate::ingest::genes_to_phenotype::GeneToPhenotypeRow;
use crate::ingest::hgnc::HgncSet;
use crate::ingest::hpoa::{Aspect, Hpoa, HpoaRow};
use crate::ingest::mondo::{Mapping, MappingSet, MondoTerm};
use crate::ingest::obo::{OboDocument, OboTerm};
use crate::ingest::orphapacket::{Packet, PacketSet};
use crate::ingest::{self, IngestError};
use petgraph::graph::Graph;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

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

pub(super) fn build(b: SourceBundle) -> Result<(KnowledgeGraph, Annotations), IngestError> {
    Builder::new(&b)
        .phenotypes()?
        .genes()?
        .identities()?
        .diseases()?
        .annotations()?
        .classification()?
        .indexes()
}

type PetGraph = Graph<Node, Edge, petgraph::Directed, u32>;

/// A graph under construction: the sources, what every phase adds to
/// (nodes, edges, indexes, counts, strings) and, in `state`, what the phases
/// so far produced for the later ones.
struct Builder<'a, S> {
    b: &'a SourceBundle,
    st: Build,
    state: S,
}

/// The state before any phase.
struct Start;

/// The HPO: nodes `0..end`, so dense term indexes are node indexes, and
/// the is_a closures.
struct Ontology {
    end: usize,
    ancestors: Vec<Box<[u32]>>,
    descendants: Vec<Box<[u32]>>,
}

/// After the phenotypes phase.
struct WithPhenotypes {
    ontology: Ontology,
}

/// The genes the annotation files name, resolved to nodes.
struct GeneLinks {
    /// The end of the gene nodes (they start at the ontology's end).
    end: usize,
    /// The gene of each genes_to_phenotype row, in the file's order.
    g2p: Vec<NodeId>,
    /// Orphanet genes: (packet index, gene node, association type).
    orphanet: Vec<(usize, NodeId, Option<String>)>,
}

/// After the genes phase.
struct WithGenes {
    ontology: Ontology,
    genes: GeneLinks,
}

/// Which disease ids are one disease, and what names and cross-references
/// the sources give each id.
struct DiseaseIds<'a> {
    /// The sorted clusters of ids, each one disease (canonical id first).
    clusters: Vec<Vec<Curie>>,
    /// Packets by their ORPHA code.
    packets: BTreeMap<Curie, &'a Packet>,
    /// HPOA's disease names, by disease id.
    hpoa_names: HashMap<&'a Curie, &'a str>,
    /// MONDO's labels in the mapping sets, by MONDO id.
    mapping_labels: HashMap<Curie, String>,
    /// Cross-references, keyed by the id that carries them.
    xrefs: HashMap<Curie, Vec<Xref>>,
}

/// After the identities phase.
struct WithIdentities<'a> {
    ontology: Ontology,
    genes: GeneLinks,
    ids: DiseaseIds<'a>,
}

/// After the diseases phase: disease nodes run from the genes' end to `end`.
struct WithDiseases<'a> {
    ontology: Ontology,
    genes: GeneLinks,
    packets: BTreeMap<Curie, &'a Packet>,
    end: usize,
}

/// The assertion arenas the association edges point into, and the
/// annotation sets handed over with the graph.
struct Assertions {
    phenotype: Vec<PhenotypeAssertion>,
    gene_disease: Vec<Provenance>,
    gene_phenotype: Vec<GenePhenotypeAssertion>,
    annotations: Annotations,
}

/// Node ranges and the annotation results, after the annotations phase.
struct Annotated<'a> {
    ontology: Ontology,
    gene_end: usize,
    disease_end: usize,
    packets: BTreeMap<Curie, &'a Packet>,
    assertions: Assertions,
}

/// After the classification phase: every node and edge is in place.
struct Classified {
    ontology: Ontology,
    gene_end: usize,
    disease_end: usize,
    assertions: Assertions,
}

struct Build {
    graph: PetGraph,
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
        path: &Path,
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

    /// The disease node an id resolves to.
    fn disease(&self, c: &Curie) -> Option<NodeId> {
        self.index.disease.get(c).copied()
    }

    fn gene_mut(&mut self, n: NodeId) -> &mut Gene {
        match &mut self.graph[n] {
            Node::Gene(g) => g,
            _ => unreachable!("gene nodes only"),
        }
    }
}

// --- Phenotypes (HPO terms).
impl<'a> Builder<'a, Start> {
    fn new(b: &'a SourceBundle) -> Self {
        Builder {
            b,
            st: Build {
                graph: Graph::default(),
                index: Indexes::default(),
                stats: LoadStats::default(),
                strings: Interner::default(),
            },
            state: Start,
        }
    }

    /// HPO terms become nodes 0..P in the file's order, alt ids resolve to
    /// their term, is_a becomes subclass edges and the closures. A duplicate
    /// id, a reference to a term not in the file or an is_a cycle is an
    /// error at the term's line.
    fn phenotypes(self) -> Result<Builder<'a, WithPhenotypes>, IngestError> {
        let Builder { b, mut st, .. } = self;
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
            let n = st
                .graph
                .add_node(Node::Phenotype(phenotype_node(id.clone(), t)));
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
        let ontology = Ontology {
            end: phenotype_count,
            ancestors,
            descendants,
        };
        Ok(Builder {
            b,
            st,
            state: WithPhenotypes { ontology },
        })
    }
}

fn phenotype_node(id: Curie, t: &OboTerm) -> Phenotype {
    Phenotype {
        id,
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
    }
}

// --- Genes: HGNC first, then genes only the annotation files know. A gene
// is its ids (HGNC, NCBI Gene): a symbol joins two sources' records only
// where it names one gene and no id of the two contradicts, so the genes
// NCBI lists without a symbol (`-`) stay apart.

/// Genes by upper-case symbol, alias and Ensembl id, while they are added.
#[derive(Default)]
struct GeneKeys {
    symbols: HashMap<String, Vec<NodeId>>,
    alias: HashMap<String, Vec<NodeId>>,
    ensembl: HashMap<Curie, Vec<NodeId>>,
}

fn push(v: &mut Vec<NodeId>, n: NodeId) {
    if !v.contains(&n) {
        v.push(n);
    }
}

impl<'a> Builder<'a, WithPhenotypes> {
    /// Gene nodes follow the phenotypes: HGNC's genes, then those only
    /// genes_to_phenotype and Orphanet name. Resolves each annotation
    /// file's gene to its node.
    fn genes(self) -> Result<Builder<'a, WithGenes>, IngestError> {
        let Builder { b, mut st, state } = self;
        let mut keys = hgnc_genes(&mut st, &b.hgnc.1);
        let g2p = g2p_genes(&mut st, &mut keys, &b.genes_to_phenotype.1);
        let orphanet = orphanet_genes(&mut st, &mut keys, &b.orphanet.1);
        // Previous and alias symbols resolve where they are not some gene's
        // current symbol; one listed by several genes is ambiguous.
        let GeneKeys {
            symbols,
            mut alias,
            ensembl,
        } = keys;
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
        let genes = GeneLinks {
            end: st.graph.node_count(),
            g2p,
            orphanet,
        };
        Ok(Builder {
            b,
            st,
            state: WithGenes {
                ontology: state.ontology,
                genes,
            },
        })
    }
}

fn hgnc_genes(st: &mut Build, hgnc: &HgncSet) -> GeneKeys {
    let mut keys = GeneKeys::default();
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
            push(keys.ensembl.entry(e.clone()).or_default(), n);
        }
        push(
            keys.symbols
                .entry(g.symbol.to_ascii_uppercase())
                .or_default(),
            n,
        );
        for s in g.previous_symbols.iter().chain(&g.alias_symbols) {
            push(keys.alias.entry(s.to_ascii_uppercase()).or_default(), n);
        }
    }
    keys
}

/// The one gene bearing `symbol` whose own id of this kind, if any, is `id`.
fn by_symbol(
    st: &Build,
    symbols: &HashMap<String, Vec<NodeId>>,
    symbol: &str,
    id: Option<&Curie>,
) -> Option<NodeId> {
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
}

/// A gene only an annotation file knows, under its one id.
fn gene_outside_hgnc(st: &mut Build, keys: &mut GeneKeys, gene: Gene, symbol: &str) -> NodeId {
    let id = gene.id.clone();
    let n = st.graph.add_node(Node::Gene(gene));
    st.index.gene.insert(id, n);
    push(
        keys.symbols.entry(symbol.to_ascii_uppercase()).or_default(),
        n,
    );
    st.stats.genes_outside_hgnc += 1;
    n
}

fn add_gene_source(st: &mut Build, n: NodeId, source: Source) {
    let g = st.gene_mut(n);
    if !g.sources.contains(&source) {
        g.sources.push(source);
    }
}

/// The gene of each genes_to_phenotype row: by NCBI Gene id, else by a
/// symbol naming one gene (which takes the id), else a new gene.
fn g2p_genes(st: &mut Build, keys: &mut GeneKeys, g2p: &[GeneToPhenotypeRow]) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = Vec::with_capacity(g2p.len());
    for r in g2p {
        let n = match st.index.gene.get(&r.ncbi_gene) {
            Some(&n) => n,
            None => match by_symbol(st, &keys.symbols, &r.symbol, Some(&r.ncbi_gene)) {
                Some(n) => {
                    st.gene_mut(n).ncbi_gene = Some(r.ncbi_gene.clone());
                    st.index.gene.insert(r.ncbi_gene.clone(), n);
                    n
                }
                None => {
                    let gene = Gene {
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
                    };
                    gene_outside_hgnc(st, keys, gene, &r.symbol)
                }
            },
        };
        add_gene_source(st, n, Source::GenesToPhenotype);
        out.push(n);
    }
    out
}

/// Orphanet's genes: by HGNC id, else by a symbol naming one gene (which
/// takes a missing HGNC id), else a new gene if Orphanet gives an HGNC id;
/// one with neither is counted and dropped.
fn orphanet_genes(
    st: &mut Build,
    keys: &mut GeneKeys,
    orphanet: &PacketSet,
) -> Vec<(usize, NodeId, Option<String>)> {
    let mut out: Vec<(usize, NodeId, Option<String>)> = Vec::new();
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
            .or_else(|| by_symbol(st, &keys.symbols, &g.symbol, hgnc_ref.as_ref()));
            let n = match found {
                Some(n) => {
                    if let Some(h) = &hgnc_ref {
                        let gn = st.gene_mut(n);
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
                    let gene = Gene {
                        id: id.clone(),
                        symbol: g.symbol.clone(),
                        name: g.name.clone().or_else(|| g.label.clone()),
                        hgnc: Some(id),
                        ncbi_gene: None,
                        ensembl: None,
                        locus_group: None,
                        locus_type: None,
                        location: None,
                        alias_symbols: vec![],
                        previous_symbols: vec![],
                        omim: vec![],
                        sources: vec![],
                    };
                    gene_outside_hgnc(st, keys, gene, &g.symbol)
                }
            };
            add_gene_source(st, n, Source::Orphanet);
            out.push((pi, n, g.disorder_gene_association_type.clone()));
        }
    }
    out
}

// --- Disease identities.
impl<'a> Builder<'a, WithGenes> {
    /// Every disease id a source describes (MONDO, ORPHA, HPOA and
    /// genes_to_phenotype), merged by exact mappings (see
    /// [`Identities`]): MONDO's to a primary namespace, best-agreeing labels
    /// first, then Orphanet's `E` references. A mapping that does not merge
    /// stays as a cross-reference.
    fn identities(self) -> Result<Builder<'a, WithIdentities<'a>>, IngestError> {
        let Builder { b, mut st, state } = self;
        let mut ids = Identities::default();
        for t in &b.mondo_terms.1 {
            ids.add(&t.id, true);
        }
        // Sorted by code, so that identity merges, annotation rows and
        // everything built from them come out in the same order on every
        // build (a HashMap's order differs between two builds of one
        // process: a reload of the same files gave other p-value
        // backgrounds).
        let packets: BTreeMap<Curie, &Packet> = b
            .orphanet
            .1
            .packets
            .iter()
            .map(|p| (orpha_code(p), p))
            .collect();
        for c in packets.keys() {
            ids.add(c, true);
        }
        let mut hpoa_names: HashMap<&Curie, &str> = HashMap::new();
        for r in &b.hpoa.1.rows {
            if hpoa_names.insert(&r.disease, &r.disease_name).is_none() {
                ids.add(&r.disease, true);
            }
        }
        for r in &b.genes_to_phenotype.1 {
            ids.add(&r.disease, true);
        }
        let mut xrefs: HashMap<Curie, Vec<Xref>> = HashMap::new();
        let mapping_labels = merge_mondo_mappings(&b.mondo_mappings, &mut ids, &mut xrefs);
        for (code, p) in &packets {
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
        let ids = DiseaseIds {
            clusters: ids.clusters(),
            packets,
            hpoa_names,
            mapping_labels,
            xrefs,
        };
        Ok(Builder {
            b,
            st,
            state: WithIdentities {
                ontology: state.ontology,
                genes: state.genes,
                ids,
            },
        })
    }
}

/// A packet's ORPHA code without leading zeros.
fn orpha_code(p: &Packet) -> Curie {
    Curie::from_parts(Prefix::Orpha, p.orpha_code.trim_start_matches('0'))
}

/// Applies MONDO's exact mappings to a primary namespace; every other
/// mapping, and an exact one that cannot merge, becomes a cross-reference of
/// the MONDO id. Returns MONDO's labels by MONDO id.
fn merge_mondo_mappings(
    sets: &[(PathBuf, MappingSet)],
    ids: &mut Identities,
    xrefs: &mut HashMap<Curie, Vec<Xref>>,
) -> HashMap<Curie, String> {
    let mut mapping_labels: HashMap<Curie, String> = HashMap::new();
    // Exact mappings to a primary namespace, merged below in the order of how
    // well their labels agree: where MONDO maps one disease to two Orphanet
    // entries (Marfan syndrome to ORPHA:558 "Marfan syndrome" and ORPHA:284963
    // "Marfan syndrome type 1"), only one can join it, and it should be the
    // one of the same name, not the one first in the file.
    let mut exact_primary: Vec<&Mapping> = Vec::new();
    for (_, set) in sets {
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
    // An exact match that cannot join (Marfan syndrome's second Orphanet
    // entry, ORPHA:284963, has a record of its own) stays on the MONDO
    // record as a cross-reference with MONDO's predicate; where it has no
    // record of its own, it resolves to the MONDO record through it.
    for m in by_label_agreement(exact_primary) {
        if !ids.union(&m.subject, &m.object) {
            xrefs.entry(m.subject.clone()).or_default().push(Xref {
                id: m.object.clone(),
                relation: relation_of(&m.predicate),
                source: Source::Mondo,
            });
        }
    }
    mapping_labels
}

/// Exact mappings, those whose labels agree best first (stably: mappings
/// whose labels agree equally keep the files' order).
fn by_label_agreement(exact_primary: Vec<&Mapping>) -> Vec<&Mapping> {
    // Two mappings compete for a merge only when they share the MONDO id and
    // the target namespace, or the target id; only those few (about a
    // hundred of 20,000) need their labels compared, which costs ~2 us each.
    let mut uses: HashMap<(&Curie, Prefix), u32> = HashMap::new();
    for m in &exact_primary {
        *uses.entry((&m.subject, m.object.prefix())).or_default() += 1;
        *uses.entry((&m.object, Prefix::Mondo)).or_default() += 1;
    }
    let mut ordered: Vec<(f64, &Mapping)> = exact_primary
        .iter()
        .map(|&m| {
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
    ordered.sort_by(|a, b| b.0.total_cmp(&a.0));
    ordered.into_iter().map(|(_, m)| m).collect()
}

// --- Disease nodes.
impl<'a> Builder<'a, WithIdentities<'a>> {
    /// One disease node per cluster, after the genes, in the clusters'
    /// order. Every id of a cluster resolves to it; a cross-reference
    /// (other than Orphanet's broader and narrower ones) resolves to the one
    /// disease carrying it and is ambiguous where several do.
    fn diseases(self) -> Result<Builder<'a, WithDiseases<'a>>, IngestError> {
        let Builder { b, mut st, state } = self;
        let WithIdentities {
            ontology,
            genes,
            ids,
        } = state;
        let mondo_by_id: HashMap<&Curie, &MondoTerm> =
            b.mondo_terms.1.iter().map(|t| (&t.id, t)).collect();
        let mut xref_targets: HashMap<Curie, Vec<NodeId>> = HashMap::new();
        for members in &ids.clusters {
            let disease = disease_node(&mut st, members, &ids, &mondo_by_id);
            let xs = disease.xrefs.clone();
            let n = st.graph.add_node(Node::Disease(disease));
            for m in members {
                st.index.disease.insert(m.clone(), n);
            }
            for x in &xs {
                // Orphanet's broader/narrower references do not identify the disease.
                if x.source == Source::Orphanet {
                    continue;
                }
                push(xref_targets.entry(x.id.clone()).or_default(), n);
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
        let end = st.graph.node_count();
        Ok(Builder {
            b,
            st,
            state: WithDiseases {
                ontology,
                genes,
                packets: ids.packets,
                end,
            },
        })
    }
}

/// The disease one cluster of ids denotes, from its packet, its MONDO term
/// and its HPOA names.
fn disease_node(
    st: &mut Build,
    members: &[Curie],
    ids: &DiseaseIds,
    mondo_by_id: &HashMap<&Curie, &MondoTerm>,
) -> Disease {
    let packet = members.iter().find_map(|m| ids.packets.get(m).copied());
    let mondo = members.iter().find_map(|m| mondo_by_id.get(m).copied());
    let mut sources = Vec::new();
    let mut synonyms: Vec<Sourced<String>> = Vec::new();
    let name = disease_name(members, packet, mondo, ids);
    let mut orphanet = OrphanetDetails::default();
    if let Some(p) = packet {
        sources.push(Source::Orphanet);
        add_synonym(&mut synonyms, &name.value, &p.label, Source::Orphanet);
        for s in &p.synonyms.0 {
            add_synonym(&mut synonyms, &name.value, &s.synonym, Source::Orphanet);
        }
        orphanet = orphanet_details(st, p);
    }
    if let Some(m) = mondo {
        sources.push(Source::Mondo);
        add_synonym(&mut synonyms, &name.value, &m.label, Source::Mondo);
        for s in &m.synonyms {
            add_synonym(&mut synonyms, &name.value, s, Source::Mondo);
        }
    }
    for m in members {
        if let Some(n) = ids.hpoa_names.get(m) {
            add_synonym(&mut synonyms, &name.value, n, Source::Hpoa);
            if !sources.contains(&Source::Hpoa) {
                sources.push(Source::Hpoa);
            }
        }
    }
    let mut xs: Vec<Xref> = Vec::new();
    for m in members {
        for x in ids.xrefs.get(m).into_iter().flatten() {
            if !members.contains(&x.id) && !xs.iter().any(|y| y.id == x.id) {
                xs.push(x.clone());
            }
        }
    }
    xs.sort_by(|a, b| (a.id.prefix(), a.id.as_str()).cmp(&(b.id.prefix(), b.id.as_str())));
    Disease {
        id: members[0].clone(),
        name,
        definition: orphanet.definition,
        synonyms,
        equivalent_ids: members.to_vec(),
        xrefs: xs,
        disorder_type: orphanet.disorder_type,
        attributes: orphanet.attributes,
        prevalences: orphanet.prevalences,
        sources,
    }
}

/// The canonical id's own label names the record: MONDO's when the disease
/// is in MONDO (an ORPHA subtype can map to the OMIM entry of the whole
/// disease), else Orphanet's, else HPOA's, else a mapping set's, else the id.
fn disease_name(
    members: &[Curie],
    packet: Option<&Packet>,
    mondo: Option<&MondoTerm>,
    ids: &DiseaseIds,
) -> Sourced<String> {
    let (value, source) = if let Some(m) = mondo {
        (display_label(&m.label), Source::Mondo)
    } else if let Some(p) = packet {
        (p.label.clone(), Source::Orphanet)
    } else if let Some(n) = members.iter().find_map(|m| ids.hpoa_names.get(m)) {
        (n.to_string(), Source::Hpoa)
    } else if let Some(l) = members.iter().find_map(|m| ids.mapping_labels.get(m)) {
        (l.clone(), Source::Mondo)
    } else {
        (members[0].as_str().to_string(), Source::Hpoa)
    };
    Sourced { value, source }
}

/// Adds a synonym unless it is empty, the name or already listed (ignoring case).
fn add_synonym(synonyms: &mut Vec<Sourced<String>>, name: &str, text: &str, source: Source) {
    let t = text.trim();
    if t.is_empty()
        || t.eq_ignore_ascii_case(name)
        || synonyms.iter().any(|s| s.value.eq_ignore_ascii_case(t))
    {
        return;
    }
    synonyms.push(Sourced {
        value: t.to_string(),
        source,
    });
}

/// What a disease's packet says beyond its names.
#[derive(Default)]
struct OrphanetDetails {
    definition: Option<Sourced<String>>,
    disorder_type: Option<String>,
    attributes: Vec<Attribute>,
    prevalences: Vec<Prevalence>,
}

fn orphanet_details(st: &mut Build, p: &Packet) -> OrphanetDetails {
    let definition = p.definition().map(|d| Sourced {
        value: d.to_string(),
        source: Source::Orphanet,
    });
    let disorder_type = p.disorder_type.as_ref().map(|d| d.value.clone());
    let asserted = st.intern(orpha_code(p).as_str());
    let prov = || Provenance::new(Source::Orphanet, asserted);
    let mut attributes = Vec::new();
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
    let prevalences = p
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
    OrphanetDetails {
        definition,
        disorder_type,
        attributes,
        prevalences,
    }
}

// --- Disease -> phenotype and disease attributes; gene -> disease and
// gene -> phenotype.

/// Disease-phenotype assertions keyed by (disease, term, negated), with
/// the annotation rows they feed.
#[derive(Default)]
struct DiseasePhenotypes {
    assoc: Vec<((u32, u32, bool), PhenotypeAssertion)>,
    rows: Vec<AnnotationRow>,
}

impl<'a> Builder<'a, WithDiseases<'a>> {
    /// HPOA and Orphanet rows become disease-phenotype edges (a negated
    /// row a negated edge) and disease attributes; genes_to_phenotype and
    /// Orphanet's genes become gene-disease and gene-phenotype edges. A row
    /// to an HP id not in the ontology is counted and dropped.
    fn annotations(self) -> Result<Builder<'a, Annotated<'a>>, IngestError> {
        let Builder { b, mut st, state } = self;
        let WithDiseases {
            ontology,
            genes,
            packets,
            end,
        } = state;
        let (hpoa_path, hpoa) = &b.hpoa;
        let mut dp = DiseasePhenotypes {
            assoc: Vec::with_capacity(hpoa.rows.len() + 120_000),
            rows: Vec::with_capacity(hpoa.rows.len()),
        };
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
        hpoa_phenotypes(&mut st, &mut dp, hpoa_path, hpoa, &ontology.ancestors)?;
        orphanet_phenotypes(&mut st, &mut dp, &b.orphanet.0, &packets)?;
        let (groups, phenotype) = arena(dp.assoc);
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
        let (gene_disease, gene_phenotype, gene_rows) = gene_associations(&mut st, b, &genes)?;
        let assertions = Assertions {
            phenotype,
            gene_disease,
            gene_phenotype,
            annotations: Annotations {
                diseases: dp.rows,
                genes: gene_rows,
                omim_total,
            },
        };
        Ok(Builder {
            b,
            st,
            state: Annotated {
                ontology,
                gene_end: genes.end,
                disease_end: end,
                packets,
                assertions,
            },
        })
    }
}

fn hpoa_phenotypes(
    st: &mut Build,
    dp: &mut DiseasePhenotypes,
    hpoa_path: &Path,
    hpoa: &Hpoa,
    ancestors: &[Box<[u32]>],
) -> Result<(), IngestError> {
    let onset_root = st
        .index
        .phenotype
        .get(&Curie::parse(ONSET_ROOT).unwrap())
        .copied();
    for r in &hpoa.rows {
        let Some(d) = st.disease(&r.disease) else {
            continue;
        };
        let Some(hp) = st.hp(&r.hpo) else {
            st.stats.unresolved_terms += 1;
            continue;
        };
        let freq = st.frequency(r.frequency.as_ref(), hpoa_path, r.line)?;
        if !r.negated {
            dp.rows.push(AnnotationRow {
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
            let is_onset = || {
                onset_root
                    .is_some_and(|o| o == hp || ancestors[hp.index()].contains(&(o.index() as u32)))
            };
            add_hpoa_attribute(st, r, d, hp, is_onset, provenance);
            continue;
        }
        let onset = match &r.onset {
            Some(o) => st.hp(o),
            None => None,
        };
        let modifiers = r.modifiers.iter().filter_map(|m| st.hp(m)).collect();
        let key = (d.index() as u32, hp.index() as u32, r.negated);
        dp.assoc.push((
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
    Ok(())
}

/// An HPOA row of another aspect than phenotype: an attribute of the
/// disease, once per term. A clinical course is an onset under HPO's onset
/// branch.
fn add_hpoa_attribute(
    st: &mut Build,
    r: &HpoaRow,
    d: NodeId,
    hp: NodeId,
    is_onset: impl Fn() -> bool,
    provenance: Provenance,
) {
    let kind = match r.aspect {
        Aspect::Inheritance => AttributeKind::Inheritance,
        Aspect::ClinicalCourse if is_onset() => AttributeKind::Onset,
        Aspect::ClinicalCourse => AttributeKind::ClinicalCourse,
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
}

fn orphanet_phenotypes(
    st: &mut Build,
    dp: &mut DiseasePhenotypes,
    orpha_path: &Path,
    packets: &BTreeMap<Curie, &Packet>,
) -> Result<(), IngestError> {
    for (code, p) in packets {
        let Some(d) = st.disease(code) else {
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
                dp.rows.push(AnnotationRow {
                    subject: code.clone(),
                    source: Source::Orphanet,
                    node: d,
                    term: hp,
                    frequency: freq,
                });
            }
            dp.assoc.push((
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
    Ok(())
}

/// Gene-disease edges (Orphanet's genes, then genes_to_phenotype's pairs)
/// and gene-phenotype edges (genes_to_phenotype); returns their arenas and
/// the gene annotation rows.
#[allow(clippy::type_complexity)]
fn gene_associations(
    st: &mut Build,
    b: &SourceBundle,
    genes: &GeneLinks,
) -> Result<
    (
        Vec<Provenance>,
        Vec<GenePhenotypeAssertion>,
        Vec<AnnotationRow>,
    ),
    IngestError,
> {
    let (g2p_path, g2p) = &b.genes_to_phenotype;
    let mut gene_disease: Vec<((u32, u32), Provenance)> = Vec::new();
    for (pi, g, kind) in &genes.orphanet {
        let code = orpha_code(&b.orphanet.1.packets[*pi]);
        let Some(d) = st.disease(&code) else {
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
    for (r, &g) in g2p.iter().zip(&genes.g2p) {
        if let Some(hp) = st.hp(&r.hpo) {
            gene_rows.push(AnnotationRow {
                source: Source::GenesToPhenotype,
                subject: st.gene_mut(g).id.clone(),
                node: g,
                term: hp,
                frequency: st.frequency(r.frequency.as_ref(), g2p_path, r.line)?,
            });
        }
        let Some(d) = st.disease(&r.disease) else {
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
    Ok((
        gene_disease_assertions,
        gene_phenotype_assertions,
        gene_rows,
    ))
}

// --- Disease classification: Orphanet parents and MONDO is_a.
impl<'a> Builder<'a, Annotated<'a>> {
    /// Subclass edges between diseases, one per pair with every source
    /// stating it; a link to or from a disease not in the graph is counted
    /// and dropped, and one within a disease (two ids merged) is dropped.
    fn classification(self) -> Result<Builder<'a, Classified>, IngestError> {
        let Builder { b, mut st, state } = self;
        let mut subclass: BTreeMap<(u32, u32), SourceSet> = BTreeMap::new();
        let mut missing = 0;
        let mut add_sub = |c: Option<NodeId>, p: Option<NodeId>, s: Source| match (c, p) {
            (Some(c), Some(p)) if c != p => {
                subclass
                    .entry((c.index() as u32, p.index() as u32))
                    .or_default()
                    .insert(s);
            }
            (Some(_), Some(_)) => {}
            _ => missing += 1,
        };
        for (code, p) in &state.packets {
            for parent in p.parents() {
                let pc = Curie::parse(&format!("ORPHA:{}", parent.orpha_code)).ok();
                add_sub(
                    st.disease(code),
                    pc.and_then(|c| st.disease(&c)),
                    Source::Orphanet,
                );
            }
        }
        for (c, p) in &b.mondo_edges.1 {
            add_sub(st.disease(c), st.disease(p), Source::Mondo);
        }
        st.stats.unresolved_classification = missing;
        for ((c, p), s) in subclass {
            st.add_edge(
                NodeId::new(c as usize),
                NodeId::new(p as usize),
                Edge::SubclassOf(s),
            );
        }
        Ok(Builder {
            b,
            st,
            state: Classified {
                ontology: state.ontology,
                gene_end: state.gene_end,
                disease_end: state.disease_end,
                assertions: state.assertions,
            },
        })
    }
}

// --- Adjacency indexes, ordered for display.
impl<'a> Builder<'a, Classified> {
    /// The adjacency lists, each node's name rank and the by-name orders of
    /// genes, phenotypes and diseases; the sources' releases and row
    /// counts. Returns the finished graph and its annotation sets.
    fn indexes(self) -> Result<(KnowledgeGraph, Annotations), IngestError> {
        let Builder { b, mut st, state } = self;
        let Classified {
            ontology,
            gene_end,
            disease_end,
            assertions,
        } = state;
        let phenotype_end = ontology.end;
        st.graph.shrink_to_fit();
        let ranks = name_ranks(&st.graph);
        let adjacency = Adjacency::build(&st.graph, &ranks, &assertions.phenotype);
        let ordered = |r: std::ops::Range<usize>| {
            let mut v: Vec<NodeId> = r.map(NodeId::new).collect();
            v.sort_by_key(|n| ranks[n.index()]);
            v
        };
        let by_name = [
            ordered(gene_end..disease_end),
            ordered(0..phenotype_end),
            ordered(phenotype_end..gene_end),
        ];
        st.stats.rows = row_counts(b);
        let kg = KnowledgeGraph {
            graph: st.graph,
            phenotype_range: 0..phenotype_end as u32,
            gene_range: phenotype_end as u32..gene_end as u32,
            disease_range: gene_end as u32..disease_end as u32,
            ancestors: ontology.ancestors,
            descendants: ontology.descendants,
            index: st.index,
            adjacency,
            by_name,
            ranks,
            phenotype_assertions: assertions.phenotype,
            strings: st.strings.finish(),
            gene_disease_assertions: assertions.gene_disease,
            gene_phenotype_assertions: assertions.gene_phenotype,
            sources: releases(b),
            stats: st.stats,
            records: Default::default(),
        };
        Ok((kg, assertions.annotations))
    }
}

/// Each source's release and files.
fn releases(b: &SourceBundle) -> Vec<SourceRelease> {
    let (hpo_path, hpo) = &b.hpo;
    let (hpoa_path, hpoa) = &b.hpoa;
    vec![
        release(Source::Hpo, hpo.release(), [hpo_path]),
        release(Source::Hpoa, hpoa.version.clone(), [hpoa_path]),
        release(
            Source::GenesToPhenotype,
            hpoa.version.clone(),
            [&b.genes_to_phenotype.0],
        ),
        release(Source::Orphanet, b.orphanet.1.release(), [&b.orphanet.0]),
        release(
            Source::Mondo,
            b.mondo_mappings.iter().find_map(|(_, m)| m.release()),
            [&b.mondo_terms.0, &b.mondo_edges.0]
                .into_iter()
                .chain(b.mondo_mappings.iter().map(|(p, _)| p)),
        ),
        release(Source::Hgnc, b.hgnc.1.release(), [&b.hgnc.0]),
    ]
}

/// Rows or records read per source file.
fn row_counts(b: &SourceBundle) -> Vec<(&'static str, usize)> {
    vec![
        ("HPO terms", b.hpo.1.terms.len()),
        ("HPOA annotations", b.hpoa.1.rows.len()),
        ("genes_to_phenotype rows", b.genes_to_phenotype.1.len()),
        ("ORPHApackets", b.orphanet.1.packets.len()),
        ("MONDO rare terms", b.mondo_terms.1.len()),
        ("MONDO is_a edges", b.mondo_edges.1.len()),
        (
            "MONDO mappings",
            b.mondo_mappings.iter().map(|(_, m)| m.mappings.len()).sum(),
        ),
        ("HGNC approved genes", b.hgnc.1.genes.len()),
    ]
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
fn name_ranks(g: &PetGraph) -> Vec<u32> {
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
    fn build(g: &PetGraph, ranks: &[u32], assertions: &[PhenotypeAssertion]) -> Adjacency {
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

#[cfg(test)]
mod tests {
    //! Each phase on a few-term fixture: an HPO branch with an alt id, an
    //! obsolete term and the onset and frequency terms; two HGNC genes and
    //! one without an NCBI id; Marfan syndrome and hemophilia A in MONDO,
    //! Orphanet, OMIM and HPOA, with MONDO mapping Marfan syndrome to two
    //! Orphanet entries.
    use super::*;

    const HPO: &str = "format-version: 1.2
data-version: hp/releases/2025-01-16

[Term]
id: HP:0000001
name: All

[Term]
id: HP:0000118
name: Phenotypic abnormality
is_a: HP:0000001

[Term]
id: HP:0001166
name: Arachnodactyly
alt_id: HP:0001505
is_a: HP:0000118

[Term]
id: HP:0000098
name: Tall stature
is_a: HP:0000118

[Term]
id: HP:0000999
name: obsolete Tall
is_obsolete: true
replaced_by: HP:0000098

[Term]
id: HP:0003674
name: Onset
is_a: HP:0000001

[Term]
id: HP:0003577
name: Congenital onset
is_a: HP:0003674

[Term]
id: HP:0000006
name: Autosomal dominant inheritance
is_a: HP:0000001

[Term]
id: HP:0040281
name: Very frequent
is_a: HP:0000001

[Term]
id: HP:0040285
name: Excluded
is_a: HP:0000001
";

    const HGNC: &str = "hgnc_id\tsymbol\tname\tlocus_group\tlocus_type\tstatus\tlocation\talias_symbol\tprev_symbol\tentrez_id\tensembl_gene_id\tomim_id\tdate_modified\tdate_approved_reserved
HGNC:3603\tFBN1\tfibrillin 1\tprotein-coding gene\tgene with protein product\tApproved\t15q21.1\t\tMFS1\t2200\tENSG00000166147\t134797\t2024-01-01\t1986-01-01
HGNC:3546\tF8\tcoagulation factor VIII\tprotein-coding gene\tgene with protein product\tApproved\tXq28\tFVIII\t\t2157\tENSG00000185010\t300841\t2024-02-01\t1986-01-01
HGNC:7\tABC1\tsome gene\tprotein-coding gene\tgene with protein product\tApproved\t1p1\t\t\t\t\t\t2023-01-01\t1990-01-01
";

    const G2P: &str = "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id
2200\tFBN1\tHP:0001166\tArachnodactyly\t-\tOMIM:154700
5000\tABC1\tHP:0000098\tTall stature\t-\tOMIM:154700
7777\tF8\tHP:0000098\tTall stature\t-\tOMIM:306700
100\t-\tHP:0001166\tArachnodactyly\t-\tOMIM:306700
101\t-\tHP:0009999\tUnknown\t-\tOMIM:306700
";

    const HPOA: &str = "#version: 2025-01-16
database_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\tfrequency\tsex\tmodifier\taspect\tbiocuration
OMIM:154700\tMarfan syndrome\t\tHP:0001166\tPMID:1\tPCS\t\tHP:0040281\t\t\tP\tHPO:a[2020-01-01]
OMIM:154700\tMarfan syndrome\tNOT\tHP:0003577\tPMID:1\tPCS\t\t\t\t\tP\tHPO:a[2020-01-01]
OMIM:154700\tMarfan syndrome\t\tHP:0000006\tPMID:1\tIEA\t\t\t\t\tI\tHPO:a[2020-01-01]
OMIM:154700\tMarfan syndrome\t\tHP:0003577\tPMID:1\tIEA\t\t\t\t\tC\tHPO:a[2020-01-01]
OMIM:154700\tMarfan syndrome\t\tHP:0009999\tPMID:1\tIEA\t\t\t\t\tP\tHPO:a[2020-01-01]
OMIM:306700\tHemophilia A\t\tHP:0000999\tPMID:2\tTAS\t\t3/7\t\t\tP\tHPO:b[2020-01-01]
OMIM:999999\tUnmapped disorder\t\tHP:0001505\tPMID:3\tTAS\t\t\t\t\tP\tHPO:c[2020-01-01]
";

    const MONDO_TERMS: &str = "ID\tLABEL\tSYNONYMS
MONDO:0007947\tMarfan syndrome\tMFS
MONDO:0010602\themophilia A\themophilia A|factor VIII deficiency
MONDO:0003900\tconnective tissue disorder\t
";

    const MONDO_EDGES: &str = "subject\tpredicate\tobject
MONDO:0007947\tbiolink:subclass_of\tMONDO:0003900
MONDO:0010602\tbiolink:subclass_of\tMONDO:0099999
MONDO:0010602\tbiolink:related_to\tMONDO:0003900
";

    /// ORPHA:284963 comes first, so only label agreement makes ORPHA:558
    /// the one that joins Marfan syndrome.
    const SSSOM: &str = "# mapping_set_version: http://purl.obolibrary.org/obo/mondo/releases/2026-08-04/mappings/x.sssom.tsv
subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification
MONDO:0007947\tMarfan syndrome\tskos:exactMatch\tORPHA:284963\tMarfan syndrome type 1\tsemapv:ManualMappingCuration
MONDO:0007947\tMarfan syndrome\tskos:exactMatch\tORPHA:558\tMarfan syndrome\tsemapv:ManualMappingCuration
MONDO:0007947\tMarfan syndrome\tskos:exactMatch\tOMIM:154700\t\tsemapv:ManualMappingCuration
MONDO:0010602\themophilia A\tskos:exactMatch\tOMIM:306700\t\tsemapv:ManualMappingCuration
MONDO:0010602\themophilia A\tskos:exactMatch\tORPHA:98878\t\tsemapv:ManualMappingCuration
MONDO:0010602\themophilia A\tskos:exactMatch\tDOID:12134\t\tsemapv:ManualMappingCuration
MONDO:0010602\themophilia A\tskos:exactMatch\tUMLS:C0000001\t\tsemapv:ManualMappingCuration
MONDO:0007947\tMarfan syndrome\tskos:exactMatch\tUMLS:C0000001\t\tsemapv:ManualMappingCuration
";

    const PACKETS: [&str; 4] = [
        r#"{"Orphapacket": {"ORPHAcode": "558", "Label": "Marfan syndrome", "version": "1.3.42 / 4.1.8 [2025-03-03]",
            "Synonyms": [{"Synonym": "MFS"}, {"Synonym": "Marfan's syndrome"}],
            "TypeOfInheritances": [{"TypeOfInheritance": {"value": "Autosomal dominant"}}],
            "ExternalReferences": [{"Source": "OMIM", "Reference": "154700", "DisorderMappingRelation": "E (Exact)"}],
            "Genes": [{"Gene": {"Symbol": "FBN1", "ExternalReferences": [{"Source": "HGNC", "Reference": "3603"}],
                                "DisorderGeneAssociationType": "Disease-causing germline mutation(s) in"}}],
            "Phenotypes": [{"Phenotype": {"HPOId": "HP:0001166", "HPOTerm": "Arachnodactyly", "HPOFrequency": "Very frequent (99-80%)"}},
                           {"Phenotype": {"HPOId": "HP:0000098", "HPOTerm": "Tall stature", "HPOFrequency": "Excluded (0%)"}},
                           {"Phenotype": {"HPOId": "HP:0008888", "HPOTerm": "Unknown"}}]}}"#,
        r#"{"Orphapacket": {"ORPHAcode": "284963", "Label": "Marfan syndrome type 1",
            "Parents": [{"Parent": {"ORPHAcode": "558", "Label": "Marfan syndrome"}}]}}"#,
        r#"{"Orphapacket": {"ORPHAcode": "98878", "Label": "Hemophilia A",
            "ExternalReferences": [{"Source": "OMIM", "Reference": "306700", "DisorderMappingRelation": "E (Exact)"},
                                   {"Source": "OMIM", "Reference": "300841", "DisorderMappingRelation": "NTBT (narrower term maps to a broader term)"}],
            "Genes": [{"Gene": {"Symbol": "F8"}}, {"Gene": {"Symbol": "NOVEL1", "Name": "novel gene",
                                "ExternalReferences": {"Source": "HGNC", "Reference": "99999"}}}],
            "Parents": [{"Parent": {"ORPHAcode": "1", "Label": "Rare disease"}}]}}"#,
        r#"{"Orphapacket": {"ORPHAcode": "0100", "Label": "Lone disorder",
            "ExternalReferences": [{"Source": "OMIM", "Reference": "100100", "DisorderMappingRelation": "E (Exact)"}]}}"#,
    ];

    fn c(s: &str) -> Curie {
        Curie::parse(s).unwrap()
    }

    fn path(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    fn bundle_with_hpo(hpo: &str) -> SourceBundle {
        let packets = PACKETS
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let name = path(&format!("ORPHApacket_{i}.json"));
                ingest::orphapacket::parse_packet(&name, p.as_bytes()).unwrap()
            })
            .collect();
        let orphanet = PacketSet {
            version: Some("1.3.42 / 4.1.8 [2025-03-03]".into()),
            packets,
        };
        let p = |s| path(s);
        SourceBundle {
            hpo: (
                p("hp.obo"),
                ingest::obo::parse_bytes(&p("hp.obo"), hpo.as_bytes()).unwrap(),
            ),
            hpoa: (
                p("phenotype.hpoa"),
                ingest::hpoa::parse_bytes(&p("phenotype.hpoa"), HPOA.as_bytes()).unwrap(),
            ),
            genes_to_phenotype: (
                p("g2p.txt"),
                ingest::genes_to_phenotype::parse_bytes(&p("g2p.txt"), G2P.as_bytes()).unwrap(),
            ),
            orphanet: (p("orphapackets"), orphanet),
            mondo_terms: (
                p("mondo.tsv"),
                ingest::mondo::parse_terms_bytes(&p("mondo.tsv"), MONDO_TERMS.as_bytes()).unwrap(),
            ),
            mondo_edges: (
                p("edges.tsv"),
                ingest::mondo::parse_subclass_edges_bytes(&p("edges.tsv"), MONDO_EDGES.as_bytes())
                    .unwrap(),
            ),
            mondo_mappings: vec![(
                p("x.sssom.tsv"),
                ingest::mondo::parse_sssom_bytes(&p("x.sssom.tsv"), SSSOM.as_bytes()).unwrap(),
            )],
            hgnc: (
                p("hgnc.txt"),
                ingest::hgnc::parse_bytes(&p("hgnc.txt"), HGNC.as_bytes()).unwrap(),
            ),
        }
    }

    fn bundle() -> SourceBundle {
        bundle_with_hpo(HPO)
    }

    fn gene<S>(b: &Builder<S>, id: &str) -> (NodeId, Gene) {
        let n = b.st.index.gene[&c(id)];
        match &b.st.graph[n] {
            Node::Gene(g) => (n, g.clone()),
            _ => panic!("{id} is not a gene"),
        }
    }

    fn disease<S>(b: &Builder<S>, id: &str) -> (NodeId, Disease) {
        let n = b.st.index.disease[&c(id)];
        match &b.st.graph[n] {
            Node::Disease(d) => (n, d.clone()),
            _ => panic!("{id} is not a disease"),
        }
    }

    #[test]
    fn phenotypes_are_the_first_nodes_and_alt_ids_resolve() {
        let b = bundle();
        let p = Builder::new(&b).phenotypes().unwrap();
        assert_eq!(p.state.ontology.end, 10);
        assert_eq!(p.st.graph.node_count(), 10);
        let arachnodactyly = p.st.index.phenotype[&c("HP:0001166")];
        assert_eq!(arachnodactyly.index(), 2, "nodes in the file's order");
        assert_eq!(p.st.index.phenotype[&c("HP:0001505")], arachnodactyly);
        // Closures: all ancestors, sorted, without the term itself.
        assert_eq!(&*p.state.ontology.ancestors[2], &[0, 1]);
        assert_eq!(&*p.state.ontology.descendants[1], &[2, 3]);
        assert_eq!(p.st.stats.edges["subclass_of"], 8);
        let mut st = p.st;
        assert_eq!(st.hp(&c("HP:0000999")), Some(NodeId::new(3)));
        assert_eq!(st.stats.redirected_terms, 1);
    }

    #[test]
    fn an_is_a_to_a_missing_term_is_an_error_at_its_line() {
        let hpo = HPO.replace(
            "is_a: HP:0000118\n\n[Term]\nid: HP:0000098",
            "is_a: HP:0000118\n\n[Term]\nid: HP:0000098\nis_a: HP:0000404",
        );
        let b = bundle_with_hpo(&hpo);
        let err = Builder::new(&b).phenotypes().err().unwrap().to_string();
        assert_eq!(
            err,
            "hp.obo:19: HP:0000098 refers to HP:0000404, which is not in the file"
        );
        let cycle = HPO.replace("name: All\n", "name: All\nis_a: HP:0000118\n");
        let b = bundle_with_hpo(&cycle);
        let err = Builder::new(&b).phenotypes().err().unwrap().to_string();
        // Either term of the cycle may be named, each at its own line (the
        // added is_a moves HP:0000118's stanza one line down).
        assert!(
            err == "hp.obo:4: is_a cycle through HP:0000001"
                || err == "hp.obo:9: is_a cycle through HP:0000118",
            "{err}"
        );
        let dup = format!("{HPO}\n[Term]\nid: HP:0000006\nname: again\n");
        let b = bundle_with_hpo(&dup);
        let err = Builder::new(&b).phenotypes().err().unwrap().to_string();
        assert_eq!(err, "hp.obo:55: duplicate term HP:0000006");
    }

    #[test]
    fn a_symbol_joins_sources_only_where_it_names_one_gene() {
        let b = bundle();
        let g = Builder::new(&b).phenotypes().unwrap().genes().unwrap();
        // HGNC's three genes, then the genes only the annotation files know.
        let (fbn1, fbn1_gene) = gene(&g, "HGNC:3603");
        assert_eq!(fbn1.index(), 10);
        assert_eq!(g.st.index.gene[&c("NCBIGene:2200")], fbn1);
        assert_eq!(g.st.index.gene[&c("ENSEMBL:ENSG00000166147")], fbn1);
        assert_eq!(
            fbn1_gene.sources,
            [Source::Hgnc, Source::GenesToPhenotype, Source::Orphanet]
        );
        // ABC1 has no NCBI id in HGNC: genes_to_phenotype's symbol gives it one.
        let (abc1, abc1_gene) = gene(&g, "HGNC:7");
        assert_eq!(g.st.index.gene[&c("NCBIGene:5000")], abc1);
        assert_eq!(abc1_gene.ncbi_gene, Some(c("NCBIGene:5000")));
        // F8 has another NCBI id: the symbol does not join them.
        let (f8, _) = gene(&g, "HGNC:3546");
        let (other_f8, other) = gene(&g, "NCBIGene:7777");
        assert_ne!(f8, other_f8);
        assert_eq!(other.id, c("NCBIGene:7777"));
        assert_eq!(g.st.index.gene_symbol["F8"], [f8, other_f8]);
        // Two genes without a symbol (`-`) stay apart.
        let (a, _) = gene(&g, "NCBIGene:100");
        let (b2, _) = gene(&g, "NCBIGene:101");
        assert_ne!(a, b2);
        // Orphanet's F8 has no HGNC id and the symbol names two genes: dropped.
        assert_eq!(g.st.stats.unresolved_genes, 1);
        let (novel, novel_gene) = gene(&g, "HGNC:99999");
        assert_eq!(novel_gene.name.as_deref(), Some("novel gene"));
        assert_eq!(novel_gene.sources, [Source::Orphanet]);
        assert_eq!(g.st.stats.genes_outside_hgnc, 4);
        assert_eq!(g.state.genes.end, 17);
        assert_eq!(g.st.graph.node_count(), 17);
        assert_eq!(g.state.genes.g2p, [fbn1, abc1, other_f8, a, b2]);
        let orphanet: Vec<(usize, NodeId)> = g
            .state
            .genes
            .orphanet
            .iter()
            .map(|(p, n, _)| (*p, *n))
            .collect();
        assert_eq!(orphanet, [(0, fbn1), (2, novel)]);
        // A previous symbol resolves as an alias.
        assert_eq!(g.st.index.gene_alias["MFS1"], [fbn1]);
        assert_eq!(g.st.index.gene_alias["FVIII"], [f8]);
    }

    fn identities(b: &SourceBundle) -> Builder<'_, WithIdentities<'_>> {
        Builder::new(b)
            .phenotypes()
            .unwrap()
            .genes()
            .unwrap()
            .identities()
            .unwrap()
    }

    #[test]
    fn exact_mappings_merge_ids_and_refuse_a_second_id_of_a_namespace() {
        let b = bundle();
        let i = identities(&b);
        let clusters = &i.state.ids.clusters;
        let of = |id: &str| {
            clusters
                .iter()
                .find(|m| m.contains(&c(id)))
                .unwrap()
                .clone()
        };
        // MONDO's ORPHA and OMIM mappings make one disease; of Marfan
        // syndrome's two Orphanet entries, the one of the same name joins.
        assert_eq!(
            of("MONDO:0007947"),
            [c("MONDO:0007947"), c("ORPHA:558"), c("OMIM:154700")]
        );
        assert_eq!(of("ORPHA:284963"), [c("ORPHA:284963")]);
        assert_eq!(
            of("MONDO:0010602"),
            [c("MONDO:0010602"), c("ORPHA:98878"), c("OMIM:306700")]
        );
        // Orphanet's own exact reference merges where MONDO has none.
        assert_eq!(of("ORPHA:100"), [c("ORPHA:100"), c("OMIM:100100")]);
        assert_eq!(i.st.stats.identity_merges, 5);
        // ORPHA:284963 could not join MONDO:0007947 (it has ORPHA:558).
        assert_eq!(i.st.stats.identity_merges_refused, 1);
        let marfan_xrefs: Vec<(&str, &str)> = i.state.ids.xrefs[&c("MONDO:0007947")]
            .iter()
            .map(|x| (x.id.as_str(), x.relation.as_str()))
            .collect();
        assert_eq!(
            marfan_xrefs,
            [
                ("UMLS:C0000001", "exactMatch"),
                ("ORPHA:284963", "exactMatch")
            ]
        );
        let narrower: Vec<(&str, &str)> = i.state.ids.xrefs[&c("ORPHA:98878")]
            .iter()
            .map(|x| (x.id.as_str(), x.relation.as_str()))
            .collect();
        assert_eq!(narrower, [("OMIM:300841", "NTBT")]);
        // Clusters with data: three MONDO diseases, ORPHA:284963,
        // ORPHA:100 and the HPOA-only OMIM:999999.
        assert_eq!(clusters.len(), 6);
        assert!(clusters.windows(2).all(|w| w[0] < w[1]), "sorted");
    }

    fn diseases(b: &SourceBundle) -> Builder<'_, WithDiseases<'_>> {
        identities(b).diseases().unwrap()
    }

    #[test]
    fn diseases_take_their_names_ids_and_cross_references() {
        let b = bundle();
        let d = diseases(&b);
        assert_eq!(d.state.end, 17 + 6);
        let (marfan, m) = disease(&d, "ORPHA:558");
        assert_eq!(d.st.index.disease[&c("OMIM:154700")], marfan);
        assert_eq!(m.id, c("MONDO:0007947"));
        assert_eq!(m.name.value, "Marfan syndrome");
        assert_eq!(m.name.source, Source::Mondo);
        assert_eq!(m.sources, [Source::Orphanet, Source::Mondo, Source::Hpoa]);
        let synonyms: Vec<(&str, Source)> = m
            .synonyms
            .iter()
            .map(|s| (s.value.as_str(), s.source))
            .collect();
        assert_eq!(
            synonyms,
            [
                ("MFS", Source::Orphanet),
                ("Marfan's syndrome", Source::Orphanet)
            ]
        );
        assert_eq!(m.attributes.len(), 1);
        assert_eq!(m.attributes[0].kind, AttributeKind::Inheritance);
        assert_eq!(m.attributes[0].label, "Autosomal dominant");
        // MONDO's lower-case label is capitalised.
        let (hemophilia, h) = disease(&d, "OMIM:306700");
        assert_eq!(h.name.value, "Hemophilia A");
        assert_eq!(h.synonyms[0].value, "factor VIII deficiency");
        // A cross-reference one disease carries resolves to it; one two
        // diseases carry is ambiguous; Orphanet's narrower one does neither.
        assert_eq!(d.st.index.disease[&c("DOID:12134")], hemophilia);
        let mut both = d.st.index.ambiguous_disease[&c("UMLS:C0000001")].clone();
        both.sort();
        let mut expected = vec![marfan, hemophilia];
        expected.sort();
        assert_eq!(both, expected);
        assert!(!d.st.index.disease.contains_key(&c("OMIM:300841")));
        // The refused Orphanet entry is a disease of its own and a
        // cross-reference of Marfan syndrome.
        let (subtype, s) = disease(&d, "ORPHA:284963");
        assert_ne!(subtype, marfan);
        assert_eq!(s.name.value, "Marfan syndrome type 1");
        assert!(m.xrefs.iter().any(|x| x.id == c("ORPHA:284963")));
        let (_, lone) = disease(&d, "OMIM:999999");
        assert_eq!(lone.name.value, "Unmapped disorder");
        assert_eq!(lone.name.source, Source::Hpoa);
    }

    fn annotated(b: &SourceBundle) -> Builder<'_, Annotated<'_>> {
        diseases(b).annotations().unwrap()
    }

    /// (source, target, negated) of every disease-phenotype edge.
    fn phenotype_edges<S>(b: &Builder<S>) -> Vec<(usize, usize, bool)> {
        use petgraph::visit::EdgeRef;
        b.st.graph
            .edge_references()
            .filter_map(|e| match e.weight() {
                Edge::HasPhenotype(a) => Some((e.source().index(), e.target().index(), a.negated)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn annotations_make_negated_edges_attributes_and_count_unknown_terms() {
        let b = bundle();
        let a = annotated(&b);
        let (marfan, m) = disease(&a, "MONDO:0007947");
        let (hemophilia, _) = disease(&a, "MONDO:0010602");
        let (lone, _) = disease(&a, "OMIM:999999");
        let hp = |id: &str| a.st.index.phenotype[&c(id)].index();
        let mut edges = phenotype_edges(&a);
        edges.sort();
        let mut expected = vec![
            (marfan.index(), hp("HP:0001166"), false),
            // HPOA's NOT row and Orphanet's "Excluded" frequency.
            (marfan.index(), hp("HP:0003577"), true),
            (marfan.index(), hp("HP:0000098"), true),
            // The obsolete term is redirected, the alt id resolved.
            (hemophilia.index(), hp("HP:0000098"), false),
            (lone.index(), hp("HP:0001166"), false),
        ];
        expected.sort();
        assert_eq!(edges, expected);
        // HPOA's HP:0009999, Orphanet's HP:0008888, genes_to_phenotype's HP:0009999.
        assert_eq!(a.st.stats.unresolved_terms, 3);
        assert_eq!(a.st.stats.redirected_terms, 1);
        // Arachnodactyly: HPOA and Orphanet, one edge of two assertions.
        let arachnodactyly =
            a.st.graph
                .edges_connecting(marfan, NodeId::new(hp("HP:0001166")))
                .next()
                .unwrap();
        let Edge::HasPhenotype(assoc) = arachnodactyly.weight() else {
            panic!()
        };
        let assertions = &a.state.assertions.phenotype[assoc.assertions.range()];
        let sources: Vec<Source> = assertions.iter().map(|x| x.provenance.source).collect();
        assert_eq!(sources, [Source::Hpoa, Source::Orphanet]);
        let very_frequent = NodeId::new(hp("HP:0040281"));
        assert!(assertions
            .iter()
            .all(|x| x.frequency == Some(Frequency::Term(very_frequent))));
        // Inheritance and onset rows are attributes, after Orphanet's.
        let kinds: Vec<(AttributeKind, &str)> = m
            .attributes
            .iter()
            .map(|x| (x.kind, x.label.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (AttributeKind::Inheritance, "Autosomal dominant"),
                (AttributeKind::Inheritance, "Autosomal dominant inheritance"),
                (AttributeKind::Onset, "Congenital onset"),
            ]
        );
        // Rows: positive ones only.
        let rows = &a.state.assertions.annotations;
        assert_eq!(rows.omim_total, 3);
        // Negated rows (HPOA's NOT, Orphanet's "Excluded") make no row.
        let tall: Vec<NodeId> = rows
            .diseases
            .iter()
            .filter(|r| r.term.index() == hp("HP:0000098"))
            .map(|r| r.node)
            .collect();
        assert_eq!(tall, [hemophilia]);
        assert!(!rows.diseases.iter().any(|r| r.node == marfan
            && r.term.index() == hp("HP:0003577")
            && r.source == Source::Orphanet));
        assert_eq!(rows.diseases.len(), 6);
        assert_eq!(rows.genes.len(), 4);
        assert_eq!(a.st.stats.edges["has_phenotype"], 5);
        // Gene edges: FBN1 and ABC1 to Marfan syndrome, the second F8 and
        // the symbol-less genes to hemophilia A.
        assert_eq!(a.st.stats.edges["gene_associated_with_disease"], 6);
        assert_eq!(a.st.stats.edges["gene_has_phenotype"], 4);
        let (fbn1, _) = gene(&a, "HGNC:3603");
        let fbn1_marfan = a.st.graph.edges_connecting(fbn1, marfan).next().unwrap();
        let Edge::GeneDisease(span) = fbn1_marfan.weight() else {
            panic!()
        };
        let provenance: Vec<Source> = a.state.assertions.gene_disease[span.range()]
            .iter()
            .map(|p| p.source)
            .collect();
        assert_eq!(provenance, [Source::Orphanet, Source::GenesToPhenotype]);
    }

    #[test]
    fn classification_links_diseases_and_counts_missing_ones() {
        let b = bundle();
        let cl = annotated(&b).classification().unwrap();
        use petgraph::visit::EdgeRef;
        let subclass: Vec<(NodeId, NodeId, Vec<Source>)> = cl
            .st
            .graph
            .edge_references()
            .filter(|e| e.source().index() >= 17)
            .filter_map(|e| match e.weight() {
                Edge::SubclassOf(s) => Some((e.source(), e.target(), s.iter().collect())),
                _ => None,
            })
            .collect();
        let (marfan, _) = disease(&cl, "MONDO:0007947");
        let (subtype, _) = disease(&cl, "ORPHA:284963");
        let (parent, _) = disease(&cl, "MONDO:0003900");
        let mut expected = vec![
            (marfan, parent, vec![Source::Mondo]),
            (subtype, marfan, vec![Source::Orphanet]),
        ];
        expected.sort_by_key(|e| (e.0, e.1));
        assert_eq!(subclass, expected);
        // MONDO:0099999 and ORPHA:1 are not in the graph.
        assert_eq!(cl.st.stats.unresolved_classification, 2);
    }

    #[test]
    fn indexes_order_each_kind_by_name() {
        let (kg, annotations) = build(bundle()).unwrap();
        let names = |ns: &[NodeId]| -> Vec<String> {
            ns.iter()
                .map(|&n| match kg.node(n) {
                    Node::Phenotype(p) => p.name.clone(),
                    Node::Gene(g) => g.symbol.clone(),
                    Node::Disease(d) => d.name.value.clone(),
                })
                .collect()
        };
        assert_eq!(
            names(&kg.by_name[0]),
            [
                "Connective tissue disorder",
                "Hemophilia A",
                "Lone disorder",
                "Marfan syndrome",
                "Marfan syndrome type 1",
                "Unmapped disorder"
            ]
        );
        assert_eq!(
            names(&kg.by_name[2]),
            ["-", "-", "ABC1", "F8", "F8", "FBN1", "NOVEL1"]
        );
        assert_eq!(
            names(&kg.by_name[1])[..3],
            ["All", "Arachnodactyly", "Autosomal dominant inheritance"]
        );
        assert_eq!(kg.phenotype_range, 0..10);
        assert_eq!(kg.gene_range, 10..17);
        assert_eq!(kg.disease_range, 17..23);
        // Ranks follow the global case-insensitive order.
        let all = kg.ranks.len();
        assert_eq!(all, 23);
        let first = (0..all).find(|&i| kg.ranks[i] == 0).unwrap();
        assert_eq!(names(&[NodeId::new(first)]), ["-"]);
        // Marfan syndrome's phenotypes: the frequent one first, excluded ones last.
        let marfan = kg.index.disease[&c("ORPHA:558")];
        let listed: Vec<String> = kg
            .adjacency
            .disease_phenotypes
            .get(marfan.index())
            .iter()
            .map(|&e| names(&[kg.edge(e).2])[0].clone())
            .collect();
        assert_eq!(
            listed,
            ["Arachnodactyly", "Tall stature", "Congenital onset"]
        );
        let releases: Vec<(Source, &str)> = kg
            .sources
            .iter()
            .map(|s| (s.source, s.release.as_str()))
            .collect();
        assert_eq!(releases[0], (Source::Hpo, "2025-01-16"));
        assert_eq!(releases[3], (Source::Orphanet, "2025-03-03"));
        assert_eq!(releases[4], (Source::Mondo, "2026-08-04"));
        assert_eq!(kg.stats.rows[0], ("HPO terms", 10));
        assert_eq!(annotations.diseases.len(), 6);
    }
}

#[cfg(test)]
mod closure_tests {
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
